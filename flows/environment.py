"""Process environment for the embedded default: local Prefect and a local S3 server.

Set before Prefect is imported: Prefect reads its settings at import time.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT_ROOT / "data" / "samples"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse"
S3_DATA_DIR = PROJECT_ROOT / "var" / "s3"


def configure_prefect() -> None:
    """Local Prefect with no server to set up (ephemeral), unless PREFECT_API_URL points at one."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
