"""Demo data: refused outside demo mode, accounts idempotent, a lifecycle that is consistent
and calibrated on the programme's figures."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select, text

from app.auth.models import User
from app.conventions import contenu as contenus
from app.core.db import db
from app.core.errors import DomainError
from app.demo import services
from app.avenants.models import Avenant, AvenantEtat as A
from app.demo import lifecycle
from app.demo.lifecycle import FORCED, seed_lifecycle
from app.documents.models import Document, DocumentType, DocumentVersion
from app.dossiers.echeance import add_months
from app.historique.verify import verify_chains
from app.workflows.history import HistoryEntry
from app.projet.models import FicheAction
from app.dossiers.models import Dossier, DossierEtat as E
from tests import factories

TODAY = date(2026, 11, 22)


def test_demo_accounts_need_demo_mode(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    with pytest.raises(DomainError, match="mode démonstration n'est pas activé"):
        services.seed_accounts()


def test_demo_command_refuses_outside_demo_mode(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code != 0 and "DEMO_MODE=1" in result.output


def test_demo_accounts_one_per_role_and_idempotent(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    dep = factories.departement(code=services.DEMO_DEPARTEMENT, region_obj=factories.region(code=services.DEMO_REGION))
    epci = factories.epci(siren=services.DEMO_EPCI)
    factories.dossier([factories.commune(dep, epci, insee=services.DEMO_COMMUNE)], reference=services.DEMO_DOSSIER)
    aunis = factories.epci(siren=services.ADHESION_EPCI)
    courcon = factories.dossier([factories.commune(dep, aunis, insee=services.ADHESION_COMMUNE)],
                                reference=services.ADHESION_DOSSIER)
    first = services.seed_accounts()
    second = services.seed_accounts()
    assert [action for _, action in first] == ["créé"] * 10
    assert [action for _, action in second] == ["mis à jour"] * 10
    users = db.session.scalars(select(User).where(User.email.like("%@jalons.example"))).all()
    assert len(users) == 10 and all(u.demo and len(u.active_grants) == 1 for u in users)
    assert {g.role for u in users for g in u.active_grants} == {a.role for a, _ in first}
    # the second commune, EPCI and chef de projet all work on the labellisé dossier of Courçon
    second_set = [u for u in users if u.email in {"commune-courcon@jalons.example",
                                                  "epci-aunis-atlantique@jalons.example",
                                                  "chef-de-projet-courcon@jalons.example"}]
    assert len(second_set) == 3 and all(courcon.is_porteur(u) for u in second_set)


@pytest.fixture
def sample():
    """The préfecture's thirteen dossiers (by reference) and random ones, of one or two communes."""
    dep = factories.departement()
    epci = factories.epci()
    forced = [factories.dossier([factories.commune(dep, epci)], reference=ref) for ref in FORCED]
    return forced + [factories.dossier([factories.commune(dep, epci) for _ in range(1 + n % 2)])
                     for n in range(70)]


def test_every_state_of_both_machines_is_in_the_demo(sample):
    used = seed_lifecycle(TODAY, actors_for=lambda d: {}, archive_for=lambda d: False, seed=7)
    ids = [d.id for d in sample]
    assert sum(used.values()) == len(sample)
    assert set(db.session.scalars(select(Dossier.etat).where(Dossier.id.in_(ids)))) == set(E)
    avenants = db.session.scalars(select(Avenant).where(Avenant.dossier_id.in_(ids))).all()
    assert {a.etat for a in avenants} == set(A)
    marans = next(d for d in sample if d.reference == "pvd-75-17-5")
    assert [a.etat for a in marans.avenants] == [A.SIGNE, A.A_COMPLETER, A.DEPOSE, A.REDACTION]
    documents = db.session.scalars(select(Document).where(Document.avenant_id.in_([a.id for a in avenants]))).all()
    kinds = {(d.avenant_id, d.type) for d in documents}
    for avenant in avenants:  # each avenant has the documents its state needs
        assert ((avenant.id, DocumentType.PROJET_CONVENTION) in kinds) == (avenant.etat != A.REDACTION)
        assert ((avenant.id, DocumentType.CONVENTION_SIGNEE) in kinds) == (avenant.etat == A.SIGNE)
    assert next(d for d in sample if d.reference == "pvd-75-17-2").etat == E.LABELLISE
    assert list(verify_chains()) == []


