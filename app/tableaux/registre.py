"""The register the dashboards read: every counted fact's variations by département and day
(`Variation`), and their sums before each month (`Cumul`), so that a figure at any day is its
month's sum plus that month's variations up to the day: a read of one row per figure and of a
month of variations, whatever the number of dossiers, fiches or financing lines, and however
long the history.

Kept in step in the transaction of every write, whatever the service: a flush that touches what
the figures count (a dossier's history, its communes, their ORT and OPAH, a chef de projet's post,
a fiche's history, a financing line) reads the variations of the subjects it touches before and
after (app/tableaux/variations.py) and adds the difference (INSERT … ON CONFLICT DO UPDATE, in
key order) to the day's variation and to the sums of the months after it. A bulk statement on
those tables (the demo, the copies of `--scale`, an import) goes around the ORM: it marks the
register out of date, and the figures are recomputed from the history (exact, slower) until
`flask tableaux reconstruire` rebuilds it; so does a change of PROGRAMME_END. The register is never silently wrong: up to date, or known not to be. Raw SQL
(`text()`) or a migration that writes those tables must call `invalidate()` (or the rebuild).
"""
from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta
from itertools import chain

from sqlalchemy import delete, event, inspect, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.core.db import db, insert_many
from app.core.errors import is_concurrency_failure
from app.core.formatting import today_in_paris, utcnow
from app.core.signals import rows_written
from app.dossiers.echeance import add_months, programme_end
from app.dossiers.models import Dossier, DossierCommune
from app.projet.models import LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, OpahPeriode, PosteChefDeProjet
from app.tableaux.etats import EVENTS
from app.tableaux.models import Cumul, EtatRegistre, Variation
from app.tableaux.variations import Sujets, person_key, variations
from app.workflows.history import HistoryEntry

TRACKED = (Dossier, DossierCommune, CommuneRevitalisation, OpahPeriode, PosteChefDeProjet, HistoryEntry,
           LigneFinancement)
TABLES = frozenset(model.__table__.name for model in TRACKED)
INFO, PENDING = "jalons_registre", "jalons_registre_avant"
KEY = ("departement_code", "indicateur", "cle", "jour")
CUMUL_KEY = ("mois", "departement_code", "indicateur", "cle")
PREMIER_MOIS = date(2020, 10, 1)  # the programme's first month: the dashboards start there
MOIS_D_AVANCE = 12  # monthly sums kept this far past the later of today and the programme's end
NOT_SUMMED = "retard"  # keyed by dossier, read as variations (app/tableaux/lecture.late)


# --- state ------------------------------------------------------------------------------------

def _state(connection):
    return connection.execute(
        select(EtatRegistre.a_jour, EtatRegistre.fin_programme, EtatRegistre.premier_mois,
               EtatRegistre.dernier_mois).where(EtatRegistre.id == 1)).first()


def lisible():
    """The register's state when the figures may be read from it (built, up to date, with
    today's PROGRAMME_END), else None."""
    row = _state(db.session.connection())
    return row if row is not None and row.a_jour and row.fin_programme == programme_end() else None


def _kept(session):
    """The register's state while it is kept in step (read once a transaction); None when it is
    absent or out of date (then nothing is kept)."""
    cached = session.info.get(INFO)
    if cached is None:
        row = _state(session.connection())
        cached = session.info[INFO] = {"state": row if row is not None and row.a_jour else None}
    return cached["state"]


def invalidate(session=None) -> None:
    """Mark the register out of date (a write went around it): the figures are recomputed from
    the history until the next rebuild."""
    session = session or db.session
    session.connection().execute(
        update(EtatRegistre).where(EtatRegistre.id == 1, EtatRegistre.a_jour.is_(True))
        .values(a_jour=False, perime_le=utcnow()))
    session.info[INFO] = {"state": None}


# --- months -----------------------------------------------------------------------------------

def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def months(premier: date, dernier: date):
    month = premier
    while month <= dernier:
        yield month
        month = next_month(month)


def monthly(deltas: dict, premier: date, dernier: date) -> dict:
    """The sums before each month start of [premier, dernier] of `deltas` (by key, in one pass
    over each key's days): (mois, departement_code, indicateur, cle) → sum, zeros left out."""
    by_key = defaultdict(list)
    for (dep, indicateur, cle, day), value in deltas.items():
        if value and indicateur != NOT_SUMMED:
            by_key[(dep, indicateur, cle)].append((day, value))
    every_month = list(months(premier, dernier))
    result = {}
    for key, changes in by_key.items():
        changes.sort()
        total, i = 0, 0
        for month in every_month[bisect_right(every_month, changes[0][0]):]:  # the months after its first day
            while i < len(changes) and changes[i][0] < month:
                total += changes[i][1]
                i += 1
            if total:
                result[(month, *key)] = total
    return result


