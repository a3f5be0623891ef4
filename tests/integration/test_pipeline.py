"""End to end: `ogi run` through a real local S3 server (SeaweedFS), scored against the gold labels."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.conftest import ROOT, SCORER, SEEDS, corpus_documents

pytestmark = pytest.mark.slow
OGI = str(Path(sys.executable).with_name("ogi"))
TABLES = ("reports", "active_disclosure", "applications", "reviews_litigation")


def ogi_run(source: Path, warehouse: Path, env: dict) -> dict:
    proc = subprocess.run([OGI, "run", "--source", str(source), "--warehouse", str(warehouse), "--json",
                           "--batch-size", "3"],
                          env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def read(warehouse: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(warehouse / table / "**" / "*.parquet", hive_partitioning=True,
                           hive_schema={"year": pl.Int64, "province": pl.String}).sort(pl.all())


@pytest.fixture(scope="module")
def seeds_with_hostile(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("source")
    for doc in corpus_documents(SEEDS):
        shutil.copy(doc, src / doc.name)
    (src / "empty.txt").write_bytes(b"")
    (src / "random.bin").write_bytes(bytes(range(256)) * 40)
    (src / "not a report.html").write_text(
        "<html><head><meta charset='utf-8'><title>关于开展春季植树活动的通知</title></head>"
        "<body><p>各单位：为改善人居环境，定于3月12日开展义务植树活动。</p></body></html>", encoding="utf-8")
    shutil.copy(corpus_documents(SEEDS)[0], src / "duplicate of seed 000.txt")  # same bytes: one document
    return src


@pytest.fixture(scope="module")
def published(seeds_with_hostile, tmp_path_factory, s3_server):
    env = {**os.environ, "OGI_S3_ENDPOINT": s3_server.endpoint_url, "OGI_RAW_BUCKET": s3_server.bucket,
           "AWS_ACCESS_KEY_ID": s3_server.access_key, "AWS_SECRET_ACCESS_KEY": s3_server.secret_key}
    warehouse = tmp_path_factory.mktemp("warehouse")
    first = ogi_run(seeds_with_hostile, warehouse, env)
    snapshot = {t: read(warehouse, t) for t in TABLES}
    second = ogi_run(seeds_with_hostile, warehouse, env)
    return warehouse, first, second, snapshot


def test_seeds_score_100_percent(published):
    warehouse = published[0]
    proc = subprocess.run([sys.executable, str(SCORER), "--warehouse", str(warehouse), "--gold", str(SEEDS),
                           "--min", "100", "-v"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_every_staged_document_is_published_or_quarantined(published):
    _, first, _, _ = published
    staged = len(corpus_documents(SEEDS)) + 3  # the duplicate is the same document
    assert first["reports"] + first["quarantined"] == staged
    reasons = {q["source_name"]: q["error_code"] for q in first["quarantine"]}
    assert reasons == {"empty.txt": "empty", "random.bin": "undecodable",
                       "not a report.html": "not_annual_report"} or set(reasons) == {
        "empty.txt", "random.bin", "not a report.html"}, reasons


def test_rerun_replaces_partitions_without_duplicates(published):
    warehouse, _, _, snapshot = published
    for table in TABLES:
        again = read(warehouse, table)
        assert again.drop("ingested_at", strict=False).equals(snapshot[table].drop("ingested_at", strict=False)), \
            table
    reports = read(warehouse, "reports")
    assert reports["report_id"].n_unique() == reports.height == len(corpus_documents(SEEDS))
    quarantine = pl.read_parquet(warehouse / "quarantine" / "**" / "*.parquet")
    assert quarantine["report_id"].n_unique() == quarantine.height == 3


def test_layout_is_hive_partitioned_and_readable_by_duckdb(published):
    warehouse = published[0]
    parts = sorted(p.relative_to(warehouse).as_posix() for p in warehouse.glob("reports/*/*/*.parquet"))
    assert "reports/year=2024/province=32/part-0.parquet" in parts
    con = duckdb.connect()
    rows = con.execute(
        f"select province, count(*) from read_parquet('{warehouse}/applications/*/*/*.parquet', "
        "hive_partitioning=true, hive_types={'year': BIGINT, 'province': VARCHAR}) group by 1 order by 1"
    ).fetchall()
    assert ("32", 25 + 23) in rows  # seed 000 (2021 edition, 25 rows) and seed 002 (2019, 23 rows)


def test_raw_objects_are_content_addressed_with_their_names(published, s3_server):
    import hashlib
    import urllib.parse

    client = s3_server.client()
    doc = corpus_documents(SEEDS)[0]
    digest = hashlib.sha256(doc.read_bytes()).hexdigest()
    head = client.head_object(Bucket=s3_server.bucket, Key=f"raw/{digest[:2]}/{digest}")
    assert urllib.parse.unquote(head["Metadata"]["source-name"]) in {doc.name, "duplicate of seed 000.txt"}
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=s3_server.bucket, Prefix="raw/")["Contents"]]
    assert len(keys) == len(corpus_documents(SEEDS)) + 3
    runs = client.list_objects_v2(Bucket=s3_server.bucket, Prefix="runs/").get("Contents", [])
    assert runs == []  # intermediate batch files are cleaned up after publishing


def test_peer_corpus_scores_at_least_99_percent(tmp_path, s3_server):
    """The real documents of ../shared/corpus/peer (PDF, HTML, markdown, crawler text) keep their names."""
    from tests.conftest import PEER

    src = tmp_path / "peer"
    src.mkdir()
    for doc in corpus_documents(PEER):
        shutil.copy(doc, src / doc.name)
    env = {**os.environ, "OGI_S3_ENDPOINT": s3_server.endpoint_url, "OGI_RAW_BUCKET": s3_server.bucket,
           "OGI_RAW_PREFIX": "peer", "AWS_ACCESS_KEY_ID": s3_server.access_key,
           "AWS_SECRET_ACCESS_KEY": s3_server.secret_key}
    summary = ogi_run(src, tmp_path / "wh", env)
    assert summary["quarantined"] == 0
    proc = subprocess.run([sys.executable, str(SCORER), "--warehouse", str(tmp_path / "wh"), "--gold", str(PEER),
                           "--min", "99", "-v"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout
