"""`flask pvd import`: the list of PVD communes (2020 geography) as dossiers of today's geography.

One dossier per convention group (`id_pvd`), or per commune when the row has none. The list
predates commune mergers and EPCI changes, so every row is mapped onto today's referentiel:
a commune déléguée or associée becomes its commune nouvelle, a vanished EPCI becomes the
commune's EPCI of today. Every such decision is reported with its line number, and a row
that cannot be placed is rejected with its reason rather than guessed.

A re-import that changes a dossier's communes, département or EPCI writes a history row
("reprise de données": no person acted); a commune the file moves from one group to another
moves in the same run. The service flushes; the command commits. Re-running the same file
changes nothing.
"""
import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.db import db
from app.core.errors import DomainError
from app.dossiers.models import Dossier, DossierCommune, DossierEtat
from app.referentiel.models import CodeHistorique, Commune, Epci
from app.workflows import history

COLUMNS = ("id_pvd", "insee_com", "lib_com", "insee_dep", "lib_dep", "lib_reg", "pop",
           "siren_epci", "lib_epci")
INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
REFERENCE_MAX = 40
NOM_MAX = 300


@dataclass(order=True)
class Notice:
    line: int
    message: str


@dataclass
class PvdReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    communes: int = 0
    remapped: list[Notice] = field(default_factory=list)
    rejected: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def dossiers(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def remapped_lines(self) -> int:
        return len({notice.line for notice in self.remapped})


@dataclass
class _Placed:
    """A row of the file, placed on today's geography."""

    line: int
    reference: str
    insee: str
    departement_code: str
    epci_siren: str | None


class _Referentiel:
    """Today's geography, loaded in three queries (the file has 1,600 rows to look up)."""

    def __init__(self):
        self.communes = {
            row.insee: row
            for row in db.session.execute(
                select(Commune.insee, Commune.nom, Commune.departement_code, Commune.epci_siren)
            )
        }
        if not self.communes:
            raise DomainError(
                "Le référentiel géographique est vide : lancez d'abord « flask referentiel import »."
            )
        self.historiques = {
            row.code: row
            for row in db.session.execute(
                select(CodeHistorique.code, CodeHistorique.nom, CodeHistorique.type,
                       CodeHistorique.commune_insee)
            )
        }
        self.epcis = dict(db.session.execute(select(Epci.siren, Epci.nom)).all())

    def epci_label(self, siren: str | None) -> str:
        return f"{siren} ({self.epcis[siren]})" if siren else "aucun"


def _read(path: Path) -> list[tuple[int, dict]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise DomainError(f"{path.name} : colonne(s) manquante(s) : {', '.join(missing)}.")
            return [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise DomainError(f"Fichier introuvable : {path}") from None
    except UnicodeDecodeError:
        raise DomainError(f"{path.name} n'est pas un fichier CSV encodé en UTF-8.") from None


def _place(line: int, row: dict, ref: _Referentiel, report: PvdReport) -> _Placed | None:
    """Map one row onto today's commune and EPCI, or reject it (None) with its reason."""
    if None in row or any(row[c] is None for c in COLUMNS):
        report.rejected.append(Notice(line, f"ligne mal formée (attendu {len(COLUMNS)} colonnes)"))
        return None
    code = row["insee_com"].strip().upper()
    label = f"{code} ({row['lib_com'].strip()})"
    if not INSEE.match(code):
        report.rejected.append(Notice(
            line, f"code INSEE invalide « {row['insee_com']} » (5 caractères attendus, ex. 78003, 2A004)"
        ))
        return None
    reference = row["id_pvd"].strip() or f"pvd-{code}"
    if len(reference) > REFERENCE_MAX:
        report.rejected.append(Notice(line, f"identifiant id_pvd trop long « {reference} »"))
        return None

    if code in ref.communes:
        insee = code
    elif code in ref.historiques:
        old = ref.historiques[code]
        insee = old.commune_insee
        kind = "commune déléguée" if old.type == "commune-deleguee" else "commune associée"
        report.remapped.append(Notice(
            line, f"{label} est aujourd'hui une {kind} : rattachée à sa commune nouvelle "
            f"{insee} ({ref.communes[insee].nom})",
        ))
    else:
        report.rejected.append(Notice(
            line, f"code INSEE {label} inconnu du référentiel "
            "(ni commune actuelle, ni commune déléguée ou associée)",
        ))
        return None
    commune = ref.communes[insee]

    siren = row["siren_epci"].strip()
    if siren not in ref.epcis:
        epci_siren = commune.epci_siren
        before = f"l'EPCI {siren} ({row['lib_epci'].strip()}) n'existe plus" if siren else "EPCI absent"
        report.remapped.append(Notice(
            line, f"{before} : EPCI actuel de {commune.nom} retenu, {ref.epci_label(epci_siren)}",
        ))
    else:
        epci_siren = siren
    return _Placed(line, reference, insee, commune.departement_code, epci_siren)


def _dossier_nom(names: list[str]) -> str:
    """'Ablis', 'Bourg et Ville-Neuve', 'Bourg, Ville-Neuve et Autre'."""
    nom = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"
    return nom if len(nom) <= NOM_MAX else nom[:NOM_MAX - 1] + "…"


def _most_common(values: list, reference: str, what: str, line: int, report: PvdReport):
    """The value most rows share (the first row's on a tie); several values are worth a warning."""
    counts = Counter(v for v in values if v is not None)
    if not counts:
        return None
    chosen = max(counts, key=lambda v: (counts[v], -values.index(v)))
    if len(counts) > 1:
        others = ", ".join(sorted(v for v in counts if v != chosen))
        report.warnings.append(Notice(
            line, f"dossier {reference} : communes de plusieurs {what} ; {chosen} retenu ({others} écarté)"
        ))
    return chosen


def import_pvd(path: str | Path) -> PvdReport:
    path = Path(path)
    rows = _read(path)
    ref = _Referentiel()
    report = PvdReport()

    taken = dict(db.session.execute(
        select(DossierCommune.commune_insee, Dossier.reference).join(Dossier)
    ).all())
    placed_rows: list[_Placed] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        placed = _place(line, row, ref, report)
        if placed is None:
            continue
        if placed.insee in seen:
            report.rejected.append(Notice(line, (
                f"commune {placed.insee} ({ref.communes[placed.insee].nom}) déjà retenue "
                f"ligne {seen[placed.insee]} : ligne ignorée"
            )))
            continue
        seen[placed.insee] = line
        placed_rows.append(placed)
    in_file = {placed.reference for placed in placed_rows}
    groups: dict[str, list[_Placed]] = {}
    for placed in placed_rows:
        owner = taken.get(placed.insee, placed.reference)
        # A commune moves from a group the file also lists (and lists without it); a group
        # the file no longer lists is left alone, so the move would empty it silently.
        if owner != placed.reference and owner not in in_file:
            report.rejected.append(Notice(placed.line, (
                f"commune {placed.insee} ({ref.communes[placed.insee].nom}) déjà rattachée "
                f"au dossier {owner}, absent du fichier"
            )))
            continue
        groups.setdefault(placed.reference, []).append(placed)

    existing = {
        dossier.reference: dossier
        for dossier in db.session.scalars(
            select(Dossier)
            .where(Dossier.reference.in_(list(groups)))
            .options(selectinload(Dossier.liens_communes))
        )
    }
    # Links leave their old dossier first: a commune belongs to one dossier at a time.
    wanted_communes = {reference: {m.insee for m in members} for reference, members in groups.items()}
    before = {}
    for reference, dossier in existing.items():
        before[reference] = _snapshot(dossier)
        dossier.liens_communes = [lien for lien in dossier.liens_communes
                                  if lien.commune_insee in wanted_communes[reference]]
    db.session.flush()
    for reference, members in groups.items():
        _apply(reference, members, existing.get(reference), before.get(reference), ref, report)
    db.session.flush()
    return report


def _snapshot(dossier: Dossier) -> dict:
    return {"communes": sorted(lien.commune_insee for lien in dossier.liens_communes),
            "departement_code": dossier.departement_code, "epci_siren": dossier.epci_siren}


def _apply(reference: str, members: list[_Placed], dossier: Dossier | None, before: dict | None,
           ref: _Referentiel, report: PvdReport) -> None:
    """Create the dossier of a group, or bring it in line with the file (its état is kept)."""
    first = members[0].line
    wanted = {
        "nom": _dossier_nom([ref.communes[m.insee].nom for m in members]),
        "departement_code": _most_common(
            [m.departement_code for m in members], reference, "départements", first, report),
        "epci_siren": _most_common([m.epci_siren for m in members], reference, "EPCI", first, report),
    }
    communes = [m.insee for m in members]
    report.communes += len(communes)
    if dossier is None:
        dossier = Dossier(reference=reference, etat=DossierEtat.LABELLISE, **wanted)
        dossier.liens_communes = [DossierCommune(commune_insee=insee) for insee in communes]
        db.session.add(dossier)
        report.created += 1
        return

    changed = [name for name, value in wanted.items() if getattr(dossier, name) != value]
    for name in changed:
        setattr(dossier, name, wanted[name])
    current = {lien.commune_insee for lien in dossier.liens_communes}
    dossier.liens_communes.extend(
        DossierCommune(commune_insee=insee) for insee in communes if insee not in current
    )
    after = _snapshot(dossier)
    if after["communes"] != before["communes"]:
        changed.append("communes")
    if not changed:
        report.unchanged += 1
        return
    report.updated += 1
    report.changes.append(f"dossier {reference} mis à jour : {', '.join(changed)}")
    moved = {key: {"avant": before[key], "apres": after[key]}
             for key in ("communes", "departement_code", "epci_siren") if before[key] != after[key]}
    if moved:  # a new name alone is no change of the convention group
        history.append(
            dossier_id=dossier.id, subject_type="dossier", subject_id=dossier.id, machine="dossier",
            event="modifier_perimetre", label="Périmètre du dossier mis à jour (liste PVD)",
            from_state=dossier.etat, to_state=dossier.etat, payload=moved,
        )
