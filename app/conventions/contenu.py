"""A convention's content as its readers see it: every party with who signs for it and the
délibération that authorises it, the chosen partners, the cadre's sections, and the list of
what is still missing, by name. The content page, the printed convention and the deposit's
guard (through the `convention_gaps` signal) all read this one view.
"""
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from app.core.db import db
from app.documents.models import Document, DocumentType, Etape
from app.dossiers.models import Dossier
from app.conventions.models import COMMUNE, EPCI, ETAT, ETAT_CODE, PARTENAIRE, ConventionContenu
from app.conventions.partenaires import PARTENAIRES, Partenaire
from app.referentiel.noms import du_departement

KINDS = ("adhesion", "cadre")
SECTIONS = {  # the convention-cadre's sections: attribute -> name
    "synthese_diagnostic": "Synthèse du diagnostic",
    "strategie": "Stratégie de revitalisation",
    "perimetre_ort": "Périmètre de l'ORT",
}
NO_PARTNER = "Partenaires signataires (au moins un)"

@dataclass
class Deliberation:
    document_id: int
    date: date | None
    numero: str | None


@dataclass
class Partie:
    """A party of the convention and who signs for it (None: not said yet)."""

    partie: str
    code: str
    nom: str  # "Jonzac", "CC de la Haute-Saintonge", "L'État", "Banque des territoires"
    de: str  # "de la commune de Jonzac": how a missing piece names it
    qualite_proposee: str  # what the form offers when nothing is stored yet
    representant: str | None = None
    qualite: str | None = None
    deliberation: Deliberation | None = None
    apport: str | None = None  # a partner's support, in its own words

    @property
    def complete(self) -> bool:
        return bool(self.representant and self.qualite)

    @property
    def qualite_phrase(self) -> str | None:
        """"Maire" as it reads inside a sentence: "représentée par Claude Belot, maire"."""
        return self.qualite[:1].lower() + self.qualite[1:] if self.qualite else None

    @property
    def bloc(self) -> str:
        """The party's name above its signature."""
        return f"Commune de {self.nom}" if self.partie == COMMUNE else self.nom


@dataclass
class Contenu:
    dossier: Dossier
    kind: str
    stored: ConventionContenu | None
    communes: list[Partie]
    epci: Partie | None
    etat: Partie
    partenaires: list[Partie]  # the chosen ones
    catalogue: list[Partenaire]  # every partner of the programme, named for this dossier
    sections: dict = field(default_factory=dict)  # attribute -> text
    secteurs: dict = field(default_factory=dict)  # INSEE -> text
    missing: list[str] = field(default_factory=list)

    @property
    def collectivites(self) -> list[Partie]:
        return self.communes + ([self.epci] if self.epci else [])

    @property
    def signataires(self) -> list[Partie]:
        return self.collectivites + [self.etat] + self.partenaires


@cache
def _load_statement():
    return (select(ConventionContenu)
            .where(ConventionContenu.dossier_id == bindparam("dossier_id"), ConventionContenu.kind == bindparam("kind"))
            .options(selectinload(ConventionContenu.signataires), selectinload(ConventionContenu.secteurs)))


def load(dossier: Dossier, kind: str) -> ConventionContenu | None:
    return db.session.scalar(_load_statement(), {"dossier_id": dossier.id, "kind": kind})


@cache
def _deliberations_statement():
    return (select(Document)
            .where(Document.dossier_id == bindparam("dossier_id"), Document.etape == bindparam("etape"),
                   Document.type == DocumentType.DELIBERATION, Document.avenant_id.is_(None))
            .order_by(Document.id))


def deliberations(dossier: Dossier, kind: str) -> dict[str, Document]:
    """The délibération of each collectivité for that step: the last one deposited (the
    statements here are built once: every deposit's guard reads this view)."""
    rows = db.session.scalars(_deliberations_statement(), {"dossier_id": dossier.id, "etape": Etape(kind)})
    return {document.collectivite_code: document for document in rows}


def catalogue(dossier: Dossier) -> list[Partenaire]:
    departement = dossier.departement
    return [p.named(departement.region.nom, du_departement(departement.code, departement.nom))
            for p in PARTENAIRES]


def read(dossier: Dossier, kind: str) -> Contenu:
    """The content of the convention `kind` of the dossier, with what it lacks."""
    if kind not in KINDS:
        raise ValueError(f"Type de convention inconnu\u00a0: {kind}")
    stored = load(dossier, kind)
    voted = deliberations(dossier, kind)

    def party(partie, code, nom, de, qualite):
        signataire = stored.signataire(partie, code) if stored else None
        document = voted.get(code) if partie in (COMMUNE, EPCI) else None
        return Partie(
            partie, code, nom, de, qualite,
            representant=signataire.nom if signataire else None,
            qualite=signataire.qualite if signataire else None,
            deliberation=Deliberation(document.id, document.deliberation_date, document.deliberation_numero)
            if document else None,
        )

    departement = dossier.departement
    communes = [party(COMMUNE, c.insee, c.nom, f"de la commune de {c.nom}", "Maire") for c in dossier.communes]
    epci = dossier.epci
    named = catalogue(dossier)
    chosen_codes = set(stored.partenaires) if stored else set()
    chosen = []
    for reference in named:  # printed in the order of the programme's list
        if reference.code in chosen_codes:
            chosen.append(party(PARTENAIRE, reference.code, reference.nom, reference.de, ""))
            chosen[-1].apport = reference.apport
    contenu = Contenu(
        dossier=dossier, kind=kind, stored=stored, communes=communes,
        epci=party(EPCI, epci.siren, epci.nom, f"de la {epci.nom}", "Président") if epci else None,
        etat=party(ETAT, ETAT_CODE, "L'État", "de l'État (préfet)",
                   f"Préfet {du_departement(departement.code, departement.nom)}"),
        partenaires=chosen, catalogue=named,
        sections={name: getattr(stored, name) if stored else None for name in SECTIONS},
        secteurs={c.insee: stored.secteur(c.insee) if stored else None for c in dossier.communes},
    )
    contenu.missing = missing_pieces(contenu)
    return contenu


def missing_pieces(contenu: Contenu, documents: bool = True) -> list[str]:
    """Every piece the convention still lacks, named as a person reads it. `documents=False`:
    without the délibérations not yet uploaded (the deposit's checklist asks for each one as a
    document already)."""
    missing = [f"Signataire {p.de}" for p in contenu.signataires if not p.complete]
    if contenu.kind == "cadre" and not contenu.partenaires:
        missing.append(NO_PARTNER)
    for p in contenu.collectivites:
        if p.deliberation is None:
            if documents:
                missing.append(f"Délibération {p.de}")
            continue
        if p.deliberation.date is None:
            missing.append(f"Date de la délibération {p.de}")
        if not p.deliberation.numero:
            missing.append(f"Numéro de la délibération {p.de}")
    if contenu.kind == "cadre":
        missing += [name for attr, name in SECTIONS.items() if not (contenu.sections[attr] or "").strip()]
        missing += [f"Secteur d'intervention {p.de}" for p in contenu.communes
                    if not (contenu.secteurs[p.code] or "").strip()]
    return missing


def gaps(dossier: Dossier, *, kind: str, **_) -> list[str]:
    """Subscribed to `convention_gaps`: what the deposit of `kind` waits for in the content
    (a missing délibération is the deposit's document requirement, not listed twice)."""
    return missing_pieces(read(dossier, kind), documents=False)

