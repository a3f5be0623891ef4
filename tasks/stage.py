"""Stage raw documents into the raw bucket, content-addressed, in batches; decide what needs parsing.

Belongs here: listing and reading a source, putting raw objects (never deleted) and the parse-state
index that makes backfills incremental. Not here: the batch task that stages, parses and validates
(tasks/batch.py), publishing (tasks/publish.py, which also writes the state index after a partition is
replaced).
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
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
# Concurrent reads and PUTs of one batch (several batches are staged at once: flows/ingest.py).
STAGE_THREADS = 8
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


def _is_document(key: str) -> bool:
    name = key.rsplit("/", 1)[-1]
    return not (name in _OS_JUNK or name.startswith(("._", ".tmp-")) or name.endswith((".gold.json", ".tsv"))
                or name == "LABELS.md")  # labels and manifests that travel with sample corpora are not documents


def _source_store(source: str, settings: S3Settings) -> Store:
    if source.startswith("s3://"):
        return open_store(source, settings)
    if not os.path.isdir(source):
        raise StorageError(f"source folder not found: {source}")
    return open_store(source)


@task(name="list-documents", **NETWORK_RETRIES, retry_condition_fn=network_error)
def list_documents(source: str, settings: S3Settings) -> list[str]:
    """The keys of every document under a folder or s3://bucket/prefix, in listing order."""
    return [k for k in _source_store(source, settings).list() if _is_document(k)]


class _PerRun:
    """What every batch of a run needs once per process (the raw listing, the parse state), built by
    the first batch that asks; the last few runs are kept (a long-lived `ogi serve` runs many)."""

    def __init__(self, keep: int = 4):
        self.keep = keep
        self.values: dict[tuple, object] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple, build):
        with self.lock:
            if key not in self.values:
                self.values[key] = build()
                while len(self.values) > self.keep:
                    self.values.pop(next(iter(self.values)))
            return self.values[key]


_per_run = _PerRun()


class _RawIndex:
    """Which raw objects exist: `raw/` is listed once per run and process, on 16 threads (`raw/0` …
    `raw/f`, 1,000 keys a request), instead of one HEAD per document; keys put since are added."""

    def __init__(self, raw: Store):
        with ThreadPoolExecutor(16) as pool:
            listed = pool.map(lambda p: list(raw.list(f"raw/{p:x}")), range(16))
            self.keys: set[str] = {k for found in listed for k in found}
        self.lock = threading.Lock()

    def missing(self, keys: list[str]) -> list[str]:
        with self.lock:
            return [k for k in keys if k not in self.keys]

    def add(self, keys: list[str]) -> None:
        with self.lock:
            self.keys.update(keys)


@dataclass
class StagedBatch:
    """A batch's documents once staged: what the parse step needs (`entries`, `documents`: raw_key →
    bytes) and the report_ids of documents skipped as already published."""

    entries: list[dict]
    documents: dict[str, bytes]
    skipped: list[str]


def stage_batch(keys: list[str], source: str, run_prefix: str, settings: S3Settings,
                skip_state: str | None = None) -> StagedBatch:
    """Put a batch of source documents into the raw bucket, once per content.

    The same bytes twice in the batch are one document (the first name wins); across batches the
    split step keeps the first batch's. With `skip_state` (a `state_prefix`), documents in that index
    are not parsed again (their raw object is there already). A raw object already in the bucket is
    not put again. Documents over MAX_DOCUMENT_BYTES are staged but rejected (quarantined as too_large).
    """
    source_store = _source_store(source, settings)
    raw = raw_store(settings)
    done = _per_run.get(("state", settings, skip_state, run_prefix),
                        lambda: frozenset(parsed_ids(raw, skip_state))) if skip_state else frozenset()
    entries: list[dict] = []
    documents: dict[str, bytes] = {}
    skipped: list[str] = []
    puts: dict[str, tuple[bytes, dict]] = {}
    with ThreadPoolExecutor(STAGE_THREADS, thread_name_prefix="stage") as io:
        for key, data in zip(keys, io.map(source_store.get, keys)):
            digest, rkey = raw_key(data)
            if rkey in puts or digest in skipped:
                continue  # the same bytes under another name: one document
            if digest in done:
                skipped.append(digest)
                continue
            name = key.rsplit("/", 1)[-1]
            rejected = None
            if len(data) > MAX_DOCUMENT_BYTES:
                rejected = f"document is {len(data)} bytes, over the {MAX_DOCUMENT_BYTES}-byte limit"
            else:
                documents[rkey] = data
            puts[rkey] = (data, {"source-name": encode_meta(name), "sha256": digest})
            entries.append({"raw_key": rkey, "report_id": digest, "source_name": name, "source_url": None,
                            "size": len(data), "rejected": rejected})
        index = _per_run.get(("raw", settings, run_prefix), lambda: _RawIndex(raw))
        absent = index.missing(list(puts))
        wait_all([io.submit(raw.put, k, *puts[k]) for k in absent])
        index.add(absent)
    return StagedBatch(entries, documents, skipped)


def wait_all(futures: list[Future]) -> None:
    """Wait for every future; the first failure is raised (after the others have finished)."""
    wait(futures)
    for f in futures:
        f.result()
