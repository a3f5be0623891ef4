"""Open the published warehouse with polars, local folder or s3://, with the pipeline's S3 settings.

    from infra.warehouse.readers import read
    reports = read("warehouse", "reports")            # or "s3://bucket/prefix"

S3 settings are the pipeline's own (README, Configuration): OGI_S3_ENDPOINT (unset = AWS),
AWS_REGION / AWS_DEFAULT_REGION, and credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
AWS_SESSION_TOKEN. A table with no file yet (e.g. quarantine after a clean run) reads as an empty
frame with the contract's columns rather than an error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import polars as pl

from schemas.tables import TABLES, polars_schema


@dataclass(frozen=True)
class S3Settings:
    endpoint_url: str | None
    region: str
    access_key: str | None
    secret_key: str | None
    session_token: str | None

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> S3Settings:
        return cls(
            endpoint_url=env.get("OGI_S3_ENDPOINT") or None,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            access_key=env.get("AWS_ACCESS_KEY_ID") or None,
            secret_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
            session_token=env.get("AWS_SESSION_TOKEN") or None,
        )

    @property
    def endpoint_host(self) -> str | None:
        return urlsplit(self.endpoint_url).netloc if self.endpoint_url else None

    @property
    def use_ssl(self) -> bool:
        return not self.endpoint_url or urlsplit(self.endpoint_url).scheme == "https"


def is_s3(root: str) -> bool:
    return str(root).startswith("s3://")


def polars_storage_options(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    s = S3Settings.from_env(env)
    options = {"aws_region": s.region}
    if s.endpoint_url:
        options |= {"aws_endpoint_url": s.endpoint_url, "aws_allow_http": str(not s.use_ssl).lower()}
    for key, value in (("aws_access_key_id", s.access_key), ("aws_secret_access_key", s.secret_key),
                       ("aws_session_token", s.session_token)):
        if value:
            options[key] = value
    return options


def scan(root: str, table: str) -> pl.LazyFrame:
    """The table as a LazyFrame, partition keys typed as the contract says, columns in contract order."""
    t, schema = TABLES[table], polars_schema(table)
    root = str(root).rstrip("/")
    return pl.scan_parquet(
        f"{root}/{table}/**/*.parquet",
        schema={c: schema[c] for c in t.data_columns},  # also makes a table with no file an empty frame
        hive_partitioning=True,
        hive_schema={k: schema[k] for k in t.partition_by},
        missing_columns="insert",
        extra_columns="ignore",
        storage_options=polars_storage_options() if is_s3(root) else None,
    ).select(t.columns)


def read(root: str, table: str) -> pl.DataFrame:
    return scan(root, table).collect()
