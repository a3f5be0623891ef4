"""DuckDB views over the published warehouse, a local folder or s3://bucket/prefix.

    import duckdb
    from infra.warehouse.duckdb_views import create_views
    con = duckdb.connect()
    create_views(con, "warehouse")     # views reports, applications, ... (see ddl.py)
    con.sql("select province, count(*) from reports group by 1").show()

For s3:// the httpfs extension is loaded from the duckdb-extension-httpfs wheel (no download)
and a secret is made from the pipeline's S3 settings (OGI_S3_ENDPOINT, AWS_*; readers.py).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import duckdb

from infra.warehouse.ddl import duckdb_empty_view, duckdb_view, glob_pattern, sql_string
from infra.warehouse.readers import S3Settings, is_s3
from schemas.tables import TABLES


def load_httpfs(con: duckdb.DuckDBPyConnection) -> None:
    try:
        from duckdb_extensions import import_extension
    except ImportError:  # fall back to an httpfs DuckDB already has (or can download)
        con.execute("INSTALL httpfs")
    else:
        import_extension("httpfs", con=con)
    con.execute("LOAD httpfs")


def configure_s3(con: duckdb.DuckDBPyConnection, env: Mapping[str, str] = os.environ) -> None:
    """Load httpfs and create a secret from the pipeline's S3 settings."""
    load_httpfs(con)
    s = S3Settings.from_env(env)
    options = {"TYPE": "s3", "REGION": sql_string(s.region)}
    if s.access_key and s.secret_key:
        options |= {"KEY_ID": sql_string(s.access_key), "SECRET": sql_string(s.secret_key)}
    if s.session_token:
        options["SESSION_TOKEN"] = sql_string(s.session_token)
    if s.endpoint_host:
        options |= {"ENDPOINT": sql_string(s.endpoint_host), "URL_STYLE": "'path'", "USE_SSL": str(s.use_ssl).lower()}
    con.execute("CREATE OR REPLACE SECRET ogi_s3 (" + ", ".join(f"{k} {v}" for k, v in options.items()) + ")")


def create_views(con: duckdb.DuckDBPyConnection, root: str, env: Mapping[str, str] = os.environ) -> dict[str, int]:
    """One view per table; a table with no file yet gets an empty view with the same columns.

    Returns the number of Parquet files behind each view.
    """
    root = str(root).rstrip("/")
    if is_s3(root):
        configure_s3(con, env)
    files = {}
    for table in TABLES:
        files[table] = con.execute("SELECT count(*) FROM glob(?)", [glob_pattern(root, table)]).fetchone()[0]
        con.execute(duckdb_view(table, root) if files[table] else duckdb_empty_view(table))
    return files
