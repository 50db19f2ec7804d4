"""The demo's chef de projet posts and OPAH, in bulk, calibrated on the published figures:
904 subsidised posts covering about 94 % of the communes (01/2023; one person often serves
several dossiers of an EPCI), 638 communes in an OPAH at 01/2023 (133 OPAH-RU, 68 OPAH-RR),
each with the dated phases that led it there. The ORT come from the signatures of the
conventions-cadres (app/projet/subscribers.py), as in real life."""
import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, update

from app.core.db import db, insert_returning_ids
from app.core.formatting import today_in_paris
from app.dossiers.models import Dossier, DossierCommune, DossierEtat as E
from app.projet import postes
from app.projet.territoire_models import (
    CommuneRevitalisation, OpahPeriode, OpahPhase, OpahType, PosteChefDeProjet, PosteCofinancement,
)

POSTS = 904
COVERED = Decimal("0.94")
OPAH = {OpahType.OPAH_RU: 133, OpahType.OPAH_RR: 68, OpahType.OPAH: 330, OpahType.OPAH_CB: 70,
        OpahType.OPAH_CD: 37}
NAMES = ["Camille", "Dominique", "Claude", "Alex", "Sacha", "Morgane", "Yannick", "Maël", "Noa", "Lou"]
SURNAMES = ["Martin", "Bernard", "Dubois", "Lefebvre", "Moreau", "Garnier", "Roux", "Fournier", "Girard", "Mercier"]


