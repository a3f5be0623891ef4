"""Parse a batch of staged documents into the contract's rows (one Parquet per table)."""

from __future__ import annotations

import datetime as dt
import traceback

import polars as pl
from prefect import task

from schemas.tables import FIGURE_TABLES, polars_schema
from tasks.parsing.document import Unparseable, parse_document
from tasks.stage import read_manifest
from tasks.storage import S3Settings, raw_store, write_parquet


def quarantine_row(entry: dict, stage: str, code: str, message: str, ingest_date: str) -> dict:
    return {"report_id": entry["report_id"], "source_key": entry["raw_key"], "source_name": entry["source_name"],
            "stage": stage, "error_code": code, "message": message, "ingest_date": ingest_date}


def parse_entries(entries: list[dict], fetch, now: dt.datetime) -> dict[str, pl.DataFrame]:
    """Pure over `fetch(raw_key) -> bytes`: every entry ends as rows or as one quarantine row."""
    out: dict[str, list[dict]] = {t: [] for t in ("reports", *FIGURE_TABLES, "quarantine")}
    ingest_date = now.date().isoformat()
    for entry in entries:
        if entry.get("rejected"):
            out["quarantine"].append(quarantine_row(entry, "stage", "too_large", entry["rejected"], ingest_date))
            continue
        try:
            parsed = parse_document(fetch(entry["raw_key"]), entry["source_name"], source_key=entry["raw_key"],
                                    source_url=entry.get("source_url"), ingested_at=now)
        except Unparseable as e:
            out["quarantine"].append(quarantine_row(entry, "parse", e.code, e.message, ingest_date))
            continue
        except Exception as e:  # a parser bug must not lose the document: quarantine it with the trace
            detail = "".join(traceback.format_exception_only(type(e), e)).strip()
            out["quarantine"].append(quarantine_row(entry, "parse", "parser_error", detail, ingest_date))
            continue
        out["reports"].append(parsed.report)
        for t in FIGURE_TABLES:
            out[t].extend(getattr(parsed, t))
    return {t: pl.DataFrame(rows, schema=polars_schema(t), strict=False) for t, rows in out.items()}


@task(name="parse-batch")
def parse_batch(batch_key: str, run_prefix: str, settings: S3Settings) -> str:
    raw = raw_store(settings)
    entries = read_manifest(settings, batch_key).to_dicts()
    frames = parse_entries(entries, raw.get, dt.datetime.now(dt.timezone.utc))
    prefix = f"{run_prefix}/parsed/{batch_key.rsplit('/', 1)[-1].removesuffix('.parquet')}"
    for table, frame in frames.items():
        write_parquet(raw, f"{prefix}/{table}.parquet", frame.to_arrow())
    return prefix
