"""The programme's list of PVD communes, imported as dossiers (`flask pvd import`)."""
