"""Exports of what a user sees: the dossiers (one row per commune) and the fiches action with
their financing lines, as CSV or XLSX, streamed (app/exports/views.py)."""
