"""How long `make run` takes, on a fresh clone whose packages are installed, to serve its first page.

    .venv/bin/python bench/first_run.py            # once
    .venv/bin/python bench/first_run.py --runs 3   # three times, each from an empty database

What `make run` does after its installation steps (stamps already there), timed, in a
temporary folder instead of instance/: `flask demo seed --base --sans-registre` (the schema, the referentiel,
the PVD list, the demo accounts, the walk of the dossiers, the projets, the comités of the
demo département), then `flask run`, until GET /connexion answers 200. The time of each phase
is read from what the seed prints. The past comités of the other départements, which
`make run` holds beside the server (`flask demo comites`), are not part of the wait: they are
timed after, alone, for the record.

Printed only, never asserted; the machine's load average before and after (other processes
share the cores). Target (issue 7): the first page in under 60 s.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLASK = [os.path.join(ROOT, ".venv", "bin", "flask"), "--app", "wsgi"]
TARGET_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _served(url: str, process, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.05)
    return False


def one_run(comites: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="jalons-premier-") as folder:
        env = dict(os.environ, JALONS_ENV="development", DEMO_MODE="1",
                   DATABASE_URL=f"sqlite:///{folder}/jalons.sqlite3", DOCUMENTS_DIR=f"{folder}/documents")
        started = time.perf_counter()
        seed = subprocess.run(FLASK + ["demo", "seed", "--base", "--sans-registre"], cwd=ROOT, env=env, capture_output=True, text=True)
        seeded = time.perf_counter()
        if seed.returncode != 0:
            sys.exit(f"flask demo seed --base a échoué :\n{seed.stdout[-3000:]}\n{seed.stderr[-3000:]}")
        port = _free_port()
        server = subprocess.Popen(FLASK + ["run", "--port", str(port)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            if not _served(f"http://127.0.0.1:{port}/connexion", server):
                sys.exit("Le serveur n'a pas répondu.")
            served = time.perf_counter()
        finally:
            server.terminate()
            server.wait()
        phases = {label: float(seconds) for label, seconds in
                  re.findall(r"^(.+?) en ([0-9.]+) s\.$", seed.stdout, re.M)}
        result = {"seed": seeded - started, "server": served - seeded, "total": served - started, "phases": phases,
                  "cpu": re.findall(r"temps de processeur : (.+)$", seed.stdout, re.M)}
        if comites:
            begun = time.perf_counter()
            done = subprocess.run(FLASK + ["demo", "comites"], cwd=ROOT, env=env, capture_output=True, text=True)
            result["comites"] = time.perf_counter() - begun
            result["comites_output"] = done.stdout.strip().splitlines()[-2:] if done.stdout else done.stderr[-500:]
        return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Time make run's first page on an empty database.")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--sans-comites", action="store_true", help="skip timing flask demo comites afterwards")
    args = parser.parse_args(argv)
    print(f"Charge avant : {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"({os.cpu_count()} cœurs)")
    for n in range(1, args.runs + 1):
        result = one_run(comites=not args.sans_comites and n == 1)
        verdict = "OK" if result["total"] < TARGET_SECONDS else f"AU-DESSUS DE {TARGET_SECONDS} s"
        print(f"Essai {n} : première page servie après {result['total']:.1f} s ({verdict}) — "
              f"flask demo seed --base {result['seed']:.1f} s, flask run jusqu'à la page {result['server']:.1f} s")
        for label, seconds in result["phases"].items():
            print(f"    {label} : {seconds:.1f} s")
        for cpu in result["cpu"]:
            print(f"    la marche, en temps de processeur : {cpu}")
        if "comites" in result:
            print(f"  ensuite, flask demo comites seul : {result['comites']:.1f} s ({' / '.join(result['comites_output'])})")
    print(f"Charge après : {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
