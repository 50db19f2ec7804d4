"""Time the national exports (CSV, XLSX) and measure their peak memory, on the demo data and
on a synthetic programme ten times larger.

    .venv/bin/python bench/exports.py                                 # demo (built, ~95 s) and 10× synthetic
    .venv/bin/python bench/exports.py --keep /tmp/jalons-bench.sqlite3  # the demo database kept for next time
    .venv/bin/python bench/exports.py --only synthetique --scale 10

Each export runs in a process of its own (`--measure`), its resident memory sampled every
5 ms by a thread (VmRSS): the script prints the RSS before the export, the peak during it,
their difference, the time, the rows and the bytes written, and the SQL statements.
The export goes through the real view function (`export_response`) as the ANCT, inside a
request context, and its body is read chunk by chunk and dropped, as a server sends it.
Timings and memory are printed, never asserted; target: the peak does not grow with rows.

The synthetic programme: `scale` × 1,500 dossiers of one commune each (the real referentiel),
each with an ORT and OPAH row, a chef de projet post and three fiches action of three
financing lines; bulk-inserted.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import event, insert, select  # noqa: E402

from app import create_app  # noqa: E402
from app.auth.models import RoleGrant, User  # noqa: E402
from app.auth.roles import Role  # noqa: E402
from app.core.db import db  # noqa: E402
from app.dossiers.models import Dossier, DossierCommune, DossierEtat as E  # noqa: E402
from app.projet.models import FicheAction, LigneFinancement  # noqa: E402
from app.projet.territoire_models import CommuneRevitalisation, OpahType, PosteChefDeProjet  # noqa: E402
from app.referentiel.importer import import_referentiel  # noqa: E402
from app.referentiel.models import Commune  # noqa: E402
from app.workflows.states import FicheEtat, FinancementStatut  # noqa: E402

EXPORTS = [("dossiers", "csv"), ("dossiers", "xlsx"), ("fiches", "csv"), ("fiches", "xlsx")]
SOURCES = ["etat_detr", "banque_des_territoires", "region"]


def rss_mib() -> float:
    """The process's resident memory now (VmRSS), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakSampler(threading.Thread):
    """Reads VmRSS every 5 ms: the peak during the export, not the process's lifetime peak."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.running = rss_mib(), True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mib())
            time.sleep(0.005)

    def stop(self) -> float:
        self.running = False
        self.join()
        return max(self.peak, rss_mib())


def app_for(url: str):
    return create_app({"JALONS_ENV": "development", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "MAIL_SERVER": None})


def measure(url: str, kind: str, extension: str) -> None:
    """In its own process: one export, its time, rows, bytes, statements and peak RSS."""
    from flask_login import login_user

    from app.exports.views import export_response

    app = app_for(url)
    with app.app_context():
        user = db.session.scalar(select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                                 .where(RoleGrant.role == Role.ANCT, RoleGrant.revoked_at.is_(None)).limit(1))
        db.session.expunge_all()
    before = rss_mib()
    sampler = PeakSampler()
    sampler.start()
    statements = []
    with app.test_request_context(f"/exports/{kind}.{extension}"):
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        login_user(db.session.get(User, user.id))
        started = time.perf_counter()
        response = export_response(kind, extension)
        size = lines = 0
        for chunk in response.response:
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
        elapsed = time.perf_counter() - started
    peak = sampler.stop()
    rows = f"{lines - 1:>8} lignes" if extension == "csv" else f"{'':>8}       "
    print(f"  {kind:<9}{extension:<5} {elapsed:7.2f} s  {rows}  {size / 1e6:7.1f} Mo  {len(statements):>4} requêtes  "
          f"RSS {before:6.0f} → {peak:6.0f} Mio (+{peak - before:5.0f})", flush=True)


def run_all(url: str, label: str) -> None:
    print(label, flush=True)
    for kind, extension in EXPORTS:
        subprocess.run([sys.executable, __file__, "--measure", url, kind, extension], cwd=ROOT, check=True)


def build_synthetic(url: str, scale: int) -> None:
    app = app_for(url)
    with app.app_context():
        db.create_all()
        import_referentiel()
        db.session.commit()
        size = 1500 * scale
        communes = db.session.execute(select(Commune.insee, Commune.departement_code, Commune.epci_siren)
                                      .order_by(Commune.insee).limit(size)).all()
        dossiers, links, revit, posts, fiches, lines = [], [], [], [], [], []
        for i, (insee, dep, epci) in enumerate(communes, 1):
            dossiers.append({"id": i, "reference": f"bench-{i}", "nom": f"Commune {insee}", "departement_code": dep,
                             "epci_siren": epci, "version": 1, "etat": E.MISE_EN_OEUVRE,
                             "adhesion_signee_le": date(2021, 6, 1), "cadre_signee_le": date(2022, 9, 1),
                             "echeance_cadre": date(2022, 12, 1)})
            links.append({"commune_insee": insee, "dossier_id": i})
            revit.append({"dossier_id": i, "commune_insee": insee, "ort_engagee_le": date(2022, 9, 1),
                          "ort_origine": "convention_cadre", "opah_type": OpahType.AUCUNE})
            posts.append({"dossier_id": i, "nom": f"Chef de projet {i}", "employeur_code": epci or insee,
                          "date_debut": date(2021, 9, 1), "cout_annuel": 60000, "version": 1})
            for n in range(1, 4):
                fiche_id = (i - 1) * 3 + n
                fiches.append({"id": fiche_id, "dossier_id": i, "numero": n, "titre": f"Action {n} de {insee}",
                               "description": "", "etat": FicheEtat.ENGAGEE, "cout_ht": 300000, "version": 1,
                               "date_debut": date(2023, 1, 1)})
                for k, source in enumerate(SOURCES):
                    lines.append({"fiche_id": fiche_id, "source": source, "annee": 2023 + k, "montant": 50000.5,
                                  "statut": FinancementStatut.ACCORDE, "version": 1})
        for model, rows in ((Dossier, dossiers), (DossierCommune, links), (CommuneRevitalisation, revit),
                            (PosteChefDeProjet, posts), (FicheAction, fiches), (LigneFinancement, lines)):
            for start in range(0, len(rows), 20000):
                db.session.execute(insert(model), rows[start:start + 20000])
        db.session.execute(insert(User), [{"id": 1, "email": "anct@bench.example", "nom": "ANCT", "active": True,
                                           "demo": False, "session_version": 1}])
        db.session.execute(insert(RoleGrant), [{"user_id": 1, "role": Role.ANCT}])
        db.session.commit()
        print(f"  ({len(dossiers)} dossiers, {len(fiches)} fiches, {len(lines)} lignes de financement)")


def build_demo(path: str) -> None:
    env = dict(os.environ, JALONS_ENV="development", DEMO_MODE="1", SECRET_KEY="bench",
               DATABASE_URL="sqlite:///" + path, DOCUMENTS_DIR=path + ".documents")
    for step in (("db", "upgrade"), ("referentiel", "import"), ("demo", "seed")):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *step], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        print(f"  flask {' '.join(step):<18} {time.perf_counter() - started:6.1f} s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--measure", nargs=3, metavar=("URL", "KIND", "EXTENSION"), help=argparse.SUPPRESS)
    parser.add_argument("--keep", metavar="PATH", help="the demo database, built there once and kept")
    parser.add_argument("--only", choices=["demo", "synthetique"])
    parser.add_argument("--scale", type=int, default=10, help="the synthetic programme: N × 1,500 dossiers")
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return
    with tempfile.TemporaryDirectory(prefix="jalons-bench-exports-") as folder:
        if args.only != "synthetique":
            path = os.path.abspath(args.keep) if args.keep else os.path.join(folder, "demo.sqlite3")
            if not os.path.exists(path):
                print(f"Construction de la base de démonstration ({path})", flush=True)
                build_demo(path)
            run_all("sqlite:///" + path, "Données de démonstration (ANCT, export national)")
        if args.only != "demo":
            url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/synthetique.sqlite3"
            print(f"Programme synthétique ×{args.scale}", flush=True)
            build_synthetic(url, args.scale)
            run_all(url, f"Programme synthétique ×{args.scale} (ANCT, export national)")


if __name__ == "__main__":
    main()
