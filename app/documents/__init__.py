"""Documents of a dossier: typed, versioned uploads and generated convention PDFs."""
