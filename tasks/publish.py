"""Publish a run's validated batches into the warehouse, one statistical year at a time.

Belongs here: regrouping a run's batches by year (`split_by_year`), replacing a year's partitions
(`publish_year_partitions`), the quarantine table, the parse-state index entries that go with them,
and the run summary. Partition replacement itself is tasks/warehouse.py; S3 is tasks/storage.py.

Every task here touches object storage only, so each retries with backoff on network errors.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from prefect import task

from schemas.fields import APPLICANTS
from schemas.rules import CARRY_OVER_CODE, carry_over_findings
from schemas.tables import FIGURE_TABLES, TABLES, polars_schema
from tasks.batch import SKIPPED
from tasks.stage import NETWORK_RETRIES, network_error, update_state, wait_all
from tasks.storage import IO_THREADS, S3Settings, Store, open_store, raw_store, read_parquet, write_parquet
from tasks.warehouse import PART_FILE, partition_values, publish_table, read_partition

YEAR_TABLES = ("reports", *FIGURE_TABLES)
# Provinces whose partitions of one table are published together (memory: their share of a year's rows).
PROVINCES_AT_ONCE = 8


def run_summary(reports: pl.DataFrame, quarantine: pl.DataFrame) -> dict:
    by_partition = (reports.group_by("year", "province").len().sort("year", "province").rows()
                    if not reports.is_empty() else [])
    return {
        "reports": reports.height,
        "quarantined": quarantine.height,
        "by_year_province": [{"year": y, "province": p, "reports": n} for y, p, n in by_partition],
        "quality": dict(sorted(reports.group_by("quality").len().rows())) if not reports.is_empty() else {},
        "quarantine": [{k: r[k] for k in ("source_name", "error_code", "message")}
                       for r in quarantine.iter_rows(named=True)],
    }


def merge_summaries(summaries: list[dict]) -> dict:
    """Pure: the summaries of a run's year flows and its quarantine step, as one."""
    quality: dict[str, int] = {}
    for s in summaries:
        for k, v in s["quality"].items():
            quality[k] = quality.get(k, 0) + v
    return {
        "reports": sum(s["reports"] for s in summaries),
        "quarantined": sum(s["quarantined"] for s in summaries),
        "by_year_province": sorted((r for s in summaries for r in s["by_year_province"]),
                                   key=lambda r: (r["year"], r["province"])),
        "quality": dict(sorted(quality.items())),
        "quarantine": [q for s in summaries for q in s["quarantine"]],
    }


def _read(raw: Store, key: str, table: str, filters: list | None = None) -> pl.DataFrame:
    return pl.from_arrow(read_parquet(raw, key, filters=filters)).cast(polars_schema(table)) if key else \
        pl.DataFrame(schema=polars_schema(table))


def _in_provinces(frame: pl.DataFrame, provinces: list[str] | None) -> pl.DataFrame:
    if provinces is None:
        return frame
    return frame.filter(pl.col("province").is_in(pl.Series(provinces, dtype=pl.String).implode()))


class _YearFiles:
    """Rows of a run regrouped into one Parquet file per (table, year) (or per table), streamed through
    local files: appended a batch at a time, so no table of the whole run is ever held in memory."""

    FLUSH_BYTES = 32 * 1024 * 1024  # rows buffered (all files) before they are written out as row groups

    def __init__(self, folder: str):
        self.folder = folder
        self.buffers: dict[tuple[str, str], list[pa.Table]] = {}
        self.buffered = 0
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        self.schemas = {t: pl.DataFrame(schema=polars_schema(t)).to_arrow().schema
                        for t in (*YEAR_TABLES, "quarantine")}

    def add(self, table: str, part: str, frame: pl.DataFrame) -> None:
        if frame.is_empty():
            return
        rows = frame.to_arrow().cast(self.schemas[table])
        self.buffers.setdefault((table, part), []).append(rows)
        self.buffered += rows.nbytes
        if self.buffered >= self.FLUSH_BYTES:
            for key in list(self.buffers):
                self._flush(*key)
            self.buffered = 0

    def _flush(self, table: str, part: str) -> None:
        buffered = self.buffers.pop((table, part), [])
        writer = self.writers.get((table, part))
        if writer is not None and not buffered:
            return
        rows = pa.concat_tables(buffered) if buffered else self.schemas[table].empty_table()
        if writer is None:
            path = os.path.join(self.folder, f"{table}.{part}.parquet")
            writer = self.writers[(table, part)] = pq.ParquetWriter(path, self.schemas[table], compression="zstd")
        writer.write_table(rows)

    def close(self, table: str, part: str) -> bytes:
        """The file's bytes (an empty table's if it got no rows)."""
        self._flush(table, part)
        self.writers.pop((table, part)).close()
        path = os.path.join(self.folder, f"{table}.{part}.parquet")
        with open(path, "rb") as f:
            data = f.read()
        os.unlink(path)
        return data


