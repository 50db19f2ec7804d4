"""Keyset pagination of the API's lists: ordered by a unique key, `apres` names the last key
of the previous page, so a page never repeats or skips a row when rows are added meanwhile
(an OFFSET would)."""
from dataclasses import dataclass

from flask import current_app, request, url_for

from app.core.db import db


class BadParameter(ValueError):
    """A query parameter the API cannot read; its message says which and why."""


@dataclass
class Page:
    rows: list
    next_after: str | None


def limit() -> int:
    raw = request.args.get("limite", "")
    if not raw:
        return int(current_app.config["API_PAGE_SIZE"])
    maximum = int(current_app.config["API_MAX_PAGE_SIZE"])
    if not (raw.isascii() and raw.isdecimal()) or not 1 <= int(raw[:6]) <= maximum:
        raise BadParameter(f"limite\u00a0: un nombre entier de 1 à {maximum}.")
    return int(raw)


def after(integer: bool):
    raw = request.args.get("apres")
    if raw is None or raw == "":
        return None
    if integer:
        if not (raw.isascii() and raw.isdecimal()) or len(raw) > 10:
            raise BadParameter("apres\u00a0: l'identifiant du dernier élément de la page précédente.")
        return int(raw)
    if len(raw) > 20:
        raise BadParameter("apres\u00a0: le code du dernier élément de la page précédente.")
    return raw


def page_of(stmt, key_column, key_of, integer: bool = True) -> Page:
    """The page of `stmt` after `?apres=`, `?limite=` rows; `key_of(row)` reads a row's key."""
    size, start = limit(), after(integer)
    if start is not None:
        stmt = stmt.where(key_column > start)
    rows = db.session.execute(stmt.order_by(key_column).limit(size + 1)).unique().all()
    rows = [r[0] if len(r) == 1 else tuple(r) for r in rows]
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, str(key_of(rows[-1])) if more else None)


def body(page: Page, items: list) -> dict:
    """The JSON of a list: its items and the address of the next page (null at the end)."""
    following = None
    if page.next_after is not None:
        args = {k: v for k, v in request.args.items() if k != "apres"}
        following = url_for(request.endpoint, _external=True, **request.view_args, **args, apres=page.next_after)
    return {"resultats": items, "suivant": following}
