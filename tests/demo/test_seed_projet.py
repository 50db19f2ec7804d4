"""The demo's projets de territoire: consistent with the machines and the audit, calibrated on
the published figures, written in bulk."""
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.core.db import db
from app.demo.lifecycle import seed_lifecycle
from app.demo.projet import PREPARED_FICHE, TARGET_GRANTED_2023, seed_projets
from app.demo.territoire import seed_territoire
from app.dossiers.models import Dossier, DossierCommune, DossierEtat as E
from app.historique.verify import verify_chains
from app.projet import lifecycle
from app.projet.access import PROJET_STATES
from app.projet.models import FicheAction, LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, OpahType, PosteChefDeProjet
from app.workflows.states import FicheEtat as F, FinancementStatut as S
from tests import factories

TODAY = date(2026, 11, 22)


@pytest.fixture
def seeded():
    dep = factories.departement()
    epci = factories.epci()
    dossiers = [factories.dossier([factories.commune(dep, epci) for _ in range(1 + n % 3)]) for n in range(40)]
    seed_lifecycle(TODAY, actors_for=lambda d: {}, archive_for=lambda d: False, seed=3)
    made = {**seed_projets(TODAY, seed=3), **seed_territoire(seed=3)}
    return dossiers, made


def test_open_dossiers_get_5_to_30_fiches_recorded_covered_and_calibrated(seeded):
    dossiers, made = seeded
    ids = [d.id for d in dossiers]
    counts = dict(db.session.execute(select(FicheAction.dossier_id, func.count()).where(FicheAction.dossier_id.in_(ids))
                                     .group_by(FicheAction.dossier_id)).all())
    open_ids = {d.id for d in dossiers if d.etat in PROJET_STATES}
    deposited = {d.id: d.cadre_deposee_le for d in dossiers if d.cadre_deposee_le is not None}
    assert open_ids <= set(counts) <= open_ids | set(deposited)
    # before its first deposit, a cadre got the fiche validée it needs (prepare_cadre): FA-01
    first = {f.dossier_id: f for f in db.session.scalars(select(FicheAction).where(
        FicheAction.numero == 1, FicheAction.dossier_id.in_(list(deposited))))}
    assert set(first) == set(deposited)
    assert all(f.titre == PREPARED_FICHE and f.etat == F.VALIDEE and f.decidee_le < deposited[f.dossier_id]
               for f in first.values())
    assert all(5 <= n - (d in deposited) <= 30 for d, n in counts.items() if d in open_ids)
    assert all(counts[d] == 1 for d in deposited if d not in open_ids)  # sortis: only what they had
    assert made["fiches"] + len(deposited) == sum(counts.values())
    assert [p.message for p in verify_chains() if p.dossier_id in ids] == []
    # engaged and done fiches are covered, as the machine requires
    engaged = db.session.scalars(select(FicheAction).where(
        FicheAction.etat.in_([F.ENGAGEE, F.REALISEE]), FicheAction.dossier_id.in_([d.id for d in dossiers]))).all()
    assert engaged
    assert all(lifecycle.couverture(f) >= f.cout_ht for f in engaged)
    # the financing granted or paid up to 2023 is the published total
    granted = db.session.scalar(select(func.sum(LigneFinancement.montant)).where(
        LigneFinancement.statut.in_([S.ACCORDE, S.VERSE]), LigneFinancement.annee <= 2023,
        ~LigneFinancement.source.like("autofinancement%")))
    assert abs(granted - TARGET_GRANTED_2023) / TARGET_GRANTED_2023 < Decimal("0.01")


def test_posts_cover_94_percent_of_the_communes_within_the_caps_and_opah_by_type(seeded):
    dossiers, made = seeded
    communes = db.session.scalar(select(func.count()).select_from(DossierCommune))
    covered = db.session.scalar(select(func.count()).select_from(DossierCommune).where(
        DossierCommune.dossier_id.in_(select(PosteChefDeProjet.dossier_id))))
    # 94 % of the communes, or every commune that may have a post (adhésion signed, not sorti)
    # when a small sample has fewer: its dossiers' lives depend on their references
    eligible = db.session.scalar(select(func.count()).select_from(DossierCommune).join(Dossier).where(
        Dossier.etat != E.SORTI, Dossier.adhesion_signee_le.is_not(None)))
    assert made["postes"] <= 904 and covered >= min(communes * Decimal("0.94"), eligible)
    kinds = Counter(db.session.scalars(select(CommuneRevitalisation.opah_type)))
    assert kinds[OpahType.OPAH_RU] >= min(133, made["opah"] * 133 // 638) and OpahType.AUCUNE not in kinds
    signed = {d.id for d in dossiers if d.cadre_signee_le is not None}  # clôturés and sortis after it too
    ort = db.session.scalars(select(CommuneRevitalisation.dossier_id).where(
        CommuneRevitalisation.ort_engagee_le.is_not(None))).all()
    assert set(ort) == signed  # the ORT come from the signatures of the conventions-cadres


def test_each_fiche_went_through_its_steps_on_past_days_after_its_dossier_s_adhesion(seeded):
    """The dashboards at a past date see each demo fiche as it was then (not created on the
    seed's day): one history row per step, on a day after the adhésion and before today, its
    last row the fiche's state, its dates those of its steps."""
    from app.core.formatting import to_paris
    from app.workflows.history import HistoryEntry as H

    dossiers, _ = seeded
    adhesion = {d.id: d.adhesion_signee_le for d in dossiers}
    fiches = {f.id: f for f in db.session.scalars(select(FicheAction).where(
        FicheAction.dossier_id.in_(list(adhesion)), FicheAction.titre != PREPARED_FICHE))}
    rows = db.session.execute(select(H.subject_id, H.seq, H.at, H.from_state, H.to_state)
                              .where(H.subject_type == "fiche_action", H.subject_id.in_(list(fiches)))
                              .order_by(H.subject_id, H.seq)).all()
    steps = {}
    for fiche_id, _, at, before, state in rows:
        steps.setdefault(fiche_id, []).append((to_paris(at).date(), before, state))
    assert set(steps) == set(fiches)
    for fiche_id, path in steps.items():
        fiche, days = fiches[fiche_id], [day for day, _, _ in path]
        assert path[0][1:] == (None, F.BROUILLON.value)
        assert path[-1][2] == fiche.etat.value
        assert all(path[i][1] == path[i - 1][2] for i in range(1, len(path)))
        assert days == sorted(days) and adhesion[fiche.dossier_id] < days[0] and days[-1] < TODAY
        assert fiche.soumise_le == next((day for day, _, s in path if s == F.SOUMISE.value), None)
        assert fiche.engagee_le == next((day for day, _, s in path if s == F.ENGAGEE.value), None)
    assert len({len(path) for path in steps.values()}) > 2  # drafts, submitted ones, engaged ones…