def test_every_convention_deposited_in_the_demo_reads_like_a_real_one(sample):
    from app.conventions import contenu as contenus

    seed_lifecycle(TODAY, actors_for=lambda d: {}, archive_for=lambda d: False, seed=7)
    deposited = db.session.scalars(select(Dossier).where(Dossier.id.in_([d.id for d in sample]),
                                                         Dossier.adhesion_deposee_le.is_not(None))).all()
    assert deposited
    for d in deposited:
        assert contenus.read(d, "adhesion").missing == []
        if d.cadre_deposee_le:
            cadre = contenus.read(d, "cadre")
            assert cadre.missing == [] and cadre.partenaires


def test_lifecycle_dates_are_consistent(sample):
    seed_lifecycle(TODAY, actors_for=lambda d: {}, archive_for=lambda d: False, seed=7)
    ids = [d.id for d in sample]
    dossiers = db.session.scalars(select(Dossier).where(Dossier.id.in_(ids))).all()
    for d in dossiers:
        if d.adhesion_signee_le:
            assert date(2020, 10, 1) <= d.adhesion_deposee_le <= d.adhesion_signee_le <= TODAY
            assert d.adhesion_signee_le >= date(2021, 1, 1)
        if d.cadre_signee_le:
            assert d.adhesion_signee_le < d.cadre_deposee_le <= d.cadre_signee_le <= TODAY
        if d.echeance_prorogee_le:
            assert d.echeance_cadre == d.echeance_prorogee_le > add_months(d.adhesion_signee_le, 18)
        elif d.adhesion_signee_le:
            assert d.echeance_cadre == add_months(d.adhesion_signee_le, 18)
    for avenant in db.session.scalars(select(Avenant).where(Avenant.dossier_id.in_(ids))):
        assert avenant.dossier.cadre_signee_le < avenant.created_at.date() <= TODAY
        if avenant.signe_le:
            assert avenant.depose_le <= avenant.signe_le <= TODAY
    rows = db.session.scalars(select(HistoryEntry).where(HistoryEntry.dossier_id.in_(ids))
                              .order_by(HistoryEntry.dossier_id, HistoryEntry.seq)).all()
    for previous, row in zip(rows, rows[1:]):  # each chain reads in the order of its dates
        if previous.dossier_id == row.dossier_id:
            assert previous.at < row.at
    assert max(r.at for r in rows).date() <= TODAY


def _names_rows(payload) -> bool:
    return '"version_id"' in json.dumps(payload)


