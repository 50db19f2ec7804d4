"""The demo's past comités: their decisions are those the fiches carry, their PVs archived and
in the sealed history, the demo partner's avis on the fiches reviewed, the fiches soumises left
waiting for it."""
from datetime import date

from sqlalchemy import select

from app.auth.roles import Role
from app.comite import partenaires
from app.comite.models import AvisPartenaire, ReunionComite
from app.core.db import db
from app.demo.comite import DECISIONS, seed_comites
from app.demo.lifecycle import seed_lifecycle
from app.demo.projet import seed_projets
from app.historique.verify import verify_chains
from app.workflows.history import HistoryEntry
from app.workflows.states import FicheEtat as F, ReunionEtat
from tests import factories

TODAY = date(2026, 11, 22)


def test_demo_seances_follow_the_fiches_and_leave_the_partner_work_waiting(app):
    dep = factories.departement()
    epci = factories.epci()
    dossiers = [factories.dossier([factories.commune(dep, epci) for _ in range(1 + n % 3)]) for n in range(12)]
    seed_lifecycle(TODAY, actors_for=lambda d: {}, archive_for=lambda d: False, seed=3)
    seed_projets(TODAY, seed=3)
    partner = factories.user_with_role(Role.PARTENAIRE, organisation="Banque des territoires",
                                       region_code=dep.region_code)
    made = seed_comites(TODAY, dep.code, partner)
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
