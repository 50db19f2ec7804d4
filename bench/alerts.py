"""Time `flask alerts run` on a programme of N dossiers and count its SQL statements.

    .venv/bin/python bench/alerts.py                  # 1,500 and 15,000 synthetic dossiers, SQLite
    .venv/bin/python bench/alerts.py --sizes 15000
    .venv/bin/python bench/alerts.py --demo instance/jalons.sqlite3 --sizes   # the demo data (a copy)
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/alerts.py   # an empty database

The programme is synthetic (a bench fixture, not the demo): N dossiers of one commune each,
taken from the real referentiel, with their 18-month deadlines spread over the countdown (a
third at a threshold today), some waiting for instruction, some à compléter, and one commune,
one EPCI, one chef de projet and one préfecture account per dossier or département, so the
alerts have their real recipients. Rows are bulk-inserted; the alerts go through the real
`run_alerts` (notifications, e-mails queued). Each size runs on a fresh database (the second run
of the same day is timed too: it must send nothing). Timings are printed, never asserted;
target: the 10× programme (15,000 dossiers) under 20 s here.

`--demo PATH` also times it on a copy of a demo database (`make db` builds instance/jalons.sqlite3;
the copy is run at today's date, the file itself is never written).
"""
import argparse
import os
import shutil
from collections import Counter
import sys
import tempfile
import time
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import event, func, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import RoleGrant, User  # noqa: E402
from app.auth.roles import Role  # noqa: E402
from app.core.db import db  # noqa: E402
from app.core.outbox import OutboxMessage  # noqa: E402
from app.core.formatting import today_in_paris  # noqa: E402
from app.dossiers.echeance import add_months  # noqa: E402
from app.dossiers.models import Dossier, DossierCommune, DossierEtat as E  # noqa: E402
from app.notifications.alerts import run_alerts  # noqa: E402
from app.notifications.models import Notification  # noqa: E402
from app.referentiel.importer import import_referentiel  # noqa: E402  (its default source)
from app.referentiel.models import Commune  # noqa: E402

TODAY = date(2026, 12, 1)


def build(size: int) -> None:
    communes = db.session.execute(
        select(Commune.insee, Commune.departement_code, Commune.epci_siren).order_by(Commune.insee).limit(size)
    ).all()
    if len(communes) < size:
        raise SystemExit(f"le référentiel n'a que {len(communes)} communes")
    offsets = [-200, -45, 0, 1, 30, 31, 92, 93, 183, 184, 300, 500]  # days to the deadline
    dossiers, links = [], []
    for i, (insee, dep, epci) in enumerate(communes, 1):
        kind = i % 10
        row = {"id": i, "reference": f"bench-{i}", "nom": f"Commune {insee}", "departement_code": dep,
               "epci_siren": epci, "version": 1, "etat": E.CADRE_REDACTION}
        if kind < 7:
            deadline = TODAY + timedelta(days=offsets[i % len(offsets)])
            row.update(adhesion_signee_le=add_months(deadline, -18), echeance_cadre=deadline)
        elif kind == 7:
            row.update(etat=E.ADHESION_DEPOSEE, adhesion_deposee_le=TODAY - timedelta(days=20 + i % 40))
        else:
            row.update(etat=E.MISE_EN_OEUVRE, adhesion_signee_le=date(2022, 1, 1),
                       echeance_cadre=date(2023, 7, 1), cadre_signee_le=date(2023, 5, 1))
        dossiers.append(row)
        links.append({"commune_insee": insee, "dossier_id": i})
    db.session.execute(insert(Dossier), dossiers)
    db.session.execute(insert(DossierCommune), links)
    users, grants, n = [], [], 0
    for row, (insee, dep, epci) in zip(dossiers, communes):
        for role, scope in ((Role.COMMUNE, {"commune_insee": insee}), (Role.CHEF_DE_PROJET, {"dossier_id": row["id"]})):
            n += 1
            users.append({"id": n, "email": f"u{n}@bench.example", "nom": f"Agent {n}", "active": True,
                          "demo": False, "session_version": 1})
            grants.append({"user_id": n, "role": role, **scope})
    for dep in sorted({dep for _, dep, _ in communes}):
        n += 1
        users.append({"id": n, "email": f"u{n}@bench.example", "nom": f"Préfecture {dep}", "active": True,
                      "demo": False, "session_version": 1})
        grants.append({"user_id": n, "role": Role.PREFECTURE, "departement_code": dep})
    db.session.execute(insert(User), users)
    db.session.execute(insert(RoleGrant), grants)
    db.session.commit()


def measure(app, size: int) -> None:
    with app.app_context():
        db.create_all()
        import_referentiel()
        db.session.commit()
        started = time.perf_counter()
        build(size)
        built = time.perf_counter() - started
        passes(size, TODAY)
        print(f"{'':>6}           (construction du programme : {built:.1f} s)")
        db.session.remove()
        db.drop_all()


def passes(size: int, today: date) -> None:
    """Two runs of the alerts, the same day: timed, their SQL statements counted."""
    for label in ("premier passage", "second passage, même jour"):
        statements = []
        listener = lambda conn, cursor, statement, *args: statements.append(statement.split("(")[0][:60])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        started = time.perf_counter()
        counts = run_alerts(today)
        db.session.commit()
        elapsed = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", listener)
        notifications = db.session.scalar(select(func.count(Notification.id)))
        mails = db.session.scalar(select(func.count(OutboxMessage.id)))
        print(f"{size:>6} dossiers — {label:<26} {elapsed:6.2f} s  {len(statements):>6} requêtes SQL  "
              f"alertes {counts}  notifications {notifications}  courriels {mails}")
        if os.environ.get("BENCH_VERBOSE"):
            print(Counter(statements).most_common(5))


def measure_demo(path: str) -> None:
    with tempfile.TemporaryDirectory(prefix="jalons-bench-alerts-demo-") as folder:
        copy = os.path.join(folder, "demo.sqlite3")
        shutil.copyfile(path, copy)
        app = create_app({"JALONS_ENV": "development", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{copy}",
                          "SECRET_KEY": "bench", "MAIL_SERVER": None})
        with app.app_context():
            size = db.session.scalar(select(func.count(Dossier.id)))
            print(f"Données de démonstration ({path}), au {today_in_paris():%d/%m/%Y} :")
            passes(size, today_in_paris())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1500, 15000])
    parser.add_argument("--demo", metavar="PATH", help="une base SQLite de démonstration (copiée, jamais modifiée)")
    args = parser.parse_args()
    if args.demo:
        measure_demo(args.demo)
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="jalons-bench-alerts-") as folder:
            url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/alerts.sqlite3"
            app = create_app({"JALONS_ENV": "development", "SQLALCHEMY_DATABASE_URI": url,
                              "SECRET_KEY": "bench", "MAIL_SERVER": None})
            measure(app, size)


if __name__ == "__main__":
    main()
