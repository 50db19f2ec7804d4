"""Convention PDFs rendered once per content, kept in the shared storage, renders rate-limited.

A convention takes about a second to render (WeasyPrint) and any reader of a dossier may ask
for it: rendered at every GET, a few readers could keep the servers busy. So a rendered PDF is
kept and found again by the SHA-256 of everything its bytes depend on, and the renders (the
cache misses) of a user are limited; serving a kept PDF never counts.

What the hash covers: the HTML the templates make of the dossier (the context that
app/conventions/context.py builds, through the template sources, the filters and print.css,
which the HTML includes), the bytes of every static file the HTML refers to (the fonts), the
version of WeasyPrint and RENDERER_VERSION. The HTML rather than a serialisation of the context:
the context holds ORM rows whose columns and relationships the templates read freely, and a
serialisation that missed one (or a change to a filter) would serve a stale convention, while the
HTML is exactly what WeasyPrint is given. It costs a Jinja render, milliseconds against a second.

Where: the bytes in get_storage(), shared by every app server (an S3 bucket some day), and a
ConventionPdf row from the hash to the storage key; nothing in the memory or on the disk of one
server. The service flushes; the view commits, then removes the files no entry points to any
more (the one an entry replaced, those of superseded entries).
"""
import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

import weasyprint
from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.conventions.fetcher import FetchRefused, StaticOnlyFetcher, static_url
from app.conventions.models import ConventionPdf
from app.conventions.pdf import render_html, write_pdf
from app.core.db import db
from app.core.errors import DomainError
from app.core.formatting import utcnow
from app.core.storage import get_storage
from app.dossiers.models import Dossier

log = logging.getLogger(__name__)

# Bump when the PDF changes for a reason the HTML does not show: the options given to
# WeasyPrint, what the fetcher answers, the code of write_pdf.
RENDERER_VERSION = "1"

# `jalons-static:///vendor/dsfr/fonts/Marianne-Bold.woff`, as print.css writes its fonts.
STATIC_REFERENCE = re.compile(re.escape(static_url("")) + r"[^\s\"'()<>]+")


class TooManyRenders(DomainError):
    """The user asked for too many PDFs that were not kept yet, in too little time."""


@dataclass(frozen=True)
class ConventionFile:
    data: bytes
    new_key: str | None = None  # stored for this request: removed if its commit fails
    obsolete_keys: tuple[str, ...] = ()  # files no entry points to: removed after the commit


def convention_pdf(dossier: Dossier, kind: str, user, signature=None) -> ConventionFile:
    """The PDF of the convention `kind` of `dossier` (a draft, or with `signature` the text as
    signed), kept or rendered for `user`; raises TooManyRenders when a render is needed and the
    user had their share. Flushes only."""
    html = render_html(dossier, kind, signature=signature)
    digest = inputs_digest(html)
    entry = db.session.scalar(select(ConventionPdf).where(ConventionPdf.inputs_sha256 == digest))
    if entry is not None:
        data = _read(entry)
        if data is not None:
            return ConventionFile(data)
    check_render_allowed(user)
    return _keep(entry, digest, dossier, kind, user, write_pdf(html, dossier, kind))


def inputs_digest(html: str) -> str:
    """The SHA-256 of what WeasyPrint is given, each part prefixed with its name and length."""
    fetcher = StaticOnlyFetcher(current_app.static_folder)
    parts = [("renderer", RENDERER_VERSION.encode()),
             ("weasyprint", weasyprint.__version__.encode()), ("html", html.encode())]
    for url in static_references(html):
        parts += [("url", url.encode()), ("file", _static_file(fetcher, url))]
    digest = hashlib.sha256()
    for name, data in parts:
        digest.update(f"{name}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


def static_references(html: str) -> list[str]:
    return sorted(set(STATIC_REFERENCE.findall(html)))


def _static_file(fetcher: StaticOnlyFetcher, url: str) -> bytes:
    try:
        return fetcher.fetch(url).read()
    except (FetchRefused, OSError):
        return b"\x00absent"  # the PDF falls back to other fonts; the day it appears, it changes


def check_render_allowed(user) -> None:
    """At most CONVENTION_PDF_RENDERS_PER_USER renders in the last
    CONVENTION_PDF_RENDER_WINDOW_SECONDS, counted from the rows the user's renders wrote."""
    config = current_app.config
    renders = db.session.scalar(
        select(func.count()).select_from(ConventionPdf)
        .where(ConventionPdf.rendered_by_id == user.id, ConventionPdf.rendered_at >= _window_start())
    )
    if renders >= config["CONVENTION_PDF_RENDERS_PER_USER"]:
        raise TooManyRenders(
            "Trop de générations de PDF en peu de temps\u00a0: réessayez dans quelques minutes."
        )


def _window_start():
    return utcnow() - timedelta(seconds=current_app.config["CONVENTION_PDF_RENDER_WINDOW_SECONDS"])


def _read(entry: ConventionPdf) -> bytes | None:
    """The kept bytes, or None if they are missing or altered (then rendered again)."""
    try:
        data = get_storage().read(entry.storage_key)
    except FileNotFoundError:
        log.warning("PDF de convention absent du stockage : entrée %s, clé %s",
                    entry.id, entry.storage_key)
        return None
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        log.error("PDF de convention altéré dans le stockage : entrée %s, clé %s",
                  entry.id, entry.storage_key)
        return None
    return data


def _keep(entry: ConventionPdf | None, digest: str, dossier: Dossier, kind: str, user,
          data: bytes) -> ConventionFile:
    storage = get_storage()
    key = storage.save(data)
    replaced = (entry.storage_key,) if entry is not None else ()
    try:
        # A savepoint: if another server kept the same inputs in the meantime, only this
        # insert is undone and the request goes on.
        with db.session.begin_nested():
            if entry is None:
                entry = ConventionPdf(inputs_sha256=digest, dossier_id=dossier.id, kind=kind)
                db.session.add(entry)
            entry.storage_key, entry.taille = key, len(data)
            entry.sha256 = hashlib.sha256(data).hexdigest()
            entry.rendered_at, entry.rendered_by_id = utcnow(), user.id
            db.session.flush()
            superseded = _drop_superseded(entry)
    except IntegrityError:
        storage.delete(key)
        return ConventionFile(data)  # the other server's file is the same PDF
    except BaseException:
        storage.delete(key)
        raise
    return ConventionFile(data, new_key=key, obsolete_keys=replaced + superseded)


def _drop_superseded(entry: ConventionPdf) -> tuple[str, ...]:
    """The other entries of the same convention, once out of the rate-limit window (their rows
    count the renders until then): the dossier changed, or the day of the draft did."""
    condition = (
        (ConventionPdf.dossier_id == entry.dossier_id) & (ConventionPdf.kind == entry.kind)
        & (ConventionPdf.id != entry.id) & (ConventionPdf.rendered_at < _window_start())
    )
    keys = tuple(db.session.scalars(select(ConventionPdf.storage_key).where(condition)))
    if keys:
        db.session.execute(delete(ConventionPdf).where(condition))
    return keys


def discard(file: ConventionFile) -> None:
    """The commit failed: remove the file written for it."""
    if file.new_key:
        get_storage().delete(file.new_key)


def remove_obsolete(file: ConventionFile) -> None:
    """The commit succeeded: remove the files no entry points to any more."""
    storage = get_storage()
    for key in file.obsolete_keys:
        storage.delete(key)