def _sums_after(deltas: dict, premier: date, dernier: date) -> dict:
    """What a few variations add to the monthly sums: each to every month that starts after it."""
    result = defaultdict(int)
    for (dep, indicateur, cle, day), value in deltas.items():
        if value and indicateur != NOT_SUMMED:
            for month in months(max(premier, next_month(month_of(day))), dernier):
                result[(month, dep, indicateur, cle)] += value
    return result


# --- writing ----------------------------------------------------------------------------------

def _upsert(connection, model, key: tuple, deltas: dict) -> None:
    rows = [dict(zip(key, k), valeur=value) for k, value in sorted(deltas.items()) if value]
    if not rows:
        return
    table = model.__table__
    insert = (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(table)
    statement = insert.on_conflict_do_update(
        index_elements=list(key), set_={"valeur": table.c.valeur + insert.excluded.valeur})
    connection.execute(statement, rows)


def _add(connection, deltas: dict, state) -> None:
    _upsert(connection, Variation, KEY, deltas)
    _upsert(connection, Cumul, CUMUL_KEY, _sums_after(deltas, state.premier_mois, state.dernier_mois))


def _expected(connection, fin: date, premier: date, dernier: date):
    totals = variations(connection, Sujets.tous(), fin)
    return totals, monthly(totals, premier, dernier)


def reconstruire() -> int:
    """Rebuild the register from every subject and mark it up to date. Flushes, the caller
    commits. On PostgreSQL the tables are locked meanwhile: writes that reach them wait, then add
    their difference to the new sums. Returns the number of variations."""
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE tableau_variation, tableau_cumul IN EXCLUSIVE MODE"))
    fin = programme_end()
    dernier = add_months(month_of(max(today_in_paris(), fin)), MOIS_D_AVANCE)
    totals, sums = _expected(connection, fin, PREMIER_MOIS, dernier)
    for model, key, values in ((Variation, KEY, totals), (Cumul, CUMUL_KEY, sums)):
        connection.execute(delete(model))
        insert_many(connection, model.__table__, (*key, "valeur"),
                    ((*k, value) for k, value in sorted(values.items()) if value))
    values = {"a_jour": True, "fin_programme": fin, "premier_mois": PREMIER_MOIS, "dernier_mois": dernier,
              "reconstruit_le": utcnow(), "perime_le": None}
    if _state(connection) is None:
        connection.execute(EtatRegistre.__table__.insert(), {"id": 1, **values})
    else:
        connection.execute(update(EtatRegistre).where(EtatRegistre.id == 1).values(**values))
    db.session.info.pop(INFO, None)
    return sum(1 for v in totals.values() if v)


def reconstruire_et_valider(attempts: int = 5) -> int:
    """`reconstruire`, committed; again (up to `attempts` times) when another transaction wrote
    while it read: on SQLite, a transaction that read cannot write after another one committed
    ("database is locked" at once, whatever the busy timeout), which a person using the
    application meanwhile may cause. Each attempt is all or nothing; the last failure is raised."""
    attempt = 1
    while True:
        try:
            rows = reconstruire()
            db.session.commit()
            return rows
        except DBAPIError as error:
            db.session.rollback()
            if attempt >= attempts or not is_concurrency_failure(error):
                raise
            attempt += 1


def ecarts() -> list[tuple[str, tuple, int, int]]:
    """(what, key, stored, expected) of every daily variation ("variation": departement_code,
    indicateur, cle, jour) or monthly sum ("somme": mois, departement_code, indicateur, cle)
    where the register differs from a rebuild (empty: it is exact)."""
    connection = db.session.connection()
    row = _state(connection)
    if row is None:
        return [("registre absent", (), 0, 1)]
    expected = _expected(connection, row.fin_programme, row.premier_mois, row.dernier_mois)
    differences = []
    for (what, model, key), wanted in zip((("variation", Variation, KEY), ("somme", Cumul, CUMUL_KEY)), expected):
        table = model.__table__
        stored = {tuple(r[:-1]): r[-1] for r in connection.execute(select(*(table.c[k] for k in key), table.c.valeur))}
        keys = {k for k, v in wanted.items() if v} | {k for k, v in stored.items() if v}
        differences += [(what, k, stored.get(k, 0), wanted.get(k, 0)) for k in sorted(keys, key=str)
                        if stored.get(k, 0) != wanted.get(k, 0)]
    return differences


# --- keeping in step --------------------------------------------------------------------------

def _values(obj, attribute) -> set:
    """The attribute's value and the one it had before this flush (None left out)."""
    current = getattr(obj, attribute)
    return {v for v in (current, *inspect(obj).attrs[attribute].history.deleted) if v is not None}


def _touched(session, connection) -> tuple[Sujets, set, set]:
    """The subjects the pending flush touches, and the ids of the new dossiers and new lines
    (the only subjects that may first be known after the flush)."""
    sujets, revits, posts = Sujets(), set(), set()
    new_dossiers, new_lines = set(), set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, HistoryEntry):
            if obj in session.new and obj.subject_type == "dossier" and obj.event in EVENTS:
                sujets.dossiers.add(obj.dossier_id)
            elif obj in session.new and obj.subject_type == "fiche_action":
                sujets.fiches.add(obj.subject_id)
        elif isinstance(obj, LigneFinancement):
            if obj.id is not None:
                sujets.lignes.add(obj.id)
                if obj in session.new:
                    new_lines.add(obj.id)
        elif isinstance(obj, Dossier):
            if obj in session.new or inspect(obj).attrs.departement_code.history.has_changes():
                if obj.id is not None:
                    sujets.dossiers.add(obj.id)
                    if obj in session.new:
                        new_dossiers.add(obj.id)
        elif isinstance(obj, OpahPeriode):
            revits |= _values(obj, "revitalisation_id")
        elif isinstance(obj, (DossierCommune, CommuneRevitalisation, PosteChefDeProjet)):
            ids = _values(obj, "dossier_id")
            if not ids and getattr(obj, "dossier", None) is not None and obj.dossier.id is not None:
                ids = {obj.dossier.id}  # linked by the relationship, its column set by the flush
            sujets.dossiers |= ids
            if isinstance(obj, PosteChefDeProjet):
                sujets.personnes.add(person_key(obj.user_id, obj.nom, obj.employeur_code))
                if obj.id is not None:
                    posts.add(obj.id)
    if revits:
        sujets.dossiers |= set(connection.scalars(
            select(CommuneRevitalisation.dossier_id).where(CommuneRevitalisation.id.in_(revits))))
    P = PosteChefDeProjet
    if sujets.dossiers or posts:  # a sortie ends their posts; a post's holder may have changed
        rows = connection.execute(select(P.user_id, P.nom, P.employeur_code).where(
            P.dossier_id.in_(sujets.dossiers) | P.id.in_(posts)))
        sujets.personnes |= {person_key(*r) for r in rows}
    return sujets, new_dossiers, new_lines


