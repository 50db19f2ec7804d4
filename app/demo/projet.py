"""The demo's projets de territoire, in bulk: axes and indicators, 5 to 30 fiches action per
dossier past its adhésion, their financing plan, calibrated so that the State's and partners'
financing granted or paid for the years up to 2023 is about the published 1.1 billion €.

A fiche's state follows its dossier's step (drafts and submissions while the convention-cadre
is written, engaged and done fiches once it is signed), and an engaged fiche is always covered
(granted + autofinancement ≥ cost HT), as the machine requires. Each step that led a fiche to
its state gets one row in its dossier's sealed history, on a past day after the adhésion — a
"reprise de données" (no person), as an import would write it —, so that `flask audit verify`
finds every fiche's state recorded and the dashboards at a past date see it as it was then. Rows go in with one
executemany per table (and RETURNING for the ids), whatever the number of dossiers.

The convention-cadre formalises the projet: before a dossier's first cadre deposit, the walk
gives it what that deposit needs (`prepare_cadre`: an axe with its indicators, a fiche validée
with its financing plan); `seed_projets` then completes every projet around it.
"""
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from app.core.db import db, insert_many, insert_returning_ids
from app.dossiers.models import Dossier, DossierEtat as E
from app.projet.access import PROJET_STATES
from app.projet.convention import cadre_missing
from app.projet.models import AxeStrategique, FicheAction, FicheCompteur, Indicateur, IndicateurType, LigneFinancement
from app.workflows import history
from app.workflows.history import HistoryChain, HistoryEntry
from app.workflows.states import FicheEtat as F, FinancementStatut as S

TARGET_GRANTED_2023 = Decimal("1100000000")  # € granted or paid by 2023 (DOMAIN.md)
AXES = [
    ("Habiter le centre-bourg", "Logements vacants et dégradés, parcours résidentiels.",
     ("Logements vacants", "logements", 9), ("Logements réhabilités", "logements", 0)),
    ("Revitaliser le commerce de proximité", "Vacance commerciale, attractivité du centre.",
     ("Commerces vacants en centre-bourg", "locaux", 18), ("Commerces ouverts", "commerces", 0)),
    ("Mobilités et espaces publics", "Place de la voiture, cheminements, stationnement.",
     ("Linéaire d'aménagements cyclables", "km", 2), ("Places requalifiées", "places", 0)),
    ("Transition écologique", "Sobriété énergétique, nature en ville, friches.",
     ("Consommation d'énergie des bâtiments publics", "MWh", 2400), ("Friches reconverties", "m²", 0)),
    ("Services et équipements", "Santé, culture, services publics de proximité.",
     ("Équipements rénovés", "équipements", 0), ("Fréquentation de la médiathèque", "visites", 12000)),
]
FICHES = ["Réhabilitation des halles", "Requalification de la place du marché", "Maison de santé pluriprofessionnelle",
          "Opération façades", "Piste cyclable des bords de rivière", "Rénovation énergétique de l'école",
          "Reconversion de la friche industrielle", "Tiers-lieu et espace de coworking", "Boutique à l'essai",
          "Parc urbain et îlot de fraîcheur", "Médiathèque", "Signalétique du centre-bourg", "France services",
          "Acquisition-amélioration de logements", "Stationnement et plan de circulation", "Résidence seniors"]
PARTNERS = ["etat_detr", "etat_dsil", "etat_fnadt", "etat_fonds_vert", "etat_fonds_friches", "etat_france_ruralites",
            "banque_des_territoires", "anah", "ademe", "region", "departement", "europe_feder", "europe_leader"]
# dossier step → the fiche states it shows, with weights
OPEN_CADRE = {F.BROUILLON: 4, F.SOUMISE: 2, F.VALIDEE: 3, F.A_REVOIR: 1, F.ENGAGEE: 1, F.ABANDONNEE: 0.3}
SIGNED = {F.BROUILLON: 1, F.SOUMISE: 1, F.VALIDEE: 2, F.A_REVOIR: 0.3, F.REFUSEE: 0.3, F.ENGAGEE: 4,
          F.REALISEE: 3, F.ABANDONNEE: 0.5}
