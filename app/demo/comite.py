"""Past comités de projet for the demo, on the dossiers whose fiches carry decisions: one séance
per dossier, after its convention-cadre's signature, its decisions those the fiches already
carry (engagée and réalisée were validated first), its attendance, the demo partner's avis on
the fiches of its région that it reviewed (consistent with its own financing lines there), its
procès-verbal rendered and archived with its hash in the history.

A procès-verbal is a WeasyPrint PDF, about 0.1 s each: `flask demo seed` holds the séances of
the demo département (where the préfecture and the partner of the demo look), and `flask demo
comites` those of every other dossier, one dossier per transaction, so that `make run` can run
it beside the server (the comités appear dossier by dossier, each one whole). The fiches
soumises stay without avis, so that the demo partner has its own work waiting (its page « Ce
qui vous attend »).
"""
import random
from datetime import date, time, timedelta

from sqlalchemy import exists, select

from app.auth.models import RoleGrant
from app.auth.roles import Role
from app.comite import members, seance
from app.comite.access import partner_organisation
from app.comite.models import (
    AvisPartenaire, AvisSens, Decision, InviteComite, PointOrdreDuJour, Presence, PresenceStatut, ReunionComite,
)
from app.conventions.contenu import du_departement
from app.conventions.models import COMMUNE, ETAT, PARTENAIRE, ConventionContenu
from app.comite.services import record_history, to_utc
from app.core.db import db
from app.core.formatting import date_fr
from app.dossiers.models import Dossier
from app.projet import financeurs
from app.projet.access import PROJET_STATES
from app.projet.models import FicheAction, LigneFinancement
from app.referentiel.text import search_key
from app.workflows.states import FicheEtat as F, FinancementStatut as S, ReunionEtat

DECISIONS = {F.VALIDEE: Decision.VALIDEE, F.ENGAGEE: Decision.VALIDEE, F.REALISEE: Decision.VALIDEE,
             F.A_REVOIR: Decision.A_REVOIR, F.REFUSEE: Decision.REFUSEE}
MOTIFS = {Decision.A_REVOIR: "Plan de financement à consolider avant une validation.",
          Decision.REFUSEE: "Opération hors du périmètre de l'ORT."}
AVIS = {Decision.VALIDEE: (AvisSens.FAVORABLE, "Opération cohérente avec le projet de territoire."),
        Decision.A_REVOIR: (AvisSens.RESERVE, "Le plan de financement reste fragile."),
        Decision.REFUSEE: (AvisSens.DEFAVORABLE, "L'opération ne relève pas de nos dispositifs.")}
PER_SEANCE = 8


# A partner's avis on a fiche where it finances: what it decided on its own lines says it.
AVIS_LIGNES = {S.ACCORDE: (AvisSens.FAVORABLE, "Opération cohérente avec le projet de territoire\u00a0; nos crédits sont accordés."),
               S.VERSE: (AvisSens.FAVORABLE, "Opération cohérente avec le projet de territoire\u00a0; nos crédits sont accordés."),
               S.REFUSE: (AvisSens.DEFAVORABLE, "L'opération ne relève pas de nos dispositifs."),
               S.SOLLICITE: (AvisSens.RESERVE, "Favorable sur le principe\u00a0; notre financement reste à instruire."),
               S.PREVU: (AvisSens.RESERVE, "Favorable sur le principe\u00a0; notre financement reste à instruire.")}


def to_hold(departement: str | None = None) -> list[int]:
    """The dossiers whose fiches carry decisions and that never held a séance (of `departement`
    only, if given), by id."""
    decided = exists().where(FicheAction.dossier_id == Dossier.id, FicheAction.etat.in_(DECISIONS))
    held = exists().where(ReunionComite.dossier_id == Dossier.id)
    query = select(Dossier.id).where(Dossier.etat.in_(PROJET_STATES), decided, ~held).order_by(Dossier.id)
    if departement is not None:
        query = query.where(Dossier.departement_code == departement)
    return list(db.session.scalars(query))


def seed_comites(today: date, ids: list[int], partner=None, *, commit: bool = False, progress=None) -> dict:
    """One past séance for each dossier of `ids`; returns the counts. `commit`: one transaction
    per dossier (beside a running server, each comité appears whole)."""
    region = _region_of(partner)
    seances = avis = 0
    dossiers = db.session.scalars(select(Dossier).where(Dossier.id.in_(ids)).order_by(Dossier.id)).all()
    for n, dossier in enumerate(dossiers, 1):
        fiches = db.session.scalars(
            select(FicheAction).where(FicheAction.dossier_id == dossier.id, FicheAction.etat.in_(DECISIONS))
            .order_by(FicheAction.numero).limit(PER_SEANCE)).all()
        if not fiches:
            continue
        reviewer = partner if partner is not None and dossier.departement.region_code == region else None
        avis += _seance(dossier, fiches, _day(dossier, today), reviewer)
        seances += 1
        if commit:
            db.session.commit()
        if progress and n % 50 == 0:
            progress(n, len(ids))
    return {"séances de comité": seances, "avis de partenaires": avis}


