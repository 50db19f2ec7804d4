"""The partners' avis on fiches soumises: given by a partner in scope, in the name of its
organisation, seen by the comité on the agenda, told to the porteurs. A new avis of the same
organisation supersedes the previous one (both kept)."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.comite.access import avis_refusal, partner_organisation
from app.comite.models import AvisPartenaire, AvisSens
from app.core.db import db
from app.core.errors import DomainError
from app.notifications.services import Message, notify, path_for
from app.workflows.dossier import PORTEURS


def give_avis(fiche, user, *, sens: AvisSens, commentaire: str, conditions: str | None = None) -> AvisPartenaire:
    refusal = avis_refusal(fiche, user)
    if refusal:
        raise DomainError(refusal)
    commentaire = (commentaire or "").strip()
    if not commentaire:
        raise DomainError("Motivez l'avis en quelques mots.")
    avis = AvisPartenaire(fiche_id=fiche.id, auteur_id=user.id, organisation=partner_organisation(user),
                          sens=AvisSens(sens), commentaire=commentaire,
                          conditions=(conditions or "").strip() or None)
    db.session.add(avis)
    db.session.flush()
    url = path_for("projet.fiche", dossier_id=fiche.dossier_id, numero=fiche.numero)
    notify(Message("avis_partenaire", f"Avis {avis.sens.label.lower()} {avis.organisation} sur la fiche {fiche.code}",
                   url, fiche.dossier, {"avis": avis, "fiche": fiche, "actor": user}),
           roles=PORTEURS, actor=user)
    return avis


def avis_by_fiche(fiche_ids) -> dict[int, list[AvisPartenaire]]:
    """The current avis of each fiche (the latest per organisation), newest first; one statement."""
    fiche_ids = list(fiche_ids)
    if not fiche_ids:
        return {}
    rows = db.session.scalars(
        select(AvisPartenaire).where(AvisPartenaire.fiche_id.in_(fiche_ids))
        .options(selectinload(AvisPartenaire.auteur))
        .order_by(AvisPartenaire.created_at.desc(), AvisPartenaire.id.desc())
    ).all()
    result: dict[int, list[AvisPartenaire]] = {}
    seen = set()
    for avis in rows:
        if (avis.fiche_id, avis.organisation) in seen:
            continue
        seen.add((avis.fiche_id, avis.organisation))
        result.setdefault(avis.fiche_id, []).append(avis)
    return result