CENT = Decimal("0.01")
# The steps a fiche went through to its state, and the days between two steps: each one a row of
# the history on its day, so that the dashboards at a past date see the fiche as it was then.
PATHS = {F.BROUILLON: (), F.SOUMISE: (F.SOUMISE,), F.VALIDEE: (F.SOUMISE, F.VALIDEE),
         F.A_REVOIR: (F.SOUMISE, F.A_REVOIR), F.REFUSEE: (F.SOUMISE, F.REFUSEE),
         F.ENGAGEE: (F.SOUMISE, F.VALIDEE, F.ENGAGEE), F.REALISEE: (F.SOUMISE, F.VALIDEE, F.ENGAGEE, F.REALISEE),
         F.ABANDONNEE: (F.SOUMISE, F.ABANDONNEE)}
GAPS = {F.SOUMISE: (10, 120), F.VALIDEE: (20, 90), F.A_REVOIR: (20, 90), F.REFUSEE: (20, 90),
        F.ENGAGEE: (30, 300), F.REALISEE: (180, 700), F.ABANDONNEE: (30, 400)}


def _line_statuses(rng, etat, partners: int) -> list:
    if etat in (F.ENGAGEE, F.REALISEE):
        return [rng.choice([S.ACCORDE, S.VERSE, S.VERSE]) if etat == F.REALISEE else rng.choice([S.ACCORDE, S.VERSE])
                for _ in range(partners)]
    if etat == F.VALIDEE:
        return [rng.choice([S.SOLLICITE, S.ACCORDE, S.PREVU]) for _ in range(partners)]
    if etat in (F.REFUSEE, F.ABANDONNEE):
        return [rng.choice([S.PREVU, S.REFUSE]) for _ in range(partners)]
    if etat == F.SOUMISE:
        return [rng.choice([S.PREVU, S.SOLLICITE]) for _ in range(partners)]
    return [S.PREVU] * partners


def plan(rng, dossier, today) -> dict:
    """The projet of one dossier, as plain values (amounts in "units", scaled later)."""
    start = dossier.adhesion_signee_le or date(2021, 6, 1)
    weights = SIGNED if dossier.etat == E.MISE_EN_OEUVRE else OPEN_CADRE
    axes = rng.sample(AXES, rng.randint(2, 4))
    fiches = []
    for numero in range(1, rng.randint(5, 30) + 1):
        etat = rng.choices(list(weights), weights=list(weights.values()))[0]
        debut = start + timedelta(days=rng.randint(0, max((today - start).days, 1) + 200))
        fin = debut + timedelta(days=rng.randint(180, 1100))
        if etat == F.REALISEE:
            fin = min(fin, today - timedelta(days=rng.randint(1, 200)))
            debut = min(debut, fin - timedelta(days=120))
        cost = Decimal(int(rng.lognormvariate(12.3, 0.9)))
        partners = rng.sample(PARTNERS, rng.randint(1, 4))
        share = Decimal(rng.randint(55, 85)) / 100
        parts = [Decimal(rng.randint(1, 10)) for _ in partners]
        lines = [(code, cost * share * p / sum(parts), statut, debut.year + rng.choice([0, 0, 1]))
                 for code, p, statut in zip(partners, parts, _line_statuses(rng, etat, len(partners)))]
        lines.append(("autofinancement_" + rng.choice(["commune", "commune", "epci"]), cost * (1 - share), S.PREVU,
                      debut.year))
        fiches.append({"numero": numero, "etat": etat, "debut": debut, "fin": fin, "axe": rng.randrange(len(axes)),
                       "titre": rng.choice(FICHES), "lines": lines,
                       "gap": etat not in (F.ENGAGEE, F.REALISEE) and rng.random() < 0.4})
    return {"dossier": dossier, "axes": axes, "fiches": fiches}


