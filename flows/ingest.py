"""The pipeline's flows for one source: stage → parse → validate → publish, one child flow per year.

`ingest` (`ogi run`) publishes every document of the source, whatever its year; flows/backfill.py
republishes chosen years incrementally. Both compose the same tasks: flows only orchestrate,
tasks pass object keys (batch Parquet under runs/<id>/ in the raw bucket), never dataframes.
One task per batch stages, parses and validates it (tasks/batch.py); a few batches are in flight at once.
"""

from __future__ import annotations

import uuid

from prefect import flow

from flows import progress
from flows.environment import BATCHES_IN_FLIGHT, DEFAULT_BATCH_SIZE
from tasks.batch import ingest_batch
from tasks.parse_pool import stop_workers
from tasks.parsing import document
from tasks.publish import (
    clean_run,
    cross_year_checks,
    merge_summaries,
    publish_quarantine,
    publish_year_partitions,
    split_by_year,
)
from tasks.stage import list_documents, state_prefix
from tasks.storage import S3Settings


def new_run_prefix() -> str:
    return f"runs/{uuid.uuid4().hex}"


def ingest_batches(source: str, run_prefix: str, batch_size: int, settings: S3Settings,
                   skip_state: str | None = None) -> dict:
    """Stage, parse and validate every document of `source` in batches, BATCHES_IN_FLIGHT at a time
    (on the flow's task runner), then regroup the rows by year: the split's keys and the run's counts."""
    keys = list_documents(source, settings)
    batches = [keys[i:i + batch_size] for i in range(0, len(keys), batch_size)]
    prefixes = progress.bounded(
        lambda b: ingest_batch.submit(batches[b], b, source, run_prefix, settings, skip_state),
        range(len(batches)), BATCHES_IN_FLIGHT, "parse")
    stop_workers()  # nothing more to parse in this run: their memory is not held through publishing
    return split_by_year(prefixes, run_prefix, settings)


@flow(name="ogi-publish-year", flow_run_name="publish-{year}", log_prints=True)
def publish_year(year: int, year_prefix: str | None, parsed_key: str, warehouse: str, state: str,
                 provinces: list[str] | None = None, settings: S3Settings | None = None) -> dict:
    """Republish one statistical year's partitions from a run's parsed documents (idempotent)."""
    return publish_year_partitions(year, year_prefix, parsed_key, warehouse, state,
                                   settings or S3Settings.from_env(), provinces)


def publish_years(split: dict, years: list[int], provinces: list[str] | None, warehouse: str, state: str,
                  settings: S3Settings, child_flows: bool = True) -> dict:
    """Each year's partitions, then the quarantine; the merged summary.

    A backfill runs one child flow per year (each visible, and re-runnable, in Prefect); `ogi run`
    calls the same task directly, since a child flow costs ~1.3 s of Prefect overhead per year.
    """
    publish = publish_year if child_flows else publish_year_partitions
    summaries = []
    for year in progress.each(years, "publish"):
        kwargs = {"year": year, "year_prefix": split["years"].get(str(year)), "parsed_key": split["parsed"],
                  "warehouse": warehouse, "state": state, "provinces": provinces, "settings": settings}
        summaries.append(publish(**kwargs))
    published = [split["years"][str(y)] for y in years if str(y) in split["years"]]
    summaries.append(publish_quarantine(split["quarantine"], published, split["parsed"], warehouse, state,
                                        settings, provinces))
    if years:
        cross_year_checks(years, warehouse, settings)
    return merge_summaries(summaries)


@flow(name="ogi-ingest", log_prints=True)
def ingest(source: str, warehouse: str, settings: S3Settings | None = None,
           batch_size: int = DEFAULT_BATCH_SIZE) -> dict:
    """Stage, parse and publish every document of `source` (re-parsing all of them)."""
    settings = settings or S3Settings.from_env()
    run_prefix = new_run_prefix()
    split = ingest_batches(source, run_prefix, batch_size, settings)
    years = [int(y) for y in split["years"]]
    summary = publish_years(split, years, None, warehouse, state_prefix(document.PARSER_VERSION, warehouse),
                            settings, child_flows=False)
    clean_run(run_prefix, settings)
    return {**summary, "years": years, "documents": split["documents"], "parsed": split["to_parse"],
            "skipped": split["skipped"]}
