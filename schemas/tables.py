"""Published tables as lists of registry fields, and the schemas built from them.

One definition per table: `pandera_schema(name)` (hard rules: types, codes,
ranges) and `arrow_schema(name)` (what Parquet files carry) both come from
TABLES + schemas.fields.FIELDS. Partition keys are not stored inside the files
(hive layout puts them in the path), matching what pyarrow/DuckDB/polars read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandera.polars as pa
import polars as pl
import pyarrow

from schemas.fields import APPLICANTS, FIELDS, PROCEEDING_COUNTS, arrow_type


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    partition_by: tuple[str, ...]
    meaning: str

    @property
    def data_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.partition_by)


_KEYS = ("report_id", "year", "province")

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "reports",
            (
                "report_id", "source_key", "source_name", "source_url", "title", "organization", "year",
                "province", "edition", "publish_date", "province_code", "prefecture_code", "county_code",
                "province_name", "prefecture_name", "county_name", "admin_level", "scope", "script",
                "quality", "issues", "overview", "problems", "other_matters", "parser_version", "ingested_at",
            ),
            ("year", "province"),
            "one row per report",
        ),
        Table("active_disclosure", (*_KEYS, "item", "metric", "value"), ("year", "province"),
              "表二 主动公开政府信息情况, long format, one row per printed cell"),
        Table("applications", (*_KEYS, "outcome", *APPLICANTS), ("year", "province"),
              "表三 收到和处理政府信息公开申请情况, one row per table row"),
        Table("reviews_litigation", (*_KEYS, "proceeding", *PROCEEDING_COUNTS), ("year", "province"),
              "表四 政府信息公开行政复议、行政诉讼情况, one row per proceeding"),
        Table("legacy_indicators", (*_KEYS, "indicator", "period", "value", "unit", "label", "source"),
              ("year", "province"), "figures of pre-2019 reports"),
        Table("quarantine",
              ("report_id", "source_key", "source_name", "stage", "error_code", "message", "ingest_date"),
              ("ingest_date",), "documents that could not be published, with the reason"),
    ]
}

FIGURE_TABLES = ("active_disclosure", "applications", "reviews_litigation", "legacy_indicators")


def polars_schema(name: str) -> dict[str, pl.DataType]:
    return {c: FIELDS[c].dtype for c in TABLES[name].columns}


def empty_frame(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=polars_schema(name))


@cache
def arrow_schema(name: str, *, with_partition_keys: bool = False) -> pyarrow.Schema:
    table = TABLES[name]
    cols = table.columns if with_partition_keys else table.data_columns
    return pyarrow.schema([pyarrow.field(c, arrow_type(FIELDS[c].dtype), nullable=FIELDS[c].nullable) for c in cols])


def partition_arrow_schema(name: str) -> pyarrow.Schema:
    """Types of the hive keys, declared so readers do not infer province=32 as an integer."""
    return pyarrow.schema([pyarrow.field(c, arrow_type(FIELDS[c].dtype)) for c in TABLES[name].partition_by])


def _checks(f) -> list[pa.Check]:
    checks = []
    if f.isin is not None:
        checks.append(pa.Check.isin(list(f.isin)))
    if f.ge is not None:
        checks.append(pa.Check.ge(f.ge))
    if f.pattern is not None:
        checks.append(pa.Check.str_matches(f.pattern))
    return checks


@cache
def pandera_schema(name: str) -> pa.DataFrameSchema:
    columns = {
        c: pa.Column(FIELDS[c].dtype, nullable=FIELDS[c].nullable, checks=_checks(FIELDS[c]))
        for c in TABLES[name].columns
    }
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=name)
