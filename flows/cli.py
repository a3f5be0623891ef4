"""`ogi`: the command line. Each command sets up its environment and calls one flow or function."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from flows.environment import DEFAULT_WAREHOUSE, S3_DATA_DIR, SAMPLES, configure_prefect

app = typer.Typer(
    help="Open-government-information annual reports → a validated Parquet warehouse.",
    no_args_is_help=False,
    add_completion=False,
)
console = Console(stderr=True)


@contextlib.contextmanager
def object_storage():
    """S3 settings for the run: OGI_S3_ENDPOINT when set, else an embedded local server on 127.0.0.1.

    The embedded server keeps its data in var/s3, so the raw bucket outlives the run.
    """
    from tasks.storage import S3Settings, ensure_bucket

    settings = S3Settings.from_env()
    if settings.endpoint_url or os.environ.get("OGI_USE_AWS"):
        ensure_bucket(settings)
        yield settings
        return
    from infra.s3server import LocalS3Server

    server = LocalS3Server(S3_DATA_DIR, bucket=settings.bucket)
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    with console.status("starting the local S3 server (SeaweedFS) on 127.0.0.1…"):
        server.start()
    try:
        os.environ["AWS_ACCESS_KEY_ID"] = server.access_key
        os.environ["AWS_SECRET_ACCESS_KEY"] = server.secret_key
        yield S3Settings(endpoint_url=server.endpoint_url, bucket=settings.bucket, prefix=settings.prefix,
                         region=settings.region)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.stop()


def print_summary(summary: dict, warehouse: str) -> None:
    out = Console()
    out.print(f"[bold]Published to[/bold] {warehouse}: {summary['reports']} reports, "
              f"{summary['quarantined']} quarantined")
    if summary["by_year_province"]:
        t = Table("year", "province", "reports", title="Reports by year and province")
        for row in summary["by_year_province"]:
            t.add_row(str(row["year"]), row["province"], str(row["reports"]))
        out.print(t)
    if summary["quality"]:
        out.print("quality: " + ", ".join(f"{k} {v}" for k, v in summary["quality"].items()))
    if summary["quarantine"]:
        t = Table("document", "reason", "message", title="Quarantined documents")
        for row in summary["quarantine"]:
            t.add_row(row["source_name"], row["error_code"], row["message"][:100])
        out.print(t)


@app.command()
def run(
    source: Annotated[str, typer.Option(help="Folder or s3://bucket/prefix of raw documents "
                                             "(default: the bundled sample reports).")] = str(SAMPLES),
    warehouse: Annotated[str, typer.Option(help="Warehouse root: a folder or s3://bucket/prefix.")]
    = str(DEFAULT_WAREHOUSE),
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per parse/validate task.")] = 200,
    json_summary: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
) -> None:
    """Stage → parse → validate → publish.

    With no options: the bundled sample reports are staged into an embedded local S3 server
    (SeaweedFS on 127.0.0.1, data in var/s3), parsed, validated and published to ./warehouse.
    Set OGI_S3_ENDPOINT / OGI_RAW_BUCKET / OGI_RAW_PREFIX (credentials from the standard AWS
    chain) to use another S3-compatible store; PREFECT_API_URL to run against a Prefect server.
    """
    configure_prefect()
    from flows.ingest import ingest

    with object_storage() as settings:
        with console.status(f"ingesting {source} …"):
            summary = ingest(source=source, warehouse=warehouse, settings=settings, batch_size=batch_size)
    if json_summary:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print_summary(summary, warehouse)


@app.command()
def region(
    names: Annotated[list[str], typer.Argument(help="Issuing-body names, e.g. 苏州市姑苏区党政办公室")],
    url: Annotated[Optional[str], typer.Option(help="Source URL (its domain is a signal).")] = None,
    text: Annotated[Optional[Path], typer.Option(help="A file with the report's text (more signals).")] = None,
    year: Annotated[Optional[int], typer.Option(help="Statistical year (divisions as of that year).")] = None,
) -> None:
    """Resolve issuing bodies to GB/T 2260 codes; one JSON object per name."""
    from tasks.parsing.regions import resolve_region
    from tasks.parsing.text import normalise

    body = normalise(text.read_text(encoding="utf-8", errors="replace"))[0] if text else ""
    for name in names:
        r = resolve_region([normalise(name)[0]], year=year, text=body, url=url)
        print(json.dumps({"name": name, **r.__dict__}, ensure_ascii=False, default=list))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
