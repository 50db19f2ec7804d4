"""The history of the dossiers as evidence: verifying its chains (`flask audit`)."""
