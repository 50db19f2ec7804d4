"""How long `make run` takes, on a fresh clone whose packages are installed, to serve its first page.

    .venv/bin/python bench/first_run.py            # once
    .venv/bin/python bench/first_run.py --runs 3   # three times, each from an empty database

What `make run` does after its installation steps (stamps already there), timed, in a
temporary folder instead of instance/: `flask demo serve` (in one process: the schema, the
referentiel, the PVD list, the demo accounts, the walk of the dossiers and their projets,
the comités of the demo département, then the server), until GET /connexion answers 200.
The time of each phase is read from what the seed prints. The past comités of the other
départements, which `make run` holds beside the server (`flask demo comites`), are not part
of the wait: on the first run they are timed after the first page, until their log says
they are done, for the record (`--sans-comites`: not waited for).

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
from pathlib import Path

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
        port, output, journal = _free_port(), Path(folder) / "serve.log", Path(folder) / "comites.log"
        started = time.perf_counter()
        with open(output, "w") as out:
            server = subprocess.Popen(FLASK + ["demo", "serve", "--port", str(port), "--journal-comites", str(journal)],
                                      cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            if not _served(f"http://127.0.0.1:{port}/connexion", server, timeout=600):
                sys.exit(f"flask demo serve n'a pas servi de page :\n{output.read_text()[-3000:]}")
            served = time.perf_counter()
            result = {"total": served - started}
            if comites:  # held beside the server: timed until its log says it is done
                while server.poll() is None and "Terminé en" not in journal.read_text():
                    time.sleep(1)
                result["comites"] = time.perf_counter() - served
                result["comites_output"] = journal.read_text().strip().splitlines()[-2:]
        finally:
            server.terminate()
            server.wait()
        text = output.read_text()
        result["phases"] = {label: float(seconds) for label, seconds in re.findall(r"^(.+?) en ([0-9.]+) s\.$", text, re.M)}
        result["cpu"] = re.findall(r"temps de processeur : (.+)$", text, re.M)
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
        print(f"Essai {n} : première page servie après {result['total']:.1f} s ({verdict})")
        for label, seconds in result["phases"].items():
            print(f"    {label} : {seconds:.1f} s")
        for cpu in result["cpu"]:
            print(f"    la marche, en temps de processeur : {cpu}")
        if "comites" in result:
            print(f"  ensuite, flask demo comites à côté du serveur : {result['comites']:.1f} s "
                  f"({' / '.join(result['comites_output'])})")
    print(f"Charge après : {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
