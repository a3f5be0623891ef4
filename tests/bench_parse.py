"""Parser throughput on the shared corpora (not a test): documents per second per core.

    .venv/bin/python tests/bench_parse.py [--rounds N]

Runs `parse_document` single-threaded over seeds + peer, text/HTML and PDF
separately (a PDF costs ~100x a text page), and prints docs/s on one core.
With `--synth DIR` (a corpus from `ogi synth`) it also parses every document of
DIR exactly once: fresh documents, so no per-document cache can flatter the figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import PEER, SEEDS, corpus_documents


def _parse_all(docs: list[tuple[str, bytes]], parse) -> tuple[int, int]:
    ok = failed = 0
    for name, data in docs:
        try:
            parse(data, name)
            ok += 1
        except Exception:  # noqa: BLE001 - a benchmark counts failures, it does not stop on them
            failed += 1
    return ok, failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="passes over the text/HTML documents")
    ap.add_argument("--pdf-rounds", type=int, default=2, help="passes over the PDF documents")
    ap.add_argument("--synth", type=Path, default=None, help="also parse this synthetic corpus, once each")
    args = ap.parse_args()

    from tasks.parse_pool import warm_worker
    from tasks.parsing.document import parse_document

    paths = corpus_documents(SEEDS) + corpus_documents(PEER)
    docs = [(p.name, p.read_bytes()) for p in paths]
    pdfs = [d for d in docs if d[1][:5] == b"%PDF-"]
    texts = [d for d in docs if d[1][:5] != b"%PDF-"]
    warm_worker()  # what every parse worker does first: division table, OpenCC, schemas, patterns; its GC settings
    _parse_all(docs[:2], parse_document)
    groups = [("text+HTML", texts, args.rounds), ("PDF", pdfs, args.pdf_rounds)]
    if args.synth:
        groups.insert(0, ("synthetic", [(p.name, p.read_bytes()) for p in corpus_documents(args.synth)], 1))
    for label, group, rounds in groups:
        if not group or not rounds:
            continue
        size = sum(len(d[1]) for d in group) / len(group) / 1024
        # The first pass meets every document once; later passes find its cells in the parser's caches.
        passes = [(1, "first pass")] + ([(rounds - 1, "later passes")] if rounds > 1 else [])
        for n, what in passes:
            start = time.process_time()
            wall = time.perf_counter()
            ok = failed = 0
            for _ in range(n):
                o, f = _parse_all(group, parse_document)
                ok += o
                failed += f
            cpu = time.process_time() - start
            wall = time.perf_counter() - wall
            print(f"{label:10s} {len(group):4d} docs x {n} ({what}, avg {size:.0f} KiB): "
                  f"{(ok + failed) / cpu:8.1f} docs/s/core (CPU {cpu:.2f}s, wall {wall:.2f}s), "
                  f"{failed // n} failing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
