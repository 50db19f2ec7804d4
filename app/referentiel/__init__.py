"""Reference geography: régions, départements, EPCI, communes (from @etalab/decoupage-administratif)."""
