"""Parser throughput on the shared corpora (not a test): documents per second per core.

    .venv/bin/python tests/bench_parse.py [--seconds S] [--synth DIR]

Runs `parse_document` single-threaded over seeds + peer, text/HTML and PDF
separately (a PDF costs ~100x a text page), warmed up as every parse worker is,
and prints docs/s on one core (CPU time) in two ways:

- new documents: the parser's per-input caches (lines, cells, rows, labels) are
  emptied before each pass, so every document is met for the first time;
- seen documents: passes over the same documents, whose lines and rows are then
  found in those caches (as a template's rows are over a national corpus).

Each figure is the median of passes repeated for about `--seconds` of CPU, so
one noisy pass on a shared machine does not make it. With `--synth DIR` (a
corpus from `ogi synth`) it also parses every document of DIR exactly once.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import PEER, SEEDS, corpus_documents


def _parse_all(docs: list[tuple[str, bytes]], parse) -> int:
    failed = 0
    for name, data in docs:
        try:
            parse(data, name)
        except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop on them
            failed += 1
    return failed


def input_caches() -> list:
    """The parser's memo tables keyed on its input (bounded lru_caches); the unbounded ones hold
    tables built once (patterns, the division table) and stay."""
    import tasks.parsing as package

    caches = []
    for path in sorted(Path(package.__file__).parent.glob("*.py")):
        module = sys.modules.get(f"tasks.parsing.{path.stem}")
        for value in vars(module).values() if module else ():
            info = getattr(value, "cache_info", None)
            if info is not None and info().maxsize is not None and value not in caches:
                caches.append(value)
    return caches


def _passes(group: list[tuple[str, bytes]], parse, seconds: float, before=None) -> tuple[float, int, int]:
    """(median docs/s/core over the passes, passes, failing documents)."""
    rates: list[float] = []
    spent = 0.0
    failed = 0
    while spent < seconds or len(rates) < 3:
        if before is not None:
            before()
        start = time.process_time()
        failed = _parse_all(group, parse)
        cpu = max(time.process_time() - start, 1e-9)
        spent += cpu
        rates.append(len(group) / cpu)
    return statistics.median(rates), len(rates), failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="CPU seconds per text/HTML figure")
    ap.add_argument("--pdf-seconds", type=float, default=3.0, help="CPU seconds per PDF figure")
    ap.add_argument("--synth", type=Path, default=None, help="also parse this synthetic corpus, once each")
    args = ap.parse_args()

    from tasks.parse_pool import warm_worker
    from tasks.parsing.document import parse_document

    paths = corpus_documents(SEEDS) + corpus_documents(PEER)
    docs = [(p.name, p.read_bytes()) for p in paths]
    pdfs = [d for d in docs if d[1][:5] == b"%PDF-"]
    texts = [d for d in docs if d[1][:5] != b"%PDF-"]
    warm_worker()  # what every parse worker does first: division table, OpenCC, schemas, patterns; its GC settings
    _parse_all(docs, parse_document)  # imports made on first use (the HTML and PDF readers)
    caches = input_caches()

    def empty_caches() -> None:
        for cache in caches:
            cache.cache_clear()

    import tasks.parsing.tables as tables

    compiled = not tables.__file__.endswith(".py")
    print(f"parser modules: {'compiled (Cython)' if compiled else 'pure Python'}; "
          f"{len(caches)} input caches emptied for new documents")
    summary = {}
    if args.synth:
        synth = [(p.name, p.read_bytes()) for p in corpus_documents(args.synth)]
        empty_caches()
        start = time.process_time()
        failed = _parse_all(synth, parse_document)
        cpu = time.process_time() - start
        summary["synthetic"] = len(synth) / cpu
        print(f"synthetic  {len(synth):5d} docs, each once:            {len(synth) / cpu:8.1f} docs/s/core "
              f"(CPU {cpu:.2f}s), {failed} failing")
    for label, group, seconds in (("text+HTML", texts, args.seconds), ("PDF", pdfs, args.pdf_seconds)):
        if not group or seconds <= 0:
            continue
        size = sum(len(d[1]) for d in group) / len(group) / 1024
        for what, before in (("new documents", empty_caches), ("seen documents", None)):
            rate, passes, failed = _passes(group, parse_document, seconds, before)
            summary[f"{label} {what}"] = rate
            print(f"{label:10s} {len(group):4d} docs (avg {size:.0f} KiB), {what:14s}: {rate:8.1f} docs/s/core "
                  f"(median of {passes} passes), {failed} failing")
    print(" ".join(f"{k.replace(' ', '_').replace('+', '_')}={v:.1f}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
