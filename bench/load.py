"""The load test: gunicorn (4 workers) + PostgreSQL on the demo data at 1× or 10×, driven by
locust (bench/locustfile.py), headless. Prints p50 / p95 per page beside the trivial page's.

    .venv/bin/python bench/load.py --scale 10 --keep /tmp/jalons-load     # builds once, reuses
    .venv/bin/python bench/load.py --scale 1 --keep /tmp/jalons-load -u 50 -t 5m

A PostgreSQL 15 cluster of its own in --keep (or a temporary folder), on a free port, one
database per scale (jalons_x1, jalons_x10) built by the real commands (`flask db upgrade`,
`flask referentiel import`, `flask demo seed --scale N`, each timed) unless it holds dossiers
already. JALONS_ENV=development DEMO_MODE=1 (the demo accounts log in; plain HTTP). Exit
status 1 when a request failed. Not a test: it never fails on timing.
"""
import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PG_BIN = Path(os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin"))
TRIVIAL = "trivial (404 connecté)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_owner(folder: Path) -> list[str]:
    """initdb refuses root: the cluster then belongs to the postgres user."""
    if os.geteuid() != 0:
        return []
    shutil.chown(folder, "postgres")
    return ["runuser", "-u", "postgres", "--"]


def start_postgres(folder: Path) -> tuple[str, list]:
    data = folder / "data"
    owner = as_owner(folder)
    if not data.exists():
        subprocess.run(owner + [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"], check=True,
                       stdout=subprocess.DEVNULL)
    port = free_port()
    subprocess.run(owner + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
                            "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off "
                                  "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                            "start"], check=True, stdout=subprocess.DEVNULL)
    stop = owner + [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}", stop


def build(env: dict, server: str, database: str) -> None:
    port = server.rsplit(":", 1)[1]
    exists = subprocess.run([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-tAc",
                             f"SELECT 1 FROM pg_database WHERE datname = '{database}'"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", port, "-U", "postgres", database],
                       check=True)
    count = subprocess.run([str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", database,
                            "-tAc", "SELECT count(*) FROM dossier WHERE reference NOT LIKE '%~%'"],
                           capture_output=True, text=True).stdout.strip()
    commands = [["db", "upgrade"], ["referentiel", "import"], ["demo", "seed", "--scale", env["BENCH_SCALE"]]]
    if count and count != "0":
        print(f"Base {database} déjà construite, réutilisée (mise à jour de son schéma seulement).")
        commands = commands[:1]
    for command in commands:
        started = time.perf_counter()
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], env=env, check=True, cwd=ROOT)
        print(f"flask {' '.join(command)} : {time.perf_counter() - started:.0f} s")


def load_average() -> str:
    """The 1, 5 and 15-minute load averages: the other processes of a shared machine count."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_locust(env: dict, url: str, args, prefix: Path) -> None:
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                    "-u", str(args.users), "-r", str(args.rate), "-t", args.time, "--host", url,
                    "--csv", str(prefix), "--only-summary"], env=env, cwd=ROOT)


def report(prefix: Path) -> int:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
    pages = {r["Name"]: r for r in rows if r["Name"] != "Aggregated"}
    trivial = float(pages[TRIVIAL]["50%"]) if TRIVIAL in pages else None
    print(f"\n{'page':<42} {'requêtes':>9} {'échecs':>7} {'p50 ms':>7} {'p95 ms':>7} {'p50 / trivial':>14}")
    failures = 0
    for name, r in sorted(pages.items()):
        p50, p95 = float(r["50%"]), float(r["95%"])
        ratio = f"{p50 / trivial:.1f}" if trivial else "-"
        failures += int(r["Failure Count"])
        print(f"{name:<42} {r['Request Count']:>9} {r['Failure Count']:>7} {p50:>7.0f} {p95:>7.0f} {ratio:>14}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"\nEn tout : {total['Request Count']} requêtes, {failures} échecs, "
          f"{float(total['Requests/s']):.1f} requêtes/s.")
    if Path(f"{prefix}_failures.csv").exists():
        for r in csv.DictReader(open(f"{prefix}_failures.csv")):
            print(f"  échec : {r['Name']} : {r['Error']} ({r['Occurrences']})")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="folder of the PostgreSQL cluster and documents, kept")
    parser.add_argument("-u", "--users", type=int, default=50)
    parser.add_argument("-r", "--rate", type=float, default=5)
    parser.add_argument("-t", "--time", default="5m")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--build-only", action="store_true", help="build the database, run nothing")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="jalons-load."))
    folder.mkdir(parents=True, exist_ok=True)
    server, stop = start_postgres(folder)
    gunicorn = None
    try:
        env = {**os.environ, "JALONS_ENV": "development", "DEMO_MODE": "1", "BENCH_SCALE": str(args.scale),
               "DATABASE_URL": f"{server}/jalons_x{args.scale}",
               "DOCUMENTS_DIR": str(folder / f"documents-x{args.scale}")}
        build(env, server, f"jalons_x{args.scale}")
        if args.build_only:
            return 0
        port = free_port()
        gunicorn = subprocess.Popen([str(BIN / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                                     "--timeout", "120", "--log-level", "warning", "wsgi:app"], env=env, cwd=ROOT)
        url = f"http://127.0.0.1:{port}"
        for _ in range(60):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(1)
        prefix = folder / f"locust-x{args.scale}"
        print(f"locust : {args.users} utilisateurs ({args.rate}/s), {args.time}, sur {url}, {args.scale}×")
        print(f"Charge de la machine avant : {load_average()}")
        run_locust(env, url, args, prefix)
        print(f"Charge de la machine après : {load_average()} ({os.cpu_count()} CPU)")
        return 1 if report(prefix) else 0
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(30)
        subprocess.run(stop, stdout=subprocess.DEVNULL)
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
