"""Convention PDFs are rendered once per content, kept in the storage, and renders are limited."""
import os
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from weasyprint import HTML

from app.auth.roles import Role
from app.conventions import cache, pdf
from app.conventions.fetcher import StaticOnlyFetcher
from app.conventions.models import ConventionPdf
from app.core.db import db
from app.core.formatting import utcnow
from tests import factories
from tests.conventions.conftest import pdf_text

TOO_MANY = "Trop de générations de PDF en peu de temps\u00a0: réessayez dans quelques minutes."


def url(dossier, kind="adhesion"):
    return f"/dossiers/{dossier.id}/conventions/{kind}.pdf"


def files_in(storage) -> list[str]:
    return sorted(name for _, _, names in os.walk(storage.root) for name in names)


def entries() -> list[ConventionPdf]:
    return list(db.session.scalars(select(ConventionPdf).order_by(ConventionPdf.id)))


@pytest.fixture
def renders(monkeypatch):
    """Every WeasyPrint render, whoever asks for it (the real one runs)."""
    calls = []
    real = HTML.write_pdf

    def spy(self, *args, **kwargs):
        calls.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", spy)
    return calls


@pytest.fixture
def fake_renders(monkeypatch):
    """A renderer that answers at once, for the tests that need many renders."""
    calls = []

    def fake(html, dossier, kind, fetcher=None):
        calls.append(kind)
        return b"%PDF-1.7 rendu " + cache.inputs_digest(html).encode()

    monkeypatch.setattr(cache, "write_pdf", fake)
    return calls


@pytest.fixture
def reader(login_as, dossier):
    return login_as(Role.PREFECTURE, departement_code=dossier.departement_code)


def test_a_second_get_serves_the_kept_pdf_without_rendering(client, reader, dossier, storage, renders):
    first = client.get(url(dossier))
    second = client.get(url(dossier))
    assert first.status_code == second.status_code == 200
    assert len(renders) == 1
    assert second.data == first.data and first.data.startswith(b"%PDF-")
    [entry] = entries()
    assert files_in(storage) == [entry.storage_key]
    assert (entry.dossier_id, entry.kind, entry.rendered_by_id) == (dossier.id, "adhesion", reader.id)
    assert second.headers["Content-Disposition"] == 'inline; filename="projet-convention-adhesion-pvd-75-64-9.pdf"'


def test_another_reader_gets_the_same_kept_pdf(client, login_as, reader, dossier, storage, renders):
    first = client.get(url(dossier)).data
    login_as(Role.ANCT)
    assert client.get(url(dossier)).data == first
    assert len(renders) == 1


def test_a_change_of_the_dossier_changes_the_hash_and_renders_again(client, reader, dossier, storage,
                                                                     renders):
    client.get(url(dossier))
    before = entries()[0].inputs_sha256
    dossier.nom = "Pays Basque intérieur et côte"
    db.session.commit()
    changed = client.get(url(dossier))
    assert changed.status_code == 200
    assert len(renders) == 2
    assert "Pays Basque intérieur et côte" in pdf_text(changed.data)[0]
    assert [e.inputs_sha256 == before for e in entries()] == [True, False]
    client.get(url(dossier, "cadre"))
    assert len(renders) == 3


def test_the_hash_covers_the_html_the_static_files_and_the_renderer(app, tmp_path, monkeypatch):
    (tmp_path / "css").mkdir()
    font = tmp_path / "css" / "police.woff"
    font.write_bytes(b"wOFF une")
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    html = '<style>@font-face { src: url("jalons-static:///css/police.woff") }</style><p>A</p>'
    digest = cache.inputs_digest(html)
    assert cache.inputs_digest(html) == digest
    assert cache.inputs_digest(html.replace("<p>A", "<p>B")) != digest
    font.write_bytes(b"wOFF deux")
    assert cache.inputs_digest(html) != digest
    font.unlink()
    assert cache.inputs_digest(html) not in (digest, cache.inputs_digest(html.replace("A", "B")))
    monkeypatch.setattr(cache, "RENDERER_VERSION", "autre")
    assert cache.inputs_digest(html) != digest


def test_the_static_files_hashed_are_those_weasyprint_loads(app, dossier):
    """The hash reads the `jalons-static:///` addresses of the HTML; a resource reached another
    way (a relative URL) would escape it: this test says so if a template ever does that."""
    html = pdf.render_html(dossier, "cadre")
    fetcher = StaticOnlyFetcher(app.static_folder)
    pdf.write_pdf(html, dossier, "cadre", fetcher)
    assert sorted(set(fetcher.served)) == cache.static_references(html)
    assert any(ref.endswith("Marianne-Regular.woff") for ref in cache.static_references(html))


