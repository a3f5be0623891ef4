"""Hard rules (pandera) on the registry's schemas; soft identities become issues, never repairs."""

from __future__ import annotations

import datetime as dt

import polars as pl

from schemas.fields import FIELDS
from schemas.rules import application_findings, quality_of, review_findings
from schemas.tables import TABLES, arrow_schema, pandera_schema, polars_schema
from tasks.parse_pool import parse_entries
from tasks.validate import validate_frames
from tests.conftest import SEEDS, corpus_documents

NOW = dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc)


def test_every_table_column_is_in_the_registry_and_schemas_agree():
    for name, table in TABLES.items():
        assert set(table.columns) <= set(FIELDS)
        assert list(pandera_schema(name).columns) == list(table.columns)
        assert arrow_schema(name).names == list(table.data_columns)


def seed_frames():
    docs = {d.name: d.read_bytes() for d in corpus_documents(SEEDS)}
    entries = [{"raw_key": n, "report_id": "", "source_name": n, "source_url": None, "rejected": None} for n in docs]
    return parse_entries(entries, docs.__getitem__, NOW)


def test_seed_frames_pass_the_hard_rules():
    frames = seed_frames()
    out = validate_frames(frames, "2026-11-22")
    assert out["reports"].height == 5 and out["quarantine"].height == 0


def test_a_hard_rule_violation_quarantines_the_whole_report_with_its_reason():
    frames = seed_frames()
    victim = frames["applications"]["report_id"][0]
    frames["applications"] = frames["applications"].with_columns(
        pl.when(pl.col("report_id") == victim).then(pl.lit(-3, pl.Int64)).otherwise(pl.col("research"))
        .alias("research"))
    out = validate_frames(frames, "2026-11-22")
    assert victim not in out["reports"]["report_id"].to_list()
    assert victim not in out["applications"]["report_id"].to_list()
    q = out["quarantine"].row(0, named=True)
    assert q["report_id"] == victim and q["stage"] == "validate" and "research" in q["message"]


def test_identities_report_without_repairing():
    rows = {"new_received": [1, 0, 0, 0, 0, 0, 2], "carried_over": [0] * 7}
    findings = application_findings(rows, [])
    assert [f.code for f in findings] == ["row_total_mismatch"]
    assert rows["new_received"][6] == 2  # the printed figure stays
    blank_total = application_findings({"granted": [3, 0, 0, 0, 0, 0, None]}, [])
    assert [f.code for f in blank_total] == ["total_missing"]
    assert quality_of({"total_missing"}) == "incomplete"
    assert quality_of({"review_total_mismatch", "total_missing"}) == "inconsistent"
    assert [f.code for f in review_findings({"administrative_review": [10, 1, 0, 0, 0]})] == \
        ["review_total_mismatch"]
    assert review_findings({"administrative_review": [None] * 5}) == []


def test_unreadable_documents_are_quarantined_with_reasons():
    docs = {"empty.txt": b"  \n", "random.bin": bytes(range(256)) * 8,
            "notice.txt": "关于开展春季植树活动的通知\n各单位：定于3月12日开展义务植树活动。".encode()}
    entries = [{"raw_key": n, "report_id": str(i) * 64, "source_name": n, "source_url": None, "rejected": None}
               for i, n in enumerate(docs)]
    frames = parse_entries(entries, docs.__getitem__, NOW)
    assert frames["reports"].height == 0
    codes = dict(zip(frames["quarantine"]["source_name"], frames["quarantine"]["error_code"]))
    assert codes == {"empty.txt": "empty", "random.bin": "binary", "notice.txt": "not_annual_report"}
    assert frames["quarantine"].schema == pl.Schema(polars_schema("quarantine"))
