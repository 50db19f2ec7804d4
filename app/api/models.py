"""Personal API tokens: created by a user, named, revoked, never stored in clear."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import db
from app.core.formatting import utcnow


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    nom: Mapped[str] = mapped_column(String(100))
    # The first characters of the secret ("jalons_AbC1"): enough for its owner to tell tokens
    # apart, far too few to guess the rest.
    debut: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the whole secret, hex. A slow hash is pointless for 256 random bits; a fast
    # one lets every request find its token by an indexed equality.
    empreinte: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written at most once a minute (app/api/tokens.py), like a session's last_seen_at.
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # The rate limit's fixed window: its start and the requests counted in it.
    fenetre_debut: Mapped[datetime | None]
    fenetre_requetes: Mapped[int] = mapped_column(default=0)
    # From its creation until the page that shows it once: the secret XOR a random key that only
    # the creator's session cookie holds (app/api/tokens.hold), hex. Neither half alone tells it.
    a_montrer: Mapped[str | None] = mapped_column(String(128))

    user = relationship("User")

    @property
    def active(self) -> bool:
        return self.revoked_at is None
