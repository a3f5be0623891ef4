"""The sample warehouse: `ogi run` on data/samples through the test S3 server, built once per session.

Used by the DuckDB-view and notebook tests (what analysts open). Raw objects go under their own
prefix (OGI_RAW_PREFIX) so they do not mix with test_pipeline.py's objects in the shared bucket.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SAMPLES = ROOT / "data" / "samples"
OGI = str(Path(sys.executable).with_name("ogi"))


def s3_environment(s3_server) -> dict[str, str]:
    return {"OGI_S3_ENDPOINT": s3_server.endpoint_url, "OGI_RAW_BUCKET": s3_server.bucket,
            "AWS_ACCESS_KEY_ID": s3_server.access_key, "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
            "AWS_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory, s3_server) -> Path:
    source = tmp_path_factory.mktemp("samples")
    for doc in SAMPLES.iterdir():
        shutil.copy(doc, source / doc.name)
    warehouse = tmp_path_factory.mktemp("sample-warehouse")
    env = {**os.environ, **s3_environment(s3_server), "OGI_RAW_PREFIX": "sample-warehouse"}
    proc = subprocess.run([OGI, "run", "--source", str(source), "--warehouse", str(warehouse), "--json"],
                          env=env, capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert list(warehouse.glob("reports/*/*/*.parquet")), proc.stdout[-3000:]
    return warehouse
