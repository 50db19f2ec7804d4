"""A small programme whose every value is known: the exports and the API read it back.

Two départements of one région: in the first, a dossier of two communes with its cadre
signed (ORT, OPAH-RU, a chef de projet in post, a fiche with two financing lines and a fiche
without any, an indicator with a measure) and a lone commune whose adhésion is signed; in
the second, a dossier in mise en œuvre with one fiche and one line (out of the first
département's préfecture's scope).
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.auth.roles import Role
from app.core.db import db
from app.dossiers.echeance import echeance
from app.dossiers.models import DossierEtat as E
from app.projet import postes
from app.projet.models import MesureIndicateur
from app.projet.territoire_models import CommuneRevitalisation, OpahPhase, OpahType
from app.workflows.states import FinancementStatut as F
from tests import factories
from tests.projet import factories as pf


@dataclass
class Programme:
    departement: object
    other_departement: object
    signed: object  # cadre signed, two communes
    adhering: object  # adhésion signed
    elsewhere: object  # in the other département
    fiche: object
    fiche_without_lines: object
    lines: list = field(default_factory=list)
    other_fiche: object = None
    indicateur: object = None


def _dossier(communes, etat, adhesion=None, cadre=None, prorogee=None, **kw):
    obj = factories.dossier(communes, etat=etat, adhesion_signee_le=adhesion, cadre_signee_le=cadre,
                            echeance_prorogee_le=prorogee, **kw)
    obj.echeance_cadre = echeance(adhesion, prorogee)
    db.session.flush()
    return obj


def build() -> Programme:
    region = factories.region()
    dep = factories.departement(region, nom="Charente test")
    other_dep = factories.departement(region, nom="Vienne test")
    epci = factories.epci(nom="CC de la Haute-Saintonge test")
    c1 = factories.commune(dep, epci, nom="Jonzac test")
    c2 = factories.commune(dep, epci, nom="Archiac test")
    c3 = factories.commune(dep, epci, nom="Mirambeau test")
    c4 = factories.commune(other_dep, factories.epci(), nom="Loudun test")

    signed = _dossier([c1, c2], E.MISE_EN_OEUVRE, adhesion=date(2021, 6, 15), cadre=date(2022, 10, 1),
                      prorogee=date(2023, 3, 31), reference="pvd-test-jonzac", nom="Jonzac et Archiac")
    adhering = _dossier([c3], E.ADHESION_SIGNEE, adhesion=date(2025, 9, 10), reference="pvd-test-mirambeau")
    elsewhere = _dossier([c4], E.MISE_EN_OEUVRE, adhesion=date(2021, 3, 1), cadre=date(2022, 5, 2),
                         reference="pvd-test-loudun")

    db.session.add(CommuneRevitalisation(dossier_id=signed.id, commune_insee=c1.insee,
                                         ort_engagee_le=date(2022, 10, 1), ort_origine="convention_cadre",
                                         opah_type=OpahType.OPAH_RU, opah_phase=OpahPhase.OPERATIONNELLE))
    chef = pf.member(Role.CHEF_DE_PROJET, signed)
    postes.create_poste(signed, chef, user_id=None, nom="Camille Martin", employeur_code=epci.siren,
                        date_debut=date(2021, 9, 1), date_fin=None, cout_annuel=Decimal("60000.00"))
    postes.create_poste(signed, chef, user_id=None, nom="Ancien titulaire", employeur_code=epci.siren,
                        date_debut=date(2021, 1, 4), date_fin=date(2021, 8, 31), cout_annuel=Decimal("58000.00"))

    fiche = pf.fiche(signed, chef, titre="Réhabilitation des halles")
    lines = [pf.line(fiche, "etat_detr", "10000.00", 2025, F.ACCORDE, user=chef),
             pf.line(fiche, "anah", "5000.50", 2026, user=chef)]
    lines[0].sollicite_le, lines[0].decide_le = date(2025, 2, 1), date(2025, 4, 15)
    without = pf.fiche(signed, chef, complete=False, titre="Étude de stationnement")
    indicateur = pf.indicateur(signed, fiche.axe, chef)
    db.session.add(MesureIndicateur(indicateur_id=indicateur.id, mesure_le=date(2025, 6, 30),
                                    valeur=Decimal("47"), source="Comptage de la commune"))
    pf.indicateur(signed, fiche.axe, chef, nom="Logements vacants remis sur le marché", unite="logements")
    other_chef = pf.member(Role.CHEF_DE_PROJET, elsewhere)
    other_fiche = pf.fiche(elsewhere, other_chef, titre="Voie verte")
    lines.append(pf.line(other_fiche, "region", "20000.00", 2025, user=other_chef))
    db.session.flush()
    return Programme(dep, other_dep, signed, adhering, elsewhere, fiche, without, lines, other_fiche, indicateur)


__all__ = ["Programme", "build"]
