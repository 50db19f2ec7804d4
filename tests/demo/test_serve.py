"""`flask demo serve` (make run): the seed, then the server in the same process, the past
comités held beside it by `flask demo comites` and stopped with it."""
import sys

import pytest

from app.demo import commands


class _Recorded:
    """Stands for subprocess.Popen: what was started, and whether it was stopped."""

    started = []

    def __init__(self, args, stdout=None, stderr=None):
        self.args, self.log, self.stopped = args, stdout.name, False
        _Recorded.started.append(self)

    def terminate(self):
        self.stopped = True

    def wait(self):
        return 0


@pytest.fixture
def served(monkeypatch, app):
    calls = {}
    _Recorded.started = []
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    monkeypatch.setattr(commands.subprocess, "Popen", _Recorded)

    def run_simple(host, port, application, threaded):
        calls["server"] = (host, port, application, threaded)
        # what the comités process is told while the server runs: not stopped yet
        calls["comites_running"] = not _Recorded.started[0].stopped
        raise KeyboardInterrupt  # Ctrl+C

    monkeypatch.setattr(commands, "run_simple", run_simple)
    return calls


def test_serve_seeds_then_serves_with_the_comites_beside_and_stops_them_with_the_server(
        served, runner, app, tmp_path, monkeypatch):
    seeded = []
    monkeypatch.setattr(commands.seed, "callback", lambda **options: seeded.append(options))
    journal = tmp_path / "comites.log"
    result = runner.invoke(args=["demo", "serve", "--port", "5099", "--journal-comites", str(journal)])
    assert seeded and seeded[0]["base"] and seeded[0]["sans_registre"]
    assert served["server"] == ("127.0.0.1", 5099, app, True) and served["comites_running"]
    (comites,) = _Recorded.started
    assert comites.args[0] == sys.executable and comites.args[-2:] == ["demo", "comites"]
    assert comites.log == str(journal) and comites.stopped  # stopped with the server (Ctrl+C)
    assert "Jalons\u00a0: http://127.0.0.1:5099/" in result.output or "http://127.0.0.1:5099/" in result.output


def test_serve_refuses_without_demo_mode_and_starts_nothing(served, runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_MODE", False)
    result = runner.invoke(args=["demo", "serve", "--port", "5099"])
    assert result.exit_code != 0 and "DEMO_MODE=1" in result.output
    assert _Recorded.started == [] and "server" not in served
