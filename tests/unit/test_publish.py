"""Publishing a year: a few provinces at a time, and rows of re-parsed documents that moved leave."""

from __future__ import annotations

import datetime as dt

import polars as pl

from schemas.tables import FIGURE_TABLES, polars_schema
from tasks import publish
from tasks.parsing.document import parse_document
from tasks.storage import write_parquet
from tests.conftest import SEEDS, corpus_documents

TABLES = ("reports", *FIGURE_TABLES)


def parsed_frames(paths, province_of: dict[str, str]) -> dict[str, pl.DataFrame]:
    """The contract rows of real seed reports, each put in the province `province_of` its name says."""
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    for path in paths:
        parsed = parse_document(path.read_bytes(), path.name, source_key="k",
                                ingested_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
        rows["reports"].append(parsed.report)
        for t in FIGURE_TABLES:
            rows[t].extend(getattr(parsed, t))
    frames = {t: pl.DataFrame(r, schema=polars_schema(t), strict=False) for t, r in rows.items()}
    ids = {p.name: parse_document(p.read_bytes(), p.name).report["report_id"] for p in paths}
    province = pl.col("report_id").replace_strict({ids[n]: v for n, v in province_of.items()}, default=None)
    return {t: f.with_columns(province.alias("province"), pl.lit(2024).alias("year")) for t, f in frames.items()}


def write_run(raw, run: str, frames: dict[str, pl.DataFrame]) -> tuple[str, str]:
    for t, f in frames.items():
        write_parquet(raw, f"{run}/years/2024/{t}.parquet", f.to_arrow())
    write_parquet(raw, f"{run}/parsed.parquet", frames["reports"].select("report_id").to_arrow())
    return f"{run}/years/2024", f"{run}/parsed.parquet"


def provinces_of(warehouse, table: str) -> dict[str, list[str]]:
    rows = pl.read_parquet(str(warehouse / table / "**" / "*.parquet"), hive_partitioning=True,
                           hive_schema={"year": pl.Int64, "province": pl.String})
    return {p: sorted(set(g["report_id"])) for (p,), g in rows.group_by("province")}


def test_a_year_published_province_by_province_keeps_every_row_once_and_drops_moved_ones(
        tmp_path, settings, raw, monkeypatch):
    monkeypatch.setattr(publish, "PROVINCES_AT_ONCE", 1)
    seeds = corpus_documents(SEEDS)[:3]
    names = [p.name for p in seeds]
    warehouse = tmp_path / "wh"
    first = parsed_frames(seeds, {names[0]: "32", names[1]: "33", names[2]: "44"})
    prefix, parsed = write_run(raw, "runs/p1", first)
    publish.publish_year_partitions.fn(2024, prefix, parsed, str(warehouse), "state/t", settings)
    ids = first["reports"]["report_id"].to_list()
    assert provinces_of(warehouse, "reports") == {"32": [ids[0]], "33": [ids[1]], "44": [ids[2]]}

    # Re-parsed: the first report now resolves to 33, the third is not in this run (left alone).
    second = parsed_frames(seeds[:2], {names[0]: "33", names[1]: "33"})
    prefix, parsed = write_run(raw, "runs/p2", second)
    summary = publish.publish_year_partitions.fn(2024, prefix, parsed, str(warehouse), "state/t", settings)
    assert summary["reports"] == 2
    for table in TABLES:
        if first[table].is_empty():
            assert not (warehouse / table).exists()
            continue
        with_rows = set(first[table]["report_id"])
        expected = {"33": sorted(set(ids[:2]) & with_rows), "44": sorted({ids[2]} & with_rows)}
        assert provinces_of(warehouse, table) == {p: v for p, v in expected.items() if v}
        # every row once: the re-parsed reports' new rows, and the third report's untouched ones
        assert pl.read_parquet(str(warehouse / table / "**" / "*.parquet")).height == \
            second[table].height + first[table].filter(pl.col("report_id") == ids[2]).height
