"""A backfill over 2008–2018: pre-2019 reports are published with their legacy figures, none lost."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.conftest import PEER

pytestmark = pytest.mark.slow
BUCKET = "ogi-test-legacy"
PINGTAN_2018 = PEER / "pingtan__2018.page.txt"


@pytest.fixture(scope="module")
def environment(s3_server):
    from flows.environment import prefect_settings_from_env
    from tasks.storage import S3Settings, ensure_bucket

    env = {"OGI_S3_ENDPOINT": s3_server.endpoint_url, "OGI_RAW_BUCKET": BUCKET, "AWS_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": s3_server.access_key, "AWS_SECRET_ACCESS_KEY": s3_server.secret_key}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        ensure_bucket(S3Settings.from_env())
        with prefect_settings_from_env():
            yield env


@pytest.fixture(scope="module")
def backfilled(environment, tmp_path_factory) -> tuple[dict, Path]:
    from flows.backfill import backfill

    src = tmp_path_factory.mktemp("legacy_source")
    text = PINGTAN_2018.read_text(encoding="utf-8")
    (src / PINGTAN_2018.name).write_text(text, encoding="utf-8")
    # The same body's report two years earlier: its years moved back (a realistic pipeline input).
    (src / "pingtan_2016.txt").write_text(text.replace("2018", "2016").replace("2019", "2017"), encoding="utf-8")
    (src / "broken.txt").write_bytes(b"\x00\x01\x02 not a report")
    warehouse = tmp_path_factory.mktemp("legacy_warehouse")
    summary = backfill(years=list(range(2008, 2019)), source=str(src), warehouse=str(warehouse), batch_size=2)
    return summary, warehouse


def test_no_document_is_lost(backfilled):
    summary, _ = backfilled
    assert summary["documents"] == 3
    assert summary["reports"] + summary["quarantined"] == 3
    assert summary["reports"] == 2 and summary["quarantined"] == 1


def test_pre2019_reports_carry_their_legacy_figures(backfilled):
    _, warehouse = backfilled
    reports = pl.read_parquet(warehouse / "reports" / "**" / "*.parquet", hive_partitioning=True,
                              hive_schema={"year": pl.Int64, "province": pl.String})
    assert sorted(reports["year"].to_list()) == [2016, 2018]
    assert set(reports["edition"]) == {"pre2019"} and set(reports["province"]) == {"35"}
    legacy = pl.read_parquet(warehouse / "legacy_indicators" / "**" / "*.parquet", hive_partitioning=True,
                             hive_schema={"year": pl.Int64, "province": pl.String})
    total = legacy.filter(pl.col("indicator") == "proactive_total").sort("year", "period")
    assert total.select("year", "period", "value").rows() == [
        (2016, "cumulative", 12106.0), (2016, "year", 2069.0), (2018, "cumulative", 12106.0), (2018, "year", 2069.0)]
    assert not (warehouse / "applications").exists()  # no 2019-format rows for pre-2019 reports
