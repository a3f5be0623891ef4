"""Cross-year carry-over warnings: this year's 上年结转 against the body's previous 结转下年度."""

from __future__ import annotations

import datetime as dt

import polars as pl

from schemas.fields import APPLICANTS
from schemas.tables import polars_schema
from tasks.publish import cross_year_issues


def report(rid: str, year: int, org: str = "诸暨市人民政府", issues=()) -> dict:
    return {"report_id": rid * 64, "source_key": "k", "source_name": "n", "year": year, "province": "33",
            "edition": "2021", "province_code": "330000", "prefecture_code": "330600", "county_code": "330681",
            "organization": org, "admin_level": "county", "scope": "self", "script": "simplified",
            "quality": "valid", "issues": list(issues), "parser_version": "t",
            "ingested_at": dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)}


def row(rid: str, year: int, outcome: str, values: list) -> dict:
    return {"report_id": rid * 64, "year": year, "province": "33", "outcome": outcome,
            **dict(zip(APPLICANTS, values))}


def frames(forward_2023: list, over_2024: list, org_2024: str = "诸暨市人民政府"):
    reports = pl.DataFrame([report("a", 2023), report("b", 2024, org_2024, [{"code": "table_blank", "detail": "x"}])],
                           schema=polars_schema("reports"), strict=False)
    apps = pl.DataFrame([row("a", 2023, "carried_forward", forward_2023), row("b", 2024, "carried_over", over_2024)],
                        schema=polars_schema("applications"))
    return reports, apps


def codes(checked: pl.DataFrame, rid: str) -> list[str]:
    return [i["code"] for i in checked.filter(pl.col("report_id") == rid * 64)["issues"][0]]


def test_a_mismatch_warns_on_both_reports_and_keeps_other_issues():
    reports, apps = frames([36, 0, 0, 0, 0, 0, 36], [35, 0, 0, 0, 0, 0, 35])
    checked = cross_year_issues(reports, apps)
    assert codes(checked, "a") == ["carry_over_mismatch"] * 2
    assert codes(checked, "b") == ["table_blank", "carry_over_mismatch", "carry_over_mismatch"]
    assert checked["quality"].to_list() == ["valid", "valid"]  # a warning, not a quality finding
    assert cross_year_issues(checked, apps)["issues"].to_list() == checked["issues"].to_list()  # idempotent


def test_equal_figures_blanks_and_other_bodies_give_no_warning():
    reports, apps = frames([36, 0, 0, 0, 0, 0, 36], [36, 0, 0, 0, 0, None, 36])
    assert codes(cross_year_issues(reports, apps), "b") == ["table_blank"]
    reports, apps = frames([36, 0, 0, 0, 0, 0, 36], [35, 0, 0, 0, 0, 0, 35], org_2024="诸暨市教育局")
    assert codes(cross_year_issues(reports, apps), "a") == []


def test_warehouse_checks_keep_the_pairs_of_years_outside_the_republished_ones(tmp_path):
    """Republishing 2024 rechecks 2023, whose pair with 2022 must still be seen (each year is
    checked with both its neighbours, one year at a time)."""
    from tasks.publish import cross_year_checks
    from tasks.storage import S3Settings, open_store
    from tasks.warehouse import publish_table

    reports = pl.DataFrame([report("a", 2022), report("b", 2023), report("c", 2024)],
                           schema=polars_schema("reports"), strict=False)
    apps = pl.DataFrame([row("a", 2022, "carried_forward", [36, 0, 0, 0, 0, 0, 36]),
                         row("b", 2023, "carried_over", [35, 0, 0, 0, 0, 0, 35]),
                         row("b", 2023, "carried_forward", [10, 0, 0, 0, 0, 0, 10]),
                         row("c", 2024, "carried_over", [10, 0, 0, 0, 0, 0, 10])],
                        schema=polars_schema("applications"), strict=False)
    store = open_store(str(tmp_path))
    ids = set(reports["report_id"])
    publish_table(store, "reports", reports, ids)
    publish_table(store, "applications", apps, ids)

    def published_codes() -> dict[str, list[str]]:
        rows = pl.read_parquet(str(tmp_path / "reports" / "**" / "*.parquet"), hive_partitioning=True)
        return {r["report_id"][0]: [i["code"] for i in r["issues"]] for r in rows.iter_rows(named=True)}

    assert cross_year_checks.fn([2022, 2023, 2024], str(tmp_path), S3Settings()) == 2
    expected = {"a": ["carry_over_mismatch"] * 2, "b": ["carry_over_mismatch"] * 2, "c": []}
    assert published_codes() == expected
    assert cross_year_checks.fn([2024], str(tmp_path), S3Settings()) == 0  # nothing changes, 2023 included
    assert published_codes() == expected
