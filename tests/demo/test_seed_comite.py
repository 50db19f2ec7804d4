"""The demo's past comités: their decisions are those the fiches carry, their PVs archived and
in the sealed history, the demo partner's avis on the fiches reviewed (as its own financing
lines say), the fiches soumises left waiting for it; `flask demo comites` holds them everywhere."""
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.auth.roles import Role
from app.comite import partenaires
from app.comite.models import AvisPartenaire, AvisSens, InviteComite, ReunionComite
from app.documents import services as documents
from app.core.formatting import to_paris
from app.core.db import db
from app.demo.comite import DECISIONS, seed_comites, to_hold
from app.demo.lifecycle import seed_lifecycle
from app.demo.projet import seed_projets
from app.historique.verify import verify_chains
from app.workflows.history import HistoryEntry
from app.projet.models import FicheAction, LigneFinancement
from app.tableaux import registre
from app.workflows.states import FicheEtat as F, FinancementStatut as S, ReunionEtat
from tests import factories

TODAY = date(2026, 11, 22)


@pytest.fixture
def programme():
    """Twelve dossiers walked, their projets planned, in the département of a partner."""
    dep = factories.departement()
    epci = factories.epci()
    dossiers = [factories.dossier([factories.commune(dep, epci) for _ in range(1 + n % 3)]) for n in range(12)]
    seed_lifecycle(TODAY, actors_for=lambda d: {}, archive_for=lambda d: False, seed=3)
    seed_projets(TODAY, seed=3)
    partner = factories.user_with_role(Role.PARTENAIRE, organisation="Banque des territoires",
                                       region_code=dep.region_code)
    return dep, dossiers, partner


def test_demo_seances_follow_the_fiches_and_leave_the_partner_work_waiting(programme):
    dep, dossiers, partner = programme
    made = seed_comites(TODAY, to_hold(dep.code), partner)
    reunions = db.session.scalars(select(ReunionComite).where(
        ReunionComite.dossier_id.in_([d.id for d in dossiers]))).all()
    assert made["séances de comité"] == len(reunions) > 0
    for reunion in reunions:
        assert reunion.etat == ReunionEtat.TENUE and reunion.pv_document.current.generated
        for point in reunion.points:
            if point.fiche is not None:
                assert point.decision == DECISIONS[point.fiche.etat]
        row = db.session.scalar(select(HistoryEntry).where(HistoryEntry.subject_type == "reunion_comite",
                                                          HistoryEntry.subject_id == reunion.id,
                                                          HistoryEntry.event == "tenir"))
        assert row.payload_dict["proces_verbal"]["sha256"] == reunion.pv_document.current.sha256
    reviewed = db.session.scalars(select(AvisPartenaire)).all()
    assert reviewed and all(a.fiche.etat != F.SOUMISE for a in reviewed)
    assert [p.message for p in verify_chains() if p.dossier_id in {d.id for d in dossiers}] == []
    assert db.session.scalars(partenaires.fiches_waiting(partner)).first() is not None
    assert to_hold(dep.code) == []  # held once


def test_a_seance_comes_after_the_adhesion_and_a_month_before_today(programme):
    dep, dossiers, partner = programme
    seed_comites(TODAY, to_hold(dep.code), partner)
    for reunion in db.session.scalars(select(ReunionComite)):
        day = to_paris(reunion.debut).date()
        assert reunion.dossier.adhesion_signee_le < day <= TODAY - timedelta(days=30)
        assert day.weekday() <= 3


def test_the_partner_says_of_a_fiche_what_it_decided_on_its_own_lines(programme):
    dep, dossiers, partner = programme
    seed_comites(TODAY, to_hold(dep.code), partner)
    own = {}
    for line in db.session.scalars(select(LigneFinancement).where(LigneFinancement.source == "banque_des_territoires")
                                   .order_by(LigneFinancement.annee)):
        own[line.fiche_id] = line.statut
    checked = 0
    for avis in db.session.scalars(select(AvisPartenaire)):
        statut = own.get(avis.fiche_id)
        if statut in (S.ACCORDE, S.VERSE):
            assert avis.sens == AvisSens.FAVORABLE
        elif statut == S.REFUSE:
            assert avis.sens == AvisSens.DEFAVORABLE
        elif statut is not None:
            assert avis.sens == AvisSens.RESERVE
        checked += statut is not None
    assert checked


def test_no_avis_out_of_the_partner_region(programme, app):
    dep, dossiers, partner = programme
    elsewhere = factories.departement()
    far = factories.dossier([factories.commune(elsewhere, factories.epci())])
    seed_lifecycle(TODAY, actors_for=lambda d: {}, archive_for=lambda d: False, seed=3, ids=[far.id],
                   forced={far.reference: "cadre_signe"})
    seed_projets(TODAY, seed=4)
    seed_comites(TODAY, to_hold(), partner)
    assert db.session.scalar(select(ReunionComite).where(ReunionComite.dossier_id == far.id)) is not None
    assert not db.session.scalars(select(AvisPartenaire).join(FicheAction).where(FicheAction.dossier_id == far.id)).all()


def test_demo_comites_command_holds_the_rest_and_does_nothing_the_second_time(programme, runner, app, monkeypatch):
    dep, dossiers, partner = programme
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    monkeypatch.setattr("app.demo.commands.today_in_paris", lambda: TODAY)
    waiting = len(to_hold())
    registre.invalidate()  # as flask demo seed --sans-registre leaves it
    result = runner.invoke(args=["demo", "comites"])
    assert result.exit_code == 0, result.output
    assert registre.lisible() and "Registre des tableaux de bord" in result.output  # rebuilt first
    assert f"{waiting} dossiers" in result.output and waiting > 0
    assert to_hold() == []
    again = runner.invoke(args=["demo", "comites"])
    assert "0 dossiers" in again.output and "séances de comité : 0" in again.output


def test_without_accounts_the_signataires_are_invited_and_the_pv_names_them(programme):
    dep, dossiers, partner = programme
    seed_comites(TODAY, to_hold(dep.code), partner)
    reunion = db.session.scalars(select(ReunionComite).order_by(ReunionComite.id)).first()
    guests = db.session.scalars(select(InviteComite).where(InviteComite.dossier_id == reunion.dossier_id)).all()
    assert len(guests) >= 3 and all(g.email.endswith(".example") for g in guests)
    assert any("(Maire)" in g.organisation for g in guests) and any(g.organisation.startswith("Préfecture") for g in guests)
    assert {g.id for g in guests} <= {p.invite_id for p in reunion.presences}  # and the member, if any
    with documents.open_verified(reunion.pv_document.current) as stream:
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(stream).pages)
    assert all(g.nom in text for g in guests) and "Présent" in text and "Excusé" in text
