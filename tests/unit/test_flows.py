"""The flows' plain helpers: year and province options, summaries, the parse-state index, retries."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from flows.backfill import parse_provinces, parse_years, recent_years
from tasks.publish import merge_summaries
from tasks.stage import STATE_SCHEMA, network_error, parsed_ids, read_state, update_state, warehouse_id
from tasks.storage import LocalStore, StorageError


@pytest.mark.parametrize(("text", "years"), [
    ("2008-2024", list(range(2008, 2025))),
    ("2024", [2024]),
    ("2022,2020", [2020, 2022]),
    ("2019-2020, 2024,2020", [2019, 2020, 2024]),
])
def test_parse_years(text, years):
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["", "2024-2020", "24", "2020-", "twenty"])
def test_parse_years_rejects(text):
    with pytest.raises(ValueError):
        parse_years(text)


def test_parse_provinces():
    assert parse_provinces("33, 32,00,unknown") == ["00", "32", "33", "unknown"]
    for bad in ("", "3", "320000", "江苏"):
        with pytest.raises(ValueError):
            parse_provinces(bad)


def test_recent_years_are_the_two_statistical_years_still_being_published():
    assert recent_years(dt.date(2027, 2, 1)) == [2025, 2026]


def test_format_years():
    from flows.cli import format_years

    assert format_years([2008, 2009, 2010, 2024]) == "2008-2010,2024"
    assert format_years([2024]) == "2024" and format_years([]) == "none"


def test_merge_summaries():
    a = {"reports": 2, "quarantined": 0, "quality": {"valid": 2}, "quarantine": [],
         "by_year_province": [{"year": 2024, "province": "33", "reports": 1},
                              {"year": 2024, "province": "32", "reports": 1}]}
    b = {"reports": 1, "quarantined": 1, "quality": {"inconsistent": 1, "valid": 0},
         "by_year_province": [{"year": 2020, "province": "32", "reports": 1}],
         "quarantine": [{"source_name": "x", "error_code": "empty", "message": ""}]}
    m = merge_summaries([a, b])
    assert (m["reports"], m["quarantined"], m["quality"]) == (3, 1, {"inconsistent": 1, "valid": 2})
    assert [(r["year"], r["province"]) for r in m["by_year_province"]] == [
        (2020, "32"), (2024, "32"), (2024, "33")]


def test_warehouse_id_is_stable_per_root(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "wh")
    assert warehouse_id("wh") == warehouse_id(absolute) == warehouse_id(absolute + "/")
    assert warehouse_id("s3://b/p/") == warehouse_id("s3://b/p") != warehouse_id("s3://b/q")


def state(*rows):
    return pl.DataFrame([{"report_id": r, "province": p} for r, p in rows], schema=STATE_SCHEMA)


def test_state_mirrors_partition_replacement(tmp_path):
    raw = LocalStore(tmp_path)
    key = "state/parsed/v/w/year=2024.parquet"
    update_state(raw, key, pl.Series(["a", "b", "c"]), state(("a", "32"), ("b", "33"), ("c", "32")))
    # re-parsed a, b, d; only province 32 republished: a stays (re-published), c untouched (not re-parsed),
    # b untouched (province 33 not republished), d new
    update_state(raw, key, pl.Series(["a", "b", "d"]), state(("a", "32"), ("d", "32")), provinces=["32"])
    assert sorted(read_state(raw, key).rows()) == [("a", "32"), ("b", "33"), ("c", "32"), ("d", "32")]
    # a moved to another year: it leaves this year's index
    update_state(raw, key, pl.Series(["a"]), state())
    assert parsed_ids(raw, "state/parsed/v/w") == {"b", "c", "d"}
    assert parsed_ids(raw, "state/parsed/other/w") == set()


def test_state_writes_no_file_for_an_empty_year(tmp_path):
    raw = LocalStore(tmp_path)
    update_state(raw, "state/parsed/v/w/year=2021.parquet", pl.Series(["a"]), state())
    assert list(raw.list("state/")) == []


def test_retries_only_on_network_errors():
    from botocore.exceptions import EndpointConnectionError
    from prefect.states import Failed

    def retried(exc):
        return network_error(None, None, Failed(data=exc))

    assert retried(ConnectionResetError())
    assert retried(EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    assert not retried(StorageError("source folder not found: x"))
    assert not retried(ValueError("a bug"))


def test_progress_reports_each_item_to_the_listener():
    from flows import progress

    seen = []

    class Listener:
        def start(self, step, total):
            seen.append(("start", step, total))

        def advance(self, step):
            seen.append(("advance", step))

    assert list(progress.each([1, 2], "publish")) == [1, 2]  # no listener: a plain loop
    with progress.reporting_to(Listener()):
        assert list(progress.each([1, 2], "publish")) == [1, 2]
    assert seen == [("start", "publish", 2), ("advance", "publish"), ("advance", "publish")]
