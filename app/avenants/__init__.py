"""Avenants: amendments to a signed convention-cadre, each with its own small lifecycle."""
