"""The figures of a level at a day recomputed from the history and the rows' dates, in SQL:
what the register (app/tableaux/registre.py) sums in advance, and what is read when it is not
up to date. Also the lists behind the figures (app/tableaux/listes.py) use these conditions.

Every figure is a GROUP BY (by département, then summed): a bounded number of statements
whatever the number of dossiers, but each reads every row it counts (the history, the lines).
At a past day, what the history holds is recomputed (app/tableaux/etats.py): signatures,
sorties, extensions, fiches action. The rest is read from the dates the rows carry: the ORT
from its engagement date, the OPAH from its periods, the chefs de projet from their posts'
start and end, the financing lines from the dates their transitions wrote (requested,
decided, paid: the same dates as their history rows; data taken over without history has
them too).
"""
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from app.core.db import db
from app.dossiers.echeance import programme_end
from app.dossiers.models import Dossier
from app.projet.models import FicheAction, LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, OpahPeriode, OpahType, PosteChefDeProjet
from app.tableaux import etats
from app.tableaux.niveaux import NATIONAL, Niveau, acces
from app.tableaux.resultats import COUNTS, OPAH_TYPES, STATUTS, Figures, Ligne, Retard, assemble, by_financeur
from app.workflows.history import HistoryEntry as H
from app.workflows.states import FicheEtat, FinancementStatut as S


def _sum_if(condition, value=1):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def scope(level: Niveau, user):
    """SQL: the dossier is in the level and in the user's scope (`user` None: the programme's
    own figures, for commands such as `flask demo check` and the benches)."""
    if user is None:
        return level.clause()
    return and_(level.clause(), Dossier.scope_clause(user))


def level_dates(level: Niveau, au: date):
    """`etats.dossier_dates` of the level's dossiers only (all of them at the national level)."""
    if level.kind == NATIONAL:
        return etats.dossier_dates(au)
    return etats.dossier_dates(au, select(Dossier.id).where(level.clause()))


def unscoped(level: Niveau, user) -> bool:
    """Every dossier counts: the queries on fiches and lines need not join the dossiers."""
    return level.kind == NATIONAL and (user is None or acces(user).national)


def opah_at(au: date):
    """One row per commune in an OPAH at the end of `au` (its last period started by then is
    not « aucune »): revitalisation_id, opah_type, depuis_le."""
    P = OpahPeriode
    last = (select(func.max(P.id).label("id"))
            .where(or_(P.depuis_le.is_(None), P.depuis_le <= au)).group_by(P.revitalisation_id).subquery("derniere"))
    return (select(P.revitalisation_id.label("revitalisation_id"), P.opah_type.label("opah_type"),
                   P.depuis_le.label("depuis_le"))
            .join(last, last.c.id == P.id).where(P.opah_type != OpahType.AUCUNE).subquery("opah_au"))


def compute(level: Niveau, au: date, user) -> Figures:
    dates = level_dates(level, au)
    when = etats.Conditions(dates, au, programme_end())
    return assemble(
        level, au, _by_departement(level, au, user, dates, when),
        **_opah(level, au, user, dates),
        credits=_credits(level, au, user), fiches=_fiches(level, au, user),
        retards=_retards(level, user, dates, when),
    )


def _by_departement(level, au, user, dates, when) -> list[Ligne]:
    d = dates.c
    nc = etats.communes_count()
    ort = (select(CommuneRevitalisation.dossier_id.label("dossier_id"), func.count().label("n"))
           .where(CommuneRevitalisation.ort_engagee_le <= au)
           .group_by(CommuneRevitalisation.dossier_id).subquery("ort"))
    postes = (select(PosteChefDeProjet.dossier_id.label("dossier_id"), func.count().label("n"))
              .where(PosteChefDeProjet.date_debut <= au,
                     or_(PosteChefDeProjet.date_fin.is_(None), PosteChefDeProjet.date_fin >= au))
              .group_by(PosteChefDeProjet.dossier_id).subquery("postes"))
    communes = func.coalesce(nc.c.n, 0)
    rows = db.session.execute(
        select(
            Dossier.departement_code,
            _sum_if(when.en_programme),
            _sum_if(when.en_programme, communes),
            _sum_if(when.adhesion),
            _sum_if(when.adhesion, communes),
            _sum_if(when.cadre),
            _sum_if(when.cadre, communes),
            _sum_if(and_(when.en_programme, ort.c.n.is_not(None)), func.coalesce(ort.c.n, 0)),
            _sum_if(and_(when.en_programme, postes.c.n.is_not(None)), func.coalesce(postes.c.n, 0)),
            _sum_if(and_(when.en_programme, postes.c.n.is_not(None)), communes),
            _sum_if(when.retard),
        )
        .select_from(Dossier)
        .outerjoin(dates, d.dossier_id == Dossier.id)
        .outerjoin(nc, nc.c.dossier_id == Dossier.id)
        .outerjoin(ort, ort.c.dossier_id == Dossier.id)
        .outerjoin(postes, postes.c.dossier_id == Dossier.id)
        .where(scope(level, user))
        .group_by(Dossier.departement_code)
    ).all()
    found = {row[0]: row[1:] for row in rows}
    people = _people_in_post(level, au, user, dates, when)
    result = []
    for code, nom, _ in level.departements:
        values = found.get(code)
        line = Ligne(code, nom)
        if values:
            for name, value in zip(COUNTS, values):
                setattr(line, name, int(value))
            line.postes = people.get(code, 0)
        result.append(line)
    return result


