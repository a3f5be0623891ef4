"""Object storage through boto3 (moto's in-process S3 server) and the local folder store."""

from __future__ import annotations

import pytest

from tasks.storage import LocalStore, S3Settings, S3Store, StorageError, decode_meta, encode_meta, raw_key


@pytest.fixture(scope="module")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture()
def s3_store(moto_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    settings = S3Settings(endpoint_url=moto_endpoint, bucket="unit-raw")
    store = S3Store("unit-raw", "some/prefix", settings)
    try:
        store.client.create_bucket(Bucket="unit-raw")
    except store.client.exceptions.BucketAlreadyOwnedByYou:
        pass
    return store


def test_s3_store_round_trip_with_non_ascii_metadata(s3_store):
    name = "淮安市 2024 年报(终稿).pdf"
    s3_store.put("raw/ab/abc", b"bytes", {"source-name": encode_meta(name)})
    assert s3_store.get("raw/ab/abc") == b"bytes"
    assert decode_meta(s3_store.head("raw/ab/abc")["source-name"]) == name
    assert s3_store.head("raw/ab/missing") is None
    assert list(s3_store.list("raw/")) == ["raw/ab/abc"]
    s3_store.delete("raw/ab/abc")
    assert list(s3_store.list("raw/")) == []


def test_raw_keys_are_content_addressed():
    digest, key = raw_key(b"abc")
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert key == f"raw/ba/{digest}"


def test_local_store_refuses_keys_that_escape_it(tmp_path):
    store = LocalStore(tmp_path / "wh")
    with pytest.raises(StorageError):
        store.put("../outside.txt", b"x")
    store.put("a/b.txt", b"x")
    assert list(store.list()) == ["a/b.txt"]


@pytest.mark.parametrize("bucket", ["UPPER", "a", "bad..name", "has space"])
def test_invalid_bucket_names_are_refused(bucket):
    with pytest.raises(StorageError):
        S3Store(bucket, "", S3Settings(endpoint_url="http://127.0.0.1:9"))


def test_long_names_fit_s3_metadata_limits():
    name = "淮安市洪泽区人民政府" * 100 + ".pdf"
    encoded = encode_meta(name)
    assert len(encoded) <= 1024 and name.startswith(decode_meta(encoded))
    assert decode_meta(encode_meta("a/../b c\x07.txt")) == "a/../b c\x07.txt"
