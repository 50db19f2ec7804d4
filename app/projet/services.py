"""Axes stratégiques, indicators and their measured values. Services flush, never commit."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import today_in_paris
from app.projet.access import can_edit_projet
from app.projet.models import AxeStrategique, FicheAction, Indicateur, IndicateurType, MesureIndicateur

NOT_OPEN = ("Le projet de territoire s'écrit par la commune, l'EPCI ou le chef de projet du dossier, "
            "une fois la convention d'adhésion signée et tant que le dossier est suivi.")


def _require_writer(dossier, user) -> None:
    if not can_edit_projet(dossier, user):
        raise DomainError(NOT_OPEN)


def create_axe(dossier, user, *, titre: str, enjeux: str = "") -> AxeStrategique:
    _require_writer(dossier, user)
    ordre = (db.session.scalar(select(func.max(AxeStrategique.ordre))
                               .where(AxeStrategique.dossier_id == dossier.id)) or 0) + 1
    axe = AxeStrategique(dossier_id=dossier.id, ordre=ordre, titre=titre.strip(), enjeux=(enjeux or "").strip())
    db.session.add(axe)
    db.session.flush()
    return axe


def update_axe(axe: AxeStrategique, user, *, titre: str, enjeux: str, ordre: int) -> AxeStrategique:
    _require_writer(axe.dossier, user)
    if ordre < 1:
        raise DomainError("L'ordre d'un axe est un nombre à partir de 1.")
    axe.titre, axe.enjeux, axe.ordre = titre.strip(), (enjeux or "").strip(), ordre
    db.session.flush()
    return axe


def create_indicateur(dossier, user, *, axe: AxeStrategique | None = None, fiche: FicheAction | None = None,
                      nom: str, type: IndicateurType, unite: str, valeur_initiale: Decimal | None = None,
                      date_initiale: date | None = None, cible: Decimal | None = None,
                      date_cible: date | None = None) -> Indicateur:
    """An indicator of an axe, or of a fiche (then attached to the fiche's axe as well)."""
    if fiche is not None:
        if not fiche.can_follow(user):
            raise DomainError("Les indicateurs d'une fiche s'ajoutent par ses porteurs, tant qu'elle est ouverte.")
        axe = fiche.axe
    else:
        _require_writer(dossier, user)
        if axe is None:
            raise DomainError("Choisissez l'axe stratégique de l'indicateur.")
    if date_initiale and date_cible and date_cible < date_initiale:
        raise DomainError("La date cible ne peut pas précéder la date de la valeur initiale.")
    indicateur = Indicateur(
        dossier_id=dossier.id, axe_id=axe.id if axe else None, fiche_id=fiche.id if fiche else None,
        nom=nom.strip(), type=IndicateurType(type), unite=unite.strip(), valeur_initiale=valeur_initiale,
        date_initiale=date_initiale, cible=cible, date_cible=date_cible,
    )
    db.session.add(indicateur)
    db.session.flush()
    return indicateur


def add_mesure(indicateur: Indicateur, user, *, mesure_le: date, valeur: Decimal, source: str,
               today: date | None = None) -> MesureIndicateur:
    """A measured value, with its date, its source and who entered it; never overwritten."""
    if indicateur.fiche is not None:
        if not indicateur.fiche.can_follow(user):
            raise DomainError("Les mesures d'une fiche s'ajoutent par ses porteurs, tant qu'elle est ouverte.")
    else:
        _require_writer(indicateur.axe.dossier, user)
    if mesure_le > (today or today_in_paris()):
        raise DomainError("La date de la mesure ne peut pas être dans le futur.")
    if not (source or "").strip():
        raise DomainError("Indiquez la source de la mesure (enquête, comptage, registre…).")
    mesure = MesureIndicateur(indicateur_id=indicateur.id, mesure_le=mesure_le, valeur=valeur,
                              source=source.strip(), saisi_par_id=user.id)
    db.session.add(mesure)
    db.session.flush()
    return mesure