def seed_postes(rng: random.Random) -> int:
    """904 people in post, covering about 94 % of the communes: dossiers taken at random until
    that share of the communes is covered, then one person per EPCI (employed by it, or by one
    of its communes) serving its dossiers — a row per dossier, the cost shared between them —,
    the largest groups split until there are 904 people. Returns the number of people."""
    rows = db.session.execute(
        select(Dossier.id, Dossier.epci_siren, Dossier.adhesion_signee_le, DossierCommune.commune_insee)
        .join(DossierCommune, DossierCommune.dossier_id == Dossier.id)
        .where(Dossier.etat != E.SORTI, Dossier.adhesion_signee_le.is_not(None)).order_by(Dossier.id)).all()
    total_communes = db.session.scalar(select(func.count()).select_from(DossierCommune))
    groups: dict[int, dict] = {}
    for dossier_id, epci, signed, insee in rows:
        groups.setdefault(dossier_id, {"epci": epci, "signed": signed, "communes": []})["communes"].append(insee)
    order = list(groups)
    rng.shuffle(order)
    by_epci: dict[str, list] = {}
    covered = 0
    for dossier_id in order:
        if covered >= total_communes * COVERED:
            break
        by_epci.setdefault(groups[dossier_id]["epci"], []).append(dossier_id)
        covered += len(groups[dossier_id]["communes"])
    people = list(by_epci.values())[:POSTS]
    while len(people) < POSTS and max(map(len, people), default=0) > 1:
        largest = max(people, key=len)
        people.remove(largest)
        people += [largest[: len(largest) // 2], largest[len(largest) // 2:]]
    values = []
    for dossiers in people:
        first = groups[dossiers[0]]
        employer = first["epci"] if first["epci"] and rng.random() < 0.6 else first["communes"][0]
        person = {"nom": f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}", "employeur_code": employer,
                  "date_debut": max(groups[d]["signed"] for d in dossiers) + timedelta(days=rng.randint(20, 240))}
        share = (Decimal(rng.randrange(48000, 68000, 500)) / len(dossiers)).quantize(Decimal("0.01"))
        values += [{"dossier_id": d, **person, "cout_annuel": share, "version": 1} for d in dossiers]
    ids = insert_returning_ids(PosteChefDeProjet, values)
    _cofinance(rng, zip(ids, values))
    return len(people)


def _cofinance(rng, posts) -> None:
    """Each row cofinanced just under its cap, every year until the end of the cofinancing."""
    limits = postes.caps()
    rows = []
    for poste_id, row in posts:
        poste = PosteChefDeProjet(**row)  # transient: what cap_for reads
        anah = rng.random() < 0.3
        split = ({"anct": Decimal("0.5"), "banque_des_territoires": Decimal("0.25"), "anah": Decimal("0.25")} if anah
                 else {"anct": Decimal("0.6"), "banque_des_territoires": Decimal("0.4")})
        for annee in postes.years(poste, limits):
            cap = postes.cap_for(poste, annee, anah, limits)
            for financeur, part in split.items():
                amount = (cap * part).quantize(Decimal("0.01"), "ROUND_DOWN")
                if amount > 0:
                    rows.append({"poste_id": poste_id, "annee": annee, "financeur": financeur, "montant": amount})
    if rows:
        db.session.execute(insert(PosteCofinancement.__table__), rows)


# The published 638 communes in an OPAH are those of 01/2023: every demo OPAH began by then.
OPAH_BY = date(2023, 1, 31)


def opah_periods(rng: random.Random, phase: OpahPhase, kind: OpahType, today: date) -> list[dict]:
    """The phases that led a commune's OPAH to `phase`: the study (pré-opérationnelle) began by
    01/2023, the operation 9 to 18 months later, its evaluation five years after that."""
    earliest = {OpahPhase.PRE_OPERATIONNELLE: date(2021, 9, 1), OpahPhase.OPERATIONNELLE: date(2018, 6, 1),
                OpahPhase.EVALUATION: date(2017, 1, 1)}[phase]
    since = earliest + timedelta(days=rng.randrange((OPAH_BY - earliest).days))
    periods = []
    for step in OpahPhase:
        periods.append({"opah_type": kind, "opah_phase": step, "depuis_le": since})
        if step == phase:
            return periods
        since = min(since + timedelta(days=rng.randint(270, 540) if step == OpahPhase.PRE_OPERATIONNELLE
                                      else rng.randint(1700, 1900)), today)
    return periods


def seed_opah(rng: random.Random, today: date | None = None) -> int:
    today = today or today_in_paris()
    communes = db.session.execute(
        select(DossierCommune.commune_insee, DossierCommune.dossier_id)
        .join(Dossier, Dossier.id == DossierCommune.dossier_id)
        .where(Dossier.etat != E.SORTI, Dossier.adhesion_signee_le.is_not(None))
        .order_by(DossierCommune.commune_insee)).all()
    picked = rng.sample(communes, min(sum(OPAH.values()), len(communes)))
    kinds = [kind for kind, count in OPAH.items() for _ in range(count)]
    existing = dict(db.session.execute(select(CommuneRevitalisation.commune_insee, CommuneRevitalisation.id)).all())
    inserts, updates, periods = [], [], {}
    for (insee, dossier_id), kind in zip(picked, kinds):
        values = {"opah_type": kind, "opah_phase": rng.choices(list(OpahPhase), weights=[2, 6, 1])[0]}
        periods[insee] = opah_periods(rng, values["opah_phase"], kind, today)
        if insee in existing:
            updates.append({"id": existing[insee], **values})
        else:
            inserts.append({"dossier_id": dossier_id, "commune_insee": insee, **values})
    if inserts:
        db.session.execute(insert(CommuneRevitalisation.__table__), inserts)
    if updates:
        db.session.execute(update(CommuneRevitalisation), updates)
    ids = dict(db.session.execute(select(CommuneRevitalisation.commune_insee, CommuneRevitalisation.id)
                                  .where(CommuneRevitalisation.commune_insee.in_(list(periods)))).all())
    db.session.execute(insert(OpahPeriode), [{"revitalisation_id": ids[insee], **period}
                                             for insee, rows in periods.items() for period in rows])
    return len(picked)


def seed_territoire(seed: int = 2022) -> dict:
    rng = random.Random(seed)
    return {"postes": seed_postes(rng), "opah": seed_opah(rng)}


__all__ = ["seed_territoire"]
