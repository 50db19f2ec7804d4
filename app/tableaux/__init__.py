"""Dashboards, curves, map and the "point d'avancement" report of the programme."""
