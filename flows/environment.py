"""Process environment for the embedded default: local Prefect and a local S3 server.

Set before Prefect is imported: Prefect reads its settings at import time.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = PROJECT_ROOT / "data" / "samples"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse"
S3_DATA_DIR = PROJECT_ROOT / "var" / "s3"
# Documents per parse/validate task: each task run costs Prefect's server ~0.1 s of CPU, so a few hundred
# documents (~1 s of parsing) a task keeps that small.
DEFAULT_BATCH_SIZE = 500
# Batches staged, parsed and validated at once: one per parse worker keeps the cores busy, and the
# others are being put into the raw bucket or written out meanwhile (memory: a few batches' documents).
BATCHES_IN_FLIGHT = 4


def limit_malloc_arenas(arenas: int = 2) -> None:
    """At most `arenas` glibc malloc arenas in this process and its children (MALLOC_ARENA_MAX).

    A run's threads (staging, publishing, Prefect) each got an arena of their own, and memory freed in
    them was not given back: `ogi run` on 30k documents peaked at 688 MB, 454 MB with two arenas (same
    speed). Called first thing in `ogi`, before any thread exists; a no-op where libc is not glibc.
    """
    os.environ.setdefault("MALLOC_ARENA_MAX", str(arenas))  # children: workers, Prefect's server
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, int(os.environ["MALLOC_ARENA_MAX"]))  # -8: M_ARENA_MAX
    except (OSError, AttributeError, ValueError):
        pass


def configure_prefect() -> None:
    """Local Prefect with no server to set up (ephemeral), unless PREFECT_API_URL points at one."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")  # nor the SDK's telemetry: a pipeline reports to no one
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # read when dask is imported (workers too)
    # Arrow's default allocator (jemalloc) keeps freed batches' memory: `ogi run` on 20k documents peaked
    # at 1.3 GB with it, 0.94 GB with the system allocator (read at Arrow's first allocation; workers
    # inherit it).
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")


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
    """Start Prefect's temporary API server now, in the background; returns a function that waits for it.

    Without PREFECT_API_URL the first flow run would start a temporary server (a uvicorn subprocess,
    ~3-6 s) and, to do so, import Prefect's server code in this process too (~2-4 s of CPU for nothing).
    Here the same subprocess is started directly, before this process imports anything, and
    PREFECT_API_URL points this process (and its children: Dask workers) at it; it comes up while the
    process imports its modules and starts the S3 server. It is stopped when the process exits.
    The returned wait must be called before the first flow runs.
    """
    if os.environ.get("PREFECT_API_URL"):
        return lambda: None
    server = _TemporaryPrefectServer()
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url
    return server.wait


class _TemporaryPrefectServer:
    """What prefect.server.api.server.SubprocessASGIServer does, without importing Prefect's server."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        import sysconfig

        with socket.socket() as sock:  # a free port (taken meanwhile: uvicorn exits with code 3, reported)
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update({"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", sysconfig.get_paths()["purelib"], "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"],
            env=env, stdin=subprocess.DEVNULL)
        atexit.register(self.stop)

    def wait(self) -> None:
        import urllib.request

        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
        while True:
            assert self.process is not None
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(f"Prefect's temporary server exited with code {code} while starting"
                                   + (f" (port {self.port} was taken)" if code == 3 else ""))
            try:
                with no_proxy.open(f"{self.api_url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Prefect's temporary server did not answer on {self.api_url} in time")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


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