def _before_flush(session, flush_context, instances) -> None:
    if not any(isinstance(o, TRACKED) for o in chain(session.new, session.dirty, session.deleted)):
        return
    state = _kept(session)
    if state is None:
        return
    connection = session.connection()
    sujets, _, _ = _touched(session, connection)
    if sujets:
        session.info[PENDING] = (sujets, variations(connection, sujets, state.fin_programme))


def _after_flush(session, flush_context) -> None:
    pending = session.info.pop(PENDING, None)
    if pending is None and not any(isinstance(o, (Dossier, LigneFinancement)) for o in session.new):
        return
    state = _kept(session)
    if state is None:
        return
    sujets, before = pending or (Sujets(), {})
    connection = session.connection()
    now, new_dossiers, new_lines = _touched(session, connection)
    if (now.dossiers - sujets.dossiers - new_dossiers or now.lignes - sujets.lignes - new_lines
            or now.fiches - sujets.fiches):
        invalidate(session)  # a subject known only now, yet not new: its "before" is missing
        return
    sujets.update(now)
    after = variations(connection, sujets, state.fin_programme)
    _add(connection, {key: after.get(key, 0) - before.get(key, 0) for key in after.keys() | before.keys()}, state)


def _bulk(state) -> None:
    """A bulk INSERT, UPDATE or DELETE on a table the figures count: out of date."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table.name in TABLES and _kept(state.session) is not None:
        invalidate(state.session)


def _written_around(table) -> None:
    """Rows written through the driver (app.core.db.insert_many) into a table the figures count."""
    if table.name in TABLES and _kept(db.session) is not None:
        invalidate(db.session)


def _forget(session, transaction) -> None:
    """The state is read again after the transaction, or a savepoint (rolled back, it may undo
    an invalidation), not after the inner transaction of each flush (it would be read at every
    flush: ten times a dossier in the demo's walk)."""
    if transaction.parent is None or transaction.nested:
        session.info.pop(INFO, None)
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def subscribe() -> None:
    """Every session of the process (the events are the Session class's): once, from create_app."""
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("do_orm_execute", _bulk), ("after_transaction_end", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    rows_written.connect(_written_around)
