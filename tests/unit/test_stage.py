"""Staging: content-addressed keys whatever the file names, one object per content, a size limit."""

from __future__ import annotations

import hashlib

import polars as pl
import pytest

from tasks.parse import parse_batch
from tasks.stage import MAX_DOCUMENT_BYTES, stage_documents
from tasks.storage import S3Settings, S3Store, decode_meta, read_parquet
from tests.conftest import SEEDS, corpus_documents

ODD_NAMES = ["报告 (终稿) 2024.txt", "ctrl\x07char.txt", "sp  aces .txt", "..tricky..txt"]


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


def test_odd_names_huge_files_and_duplicates(tmp_path, settings, raw):
    seed = corpus_documents(SEEDS)[3].read_bytes()
    for i, name in enumerate(ODD_NAMES):
        (tmp_path / name).write_bytes(seed + b"\n" * i)  # four distinct documents
    (tmp_path / "copy.txt").write_bytes(seed)  # same bytes as the first: one document
    (tmp_path / "huge.txt").write_bytes(b"x" * (MAX_DOCUMENT_BYTES + 1))
    staged = stage_documents.fn(str(tmp_path), "runs/unit", 100, settings)
    assert staged["documents"] == staged["to_parse"] == 5
    keys = [k for k in raw.list("raw/")]
    assert len(keys) == 5 and all(k.split("/")[-1] == k.split("/")[-1].lower() and len(k.split("/")[-1]) == 64
                                  for k in keys)
    digest = hashlib.sha256(seed + b"\n").hexdigest()
    assert decode_meta(raw.head(f"raw/{digest[:2]}/{digest}")["source-name"]) == ODD_NAMES[1]

    prefix = parse_batch.fn(staged["batches"][0], "runs/unit", settings)
    reports = pl.from_arrow(read_parquet(raw, f"{prefix}/reports.parquet"))
    quarantine = pl.from_arrow(read_parquet(raw, f"{prefix}/quarantine.parquet"))
    assert reports.height + quarantine.height == 5
    assert quarantine.select("source_name", "error_code").rows() == [("huge.txt", "too_large")]
    assert set(reports["source_name"]) <= set(ODD_NAMES) | {"copy.txt"}
