"""Stage raw documents into the raw bucket, content-addressed, in batches; decide what needs parsing.

Belongs here: reading a source, putting raw objects (never deleted), the batch manifests of a run
and the parse-state index that makes backfills incremental. Not here: parsing (tasks/parse.py) or
publishing (tasks/publish.py, which also writes the state index after a partition is replaced).
"""

from __future__ import annotations

import hashlib
import itertools
from collections import deque
import os
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

import polars as pl
from prefect import task

from tasks.storage import (
    IO_THREADS,
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
                   "source_url": pl.String, "size": pl.Int64, "rejected": pl.String, "data": pl.Binary}
# Documents up to this size travel inside their batch's manifest as well as in their raw object, up to
# INLINE_BATCH_BYTES a batch (the rest are read from the raw bucket by the parse task).
INLINE_MAX_BYTES = 512 * 1024
INLINE_BATCH_BYTES = 64 * 1024 * 1024
# Raw objects are put in groups, with at most MAX_PENDING_BYTES queued.
PUT_GROUP = 64
MAX_PENDING_BYTES = 256 * 1024 * 1024
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


def source_documents(source: str, settings: S3Settings, pool: ThreadPoolExecutor | None = None,
                     chunk: int = 64):
    """(name, bytes, url) of every document under a folder or s3://bucket/prefix, in listing order.

    With `pool`, documents are read `chunk` at a time in parallel (an S3 source is one GET each)."""
    store = _source_store(source, settings)
    keys = (k for k in store.list() if _is_document(k))
    while True:
        group = list(itertools.islice(keys, chunk))
        if not group:
            return
        datas = pool.map(store.get, group) if pool else map(store.get, group)
        for key, data in zip(group, datas):
            yield key.rsplit("/", 1)[-1], data, None


class _RawIndex:
    """Which raw objects exist: `raw/` is listed once, on 16 threads (`raw/0` … `raw/f`, 1,000 keys a
    request), instead of one HEAD per document; a key put by this run is added as it is put."""

    def __init__(self, raw: Store, pool: ThreadPoolExecutor):
        self.raw, self.pool = raw, pool
        self.keys: set[str] | None = None

    def missing(self, keys: list[str]) -> list[str]:
        if self.keys is None:
            self.keys = set()
            for found in self.pool.map(lambda p: list(self.raw.list(f"raw/{p:x}")), range(16)):
                self.keys.update(found)
        return [k for k in keys if k not in self.keys]


@task(name="stage-documents", **NETWORK_RETRIES, retry_condition_fn=network_error)
def stage_documents(source: str, run_prefix: str, batch_size: int, settings: S3Settings,
                    skip_state: str | None = None) -> dict:
    """Put every source document into the raw bucket once and write the batch manifests.

    With `skip_state` (a `state_prefix`), documents already in that index are staged but not
    batched: they need no parsing. Returns the batch keys and the counts.

    I/O runs on a thread pool: sources are read, raw objects put and manifests written in parallel,
    with bounded queues (at most MAX_PENDING_BYTES of puts, two manifests), so memory stays flat. A raw
    object already in the bucket is not put again (`raw/` is listed once, not one HEAD per document). Each manifest also carries the bytes of its documents up to INLINE_MAX_BYTES, so
    parsing a batch is one GET, not one per document.
    """
    raw = raw_store(settings)
    done = parsed_ids(raw, skip_state) if skip_state else set()
    seen: set[str] = set()
    skipped = to_parse = 0
    keys: list[str] = []
    manifests: deque[Future] = deque()
    puts: deque[tuple[Future, int]] = deque()  # raw objects being put, with their sizes
    put_bytes = 0
    with ThreadPoolExecutor(IO_THREADS, thread_name_prefix="stage") as pool:
        index = _RawIndex(raw, pool)

        def put_raw(group: list[tuple[str, bytes, dict]]) -> None:
            nonlocal put_bytes
            absent = set(index.missing([key for key, _, _ in group]))
            index.keys.update(absent)  # type: ignore[union-attr] (listed by missing())
            for key, data, meta in group:
                if key in absent:
                    puts.append((pool.submit(raw.put, key, data, meta), len(data)))
                    put_bytes += len(data)
            while puts and (put_bytes > MAX_PENDING_BYTES or len(puts) > 4 * IO_THREADS):
                done_put, size = puts.popleft()  # bounded memory: wait for the oldest puts
                done_put.result()
                put_bytes -= size

        def write_manifest(rows: list[dict]) -> None:
            key = f"{run_prefix}/batches/{len(keys):05d}.parquet"
            manifest = pl.DataFrame(rows, schema=MANIFEST_SCHEMA)
            manifests.append(pool.submit(write_parquet, raw, key, manifest.to_arrow()))
            keys.append(key)
            while len(manifests) > 2:
                manifests.popleft().result()

        rows: list[dict] = []
        group: list[tuple[str, bytes, dict]] = []
        inline = 0
        for name, data, url in source_documents(source, settings, pool):
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
            meta = {"source-name": encode_meta(name), "sha256": digest}
            if url:
                meta["source-url"] = encode_meta(url)
            group.append((key, data, meta))
            if len(group) == PUT_GROUP:
                put_raw(group)
                group = []
            carried = len(data) <= INLINE_MAX_BYTES and inline + len(data) <= INLINE_BATCH_BYTES and not rejected
            inline += len(data) if carried else 0
            rows.append({"raw_key": key, "report_id": digest, "source_name": name, "source_url": url,
                         "size": len(data), "rejected": rejected, "data": data if carried else None})
            to_parse += 1
            if len(rows) == batch_size:
                write_manifest(rows)
                rows, inline = [], 0
        put_raw(group)
        if rows:
            write_manifest(rows)
        wait_all([f for f, _ in puts] + list(manifests))
    return {"batches": keys, "documents": len(seen), "to_parse": to_parse, "skipped": skipped}


def wait_all(futures: list[Future]) -> None:
    """Wait for every future; the first failure is raised (after the others have finished)."""
    wait(futures)
    for f in futures:
        f.result()


def read_manifest(settings: S3Settings, key: str) -> pl.DataFrame:
    return pl.from_arrow(read_parquet(raw_store(settings), key))
