"""Past comités de projet for the demo, on the dossiers of the demo département whose fiches
carry decisions: one séance per dossier, its decisions those the fiches already carry
(engagée and réalisée were validated first), its attendance, the demo partner's avis on the
fiches it reviewed, its procès-verbal rendered and archived with its hash in the history.

Only the demo département: a PDF per séance costs about 0.2 s, and the préfecture and the
partner of the demo look there; the fiches soumises stay without avis, so that the demo
partner has its own work waiting (its page « Ce qui vous attend »).
"""
from datetime import date, time, timedelta

from sqlalchemy import select

from app.comite import members, seance
from app.comite.access import partner_organisation
from app.comite.models import AvisPartenaire, AvisSens, Decision, PointOrdreDuJour, Presence, PresenceStatut, ReunionComite
from app.comite.services import record_history, to_utc
from app.core.db import db
from app.core.formatting import date_fr
from app.dossiers.models import Dossier
from app.projet.access import PROJET_STATES
from app.projet.models import FicheAction
from app.workflows.states import FicheEtat as F, ReunionEtat

DECISIONS = {F.VALIDEE: Decision.VALIDEE, F.ENGAGEE: Decision.VALIDEE, F.REALISEE: Decision.VALIDEE,
             F.A_REVOIR: Decision.A_REVOIR, F.REFUSEE: Decision.REFUSEE}
MOTIFS = {Decision.A_REVOIR: "Plan de financement à consolider avant une validation.",
          Decision.REFUSEE: "Opération hors du périmètre de l'ORT."}
AVIS = {Decision.VALIDEE: (AvisSens.FAVORABLE, "Opération cohérente avec le projet de territoire."),
        Decision.A_REVOIR: (AvisSens.RESERVE, "Le plan de financement reste fragile."),
        Decision.REFUSEE: (AvisSens.DEFAVORABLE, "L'opération ne relève pas de nos dispositifs.")}
PER_SEANCE = 8


def seed_comites(today: date, departement: str, partner=None) -> dict:
    """One past séance per dossier of `departement` with decided fiches; returns the counts."""
    dossiers = db.session.scalars(
        select(Dossier).where(Dossier.departement_code == departement, Dossier.etat.in_(PROJET_STATES))
        .order_by(Dossier.id)).all()
    seances = avis = 0
    for n, dossier in enumerate(dossiers):
        fiches = db.session.scalars(
            select(FicheAction).where(FicheAction.dossier_id == dossier.id, FicheAction.etat.in_(DECISIONS))
            .order_by(FicheAction.numero).limit(PER_SEANCE)).all()
        if not fiches:
            continue
        day = today - timedelta(days=40 + 7 * n)
        avis += _seance(dossier, fiches, day, partner)
        seances += 1
    return {"séances de comité": seances, "avis de partenaires": avis}


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
    reunion.presences = [
        Presence(user_id=p.user_id, invite_id=p.invite_id, nom=p.nom, qualite=p.qualite,
                 statut=PresenceStatut.EXCUSE if i == 1 and len(people) > 2 else PresenceStatut.PRESENT)
        for i, p in enumerate(people)]
    db.session.add(reunion)
    db.session.flush()
    given = 0
    if partner is not None:
        for point in reunion.points[:-1]:
            sens, commentaire = AVIS[point.decision]
            db.session.add(AvisPartenaire(fiche_id=point.fiche_id, auteur_id=partner.id, sens=sens,
                                          organisation=partner_organisation(partner), commentaire=commentaire,
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
