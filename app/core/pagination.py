"""One page of a list, whatever `?page=` says.

Flask-SQLAlchemy's `paginate` turns a missing or non-numeric page into 1, but a page past the
end is an empty list, and a huge number becomes an OFFSET the database refuses (SQLite:
integer overflow). Here a page past the end shows the last page, an invalid one the first,
and the user is told which page they got.
"""
from flask import current_app, flash, request

from app.core.db import db
from app.core.formatting import plural_fr

# Far beyond any list of ours (a million pages of 25), small enough for any OFFSET.
MAX_PAGE = 1_000_000


def requested_page(raw: str | None) -> int | None:
    """The page number in the URL: 1 when absent, None when it is not a page number,
    MAX_PAGE + 1 for anything larger than MAX_PAGE."""
    raw = (raw or "").strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdecimal()):
        return None  # "-3", "2.5", "deux"
    # Compare the text first: int() of a 5,000-digit string is refused by Python itself.
    raw = raw.lstrip("0") or "0"
    if len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE:
        return MAX_PAGE + 1
    return int(raw) or None


def paginate(stmt, per_page: int | None = None):
    """The page of `stmt` the request asks for (`?page=`), kept within the list."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = requested_page(request.args.get("page"))
    if page is None:
        flash("Ce numéro de page n'existe pas\u00a0: voici la première page.", "info")
        page = 1
    result = db.paginate(stmt, page=min(page, MAX_PAGE), per_page=per_page, error_out=False)
    if page > max(result.pages, 1):
        if result.pages == 1:
            flash("Cette page n'existe pas\u00a0: la liste tient sur une seule page.", "info")
        elif result.pages:
            flash(f"Cette page n'existe pas\u00a0: la liste compte {plural_fr(result.pages, 'page')}, "
                  "voici la dernière.", "info")
        result = db.paginate(stmt, page=max(result.pages, 1), per_page=per_page, error_out=False)
    return result
