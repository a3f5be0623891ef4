"""DuckDB views (and the committed DDL) over the warehouse `ogi run` publishes."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from infra.warehouse import ddl
from infra.warehouse.duckdb_views import create_views
from infra.warehouse.readers import read
from schemas.tables import TABLES
from tests.integration.conftest import s3_environment


def test_committed_sql_files_are_generated_from_the_registry():
    for path, text in ddl.generated().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is stale: run `python -m infra.warehouse.ddl`")


def test_external_table_ddl_declares_the_partition_columns():
    bigquery, snowflake = ddl.bigquery_sql(), ddl.snowflake_sql()
    for name, table in TABLES.items():
        assert f"hive_partition_uri_prefix = '${{GCS_WAREHOUSE}}/{name}'" in bigquery
        assert f"CREATE OR REPLACE EXTERNAL TABLE {name}_ext" in snowflake
        assert f"PARTITION BY ({', '.join(table.partition_by)})" in snowflake
    assert "WITH PARTITION COLUMNS (year INT64, province STRING)" in bigquery
    assert "year NUMBER(38, 0) AS (TO_NUMBER(SPLIT_PART(SPLIT_PART(metadata$filename, 'year=', 2)" in snowflake


def view_counts(con) -> dict[str, int]:
    return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


@pytest.mark.slow
def test_views_over_a_local_warehouse(sample_warehouse):
    con = duckdb.connect()
    files = create_views(con, str(sample_warehouse))
    assert files["reports"] == 5 and files["quarantine"] == 0  # five clean samples: nothing quarantined
    for name, table in TABLES.items():
        described = con.execute(f"describe {name}").fetchall()
        assert [row[0] for row in described] == list(table.columns), name  # contract order, keys included
        types = {row[0]: row[1] for row in described}
        for key in table.partition_by:
            assert types[key] == ("BIGINT" if key == "year" else "VARCHAR"), (name, key)
    counts = view_counts(con)
    assert counts == {t: read(str(sample_warehouse), t).height for t in TABLES}
    assert counts["reports"] == 5 and counts["legacy_indicators"] == counts["quarantine"] == 0
    provinces = con.execute("select distinct province from reports order by 1").fetchall()
    assert ("32",) in provinces  # a string, leading zeros kept
    # seed 000 (2021 edition, 25 rows) and seed 002 (2019, 23 rows) are both in 江苏
    assert con.execute("select count(*) from applications where province = '32'").fetchone()[0] == 25 + 23
    joined = con.execute("select count(distinct a.report_id) from applications a join reports r using (report_id)")
    assert joined.fetchone()[0] == 5
    assert con.execute("select typeof(issues) from reports limit 1").fetchone()[0] == \
        "STRUCT(code VARCHAR, detail VARCHAR)[]"


@pytest.mark.slow
def test_views_and_polars_over_s3(sample_warehouse, s3_server, monkeypatch):
    for module in ("duckdb_extensions", "duckdb_extension_httpfs"):
        pytest.importorskip(module, reason="needs duckdb-extension-httpfs + duckdb-extensions")
    client = s3_server.client()
    for path in sample_warehouse.rglob("*.parquet"):
        client.upload_file(str(path), s3_server.bucket, "views-test/" + path.relative_to(sample_warehouse).as_posix())
    for key, value in s3_environment(s3_server).items():
        monkeypatch.setenv(key, value)
    root = f"s3://{s3_server.bucket}/views-test"

    local = duckdb.connect()
    create_views(local, str(sample_warehouse))
    remote = duckdb.connect()
    assert create_views(remote, root)["reports"] == 5
    assert view_counts(remote) == view_counts(local)
    query = "select year, province, outcome, total from applications order by all"
    assert remote.execute(query).fetchall() == local.execute(query).fetchall()

    reports = read(root, "reports")
    assert reports.height == 5 and reports.schema["province"] == pl.String
    assert read(root, "quarantine").is_empty()
