"""Where uploaded and generated files live: opaque keys, never the user's file name.

The database says what a file is (name, type, hash); the storage only keeps bytes under a
random key. Two backends offer the same methods, chosen by `STORAGE_BACKEND`:

- `LocalStorage` ("local", the default) writes under `instance/documents/` (or `DOCUMENTS_DIR`):
  one server, or a shared file system.
- `S3Storage` ("s3") keeps them in a bucket of any service speaking the S3 API (SeaweedFS in
  the tests, an object storage offer in production): `S3_ENDPOINT_URL`, `S3_BUCKET`,
  `S3_REGION`, keys from `S3_ACCESS_KEY_ID` / `S3_SECRET_ACCESS_KEY` (or boto3's usual
  environment), `S3_SERVER_SIDE_ENCRYPTION` ("AES256" or "aws:kms", with `S3_SSE_KMS_KEY_ID`)
  sent with every write when set. Objects are private: a download goes through the
  application's scope checks and hash check. With `S3_PRESIGNED_SECONDS` (off by default),
  a download the scope check allowed is redirected to a presigned URL of that many seconds,
  for an object whose SHA-256 recorded by the bucket is the database's (`download_url`).
"""
import base64
import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
from typing import BinaryIO, Protocol
from urllib.parse import quote

from flask import current_app

EXTENSION_KEY = "jalons.storage"
_KEY = re.compile(r"[0-9a-f]{32}")


class Storage(Protocol):
    def save(self, data: bytes) -> str:
        """Store `data` under a new key and return the key."""

    def write(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, atomically (a reader sees all of it or nothing)."""

    def open(self, key: str) -> BinaryIO:
        """A binary stream of the stored bytes (the caller closes it); FileNotFoundError if none."""

    def copy(self, key: str) -> str:
        """Store the bytes of `key` again under a new key and return it (bulk writes)."""

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error (deleting twice is harmless)."""

    def exists(self, key: str) -> bool: ...

    def keys(self):
        """Every stored key."""

    def ping(self) -> None:
        """Raises when the storage cannot be reached."""

    def download_url(self, key: str, sha256: str, *, filename: str, content_type: str,
                     seconds: int) -> str | None:
        """An address the browser downloads the file from directly, valid `seconds`, or None:
        then the application serves the file itself."""


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
        self.write(key, data)
        return key

    def write(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (a key the database already names: `flask storage migrate`)."""
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

    def keys(self):
        """Every stored key (half-written dot-files left out)."""
        for _, _, files in os.walk(self.root):
            yield from (name for name in files if _KEY.fullmatch(name))

    def ping(self) -> None:
        """Raises when the folder cannot be written (`/readyz`)."""
        os.makedirs(self.root, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"{self.root} n'est pas accessible en écriture")

    def download_url(self, key: str, sha256: str, *, filename: str, content_type: str,
                     seconds: int) -> None:
        """A folder on the server has no address of its own: the application serves its files."""
        return None


class S3Storage:
    """Files as objects of one bucket, under the same opaque keys (no shard: a bucket has no
    folders to fill). A PUT is atomic (an object is seen whole or not at all) and is checked
    by its MD5 on arrival; `open` streams the object into a spooled temporary file, so that
    the bytes hashed by the caller are the bytes served, without holding a large file in
    memory."""

    SPOOL_BYTES = 8 * 1024 * 1024
    CHUNK = 1024 * 1024

    def __init__(self, client, bucket: str, *, encryption: str | None = None, kms_key_id: str | None = None):
        self.client, self.bucket = client, bucket
        self.extra = {}
        if encryption:
            self.extra["ServerSideEncryption"] = encryption
            if kms_key_id:
                self.extra["SSEKMSKeyId"] = kms_key_id

    @staticmethod
    def check(key: str) -> str:
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"Clé de stockage invalide\u00a0: {key!r}")
        return key

    def _missing(self, error) -> bool:
        return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")

    def save(self, data: bytes) -> str:
        key = secrets.token_hex(16)
        self.write(key, data)
        return key

    def write(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (a key the database already names: `flask storage migrate`)."""
        md5 = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        sha256 = base64.b64encode(hashlib.sha256(data).digest()).decode()
        self.client.put_object(Bucket=self.bucket, Key=self.check(key), Body=data, ContentMD5=md5,
                               ChecksumSHA256=sha256, ContentType="application/octet-stream", **self.extra)

    def copy(self, key: str) -> str:
        new = secrets.token_hex(16)
        self.client.copy_object(Bucket=self.bucket, Key=new, CopySource={"Bucket": self.bucket, "Key": self.check(key)},
                                **self.extra)
        return new

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError  # noqa: PLC0415 (boto3 only when S3 is chosen)

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.check(key))["Body"]
        except ClientError as error:
            if self._missing(error):
                raise FileNotFoundError(key) from None
            raise
        spooled = tempfile.SpooledTemporaryFile(max_size=self.SPOOL_BYTES, prefix="jalons-s3-")
        try:
            for chunk in body.iter_chunks(self.CHUNK):
                spooled.write(chunk)
            spooled.seek(0)
        except BaseException:
            spooled.close()
            raise
        finally:
            body.close()
        return spooled

    def read(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.check(key))  # no error when absent

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError  # noqa: PLC0415

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.check(key))
        except ClientError as error:
            if self._missing(error):
                return False
            raise
        return True

    def keys(self):
        """Every key of the bucket, page by page (`flask storage verify` looks for strays)."""
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", ()):
                yield item["Key"]

    def ping(self) -> None:
        """Raises when the bucket cannot be reached (`/readyz`)."""
        self.client.head_bucket(Bucket=self.bucket)

    def download_url(self, key: str, sha256: str, *, filename: str, content_type: str,
                     seconds: int) -> str | None:
        """A presigned GET of the object, valid `seconds`, when the bucket recorded for it the
        SHA-256 the database holds (the checksum sent by `write`, which the storage checked
        against the bytes it received). None when it recorded none (an object written before,
        or copied) or another one, or has no such object: the caller then streams the file
        through its own hash check, which names the problem."""
        from botocore.exceptions import ClientError  # noqa: PLC0415

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.check(key), ChecksumMode="ENABLED")
        except ClientError as error:
            if self._missing(error):
                return None
            raise
        if head.get("ChecksumSHA256") != base64.b64encode(bytes.fromhex(sha256)).decode():
            return None
        return self.client.generate_presigned_url("get_object", ExpiresIn=seconds, Params={
            "Bucket": self.bucket, "Key": key, "ResponseContentType": content_type,
            "ResponseContentDisposition": attachment(filename), "ResponseCacheControl": "private, no-store",
        })


