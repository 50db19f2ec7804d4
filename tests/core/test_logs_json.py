"""One id per request, in the response and in every log line; JSON lines for a collector;
the e-mailed links' tokens never in them."""
import io
import json
import logging

import pytest

from app import create_app
from app.core import logs


@pytest.fixture
def json_app(database_url, tmp_path):
    root_level = logging.getLogger().level
    app = create_app({"JALONS_ENV": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": "x", "SERVER_NAME": "jalons.test", "BASE_URL": "http://jalons.test",
                      "LOG_FORMAT": "json", "MAIL_SERVER": None})
    app.instance_path = str(tmp_path)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    access = logging.getLogger(logs.ACCESS_LOGGER)
    access.addHandler(handler)
    app.logger.addHandler(handler)
    yield app, stream
    access.removeHandler(handler)
    app.logger.removeHandler(handler)
    for handler in [h for h in logging.getLogger().handlers if getattr(h, "jalons_json", False)]:
        logging.getLogger().removeHandler(handler)
    logging.getLogger().setLevel(root_level)


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_each_request_has_an_id_in_its_response_and_its_access_line(json_app):
    app, stream = json_app
    client = app.test_client()
    first, second = client.get("/healthz"), client.get("/healthz")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert ids[0] != ids[1] and all(len(i) == 32 for i in ids)
    access = [entry for entry in lines(stream) if entry["logger"] == logs.ACCESS_LOGGER]
    assert [(e["request_id"], e["method"], e["path"], e["status"]) for e in access] == [
        (ids[0], "GET", "/healthz", 200), (ids[1], "GET", "/healthz", 200)]
    assert all(isinstance(e["duration_ms"], float) and e["level"] == "INFO" for e in access)


def test_a_log_record_written_during_a_request_carries_its_id(json_app):
    app, stream = json_app
    with app.test_request_context("/"):
        app.preprocess_request()
        app.logger.warning("Un avertissement pendant la requête")
        expected = logs.request_id()
    warning = next(e for e in lines(stream) if e["message"] == "Un avertissement pendant la requête")
    assert warning["request_id"] == expected and warning["level"] == "WARNING"


def test_a_client_cannot_choose_its_request_id_without_a_trusted_proxy(json_app):
    app, _ = json_app
    response = app.test_client().get("/healthz", headers={"X-Request-Id": "abcdef12-choisi-par-le-client"})
    assert response.headers["X-Request-Id"] != "abcdef12-choisi-par-le-client"


def test_behind_a_trusted_proxy_its_id_is_kept_unless_malformed(database_url, tmp_path):
    app = create_app({"JALONS_ENV": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": "x", "SERVER_NAME": "jalons.test", "BASE_URL": "http://jalons.test",
                      "TRUSTED_PROXIES": 1, "MAIL_SERVER": None})
    client = app.test_client()
    assert client.get("/healthz", headers={"X-Request-Id": "lb-7f3a9c21"}).headers["X-Request-Id"] == "lb-7f3a9c21"
    forged = client.get("/healthz", headers={"X-Request-Id": "\" 200 \"faux\": <script>"})
    assert forged.headers["X-Request-Id"] != "\" 200 \"faux\": <script>" and len(forged.headers["X-Request-Id"]) == 32


def test_the_token_of_a_reset_link_is_not_in_the_access_line(json_app):
    app, stream = json_app
    app.test_client().get("/mot-de-passe/jeton-secret-123")
    entry = next(e for e in lines(stream) if e["logger"] == logs.ACCESS_LOGGER)
    assert "jeton-secret-123" not in json.dumps(entry) and entry["path"].endswith("[jeton]")


def test_the_access_line_names_the_logged_in_user_and_not_an_api_caller_s_session(client, login_as, caplog):
    from app.auth.roles import Role  # noqa: PLC0415

    user = login_as(Role.ANCT)
    with caplog.at_level(logging.INFO, logger=logs.ACCESS_LOGGER):
        response = client.get("/")
    line = [r for r in caplog.records if r.name == logs.ACCESS_LOGGER][-1]
    assert line.user_id == str(user.id) and line.request_id == response.headers["X-Request-Id"]
    assert line.status == response.status_code and line.path == "/"
