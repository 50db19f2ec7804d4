from functools import partial

import pytest
from werkzeug.security import generate_password_hash

# Until the root conftest imports them, the shared SMTP fixtures are imported here.
from tests.mail_fixtures import closed_smtp_port, smtp_server  # noqa: F401


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """scrypt takes a good fraction of a second by design; tests hash hundreds of passwords.

    check_password_hash reads the method from the stored hash, so checking is unchanged.
    """
    monkeypatch.setattr(
        "app.auth.models.generate_password_hash",
        partial(generate_password_hash, method="pbkdf2:sha256:1000"),
    )