def _people_in_post(level, au, user, dates, when) -> dict[str, int]:
    """Chefs de projet in post on `au`, by département: people, not posts — one person is often
    the chef de projet of several dossiers (one row each), counted once (by account, or by name
    and employer when the person has none)."""
    P = PosteChefDeProjet
    person = func.coalesce(func.cast(P.user_id, db.String), func.lower(P.nom) + "|" + P.employeur_code)
    return dict(db.session.execute(
        select(Dossier.departement_code, func.count(func.distinct(person)))
        .select_from(P).join(Dossier, Dossier.id == P.dossier_id)
        .outerjoin(dates, dates.c.dossier_id == Dossier.id)
        .where(scope(level, user), when.en_programme, P.date_debut <= au,
               or_(P.date_fin.is_(None), P.date_fin >= au))
        .group_by(Dossier.departement_code)
    ).all())


def _opah(level, au, user, dates) -> dict:
    """The communes in an OPAH at `au` by kind, and how many of them since a day Jalons was not
    told (recorded before it asked)."""
    opah = opah_at(au)
    rows = db.session.execute(
        select(opah.c.opah_type, opah.c.depuis_le.is_(None), func.count())
        .join(CommuneRevitalisation, CommuneRevitalisation.id == opah.c.revitalisation_id)
        .join(Dossier, Dossier.id == CommuneRevitalisation.dossier_id)
        .outerjoin(dates, dates.c.dossier_id == Dossier.id)
        .where(scope(level, user), dates.c.sortie_at.is_(None))
        .group_by(opah.c.opah_type, opah.c.depuis_le.is_(None))
    ).all()
    found = {kind.value: 0 for kind in OPAH_TYPES}
    undated = 0
    for kind, without_date, count in rows:
        found[OpahType(kind).value] += count
        undated += count if without_date else 0
    return {"opah": found, "opah_sans_date": undated}


def line_status_at(au: date):
    """SQL: the status of a financing line at the end of `au` (None: not recorded yet)."""
    L = LigneFinancement
    end = etats.end_of_day(au)
    decided = and_(L.decide_le.is_not(None), L.decide_le <= au)
    return case(
        (and_(L.verse_le.is_not(None), L.verse_le <= au), S.VERSE.value),
        (and_(decided, L.statut.in_([S.ACCORDE, S.VERSE])), S.ACCORDE.value),
        (and_(decided, L.statut == S.REFUSE), S.REFUSE.value),
        (and_(L.sollicite_le.is_not(None), L.sollicite_le <= au), S.SOLLICITE.value),
        (L.created_at < end, S.PREVU.value),
        else_=None,
    )


def line_status_sums(au: date):
    """SQL sums of the lines' amounts by their status at the end of `au` (the same rule as
    `line_status_at`, one condition per status: cheaper to group by source alone)."""
    L = LigneFinancement
    end = etats.end_of_day(au)
    conditions = {
        S.VERSE: L.verse_le <= au,
        S.ACCORDE: and_(L.decide_le <= au, L.statut.in_([S.ACCORDE, S.VERSE]),
                        or_(L.verse_le.is_(None), L.verse_le > au)),
        S.SOLLICITE: and_(L.sollicite_le <= au, or_(L.decide_le.is_(None), L.decide_le > au)),
        S.PREVU: and_(L.created_at < end, or_(L.sollicite_le.is_(None), L.sollicite_le > au)),
    }
    return [_sum_if(conditions[s], L.montant).label(s.value) for s in STATUTS]


def _credits(level, au, user):
    stmt = select(LigneFinancement.source, *line_status_sums(au))
    if not unscoped(level, user):
        stmt = (stmt.join(FicheAction, FicheAction.id == LigneFinancement.fiche_id)
                .join(Dossier, Dossier.id == FicheAction.dossier_id).where(scope(level, user)))
    rows = db.session.execute(stmt.group_by(LigneFinancement.source)).all()
    return by_financeur((source, statut.value, amount)
                        for source, *amounts in rows for statut, amount in zip(STATUTS, amounts))


def _fiches(level, au, user) -> dict[str, int]:
    """The fiches by state at the end of `au`: each one's last history row by then."""
    end = etats.end_of_day(au)
    last = (select(H.dossier_id.label("dossier_id"), func.max(H.seq).label("seq"))
            .where(H.subject_type == "fiche_action", H.at < end)
            .group_by(H.dossier_id, H.subject_id).subquery("derniere"))
    row = aliased(H)
    stmt = (select(row.to_state, func.count()).select_from(last)
            .join(row, and_(row.dossier_id == last.c.dossier_id, row.seq == last.c.seq)))
    if not unscoped(level, user):
        stmt = stmt.join(Dossier, Dossier.id == last.c.dossier_id).where(scope(level, user))
    rows = db.session.execute(stmt.group_by(row.to_state)).all()
    found = dict(rows)
    return {etat.value: int(found.get(etat.value, 0)) for etat in FicheEtat}


def _retards(level, user, dates, when) -> list[Retard]:
    d = dates.c
    rows = db.session.execute(
        select(Dossier.id, Dossier.reference, Dossier.nom, Dossier.departement_code, d.adhesion_le, d.prorogee_le)
        .join(dates, d.dossier_id == Dossier.id)
        .where(scope(level, user), when.retard)
    ).all()
    return [Retard(i, ref, nom, dep, adh, when.echeance(adh, pro), pro is not None)
            for i, ref, nom, dep, adh, pro in rows]
