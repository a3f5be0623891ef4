"""`ogi`: the command line. Each command sets up its environment and calls one flow or function."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from flows.environment import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_WAREHOUSE,
    S3_DATA_DIR,
    SAMPLES,
    configure_prefect,
    limit_malloc_arenas,
    prefect_api_for_workers,
    start_prefect_early,
    task_runner,
)


def warm_up(source: str) -> None:
    """Get the parser ready while Prefect's server starts: the worker processes for a big source, this
    process's parser for a few documents (parsed in-thread: tasks/parse_pool.py POOL_MIN_DOCUMENTS)."""
    from tasks.parse_pool import POOL_MIN_DOCUMENTS, start_workers

    if source.startswith("s3://") or _more_files_than(source, 2 * POOL_MIN_DOCUMENTS):
        start_workers()
    else:
        from tasks.parsing.document import warm_up as warm_up_parser

        warm_up_parser()


def _more_files_than(folder: str, n: int) -> bool:
    count = 0
    for _dirpath, _dirs, files in os.walk(folder):
        count += len(files)
        if count > n:
            return True
    return False


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
    import fcntl

    from infra.s3server import LocalS3Server

    # One embedded server per data folder: a second `ogi` waits for the first instead of failing on
    # SeaweedFS's own lock (its filer store cannot be opened twice).
    S3_DATA_DIR.mkdir(parents=True, exist_ok=True)
    lock = open(S3_DATA_DIR.parent / "s3.lock", "w")  # noqa: SIM115 (held for the whole run)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        with console.status(f"another ogi run is using the embedded S3 server in {S3_DATA_DIR}; waiting…"):
            fcntl.flock(lock, fcntl.LOCK_EX)
    server = LocalS3Server(S3_DATA_DIR, bucket=settings.bucket)
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    try:
        with console.status("starting the local S3 server (SeaweedFS) on 127.0.0.1…"):
            server.start()
    except BaseException:
        lock.close()
        raise
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
        lock.close()


STEP_LABELS = {"parse": "parsing batches", "publish": "publishing years"}


class ProgressBars:
    """A rich progress bar per flow step (flows.progress.Listener), after a spinner for the start-up."""

    def __init__(self, progress: Progress, first: str):
        self.progress = progress
        self.bars: dict[str, int] = {}
        self.waiting: int | None = progress.add_task(first, total=None)

    def start(self, step: str, total: int) -> None:
        if self.waiting is not None:
            self.progress.update(self.waiting, total=1, completed=1)
            self.waiting = None
        self.bars[step] = self.progress.add_task(STEP_LABELS.get(step, step), total=total)

    def advance(self, step: str) -> None:
        self.progress.advance(self.bars[step])


@contextlib.contextmanager
def progress_bars(source: str):
    from flows import progress

    bars = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console)
    with bars, progress.reporting_to(ProgressBars(bars, f"starting Prefect, staging {source}")):
        yield


def print_summary(summary: dict, warehouse: str) -> None:
    out = Console()
    if "years" in summary:
        out.print(f"{summary['documents']} documents: {summary['parsed']} parsed, {summary['skipped']} "
                  f"already published by this parser version; years {format_years(summary['years'])}")
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