def attachment(filename: str) -> str:
    """`Content-Disposition` of a download named `filename` (RFC 6266: an ASCII fallback, then
    the UTF-8 name), as Flask's send_file writes it."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[\\"\r\n]', "", ascii_name) or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def s3_client(config):
    import boto3  # noqa: PLC0415 (boto3 only when S3 is chosen)
    from botocore.config import Config  # noqa: PLC0415

    return boto3.client(
        "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None, region_name=config.get("S3_REGION") or None,
        aws_access_key_id=config.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        # SigV4 for presigned URLs too (botocore would sign those with the deprecated SigV2).
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                      retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30),
    )


def build_storage(config, instance_path: str, backend: str | None = None) -> Storage:
    """The storage `backend` ("local" or "s3"; default the setting) described by `config`."""
    backend = (backend or config.get("STORAGE_BACKEND") or "local").lower()
    if backend == "local":
        return LocalStorage(config.get("DOCUMENTS_DIR") or os.path.join(instance_path, "documents"))
    if backend == "s3":
        if not config.get("S3_BUCKET"):
            raise RuntimeError("STORAGE_BACKEND=s3 demande S3_BUCKET (et S3_ENDPOINT_URL hors AWS).")
        return S3Storage(s3_client(config), config["S3_BUCKET"], encryption=config.get("S3_SERVER_SIDE_ENCRYPTION"),
                         kms_key_id=config.get("S3_SSE_KMS_KEY_ID"))
    raise RuntimeError(f"STORAGE_BACKEND inconnu\u00a0: {backend!r} (local ou s3).")


def get_storage(app=None) -> Storage:
    """The application's storage, built on first use (the instance path is known by then)."""
    app = app or current_app._get_current_object()
    storage = app.extensions.get(EXTENSION_KEY)
    if storage is None:
        storage = app.extensions[EXTENSION_KEY] = build_storage(app.config, app.instance_path)
    return storage
