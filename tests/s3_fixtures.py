"""A bucket of its own per test, on the throwaway SeaweedFS that `make test` starts
(scripts/with-seaweedfs); without it (pytest run by hand), the S3 tests are skipped.
Loaded by tests/conftest.py for every suite."""
import os
import uuid

import pytest

from app.core.storage import EXTENSION_KEY, S3Storage, s3_client


@pytest.fixture
def s3_settings():
    endpoint = os.environ.get("TEST_S3_ENDPOINT_URL")
    if not endpoint:
        pytest.skip("pas de serveur S3 de test\u00a0: lancez la suite par `make test` (scripts/with-seaweedfs)")
    return {"S3_ENDPOINT_URL": endpoint, "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": os.environ["TEST_S3_ACCESS_KEY_ID"],
            "S3_SECRET_ACCESS_KEY": os.environ["TEST_S3_SECRET_ACCESS_KEY"]}


@pytest.fixture
def bucket(s3_settings):
    """A new, empty bucket; emptied and removed afterwards."""
    client = s3_client(s3_settings)
    name = f"jalons-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    yield {**s3_settings, "S3_BUCKET": name}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", ()):
            client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


@pytest.fixture
def s3(bucket):
    return S3Storage(s3_client(bucket), bucket["S3_BUCKET"])


@pytest.fixture
def s3_app(app, bucket, monkeypatch):
    """The application with STORAGE_BACKEND=s3 on that bucket."""
    for name, value in {**bucket, "STORAGE_BACKEND": "s3"}.items():
        monkeypatch.setitem(app.config, name, value)
    monkeypatch.delitem(app.extensions, EXTENSION_KEY, raising=False)
    yield app
    app.extensions.pop(EXTENSION_KEY, None)
