"""Stage → parse → validate → publish, for one source. The flow only composes tasks."""

from __future__ import annotations

import uuid

from prefect import flow, unmapped

from tasks.parse import parse_batch
from tasks.publish import clean_run, publish_batches
from tasks.stage import stage_documents
from tasks.storage import S3Settings
from tasks.validate import validate_batch


@flow(name="ogi-ingest", log_prints=True)
def ingest(source: str, warehouse: str, settings: S3Settings | None = None, batch_size: int = 200) -> dict:
    settings = settings or S3Settings.from_env()
    run_prefix = f"runs/{uuid.uuid4().hex}"
    batches = stage_documents(source, run_prefix, batch_size, settings)
    parsed = parse_batch.map(batches, unmapped(run_prefix), unmapped(settings))
    valid = validate_batch.map(parsed, unmapped(settings))
    summary = publish_batches([f.result() for f in valid], warehouse, settings)
    clean_run(run_prefix, settings)
    return summary
