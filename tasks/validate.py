"""Validate a batch's parsed rows against the pandera schemas (pure); broken reports go to quarantine."""

from __future__ import annotations

import pandera.errors
import polars as pl

from schemas.tables import FIGURE_TABLES, pandera_schema

TABLES_IN_BATCH = ("reports", *FIGURE_TABLES)


def validate_frames(frames: dict[str, pl.DataFrame], ingest_date: str) -> dict[str, pl.DataFrame]:
    """Pure: hard-rule violations remove the whole report from every table, with the reason kept."""
    reasons: dict[str, list[str]] = {}
    for table in TABLES_IN_BATCH:
        frame = frames[table]
        try:
            pandera_schema(table).validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as err:
            cases = err.failure_cases
            rows = cases["index"].to_list() if "index" in cases.columns else []
            bad_rows = [i for i in rows if i is not None]
            if not bad_rows:
                raise  # a schema-level error (missing column, wrong dtype) is a bug, not a bad document
            for i, check, column in zip(cases["index"], cases["check"], cases["column"]):
                if i is None:
                    continue
                rid = frame["report_id"][int(i)]
                reasons.setdefault(rid, []).append(f"{table}.{column}: {check}")
    if not reasons:
        return frames
    bad = list(reasons)
    reports = frames["reports"]
    named = reports.filter(pl.col("report_id").is_in(bad))
    quarantine = pl.DataFrame(
        [
            {"report_id": r["report_id"], "source_key": r["source_key"], "source_name": r["source_name"],
             "stage": "validate", "error_code": "schema_violation",
             "message": "; ".join(sorted(set(reasons[r["report_id"]])))[:2000], "ingest_date": ingest_date}
            for r in named.iter_rows(named=True)
        ],
        schema=frames["quarantine"].schema,
    )
    out = {t: f.filter(~pl.col("report_id").is_in(bad)) for t, f in frames.items() if t != "quarantine"}
    out["quarantine"] = pl.concat([frames["quarantine"], quarantine])
    return out