def _read_batch(raw: Store, prefix: str) -> dict[str, pl.DataFrame]:
    return {t: _read(raw, f"{prefix}/{t}.parquet", t) for t in (*YEAR_TABLES, "quarantine")} | {
        SKIPPED: pl.from_arrow(read_parquet(raw, f"{prefix}/{SKIPPED}.parquet"))}


@task(name="split-by-year", **NETWORK_RETRIES, retry_condition_fn=network_error)
def split_by_year(batch_prefixes: list[str], run_prefix: str, settings: S3Settings) -> dict:
    """Regroup a run's batches by statistical year (known only after parsing), one batch at a time.

    A document met in several batches (the same bytes under several names) keeps the first batch's
    rows, as staging keeps a batch's first name. Writes `<run>/years/<year>/<table>.parquet`,
    `<run>/quarantine.parquet` and `<run>/parsed.parquet` (the report_id of every document the run
    parsed) and returns their keys and the run's counts:
    {"years": {"2024": prefix, …}, "quarantine": key, "parsed": key, "documents": n, "to_parse": n,
    "skipped": n}.
    """
    raw = raw_store(settings)
    taken: set[str] = set()  # report_ids whose rows came from an earlier batch
    skipped: set[str] = set()
    years: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="ogi-split-") as folder, ThreadPoolExecutor(IO_THREADS) as io:
        files = _YearFiles(folder)
        # Batches are read a few ahead, in order, while the previous ones are regrouped.
        ahead = [io.submit(_read_batch, raw, p) for p in batch_prefixes[:4]]
        for i in range(len(batch_prefixes)):
            frames = ahead[i].result()
            ahead[i] = None
            if i + 4 < len(batch_prefixes):
                ahead.append(io.submit(_read_batch, raw, batch_prefixes[i + 4]))
            ids = set(frames["reports"]["report_id"].to_list()) | set(frames["quarantine"]["report_id"].to_list())
            again = pl.Series(list(ids & taken), dtype=pl.String).implode()
            taken |= ids
            skipped.update(frames[SKIPPED]["report_id"].to_list())
            files.add("quarantine", "all", frames["quarantine"].filter(~pl.col("report_id").is_in(again)))
            for table in YEAR_TABLES:
                frame = frames[table].filter(~pl.col("report_id").is_in(again))
                for (year,), part in frame.partition_by("year", as_dict=True, maintain_order=True).items():
                    years.add(str(year))
                    files.add(table, str(year), part)
        # Every year gets every table (a year can lack rows of a figure table: its file is empty).
        outputs = {f"{run_prefix}/years/{y}/{t}.parquet": (t, y) for y in years for t in YEAR_TABLES}
        outputs[f"{run_prefix}/quarantine.parquet"] = ("quarantine", "all")
        wait_all([io.submit(lambda k, p: raw.put(k, files.close(*p)), key, part) for key, part in outputs.items()])
    ids = pl.Series("report_id", sorted(taken), dtype=pl.String).to_frame()
    write_parquet(raw, f"{run_prefix}/parsed.parquet", ids.to_arrow())
    return {"years": {y: f"{run_prefix}/years/{y}" for y in sorted(years)},
            "quarantine": f"{run_prefix}/quarantine.parquet", "parsed": f"{run_prefix}/parsed.parquet",
            "documents": len(taken | skipped), "to_parse": len(taken), "skipped": len(skipped - taken)}


