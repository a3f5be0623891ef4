"""Process environment for the embedded default: local Prefect and a local S3 server.

Set before Prefect is imported: Prefect reads its settings at import time.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
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
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # read when dask is imported (workers too)


@contextlib.contextmanager
def prefect_settings_from_env():
    """configure_prefect() for a process that imported Prefect before it (a test session): Prefect reads
    its settings at import time, so run the block with settings read from the environment again."""
    configure_prefect()
    import logging

    import prefect.context
    from prefect.settings import Settings

    logging.getLogger("prefect").setLevel(os.environ["PREFECT_LOGGING_LEVEL"])  # also configured at import
    current = prefect.context.get_settings_context()
    with prefect.context.SettingsContext(profile=current.profile, settings=Settings()):
        yield


def task_runner(runner: str = "threads", address: str | None = None, workers: int = 2,
                processes: bool = True):
    """The flows' task runner: None keeps Prefect's thread pool; "dask" is prefect-dask's DaskTaskRunner
    on the scheduler at `address`, or on a local cluster of `workers` (processes, or threads of this
    process with processes=False) when none is given.

    Workers of a real cluster need the S3 credentials (the AWS_* chain) and a Prefect server they can
    reach: run the flow with PREFECT_API_URL set (Prefect ships the flow's settings with each task) and
    give the workers the same variable. See prefect_api_for_workers for a local cluster.
    """
    if runner == "threads":
        return None
    if runner != "dask":
        raise ValueError(f"unknown runner {runner!r}: threads or dask")
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                          "processes": processes, "dashboard_address": None})


def start_prefect_early() -> Callable[[], None]:
    """Start Prefect's temporary API server in the background; returns a function that waits for it.

    Without PREFECT_API_URL the first flow run starts a temporary server (~6 s); started here, at the
    top of a command, it comes up while the process imports its modules and starts the S3 server.
    The returned wait must be called before the first flow runs.
    """
    if os.environ.get("PREFECT_API_URL"):
        return lambda: None
    errors: list[BaseException] = []

    def start() -> None:
        try:
            from prefect.server.api.server import SubprocessASGIServer

            SubprocessASGIServer().start()
        except Exception as e:  # noqa: BLE001 - whatever it is, wait() re-raises it in the main thread
            errors.append(e)

    thread = threading.Thread(target=start, name="prefect-server-start", daemon=True)
    thread.start()

    def wait() -> None:
        thread.join()
        if errors:
            raise errors[0]

    return wait


@contextlib.contextmanager
def prefect_api_for_workers(runner: str = "threads"):
    """Dask worker processes report to the flow's Prefect API, whose URL Prefect ships with each task.

    With no PREFECT_API_URL (the temporary server), start that server now and run the flow with its URL,
    so the workers of a local cluster share it instead of each starting a temporary server of its own
    (~10 s per worker). A real cluster needs PREFECT_API_URL set to a server the workers can reach.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if runner != "dask" or PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield
