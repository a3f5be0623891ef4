"""One batch of a run, start to finish: stage its documents, parse them, validate the rows, write them.

One task per batch, so batch i is parsed (on the worker processes of tasks/parse_pool.py) while batch
i+1 is being put into the raw bucket, and a batch's documents and rows never make a round trip
through object storage between steps. The task does the I/O; parsing and validation are pure
(tasks/parse_pool.py, tasks/validate.py).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from prefect import task

from tasks.parse_pool import parse_documents
from tasks.stage import NETWORK_RETRIES, network_error, stage_batch
from tasks.storage import S3Settings, raw_store, write_parquet
from tasks.validate import validate_frames

# The files of a batch's output, `<run>/batches/<n>/<table>.parquet`, that are not contract tables:
# the report_ids the batch skipped as already published.
SKIPPED = "skipped"


def batch_prefix(run_prefix: str, index: int) -> str:
    return f"{run_prefix}/batches/{index:05d}"


@task(name="ingest-batch", **NETWORK_RETRIES, retry_condition_fn=network_error)
def ingest_batch(keys: list[str], index: int, source: str, run_prefix: str, settings: S3Settings,
                 skip_state: str | None = None) -> str:
    """Stage, parse and validate the source documents `keys`; the prefix their rows are written under.

    Every document ends as rows or as a quarantine row. Retrying after a network error is safe:
    staging is idempotent and the batch's files are rewritten whole.
    """
    staged = stage_batch(keys, source, run_prefix, settings, skip_state)
    now = dt.datetime.now(dt.UTC)
    frames = validate_frames(parse_documents(staged.entries, staged.documents, now), now.date().isoformat())
    frames[SKIPPED] = pl.DataFrame({"report_id": staged.skipped}, schema={"report_id": pl.String})
    raw = raw_store(settings)
    prefix = batch_prefix(run_prefix, index)
    for table, frame in frames.items():
        write_parquet(raw, f"{prefix}/{table}.parquet", frame.to_arrow())
    return prefix
