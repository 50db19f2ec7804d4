"""Time the dashboards and the "point d'avancement" report on the demo data.

    .venv/bin/python bench/dashboard.py                      # builds the demo database (about 95 s)
    .venv/bin/python bench/dashboard.py --keep /tmp/jalons-bench.sqlite3
        builds that database the first time, reuses it afterwards (the same file as bench/pages.py);
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/dashboard.py
        uses that database, which must already hold the demo data.

Measured, as bench/pages.py does (the application's test client in this process, a demo account
logged in by a session row): the national dashboard cold (the first request: the map's outlines
projected, the database's cache cold) and warm, the same at a past date (time travel,
31/01/2023), the préfecture's département dashboard, then the report PDF rendered directly
(national and département, 31/01/2023: the national one goes to the background in the
application). For each: min / median / p95 in ms and the SQL statements of one run.
`--registre les-deux` (the default) measures the pages twice: the figures recomputed from the
history (the register marked out of date: what every request did before the register), then
read from the register (rebuilt, timed); `oui` or `non` only one of them. Note that this
changes the database's register: `flask tableaux reconstruire --si-perime` afterwards if needed.
Target: the national dashboard under 500 ms warm; printed as OK or AU-DESSUS.

Timings are only printed, never asserted. Exit status 1 if a page does not answer 200 or the
demo data is missing; 2 for bad arguments.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import pages  # noqa: E402  (bench/pages.py: the demo database, the logged-in test clients)

TARGET_MS = 500
ANCT, PREFECTURE = pages.ANCT, pages.PREFECTURE
PAST = date(2023, 1, 31)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Time the dashboards and the report PDF on the demo data.")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per page first (default 2)")
    parser.add_argument("--pdf-runs", type=int, default=2, help="timed renderings per PDF (default 2)")
    parser.add_argument("--keep", metavar="PATH", help="SQLite file of the demo database (built if absent)")
    parser.add_argument("--registre", choices=("oui", "non", "les-deux"), default="les-deux",
                        help="read the figures from the register (oui), recompute them from the history "
                             "(non: the register marked out of date, then rebuilt), or both (default)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.pdf_runs < 1 or args.warmup < 0:
        parser.error("--runs and --pdf-runs must be at least 1, --warmup at least 0")
    return args


def render_pdfs(app, bench, runs: int) -> list[dict]:
    from sqlalchemy import event, select

    from app.auth.models import User
    from app.tableaux.niveaux import resolve
    from app.tableaux.rapports import render_pdf

    rows = []
    with app.test_request_context():
        user = bench.db.session.scalar(select(User).where(User.email == ANCT))
        for kind, code in (("national", None), ("departement", "17")):
            level = resolve(user, kind, code)
            statements = []

            def listener(conn, cursor, statement, *args):
                statements.append(statement)

            event.listen(bench.engine, "before_cursor_execute", listener)
            started = time.perf_counter()
            pdf = render_pdf(level, PAST, user)
            first = time.perf_counter() - started
            event.remove(bench.engine, "before_cursor_execute", listener)
            timings = []
            for _ in range(runs):
                started = time.perf_counter()
                render_pdf(level, PAST, user)
                timings.append(time.perf_counter() - started)
            rows.append({"label": f"rapport PDF {level.titre} au {PAST:%d/%m/%Y}", "path": "", "runs": runs,
                         "sql": len(statements), "bytes": len(pdf), "first": first, "min": min(timings),
                         "median": statistics.median(timings), "p95": max(timings)})
    return rows


def run(args, database_url: str, documents_dir: str | None) -> int:
    from app import create_app

    overrides = {"JALONS_ENV": "development", "DEMO_MODE": True, "SQLALCHEMY_DATABASE_URI": database_url,
                 "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench"}
    if documents_dir:
        overrides["DOCUMENTS_DIR"] = documents_dir
    app = create_app(overrides)
    bench = pages.Bench(app, args.warmup)
    modes = {"oui": [True], "non": [False], "les-deux": [False, True]}[args.registre]
    for with_register in modes:
        register(app, bench, with_register)
        dashboards(args, app, bench, with_register)
    pdfs = render_pdfs(app, bench, args.pdf_runs)
    pages.print_table(pdfs, bench.baseline)
    print("Première génération : " + ", ".join(f"{r['label']} {r['first']:.2f} s" for r in pdfs))
    print("(Au-delà d'une seconde, l'application met la demande en file : flask rapports generer.)")
    with app.app_context():
        bench.db.session.remove()
        bench.db.engine.dispose()
    return 0


def register(app, bench, wanted: bool) -> None:
    """The register up to date (rebuilt if it is not, timed), or marked out of date."""
    from app.tableaux import registre

    with app.app_context():
        if wanted and registre.lisible() is None:
            started = time.perf_counter()
            rows = registre.reconstruire()
            bench.db.session.commit()
            print(f"\nRegistre reconstruit : {rows} variations en {time.perf_counter() - started:.1f} s.")
        elif not wanted:
            if registre.lisible() is None:
                registre.reconstruire()  # its state row must exist to be marked out of date
            registre.invalidate()
            bench.db.session.commit()


def dashboards(args, app, bench, with_register: bool) -> None:
    print()
    source = "lus dans le registre" if with_register else "recalculés à partir de l'historique (registre périmé)"
    print(f"Chiffres {source}. Base : {app.config['SQLALCHEMY_DATABASE_URI'].split(':', 1)[0]} ; machine : "
          f"{os.cpu_count()} CPU, charge {' '.join(f'{x:.1f}' for x in os.getloadavg())}.")
    client = bench.client_for(ANCT)
    started = time.perf_counter()
    bench.request(client, "/tableaux/national", 200, "text/html")
    cold = time.perf_counter() - started
    rows = [
        bench.measure("national, aujourd'hui", ANCT, "/tableaux/national", args.runs),
        bench.measure(f"national au {PAST:%d/%m/%Y} (voyage dans le temps)", ANCT,
                      f"/tableaux/national?au={PAST.isoformat()}", args.runs),
        bench.measure("national, carte : dossiers en retard", ANCT,
                      "/tableaux/national?indicateur=dossiers_retard", args.runs),
        bench.measure("département 17 (préfecture)", PREFECTURE, "/tableaux/departement/17", args.runs),
    ]
    baseline = bench.measure("référence : 404 connecté (ANCT)", ANCT, pages.BASELINE_PATH, args.runs,
                             expected_status=404)
    print(f"Tableau de bord national, première requête : {cold * 1000:.0f} ms")
    print()
    pages.print_table([baseline] + rows, baseline["median"])
    bench.baseline = baseline["median"]
    warm = rows[0]["median"] * 1000
    print()
    print(f"Tableau de bord national à chaud : médiane {warm:.0f} ms, {rows[0]['sql']} requêtes SQL, "
          f"cible < {TARGET_MS} ms : {'OK' if warm < TARGET_MS else 'AU-DESSUS'}")
    print()


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, pages.ROOT)
    try:
        url = os.environ.get("DATABASE_URL")
        if url:
            return run(args, url, os.environ.get("DOCUMENTS_DIR"))
        if args.keep:
            path = os.path.abspath(args.keep)
            documents = path + ".documents"
            if not os.path.exists(path):
                pages.build_demo_database(path, documents)
            return run(args, "sqlite:///" + path, documents)
        with tempfile.TemporaryDirectory(prefix="jalons-bench-") as folder:
            path, documents = os.path.join(folder, "demo.sqlite3"), os.path.join(folder, "documents")
            pages.build_demo_database(path, documents)
            return run(args, "sqlite:///" + path, documents)
    except pages.Failure as failure:
        print(f"Échec : {failure}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
