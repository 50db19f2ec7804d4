"""Projet de territoire: axes stratégiques and indicators, fiches action and their financing,
the maquette financière, the chef de projet post, ORT and OPAH, and the dossier's summary."""
