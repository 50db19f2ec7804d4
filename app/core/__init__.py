"""Cross-cutting pieces: database, errors, formatting, security, mail outbox."""
