"""The figures of the "point d'avancement" for a level and a day: `figures(niveau, code, au, user)`.

Plain values (a dataclass, `as_dict()` for JSON), for the dashboard, the PDF report and the
API. Every figure is a GROUP BY in SQL (by département, then summed here): a bounded number
of statements whatever the number of dossiers, no dossier loaded as an object.

At a past day, what the history holds is recomputed (app/tableaux/etats.py): signatures,
sorties, extensions, fiches action. The rest is read from the dates the rows carry: the ORT
from its engagement date, the chefs de projet from their posts' start and end, the financing
lines from the dates their transitions wrote (requested, decided, paid: the same dates as
their history rows; data taken over without history has them too). The OPAH has no date at
all: it is today's, whatever the day asked (`NOTES` says so on the page).
"""
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from app.core.db import db
from app.dossiers.echeance import programme_end
from app.dossiers.models import Dossier
from app.projet import financeurs
from app.projet.models import FicheAction, LigneFinancement
from app.projet.territoire_models import CommuneRevitalisation, OpahType, PosteChefDeProjet
from app.referentiel.models import Region
from app.tableaux import etats
from app.tableaux.niveaux import NATIONAL, Niveau, acces, resolve
from app.workflows.history import HistoryEntry as H
from app.workflows.states import FicheEtat, FinancementStatut as S

__all__ = ["Figures", "Ligne", "figures", "compute", "NOTES"]

STATUTS = (S.PREVU, S.SOLLICITE, S.ACCORDE, S.VERSE)  # the report's columns (refusé aside)
OPAH_TYPES = tuple(t for t in OpahType if t != OpahType.AUCUNE)

NOTES = (
    "L'OPAH n'a pas d'historique dans Jalons\u00a0: les communes en OPAH sont celles d'aujourd'hui, "
    "quelle que soit la date choisie, et leur courbe ne peut pas être tracée.",
    "Les montants des lignes de financement sont ceux d'aujourd'hui (un montant ne change plus "
    "une fois la ligne sollicitée)\u00a0; une ligne compte à partir de sa création ou de sa demande.",
    "Les fiches action reprises sans historique (données de démonstration, import) comptent à "
    "partir de leur reprise.",
)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


COUNTS = ("dossiers", "communes", "conventions_adhesion", "communes_adhesion", "conventions_cadre",
          "communes_cadre", "communes_ort", "postes", "communes_chef", "dossiers_retard")


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
    opah: dict[str, int]  # OpahType value → communes (today's)
    # financeur → statut value → euros; and the totals by statut
    credits: dict[str, dict[str, Decimal]]
    credits_total: dict[str, Decimal]
    fiches: dict[str, int]  # FicheEtat value → fiches
    retards: list[Retard]
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
            "opah": dict(self.opah), "opah_total": self.opah_total,
            "credits": {name: money(values) for name, values in self.credits.items()},
            "credits_total": money(self.credits_total),
            "fiches": dict(self.fiches), "fiches_total": self.fiches_total,
            "retards": [{**asdict(r), "adhesion_signee_le": r.adhesion_signee_le.isoformat(),
                         "echeance": r.echeance.isoformat()} for r in self.retards],
            "par_departement": [line.as_dict() for line in self.par_departement],
            "par_region": [line.as_dict() for line in self.par_region],
            "notes": list(self.notes),
        }


def figures(niveau: str, code: str | None, au: date, user) -> Figures:
    """The figures of a level (`"national"`, `"region"` + code, `"departement"` + code) at the
    end of the day `au`, as `user` may see them; HorsPerimetre (app/tableaux/niveaux.py) when
    the level is not theirs (its `status`: 403 or 404)."""
    return compute(resolve(user, niveau, code), au, user)


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


def compute(level: Niveau, au: date, user) -> Figures:
    dates = level_dates(level, au)
    when = etats.Conditions(dates, au, programme_end())
    lines = _by_departement(level, au, user, dates, when)
    total = Ligne(level.code, level.titre)
    regions: dict[str, Ligne] = {}
    names = {code: (nom, region) for code, nom, region in level.departements}
    for line in lines:
        total.add(line)
        region = names[line.code][1]
        regions.setdefault(region, Ligne(region, region)).add(line)
    credits = _credits(level, au, user)
    return Figures(
        niveau=level.kind, code=level.code, nom=level.titre, au=au, total=total,
        par_departement=lines, par_region=_name_regions(regions),
        opah=_opah(level, user, dates), credits=credits,
        credits_total={s.value: sum((c[s.value] for c in credits.values()), Decimal("0")) for s in STATUTS},
        fiches=_fiches(level, au, user), retards=_retards(level, user, dates, when),
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


def _name_regions(regions: dict[str, Ligne]) -> list[Ligne]:
    names = {code: nom for code, nom in db.session.execute(
        select(Region.code, Region.nom).where(Region.code.in_(list(regions))))} if regions else {}
    for code, line in regions.items():
        line.nom = names.get(code, code)
    return sorted(regions.values(), key=lambda line: line.nom)


def _opah(level, user, dates) -> dict[str, int]:
    rows = db.session.execute(
        select(CommuneRevitalisation.opah_type, func.count())
        .join(Dossier, Dossier.id == CommuneRevitalisation.dossier_id)
        .outerjoin(dates, dates.c.dossier_id == Dossier.id)
        .where(scope(level, user), dates.c.sortie_at.is_(None),
               CommuneRevitalisation.opah_type != OpahType.AUCUNE)
        .group_by(CommuneRevitalisation.opah_type)
    ).all()
    found = {OpahType(kind).value: count for kind, count in rows}
    return {kind.value: found.get(kind.value, 0) for kind in OPAH_TYPES}


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


def _credits(level, au, user) -> dict[str, dict[str, Decimal]]:
    stmt = select(LigneFinancement.source, *line_status_sums(au))
    if not unscoped(level, user):
        stmt = (stmt.join(FicheAction, FicheAction.id == LigneFinancement.fiche_id)
                .join(Dossier, Dossier.id == FicheAction.dossier_id).where(scope(level, user)))
    rows = db.session.execute(stmt.group_by(LigneFinancement.source)).all()
    result: dict[str, dict[str, Decimal]] = {}
    order = {}
    for source, *amounts in rows:
        src = financeurs.source(source)
        order.setdefault(src.financeur, financeurs.ORDER[source])
        by_status = result.setdefault(src.financeur, {s.value: Decimal("0") for s in STATUTS})
        for statut, amount in zip(STATUTS, amounts):
            by_status[statut.value] += Decimal(amount or 0).quantize(Decimal("0.01"))
    return {name: result[name] for name in sorted(result, key=lambda n: order[n])
            if any(result[name].values())}


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
    result = [Retard(i, ref, nom, dep, adh, when.echeance(adh, pro), pro is not None)
              for i, ref, nom, dep, adh, pro in rows]
    return sorted(result, key=lambda r: (r.echeance, r.reference))
