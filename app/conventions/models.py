"""A rendered convention PDF, kept so that the same content is not rendered twice."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import db
from app.core.formatting import utcnow


class ConventionPdf(db.Model):
    """One PDF in the cache of app/conventions/cache.py, found by the hash of its inputs.

    Not a document of the dossier (app/documents keeps those, versioned, never deleted): an
    entry may be removed at any time and rendered again. Who rendered it and when also count
    the renders of a user, for the rate limit.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    inputs_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    storage_key: Mapped[str] = mapped_column(String(120), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))  # of the PDF, checked before it is served
    taille: Mapped[int]
    rendered_at: Mapped[datetime] = mapped_column(default=utcnow)
    rendered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    __table_args__ = (
        Index("ix_convention_pdf_rendered_by_id_rendered_at", "rendered_by_id", "rendered_at"),
    )
