"""Queuing test messages as the application does (the reset e-mail's templates)."""
from app.core.db import db
from app.core.outbox import OutboxMessage, queue_mail


def queue(app, recipient="maire@commune-test.fr", subject="Jalons : essai", commit=True,
          **options) -> OutboxMessage:
    with app.test_request_context():
        message = queue_mail(
            recipient, subject, "emails/password_reset.txt",
            user={"nom": "Marie Maire", "email": recipient},
            url="https://jalons.test/x", validity="2 heures",
            **options,
        )
    if commit:
        db.session.commit()
    return message
