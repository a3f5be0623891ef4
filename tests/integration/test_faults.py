"""Faults: a flaky or dead object store, a crash in the middle of publishing, credentials kept out.

Guarantees under test (README, "Guarantees"): bounded retries with backoff then a clear failure;
a re-run completes the job with no duplicates; a partition file is always either the old or the
new version; the secret key never reaches logs, summaries or Prefect's database.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import ROOT, SCORER, SEEDS, corpus_documents
from tests.integration.faulty_proxy import FaultyProxy

pytestmark = pytest.mark.slow
OGI = str(Path(sys.executable).with_name("ogi"))


@pytest.fixture()
def proxy(s3_server):
    p = FaultyProxy(s3_server.endpoint_url).start()
    yield p
    p.stop()


def run_ogi(source: Path, warehouse: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([OGI, "run", "--source", str(source), "--warehouse", str(warehouse), "--json",
                           "--batch-size", "2"], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def environment(s3_server, endpoint: str, prefix: str, **extra) -> dict:
    return {**os.environ, "OGI_S3_ENDPOINT": endpoint, "OGI_RAW_BUCKET": s3_server.bucket,
            "OGI_RAW_PREFIX": prefix, "AWS_ACCESS_KEY_ID": s3_server.access_key,
            "AWS_SECRET_ACCESS_KEY": s3_server.secret_key, "AWS_REGION": "us-east-1", **extra}


@pytest.fixture()
def seeds(tmp_path) -> Path:
    src = tmp_path / "source"
    src.mkdir()
    for doc in corpus_documents(SEEDS):
        shutil.copy(doc, src / doc.name)
    return src


def score(warehouse: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCORER), "--warehouse", str(warehouse), "--gold", str(SEEDS),
                           "--min", "100"], capture_output=True, text=True)


def test_flaky_storage_is_retried_and_secrets_stay_out(s3_server, proxy, seeds, tmp_path):
    proxy.mode, proxy.fail_rate = "flaky", 0.25
    prefect_home = tmp_path / "prefect"
    env = environment(s3_server, proxy.endpoint_url, "faults-flaky", PREFECT_HOME=str(prefect_home),
                      PREFECT_LOGGING_LEVEL="INFO")
    proc = run_ogi(seeds, tmp_path / "wh", env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proxy.injected > 0
    assert score(tmp_path / "wh").returncode == 0
    secret = s3_server.secret_key.encode()
    assert secret not in proc.stdout.encode() + proc.stderr.encode()
    for path in prefect_home.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), f"secret key found in {path}"


def test_timeouts_are_retried(s3_server, proxy, seeds, tmp_path):
    proxy.mode, proxy.fail_rate = "slow", 0.15
    env = environment(s3_server, proxy.endpoint_url, "faults-slow", OGI_S3_READ_TIMEOUT="1")
    proc = run_ogi(seeds, tmp_path / "wh", env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proxy.injected > 0
    assert score(tmp_path / "wh").returncode == 0


def test_dead_storage_fails_clearly_then_a_rerun_completes_without_duplicates(s3_server, proxy, seeds, tmp_path):
    env = environment(s3_server, proxy.endpoint_url, "faults-dead")
    warehouse = tmp_path / "wh"
    proxy.mode = "down"
    started = time.monotonic()
    proc = run_ogi(seeds, warehouse, env)
    assert proc.returncode != 0
    assert time.monotonic() - started < 240  # retries are bounded
    assert "SlowDown" in proc.stderr or "503" in proc.stderr or "reduce your request rate" in proc.stderr, \
        proc.stderr[-2000:]
    proxy.mode = "pass"
    proc = run_ogi(seeds, warehouse, env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = run_ogi(seeds, warehouse, env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert score(warehouse).returncode == 0
    reports = pl.read_parquet(warehouse / "reports" / "**" / "*.parquet")
    assert reports.height == reports["report_id"].n_unique() == len(corpus_documents(SEEDS))


CRASHER = r"""
import sys, itertools
import polars as pl
from schemas.tables import polars_schema
from tasks.storage import LocalStore
from tasks.warehouse import publish_table

store = LocalStore(sys.argv[1])
def frame(version):
    rows = [{"report_id": f"{r:064x}", "year": 2020 + r % 3, "province": f"{10 + r % 7}",
             "proceeding": "administrative_review", "upheld": version, "corrected": 0, "other": 0,
             "pending": 0, "total": version} for r in range(60)]
    return pl.DataFrame(rows, schema=polars_schema("reviews_litigation"))
ids = {f"{r:064x}" for r in range(60)}
print("ready", flush=True)
for version in itertools.cycle([1, 2]):
    publish_table(store, "reviews_litigation", frame(version), ids)
"""


def test_a_crash_while_publishing_leaves_each_partition_old_or_new(tmp_path):
    script = tmp_path / "crasher.py"
    script.write_text(CRASHER)
    warehouse = tmp_path / "wh"
    for delay in (0.3, 0.7, 1.1, 1.6, 2.2):
        proc = subprocess.Popen([sys.executable, str(script), str(warehouse)], cwd=ROOT, stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        files = sorted(warehouse.glob("reviews_litigation/*/*/*.parquet"))
        for f in files:
            part = pl.read_parquet(f)  # never a torn file
            assert part["upheld"].n_unique() == 1 and part["upheld"][0] in (1, 2)
        hidden = [p for p in warehouse.rglob(".tmp-*")]
        # Leftover temp files of a killed writer are hidden from readers (dot-prefixed, no .parquet).
        assert all(not p.name.endswith(".parquet") for p in hidden)
    readers = pl.read_parquet(warehouse / "reviews_litigation" / "**" / "*.parquet")
    assert readers.height == 60
