"""Two préfecture agents act on the same dossier at once: one wins, the other is told,
and nothing of the loser's action is written. Real transactions on two connections."""
import threading
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.auth.models import User
from app.core.db import db
from app.avenants import lifecycle as avenant_lifecycle, services as avenant_services
from app.avenants.models import Avenant
from app.core.errors import ConflictError
from app.dossiers import lifecycle
from app.historique.verify import verify_chains
from app.workflows import history
from app.workflows.history import HistoryEntry
from app.dossiers.models import Dossier, DossierEtat as E
from tests import factories

pytestmark = pytest.mark.no_transaction
TODAY = date(2026, 11, 22)
CLEANUP = (
    "DELETE FROM signataire WHERE contenu_id IN (SELECT id FROM convention_contenu WHERE dossier_id = :d)",
    "DELETE FROM secteur_intervention WHERE contenu_id IN (SELECT id FROM convention_contenu WHERE dossier_id = :d)",
    "DELETE FROM convention_contenu WHERE dossier_id = :d",
    "DELETE FROM history_entry WHERE dossier_id = :d",
    "DELETE FROM history_chain WHERE dossier_id = :d",
    "DELETE FROM document_version WHERE document_id IN (SELECT id FROM document WHERE dossier_id = :d)",
    "DELETE FROM document WHERE dossier_id = :d",
    "DELETE FROM avenant WHERE dossier_id = :d",
    "DELETE FROM notification WHERE dossier_id = :d",  # the steps notify the dossier's members
    # the projet de territoire a cadre deposit needs (factories.projet_ready), and its chef de projet
    "DELETE FROM ligne_financement WHERE fiche_id IN (SELECT id FROM fiche_action WHERE dossier_id = :d)",
    "DELETE FROM indicateur WHERE dossier_id = :d",
    "DELETE FROM fiche_action WHERE dossier_id = :d",
    "DELETE FROM fiche_compteur WHERE dossier_id = :d",
    "DELETE FROM axe_strategique WHERE dossier_id = :d",
    "DELETE FROM role_grant WHERE dossier_id = :d",
)


