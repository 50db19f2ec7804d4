"""What each subject adds to the dashboards' figures, day by day: the register's rows
(app/tableaux/registre.py keeps their sums).

A subject is a dossier (its signatures, sortie, clôture and extensions from its history, its
communes, their ORT and OPAH, the posts of its chefs de projet), a chef de projet (a person,
in each département they serve), a fiche action (its states, from its history) or a financing
line (its dates). `variations(subjects, fin)` reads the facts of some subjects (all of them:
`Sujets.tous()`) in a few statements and returns what they add to each (département,
indicateur, clé, jour): +v on the day something starts counting, -v on the day it stops.

The rules are those of the SQL that recomputes a figure from the history (app/tableaux/etats.py
and recalcul.py): a signature counts from its date, a sortie, a clôture, an extension or a
fiche's step from the Paris day it was recorded, a line in each status from the date of the
step that put it there. tests/tableaux/test_registre.py checks that both agree at every day.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import func, select

from app.core.formatting import to_paris
from app.dossiers.echeance import DELAI_MOIS, add_months
from app.dossiers.models import Dossier, DossierCommune
from app.projet.models import FicheAction, LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, OpahPeriode, OpahType, PosteChefDeProjet
from app.tableaux.etats import EVENTS
from app.workflows.history import HistoryEntry as H
from app.workflows.states import FinancementStatut as S

ALWAYS = date(1, 1, 1)  # the day of what counts at every day
ONE_DAY = timedelta(days=1)
CHUNK = 500  # ids per IN (…): far below every database's limit on parameters
STATUTS_ACCORDES = (S.ACCORDE.value, S.VERSE.value)

Key = tuple[str, str, str, date]  # (departement_code, indicateur, cle, jour)


@dataclass
class Sujets:
    """The subjects to read: ids (None: all of them)."""

    dossiers: set[int] | None = field(default_factory=set)
    personnes: set[str] | None = field(default_factory=set)  # `person_key` values
    fiches: set[int] | None = field(default_factory=set)
    lignes: set[int] | None = field(default_factory=set)

    @classmethod
    def tous(cls) -> "Sujets":
        return cls(None, None, None, None)

    def __bool__(self) -> bool:
        return any(v is None or v for v in (self.dossiers, self.personnes, self.fiches, self.lignes))

    def update(self, other: "Sujets") -> None:
        for name in ("dossiers", "personnes", "fiches", "lignes"):
            mine, theirs = getattr(self, name), getattr(other, name)
            setattr(self, name, None if mine is None or theirs is None else mine | theirs)


def person_key(user_id, nom, employeur_code) -> str:
    """A chef de projet is one person however many dossiers they serve: their account, or their
    name and employer when they have none (as app/tableaux/recalcul.py counts them)."""
    return f"u{user_id}" if user_id is not None else f"n{(nom or '').lower()}|{employeur_code}"


def variations(connection, sujets: Sujets, fin: date) -> dict[Key, int]:
    """What `sujets` add to the register, the late dossiers computed with `fin` as the
    programme's end. A few statements per kind of subject (per 500 ids)."""
    out: dict[Key, int] = defaultdict(int)
    if sujets.dossiers is None or sujets.dossiers:
        for facts in _dossier_facts(connection, sujets.dossiers):
            _dossier(out, facts, fin)
    if sujets.personnes is None or sujets.personnes:
        _people(out, connection, sujets.personnes)
    if sujets.fiches is None or sujets.fiches:
        _fiches(out, connection, sujets.fiches)
    if sujets.lignes is None or sujets.lignes:
        _lines(out, connection, sujets.lignes)
    return out


def span(out, dep: str, indicateur: str, cle: str, start: date | None, end: date | None, value: int) -> None:
    """`value` counts on the days start ≤ day < end (end None: from `start` on)."""
    if start is None or value == 0 or (end is not None and end <= start):
        return
    out[(dep, indicateur, cle, start)] += value
    if end is not None:
        out[(dep, indicateur, cle, end)] -= value


def earliest(*days: date | None) -> date | None:
    """The first of the days given (None: never)."""
    known = [d for d in days if d is not None]
    return min(known) if known else None


