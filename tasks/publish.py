"""Publish validated batches into the warehouse, partition by partition."""

from __future__ import annotations

import polars as pl
from prefect import task

from schemas.tables import FIGURE_TABLES, TABLES
from tasks.storage import S3Settings, open_store, raw_store, read_parquet
from tasks.warehouse import publish_table


def run_summary(reports: pl.DataFrame, quarantine: pl.DataFrame) -> dict:
    by_partition = (reports.group_by("year", "province").len().sort("year", "province").rows()
                    if not reports.is_empty() else [])
    return {
        "reports": reports.height,
        "quarantined": quarantine.height,
        "by_year_province": [{"year": y, "province": p, "reports": n} for y, p, n in by_partition],
        "quality": dict(sorted(reports.group_by("quality").len().rows())) if not reports.is_empty() else {},
        "quarantine": [{"source_name": r["source_name"], "error_code": r["error_code"], "message": r["message"]}
                       for r in quarantine.iter_rows(named=True)],
    }


@task(name="publish-batches")
def publish_batches(valid_prefixes: list[str], warehouse: str, settings: S3Settings) -> dict:
    raw = raw_store(settings)
    store = open_store(warehouse, settings)
    frames = {
        t: pl.concat([pl.from_arrow(read_parquet(raw, f"{p}/{t}.parquet")) for p in valid_prefixes])
        if valid_prefixes else pl.DataFrame(schema={})
        for t in ("reports", *FIGURE_TABLES, "quarantine")
    }
    reports, quarantine = frames["reports"], frames["quarantine"]
    if reports.is_empty() and quarantine.is_empty():
        return run_summary(reports, quarantine)
    republished = set(reports["report_id"].to_list())
    handled = republished | set(quarantine["report_id"].to_list())
    years = sorted(set(reports["year"].to_list()))
    for table in ("reports", *FIGURE_TABLES):
        scan = [f"{table}/year={y}/" for y in years]
        publish_table(store, table, frames[table], handled, scan)
    # A document published now leaves no stale quarantine row behind (and vice versa for this run).
    publish_table(store, "quarantine", quarantine, handled, ["quarantine/"])
    assert set(TABLES) >= {"reports", "quarantine"}
    return run_summary(reports, quarantine)


@task(name="clean-run")
def clean_run(run_prefix: str, settings: S3Settings) -> None:
    """Intermediate batch files go; raw documents are never deleted."""
    raw = raw_store(settings)
    for key in list(raw.list(run_prefix + "/")):
        raw.delete(key)
