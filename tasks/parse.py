"""Parse a batch of staged documents into the contract's rows (one Parquet per table).

The task does the I/O: one GET for the batch (its manifest carries the documents' bytes; bigger
documents are read from the raw bucket) and the writes. The parsing itself runs on the worker
processes of tasks/parse_pool.py, one per core.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import polars as pl
from prefect import task

from tasks.parse_pool import parse_documents, parse_entries, quarantine_row  # noqa: F401 (re-exported)
from tasks.stage import read_manifest
from tasks.storage import IO_THREADS, S3Settings, raw_store, write_parquet


@task(name="parse-batch")
def parse_batch(batch_key: str, run_prefix: str, settings: S3Settings) -> str:
    raw = raw_store(settings)
    manifest = read_manifest(settings, batch_key)
    if "data" not in manifest.columns:
        manifest = manifest.with_columns(pl.lit(None, pl.Binary).alias("data"))
    documents = {k: d for k, d in zip(manifest["raw_key"], manifest["data"]) if d is not None}
    entries = manifest.drop("data").to_dicts()
    # Documents too big to travel in the manifest (and not rejected) are read from the raw bucket.
    missing = [e["raw_key"] for e in entries if not e.get("rejected") and e["raw_key"] not in documents]
    if missing:
        with ThreadPoolExecutor(min(IO_THREADS, len(missing))) as io:
            documents.update(zip(missing, io.map(raw.get, missing)))
    frames = parse_documents(entries, documents, dt.datetime.now(dt.timezone.utc))
    del documents
    prefix = f"{run_prefix}/parsed/{batch_key.rsplit('/', 1)[-1].removesuffix('.parquet')}"
    for table, frame in frames.items():
        write_parquet(raw, f"{prefix}/{table}.parquet", frame.to_arrow())
    return prefix
