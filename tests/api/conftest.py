import pytest

from app.api import tokens
from app.core.db import db
from tests.exports import programme


@pytest.fixture
def world():
    return programme.build()


@pytest.fixture
def bearer():
    """`bearer(user)`: the headers of a request with a new token of `user`."""

    def make(user, nom="Essai"):
        _, secret = tokens.create_token(user, nom)
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return make
