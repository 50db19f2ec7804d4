"""One run at a time of a scheduled command, whatever the number of machines that start it.

The daily commands are idempotent on their own (unique keys, claims); the lock saves the
second machine the work and the noise. On PostgreSQL it is an advisory lock held by a
connection of its own for the length of the run (released if the process dies: the server
drops the session); on SQLite, one machine by nature, there is nothing to take.
"""
import functools
import hashlib
from contextlib import contextmanager

import click
from sqlalchemy import text

from app.core.db import db


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"jalons:{name}".encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(name: str):
    """True inside the block when this process holds the lock `name`, False when another
    process does (then do nothing)."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    key = _key(name)
    with db.engine.connect() as connection:
        held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()


def single_run(name: str):
    """A click command that does nothing (exit 0, says so) while another run holds `name`."""
    def decorator(command):
        @functools.wraps(command)
        def wrapped(*args, **kwargs):
            with exclusive(name) as held:
                if not held:
                    click.echo(f"«\u00a0{name}\u00a0» est déjà en cours sur une autre machine\u00a0: rien à faire.", err=True)
                    return None
                return command(*args, **kwargs)
        return wrapped
    return decorator
