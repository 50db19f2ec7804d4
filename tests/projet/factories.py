"""Rows of the projet de territoire, through the real services where a rule applies."""
from datetime import date
from decimal import Decimal

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.models import DossierEtat as E
from app.projet import fiches, services
from app.projet.models import IndicateurType, LigneFinancement
from tests import factories


def dossier(etat: E = E.MISE_EN_OEUVRE, **kw):
    """A dossier at `etat`, with two communes of one EPCI (its state set directly)."""
    dep = factories.departement()
    epci = factories.epci()
    obj = factories.dossier([factories.commune(dep, epci), factories.commune(dep, epci)], **kw)
    obj.etat = etat
    db.session.flush()
    return obj


def member(role: Role, dossier_obj, organisation: str = "Anah"):
    """A user holding `role` on `dossier_obj`."""
    if role in (Role.ANCT, Role.ADMIN):
        return factories.user_with_role(role)
    scope = {
        Role.COMMUNE: {"commune_insee": dossier_obj.liens_communes[0].commune_insee},
        Role.EPCI: {"epci_siren": dossier_obj.epci_siren},
        Role.CHEF_DE_PROJET: {"dossier_id": dossier_obj.id},
        Role.PREFECTURE: {"departement_code": dossier_obj.departement_code},
        Role.PARTENAIRE: {"organisation": organisation, "departement_code": dossier_obj.departement_code},
    }[role]
    return factories.user_with_role(role, **scope)


def axe(dossier_obj, user=None, titre="Revitaliser le centre-bourg"):
    return services.create_axe(dossier_obj, user or member(Role.CHEF_DE_PROJET, dossier_obj), titre=titre,
                               enjeux="Vacance commerciale, logements dégradés.")


def indicateur(dossier_obj, axe_obj, user=None, **kw):
    values = dict(nom="Commerces ouverts en centre-bourg", type=IndicateurType.RESULTAT, unite="commerces",
                  valeur_initiale=Decimal("42"), date_initiale=date(2022, 1, 1), cible=Decimal("55"),
                  date_cible=date(2026, 12, 31))
    values.update(kw)
    return services.create_indicateur(dossier_obj, user or member(Role.CHEF_DE_PROJET, dossier_obj), axe=axe_obj,
                                      **values)


def fiche(dossier_obj, user=None, complete=True, **kw):
    """A fiche in brouillon; `complete` fills what a submission needs."""
    user = user or member(Role.CHEF_DE_PROJET, dossier_obj)
    values = {"titre": kw.pop("titre", "Réhabilitation des halles")}
    if complete:
        values.update(axe_id=kw.pop("axe_id", None) or axe(dossier_obj, user).id,
                      description="Remise en état de la charpente et des étals.",
                      maitre_ouvrage_code=dossier_obj.liens_communes[0].commune_insee,
                      date_debut=date(2025, 1, 1), date_fin=date(2026, 6, 30),
                      cout_ht=Decimal("100000.00"), cout_ttc=Decimal("120000.00"))
    values.update(kw)
    return fiches.create_fiche(dossier_obj, user, **values)


def line(fiche_obj, source="etat_detr", montant="10000.00", annee=2025, statut=None, user=None):
    """A financing line, its status set directly when asked (its machine is tested elsewhere)."""
    user = user or member(Role.CHEF_DE_PROJET, fiche_obj.dossier)
    obj = fiches.add_line(fiche_obj, user, source=source, annee=annee, montant=Decimal(montant))
    if statut is not None:
        obj.statut = statut
        db.session.flush()
    return obj


__all__ = ["LigneFinancement"]
