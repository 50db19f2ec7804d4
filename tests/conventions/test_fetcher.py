"""WeasyPrint reaches nothing but the application's static files, whatever the PDF contains."""
import os
import socket

import pytest
from weasyprint import HTML

from app.conventions.fetcher import FetchRefused, StaticOnlyFetcher, static_url
from app.conventions.pdf import render_convention
from tests.conventions.conftest import TODAY, pdf_text


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connection attempt fails the test loudly (a refused fetch never gets this far)."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"connexion réseau tentée : {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def fetcher(app):
    return StaticOnlyFetcher(app.static_folder)


def test_it_serves_a_static_file_of_the_application(app, fetcher):
    response = fetcher.fetch(static_url("vendor/dsfr/fonts/Marianne-Regular.woff"))
    with open(os.path.join(app.static_folder, "vendor/dsfr/fonts/Marianne-Regular.woff"), "rb") as f:
        assert response.read() == f.read()
    assert fetcher.served and not fetcher.refused


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "FILE:///etc/passwd",
    "http://127.0.0.1:9/x",
    "https://example.org/x.css",
    "ftp://example.org/x",
    "data:text/css,body{color:red}",
    "jalons-static://evil.example/css/jalons.css",           # a host: not ours
    "jalons-static:///../config.py",                          # out of the folder
    "jalons-static:///%2e%2e/%2e%2e/etc/passwd",              # the same, encoded
    "jalons-static:///vendor/dsfr/fonts",                     # a folder, not a file
    "jalons-static:///css/nothing-here.css",
    "jalons-static:///css/jalons.css?x=1",
])
def test_it_refuses_anything_else(fetcher, url):
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_a_symbolic_link_out_of_the_static_folder_is_refused(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (static / "lien.css").symlink_to(secret)
    with pytest.raises(FetchRefused):
        StaticOnlyFetcher(str(static)).fetch(static_url("lien.css"))


def test_weasyprint_asks_the_fetcher_and_gets_nothing_from_a_hostile_document(fetcher):
    html = """<html><head>
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="attachment" href="file:///etc/passwd">
      <style>@import url("https://example.org/x.css");
             @font-face { font-family: X; src: url("file:///etc/hostname"); }
             body { font-family: X; background: url("http://127.0.0.1:9/bg.png"); }</style>
    </head><body><p>Bonjour</p><img src="http://127.0.0.1:9/x"></body></html>"""
    pdf = HTML(string=html, base_url=static_url(""), url_fetcher=fetcher).write_pdf()

    assert set(fetcher.refused) >= {
        "file:///etc/passwd", "https://example.org/x.css", "file:///etc/hostname",
        "http://127.0.0.1:9/bg.png", "http://127.0.0.1:9/x",
    }
    assert not fetcher.served
    assert b"root:" not in pdf


def test_dossier_data_stays_text_in_the_pdf(dossier, fetcher):
    hostile = '<img src="http://127.0.0.1:9/x">'
    dossier.liens_communes[0].commune.nom = hostile
    dossier.epci.nom = '<link rel="attachment" href="file:///etc/passwd">'
    dossier.reference = "pvd-<b>1</b>"
    pdf = render_convention(dossier, "adhesion", today=TODAY, fetcher=fetcher)

    text, _ = pdf_text(pdf)
    assert hostile in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    assert fetcher.refused == []  # nothing was even asked: the markup never became markup
    assert fetcher.served and all(url.startswith("jalons-static:///") for url in fetcher.served)
