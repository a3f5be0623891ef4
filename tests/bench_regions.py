"""Region resolver throughput (not a test): names resolved per second on one core.

    .venv/bin/python tests/bench_regions.py [--rounds N]

Three workloads, each timed on its own:

* ``table``  - the rows of tests/unit/data/region_names.tsv (names + url + text), caches cleared
  before every round, so each name is parsed from scratch;
* ``cold``   - distinct synthetic body names built from every division of the 2024 table
  (XX市XX区人民政府, XX县教育局, 国家税务总局XX市税务局 …), each resolved once with empty caches;
* ``warm``   - the ``cold`` names again with the parse caches filled (a real run sees the same
  few thousand issuer names over and over).

It also checks determinism: every workload gives identical results on every round.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tasks.parsing import regions
from tasks.parsing.regions import resolve_region

TABLE = ROOT / "tests" / "unit" / "data" / "region_names.tsv"
SUFFIXES = ("人民政府", "人民政府办公室", "教育局", "财政局", "市场监督管理局", "公安局")


def _clear() -> None:
    regions._parse_name.cache_clear()
    regions._in_year.cache_clear()


def _table_calls() -> list[tuple[list[str], dict]]:
    with open(TABLE, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
    return [
        (r["names"].split("；"), {"year": int(r["year"]), "url": r["url"] or None, "text": r["text"]})
        for r in rows
    ]


def _synthetic_calls() -> list[tuple[list[str], dict]]:
    """Distinct names from the divisions of 2024: prefecture + county + a body suffix."""
    idx = regions._index()
    bit = 1 << (2024 - regions.YEAR_MIN)
    names: set[str] = set()
    for units in idx.by_code.values():
        for u in units:
            if not u.years & bit:
                continue
            if u.level == regions.COUNTY:
                parent = u.prefecture_name if u.prefecture_name not in regions._PSEUDO_PREFECTURES else ""
                for k, suf in enumerate(SUFFIXES):
                    names.add((parent if k % 2 else u.province_name) + u.name + suf)
                names.add(f"国家税务总局{parent}{u.name}税务局")
            elif u.level == regions.PREFECTURE:
                names.add(u.name + "人民政府")
                names.add(f"国家税务总局{u.name}税务局")
    return [([n], {"year": 2024}) for n in sorted(names)]


def _run(calls, rounds: int, clear_each_round: bool) -> tuple[float, float, bool]:
    first = None
    same = True
    cpu = wall = 0.0
    for _ in range(rounds):
        if clear_each_round:
            _clear()
        c0, w0 = time.process_time(), time.perf_counter()
        out = [resolve_region(names, **kw) for names, kw in calls]
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
        if first is None:
            first = out
        same = same and out == first
    return cpu, wall, same


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="passes over each workload")
    args = ap.parse_args()

    t0 = time.perf_counter()
    regions._index()  # load the division table once (polars read + index build)
    print(f"index load: {time.perf_counter() - t0:.2f}s (once per process)")

    table = _table_calls()
    synthetic = _synthetic_calls()
    for label, calls, clear in (
        ("table", table, True),
        ("cold", synthetic, True),
        ("warm", synthetic, False),
    ):
        if label == "warm":
            _clear()
            _run(calls, 1, False)  # fill the caches
        cpu, wall, same = _run(calls, args.rounds, clear)
        n = len(calls) * args.rounds
        print(
            f"{label:5s} {len(calls):6d} names x {args.rounds}: {n / cpu:10,.0f} names/s/core "
            f"(CPU {cpu:.2f}s, wall {wall:.2f}s), deterministic: {'yes' if same else 'NO'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