def test_the_eleventh_render_in_ten_minutes_is_refused_with_429(client, reader, dossier, storage,
                                                                fake_renders, monkeypatch):
    assert client.application.config["CONVENTION_PDF_RENDERS_PER_USER"] == 10
    assert client.application.config["CONVENTION_PDF_RENDER_WINDOW_SECONDS"] == 600
    for n in range(10):
        dossier.nom = f"Nom {n}"
        db.session.commit()
        assert client.get(url(dossier)).status_code == 200
    kept = client.get(url(dossier))  # a hit: never counted, never refused
    assert kept.status_code == 200 and len(fake_renders) == 10

    dossier.nom = "Nom 10"
    db.session.commit()
    refused = client.get(url(dossier))
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert TOO_MANY in page and "<h1>Trop de demandes</h1>" in page
    assert len(fake_renders) == 10 and len(entries()) == 10
    assert client.get(url(dossier, "cadre")).status_code == 429  # per user, whatever the PDF

    later = utcnow() + timedelta(minutes=11)
    monkeypatch.setattr(cache, "utcnow", lambda: later)
    assert client.get(url(dossier)).status_code == 200
    assert len(fake_renders) == 11


def test_the_limit_counts_each_user_alone(client, login_as, reader, dossier, storage, fake_renders,
                                          monkeypatch):
    monkeypatch.setitem(client.application.config, "CONVENTION_PDF_RENDERS_PER_USER", 1)
    assert client.get(url(dossier)).status_code == 200
    assert client.get(url(dossier, "cadre")).status_code == 429
    login_as(Role.ANCT)
    assert client.get(url(dossier, "cadre")).status_code == 200


def test_a_concurrent_insert_of_the_same_hash_does_not_fail_the_request(client, reader, dossier, storage,
                                                                        monkeypatch):
    """Another server rendered the same inputs and committed between our lookup and our insert."""
    theirs = {}

    def render_while_another_server_keeps_it(html, dossier, kind, fetcher=None):
        data = b"%PDF-1.7 le meme PDF"
        theirs["key"] = storage.save(data)
        db.session.add(ConventionPdf(inputs_sha256=cache.inputs_digest(html), dossier_id=dossier.id,
                                     kind=kind, storage_key=theirs["key"], sha256="0" * 64,
                                     taille=len(data), rendered_by_id=factories.user().id))
        db.session.flush()
        return data

    monkeypatch.setattr(cache, "write_pdf", render_while_another_server_keeps_it)
    response = client.get(url(dossier))
    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 le meme PDF"
    [entry] = entries()
    assert entry.storage_key == theirs["key"]
    assert files_in(storage) == [theirs["key"]]  # ours was removed


@pytest.mark.parametrize("damage", ["missing", "altered"])
def test_a_kept_file_that_is_missing_or_altered_is_rendered_again(client, reader, dossier, storage, renders,
                                                                   damage):
    first = client.get(url(dossier)).data
    [entry] = entries()
    old_key = entry.storage_key
    if damage == "missing":
        storage.delete(old_key)
    else:
        with open(storage.path(old_key), "r+b") as stored:
            stored.write(b"%PDF-1.7 autre chose")
    again = client.get(url(dossier))
    assert again.status_code == 200
    assert pdf_text(again.data) == pdf_text(first)
    assert len(renders) == 2
    db.session.expire_all()
    [entry] = entries()
    assert entry.storage_key != old_key
    assert files_in(storage) == [entry.storage_key]


def test_superseded_entries_go_once_out_of_the_window(client, reader, dossier, storage, fake_renders):
    client.get(url(dossier))
    client.get(url(dossier, "cadre"))
    [adhesion, cadre] = entries()
    adhesion.rendered_at = cadre.rendered_at = utcnow() - timedelta(days=1)
    old_adhesion, old_cadre = adhesion.storage_key, cadre.storage_key
    dossier.nom = "Autre nom"
    db.session.commit()

    client.get(url(dossier))  # the new adhésion replaces yesterday's; the cadre stays
    db.session.expire_all()
    assert {(e.kind, e.storage_key == old_cadre) for e in entries()} == {("adhesion", False), ("cadre", True)}
    assert old_adhesion not in files_in(storage) and old_cadre in files_in(storage)


def test_entries_in_the_window_stay_they_count_the_renders(client, reader, dossier, storage, fake_renders):
    client.get(url(dossier))
    dossier.nom = "Autre nom"
    db.session.commit()
    client.get(url(dossier))
    assert len(entries()) == 2 and len(files_in(storage)) == 2


def test_a_failed_commit_removes_the_file_just_kept(client, reader, dossier, storage, fake_renders,
                                                   monkeypatch):
    def failing_commit():
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        client.get(url(dossier))
    assert files_in(storage) == []


def test_a_hit_reads_the_entry_in_one_statement(client, reader, dossier, storage, fake_renders, count_queries):
    client.get(url(dossier))
    with count_queries() as counter:
        client.get(url(dossier))
    lookups = [s for s in counter.statements if "convention_pdf" in s]
    assert len(lookups) == 1 and "count(" not in lookups[0].lower()
    assert db.session.scalar(select(func.count()).select_from(ConventionPdf)) == 1
