"""Warehouse layout and partition replacement (data-contract.md, Layout).

One Parquet file per partition under a fixed name, replaced by a single
atomic put: a reader sees the partition as it was or as it is now, never half
written. A partition is rewritten as (its rows minus the rows of every report
this run republishes) plus this run's rows, so re-running a document or a
year gives the same rows (no duplicates) and leaves other reports alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from schemas.tables import TABLES, arrow_schema, polars_schema
from tasks.storage import Store, read_parquet, write_parquet

PART_FILE = "part-0.parquet"
PUBLISH_THREADS = 8


def partition_key(table: str, values: dict) -> str:
    keys = TABLES[table].partition_by
    return f"{table}/" + "/".join(f"{k}={values[k]}" for k in keys) + f"/{PART_FILE}"


def partition_values(key: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in key.split("/")[1:-1] if "=" in part)


def merge_partition(existing: pl.DataFrame | None, new: pl.DataFrame, replaced_ids: set[str]) -> pl.DataFrame:
    """Pure: existing rows of reports not being republished, then the new rows."""
    if existing is None or existing.is_empty():
        return new
    kept = existing.filter(~pl.col("report_id").is_in(list(replaced_ids)))
    return pl.concat([kept, new.select(kept.columns)], how="vertical")


def _cast_partition_values(table: str, values: dict[str, str]) -> dict:
    schema = polars_schema(table)
    return {k: (int(v) if schema[k] == pl.Int64 else v) for k, v in values.items()}


def read_partition(store: Store, table: str, key: str, columns: list[str] | None = None) -> pl.DataFrame:
    """A partition's rows with its partition columns; only `columns` (in that order) when given."""
    columns = columns or TABLES[table].columns
    data = pl.from_arrow(read_parquet(store, key, columns=[c for c in columns if c in TABLES[table].data_columns]))
    values = _cast_partition_values(table, partition_values(key))
    return data.with_columns(pl.lit(v, dtype=polars_schema(table)[k]).alias(k) for k, v in values.items()) \
        .select(columns)


def write_partition(store: Store, table: str, key: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        store.delete(key)  # a partition that empties is removed
        return
    data = frame.select(TABLES[table].data_columns).to_arrow().cast(arrow_schema(table))
    write_parquet(store, key, data)


def publish_table(store: Store, table: str, frame: pl.DataFrame, replaced_ids: set[str],
                  scan_prefixes: Iterable[str] = ()) -> list[str]:
    """Replace this run's reports in `table`; returns the partition keys written.

    `scan_prefixes` (e.g. "reports/year=2024/") are also searched for the run's reports so a
    report that moved partition (a better region resolution) leaves no stale row behind.
    """
    by_partition: dict[str, pl.DataFrame] = {}
    keys = TABLES[table].partition_by
    if not frame.is_empty():
        for values, part in frame.group_by(list(keys), maintain_order=True):
            by_partition[partition_key(table, dict(zip(keys, values)))] = part
    touched = set(by_partition)
    ids = list(replaced_ids)
    scanned = [key for prefix in scan_prefixes for key in store.list(prefix)
               if key.endswith(PART_FILE) and key not in touched]

    def holds_replaced(key: str) -> bool:
        present = pl.from_arrow(read_parquet(store, key, columns=["report_id"]))
        return not present.is_empty() and present["report_id"].is_in(ids).any()

    def replace(key: str) -> str:
        existing = read_partition(store, table, key) if store.exists(key) else None
        new = by_partition.get(key, pl.DataFrame(schema=polars_schema(table)))
        write_partition(store, table, key, merge_partition(existing, new, replaced_ids))
        return key

    # Partitions are independent files: read, merged and replaced on a few threads (each one atomically).
    with ThreadPoolExecutor(PUBLISH_THREADS) as pool:
        touched.update(k for k, hit in zip(scanned, pool.map(holds_replaced, scanned)) if hit)
        return list(pool.map(replace, sorted(touched)))
