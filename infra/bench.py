"""Throughput, overhead, memory and accuracy of the pipeline on a synthetic corpus (infra/synth.py).

    python -m infra.bench N [--workdir DIR] [--dask-workers K] [--no-dask] [--json FILE]

One run measures, on the same N documents:

1. parse-only: `parse_document` over every document in this process, single-threaded, warmed up as a
   parse worker is: documents per CPU-second (docs/s/core), and the loop's wall time (the bare library
   loop);
2. end to end: the real `ogi run` in a subprocess, staging into a local SeaweedFS server started here
   (OGI_S3_ENDPOINT), parsing, validating and publishing to a fresh warehouse: wall time, documents/s,
   the orchestration overhead (end-to-end time / bare loop time), and the peak RSS of the `ogi run`
   process (psutil, polling its process tree; else getrusage(RUSAGE_CHILDREN), the largest child);
3. the same with `--runner dask`, when `ogi run --help` offers it;
4. the warehouse scored with ../shared/eval/score.py against the corpus's gold sample, and a check that
   every broken document (empty, binary, not a report) ended in quarantine.

It prints each figure and ends with exactly one line
`parse_docs_per_s_per_core=… end_to_end_docs_per_s=… overhead=… peak_rss_mb=…`.

Prefect runs in ephemeral mode with its home in WORKDIR/prefect (not the project's .prefect, which other
runs may be using); an unmeasured warm-up `ogi run` on two documents creates its database first, so the
measured runs pay only the temporary server's start, as every later `ogi run` does.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SCORER = PROJECT_ROOT.parent / "shared" / "eval" / "score.py"
BUCKET = "ogi-bench-raw"
SUMMARY_KEYS = ("parse_docs_per_s_per_core", "end_to_end_docs_per_s", "overhead", "peak_rss_mb")

__all__ = ["SUMMARY_KEYS", "main", "run_benchmark", "summary_line"]


def _say(*parts) -> None:
    print(*parts, flush=True)


def _ogi_command() -> list[str]:
    exe = Path(sys.executable).with_name("ogi")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "flows.cli"]


def _manifest(corpus: Path) -> tuple[list[str], set[str]]:
    """The corpus's document names (in order) and those of its broken documents."""
    names, broken = [], set()
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            names.append(row["name"])
            if row["kind"] != "report":
                broken.add(row["name"])
    return names, broken


# ---------------------------------------------------------------------------------------------
# 1. The bare library loop


def parse_only(corpus: Path, names: list[str]) -> dict:
    """`parse_document` over the documents, one process, one thread: CPU seconds and wall seconds of the
    loop (file reads included in wall, not in CPU per document)."""
    from infra import synth
    from tasks.parsing.document import Unparseable, parse_document

    # Warmed up as a parse worker is (tables, OpenCC, patterns, its GC settings), then a few other documents.
    from tasks.parse_pool import warm_worker

    warm_worker()
    for doc in synth.documents(8, seed=987654, gold_sample=0):
        with contextlib.suppress(Unparseable):
            parse_document(doc.data, doc.name)
    cpu = 0.0
    ok = quarantined = errors = 0
    size = 0
    wall = time.perf_counter()
    for name in names:
        data = (corpus / name).read_bytes()
        size += len(data)
        start = time.process_time()
        try:
            parse_document(data, name)
            ok += 1
        except Unparseable:
            quarantined += 1
        except Exception:  # noqa: BLE001 - a benchmark counts parser bugs, it does not stop on them
            errors += 1
        cpu += time.process_time() - start
    wall = time.perf_counter() - wall
    n = len(names)
    return {"documents": n, "parsed": ok, "unparseable": quarantined, "parser_errors": errors,
            "cpu_seconds": round(cpu, 3), "wall_seconds": round(wall, 3),
            "docs_per_s_per_core": round(n / cpu, 1) if cpu else None,
            "mean_kib": round(size / max(n, 1) / 1024, 1)}


# ---------------------------------------------------------------------------------------------
# 2-3. `ogi run` through the local S3 server


