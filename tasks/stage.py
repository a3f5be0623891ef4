"""Stage raw documents into the raw bucket, content-addressed, in batches."""

from __future__ import annotations

import os

import polars as pl
from prefect import task

from tasks.storage import (
    S3Settings,
    StorageError,
    encode_meta,
    open_store,
    raw_key,
    raw_store,
    read_parquet,
    write_parquet,
)

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MANIFEST_SCHEMA = {"raw_key": pl.String, "report_id": pl.String, "source_name": pl.String,
                   "source_url": pl.String, "size": pl.Int64, "rejected": pl.String}


def source_documents(source: str, settings: S3Settings):
    """(name, bytes, url) of every document under a folder or s3://bucket/prefix."""
    if source.startswith("s3://"):
        store = open_store(source, settings)
    else:
        if not os.path.isdir(source):
            raise StorageError(f"source folder not found: {source}")
        store = open_store(source)
    for key in store.list():
        name = key.rsplit("/", 1)[-1]
        if name.startswith(".") or name.endswith((".gold.json", ".tsv")) or name == "LABELS.md":
            continue  # labels and manifests that travel with sample corpora are not documents
        yield name, store.get(key), None


@task(name="stage-documents")
def stage_documents(source: str, run_prefix: str, batch_size: int, settings: S3Settings) -> list[str]:
    """Put every source document into the raw bucket once; return the batch manifest keys."""
    raw = raw_store(settings)
    rows, seen = [], set()
    for name, data, url in source_documents(source, settings):
        digest, key = raw_key(data)
        if digest in seen:
            continue  # the same bytes under another name: one document
        seen.add(digest)
        rejected = None
        if len(data) > MAX_DOCUMENT_BYTES:
            rejected = f"document is {len(data)} bytes, over the {MAX_DOCUMENT_BYTES}-byte limit"
        if raw.head(key) is None:
            meta = {"source-name": encode_meta(name), "sha256": digest}
            if url:
                meta["source-url"] = encode_meta(url)
            raw.put(key, data, meta)
        rows.append({"raw_key": key, "report_id": digest, "source_name": name, "source_url": url,
                     "size": len(data), "rejected": rejected})
    manifest = pl.DataFrame(rows, schema=MANIFEST_SCHEMA)
    keys = []
    for n, start in enumerate(range(0, manifest.height, batch_size)):
        key = f"{run_prefix}/batches/{n:05d}.parquet"
        write_parquet(raw, key, manifest.slice(start, batch_size).to_arrow())
        keys.append(key)
    return keys


def read_manifest(settings: S3Settings, key: str) -> pl.DataFrame:
    return pl.from_arrow(read_parquet(raw_store(settings), key))
