"""The communes and intercommunalités pages: the reference data, with their PVD dossiers."""
