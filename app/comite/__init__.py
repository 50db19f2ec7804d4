"""The comité de projet of a dossier, and what the partners do (avis, financing decisions)."""
