"""Conventions printed as PDF: a Jinja template, rendered by WeasyPrint.

WeasyPrint loads nothing but the application's static files (StaticOnlyFetcher): the data of a
dossier is autoescaped text, and whatever URL would reach the renderer anyway is refused.
"""
import re
from datetime import date

from flask import current_app, render_template
from weasyprint import HTML

from app.conventions.context import KINDS, Signature, convention_context
from app.conventions.fetcher import StaticOnlyFetcher, static_url
from app.dossiers.models import Dossier

TEMPLATES = {kind: f"conventions/{kind}.html" for kind in KINDS}

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def pdf_filename(dossier: Dossier, kind: str, signed: bool = False) -> str:
    """`projet-convention-adhesion-pvd-75-17-4.pdf` (signed: `convention-adhesion-pvd-75-17-4-signee.pdf`):
    safe in a header and on any disk."""
    reference = _UNSAFE.sub("-", dossier.reference).strip("-.") or str(dossier.id)
    return f"convention-{kind}-{reference}-signee.pdf" if signed else f"projet-convention-{kind}-{reference}.pdf"


def render_html(dossier: Dossier, kind: str, today: date | None = None,
                signature: Signature | None = None) -> str:
    context = convention_context(dossier, kind, today, signature)  # ValueError for an unknown kind
    return render_template(TEMPLATES[kind], **context)


def render_convention(dossier: Dossier, kind: str, today: date | None = None,
                      fetcher: StaticOnlyFetcher | None = None, signature: Signature | None = None) -> bytes:
    """The PDF of the convention `kind` ("adhesion" or "cadre") of `dossier`: a draft, or with
    `signature` the text as signed."""
    return write_pdf(render_html(dossier, kind, today, signature), dossier, kind, fetcher)


def write_pdf(html: str, dossier: Dossier, kind: str,
              fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """WeasyPrint on the HTML of a convention: the slow part (about a second), which
    app/conventions/cache.py spares when the same HTML was rendered before."""
    fetcher = fetcher or StaticOnlyFetcher(current_app.static_folder)
    document = HTML(string=html, base_url=static_url(""), url_fetcher=fetcher)
    pdf = document.write_pdf()
    if fetcher.refused:
        current_app.logger.warning(
            "PDF de convention %s du dossier %s : ressources refusées %s",
            kind, dossier.reference, fetcher.refused,
        )
    return pdf

