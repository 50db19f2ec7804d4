"""The national dashboard on a synthetic programme of N dossiers (default: 1,500, then ten times
more): recomputed from the history (the register out of date), then read from the register
(app/tableaux/registre.py) once `flask tableaux reconstruire` has built it.

    .venv/bin/python bench/dashboard_synthetic.py                 # 1,500 then 15,000 dossiers, SQLite
    .venv/bin/python bench/dashboard_synthetic.py --sizes 15000 --lignes 60 --keep /tmp/synthetique
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/dashboard_synthetic.py   # an empty database

A bench fixture, not the demo: N dossiers of one commune each (real referentiel), their history
rows bulk-inserted without seals (the figures do not read them): 99 % of adhésions signed over
2021, 80 % of conventions-cadres over 2022–2024 (the ORT from then), 10 % extended, 1 % out;
a chef de projet for 90 %, an OPAH for 40 % of those with a cadre (from then); five fiches
action per dossier (their creation and up to four later steps in the history) and `--lignes`
financing lines per dossier (60: the demo's density), granted or paid for half of them; every
date a day of its own, as in life (the register's size follows the distinct days). Then the national page (an ANCT
account, the test client) cold and warm, today and at 31/01/2023, with its SQL statements:
first recomputed from the history, then read from the register after its rebuild (timed).
`--keep DIR` keeps each size's SQLite database in DIR and reuses it next time (with
DATABASE_URL: leaves the tables there, so give one size);
`--registre-seulement` skips the measure from the history. Printed, never asserted.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, time as clock, timedelta
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from sqlalchemy import event, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import sessions, signin  # noqa: E402
from app.auth.models import RoleGrant, User  # noqa: E402
from app.auth.roles import Role  # noqa: E402
from app.core.db import db  # noqa: E402
from app.dossiers.models import Dossier, DossierCommune, DossierEtat as E  # noqa: E402
from app.projet.models import FicheAction, LigneFinancement  # noqa: E402
from app.projet.territoire_models import (  # noqa: E402
    CommuneRevitalisation, OpahPeriode, OpahPhase, OpahType, PosteChefDeProjet,
)
from app.referentiel.importer import import_referentiel  # noqa: E402
from app.referentiel.models import Commune  # noqa: E402
from app.tableaux import registre  # noqa: E402
from app.workflows.history import HistoryEntry  # noqa: E402
from app.workflows.states import FinancementStatut as S  # noqa: E402

SOURCES = ("etat_detr", "etat_dsil", "banque_des_territoires", "anah", "region", "autofinancement_commune")
STEPS = ("soumise", "validee", "engagee", "realisee")
CHUNK = 20_000


def day(rng, start: date, days: int) -> date:
    return start + timedelta(days=rng.randrange(days))


def chunked(table, rows):
    for i in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[i:i + CHUNK])


def build(size: int, lines_per_dossier: int) -> None:
    rng = random.Random(size)
    communes = db.session.execute(select(Commune.insee, Commune.departement_code).order_by(Commune.insee)
                                  .limit(size)).all()
    dossiers, links, history, revit, periods, postes, fiches, lines = [], [], [], [], [], [], [], []
    seq = {}

    def event_row(dossier_id, subject_type, subject_id, name, to_state, on, effective=True):
        seq[dossier_id] = seq.get(dossier_id, 0) + 1
        n = len(history)
        history.append({"dossier_id": dossier_id, "seq": seq[dossier_id], "subject_type": subject_type,
                        "subject_id": subject_id, "machine": subject_type.split("_")[0], "event": name,
                        "label": name, "from_state": None, "to_state": to_state, "at": on,
                        "effective_on": on if effective else None, "key_id": "bench", "prev_hash": "0" * 64,
                        "hash": f"{n:064d}"})

    fiche_id = 0
    for i, (insee, dep) in enumerate(communes, 1):
        row = {"id": i, "reference": f"bench-{i}", "nom": f"Commune {insee}", "departement_code": dep,
               "version": 1, "etat": E.LABELLISE}
        if rng.random() < 0.99:
            signed = day(rng, date(2021, 1, 15), 330)
            row.update(etat=E.ADHESION_SIGNEE, adhesion_signee_le=signed)
            event_row(i, "dossier", i, "signer_adhesion", E.ADHESION_SIGNEE.value, signed)
            if rng.random() < 0.1:
                event_row(i, "dossier", i, "prolonger_delai", E.ADHESION_SIGNEE.value,
                          signed + timedelta(days=700), effective=False)
            if rng.random() < 0.8:
                cadre = day(rng, date(2022, 1, 10), 1000)
                row.update(etat=E.MISE_EN_OEUVRE, cadre_signee_le=cadre)
                event_row(i, "dossier", i, "signer_cadre", E.MISE_EN_OEUVRE.value, cadre)
                opah = rng.random() < 0.4
                revit.append({"id": i, "dossier_id": i, "commune_insee": insee, "ort_engagee_le": cadre,
                              "opah_type": OpahType.OPAH_RU if opah else OpahType.AUCUNE,
                              "opah_phase": OpahPhase.OPERATIONNELLE if opah else None})
                if opah:
                    periods.append({"revitalisation_id": i, "opah_type": OpahType.OPAH_RU,
                                    "opah_phase": OpahPhase.OPERATIONNELLE, "depuis_le": cadre})
            elif rng.random() < 0.05:
                row.update(etat=E.SORTI)
                event_row(i, "dossier", i, "declarer_sortie", E.SORTI.value, day(rng, date(2022, 6, 1), 400),
                          effective=False)
            if rng.random() < 0.9:
                postes.append({"dossier_id": i, "nom": f"Chef {i}", "employeur_code": insee,
                               "date_debut": signed + timedelta(days=60), "cout_annuel": Decimal("60000"),
                               "version": 1})
            for numero in range(1, 6):
                fiche_id += 1
                on, state = day(rng, signed + timedelta(days=20), 400), "brouillon"
                event_row(i, "fiche_action", fiche_id, "creer", state, on)
                for state in STEPS[:rng.randrange(len(STEPS) + 1)]:  # its steps, weeks or months apart
                    on = day(rng, on + timedelta(days=10), 200)
                    event_row(i, "fiche_action", fiche_id, state, state, on)
                fiches.append({"id": fiche_id, "dossier_id": i, "numero": numero, "titre": f"Fiche {numero}",
                               "etat": state, "version": 1, "created_at": datetime.combine(on, clock(9))})
        dossiers.append(row)
        links.append({"commune_insee": insee, "dossier_id": i})
    chunked(Dossier, dossiers)
    chunked(DossierCommune, links)
    chunked(HistoryEntry, history)
    chunked(CommuneRevitalisation, revit)
    chunked(OpahPeriode, periods)
    chunked(PosteChefDeProjet, postes)
    chunked(FicheAction, fiches)
    written = 0
    for fiche in fiches:  # written as they come: the lines never sit in memory all at once
        for _ in range(lines_per_dossier // 5):
            year = rng.choice((2022, 2023, 2024))
            statut = rng.choice((S.PREVU, S.SOLLICITE, S.ACCORDE, S.VERSE))
            asked = day(rng, date(year, 1, 2), 120)  # every step on a day of its own, as in life
            decided = day(rng, asked + timedelta(days=20), 150)
            lines.append({"fiche_id": fiche["id"], "source": rng.choice(SOURCES), "annee": year,
                          "montant": Decimal(rng.randrange(5_000, 200_000)), "statut": statut,
                          "created_at": datetime.combine(asked - timedelta(days=rng.randrange(1, 60)), clock(9)),
                          "sollicite_le": asked if statut != S.PREVU else None,
                          "decide_le": decided if statut in (S.ACCORDE, S.VERSE) else None,
                          "verse_le": day(rng, decided + timedelta(days=30), 200) if statut == S.VERSE else None,
                          "version": 1})
        if len(lines) >= CHUNK:
            db.session.execute(insert(LigneFinancement), lines)
            written, lines = written + len(lines), []
    if lines:
        db.session.execute(insert(LigneFinancement), lines)
    db.session.execute(insert(User), [{"id": 1, "email": "anct@bench.example", "nom": "ANCT", "active": True,
                                       "demo": False, "session_version": 1}])
    db.session.execute(insert(RoleGrant), [{"user_id": 1, "role": Role.ANCT}])
    db.session.commit()
    print(f"{size:>6} dossiers : {len(history)} lignes d'historique, {len(fiches)} fiches, "
          f"{written + len(lines)} lignes de financement")


def measure(app, size: int, lines: int, runs: int, keep: bool, history_too: bool) -> None:
    with app.app_context():
        db.create_all()
        if not db.session.scalar(select(Dossier.id).limit(1)):
            import_referentiel()
            db.session.commit()
            started = time.perf_counter()
            build(size, lines)
            print(f"{'':>6}   (construction : {time.perf_counter() - started:.1f} s)")
        data = signin.session_data(sessions.open_session(db.session.get(User, 1), "bench"))
        db.session.commit()
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(data)
    if history_too:
        with app.app_context():
            if registre.lisible():
                registre.invalidate()
                db.session.commit()
        national(client, engine, size, runs, "historique")
    with app.app_context():
        started = time.perf_counter()
        rows = registre.reconstruire()
        db.session.commit()
        print(f"{size:>6} dossiers — registre reconstruit : {rows} lignes en {time.perf_counter() - started:.1f} s")
    national(client, engine, size, runs, "registre")
    if not keep:
        with app.app_context():
            db.session.remove()
            db.drop_all()


def national(client, engine, size: int, runs: int, source: str) -> None:
    for label, path in (("aujourd'hui", "/tableaux/national"),
                        ("au 31/01/2023", "/tableaux/national?au=2023-01-31")):
        statements = []
        listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        started = time.perf_counter()
        response = client.get(path)
        cold = time.perf_counter() - started
        event.remove(engine, "before_cursor_execute", listener)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} : {response.status_code}")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path)
            timings.append(time.perf_counter() - started)
        print(f"{size:>6} dossiers — {source:<10} national {label:<14} première {cold * 1000:6.0f} ms, "
              f"médiane {statistics.median(timings) * 1000:6.0f} ms, min {min(timings) * 1000:6.0f} ms, "
              f"{len(statements)} requêtes SQL")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1500, 15000])
    parser.add_argument("--lignes", type=int, default=60, help="lignes de financement par dossier (défaut 60)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DIR", help="garder (et réutiliser) la base SQLite de chaque taille ici")
    parser.add_argument("--registre-seulement", action="store_true",
                        help="ne pas mesurer le calcul à partir de l'historique")
    args = parser.parse_args()
    print(f"Charge de la machine : {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="jalons-bench-tableaux-") as folder:
            if os.environ.get("DATABASE_URL"):  # --keep: the tables are left there (DIR unused)
                url, keep = os.environ["DATABASE_URL"], bool(args.keep)
            else:
                where = args.keep or folder
                os.makedirs(where, exist_ok=True)
                url, keep = f"sqlite:///{where}/tableaux-{size}-{args.lignes}.sqlite3", bool(args.keep)
            app = create_app({"JALONS_ENV": "development", "SQLALCHEMY_DATABASE_URI": url,
                              "SECRET_KEY": "bench", "MAIL_SERVER": None, "DOCUMENTS_DIR": folder})
            measure(app, size, args.lignes, args.runs, keep, not args.registre_seulement)
    print(f"Charge de la machine : {' '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