class _RssSampler:
    """Peak RSS of a process and of its whole tree (children: Prefect's temporary server, Dask workers)."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid = pid
        self.interval = interval
        self.peak_process = 0
        self.peak_tree = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        try:
            import psutil  # noqa: F401

            self.available = True
        except ImportError:
            self.available = False

    def __enter__(self):
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.available:
            self._thread.join()

    def _run(self) -> None:
        import psutil

        try:
            proc = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                own = proc.memory_info().rss
                tree = own
                for child in proc.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        tree += child.memory_info().rss
            except psutil.Error:
                return
            self.peak_process = max(self.peak_process, own)
            self.peak_tree = max(self.peak_tree, tree)
            self._stop.wait(self.interval)


@functools.cache
def _run_help() -> str:
    proc = subprocess.run([*_ogi_command(), "run", "--help"], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          env={**os.environ, "COLUMNS": "200"}, timeout=120, check=False)
    return proc.stdout + proc.stderr if proc.returncode == 0 else ""


def ogi_supports_dask() -> bool:
    """`ogi run --help` lists a --runner option that names dask."""
    text = _run_help()
    return "--runner" in text and "dask" in text


def ogi_run(source: Path, warehouse: Path, env: dict, log: Path, extra: list[str] | None = None,
            timeout: float = 6 * 3600) -> dict:
    """Run `ogi run` to completion; wall seconds, peak RSS (MB) of the process and of its tree, summary."""
    import resource

    cmd = [*_ogi_command(), "run", "--source", str(source), "--warehouse", str(warehouse), "--json", *(extra or [])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with log.open("w", encoding="utf-8") as err, tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=PROJECT_ROOT, text=True)
        with _RssSampler(proc.pid) as rss:
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise
        wall = time.perf_counter() - start
        out.seek(0)
        stdout = out.read()
    if code != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` exited {code}; see {log}:\n{log.read_text(errors='replace')[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux: the largest child so far
    if rss.available and rss.peak_process:
        peak, tree, how = rss.peak_process / 2**20, rss.peak_tree / 2**20, "psutil"
    else:
        peak = tree = max(before, after) / 1024
        how = "getrusage(RUSAGE_CHILDREN).ru_maxrss"
    try:
        summary = json.loads(stdout[stdout.index("{"):])
    except ValueError:
        summary = {}
    return {"wall_seconds": round(wall, 2), "peak_rss_mb": round(peak, 1), "peak_tree_rss_mb": round(tree, 1),
            "rss_source": how, "summary": summary}


def score(warehouse: Path, gold: Path) -> dict:
    """../shared/eval/score.py on the warehouse: its last line and the percentage."""
    if not SCORER.exists():
        return {"score_pct": None, "line": f"scorer not found at {SCORER}"}
    proc = subprocess.run([sys.executable, str(SCORER), "--warehouse", str(warehouse), "--gold", str(gold), "-v"],
                          capture_output=True, text=True, timeout=3600, check=False)
    lines = proc.stdout.strip().splitlines()
    last = lines[-1] if lines else proc.stderr.strip()[-500:]
    m = re.search(r"score: ([\d.]+)%", last)
    wrong = [ln.strip() for ln in lines if ln.startswith("    ")]
    return {"score_pct": float(m.group(1)) if m else None, "line": last, "wrong_cells": wrong[:200],
            "documents_line": next((ln for ln in lines if ln.startswith("documents:")), "")}


def quarantined_names(warehouse: Path) -> set[str]:
    import pyarrow.dataset as ds

    path = warehouse / "quarantine"
    if not path.is_dir():
        return set()
    return set(ds.dataset(str(path), format="parquet").to_table(columns=["source_name"]).column(0).to_pylist())


# ---------------------------------------------------------------------------------------------


def summary_line(figures: dict) -> str:
    """`parse_docs_per_s_per_core=… end_to_end_docs_per_s=… overhead=… peak_rss_mb=…` ("nan" if not measured)."""
    def fmt(key: str) -> str:
        v = figures.get(key)
        if v is None:
            return "nan"
        return f"{v:.2f}" if key == "overhead" else f"{v:.1f}"

    return " ".join(f"{k}={fmt(k)}" for k in SUMMARY_KEYS)


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def run_benchmark(n: int, workdir: Path, dask_workers: int = 2, include_dask: bool = True, *,
                  seed: int = 0, gold_sample: int = 200, batch_size: int | None = None) -> dict:
    """Generate n documents under workdir and measure the parser and `ogi run` on them (module docstring).

    Prints every figure; the last line printed is `summary_line(result)`. Returns the figures.
    """
    from infra import synth
    from infra.s3server import LocalS3Server

    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    result: dict = {"n": n, "workdir": str(workdir), "notes": []}
    try:
        load = os.getloadavg()
        result["load_average"] = [round(x, 2) for x in load]
        _say(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    except OSError:
        pass

    # -- the corpus
    corpus = _fresh(workdir / "corpus")
    gen = synth.generate(n, corpus, seed=seed, gold_sample=min(gold_sample, n))
    result["generate"] = gen
    _say(f"generated {gen['documents']} documents ({gen['bytes'] / 2**20:.1f} MiB, {gen['gold']} labelled) in "
         f"{gen['seconds']:.2f} s: {gen['docs_per_s']} docs/s with {gen['workers']} process(es); "
         f"editions {gen['editions']}, quality {gen['quality']}, broken {gen['broken']}")
    names, broken = _manifest(corpus)

    # -- 1. bare library loop
    po = parse_only(corpus, names)
    result["parse_only"] = po
    result["parse_docs_per_s_per_core"] = po["docs_per_s_per_core"]
    _say(f"parse-only: {po['documents']} docs in {po['cpu_seconds']} CPU s ({po['wall_seconds']} s wall): "
         f"{po['docs_per_s_per_core']} docs/s/core; {po['unparseable']} unparseable, "
         f"{po['parser_errors']} parser errors")

    # -- 2. end to end
    s3dir = _fresh(workdir / "s3")
    warm_src = _fresh(workdir / "warmup")
    for doc in synth.documents(2, seed=seed + 1, gold_sample=0):
        (warm_src / doc.name).write_bytes(doc.data)
    with LocalS3Server(s3dir, bucket=BUCKET) as s3:
        _say(f"local S3 server (SeaweedFS) at {s3.endpoint_url}, started in {s3.startup_seconds:.2f} s")
        env = {**os.environ, "OGI_S3_ENDPOINT": s3.endpoint_url, "OGI_RAW_BUCKET": BUCKET,
               "AWS_ACCESS_KEY_ID": s3.access_key, "AWS_SECRET_ACCESS_KEY": s3.secret_key,
               "AWS_REGION": "us-east-1", "PREFECT_HOME": str(workdir / "prefect"),
               "PREFECT_LOGGING_LEVEL": "WARNING", "COLUMNS": "120"}
        extra = ["--batch-size", str(batch_size)] if batch_size else []

        warm = ogi_run(warm_src, _fresh(workdir / "warehouse-warmup"), {**env, "OGI_RAW_PREFIX": "warmup"},
                       workdir / "ogi-warmup.log", extra)
        result["warmup_seconds"] = warm["wall_seconds"]
        _say(f"warm-up `ogi run` on 2 documents (creates the Prefect database): {warm['wall_seconds']} s")

        warehouse = _fresh(workdir / "warehouse")
        run = ogi_run(corpus, warehouse, {**env, "OGI_RAW_PREFIX": "threads"}, workdir / "ogi-run.log", extra)
        result["end_to_end"] = run
        e2e = n / run["wall_seconds"] if run["wall_seconds"] else None
        result["end_to_end_docs_per_s"] = round(e2e, 1) if e2e else None
        result["end_to_end_seconds"] = run["wall_seconds"]
        result["overhead"] = round(run["wall_seconds"] / po["wall_seconds"], 2) if po["wall_seconds"] else None
        # the same against the loop's CPU time: what the ratio would be on an idle core
        result["overhead_vs_cpu"] = round(run["wall_seconds"] / po["cpu_seconds"], 2) if po["cpu_seconds"] else None
        result["peak_rss_mb"] = run["peak_rss_mb"]
        s = run["summary"]
        _say(f"end to end (`ogi run`, threads): {run['wall_seconds']} s wall, {result['end_to_end_docs_per_s']} "
             f"docs/s; {s.get('reports')} reports, {s.get('quarantined')} quarantined, quality {s.get('quality')}")
        _say(f"orchestration overhead: {result['overhead']} x the bare library loop "
             f"({run['wall_seconds']} s / {po['wall_seconds']} s wall; {result['overhead_vs_cpu']} x its "
             f"{po['cpu_seconds']} CPU s)")
        _say(f"peak RSS of `ogi run`: {run['peak_rss_mb']} MB (process tree incl. Prefect's server: "
             f"{run['peak_tree_rss_mb']} MB; {run['rss_source']})")

        # -- 3. dask
        if include_dask:
            if ogi_supports_dask():
                dextra = list(extra)
                if "--workers" in _run_help():
                    dextra += ["--workers", str(dask_workers)]
                elif dask_workers != 2:
                    result["notes"].append(f"`ogi run --runner dask` has no worker-count option: its local "
                                           f"cluster's default (2 workers) was used, not {dask_workers}")
                dwh = _fresh(workdir / "warehouse-dask")
                drun = ogi_run(corpus, dwh, {**env, "OGI_RAW_PREFIX": "dask"}, workdir / "ogi-run-dask.log",
                               ["--runner", "dask", *dextra])
                result["dask"] = {**drun, "docs_per_s": round(n / drun["wall_seconds"], 1),
                                  "overhead": round(drun["wall_seconds"] / po["wall_seconds"], 2)
                                  if po["wall_seconds"] else None}
                ds_ = drun["summary"]
                _say(f"end to end (`ogi run --runner dask`): {drun['wall_seconds']} s wall, "
                     f"{result['dask']['docs_per_s']} docs/s, overhead {result['dask']['overhead']}; peak RSS "
                     f"{drun['peak_rss_mb']} MB (tree incl. workers {drun['peak_tree_rss_mb']} MB); "
                     f"{ds_.get('reports')} reports, {ds_.get('quarantined')} quarantined")
                dscore = score(dwh, corpus)
                result["dask"]["score"] = dscore
                _say(f"dask warehouse {dscore['line']}")
            else:
                result["notes"].append("`ogi run --help` offers no --runner dask: dask run skipped")
                _say("dask: skipped, `ogi run` has no --runner dask")

    # -- 4. accuracy
    sc = score(warehouse, corpus)
    result["score"] = sc
    result["score_pct"] = sc["score_pct"]
    _say(f"synthetic gold sample: {sc['documents_line']}; {sc['line']}")
    for w in sc["wrong_cells"][:15]:
        _say(f"    {w}")
    q = quarantined_names(warehouse)
    missing = sorted(broken - q)
    extra_q = sorted(q - broken)
    result["quarantine"] = {"broken_documents": len(broken), "quarantined": len(q),
                            "broken_not_quarantined": missing[:50], "reports_quarantined": extra_q[:50]}
    _say(f"quarantine: {len(q)} documents; {len(broken)} broken documents generated, "
         f"{len(missing)} of them not quarantined, {len(extra_q)} reports quarantined")
    for note in result["notes"]:
        _say(f"note: {note}")
    result["summary_line"] = summary_line(result)
    _say(result["summary_line"])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="ogi bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of synthetic documents")
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where the corpus, S3 data, Prefect home and warehouses go (default: a new temp dir)")
    ap.add_argument("--dask-workers", type=int, default=2)
    ap.add_argument("--no-dask", action="store_true", help="skip the `--runner dask` run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gold-sample", type=int, default=200)
    ap.add_argument("--batch-size", type=int, default=None, help="passed to `ogi run` (default: its own)")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("n must be >= 1")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ogi-bench-"))
    result = run_benchmark(args.n, workdir, dask_workers=args.dask_workers, include_dask=not args.no_dask,
                           seed=args.seed, gold_sample=args.gold_sample, batch_size=args.batch_size)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
