"""Demo data: the real PVD list and one account per role (demo mode only)."""
