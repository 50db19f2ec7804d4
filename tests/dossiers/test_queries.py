"""The SQL filter of the 18-month status says what `statut()` says, for every status."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.core.db import db
from app.dossiers.echeance import StatutEcheance as S, add_months, statut
from app.dossiers.models import Dossier, DossierEtat as E
from app.dossiers.queries import echeance_condition
from tests import factories

TODAY = date(2026, 11, 22)
END = add_months(TODAY, 9)  # the end of the programme, for these cases

# deadline, cadre signed on (None: not yet), the status statut() gives
CASES = [
    (TODAY - timedelta(days=1), None, S.DEPASSEE),
    (TODAY, None, S.MOINS_1_MOIS),  # due today: not past yet
    (add_months(TODAY, 1) - timedelta(days=1), None, S.MOINS_1_MOIS),
    (add_months(TODAY, 1), None, S.MOINS_3_MOIS),
    (add_months(TODAY, 3) - timedelta(days=1), None, S.MOINS_3_MOIS),
    (add_months(TODAY, 3), None, S.MOINS_6_MOIS),
    (add_months(TODAY, 6) - timedelta(days=1), None, S.MOINS_6_MOIS),
    (add_months(TODAY, 6), None, S.DANS_LES_DELAIS),
    (END, None, S.DANS_LES_DELAIS),  # the programme's last day is still within it
    (END + timedelta(days=1), None, S.AU_DELA_FIN_PROGRAMME),
    (add_months(TODAY, 18), None, S.AU_DELA_FIN_PROGRAMME),
    (TODAY, TODAY, S.RESPECTEE),
    (add_months(TODAY, 18), TODAY, S.RESPECTEE),  # signed: the programme's end no longer matters
    (TODAY, TODAY + timedelta(days=1), S.SIGNEE_HORS_DELAI),
]


@pytest.fixture
def dossiers():
    made = []
    for deadline, signed, expected in CASES:
        dossier = factories.dossier(etat=E.MISE_EN_OEUVRE if signed else E.CADRE_REDACTION,
                                    adhesion_signee_le=add_months(deadline, -18),
                                    echeance_cadre=deadline, cadre_signee_le=signed)
        assert statut(deadline, signed, TODAY, END) == expected  # the cases say what Python says
        made.append((dossier.id, expected))
    db.session.flush()
    return made


def test_every_case_is_covered():
    assert {expected for _, _, expected in CASES} == set(S)


@pytest.mark.parametrize("status", list(S), ids=[s.value for s in S])
def test_the_sql_filter_selects_exactly_the_dossiers_of_that_status(dossiers, status):
    ids = {dossier_id for dossier_id, _ in dossiers}
    found = set(db.session.scalars(
        select(Dossier.id).where(Dossier.id.in_(ids), echeance_condition(status, TODAY, END))
    ))
    assert found == {dossier_id for dossier_id, expected in dossiers if expected == status}


def test_the_sql_filter_reads_the_end_of_the_programme_from_the_settings(app, monkeypatch):
    dossier = factories.dossier(etat=E.CADRE_REDACTION, adhesion_signee_le=TODAY,
                                echeance_cadre=add_months(TODAY, 18))

    def found(status):
        return db.session.scalar(
            select(Dossier.id).where(Dossier.id == dossier.id, echeance_condition(status, TODAY)))

    monkeypatch.setitem(app.config, "PROGRAMME_END", add_months(TODAY, 12).isoformat())
    assert dossier.statut_echeance(TODAY) == S.AU_DELA_FIN_PROGRAMME
    assert found(S.AU_DELA_FIN_PROGRAMME) == dossier.id and found(S.DANS_LES_DELAIS) is None
    monkeypatch.setitem(app.config, "PROGRAMME_END", add_months(TODAY, 18).isoformat())
    assert dossier.statut_echeance(TODAY) == S.DANS_LES_DELAIS
    assert found(S.DANS_LES_DELAIS) == dossier.id and found(S.AU_DELA_FIN_PROGRAMME) is None


def test_a_dossier_that_left_unsigned_has_no_running_status():
    dossier = factories.dossier(etat=E.SORTI, adhesion_signee_le=date(2024, 1, 1),
                                echeance_cadre=TODAY - timedelta(days=30))
    assert dossier.statut_echeance(TODAY) is None
    for status in S:
        assert db.session.scalar(
            select(Dossier.id).where(Dossier.id == dossier.id, echeance_condition(status, TODAY))) is None
