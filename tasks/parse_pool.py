"""Parsing a batch's documents, on worker processes: the pure part of the parse step (no Prefect, no storage).

The parser is pure Python, so threads would share one core (the GIL). `parse_documents` hands the pure
`parse_entries` to a pool of worker processes, one per core, kept for the life of the process and warmed
once. This module imports no Prefect and does no I/O, so the workers stay small and start fast; the
Prefect task (tasks/batch.py) does the I/O. Small batches, and processes that may not have children
(Dask's daemonic workers, which are processes already), parse in the calling thread.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import threading
import traceback
from concurrent.futures import ProcessPoolExecutor

import polars as pl

from schemas.tables import FIGURE_TABLES, polars_schema

# The parser (tasks.parsing) is imported when first used: a process that only hands batches to the
# workers never loads it (~1 s of imports and tables).
PARSER_MODULE = "tasks.parsing.document"

# Below this many documents a batch is parsed in the calling thread: starting the worker processes
# costs more than parsing a few documents.
POOL_MIN_DOCUMENTS = 16


def quarantine_row(entry: dict, stage: str, code: str, message: str, ingest_date: str) -> dict:
    return {"report_id": entry["report_id"], "source_key": entry["raw_key"], "source_name": entry["source_name"],
            "stage": stage, "error_code": code, "message": message, "ingest_date": ingest_date}


def parse_entries(entries: list[dict], fetch, now: dt.datetime) -> dict[str, pl.DataFrame]:
    """Pure over `fetch(raw_key) -> bytes`: every entry ends as rows or as one quarantine row."""
    from tasks.parsing.document import Unparseable, parse_document

    out: dict[str, list[dict]] = {t: [] for t in ("reports", *FIGURE_TABLES, "quarantine")}
    ingest_date = now.date().isoformat()
    for entry in entries:
        if entry.get("rejected"):
            out["quarantine"].append(quarantine_row(entry, "stage", "too_large", entry["rejected"], ingest_date))
            continue
        try:
            parsed = parse_document(fetch(entry["raw_key"]), entry["source_name"], source_key=entry["raw_key"],
                                    source_url=entry.get("source_url"), ingested_at=now)
        except Unparseable as e:
            out["quarantine"].append(quarantine_row(entry, "parse", e.code, e.message, ingest_date))
            continue
        except Exception as e:  # a parser bug must not lose the document: quarantine it with the trace
            detail = "".join(traceback.format_exception_only(type(e), e)).strip()
            out["quarantine"].append(quarantine_row(entry, "parse", "parser_error", detail, ingest_date))
            continue
        out["reports"].append(parsed.report)
        for t in FIGURE_TABLES:
            out[t].extend(getattr(parsed, t))
    return {t: pl.DataFrame(rows, schema=polars_schema(t), strict=False) for t, rows in out.items()}


def parse_processes() -> int:
    """How many worker processes parse: OGI_PARSE_PROCESSES, else one per usable core; 0 (parse in the
    calling thread) in a daemonic process (a Dask worker: it cannot have children) or on one core."""
    if multiprocessing.current_process().daemon:
        return 0
    wanted = os.environ.get("OGI_PARSE_PROCESSES")
    if wanted is not None:
        return max(0, int(wanted))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 else 0


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


# A worker's gen0 threshold (CPython's default is 700). The parser makes no reference cycles, so a young
# collection finds nothing to free; at 700 a worker ran one every few documents, each promoting the
# new cache entries towards the full collections, which then walk every cache entry (~0.5 s per 5k
# documents once the caches fill). Memory is freed by reference counting either way.
WORKER_GC_THRESHOLD = 20_000


def warm_worker() -> None:
    """What a parse worker does before its first batch: warm the parser, then move everything it loaded
    (modules, division table, OpenCC, schemas: ~150k objects) out of the collector's sight for good
    (gc.freeze), and collect the young generation less often."""
    from tasks.parsing.document import warm_up

    warm_up()
    gc.collect()
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def worker_pool() -> ProcessPoolExecutor | None:
    """The process-wide pool of parse workers (started on first use), or None to parse in-thread.

    Workers come from a fork server that has imported this module once (a fork of a single-threaded
    process that imported no Prefect: safe, and cheaper than importing the parser in every worker);
    each warms the parser's tables. They get documents' bytes and return frames: no credentials.
    """
    global _pool
    n = parse_processes()
    if n < 1:
        return None
    with _pool_lock:
        if _pool is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload([__name__, PARSER_MODULE])
            _pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=warm_worker)
            for _ in range(n):  # start them now, not at the first batch
                _pool.submit(os.getpid)
        return _pool


def stop_workers() -> None:
    """Stop the parse workers (the next batch starts them again): a run's publishing steps need
    none, and each holds ~0.4 GB of warmed tables and caches."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True)


def start_workers() -> None:
    """Start the parse workers ahead of the first batch (e.g. while Prefect's server starts)."""
    worker_pool()


def _parse_in_worker(entries: list[dict], documents: dict[str, bytes], now: dt.datetime) -> dict[str, pl.DataFrame]:
    return parse_entries(entries, documents.__getitem__, now)


def parse_documents(entries: list[dict], documents: dict[str, bytes], now: dt.datetime) -> dict[str, pl.DataFrame]:
    """`parse_entries` over `documents` (raw_key → bytes), on a worker process when there is a pool and
    the batch is worth it."""
    pool = worker_pool() if len(entries) >= POOL_MIN_DOCUMENTS else None
    if pool is None:
        return _parse_in_worker(entries, documents, now)
    return pool.submit(_parse_in_worker, entries, documents, now).result()
