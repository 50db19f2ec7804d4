"""lower() in SQL folds accented capitals on both databases, as Python does (SQLite's own folds
ASCII only: app/core/db.py gives it Python's)."""
from sqlalchemy import func, literal, select

from app.admin.services import users_query
from app.auth.roles import Role
from app.core.db import db
from tests import factories


def test_sql_lower_folds_accented_capitals_as_python_does(app):
    for text in ("HÉLÈNE ROUX", "ÇA ŒUVRE Ÿ", "Saint-Étienne", "déjà"):
        assert db.session.scalar(select(func.lower(literal(text)))) == text.lower()
    assert db.session.scalar(select(func.lower(None))) is None


def test_the_admin_finds_a_user_by_a_name_typed_in_lower_case(app):
    user = factories.user_with_role(Role.ANCT, factories.user(nom="ÉLODIE HÉRAULT"))
    found = db.session.scalars(users_query("élodie hérault")).all()
    assert user in found
