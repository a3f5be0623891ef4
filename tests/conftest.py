"""Shared fixtures: paths to the shared corpora, a local S3 server for integration tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
PEER = SHARED / "corpus" / "peer"
SCORER = SHARED / "eval" / "score.py"


def corpus_documents(folder: Path) -> list[Path]:
    """The documents of a corpus folder (not its labels, manifests or the blank template)."""
    skip = (".gold.json", ".tsv", "LABELS.md", "peer_labels.json", ".docx")
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.endswith(skip))


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    from infra.s3server import LocalS3Server

    with LocalS3Server(tmp_path_factory.mktemp("s3"), bucket="ogi-test-raw") as server:
        yield server


@pytest.fixture()
def s3_env(s3_server, monkeypatch):
    """Environment that points the pipeline at the test S3 server."""
    env = {
        "OGI_S3_ENDPOINT": s3_server.endpoint_url,
        "OGI_RAW_BUCKET": s3_server.bucket,
        "AWS_ACCESS_KEY_ID": s3_server.access_key,
        "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
        "AWS_REGION": "us-east-1",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return {**os.environ, **env}