def union(spans) -> list[tuple[date, date | None]]:
    """Merged spans [start, end) (end None: open)."""
    merged: list[list] = []
    for start, end in sorted(spans, key=lambda s: s[0]):
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            last = merged[-1]
            last[1] = None if end is None or last[1] is None else max(last[1], end)
        else:
            merged.append([start, end])
    return [tuple(s) for s in merged]


def in_force(rows) -> list[tuple[date, object]]:
    """rows: (day, order, value). The value in force from each day it changes: at a day, the
    value of the row of the highest order among those of that day or before."""
    result, best = [], None
    for day, group in groupby(sorted(rows, key=lambda r: r[0]), key=lambda r: r[0]):
        for _, order, value in group:
            if best is None or order > best[0]:
                best = (order, value)
        if not result or result[-1][1] != best[1]:
            result.append((day, best[1]))
    return result


def spans_of(changes, end: date | None = None):
    """(value, start, end) of each value in force (`in_force`), all stopped at `end`."""
    for i, (day, value) in enumerate(changes):
        following = changes[i + 1][0] if i + 1 < len(changes) else None
        yield value, day, earliest(following, end)


def paris_day(moment) -> date:
    return to_paris(moment).date()


def _chunks(ids):
    ids = sorted(ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _rows(connection, stmt, column, ids):
    """The rows of `stmt`, restricted to `column IN ids` (by chunks), or all of them (ids None)."""
    if ids is None:
        yield from connection.execute(stmt)
        return
    for chunk in _chunks(ids):
        yield from connection.execute(stmt.where(column.in_(chunk)))


# --- dossiers ---------------------------------------------------------------------------------

@dataclass
class DossierFacts:
    id: int
    departement_code: str
    communes: int = 0
    adhesion_le: date | None = None
    cadre_le: date | None = None
    sortie_le: date | None = None  # the Paris day it was recorded
    cloture_le: date | None = None
    prorogations: list = field(default_factory=list)  # (day recorded, new deadline)
    orts: list = field(default_factory=list)  # the ORT's day of each commune engaged
    opah: dict = field(default_factory=dict)  # revitalisation id → [(day or ALWAYS, period id, kind)]
    postes: list = field(default_factory=list)  # (date_debut, date_fin)


def _dossier_facts(connection, ids) -> list[DossierFacts]:
    facts = {i: DossierFacts(i, dep) for i, dep in _rows(
        connection, select(Dossier.id, Dossier.departement_code), Dossier.id, ids)}
    history = (select(H.dossier_id, H.event, H.at, H.effective_on)
               .where(H.subject_type == "dossier", H.event.in_(EVENTS)))
    for dossier_id, event, at, effective_on in _rows(connection, history, H.dossier_id, ids):
        f = facts.get(dossier_id)
        if f is None:
            continue
        day = paris_day(at)
        if event == "signer_adhesion":
            f.adhesion_le = earliest(f.adhesion_le, effective_on)
        elif event == "signer_cadre":
            f.cadre_le = earliest(f.cadre_le, effective_on)
        elif event == "declarer_sortie":
            f.sortie_le = earliest(f.sortie_le, day)
        elif event == "cloturer":
            f.cloture_le = earliest(f.cloture_le, day)
        elif event == "prolonger_delai" and effective_on is not None:
            f.prorogations.append((day, effective_on))
    communes = (select(DossierCommune.dossier_id, func.count()).group_by(DossierCommune.dossier_id))
    for dossier_id, n in _rows(connection, communes, DossierCommune.dossier_id, ids):
        if dossier_id in facts:
            facts[dossier_id].communes = n
    R, P = CommuneRevitalisation, OpahPeriode
    revit = (select(R.id, R.dossier_id, R.ort_engagee_le, P.id, P.depuis_le, P.opah_type)
             .outerjoin(P, P.revitalisation_id == R.id))
    seen = set()
    for revit_id, dossier_id, ort, period_id, since, kind in _rows(connection, revit, R.dossier_id, ids):
        f = facts.get(dossier_id)
        if f is None:
            continue
        if revit_id not in seen:
            seen.add(revit_id)
            if ort is not None:
                f.orts.append(ort)
        if period_id is not None:
            f.opah.setdefault(revit_id, []).append((since or ALWAYS, period_id, OpahType(kind).value))
    posts = select(PosteChefDeProjet.dossier_id, PosteChefDeProjet.date_debut, PosteChefDeProjet.date_fin)
    for dossier_id, debut, fin in _rows(connection, posts, PosteChefDeProjet.dossier_id, ids):
        if dossier_id in facts:
            facts[dossier_id].postes.append((debut, fin))
    return list(facts.values())


def post_span(debut: date, fin: date | None, sortie: date | None):
    """The days a post counts: from its start to its last day, while its dossier is in the
    programme."""
    return debut, earliest(fin + ONE_DAY if fin is not None else None, sortie)


def _dossier(out, f: DossierFacts, fin: date) -> None:
    dep, n, out_on = f.departement_code, f.communes, f.sortie_le
    span(out, dep, "dossiers", "", ALWAYS, out_on, 1)
    span(out, dep, "communes", "", ALWAYS, out_on, n)
    span(out, dep, "conventions_adhesion", "", f.adhesion_le, out_on, 1)
    span(out, dep, "communes_adhesion", "", f.adhesion_le, out_on, n)
    span(out, dep, "conventions_cadre", "", f.cadre_le, out_on, 1)
    span(out, dep, "communes_cadre", "", f.cadre_le, out_on, n)
    for ort in f.orts:
        span(out, dep, "communes_ort", "", ort, out_on, 1)
    for periods in f.opah.values():
        for kind, start, end in spans_of(in_force(periods), out_on):
            if kind != OpahType.AUCUNE.value:
                span(out, dep, "communes_opah", kind, start, end, 1)
                if start == ALWAYS:  # recorded before Jalons asked for its day
                    span(out, dep, "opah_sans_date", "", start, end, 1)
    for start, end in union(post_span(debut, last, out_on) for debut, last in f.postes):
        span(out, dep, "communes_chef", "", start, end, n)
    for start, end, due, extended in late_spans(f, fin):
        span(out, dep, "retard", late_key(f.id, f.adhesion_le, due, extended), start, end, 1)


def late_key(dossier_id: int, adhesion_le: date, due: date, extended: bool) -> str:
    """A late dossier's key: its id (ten digits, read back in SQL by app/tableaux/lecture.late),
    its adhésion's signature, its deadline then, and whether an extension set it."""
    return f"{dossier_id:010d}|{adhesion_le.isoformat()}|{due.isoformat()}|{int(extended)}"


def parse_late_key(key: str) -> tuple[int, date, date, bool]:
    dossier_id, adhesion, due, extended = key.split("|")
    return int(dossier_id), date.fromisoformat(adhesion), date.fromisoformat(due), extended == "1"


def late_spans(f: DossierFacts, fin: date) -> list[tuple]:
    """(start, end, deadline, extended) of the days the dossier is late on the 18-month rule
    (app/tableaux/etats.Conditions.retard), one span per deadline: adhésion signed, in the
    programme, no cadre signed, not closed, its deadline (the largest extension recorded by
    then, else the signature + 18 months) passed and within the programme's end. The rule and
    the deadline can only change on the days listed in `points`."""
    if f.adhesion_le is None:
        return []
    base = add_months(f.adhesion_le, DELAI_MOIS)

    def state(day):
        granted = [new for recorded, new in f.prorogations if recorded <= day]
        due = max(granted) if granted else base
        late = (f.adhesion_le <= day and (f.sortie_le is None or day < f.sortie_le)
                and (f.cadre_le is None or day < f.cadre_le) and (f.cloture_le is None or day < f.cloture_le)
                and due < day and due <= fin)
        return (due, bool(granted)) if late else None

    points = {f.adhesion_le, f.sortie_le, f.cadre_le, f.cloture_le, base + ONE_DAY}
    points |= {recorded for recorded, _ in f.prorogations} | {new + ONE_DAY for _, new in f.prorogations}
    spans, current, start = [], None, None
    for day in sorted(p for p in points if p is not None and p >= f.adhesion_le):
        now = state(day)
        if now != current:
            if current is not None:
                spans.append((start, day, *current))
            current, start = now, day
    if current is not None:
        spans.append((start, None, *current))
    return spans


# --- chefs de projet --------------------------------------------------------------------------

def _people(out, connection, keys) -> None:
    P = PosteChefDeProjet
    stmt = (select(P.user_id, P.nom, P.employeur_code, P.date_debut, P.date_fin, P.dossier_id,
                   Dossier.departement_code).join(Dossier, Dossier.id == P.dossier_id))
    if keys is None:
        rows = list(connection.execute(stmt))
    else:
        users = [int(k[1:]) for k in keys if k.startswith("u")]
        employers = {k.rsplit("|", 1)[1] for k in keys if k.startswith("n")}
        rows = []
        for chunk in _chunks(users):
            rows += connection.execute(stmt.where(P.user_id.in_(chunk)))
        for chunk in _chunks(employers):
            rows += connection.execute(stmt.where(P.user_id.is_(None), P.employeur_code.in_(chunk)))
        rows = [r for r in rows if person_key(r.user_id, r.nom, r.employeur_code) in keys]
    exits = _exits(connection, {r.dossier_id for r in rows} if keys is not None else None)
    spans = defaultdict(list)
    for r in rows:
        spans[(person_key(r.user_id, r.nom, r.employeur_code), r.departement_code)].append(
            post_span(r.date_debut, r.date_fin, exits.get(r.dossier_id)))
    for (_, dep), person_spans in spans.items():
        for start, end in union(person_spans):
            span(out, dep, "postes", "", start, end, 1)


def _exits(connection, ids) -> dict[int, date]:
    """dossier id → the Paris day its sortie was recorded."""
    stmt = select(H.dossier_id, func.min(H.at)).where(H.subject_type == "dossier", H.event == "declarer_sortie")
    result = {}
    for dossier_id, at in _rows(connection, stmt.group_by(H.dossier_id), H.dossier_id, ids):
        result[dossier_id] = paris_day(at)
    return result


# --- fiches action ----------------------------------------------------------------------------

def _fiches(out, connection, ids) -> None:
    stmt = (select(H.subject_id, H.seq, H.at, H.to_state, Dossier.departement_code)
            .join(Dossier, Dossier.id == H.dossier_id).where(H.subject_type == "fiche_action"))
    rows = defaultdict(list)
    for fiche_id, seq, at, state, dep in _rows(connection, stmt, H.subject_id, ids):
        rows[(fiche_id, dep)].append((paris_day(at), seq, state))
    for (_, dep), fiche_rows in rows.items():
        for state, start, end in spans_of(in_force(fiche_rows)):
            span(out, dep, "fiches", state, start, end, 1)


# --- financing lines --------------------------------------------------------------------------

def _lines(out, connection, ids) -> None:
    L = LigneFinancement
    stmt = (select(Dossier.departement_code, L.source, L.statut, L.montant, L.created_at, L.sollicite_le,
                   L.decide_le, L.verse_le)
            .join(FicheAction, FicheAction.id == L.fiche_id).join(Dossier, Dossier.id == FicheAction.dossier_id))
    if ids is None:
        stmt = stmt.execution_options(yield_per=5000)
    for row in _rows(connection, stmt, L.id, ids):
        line(out, *row)


def line(out, dep, source, statut, montant, created_at, sollicite_le, decide_le, verse_le) -> None:
    """A line in each status from the step that put it there (recalcul.line_status_sums), in
    cents; and the credits granted, cumulated (the curve), from the decision."""
    cents = int(round(montant * 100))
    statut = getattr(statut, "value", statut)
    created = paris_day(created_at)
    span(out, dep, "credits", f"{S.PREVU.value}:{source}", created, sollicite_le, cents)
    span(out, dep, "credits", f"{S.SOLLICITE.value}:{source}", sollicite_le, decide_le, cents)
    if statut in STATUTS_ACCORDES:
        span(out, dep, "credits", f"{S.ACCORDE.value}:{source}", decide_le, verse_le, cents)
        span(out, dep, "credits_accordes", "", decide_le, None, cents)
    span(out, dep, "credits", f"{S.VERSE.value}:{source}", verse_le, None, cents)


__all__ = ["ALWAYS", "Sujets", "variations", "person_key", "span", "union", "in_force", "late_spans", "late_key",
           "parse_late_key"]