def _without_ids(value):
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in ("document_id", "version_id")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def snapshot(ids):
    """What the walk wrote, with the avenants and fiches named by their number: their ids may differ
    (PostgreSQL's sequences do not roll back), and so do the seals that follow an avenant's
    row in its chain (`verify_chains` checks those)."""
    db.session.expire_all()
    numero = dict(db.session.execute(select(Avenant.id, Avenant.numero)).all())
    fiches = dict(db.session.execute(select(FicheAction.id, FicheAction.numero)).all())
    history, seals, after_avenant = [], [], set()
    for row in db.session.scalars(select(HistoryEntry).where(HistoryEntry.dossier_id.in_(ids))
                                  .order_by(HistoryEntry.dossier_id, HistoryEntry.seq)):
        content = row.content()
        if row.dossier_id in after_avenant:
            content["prev_hash"] = None
        elif row.subject_type == "dossier" and not _names_rows(row.payload_dict):
            seals.append(row.hash)
        if row.subject_type == "avenant":
            content["subject_id"] = numero[row.subject_id]
            after_avenant.add(row.dossier_id)
        if row.subject_type == "fiche_action":  # FA-01, made before the cadre's deposit
            content["subject_id"] = fiches[row.subject_id]
            after_avenant.add(row.dossier_id)
        if _names_rows(row.payload_dict):  # the ids of the versions deposited, which PostgreSQL varies
            content["payload"] = json.dumps(_without_ids(row.payload_dict), sort_keys=True)
            after_avenant.add(row.dossier_id)
        history.append(content)
    documents = db.session.execute(
        select(Document.dossier_id, Document.etape, Document.type, Document.collectivite_code, Document.titre,
               Document.created_at, Avenant.numero, DocumentVersion.numero, DocumentVersion.nom_fichier,
               DocumentVersion.content_type, DocumentVersion.taille, DocumentVersion.sha256,
               DocumentVersion.uploaded_at, DocumentVersion.generated)
        .join(DocumentVersion).outerjoin(Avenant, Avenant.id == Document.avenant_id)
        .where(Document.dossier_id.in_(ids)).order_by(Document.id)
    ).all()
    dossiers = db.session.execute(
        select(Dossier.id, Dossier.etat, Dossier.adhesion_deposee_le, Dossier.adhesion_signee_le,
               Dossier.cadre_deposee_le, Dossier.cadre_signee_le, Dossier.echeance_cadre, Dossier.version)
        .where(Dossier.id.in_(ids)).order_by(Dossier.id)
    ).all()
    avenants = db.session.execute(
        select(Avenant.dossier_id, Avenant.numero, Avenant.objet, Avenant.etat, Avenant.depose_le,
               Avenant.signe_le, Avenant.created_at).where(Avenant.dossier_id.in_(ids)).order_by(Avenant.id)
    ).all()
    return history, seals, documents, dossiers, avenants


def test_the_bulk_walk_writes_what_the_services_write_one_by_one(sample, monkeypatch):
    """Same seed, same days: the walk with bulk history and shared placeholder files writes the
    same rows as the walk that appends and stores each one as it comes (the history's content,
    and the seals of the dossiers' own rows, whose ids cannot differ)."""
    ids = [d.id for d in sample[:30]]
    monkeypatch.setattr(db.session, "commit", db.session.flush)  # both walks inside savepoints
    walk = dict(actors_for=lambda d: {}, archive_for=lambda d: False, seed=5)
    keep = lambda d: d.id in ids  # noqa: E731
    one_by_one = db.session.begin_nested()
    monkeypatch.setattr("app.demo.lifecycle._load", _only(keep))
    seed_lifecycle(TODAY, bulk=False, **walk)
    expected = snapshot(ids)
    one_by_one.rollback()
    seed_lifecycle(TODAY, bulk=True, **walk)
    for name, got, want in zip(("history", "seals", "documents", "dossiers", "avenants"), snapshot(ids), expected):
        assert len(got) == len(want), name
        for row, (a, b) in enumerate(zip(got, want)):
            assert a == b, f"{name}, row {row}"
    assert len(expected[0]) > 100 and expected[2] and expected[4]
    assert list(verify_chains()) == []


def _only(keep):
    load = lifecycle._load

    def only(ids):
        return [d for d in load(ids) if keep(d)]
    return only


@pytest.mark.no_transaction
def test_seed_with_base_upgrades_an_empty_database_and_loads_the_referentiel_first(tmp_path):
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/vide.sqlite3", "JALONS_ENV": "test",
                      "DEMO_MODE": True, "DOCUMENTS_DIR": str(tmp_path / "documents"), "MAIL_SERVER": None})
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--base", "--sans-historique"])
    assert result.exit_code == 0, result.output
    assert "Base et référentiel en" in result.output and "communes : 34875 lus" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Dossier.id))) == 1459
        assert db.session.scalar(text("SELECT version_num FROM alembic_version"))
        again = app.test_cli_runner().invoke(args=["demo", "seed", "--base", "--sans-historique"])
        assert again.exit_code == 0 and "Référentiel inchangé" in again.output
        db.session.remove()
        db.engine.dispose()
