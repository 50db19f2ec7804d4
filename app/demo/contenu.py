"""The demo's conventions read like real ones: before a convention's first deposit, the walker
fills its content (signataires, partners, the cadre's sections); each délibération is uploaded
with its date and number (`deliberation`).

Names are plausible and stable: a commune has one maire, a département one préfet, whatever
the dossier and the step (each drawn from a generator seeded by its code). Rows are written
directly, as data taken over: no history row, no person.
"""
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select

from app.conventions.contenu import catalogue, du_departement
from app.conventions.models import (
    COMMUNE, EPCI, ETAT, ETAT_CODE, PARTENAIRE, ConventionContenu, SecteurIntervention, Signataire,
)
from app.core.db import db, insert_returning_ids
from app.dossiers.models import Dossier

PRENOMS = ("Marie", "Jean", "Isabelle", "Philippe", "Nathalie", "Michel", "Sylvie", "Alain", "Catherine",
           "Patrick", "Sophie", "Christophe", "Valérie", "Thierry", "Anne", "Pascal", "Claire", "Didier",
           "Hélène", "Laurent", "Françoise", "Éric", "Martine", "Olivier", "Brigitte", "Bruno")
NOMS = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
        "Morel", "Girard", "Andrieu", "Mercier", "Dupuy", "Lambert", "Bonnet", "Faure", "Rousseau", "Chevalier")
QUALITES = {"banque_des_territoires": "Directrice régionale", "anah": "Déléguée locale",
            "cerema": "Directeur territorial", "ademe": "Directrice régionale", "region": "Président du conseil régional",
            "departement": "Présidente du conseil départemental", "epf": "Directeur général",
            "caue": "Présidente", "action_logement": "Directeur régional", "cci": "Président",
            "cma": "Présidente"}
ENJEUX = ("la vacance commerciale du centre-bourg", "le vieillissement du parc de logements anciens",
          "la place de la voiture dans le centre ancien", "le départ des services publics",
          "la reconversion d'une friche industrielle", "la fréquentation des commerces de proximité")


def _person(seed: str) -> str:
    rng = random.Random(seed)
    return f"{rng.choice(PRENOMS)} {rng.choice(NOMS)}"


def deliberation(dossier: Dossier, kind: str, code: str, day: date) -> tuple[date, str]:
    """The date and number of a collectivité's délibération approving the convention `kind`,
    voted in the weeks before `day` (its own generator: the walk's draws stay as they are)."""
    rng = random.Random(f"deliberation-{dossier.reference}-{kind}-{code}")
    voted = day - timedelta(days=rng.randint(10, 60))
    return voted, f"{voted.year}-{rng.randint(1, 120):03d}"


def fill_content(dossier: Dossier, kind: str, day: date) -> None:
    """What the porteurs would have written before depositing `kind` (once per dossier and kind).
    Its own generator: the walker's draws, and so the demo's figures, stay as they were."""
    exists = db.session.scalar(select(ConventionContenu.id).where(
        ConventionContenu.dossier_id == dossier.id, ConventionContenu.kind == kind))
    if exists:
        return
    rng = random.Random(f"contenu-{dossier.reference}-{kind}")
    departement = dossier.departement
    rows = [dict(partie=COMMUNE, code=c.insee, nom=_person(f"maire-{c.insee}"), qualite="Maire")
            for c in dossier.communes]
    if dossier.epci_siren:
        rows.append(dict(partie=EPCI, code=dossier.epci_siren, nom=_person(f"epci-{dossier.epci_siren}"),
                         qualite="Président"))
    rows.append(dict(partie=ETAT, code=ETAT_CODE, nom=_person(f"prefet-{departement.code}"),
                     qualite=f"Préfet {du_departement(departement.code, departement.nom)}"))
    partners = catalogue(dossier)
    chosen = rng.sample(partners, rng.randint(0, 2) if kind == "adhesion" else rng.randint(2, 4))
    rows += [dict(partie=PARTENAIRE, code=p.code, nom=_person(f"{p.code}-{departement.code}"),
                  qualite=QUALITES[p.code]) for p in chosen]
    contenu = dict(dossier_id=dossier.id, kind=kind, updated_at=datetime.combine(day, time(9)), version=1,
                   synthese_diagnostic=None, strategie=None, perimetre_ort=None)
    secteurs = []
    if kind == "cadre":
        noms = ", ".join(c.nom for c in dossier.communes)
        contenu["synthese_diagnostic"] = (
            f"Le diagnostic partagé de {noms} fait ressortir {rng.choice(ENJEUX)} et {rng.choice(ENJEUX)}.\n"
            "Le territoire garde des atouts\u00a0: un patrimoine bâti de qualité, des équipements structurants "
            "et un tissu associatif actif.")
        contenu["strategie"] = ("Redonner au centre sa fonction d'habitat, de commerce et de services, en s'appuyant "
                                "sur son patrimoine et en reliant mieux le centre à ses quartiers.\n"
                                "Les axes stratégiques du projet de territoire déclinent cette ambition.")
        contenu["perimetre_ort"] = ("Les centres-villes et centres-bourgs des communes bénéficiaires, délimités "
                                    "sur les plans annexés.")
        secteurs = [dict(commune_insee=c.insee, description=f"Centre ancien de {c.nom} et ses abords")
                    for c in dossier.communes]
    # rows written as data taken over, one INSERT per table (the ORM would send one per row on SQLite)
    contenu_id, = insert_returning_ids(ConventionContenu, [contenu])
    db.session.execute(insert(Signataire.__table__), [dict(row, contenu_id=contenu_id) for row in rows])
    if secteurs:
        db.session.execute(insert(SecteurIntervention.__table__), [dict(row, contenu_id=contenu_id) for row in secteurs])