@task(name="publish-year-partitions", **NETWORK_RETRIES, retry_condition_fn=network_error)
def publish_year_partitions(year: int, year_prefix: str | None, parsed_key: str, warehouse: str, state: str,
                            settings: S3Settings, provinces: list[str] | None = None) -> dict:
    """Replace one year's partitions (only `provinces` when given) for every document the run parsed.

    In `year`'s partitions, the rows of every document the run parsed are replaced by its rows for
    `year`: a document that now belongs to another year (or to quarantine) leaves this year, one
    that was skipped as already published is left alone. Idempotent: running it again on the same
    keys writes the same rows. Then records the year's documents in the state index.
    """
    raw = raw_store(settings)
    parsed = pl.from_arrow(read_parquet(raw, parsed_key))["report_id"]
    quarantine = pl.DataFrame(schema=polars_schema("quarantine"))

    def provinces_in(table: str) -> list[str]:
        if not year_prefix:
            return []
        present = pl.from_arrow(read_parquet(raw, f"{year_prefix}/{table}.parquet", columns=["province"]))
        return sorted(p for p in present["province"].unique().to_list() if provinces is None or p in provinces)

    def rows(table: str, chunk: list[str]) -> pl.DataFrame:
        return _read(raw, f"{year_prefix}/{table}.parquet", table, [("province", "in", chunk)]) if chunk else \
            pl.DataFrame(schema=polars_schema(table))

    if parsed.is_empty():  # nothing was (re)parsed: nothing changes
        return run_summary(rows("reports", provinces_in("reports")), quarantine)
    store = open_store(warehouse, settings)
    replaced = set(parsed.to_list())
    reports = []
    # One table, and a few provinces, at a time: a national year's rows are never all held at once.
    for table in YEAR_TABLES:
        present = provinces_in(table)
        for start in range(0, len(present), PROVINCES_AT_ONCE):
            frame = rows(table, present[start:start + PROVINCES_AT_ONCE])
            publish_table(store, table, frame, replaced)
            if table == "reports":
                reports.append(frame.select("report_id", "province", "year", "quality"))
        # The other partitions in scope may hold rows of re-parsed documents that moved to another
        # partition or year (a better region resolution, a corrected year): those rows go.
        others = [f"{table}/year={year}/province={p}/" for p in (provinces if provinces is not None else
                  sorted({partition_values(k)["province"] for k in store.list(f"{table}/year={year}/")}))
                  if p not in present]
        publish_table(store, table, rows(table, []), replaced, others)
    reports = pl.concat(reports) if reports else rows("reports", []).select("report_id", "province", "year", "quality")
    update_state(raw, f"{state}/year={year}.parquet", parsed, reports, provinces)
    return run_summary(reports, quarantine)


@task(name="publish-quarantine", **NETWORK_RETRIES, retry_condition_fn=network_error)
def publish_quarantine(quarantine_key: str, published_prefixes: list[str], parsed_key: str, warehouse: str,
                       state: str, settings: S3Settings, provinces: list[str] | None = None) -> dict:
    """Record the run's quarantined documents; drop stale quarantine rows of documents published now.

    Quarantined documents have no statistical year, so they are recorded whatever years the run covers.
    """
    raw = raw_store(settings)
    quarantine = _read(raw, quarantine_key, "quarantine")
    published = pl.concat(
        [_in_provinces(pl.from_arrow(read_parquet(raw, f"{p}/reports.parquet", columns=["report_id", "province"])),
                       provinces)["report_id"]
         for p in published_prefixes] or [pl.Series("report_id", [], pl.String)])
    handled = set(published.to_list()) | set(quarantine["report_id"].to_list())
    if handled:
        publish_table(open_store(warehouse, settings), "quarantine", quarantine, handled, ["quarantine/"])
    parsed = pl.from_arrow(read_parquet(raw, parsed_key))["report_id"]
    if not parsed.is_empty():
        update_state(raw, f"{state}/quarantine.parquet", parsed,
                     quarantine.select("report_id", pl.lit(None, pl.String).alias("province")))
    return run_summary(pl.DataFrame(schema=polars_schema("reports")), quarantine)


_BODY = ["province", "prefecture_code", "county_code", "organization"]  # a body, across years


def cross_year_issues(reports: pl.DataFrame, applications: pl.DataFrame) -> pl.DataFrame:
    """Pure: `reports` with their carry_over_mismatch warnings recomputed from scratch.

    A body is matched across years by (province, prefecture, county, organization); where a year
    has several reports of one body the pair is ambiguous and not checked. Both reports of a
    mismatching pair carry the warning.
    """
    cols = list(APPLICANTS)
    unique = reports.filter(pl.col("organization").is_not_null()).filter(pl.len().over(_BODY + ["year"]) == 1)
    rows = applications.filter(pl.col("outcome").is_in(["carried_over", "carried_forward"]))
    pairs = (
        unique.select("report_id", "year", *_BODY)
        .join(unique.select("report_id", "year", *_BODY).with_columns(pl.col("year") + 1),
              on=[*_BODY, "year"], suffix="_prev")
    )
    # Each pair's first 上年结转 row (its report) and first 结转下年度 row (the previous report), by joins:
    # a filter per pair would be quadratic in a national year's documents.
    prev_cols = [f"{c}__prev" for c in cols]
    now = (rows.filter(pl.col("outcome") == "carried_over").unique("report_id", keep="first", maintain_order=True)
           .select("report_id", *cols))
    before = (rows.filter(pl.col("outcome") == "carried_forward")
              .unique("report_id", keep="first", maintain_order=True)
              .select(pl.col("report_id").alias("report_id_prev"), *[pl.col(c).alias(f"{c}__prev") for c in cols]))
    matched = (pairs.select("report_id", "report_id_prev", "year")
               .join(now, on="report_id", how="inner", maintain_order="left")
               .join(before, on="report_id_prev", how="inner", maintain_order="left"))
    found: dict[str, list[dict]] = {}
    for p in matched.iter_rows(named=True):
        findings = carry_over_findings([p[c] for c in cols], [p[c] for c in prev_cols], p["year"])
        for f in findings:
            issue = {"code": f.code, "detail": f.detail}
            found.setdefault(p["report_id"], []).append(issue)
            found.setdefault(p["report_id_prev"], []).append(issue)
    # Only reports that carry such a warning now, or get one, change: the others are not touched (a
    # national year's reports are not all turned into Python objects).
    dtype = reports.schema["issues"]
    warned = pl.col("issues").list.eval(pl.element().struct.field("code") == CARRY_OVER_CODE).list.any()
    changing = reports.filter(warned.fill_null(False) | pl.col("report_id").is_in(list(found))) \
        .select("report_id", "issues")
    new_issues = [[i for i in (issues or []) if i["code"] != CARRY_OVER_CODE] + found.get(rid, [])
                  for rid, issues in changing.iter_rows()]
    changed = changing.with_columns(pl.Series("new_issues", new_issues, dtype=dtype)).select("report_id", "new_issues")
    return (reports.join(changed, on="report_id", how="left", maintain_order="left")
            .with_columns(pl.coalesce("new_issues", "issues").alias("issues")).drop("new_issues"))


