"""Time the heavy pages of Jalons on the demo data against a trivial page of the same application.

    .venv/bin/python bench/pages.py                      # builds the demo database (about 70 s)
    .venv/bin/python bench/pages.py --keep /tmp/jalons-bench.sqlite3
        builds that database the first time, reuses it afterwards;
    DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/pages.py
        uses that database, which must already hold the demo data (`make db` does it on SQLite).

Without DATABASE_URL nor --keep, the database is built in a temporary folder by the real
commands (`flask db upgrade`, `flask referentiel import`, `flask demo seed`, with
JALONS_ENV=development DEMO_MODE=1) and removed at the end.

Requests go through the application's test client, in this process (no network, no server):
routing, login, SQL, templates and the response are timed, not a browser nor a socket. Each
demo account is logged in by opening a session row and putting it in the client's session, as
tests/conftest.py does.

Baseline: the 404 page of a logged-in user (base layout, the user loaded, nothing else).
For each page: warm-up requests, then --runs timed ones (default 30); min / median / p95 in ms,
the SQL statements of one request, and the median divided by the baseline median. The convention
PDFs (adhésion and cadre of the dossier with the most communes) go through their HTTP route with
--pdf-runs (default 5); target: the convention-cadre under 2 s.

Timings are only printed, never asserted. Exit status 1 if a page does not answer as expected
(200; 404 for the baseline) or the demo data is missing; 2 for bad arguments.
"""
import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PDF_TARGET_SECONDS = 2.0
BASELINE_PATH = "/bench-page-inexistante"
PREFECTURE = "prefecture@jalons.example"
ANCT = "anct@jalons.example"
COMMUNE = "commune@jalons.example"
PARTENAIRE = "partenaire@jalons.example"
ADMIN = "admin@jalons.example"
DEMO_DOSSIER = "pvd-75-17-4"  # the commune account's dossier (Jonzac and six other communes)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Time the dossier page, the préfecture workspace, the home list and the "
                    "convention PDFs on the demo data, against a trivial page (404 of a "
                    "logged-in user).",
        epilog="DATABASE_URL: use that database (with the demo data) instead of building one.",
    )
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
    parser.add_argument("--pdf-runs", type=int, default=5, help="timed requests per PDF (default 5)")
    parser.add_argument("--keep", metavar="PATH",
                        help="SQLite file of the demo database: built there if absent, reused if present")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.pdf_runs < 1 or args.warmup < 0:
        parser.error("--runs and --pdf-runs must be at least 1, --warmup at least 0")
    if args.keep and os.environ.get("DATABASE_URL"):
        parser.error("--keep and DATABASE_URL are exclusive")
    return args


# --- the database ---------------------------------------------------------------------------

BUILD_STEPS = [
    ("db", "upgrade"),
    ("referentiel", "import"),
    ("demo", "seed"),
]


def build_demo_database(path: str, documents_dir: str) -> None:
    """Run the real commands on a new SQLite file; on failure, nothing is left at `path`."""
    partial = path + ".partial"
    if os.path.exists(partial):
        os.remove(partial)
    env = dict(os.environ, JALONS_ENV="development", DEMO_MODE="1", SECRET_KEY="bench",
               DATABASE_URL="sqlite:///" + partial, DOCUMENTS_DIR=documents_dir)
    print(f"Préparation de la base de démonstration dans {path}")
    print("  (flask db upgrade, referentiel import, demo seed : environ 70 s)…", flush=True)
    for step in BUILD_STEPS:
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *step],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            if os.path.exists(partial):
                os.remove(partial)
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit(f"flask {' '.join(step)} a échoué (code {result.returncode}).")
        print(f"  flask {' '.join(step):<18} {time.perf_counter() - started:6.1f} s", flush=True)
    os.replace(partial, path)


# --- measuring ------------------------------------------------------------------------------

class Failure(Exception):
    pass