def _path(dossier, fiche: dict, today: date) -> list[tuple]:
    """(state, day) of each step of a fiche, from its writing to its state, all by yesterday:
    written after the adhésion, most of them before the convention-cadre's signature (its plan
    d'action). Its own random draw: the other figures of the demo do not move."""
    rng = random.Random(dossier.id * 1000 + fiche["numero"])
    start = (dossier.adhesion_signee_le or date(2021, 6, 1)) + timedelta(days=30)
    last = today - timedelta(days=1)
    until = dossier.cadre_signee_le if dossier.cadre_signee_le and rng.random() < 0.7 else last
    day = start + timedelta(days=rng.randint(0, max((until - start).days, 0)))
    path = [(F.BROUILLON, day)]
    for state in PATHS[fiche["etat"]]:
        day += timedelta(days=rng.randint(*GAPS[state]))
        path.append((state, day))
    first, end = path[0][1], path[-1][1]
    if end > last:  # squeezed between its first day and yesterday
        room = max((last - first).days, 0)
        path = [(state, min(first, last) + timedelta(days=(on - first).days * room // max((end - first).days, 1)))
                for state, on in path]
    return path


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("100")).quantize(CENT) or Decimal("100.00")


PREPARED_FICHE = "Étude pré-opérationnelle de revitalisation du centre-bourg"


def _indicator_rows(rng, dossier_id: int, axe_id: int, kinds) -> list[dict]:
    rows = []
    for (nom, unite, base), kind in zip(kinds, (IndicateurType.RESULTAT, IndicateurType.MISE_EN_OEUVRE)):
        baseline = Decimal(base)
        rows.append({"dossier_id": dossier_id, "axe_id": axe_id, "nom": nom, "type": kind,
                     "unite": unite, "valeur_initiale": baseline, "date_initiale": date(2021, 1, 1),
                     "cible": baseline * Decimal("0.6") if base else Decimal(rng.randint(3, 40)),
                     "date_cible": date(2026, 12, 31)})
    return rows


def prepare_cadre(dossier, day: date, at) -> bool:
    """What the first deposit of a convention-cadre needs from the projet, in place before it:
    an axe and its indicators, FA-01 validated by the comité de projet a few weeks before, its
    financing requested (granted lines are left to `seed_projets`' calibration). A row of the
    dossier's history, like the other fiches'. False when the projet already has them."""
    if not cadre_missing(dossier):
        return False
    rng = random.Random(dossier.id)
    titre, enjeux, *kinds = rng.choice(AXES)
    axe_id = db.session.scalar(insert(AxeStrategique).returning(AxeStrategique.id),
                               {"dossier_id": dossier.id, "ordre": 1, "titre": titre, "enjeux": enjeux})
    db.session.execute(insert(Indicateur.__table__), _indicator_rows(rng, dossier.id, axe_id, kinds))
    cost = _money(Decimal(rng.randint(40, 180)) * 1000)
    share = _money(cost * Decimal(rng.randint(40, 70)) / 100)
    fiche_id = db.session.scalar(insert(FicheAction).returning(FicheAction.id), {
        "dossier_id": dossier.id, "numero": 1, "titre": PREPARED_FICHE, "axe_id": axe_id,
        "description": "Étude urbaine, commerciale et de l'habitat préalable aux opérations du plan d'action.",
        "maitre_ouvrage_code": rng.choice(dossier.signataires()), "date_debut": day - timedelta(days=60),
        "date_fin": day + timedelta(days=rng.randint(180, 400)), "cout_ht": cost,
        "cout_ttc": (cost * Decimal("1.2")).quantize(CENT), "etat": F.VALIDEE,
        "soumise_le": day - timedelta(days=40), "decidee_le": day - timedelta(days=rng.randint(10, 30)), "version": 1})
    source = rng.choice(["banque_des_territoires", "etat_fnadt", "anah"])
    db.session.execute(insert(LigneFinancement.__table__), [
        {"fiche_id": fiche_id, "source": source, "annee": day.year, "montant": share, "statut": S.SOLLICITE,
         "sollicite_le": day - timedelta(days=30), "version": 1},
        {"fiche_id": fiche_id, "source": "autofinancement_commune", "annee": day.year, "montant": cost - share,
         "statut": S.PREVU, "sollicite_le": None, "version": 1}])
    db.session.execute(insert(FicheCompteur.__table__), {"dossier_id": dossier.id, "dernier_numero": 1})
    history.append(dossier_id=dossier.id, subject_type="fiche_action", subject_id=fiche_id, machine="fiche",
                   event="reprise", label=f"Fiche action FA-01 reprise ({F.VALIDEE.label})", from_state=None,
                   to_state=F.VALIDEE, at=at)
    return True


def _to_plan(ids: list[int] | None = None):
    """The dossiers past their adhésion (not sorti) whose projet is not planned yet: none, or
    only what the cadre's deposit needed (`prepare_cadre`); among `ids` if given."""
    query = select(Dossier).where(Dossier.etat.in_(PROJET_STATES))
    if ids is not None:
        query = query.where(Dossier.id.in_(ids))
    dossiers = db.session.scalars(query.order_by(Dossier.id).options(selectinload(Dossier.liens_communes))).all()
    counters = dict(db.session.execute(select(FicheCompteur.dossier_id, FicheCompteur.dernier_numero)
                                       .where(FicheCompteur.dossier_id.in_([d.id for d in dossiers]))).all())
    return [d for d in dossiers if counters.get(d.id, 0) <= 1], counters


def plan_projets(today: date, seed: int = 2021, ids: list[int] | None = None) -> list[dict]:
    """The projets to seed (see `_to_plan`), planned but not written: each dossier draws from a
    generator of its own (the seed and its reference), kept in its plan for what is drawn when
    it is written, so that it gets the same projet whichever process plans it, and with
    whichever others (app/demo/parallele.py)."""
    dossiers, counters = _to_plan(ids)
    plans = []
    for dossier in dossiers:
        rng = random.Random(f"{seed}-{dossier.reference}")
        plans.append({**plan(rng, dossier, today), "rng": rng, "prepared": counters.get(dossier.id, 0)})
    return plans


def granted_2023(plans) -> Decimal:
    """What the plans grant or pay for the years up to 2023, in their units: the amounts are
    calibrated on the whole programme's (`TARGET_GRANTED_2023` / the sum of every part's)."""
    return sum((amount for p in plans for f in p["fiches"] for code, amount, statut, year in f["lines"]
                if statut in (S.ACCORDE, S.VERSE) and year <= 2023 and not code.startswith("autofinancement")),
               Decimal(0))


def factor_for(granted: Decimal) -> Decimal:
    return TARGET_GRANTED_2023 / granted if granted else Decimal("1")


def seed_projets(today: date, seed: int = 2021, ids: list[int] | None = None) -> dict:
    """Fill the projets of the dossiers past their adhésion (not sorti) not planned yet (among
    `ids` if given), around what their cadre's deposit needed; returns the counts."""
    plans = plan_projets(today, seed, ids)
    return write_projets(plans, today, factor_for(granted_2023(plans)))


def write_projets(plans: list[dict], today: date, factor: Decimal) -> dict:
    """Write the planned projets, their amounts multiplied by `factor`; returns the counts."""
    if not plans:
        return {"dossiers": 0}
    counters = {p["dossier"].id: p["prepared"] for p in plans if p["prepared"]}
    prepared = {}  # dossier id → {axe title: id} of what `prepare_cadre` made
    for axe in db.session.scalars(select(AxeStrategique).where(AxeStrategique.dossier_id.in_(list(counters)))):
        prepared.setdefault(axe.dossier_id, {})[axe.titre] = axe.id
    axe_rows = []
    for p in plans:
        existing = prepared.get(p["dossier"].id, {})
        offset = len(existing)
        p["new_axes"] = [a for a in p["axes"] if a[0] not in existing]
        axe_rows += [{"dossier_id": p["dossier"].id, "ordre": offset + i + 1, "titre": a[0], "enjeux": a[1]}
                     for i, a in enumerate(p["new_axes"])]
        for f in p["fiches"]:  # after the prepared FA-01: numbers are never reused
            f["numero"] += counters.get(p["dossier"].id, 0)
    axe_ids = insert_returning_ids(AxeStrategique, axe_rows)
    cursor = iter(axe_ids)
    for p in plans:
        new = {a[0]: next(cursor) for a in p["new_axes"]}
        p["axe_ids"] = [new.get(a[0]) or prepared[p["dossier"].id][a[0]] for a in p["axes"]]
    indicateurs = []
    for p in plans:
        for (titre, enjeux, *kinds), axe_id in zip(p["axes"], p["axe_ids"]):
            if titre not in prepared.get(p["dossier"].id, {}):  # a prepared axe came with its indicators
                indicateurs += _indicator_rows(p["rng"], p["dossier"].id, axe_id, kinds)
    db.session.execute(insert(Indicateur.__table__), indicateurs)
    fiche_rows, line_rows = [], []
    for p in plans:
        names, rng = p["dossier"].signataires(), p["rng"]
        for f in p["fiches"]:
            lines = [(code, _money(amount * factor), statut, year) for code, amount, statut, year in f["lines"]]
            cost = sum(amount for _, amount, _, _ in lines)
            if f["gap"]:
                cost += _money(cost * Decimal(rng.randint(5, 30)) / 100)
            f["scaled"] = lines
            f["path"] = _path(p["dossier"], f, today)
            days = dict(f["path"])
            fiche_rows.append({
                "dossier_id": p["dossier"].id, "numero": f["numero"], "titre": f["titre"],
                "axe_id": p["axe_ids"][f["axe"]], "description": f"{f['titre']}\u00a0: étude, travaux et suivi.",
                "maitre_ouvrage_code": rng.choice(names), "date_debut": f["debut"], "date_fin": f["fin"],
                "cout_ht": cost, "cout_ttc": (cost * Decimal("1.2")).quantize(CENT), "etat": f["etat"],
                "soumise_le": days.get(F.SOUMISE), "version": 1,
                "decidee_le": days.get(F.VALIDEE) or days.get(F.A_REVOIR) or days.get(F.REFUSEE),
                "engagee_le": days.get(F.ENGAGEE), "realisee_le": days.get(F.REALISEE),
                "created_at": datetime.combine(f["path"][0][1], time(9)),
            })
    fiche_ids = insert_returning_ids(FicheAction, fiche_rows)
    cursor = iter(fiche_ids)
    for p in plans:
        for f in p["fiches"]:
            f["id"] = next(cursor)
            for code, amount, statut, year in f["scaled"]:
                decided = date(year, 6, 1) if statut in (S.ACCORDE, S.VERSE, S.REFUSE) else None
                line_rows.append({"fiche_id": f["id"], "source": code, "annee": year, "montant": amount, "statut": statut,
                                  "sollicite_le": date(year, 2, 1) if statut != S.PREVU else None,
                                  "decide_le": decided, "verse_le": date(year, 11, 1) if statut == S.VERSE else None,
                                  "version": 1, "created_at": datetime.combine(f["path"][0][1], time(9))})
    _insert(LigneFinancement.__table__, line_rows)
    db.session.execute(delete(FicheCompteur).where(FicheCompteur.dossier_id.in_(list(counters))))
    db.session.execute(insert(FicheCompteur.__table__), [
        {"dossier_id": p["dossier"].id, "dernier_numero": p["fiches"][-1]["numero"]} for p in plans])
    _history(plans)
    return {"dossiers": len(plans), "axes": len(axe_rows), "indicateurs": len(indicateurs),
            "fiches": len(fiche_rows), "financements": len(line_rows)}


def _history(plans) -> None:
    """One sealed row per step of each fiche ("reprise de données", on the step's day: 9:00 UTC),
    appended to each dossier's chain."""
    key_id = current_app.config["AUDIT_KEY_ID"]
    key = history.audit_keys()[key_id]
    chains = {c.dossier_id: c for c in db.session.scalars(
        select(HistoryChain).where(HistoryChain.dossier_id.in_([p["dossier"].id for p in plans])))}
    rows = []
    for p in plans:
        dossier_id = p["dossier"].id
        chain = chains.get(dossier_id)
        if chain is None:
            chain = chains[dossier_id] = HistoryChain(dossier_id=dossier_id, head=history.GENESIS, length=0)
            db.session.add(chain)
        for f in p["fiches"]:  # plain rows, sealed as HistoryEntry seals its own (no ORM object: 60,000 of them)
            before = None
            for state, day in f["path"]:
                entry = SimpleNamespace(
                    dossier_id=dossier_id, seq=chain.length + 1, subject_type="fiche_action", subject_id=f["id"],
                    machine="fiche", event="reprise", label=f"Fiche action FA-{f['numero']:02d} reprise ({state.label})",
                    from_state=before, to_state=state.value, user_id=None, role=None,
                    at=datetime.combine(day, time(9)), effective_on=None, reason=None, payload=None, key_id=key_id,
                    prev_hash=chain.head)
                entry.hash = history.sign(key, HistoryEntry.content(entry))
                chain.head, chain.length, before = entry.hash, entry.seq, state.value
                rows.append(vars(entry))
    _insert(HistoryEntry.__table__, rows)
    db.session.flush()


def _insert(table, rows: list[dict]) -> None:
    """Rows built alike (the same keys), through the driver."""
    if rows:
        columns = tuple(rows[0])
        insert_many(db.session.connection(), table, columns, (tuple(row[name] for name in columns) for row in rows))
