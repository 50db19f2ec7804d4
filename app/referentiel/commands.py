from flask.cli import AppGroup

referentiel_cli = AppGroup("referentiel", help="Référentiel géographique (communes, EPCI, départements, régions).")
