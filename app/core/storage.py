"""Where uploaded and generated files live: opaque keys, never the user's file name.

The database says what a file is (name, type, hash); the storage only keeps bytes under a
random key. `LocalStorage` writes under `instance/documents/` (or `DOCUMENTS_DIR`); another
backend (an S3 bucket, say) only has to offer the same methods.
"""
import os
import re
import secrets
import tempfile
from typing import BinaryIO, Protocol

from flask import current_app

EXTENSION_KEY = "jalons.storage"
_KEY = re.compile(r"[0-9a-f]{32}")


class Storage(Protocol):
    def save(self, data: bytes) -> str:
        """Store `data` under a new key and return the key."""

    def open(self, key: str) -> BinaryIO:
        """A binary stream of the stored bytes (the caller closes it); FileNotFoundError if none."""

    def copy(self, key: str) -> str:
        """Store the bytes of `key` again under a new key and return it (bulk writes)."""

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error (deleting twice is harmless)."""

    def exists(self, key: str) -> bool: ...


class LocalStorage:
    """Files on the local disk, in two-character shards so no folder grows too large."""

    def __init__(self, root: str | os.PathLike):
        self.root = os.fspath(root)

    def path(self, key: str) -> str:
        # The key comes from our database, but a malformed one must never reach the disk.
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"Clé de stockage invalide\u00a0: {key!r}")
        return os.path.join(self.root, key[:2], key)

    def save(self, data: bytes) -> str:
        key = secrets.token_hex(16)
        final = self.path(key)
        folder = os.path.dirname(final)
        os.makedirs(folder, exist_ok=True)
        # Written beside its final place, then renamed: a reader never sees half a file,
        # and a crash leaves at most a dot-file that no key points to.
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".envoi-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise
        return key

    def copy(self, key: str) -> str:
        """A hard link: the same bytes under a new key, written once for many documents (the
        demo's placeholders). Files are never rewritten in place (`save` renames a new one over),
        and removing one key leaves the others intact."""
        new = secrets.token_hex(16)
        final = self.path(new)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        try:
            os.link(self.path(key), final)
        except OSError:  # a file system without hard links: copy the bytes
            return self.save(self.read(key))
        return new

    def open(self, key: str) -> BinaryIO:
        return open(self.path(key), "rb")

    def read(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def delete(self, key: str) -> None:
        try:
            os.unlink(self.path(key))
        except FileNotFoundError:
            pass

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))


def get_storage(app=None) -> Storage:
    """The application's storage, built on first use (the instance path is known by then)."""
    app = app or current_app._get_current_object()
    storage = app.extensions.get(EXTENSION_KEY)
    if storage is None:
        root = app.config.get("DOCUMENTS_DIR") or os.path.join(app.instance_path, "documents")
        storage = app.extensions[EXTENSION_KEY] = LocalStorage(root)
    return storage
