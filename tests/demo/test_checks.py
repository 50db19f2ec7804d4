"""`flask demo check`: every state of both machines, and the figures counted by commune."""
from datetime import date

from app.demo import checks
from app.dossiers.models import DossierEtat as E
from tests import factories
from tests.tableaux import programme


def test_figures_count_communes_not_dossiers():
    dep, epci = factories.departement(), factories.epci()
    factories.dossier([factories.commune(dep, epci) for _ in range(3)], etat=E.MISE_EN_OEUVRE,
                      adhesion_signee_le=date(2021, 5, 1), cadre_signee_le=date(2022, 11, 1))
    factories.dossier([factories.commune(dep, epci)], etat=E.ADHESION_SIGNEE, adhesion_signee_le=date(2021, 6, 1))
    factories.dossier([factories.commune(dep, epci)], etat=E.CADRE_REDACTION, adhesion_signee_le=date(2021, 6, 1))
    factories.dossier([factories.commune(dep, epci)])
    cadre_2023, cadre_2024, adhesions = checks.figures()
    assert cadre_2023.share == cadre_2024.share == 3 / 6
    assert adhesions.share == 5 / 6
    assert not cadre_2023.ok and not adhesions.ok


def test_missing_states_name_each_state_no_subject_is_in():
    factories.dossier()
    missing = checks.missing_states()
    assert "Labellisé" not in missing
    assert "Clôturé" in missing and "Avenant en rédaction" in missing


def test_the_check_command_fails_when_a_state_is_missing(runner):
    factories.dossier()
    result = runner.invoke(args=["demo", "check"])
    assert result.exit_code == 1
    assert "aucun sujet à l'étape « Sorti du programme »" in result.output


def test_the_national_dashboard_is_checked_against_the_published_figures():
    programme.build()
    adhesion, cadre_2023, cadre_2024, ort, opah = checks.dashboard()
    assert (adhesion.value, cadre_2023.value, ort.value, opah.value) == (75.0, 2, 2, 1)
    assert cadre_2024.value == 50.0
    assert not any(figure.ok for figure in (adhesion, cadre_2023, cadre_2024, ort, opah))