def format_years(years: list[int]) -> str:
    """[2008, 2009, 2010, 2024] → '2008-2010,2024'."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs) or "none"


def report(summary: dict, warehouse: str, json_summary: bool) -> None:
    if json_summary:
        print(json.dumps(summary, ensure_ascii=False, indent=1))
    else:
        print_summary(summary, warehouse)


Source = Annotated[str, typer.Option(help="Folder or s3://bucket/prefix of raw documents "
                                          "(default: the bundled sample reports).")]
Warehouse = Annotated[str, typer.Option(help="Warehouse root: a folder or s3://bucket/prefix.")]
BatchSize = Annotated[int, typer.Option(min=1, help="Documents per parse/validate task.")]
Runner = Annotated[str, typer.Option(help="Task runner: threads (Prefect's default) or dask.")]
Address = Annotated[str | None, typer.Option(help="Dask scheduler (tcp://host:8786) for --runner dask; "
                                                     "default: a local cluster of 2 worker processes.")]
JsonSummary = Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")]


def with_runner(flow, runner: str, address: str | None):
    if address and runner != "dask":
        raise typer.BadParameter("--address needs --runner dask")
    if address and not os.environ.get("PREFECT_API_URL"):
        console.print("[yellow]--address with no PREFECT_API_URL:[/yellow] the workers report to this "
                      "process's temporary Prefect server on 127.0.0.1, so they must run on this machine. "
                      "For a real cluster, start `prefect server start` and set PREFECT_API_URL here and "
                      "on the workers.")
    try:
        chosen = task_runner(runner, address)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    return flow if chosen is None else flow.with_options(task_runner=chosen)


@app.command()
def run(
    source: Source = str(SAMPLES),
    warehouse: Warehouse = str(DEFAULT_WAREHOUSE),
    batch_size: BatchSize = DEFAULT_BATCH_SIZE,
    runner: Runner = "threads",
    address: Address = None,
    json_summary: JsonSummary = False,
) -> None:
    """Stage → parse → validate → publish.

    With no options: the bundled sample reports are staged into an embedded local S3 server
    (SeaweedFS on 127.0.0.1, data in var/s3), parsed, validated and published to ./warehouse.
    Set OGI_S3_ENDPOINT / OGI_RAW_BUCKET / OGI_RAW_PREFIX (credentials from the standard AWS
    chain) to use another S3-compatible store; PREFECT_API_URL to run against a Prefect server.
    """
    configure_prefect()
    prefect_ready = start_prefect_early()
    from flows.ingest import ingest

    flow = with_runner(ingest, runner, address)
    with object_storage() as settings:
        warm_up(source)  # while Prefect's server is still starting on the other core
        prefect_ready()
        with prefect_api_for_workers(runner), progress_bars(source):
            summary = flow(source=source, warehouse=warehouse, settings=settings, batch_size=batch_size)
    report(summary, warehouse, json_summary)


@app.command()
def backfill(
    years: Annotated[str, typer.Option(help="Statistical years: 2008-2024, 2020,2022 or 2019-2020,2024.")],
    provinces: Annotated[str | None, typer.Option(help="Only these provinces' partitions: 32,33 "
                                                          "(2-digit codes, 00 central, unknown).")] = None,
    source: Source = str(SAMPLES),
    warehouse: Warehouse = str(DEFAULT_WAREHOUSE),
    batch_size: BatchSize = DEFAULT_BATCH_SIZE,
    reparse: Annotated[bool, typer.Option(help="Parse every document again, even those this parser "
                                               "version already published.")] = False,
    runner: Runner = "threads",
    address: Address = None,
    json_summary: JsonSummary = False,
) -> None:
    """Republish statistical years: one child flow run (ogi-publish-year) per year.

    Each year's partitions (only --provinces' when given) are replaced by the source's documents of
    that year. Incremental: documents this PARSER_VERSION already published to this warehouse are
    not parsed again (--reparse forces it). Raw documents are never deleted.
    """
    configure_prefect()  # before anything imports Prefect
    prefect_ready = start_prefect_early()
    from flows.backfill import backfill as backfill_flow
    from flows.backfill import parse_provinces, parse_years

    try:
        year_list = parse_years(years)
        province_list = parse_provinces(provinces) if provinces else None
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e

    flow = with_runner(backfill_flow, runner, address)
    with object_storage() as settings:
        warm_up(source)  # while Prefect's server is still starting on the other core
        prefect_ready()
        with prefect_api_for_workers(runner), progress_bars(source):
            summary = flow(years=year_list, provinces=province_list, source=source, warehouse=warehouse,
                           batch_size=batch_size, reparse=reparse, settings=settings)
    report(summary, warehouse, json_summary)


@app.command()
def serve(
    source: Source = str(SAMPLES),
    warehouse: Warehouse = str(DEFAULT_WAREHOUSE),
) -> None:
    """Register the scheduled backfill deployment with the Prefect server and run it when due.

    Needs a running server: `prefect server start`, then PREFECT_API_URL=http://127.0.0.1:4200/api.
    Runs until Ctrl-C (its schedules are paused then).
    """
    configure_prefect()
    if not os.environ.get("PREFECT_API_URL"):
        console.print("[red]ogi serve needs a Prefect server[/red] (schedules do not run on the temporary "
                      "one): start `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api")
        raise typer.Exit(2)
    from infra.deployments import serve_deployments

    with object_storage() as settings:
        if settings.endpoint_url:  # scheduled runs are subprocesses: they find S3 in the environment
            os.environ["OGI_S3_ENDPOINT"] = settings.endpoint_url
        serve_deployments(source=source, warehouse=warehouse)


@app.command()
def synth(
    n: Annotated[int, typer.Option("--n", min=1, help="How many documents to write.")],
    out: Annotated[Path, typer.Option(help="Folder to write them into.")],
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same corpus).")] = 0,
    gold_sample: Annotated[int, typer.Option(help="How many documents get *.gold.json labels.")] = 200,
) -> None:
    """Write a realistic synthetic corpus (both editions, every layout, real bodies) with gold labels."""
    from infra.synth import generate

    print(json.dumps(generate(n, out, seed=seed, gold_sample=gold_sample), ensure_ascii=False, default=str))


@app.command()
def bench(
    n: Annotated[int, typer.Option("--n", min=1, help="Synthetic documents to measure on.")] = 2000,
    workdir: Annotated[Path, typer.Option(help="Scratch folder (corpus, S3 data, warehouses).")]
    = Path("var/bench"),
    dask: Annotated[bool, typer.Option(help="Also measure the Dask runner (2 workers).")] = True,
) -> None:
    """Measure parse throughput, end-to-end throughput, overhead and peak RSS; prints one summary line last."""
    from infra.bench import run_benchmark

    run_benchmark(n, workdir, include_dask=dask)


@app.command()
def region(
    names: Annotated[list[str], typer.Argument(help="Issuing-body names, e.g. 苏州市姑苏区党政办公室")],
    url: Annotated[str | None, typer.Option(help="Source URL (its domain is a signal).")] = None,
    text: Annotated[Path | None, typer.Option(help="A file with the report's text (more signals).")] = None,
    year: Annotated[int | None, typer.Option(help="Statistical year (divisions as of that year).")] = None,
) -> None:
    """Resolve issuing bodies to GB/T 2260 codes; one JSON object per name."""
    from tasks.parsing.regions import resolve_region
    from tasks.parsing.text import normalise

    body = normalise(text.read_text(encoding="utf-8", errors="replace"))[0] if text else ""
    for name in names:
        r = resolve_region([normalise(name)[0]], year=year, text=body, url=url)
        print(json.dumps({"name": name, **r.__dict__}, ensure_ascii=False, default=list))


def main() -> None:
    limit_malloc_arenas()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
