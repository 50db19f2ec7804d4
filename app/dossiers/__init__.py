"""PVD dossiers: one per convention group (1..n communes, their EPCI, one département)."""
