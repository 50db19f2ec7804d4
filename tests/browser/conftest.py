"""End-to-end fixtures: the real application, prepared by its own commands, driven by Chromium.

Unlike the rest of the suite, nothing here shares the test process's database session: the
server runs in a subprocess on a temporary SQLite file filled with the demo data, exactly as
a developer would prepare it (`db upgrade`, `referentiel import`, `pvd import`, `demo seed`).

`flask demo check` then fails the preparation if the demo lacks a state of either lifecycle
or strays from the programme's trajectory.

Set BROWSER_DATABASE_URL to a database already prepared that way to skip the preparation
(faster reruns); the tests add login attempts to it, and the lifecycle test walks the demo's
labellisé dossier, then one new dossier per later run (tests/browser/scenario.py). Uploaded and generated files always go to a temporary
DOCUMENTS_DIR, never to instance/documents.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.browser.helpers import AXE, ROOT

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
DSFR = ROOT / "app" / "static" / "vendor" / "dsfr"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-gpu",
]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _transaction():
    """The suite's rolled-back transaction does not apply: the server owns its database."""
    yield None


# --- the server ---------------------------------------------------------------------------

def _run(args, env, log):
    log.write(f"$ {' '.join(map(str, args))}\n".encode())
    log.flush()
    result = subprocess.run(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            timeout=900)
    if result.returncode != 0:
        pytest.fail(
            f"Preparing the browser-test database failed at `{' '.join(map(str, args[2:]))}` "
            f"(exit {result.returncode}); see {log.name}:\n{_tail(log.name)}",
            pytrace=False,
        )


def _tail(path, lines=40):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def _prepare_database(env, log):
    if (ROOT / "migrations" / "env.py").exists():
        _run(FLASK + ["db", "upgrade"], env, log)
    else:
        _run([sys.executable, "-c",
              "from app import create_app; from app.core.db import db\n"
              "app = create_app()\n"
              "with app.app_context(): db.create_all()"], env, log)
    _run(FLASK + ["referentiel", "import"], env, log)
    _run(FLASK + ["pvd", "import", "data/pvd-communes-2021.csv"], env, log)
    _run(FLASK + ["demo", "seed"], env, log)
    _run(FLASK + ["demo", "check"], env, log)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The server stopped (exit {process.returncode}):\n{_tail(log_path)}",
                        pytrace=False)
        try:
            with urllib.request.urlopen(url + "/connexion", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"The server did not answer within {timeout}s:\n{_tail(log_path)}", pytrace=False)


@pytest.fixture(scope="session")
def browser_folder(tmp_path_factory):
    """Where the database, the documents and the logs of the session go."""
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="session")
def server_env(browser_folder):
    """The environment of the server and of every command run on its database (prepared)."""
    folder = browser_folder
    database_url = os.environ.get("BROWSER_DATABASE_URL") or (
        "sqlite:///" + str(folder / "jalons.sqlite3")
    )
    env = {
        **os.environ,
        "JALONS_ENV": "development",
        "DEMO_MODE": "1",
        "DATABASE_URL": database_url,
        "DOCUMENTS_DIR": str(folder / "documents"),
        "SECRET_KEY": "browser-test",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("FLASK_DEBUG", None)
    if not (DSFR / "dsfr.min.css").exists():
        pytest.fail("The DSFR assets are missing from app/static/vendor/dsfr: run `make assets`.",
                    pytrace=False)
    with open(folder / "prepare.log", "wb") as log:
        if not os.environ.get("BROWSER_DATABASE_URL"):
            _prepare_database(env, log)
    return env


@pytest.fixture(scope="session")
def live_server(browser_folder, server_env):
    """The base URL of a running Jalons with the demo data."""
    folder, env = browser_folder, server_env
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    server_log = folder / "server.log"
    with open(server_log, "wb") as log:
        process = subprocess.Popen(
            FLASK + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(base_url, process, server_log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def labellise_dossier(server_env, live_server):
    """A dossier still "labellisé" in Charente-Maritime, with a commune account on it: the
    demo's Courçon (tests/browser/scenario.py): attributes id, reference, nom, commune_insee,
    commune_nom, epci_siren, epci_nom, email."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.browser.scenario"], cwd=ROOT, env=server_env,
        capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0:
        pytest.fail(f"Creating the lifecycle test's dossier failed (exit {result.returncode}):\n"
                    f"{result.stdout}{result.stderr}", pytrace=False)
    return SimpleNamespace(**json.loads(result.stdout.strip().splitlines()[-1]))


# --- the browser --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it (make system-test) or set "
                    "CHROMIUM to its path.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server, locale="fr-FR", **options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh context (no cookies), with the application's CSP enforced."""
    context, page = _new_page(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose CSP is bypassed so that axe-core can be injected."""
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make install` (npm ci).",
                    pytrace=False)
    context, page = _new_page(browser, live_server, bypass_csp=True)
    yield page
    context.close()
