"""One page of a list, whatever `?page=` says.

Flask-SQLAlchemy's `paginate` turns a missing or non-numeric page into 1, but a page past the
end is an empty list, and a huge number becomes an OFFSET the database refuses (SQLite:
integer overflow). Here a page past the end shows the last page, an invalid one the first,
and the user is told which page they got.

The rows are counted first, so the page is known to exist before it is read: one count and one
read, whatever `?page=` asks (reading first, as Flask-SQLAlchemy does, read and counted twice
for a page past the end).
"""
from math import ceil

from flask import current_app, flash, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

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


class Page(Pagination):
    """Flask-SQLAlchemy's page (what the `pagination` macro reads), given its rows and total."""

    def _query_items(self) -> list:
        return self._query_args["read"](self._query_offset, self.per_page)

    def _query_count(self) -> int:
        return self._query_args["total"]


def count(stmt) -> int:
    """The rows of `stmt`: a count over it, without its order and its eager loads."""
    rows = stmt.options(lazyload("*")).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(rows))


def paginate(stmt, per_page: int | None = None, *, rows=None) -> Page:
    """The page of `stmt` the request asks for (`?page=`), kept within the list.

    `rows`: read the page in two steps, as a deferred join. `stmt` then selects only the key of
    the list's rows, in the list's order (an index on the order and the key reads it without
    touching the table); `rows(keys)` is the statement of the rows whose key is in `keys` (that
    page's keys, a subquery), in the same order. A deep page costs one walk of the index to its
    OFFSET, not a walk of every row before it; still one statement.
    """
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = requested_page(request.args.get("page"))
    if page is None:
        flash("Ce numéro de page n'existe pas\u00a0: voici la première page.", "info")
        page = 1
    total = count(stmt)
    pages = ceil(total / per_page)
    if page > max(pages, 1):
        if pages == 1:
            flash("Cette page n'existe pas\u00a0: la liste tient sur une seule page.", "info")
        elif pages:
            flash(f"Cette page n'existe pas\u00a0: la liste compte {plural_fr(pages, 'page')}, "
                  "voici la dernière.", "info")
        page = max(pages, 1)

    def read(offset: int, limit: int) -> list:
        if not total:
            return []
        window = stmt.limit(limit).offset(offset)
        if rows is not None:
            window = rows(window)
        return list(db.session.execute(window).unique().scalars())

    return Page(page=page, per_page=per_page, max_per_page=None, error_out=False, read=read, total=total)
