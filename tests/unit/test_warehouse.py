"""Partition replacement: idempotent re-runs, moved reports, emptied partitions."""

from __future__ import annotations

import polars as pl

from schemas.tables import polars_schema
from tasks.storage import LocalStore
from tasks.warehouse import PART_FILE, merge_partition, publish_table, read_partition


def rows(*specs):
    return pl.DataFrame(
        [{"report_id": rid * 64, "year": year, "province": prov, "proceeding": "administrative_review",
          "upheld": n, "corrected": 0, "other": 0, "pending": 0, "total": n} for rid, year, prov, n in specs],
        schema=polars_schema("reviews_litigation"),
    )


def test_merge_keeps_other_reports_and_replaces_republished_ones():
    existing = rows(("a", 2024, "32", 1), ("b", 2024, "32", 2))
    new = rows(("a", 2024, "32", 5))
    merged = merge_partition(existing, new, {"a" * 64})
    assert sorted(merged["upheld"].to_list()) == [2, 5]


def test_publish_twice_gives_the_same_rows(tmp_path):
    store = LocalStore(tmp_path)
    frame = rows(("a", 2024, "32", 1), ("b", 2024, "33", 2), ("c", 2023, "32", 3))
    ids = {r * 64 for r in "abc"}
    publish_table(store, "reviews_litigation", frame, ids)
    publish_table(store, "reviews_litigation", frame, ids)
    keys = sorted(store.list("reviews_litigation/"))
    assert keys == [f"reviews_litigation/year=2023/province=32/{PART_FILE}",
                    f"reviews_litigation/year=2024/province=32/{PART_FILE}",
                    f"reviews_litigation/year=2024/province=33/{PART_FILE}"]
    back = pl.concat([read_partition(store, "reviews_litigation", k) for k in keys])
    assert back.height == 3 and back.sort("upheld")["province"].to_list() == ["32", "33", "32"]


def test_a_report_that_moves_partition_leaves_no_stale_row_and_empty_partitions_go(tmp_path):
    store = LocalStore(tmp_path)
    publish_table(store, "reviews_litigation", rows(("a", 2024, "unknown", 1)), {"a" * 64})
    publish_table(store, "reviews_litigation", rows(("a", 2024, "32", 1)), {"a" * 64},
                  ["reviews_litigation/year=2024/"])
    assert list(store.list("reviews_litigation/")) == [f"reviews_litigation/year=2024/province=32/{PART_FILE}"]
    assert not (tmp_path / "reviews_litigation" / "year=2024" / "province=unknown").exists()


def test_files_hold_no_partition_columns(tmp_path):
    import pyarrow.parquet as pq

    store = LocalStore(tmp_path)
    publish_table(store, "reviews_litigation", rows(("a", 2024, "32", 1)), {"a" * 64})
    schema = pq.read_schema(tmp_path / "reviews_litigation" / "year=2024" / "province=32" / PART_FILE)
    assert "year" not in schema.names and "province" not in schema.names
