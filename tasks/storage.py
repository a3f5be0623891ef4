"""Object storage and Parquet I/O: the only module that talks to S3 (boto3).

The same code writes to a local folder or to `s3://bucket/prefix`: both are a
`Store` with put/get/list/delete on keys. A put is atomic in both (a single S3
PUT; write-to-temp then `os.replace` locally), which is what makes one Parquet
file per partition safe to replace while readers read.

Configuration comes from the environment (or `ogi.toml` through the CLI):
OGI_S3_ENDPOINT (e.g. http://127.0.0.1:8333; unset = AWS), OGI_RAW_BUCKET,
OGI_RAW_PREFIX, AWS_REGION; credentials only from the standard AWS chain.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# Concurrent S3 requests of one task (staging, publishing): a local S3 server answers ~250 PUT/s to
# one client thread and ~450/s to 8-16 of them; more only queue.
IO_THREADS = 16

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class S3Settings:
    endpoint_url: str | None = None
    bucket: str = "ogi-raw"
    prefix: str = ""
    region: str = "us-east-1"

    @classmethod
    def from_env(cls) -> S3Settings:
        return cls(
            endpoint_url=os.environ.get("OGI_S3_ENDPOINT") or None,
            bucket=os.environ.get("OGI_RAW_BUCKET", "ogi-raw"),
            prefix=os.environ.get("OGI_RAW_PREFIX", ""),
            region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        )


class StorageError(RuntimeError):
    pass


def validate_bucket(bucket: str) -> str:
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise StorageError(f"invalid bucket name {bucket!r}")
    return bucket


def validate_prefix(prefix: str) -> str:
    prefix = prefix.strip("/")
    if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
        raise StorageError(f"invalid prefix {prefix!r}")
    if any(ord(c) < 32 for c in prefix):
        raise StorageError(f"invalid prefix {prefix!r}")
    return prefix


class Store:
    """Keys are '/'-separated paths below the store's root."""

    url: str

    def put(self, key: str, data: bytes, metadata: dict[str, str] | None = None) -> None: ...
    def get(self, key: str) -> bytes: ...
    def head(self, key: str) -> dict[str, str] | None: ...
    def list(self, prefix: str = "") -> Iterator[str]: ...
    def delete(self, key: str) -> None: ...

    def exists(self, key: str) -> bool:
        return self.head(key) is not None

    def delete_many(self, keys: list[str]) -> None:
        for key in keys:
            self.delete(key)


class LocalStore(Store):
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        self.url = str(self.root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents and path != self.root:
            raise StorageError(f"key escapes the store: {key!r}")
        return path

    def put(self, key: str, data: bytes, metadata: dict[str, str] | None = None) -> None:
        path = self._path(key)
        for attempt in range(3):  # a concurrent delete() may remove the emptied parent folder in between
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def head(self, key: str) -> dict[str, str] | None:
        return {} if self._path(key).is_file() else None

    def list(self, prefix: str = "") -> Iterator[str]:
        base = self._path(prefix) if prefix else self.root
        if base.is_file():
            yield prefix
            return
        if not base.is_dir():
            return
        for dirpath, _dirs, files in os.walk(base):
            for name in sorted(files):
                if name.startswith(".tmp-"):
                    continue
                yield Path(dirpath, name).relative_to(self.root).as_posix()

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        # Remove emptied partition folders so readers see no empty partition.
        parent = path.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            try:
                parent.rmdir()
            except OSError:  # a concurrent put() is filling it again
                break
            parent = parent.parent


class S3Store(Store):
    def __init__(self, bucket: str, prefix: str = "", settings: S3Settings | None = None, client=None):
        self.settings = settings or S3Settings.from_env()
        self.bucket = validate_bucket(bucket)
        self.prefix = validate_prefix(prefix)
        self.url = f"s3://{bucket}/{self.prefix}".rstrip("/")
        self.client = client or s3_client(self.settings)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, metadata: dict[str, str] | None = None) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, Metadata=metadata or {})

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()

    def head(self, key: str) -> dict[str, str] | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key)).get("Metadata", {})
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def list(self, prefix: str = "") -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        full = self._key(prefix)
        strip = len(self.prefix) + 1 if self.prefix else 0
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full):
            for obj in page.get("Contents", []):
                yield obj["Key"][strip:]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def delete_many(self, keys: list[str]) -> None:
        """DeleteObjects, 1,000 keys a request (one round trip instead of one per key)."""
        keys = list(keys)
        for start in range(0, len(keys), 1000):
            chunk = [{"Key": self._key(k)} for k in keys[start:start + 1000]]
            answer = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise OSError(f"could not delete {len(answer['Errors'])} objects, e.g. "  # retried
                                   f"{first.get('Key')}: {first.get('Code')} {first.get('Message')}")


