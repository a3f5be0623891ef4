"""The same flow on prefect-dask's DaskTaskRunner (a LocalCluster of 2 workers) gives the same warehouse."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from flows.environment import SAMPLES

pytestmark = pytest.mark.slow
BUCKET = "ogi-test-dask"
TABLES = ("reports", "active_disclosure", "applications", "reviews_litigation", "legacy_indicators",
          "quarantine")


def read(warehouse: Path, table: str) -> pl.DataFrame | None:
    found = list(warehouse.glob(f"{table}/**/*.parquet"))
    if not found:
        return None
    frame = pl.read_parquet(warehouse / table / "**" / "*.parquet", hive_partitioning=True,
                            hive_schema={"year": pl.Int64, "province": pl.String})
    return frame.drop("ingested_at", "ingest_date", strict=False).sort(pl.all())


@pytest.fixture(scope="module")
def environment(s3_server):
    from flows.environment import prefect_settings_from_env
    from tasks.storage import S3Settings, ensure_bucket

    with pytest.MonkeyPatch.context() as mp:
        for k, v in {"OGI_S3_ENDPOINT": s3_server.endpoint_url, "OGI_RAW_BUCKET": BUCKET,
                     "AWS_ACCESS_KEY_ID": s3_server.access_key, "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
                     "AWS_REGION": "us-east-1"}.items():
            mp.setenv(k, v)
        ensure_bucket(S3Settings.from_env())
        with prefect_settings_from_env():
            yield


def test_dask_runner_gives_the_same_warehouse(environment, tmp_path):
    from flows.environment import task_runner
    from flows.ingest import ingest

    default, dask = tmp_path / "default", tmp_path / "dask"
    ingest(source=str(SAMPLES), warehouse=str(default), batch_size=2)
    # processes=False: the workers are threads of this process and share its temporary Prefect server
    # (the CLI's local cluster uses processes, with the server's URL handed to them).
    on_dask = ingest.with_options(task_runner=task_runner("dask", processes=False))
    summary = on_dask(source=str(SAMPLES), warehouse=str(dask), batch_size=2)
    assert summary["reports"] == 5 and summary["parsed"] == 5
    for table in TABLES:
        a, b = read(default, table), read(dask, table)
        assert (a is None and b is None) or a.equals(b), table
    assert read(dask, "reports").height == 5
