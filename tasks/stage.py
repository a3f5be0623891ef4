"""Stage raw documents into the raw bucket, content-addressed, in batches; decide what needs parsing.

Belongs here: reading a source, putting raw objects (never deleted), the batch manifests of a run
and the parse-state index that makes backfills incremental. Not here: parsing (tasks/parse.py) or
publishing (tasks/publish.py, which also writes the state index after a partition is replaced).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl
from prefect import task

from tasks.storage import (
    S3Settings,
    StorageError,
    Store,
    encode_meta,
    open_store,
    raw_key,
    raw_store,
    read_parquet,
    write_parquet,
)

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
# Files that are never documents: OS litter and our own temp files. Anything else is staged, so a
# document whose name merely starts with a dot is not silently skipped.
_OS_JUNK = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
MANIFEST_SCHEMA = {"raw_key": pl.String, "report_id": pl.String, "source_name": pl.String,
                   "source_url": pl.String, "size": pl.Int64, "rejected": pl.String}
STATE_SCHEMA = {"report_id": pl.String, "province": pl.String}
# Retries with backoff: object-storage I/O only (parsing is pure CPU and is never retried).
NETWORK_RETRIES = {"retries": 3, "retry_delay_seconds": [1, 4, 10]}


def network_error(task, task_run, state) -> bool:
    """Retry what a second attempt can fix (connections, S3 service errors), not a bad source or a bug."""
    from botocore.exceptions import BotoCoreError, ClientError

    exc = state.result(raise_on_failure=False)
    return isinstance(exc, (OSError, BotoCoreError, ClientError)) and not isinstance(exc, StorageError)


# ---------------------------------------------------------------------------------------------
# Parse state: which documents this warehouse already holds as parsed by a given parser version


def warehouse_id(warehouse: str) -> str:
    """A short stable name for a warehouse root (the same raw bucket can feed several warehouses)."""
    url = warehouse.rstrip("/") if warehouse.startswith("s3://") else str(Path(warehouse).resolve())
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def state_prefix(parser_version: str, warehouse: str) -> str:
    """`state/parsed/<parser_version>/<warehouse id>/` in the raw bucket.

    It holds one small Parquet per statistical year (`year=2024.parquet`: report_id, province of every
    document whose rows in that year's partitions this parser version produced) and `quarantine.parquet`.
    Each file has one writer (the year's publish flow; the quarantine step), so 100k documents cost
    ~20 GETs to read, not 100k HEADs. A lost update (two backfills of one year at once) only
    drops entries, which means re-parsing: never a skipped document. Bumping PARSER_VERSION starts
    an empty index, so the next backfill re-parses everything.
    """
    return f"state/parsed/{parser_version}/{warehouse_id(warehouse)}"


def read_state(raw: Store, key: str) -> pl.DataFrame:
    return pl.from_arrow(read_parquet(raw, key)) if raw.exists(key) else pl.DataFrame(schema=STATE_SCHEMA)


def parsed_ids(raw: Store, prefix: str) -> set[str]:
    """Every report_id in the state index under `prefix`."""
    ids: set[str] = set()
    for key in raw.list(prefix + "/"):
        if key.endswith(".parquet"):
            ids.update(pl.from_arrow(read_parquet(raw, key, columns=["report_id"]))["report_id"].to_list())
    return ids


def update_state(raw: Store, key: str, replaced: pl.Series, current: pl.DataFrame,
                 provinces: list[str] | None = None) -> None:
    """Mirror a partition replacement in the index: entries of re-parsed documents whose rows were in the
    replaced partitions (`provinces`', or all) go; the documents those partitions now hold come in."""
    gone = pl.col("report_id").is_in(replaced.implode())
    if provinces is not None:
        gone = gone & pl.col("province").is_in(pl.Series(provinces, dtype=pl.String).implode())
    existing = read_state(raw, key)
    merged = pl.concat([existing.filter(~gone), current.select(list(STATE_SCHEMA)).cast(STATE_SCHEMA)])
    if merged.is_empty() and existing.is_empty():
        return  # a year with no documents gets no index file
    write_parquet(raw, key, merged.unique("report_id", keep="last").sort("report_id").to_arrow())


# ---------------------------------------------------------------------------------------------
# Staging


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
        if name in _OS_JUNK or name.startswith(("._", ".tmp-")) or name.endswith((".gold.json", ".tsv")) \
                or name == "LABELS.md":
            continue  # labels and manifests that travel with sample corpora are not documents
        yield name, store.get(key), None


@task(name="stage-documents", **NETWORK_RETRIES, retry_condition_fn=network_error)
def stage_documents(source: str, run_prefix: str, batch_size: int, settings: S3Settings,
                    skip_state: str | None = None) -> dict:
    """Put every source document into the raw bucket once and write the batch manifests.

    With `skip_state` (a `state_prefix`), documents already in that index are staged but not
    batched: they need no parsing. Returns the batch keys and the counts.
    """
    raw = raw_store(settings)
    done = parsed_ids(raw, skip_state) if skip_state else set()
    rows, seen, skipped = [], set(), 0
    for name, data, url in source_documents(source, settings):
        digest, key = raw_key(data)
        if digest in seen:
            continue  # the same bytes under another name: one document
        seen.add(digest)
        if digest in done:
            skipped += 1  # published by this parser version already, so its raw object is there too
            continue
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
    return {"batches": keys, "documents": len(seen), "to_parse": manifest.height, "skipped": skipped}


def read_manifest(settings: S3Settings, key: str) -> pl.DataFrame:
    return pl.from_arrow(read_parquet(raw_store(settings), key))