def _region_of(partner) -> str | None:
    if partner is None:
        return None
    return db.session.scalar(select(RoleGrant.region_code).where(
        RoleGrant.user_id == partner.id, RoleGrant.role == Role.PARTENAIRE, RoleGrant.revoked_at.is_(None)))


def _day(dossier, today: date) -> date:
    """A working day after the convention-cadre's signature (the adhésion's, while the cadre is
    written), at least a month before today; the same for a dossier whatever the others."""
    rng = random.Random(f"comite-{dossier.reference}")
    start = (dossier.cadre_signee_le or dossier.adhesion_signee_le or today) + timedelta(days=30)
    latest = today - timedelta(days=30)
    day = start + timedelta(days=rng.randint(0, max((latest - start).days, 0))) if start < latest else latest
    return day - timedelta(days=max(day.weekday() - 3, 0))  # a Thursday at the latest


def _invite_signataires(dossier) -> None:
    """The élus and the préfet who sign the dossier's convention (the cadre's, else the
    adhésion's), invited to its comité with the address of their institution."""
    contenus = {c.kind: c for c in db.session.scalars(select(ConventionContenu).where(
        ConventionContenu.dossier_id == dossier.id, ConventionContenu.kind.in_(("cadre", "adhesion"))))}
    contenu = contenus.get("cadre") or contenus.get("adhesion")
    if contenu is None:
        return
    names = dossier.collectivite_names()
    for signataire in contenu.signataires:
        if signataire.partie == PARTENAIRE or not signataire.nom:
            continue
        if signataire.partie == ETAT:
            organisation = f"Préfecture {du_departement(dossier.departement.code, dossier.departement.nom)}"
        elif signataire.partie == COMMUNE:
            organisation = f"Commune de {names.get(signataire.code, signataire.code)}"
        else:
            organisation = names.get(signataire.code, signataire.code)
        address = f"{search_key(signataire.nom).replace(' ', '.')}@{search_key(organisation).replace(' ', '-')}.example"
        db.session.add(InviteComite(dossier_id=dossier.id, nom=signataire.nom, email=address,
                                    organisation=f"{organisation} ({signataire.qualite})"))
    db.session.flush()


def _avis(point, partner_lines: dict) -> tuple[AvisSens, str]:
    statut = partner_lines.get(point.fiche_id)
    return AVIS_LIGNES[statut] if statut is not None else AVIS[point.decision]


def _seance(dossier, fiches, day: date, partner) -> int:
    debut = to_utc(day, time(14, 30))
    commune = dossier.communes[0].nom if dossier.communes else dossier.nom
    reunion = ReunionComite(dossier_id=dossier.id, debut=debut, duree_minutes=120, etat=ReunionEtat.PLANIFIEE,
                            lieu=f"Salle du conseil, mairie de {commune}", tenue_le=debut)
    reunion.dossier = dossier
    for ordre, fiche in enumerate(fiches, 1):
        decision = DECISIONS[fiche.etat]
        reunion.points.append(PointOrdreDuJour(ordre=ordre, fiche_id=fiche.id, fiche=fiche, decision=decision,
                                               motif=MOTIFS.get(decision)))
        fiche.decidee_le = fiche.decidee_le or day
    reunion.points.append(PointOrdreDuJour(ordre=len(fiches) + 1, titre="Point d'étape du plan d'action"))
    people = members.comite(dossier)
    if len(people) < 2:  # nobody of the dossier has an account: its signataires come as guests
        _invite_signataires(dossier)
        people = members.comite(dossier)
    reunion.presences = [
        Presence(user_id=p.user_id, invite_id=p.invite_id, nom=p.nom, qualite=p.qualite,
                 statut=PresenceStatut.EXCUSE if i == 1 and len(people) > 2 else PresenceStatut.PRESENT)
        for i, p in enumerate(people)]
    db.session.add(reunion)
    db.session.flush()
    given = 0
    if partner is not None:
        organisation = partner_organisation(partner)
        codes = [source.code for source in financeurs.SOURCES if source.organisation == organisation]
        partner_lines = dict(db.session.execute(  # the partner's own lines on these fiches, by fiche
            select(LigneFinancement.fiche_id, LigneFinancement.statut)
            .where(LigneFinancement.fiche_id.in_([f.id for f in fiches]), LigneFinancement.source.in_(codes))
            .order_by(LigneFinancement.annee)).all())
        for point in reunion.points[:-1]:
            sens, commentaire = _avis(point, partner_lines)
            db.session.add(AvisPartenaire(fiche_id=point.fiche_id, auteur_id=partner.id, sens=sens,
                                          organisation=organisation, commentaire=commentaire,
                                          created_at=debut - timedelta(days=7)))
            given += 1
        db.session.flush()
    record_history(reunion, None, frozenset(), "planifier", f"Comité de projet convoqué pour le {date_fr(debut)}",
                   None, payload={"uid": reunion.uid})
    reunion.etat = ReunionEtat.TENUE
    version = seance.archive_pv(reunion, None)
    record_history(reunion, None, frozenset(), "tenir", f"Séance du comité de projet du {date_fr(debut)}",
                   ReunionEtat.PLANIFIEE, effective_on=day, payload=seance.pv_payload(reunion, version))
    return given
