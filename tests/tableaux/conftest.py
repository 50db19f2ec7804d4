"""The hand-made programme whose figures are known (tests/tableaux/programme.py) and an ANCT
user who sees it all."""
import pytest

from app.auth.roles import Role
from tests import factories
from tests.tableaux import programme


@pytest.fixture
def prog():
    return programme.build()


@pytest.fixture
def anct():
    return factories.user_with_role(Role.ANCT)
