"""Registers the command groups of every feature on `flask`."""


def register_cli(app):
    from app.demo.commands import demo_cli
    from app.dossiers.commands import pvd_cli
    from app.core.commands import outbox_cli
    from app.dossiers.audit import audit_cli
    from app.referentiel.commands import referentiel_cli

    app.cli.add_command(referentiel_cli)
    app.cli.add_command(pvd_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(audit_cli)
