"""Numbers in paths: one that no row can have answers 404 before it reaches the database.

SQLite raises OverflowError beyond 2**63 - 1 (a 500 page); every id column is a PostgreSQL
INTEGER, so a number above its maximum names nothing. Registered as the `int` converter, the
bound applies to every `<int:…>` rule, present and future; a rule may still set its own
`max`.
"""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app) -> None:
    """Before any blueprint: a rule picks its converter when it is added."""
    app.url_map.converters["int"] = BoundedIntegerConverter