def percentile(values, fraction):
    """Nearest-rank percentile: with 30 runs, p95 is the 29th of the sorted values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class Bench:
    def __init__(self, app, warmup: int):
        from app.core.db import db

        self.app, self.db, self.warmup = app, db, warmup
        self.clients = {}
        with app.app_context():
            self.engine = db.engine

    def client_for(self, email: str):
        """A test client logged in as that demo account (session cookie, as in tests)."""
        if email not in self.clients:
            from sqlalchemy import select

            from app.auth import sessions, signin
            from app.auth.models import User

            with self.app.app_context():
                user = self.db.session.scalar(select(User).where(User.email == email))
                if user is None:
                    raise Failure(f"compte de démonstration absent : {email} (flask demo seed)")
                data = signin.session_data(sessions.open_session(user, "bench"))
                self.db.session.commit()
            client = self.app.test_client()
            with client.session_transaction() as session:
                session.update(data)
            # The baseline must be the page of a logged-in user: the header names the user.
            body = self.request(client, BASELINE_PATH, 404, "text/html")
            if 'id="utilisateur-connecte"' not in body.decode():
                raise Failure(f"la session de {email} n'est pas reconnue")
            self.clients[email] = client
        return self.clients[email]

    def request(self, client, path, expected_status, mimetype):
        # Outside any application context: each request gets its own, as in production.
        response = client.get(path)
        body = response.get_data()
        if response.status_code != expected_status:
            raise Failure(f"GET {path} : {response.status_code}, attendu {expected_status}")
        if response.mimetype != mimetype:
            raise Failure(f"GET {path} : {response.mimetype}, attendu {mimetype}")
        return body

    def count_statements(self, client, path, expected_status, mimetype) -> int:
        from sqlalchemy import event

        statements = []

        def listener(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(self.engine, "before_cursor_execute", listener)
        try:
            self.request(client, path, expected_status, mimetype)
        finally:
            event.remove(self.engine, "before_cursor_execute", listener)
        return len(statements)

    def measure(self, label, email, path, runs, expected_status=200, mimetype="text/html",
                warmup=None):
        client = self.client_for(email)
        first = None
        for _ in range(self.warmup if warmup is None else warmup):
            started = time.perf_counter()
            self.request(client, path, expected_status, mimetype)
            first = time.perf_counter() - started if first is None else first
        sql = self.count_statements(client, path, expected_status, mimetype)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            body = self.request(client, path, expected_status, mimetype)
            timings.append(time.perf_counter() - started)
        return {"label": label, "path": path, "sql": sql, "bytes": len(body), "runs": runs, "first": first,
                "min": min(timings), "median": statistics.median(timings),
                "p95": percentile(timings, 0.95)}


# --- the targets ----------------------------------------------------------------------------

def find_targets(app) -> dict:
    """The dossiers to time, chosen in the data rather than hard-coded (but for the demo one)."""
    from sqlalchemy import func, select

    from app.core.db import db
    from app.demo.services import DEMO_DEPARTEMENT
    from app.workflows.history import HistoryEntry
    from app.dossiers.models import Dossier, DossierCommune

    with app.app_context():
        total = db.session.scalar(select(func.count(Dossier.id)))
        history = db.session.scalar(select(func.count(HistoryEntry.id)))
        if not total or not history:
            raise Failure("la base ne contient pas les données de démonstration "
                          f"({total or 0} dossiers, {history or 0} lignes d'historique)")
        busiest = db.session.execute(
            select(Dossier.id, Dossier.reference, Dossier.nom, func.count(HistoryEntry.id).label("n"))
            .join(HistoryEntry, HistoryEntry.dossier_id == Dossier.id)
            .where(Dossier.departement_code == DEMO_DEPARTEMENT)
            .group_by(Dossier.id, Dossier.reference, Dossier.nom)
            .order_by(func.count(HistoryEntry.id).desc(), Dossier.id)
            .limit(1)
        ).one_or_none()
        if busiest is None:
            raise Failure(f"aucun dossier avec historique dans le département {DEMO_DEPARTEMENT}")
        largest = db.session.execute(
            select(Dossier.id, Dossier.reference, func.count(DossierCommune.commune_insee).label("n"))
            .join(DossierCommune, DossierCommune.dossier_id == Dossier.id)
            .group_by(Dossier.id, Dossier.reference)
            .order_by(func.count(DossierCommune.commune_insee).desc(), Dossier.id)
            .limit(1)
        ).one()
        demo = db.session.execute(
            select(Dossier.id, func.count(HistoryEntry.id))
            .outerjoin(HistoryEntry, HistoryEntry.dossier_id == Dossier.id)
            .where(Dossier.reference == DEMO_DOSSIER)
            .group_by(Dossier.id)
        ).one_or_none()
        if demo is None:
            raise Failure(f"dossier de démonstration absent : {DEMO_DOSSIER}")
        page_size = app.config["PAGE_SIZE"]
    pages = max(1, math.ceil(total / page_size))
    return {"total": total, "history": history, "busiest": busiest, "largest": largest,
            "demo": demo, "middle_page": (pages + 1) // 2, "pages": pages, "departement": DEMO_DEPARTEMENT}


# --- output ---------------------------------------------------------------------------------

def ms(seconds):
    return f"{seconds * 1000:.1f}"


def print_table(rows, baseline_median):
    header = (f"{'page':<44}{'runs':>5}{'min ms':>9}{'med ms':>9}{'p95 ms':>9}"
              f"{'SQL':>5}{'KiB':>7}{'× base':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['label']:<44}{r['runs']:>5}{ms(r['min']):>9}{ms(r['median']):>9}{ms(r['p95']):>9}"
              f"{r['sql']:>5}{r['bytes'] / 1024:>7.0f}{r['median'] / baseline_median:>8.1f}")


def run(args, database_url: str, documents_dir: str | None) -> int:
    from app import create_app

    # DEMO_MODE: demo accounts can be logged in only in demo mode.
    overrides = {"JALONS_ENV": "development", "DEMO_MODE": True, "SQLALCHEMY_DATABASE_URI": database_url,
                 "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench"}
    if documents_dir:
        overrides["DOCUMENTS_DIR"] = documents_dir
    app = create_app(overrides)
    from sqlalchemy.exc import SQLAlchemyError

    try:
        targets = find_targets(app)
    except SQLAlchemyError as error:
        raise Failure(f"base illisible ou sans le schéma de Jalons : {error.__class__.__name__}: "
                      f"{str(error).splitlines()[0]}") from None
    bench = Bench(app, args.warmup)
    busiest, largest, demo = targets["busiest"], targets["largest"], targets["demo"]
    dep = targets["departement"]

    print()
    print(f"Base : {targets['total']} dossiers, {targets['history']} lignes d'historique "
          f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':', 1)[0]}).")
    print(f"Page dossier (préfecture {dep}) : {busiest.reference} « {busiest.nom} », "
          f"le dossier du {dep} qui a le plus d'historique ({busiest.n} lignes).")
    print(f"Page dossier (commune) : {DEMO_DOSSIER} ({demo[1]} lignes d'historique).")
    print(f"Liste ANCT : {targets['pages']} pages de {app.config['PAGE_SIZE']} ; "
          f"page du milieu : {targets['middle_page']}.")
    print(f"Référence (baseline) : page 404 d'un utilisateur connecté (GET {BASELINE_PATH}, "
          "gabarit de base, utilisateur chargé).")
    print(f"Machine : {os.cpu_count()} CPU, charge {' '.join(f'{x:.1f}' for x in os.getloadavg())} ; "
          f"{args.warmup} requêtes d'échauffement puis {args.runs} mesurées par page.")
    print()

    pages = [
        ("référence : 404 connecté (préfecture)", PREFECTURE, BASELINE_PATH, 404),
        ("accueil préfecture /", PREFECTURE, "/", 200),
        ("espace préfecture /instruction", PREFECTURE, "/instruction", 200),
        (f"dossier {busiest.reference} (préfecture)", PREFECTURE, f"/dossiers/{busiest.id}", 200),
        (f"accueil ANCT /, page 1/{targets['pages']}", ANCT, "/", 200),
        (f"accueil ANCT /?page={targets['middle_page']}", ANCT, f"/?page={targets['middle_page']}", 200),
        (f"accueil ANCT /?page={targets['pages']} (dernière)", ANCT, f"/?page={targets['pages']}", 200),
        ("accueil ANCT /?echeance=depassee", ANCT, "/?echeance=depassee", 200),
        ("accueil partenaire /", PARTENAIRE, "/", 200),
        ("partenaire /partenaire (fiches à examiner)", PARTENAIRE, "/partenaire", 200),
        ("partenaire /partenaire?liste=financements", PARTENAIRE, "/partenaire?liste=financements", 200),
        ("notifications (préfecture)", PREFECTURE, "/notifications", 200),
        ("administration /admin/utilisateurs", ADMIN, "/admin/utilisateurs", 200),
        (f"dossier {DEMO_DOSSIER} (commune)", COMMUNE, f"/dossiers/{demo[0]}", 200),
    ]
    rows = []
    for label, email, path, status in pages:
        rows.append(bench.measure(label, email, path, args.runs, expected_status=status))
    baseline = rows[0]["median"]
    print_table(rows, baseline)

    print()
    print(f"Conventions PDF de {largest.reference} ({largest.n} communes, le dossier qui en a le plus), "
          f"par la route HTTP, compte préfecture : 1 requête d'échauffement puis {args.pdf_runs} mesurées.")
    print()
    pdfs = [bench.measure(f"convention {kind} {largest.reference} (PDF)", PREFECTURE,
                          f"/dossiers/{largest.id}/conventions/{kind}.pdf", args.pdf_runs,
                          mimetype="application/pdf", warmup=1)
            for kind in ("adhesion", "cadre")]
    print_table(pdfs, baseline)
    print("Première requête (à froid, échauffement) : " + ", ".join(
        f"{kind} {r['first']:.2f} s" for kind, r in zip(("adhésion", "cadre"), pdfs)))
    cadre = pdfs[1]["median"]
    verdict = "OK" if cadre < PDF_TARGET_SECONDS else "AU-DESSUS DE 2 s"
    print()
    print(f"Convention-cadre de {largest.reference} : médiane {cadre:.2f} s, "
          f"cible < {PDF_TARGET_SECONDS:.0f} s : {verdict}")
    with app.app_context():
        bench.db.session.remove()
        bench.db.engine.dispose()
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, ROOT)
    try:
        url = os.environ.get("DATABASE_URL")
        if url:
            return run(args, url, os.environ.get("DOCUMENTS_DIR"))
        if args.keep:
            path = os.path.abspath(args.keep)
            documents = path + ".documents"
            if os.path.exists(path):
                print(f"Base de démonstration réutilisée : {path}")
            else:
                build_demo_database(path, documents)
            return run(args, "sqlite:///" + path, documents)
        with tempfile.TemporaryDirectory(prefix="jalons-bench-") as folder:
            path, documents = os.path.join(folder, "bench.sqlite3"), os.path.join(folder, "documents")
            build_demo_database(path, documents)
            return run(args, "sqlite:///" + path, documents)
    except Failure as failure:
        print(f"\nÉCHEC : {failure}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