def _year_rows(store: Store, table: str, year: int, columns: list[str], keep: pl.Expr | None = None) -> pl.DataFrame:
    """`columns` of a published year's rows (those `keep` selects), read partition by partition."""
    parts = [read_partition(store, table, key, columns) for key in store.list(f"{table}/year={year}/")
             if key.endswith(PART_FILE)]
    parts = [p.filter(keep) for p in parts] if keep is not None else parts
    schema = polars_schema(table)
    return pl.concat(parts) if parts else pl.DataFrame(schema={c: schema[c] for c in columns})


@task(name="cross-year-checks", **NETWORK_RETRIES, retry_condition_fn=network_error)
def cross_year_checks(years: list[int], warehouse: str, settings: S3Settings) -> int:
    """Recompute carry-over warnings for the published years and their neighbours; rewrite what changed.

    One year at a time, with only what its pairs need of the years on either side (the bodies of
    their reports, their carry-over rows): a national backfill never holds every year at once.
    """
    store = open_store(warehouse, settings)
    carry = pl.col("outcome").is_in(["carried_over", "carried_forward"])
    app_columns = ["report_id", "year", "province", "outcome", *APPLICANTS]
    body_columns = ["report_id", "year", *_BODY]
    # Years are checked in order, so each year's bodies and carry-over rows are read once and kept
    # while the years next to it are checked (issue rewrites change neither).
    bodies: dict[int, pl.DataFrame] = {}
    carried: dict[int, pl.DataFrame] = {}

    def window(cache: dict[int, pl.DataFrame], y: int, read) -> pl.DataFrame:
        if y not in cache:
            cache[y] = read(y)
        return cache[y]

    changed_total = 0
    for year in sorted({y + d for y in years for d in (-1, 0, 1)}):
        for cache in (bodies, carried):
            for old in [y for y in cache if y < year - 1]:
                del cache[old]
        reports = _year_rows(store, "reports", year, TABLES["reports"].columns)
        bodies[year] = reports.select(body_columns)
        if reports.is_empty():
            continue
        neighbours = [window(bodies, y, lambda y: _year_rows(store, "reports", y, body_columns))
                      for y in (year - 1, year + 1)]
        around = pl.concat([reports, *[n.with_columns(pl.lit(None, dtype=dtype).alias(c)
                                                      for c, dtype in reports.schema.items() if c not in n.columns)
                                       .select(reports.columns) for n in neighbours]])
        applications = pl.concat([window(carried, y, lambda y: _year_rows(store, "applications", y, app_columns, carry))
                                  for y in (year - 1, year, year + 1)])
        checked = cross_year_issues(around, applications).head(reports.height)  # this year's rows come first
        empty = pl.lit([], dtype=reports.schema["issues"])
        differs = pl.DataFrame({"before": reports["issues"], "after": checked["issues"]}).select(
            pl.col("before").fill_null(empty) != pl.col("after").fill_null(empty)).to_series()
        changed = reports.filter(differs)["report_id"].to_list()
        if changed:
            publish_table(store, "reports", checked.filter(pl.col("report_id").is_in(changed)), set(changed))
        changed_total += len(changed)
    return changed_total


@task(name="clean-run", **NETWORK_RETRIES, retry_condition_fn=network_error)
def clean_run(run_prefix: str, settings: S3Settings) -> None:
    """Intermediate batch files go; raw documents are never deleted."""
    raw = raw_store(settings)
    raw.delete_many(list(raw.list(run_prefix + "/")))