# The AWS chain's variables a client is built from: a cached client is reused only while they are unchanged.
_CLIENT_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
               "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "OGI_S3_CONNECT_TIMEOUT", "OGI_S3_READ_TIMEOUT")
_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


def s3_client(settings: S3Settings):
    """A boto3 S3 client, one per settings and process (clients are thread-safe; building one costs
    ~50-100 ms of CPU, which every task paid before). Keyed by a digest of the environment it was
    built from, so new credentials get a new client."""
    env = hashlib.sha256("\0".join(os.environ.get(k, "") for k in _CLIENT_ENV).encode()).hexdigest()
    key = (settings, env, os.getpid())
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = _new_s3_client(settings)
        return client


def _new_s3_client(settings: S3Settings):
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=settings.endpoint_url,
        region_name=settings.region,
        config=Config(
            retries={"max_attempts": 5, "mode": "standard"},
            connect_timeout=float(os.environ.get("OGI_S3_CONNECT_TIMEOUT", "5")),
            read_timeout=float(os.environ.get("OGI_S3_READ_TIMEOUT", "60")),
            s3={"addressing_style": "path"},
            max_pool_connections=4 * IO_THREADS,  # one client serves the concurrent tasks' pools
        ),
    )


def ensure_bucket(settings: S3Settings) -> None:
    from botocore.exceptions import ClientError

    client = s3_client(settings)
    try:
        client.head_bucket(Bucket=settings.bucket)
    except ClientError:
        client.create_bucket(Bucket=settings.bucket)


def open_store(url: str, settings: S3Settings | None = None) -> Store:
    """A folder path or s3://bucket/prefix."""
    if url.startswith("s3://"):
        bucket, _, prefix = url[5:].partition("/")
        return S3Store(bucket, prefix, settings)
    return LocalStore(url)


def raw_store(settings: S3Settings) -> S3Store:
    return S3Store(settings.bucket, settings.prefix, settings)


# ---------------------------------------------------------------------------------------------
# Raw documents: content-addressed


def raw_key(data: bytes) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    return digest, f"raw/{digest[:2]}/{digest}"


META_MAX_CHARS = 1024  # S3 caps all user metadata at 2 KB; a quoted CJK character takes 9 bytes


def encode_meta(value: str) -> str:
    """S3 metadata is ASCII: original names (Chinese, spaces, control characters) are percent-encoded.

    Over-long values are cut on a character boundary (the full name is not needed to find the
    object: keys are content hashes).
    """
    quoted = urllib.parse.quote(value, safe="")
    while len(quoted) > META_MAX_CHARS:
        value = value[: max(1, len(value) * META_MAX_CHARS // len(quoted) - 1)]
        quoted = urllib.parse.quote(value, safe="")
    return quoted


def decode_meta(value: str | None) -> str | None:
    return None if value is None else urllib.parse.unquote(value)


# ---------------------------------------------------------------------------------------------
# Parquet


def parquet_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def read_parquet(store: Store, key: str, columns: list[str] | None = None, filters: list | None = None) -> pa.Table:
    """`filters` as pyarrow.parquet.read_table's, e.g. [("province", "in", ["32", "33"])]."""
    return pq.read_table(io.BytesIO(store.get(key)), columns=columns, filters=filters)


def write_parquet(store: Store, key: str, table: pa.Table) -> None:
    store.put(key, parquet_bytes(table))
