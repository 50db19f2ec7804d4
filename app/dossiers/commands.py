from flask.cli import AppGroup

pvd_cli = AppGroup("pvd", help="Liste des communes Petites villes de demain.")
