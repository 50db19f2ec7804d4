"""`flask outbox worker`: a real process, its own connections, stopped by a signal."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app.core.db import db
from tests.core.outbox.helpers import queue

pytestmark = pytest.mark.no_transaction
ROOT = Path(__file__).resolve().parents[3]
DOMAIN = "worker-test.fr"


@pytest.fixture
def committed_message(app):
    with app.app_context():
        queue(app, f"maire@{DOMAIN}")
        db.session.remove()
    yield
    with app.app_context():
        db.session.execute(text("DELETE FROM outbox_message WHERE recipient LIKE :d"), {"d": f"%@{DOMAIN}"})
        db.session.commit()


def wait_for(condition, seconds=30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_worker_sends_and_stops_cleanly_on_sigterm(app, database_url, committed_message, smtp_server):
    """SIGTERM is what systemd sends; Ctrl-C (SIGINT) has the same handler. One process only:
    starting the application takes seconds."""
    env = {
        **os.environ, "JALONS_ENV": "test", "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(app.config["MAIL_PORT"]),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "worker", "--interval", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert wait_for(lambda: len(smtp_server.envelopes) == 1), "rien reçu du worker"
        time.sleep(1.5)  # a second pass, which finds nothing more to send
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=15)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, output
    assert "1 courriel(s) envoyé(s), 0 en échec." in output
    assert "Arrêt demandé : envoi des courriels terminé." in output
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [[f"maire@{DOMAIN}"]]
