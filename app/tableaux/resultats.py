"""The figures of a level at a day, as plain values (dataclasses, `as_dict()` for JSON): what
the dashboard, the PDF report and the API show, however they were computed (from the register,
app/tableaux/lecture.py, or from the history, app/tableaux/recalcul.py)."""
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.core.db import db
from app.core.formatting import number_fr
from app.projet import financeurs
from app.projet.territoire_models import OpahType
from app.referentiel.models import Region
from app.tableaux.niveaux import NATIONAL, Niveau
from app.workflows.states import FinancementStatut as S

STATUTS = (S.PREVU, S.SOLLICITE, S.ACCORDE, S.VERSE)  # the report's columns (refusé aside)
OPAH_TYPES = tuple(t for t in OpahType if t != OpahType.AUCUNE)

NOTES = (
    "Les montants des lignes de financement sont ceux d'aujourd'hui (un montant ne change plus "
    "une fois la ligne sollicitée)\u00a0; une ligne compte à partir de sa création ou de sa demande.",
    "Les fiches action reprises sans historique (import) comptent à partir de leur reprise.",
)

COUNTS = ("dossiers", "communes", "conventions_adhesion", "communes_adhesion", "conventions_cadre",
          "communes_cadre", "communes_ort", "postes", "communes_chef", "dossiers_retard")


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Ligne:
    """The counts of one territory (a département, a région, the level itself)."""

    code: str | None
    nom: str
    dossiers: int = 0
    communes: int = 0
    conventions_adhesion: int = 0
    communes_adhesion: int = 0
    conventions_cadre: int = 0
    communes_cadre: int = 0
    communes_ort: int = 0
    postes: int = 0
    communes_chef: int = 0
    dossiers_retard: int = 0

    def add(self, other: "Ligne") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def pct_adhesion(self):
        return _pct(self.communes_adhesion, self.communes)

    @property
    def pct_cadre(self):
        return _pct(self.communes_cadre, self.communes)

    @property
    def pct_ort(self):
        return _pct(self.communes_ort, self.communes)

    @property
    def pct_chef(self):
        return _pct(self.communes_chef, self.communes)

    def as_dict(self) -> dict:
        values = asdict(self)
        values.update(pct_adhesion=self.pct_adhesion, pct_cadre=self.pct_cadre, pct_ort=self.pct_ort,
                      pct_chef=self.pct_chef)
        return values


@dataclass
class Retard:
    dossier_id: int
    reference: str
    nom: str
    departement_code: str
    adhesion_signee_le: date
    echeance: date
    prolongee: bool


@dataclass
class Figures:
    niveau: str
    code: str | None
    nom: str
    au: date
    total: Ligne
    par_departement: list[Ligne]
    par_region: list[Ligne]
    opah: dict[str, int]  # OpahType value → communes in an OPAH of that kind at the day
    # financeur → statut value → euros; and the totals by statut
    credits: dict[str, dict[str, Decimal]]
    credits_total: dict[str, Decimal]
    fiches: dict[str, int]  # FicheEtat value → fiches
    retards: list[Retard]
    opah_sans_date: int = 0  # OPAH recorded before their dates were asked: counted at every day
    notes: tuple[str, ...] = field(default=NOTES)

    @property
    def opah_total(self) -> int:
        return sum(self.opah.values())

    @property
    def fiches_total(self) -> int:
        return sum(self.fiches.values())

    @property
    def table(self) -> list[Ligne]:
        """The report's table: by région at the national level, by département otherwise."""
        return self.par_region if self.niveau == NATIONAL else self.par_departement

    def as_dict(self) -> dict:
        """Plain JSON values: dates in ISO, euros as strings (exact), percentages as numbers."""
        def money(values):
            return {k: str(v) for k, v in values.items()}

        return {
            "niveau": self.niveau, "code": self.code, "nom": self.nom, "au": self.au.isoformat(),
            **self.total.as_dict(),
            "opah": dict(self.opah), "opah_total": self.opah_total, "opah_sans_date": self.opah_sans_date,
            "credits": {name: money(values) for name, values in self.credits.items()},
            "credits_total": money(self.credits_total),
            "fiches": dict(self.fiches), "fiches_total": self.fiches_total,
            "retards": [{**asdict(r), "adhesion_signee_le": r.adhesion_signee_le.isoformat(),
                         "echeance": r.echeance.isoformat()} for r in self.retards],
            "par_departement": [line.as_dict() for line in self.par_departement],
            "par_region": [line.as_dict() for line in self.par_region],
            "notes": list(self.notes),
        }


def by_financeur(amounts) -> dict[str, dict[str, Decimal]]:
    """(source code, statut value, euros) → financeur → statut → euros, in the financeurs' order,
    those with nothing left out."""
    result: dict[str, dict[str, Decimal]] = {}
    order = {}
    for source, statut, amount in amounts:
        src = financeurs.source(source)
        order.setdefault(src.financeur, financeurs.ORDER[source])
        if src.financeur not in result:
            result[src.financeur] = {s.value: Decimal("0.00") for s in STATUTS}
        result[src.financeur][statut] += Decimal(amount or 0).quantize(Decimal("0.01"))
    return {name: result[name] for name in sorted(result, key=lambda n: order[n])
            if any(result[name].values())}


def assemble(level: Niveau, au: date, lines: list[Ligne], **parts) -> Figures:
    """The level's figures from its départements' lines (in the level's order) and the rest."""
    total = Ligne(level.code, level.titre)
    regions: dict[str, Ligne] = {}
    names = {code: region for code, _, region in level.departements}
    for line in lines:
        total.add(line)
        regions.setdefault(names[line.code], Ligne(names[line.code], names[line.code])).add(line)
    credits = parts.pop("credits")
    retards = sorted(parts.pop("retards"), key=lambda r: (r.echeance, r.reference))
    undated = parts.get("opah_sans_date", 0)
    if undated:
        parts["notes"] = NOTES + (
            "Une commune est en OPAH depuis un jour que Jalons ne connaît pas (enregistrée avant que ce jour "
            "soit demandé)\u00a0: elle compte à toute date." if undated == 1 else
            f"{number_fr(undated)} communes sont en OPAH depuis un jour que Jalons ne connaît pas (enregistrées "
            "avant que ce jour soit demandé)\u00a0: elles comptent à toute date.",)
    return Figures(
        niveau=level.kind, code=level.code, nom=level.titre, au=au, total=total, par_departement=lines,
        par_region=_name_regions(regions), credits=credits, retards=retards,
        credits_total={s.value: sum((c[s.value] for c in credits.values()), Decimal("0")) for s in STATUTS},
        **parts,
    )


def _name_regions(regions: dict[str, Ligne]) -> list[Ligne]:
    names = {code: nom for code, nom in db.session.execute(
        select(Region.code, Region.nom).where(Region.code.in_(list(regions))))} if regions else {}
    for code, line in regions.items():
        line.nom = names.get(code, code)
    return sorted(regions.values(), key=lambda line: line.nom)
