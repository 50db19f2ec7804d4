"""The tokens of e-mailed links never reach a log line."""
import http.client
import logging
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

TOKEN = "eyJpZCI6NDIsImZwIjoiYWJjIn0.aw8jNA.x41zIymrLhJGYME-GZMisi7hwVg"


@pytest.fixture
def dev_server(app):
    """The application behind Werkzeug's development server (`flask run`), on a free port."""
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join()


def get(server, path) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "jalons.test"})
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("prefix", ["/mot-de-passe/", "/invitation/"])
def test_the_development_server_logs_the_route_not_the_token(dev_server, caplog, prefix):
    caplog.set_level(logging.INFO, logger="werkzeug")
    assert get(dev_server, prefix + TOKEN) == 303
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any(f"GET {prefix}[jeton] HTTP/1.1" in line and "303" in line for line in lines), lines
    assert not any(TOKEN in line for line in lines)


def test_other_paths_are_logged_as_they_are(dev_server, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    get(dev_server, "/mot-de-passe-oublie")
    assert any("GET /mot-de-passe-oublie HTTP/1.1" in r.getMessage() for r in caplog.records)


def test_gunicorn_access_log_shows_the_route_not_the_token(app, capsys):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s')
    log = Logger(config)
    try:
        environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/invitation/{TOKEN}",
                   "PATH_INFO": f"/invitation/{TOKEN}", "SERVER_PROTOCOL": "HTTP/1.1",
                   "REMOTE_ADDR": "203.0.113.9", "HTTP_REFERER": f"https://mail.example/?u=/invitation/{TOKEN}"}
        log.access(SimpleNamespace(status="303 See Other", headers=[], sent=0),
                   SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    finally:
        for handler in list(log.access_log.handlers):
            log.access_log.removeHandler(handler)
    out = capsys.readouterr().out
    assert '"GET /invitation/[jeton] HTTP/1.1" 303' in out
    assert TOKEN not in out


def test_a_malformed_record_is_left_to_the_handler(app):
    from app.core.logs import RedactTokens, token_paths

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s %s", ("seul",), None)
    assert RedactTokens(token_paths(app)).filter(record) is True
    assert record.args == ("seul",)
