"""The conventions of a dossier (adhésion, cadre) printed as PDF from Jinja templates."""
