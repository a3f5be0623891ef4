"""Fixtures of the unit tests that need object storage: an in-memory S3 server (moto) on 127.0.0.1."""

from __future__ import annotations

import pytest

from tasks.storage import S3Settings, S3Store


@pytest.fixture(scope="module")
def settings():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield S3Settings(endpoint_url=f"http://{host}:{port}", bucket="stage-unit")
    server.stop()


@pytest.fixture()
def raw(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    store = S3Store(settings.bucket, "", settings)
    try:
        store.client.create_bucket(Bucket=settings.bucket)
    except store.client.exceptions.BucketAlreadyOwnedByYou:
        pass
    return store