def postgresql_only(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # SQLite locks the whole file: two open writers block instead of racing.
        pytest.skip("la course entre deux transactions se joue sur PostgreSQL")


class Racer(threading.Thread):
    """Runs `work(dossier)` in its own application context, session and transaction;
    waits for `release` before committing, so that the other racer runs meanwhile."""

    def __init__(self, app, dossier_id, work, release=None):
        super().__init__(daemon=True)
        self.app, self.dossier_id, self.work, self.release = app, dossier_id, work, release
        self.acted = threading.Event()
        self.result = self.error = None

    def run(self):
        with self.app.app_context():
            try:
                self.result = self.work(db.session.get(Dossier, self.dossier_id))
                self.acted.set()
                if self.release is not None:
                    self.release.wait(10)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 — the test reads it
                db.session.rollback()
                self.error = error
            finally:
                self.acted.set()
                db.session.remove()


def race(app, dossier_id, first_work, second_work):
    """The first racer acts and holds its transaction open; the second acts then (and blocks
    on the first one's locks); the first commits; both finish."""
    release = threading.Event()
    first = Racer(app, dossier_id, first_work, release)
    first.start()
    assert first.acted.wait(10)
    second = Racer(app, dossier_id, second_work)
    second.start()
    second.join(0.5)  # let it reach the lock the first racer holds
    release.set()
    first.join(10)
    second.join(10)
    assert not first.is_alive() and not second.is_alive()
    return first, second


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
        chefs = db.session.scalars(text("SELECT user_id FROM role_grant WHERE dossier_id = :d"),
                                   {"d": dossier_id}).all()
        for statement in CLEANUP:
            db.session.execute(text(statement), {"d": dossier_id})
        for chef in chefs:  # the chef de projet factories.projet_ready made
            db.session.execute(text("DELETE FROM notification WHERE user_id = :u"), {"u": chef})
            db.session.execute(text('DELETE FROM "user" WHERE id = :u'), {"u": chef})
        db.session.execute(text("DELETE FROM role_grant WHERE user_id IN (:a, :b)"),
                           {"a": agent_ids[0], "b": agent_ids[1]})
        db.session.execute(text("DELETE FROM notification WHERE user_id IN (:a, :b)"),
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
    postgresql_only(app)
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


@pytest.fixture
def signed_dossier(app, committed_dossier):
    """The committed dossier at mise en œuvre, with one avenant in rédaction (its draft there)."""
    dossier_id, agent_ids, dep_code, _ = committed_dossier
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        dossier.etat = E.MISE_EN_OEUVRE
        history.append(dossier_id=dossier.id, subject_type="dossier", subject_id=dossier.id,
                       machine="dossier", event="reprise", label="Reprise de données",
                       from_state=E.ADHESION_DEPOSEE, to_state=E.MISE_EN_OEUVRE)
        porteur = factories.user_with_role(factories.Role.EPCI, epci_siren=dossier.epci_siren)
        avenant = avenant_services.create_avenant(dossier, "Halles", porteur)
        factories.document(dossier, "projet_convention", "avenant", avenant_id=avenant.id)
        db.session.commit()
        ids = porteur.id, avenant.id
    yield dossier_id, agent_ids, ids
    with app.app_context():
        for statement in CLEANUP:
            db.session.execute(text(statement), {"d": dossier_id})
        db.session.execute(text("DELETE FROM role_grant WHERE user_id = :u"), {"u": ids[0]})
        db.session.execute(text("DELETE FROM notification WHERE user_id = :u"), {"u": ids[0]})
        db.session.execute(text('DELETE FROM "user" WHERE id = :u'), {"u": ids[0]})
        db.session.commit()


def test_a_step_on_an_avenant_does_not_make_the_dossier_step_fail(app, signed_dossier):
    """Two subjects of one dossier at once: both steps are kept, one after the other in its chain."""
    postgresql_only(app)
    dossier_id, agent_ids, (porteur_id, avenant_id) = signed_dossier
    with app.app_context():
        seen = db.session.get(Dossier, dossier_id).version

    def deposit_avenant(dossier):
        return avenant_lifecycle.fire(db.session.get(Avenant, avenant_id), "deposer",
                                      db.session.get(User, porteur_id), today=TODAY).seq

    def close_dossier(dossier):
        return lifecycle.fire(dossier, "cloturer", db.session.get(User, agent_ids[0]), today=TODAY,
                              expected_version=seen).seq

    first, second = race(app, dossier_id, deposit_avenant, close_dossier)
    assert first.error is None and second.error is None, (first.error, second.error)
    assert {first.result, second.result} == {3, 4}  # after the reprise and the creation: no fork, no gap
    with app.app_context():
        assert db.session.get(Dossier, dossier_id).etat == E.CLOTURE
        assert [p for p in verify_chains() if p.dossier_id == dossier_id] == []


def test_two_avenants_proposed_at_once_make_one_and_a_clear_message(app, signed_dossier):
    postgresql_only(app)
    dossier_id, _, (porteur_id, _) = signed_dossier

    def propose(objet):
        def work(dossier):
            return avenant_services.create_avenant(dossier, objet, db.session.get(User, porteur_id)).numero
        return work

    first, second = race(app, dossier_id, propose("Périmètre ORT"), propose("Maison de santé"))
    assert first.error is None and first.result == 2
    assert isinstance(second.error, ConflictError) and "au même moment" in str(second.error)
    with app.app_context():
        objets = db.session.scalars(select(Avenant.objet).where(Avenant.dossier_id == dossier_id)
                                    .order_by(Avenant.numero)).all()
        assert objets == ["Halles", "Périmètre ORT"]
        assert [p for p in verify_chains() if p.dossier_id == dossier_id] == []


def test_racing_cadre_deposits_with_archiving_give_one_deposit_and_a_conflict(app, committed_dossier,
                                                                               monkeypatch):
    """The loser is told at its first flush, before any PDF is rendered or stored for it."""
    postgresql_only(app)
    monkeypatch.setitem(app.config, "ARCHIVE_CONVENTIONS", True)
    dossier_id, _, _, _ = committed_dossier
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        dossier.etat, dossier.adhesion_signee_le = E.CADRE_REDACTION, date(2026, 1, 5)
        porteur = factories.user_with_role(factories.Role.EPCI, epci_siren=dossier.epci_siren)
        factories.ready_to_deposit(dossier, "cadre")
        db.session.commit()
        porteur_id, seen = porteur.id, dossier.version
    try:
        def deposit(dossier):
            return lifecycle.fire(dossier, "deposer_cadre", db.session.get(User, porteur_id), today=TODAY,
                                  expected_version=seen).payload_dict["modele_genere"]["version_id"]

        first, second = race(app, dossier_id, deposit, deposit)
        assert first.error is None
        assert isinstance(second.error, ConflictError) and "modifié entre-temps" in str(second.error)
        with app.app_context():
            events = db.session.scalars(select(HistoryEntry.event).where(
                HistoryEntry.dossier_id == dossier_id, HistoryEntry.machine == "dossier")).all()
            assert events == ["deposer_cadre"]  # (before it, the fiche validée the cadre needs)
            generated = db.session.scalar(text(
                "SELECT count(*) FROM document_version v JOIN document d ON d.id = v.document_id "
                "WHERE d.dossier_id = :d AND v.generated"), {"d": dossier_id})
            assert generated == 1
    finally:
        with app.app_context():
            for statement in CLEANUP:
                db.session.execute(text(statement), {"d": dossier_id})
            db.session.execute(text("DELETE FROM role_grant WHERE user_id = :u"), {"u": porteur_id})
            db.session.execute(text("DELETE FROM notification WHERE user_id = :u"), {"u": porteur_id})
            db.session.execute(text('DELETE FROM "user" WHERE id = :u'), {"u": porteur_id})
            db.session.commit()
