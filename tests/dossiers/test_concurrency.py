"""Two préfecture agents act on the same dossier at once: one wins, the other is told,
and nothing of the loser's action is written. Real transactions on two connections."""
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.db import db
from app.core.errors import ConflictError
from app.dossiers import lifecycle
from app.workflows.history import HistoryEntry
from app.dossiers.models import Dossier, DossierEtat as E
from tests import factories

pytestmark = pytest.mark.no_transaction
TODAY = date(2026, 11, 22)


@pytest.fixture
def committed_dossier(app):
    """A dossier in instruction, committed for real (cleaned up afterwards)."""
    with app.app_context():
        dep = factories.departement()
        dossier = factories.dossier(departement_obj=dep)
        agents = [factories.user_with_role(factories.Role.PREFECTURE, departement_code=dep.code)
                  for _ in range(2)]
        dossier.etat = E.ADHESION_DEPOSEE
        db.session.commit()
        commune = dossier.liens_communes[0].commune
        ids = dossier.id, [a.id for a in agents], dep.code, dep.region_code
        geo = commune.insee, commune.epci_siren
    yield ids
    dossier_id, agent_ids, dep_code, region_code = ids
    with app.app_context():
        db.session.execute(text("DELETE FROM history_entry WHERE dossier_id = :d"), {"d": dossier_id})
        db.session.execute(text("DELETE FROM history_chain WHERE dossier_id = :d"), {"d": dossier_id})
        db.session.execute(text("DELETE FROM role_grant WHERE user_id IN (:a, :b)"),
                           {"a": agent_ids[0], "b": agent_ids[1]})
        db.session.execute(text('DELETE FROM "user" WHERE id IN (:a, :b)'),
                           {"a": agent_ids[0], "b": agent_ids[1]})
        db.session.execute(text("DELETE FROM dossier_commune WHERE dossier_id = :d"), {"d": dossier_id})
        db.session.execute(text("DELETE FROM dossier WHERE id = :d"), {"d": dossier_id})
        db.session.execute(text("DELETE FROM commune WHERE insee = :c"), {"c": geo[0]})
        db.session.execute(text("DELETE FROM epci WHERE siren = :e"), {"e": geo[1]})
        db.session.execute(text("DELETE FROM departement WHERE code = :d"), {"d": dep_code})
        db.session.execute(text("DELETE FROM region WHERE code = :r"), {"r": region_code})
        db.session.commit()


def test_second_agent_gets_a_conflict_and_nothing_is_half_written(app, committed_dossier):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # SQLite locks the whole file: two open writers block instead of racing.
        pytest.skip("la course entre deux transactions se joue sur PostgreSQL")
    dossier_id, agent_ids, _, _ = committed_dossier
    with app.app_context():
        engine = db.engine
        first, second = Session(engine), Session(engine)
        try:
            d1 = first.get(Dossier, dossier_id)
            d2 = second.get(Dossier, dossier_id)
            seen = d1.version
            assert d2.version == seen
            a1, a2 = first.get(User, agent_ids[0]), second.get(User, agent_ids[1])

            # The services use db.session: point it at each agent's session in turn.
            original = db.session
            db.session = _Scoped(first)
            lifecycle.fire(d1, "valider_adhesion", a1, today=TODAY, expected_version=seen)
            first.commit()
            db.session = _Scoped(second)
            with pytest.raises(ConflictError, match="modifié entre-temps"):
                lifecycle.fire(d2, "demander_complements_adhesion", a2, today=TODAY,
                                 reason="Pièce manquante", expected_version=seen)
            second.rollback()
        finally:
            db.session = original
            first.close()
            second.close()
        check = Session(engine)
        dossier = check.get(Dossier, dossier_id)
        events = check.scalars(select(HistoryEntry.event).where(HistoryEntry.dossier_id == dossier_id)).all()
        assert dossier.etat == E.ADHESION_VALIDEE
        assert events == ["valider_adhesion"]
        check.close()


def test_the_stale_page_is_refused_even_without_a_race(app, committed_dossier):
    """The agent's form carries the version they saw: acting on an old page is refused."""
    dossier_id, agent_ids, _, _ = committed_dossier
    with app.app_context():
        session = Session(db.engine)
        original = db.session
        try:
            db.session = _Scoped(session)
            dossier = session.get(Dossier, dossier_id)
            agent = session.get(User, agent_ids[0])
            seen = dossier.version
            lifecycle.fire(dossier, "valider_adhesion", agent, today=TODAY, expected_version=seen)
            session.commit()
            with pytest.raises(ConflictError):
                lifecycle.fire(dossier, "declarer_sortie", agent, today=TODAY, reason="x",
                                 expected_version=seen)
        finally:
            db.session = original
            session.rollback()
            session.close()


class _Scoped:
    """Just enough of a scoped_session for the services: forwards to one Session."""

    def __init__(self, session):
        self._session = session

    def __getattr__(self, name):
        return getattr(self._session, name)
