"""Backfills through a real local S3 server: a child flow run per year, idempotent, incremental.

The flows run in-process (one temporary Prefect server for the module); one `ogi backfill` subprocess
checks the command line. Three statistical years: the seeds (2020, 2024) and a 2022 report made from
the 2020 seed by changing its years, plus an empty file for the quarantine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tasks.parsing.document import PARSER_VERSION
from tests.conftest import ROOT, SEEDS, corpus_documents

pytestmark = pytest.mark.slow
OGI = str(Path(sys.executable).with_name("ogi"))
BUCKET = "ogi-test-backfill"
TABLES = ("reports", "active_disclosure", "applications", "reviews_litigation")
SEED_2020 = "002_231d42344d228242.txt"
BUMPED = PARSER_VERSION + "+bump"


def read(warehouse: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(warehouse / table / "**" / "*.parquet", hive_partitioning=True,
                           hive_schema={"year": pl.Int64, "province": pl.String}).sort(pl.all())


def tables(warehouse: Path, drop: tuple[str, ...] = ()) -> dict[str, pl.DataFrame]:
    return {t: read(warehouse, t).drop(drop, strict=False).sort(pl.all()) for t in TABLES}


def files(warehouse: Path) -> dict[str, bytes]:
    return {p.relative_to(warehouse).as_posix(): p.read_bytes() for p in warehouse.rglob("*.parquet")}


def report_2022(seed_2020: str) -> str:
    """The 2020 seed as its 2022 report: the statistical year in title and text, the dates of issue."""
    for old, new in (("2020年", "2022年"), ("2021-01-18", "2023-01-18"), ("2021-00060", "2023-00060")):
        seed_2020 = seed_2020.replace(old, new)
    return seed_2020


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("three_years")
    for doc in corpus_documents(SEEDS):
        (src / doc.name).write_bytes(doc.read_bytes())
    (src / "2022_variant.txt").write_text(report_2022((SEEDS / SEED_2020).read_text(encoding="utf-8")),
                                          encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    return src


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
def runs(environment, source, tmp_path_factory):
    """The backfills, in order, on one warehouse: what each returned and what the warehouse held after."""
    from flows.backfill import backfill
    from tasks.parsing import document

    warehouse = tmp_path_factory.mktemp("warehouse")
    out: dict = {"warehouse": warehouse}

    def run(name: str, **kwargs):
        state = backfill(source=str(source), warehouse=str(warehouse), batch_size=3, return_state=True,
                         **kwargs)
        out[name] = {"summary": state.result(), "flow_run_id": state.state_details.flow_run_id,
                     "files": files(warehouse)}

    run("only_2022", years=[2022])
    run("three_years", years=[2020, 2021, 2022, 2023, 2024])
    out["snapshot"] = tables(warehouse)
    run("again", years=[2020, 2021, 2022, 2023, 2024])
    run("reparse_2024_32", years=[2024], provinces=["32"], reparse=True)
    out["after_reparse"] = tables(warehouse)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(document, "PARSER_VERSION", BUMPED)
        run("bumped", years=[2020, 2021, 2022, 2023, 2024])
    out["after_bump"] = tables(warehouse)
    return out


def test_a_year_outside_the_backfill_is_parsed_but_not_published(runs):
    first = runs["only_2022"]["summary"]
    assert (first["documents"], first["parsed"], first["skipped"]) == (7, 7, 0)
    assert [r["year"] for r in first["by_year_province"]] == [2022]
    assert first["reports"] == 1 and first["quarantined"] == 1  # empty.txt has no year: always recorded
    assert {k.split("/")[1] for k in runs["only_2022"]["files"] if k.startswith("reports/")} == {"year=2022"}


def test_backfill_runs_one_child_flow_per_year(runs):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        children = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[runs["three_years"]["flow_run_id"]])))
        flows = {client.read_flow(r.flow_id).name for r in children}
    assert sorted(r.name for r in children) == [f"publish-{y}" for y in range(2020, 2025)]
    assert flows == {"ogi-publish-year"} and all(r.state.is_completed() for r in children)


def test_three_years_are_published_and_already_published_documents_are_skipped(runs):
    summary = runs["three_years"]["summary"]
    assert (summary["parsed"], summary["skipped"]) == (5, 2)  # the 2022 report and empty.txt were done
    reports = runs["snapshot"]["reports"]
    assert reports["report_id"].n_unique() == reports.height == 6
    assert sorted(reports["year"].value_counts().rows()) == [(2020, 1), (2022, 1), (2024, 4)]
    variant = reports.filter(pl.col("year") == 2022).row(0, named=True)
    assert variant["province"] == "32" and variant["source_name"] == "2022_variant.txt"


def test_a_second_run_parses_nothing_and_changes_nothing(runs):
    again = runs["again"]["summary"]
    assert (again["parsed"], again["skipped"], again["reports"]) == (0, 7, 0)
    assert runs["again"]["files"] == runs["three_years"]["files"]  # byte for byte


def test_rerunning_a_year_and_province_replaces_only_its_partitions(runs):
    summary = runs["reparse_2024_32"]["summary"]
    assert summary["parsed"] == 7
    assert summary["by_year_province"] == [{"year": 2024, "province": "32", "reports": 1}]
    before, after = runs["again"]["files"], runs["reparse_2024_32"]["files"]
    assert set(before) == set(after)
    changed = {k for k in before if before[k] != after[k] and not k.startswith("quarantine/")}
    assert changed and all("/year=2024/province=32/" in k for k in changed), changed
    for table in TABLES:  # the same rows: only ingested_at moved
        assert runs["after_reparse"][table].drop("ingested_at", strict=False).equals(
            runs["snapshot"][table].drop("ingested_at", strict=False)), table


def test_bumping_the_parser_version_reparses_everything(runs):
    summary = runs["bumped"]["summary"]
    assert (summary["parsed"], summary["skipped"], summary["reports"]) == (7, 0, 6)
    assert runs["after_bump"]["reports"]["parser_version"].unique().to_list() == [BUMPED]
    drop = ("ingested_at", "parser_version")
    for table in TABLES:
        assert runs["after_bump"][table].drop(drop, strict=False).equals(
            runs["snapshot"][table].drop(drop, strict=False)), table


def test_state_index_and_raw_objects(runs, s3_server):
    from tasks.stage import state_prefix

    client = s3_server.client()
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    for version in (PARSER_VERSION, BUMPED):
        prefix = state_prefix(version, str(runs["warehouse"]))
        assert {k for k in keys if k.startswith(prefix)} == {
            f"{prefix}/{name}.parquet" for name in ("year=2020", "year=2022", "year=2024", "quarantine")}
    assert len([k for k in keys if k.startswith("raw/")]) == 7  # never deleted, never duplicated
    assert not [k for k in keys if k.startswith("runs/")]


def test_ogi_backfill_command(runs, environment, source):
    """The command line, once: a year range, a province filter, --reparse, JSON out."""
    import os

    command = [OGI, "backfill", "--years", "2019-2021", "--provinces", "32", "--reparse", "--json",
               "--source", str(source), "--warehouse", str(runs["warehouse"]), "--batch-size", "4"]
    proc = subprocess.run(command, env={**os.environ, **environment}, capture_output=True, text=True,
                          timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)
    assert summary["years"] == [2019, 2020, 2021] and summary["parsed"] == 7
    assert summary["by_year_province"] == [{"year": 2020, "province": "32", "reports": 1}]
    reports = read(runs["warehouse"], "reports")
    assert reports.filter(pl.col("year") == 2020)["parser_version"].to_list() == [PARSER_VERSION]
    assert set(reports.filter(pl.col("year") != 2020)["parser_version"]) == {BUMPED}


def test_bounded_keeps_at_most_limit_tasks_in_flight(environment):
    """The flows submit batches through progress.bounded: never more than `limit` at once (memory stays
    flat whatever the corpus size), results in submission order, each completion reported."""
    import threading
    import time

    from prefect import flow, task

    from flows import progress

    lock = threading.Lock()
    running: set[int] = set()
    peak = [0]
    seen = []

    @task
    def work(i: int) -> int:
        with lock:
            running.add(i)
            peak[0] = max(peak[0], len(running))
        time.sleep(0.3 if i % 2 else 0.1)
        with lock:
            running.discard(i)
        return i * 10

    @flow
    def batches() -> list[int]:
        return progress.bounded(work.submit, list(range(7)), 3, "parse")

    class Listener:
        def start(self, step, total):
            seen.append((step, total))

        def advance(self, step):
            seen.append(step)

    with progress.reporting_to(Listener()):
        assert batches() == [0, 10, 20, 30, 40, 50, 60]
    assert peak[0] == 3
    assert seen == [("parse", 7)] + ["parse"] * 7
