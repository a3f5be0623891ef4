"""infra/bench.py end to end on 100 synthetic documents: the real `ogi run` through a local S3 server."""

from __future__ import annotations

import math

import pytest

from infra.bench import SUMMARY_KEYS, run_benchmark

pytestmark = pytest.mark.slow


def test_benchmark_prints_one_summary_line(tmp_path, capsys):
    result = run_benchmark(100, tmp_path / "bench", include_dask=False)
    lines = capsys.readouterr().out.strip().splitlines()

    last = lines[-1]
    pairs = [item.split("=", 1) for item in last.split()]
    assert [k for k, _ in pairs] == list(SUMMARY_KEYS)
    values = {k: float(v) for k, v in pairs}
    assert all(math.isfinite(v) and v > 0 for v in values.values()), last
    assert sum(line.startswith("parse_docs_per_s_per_core=") for line in lines) == 1
    assert last == result["summary_line"]

    assert result["end_to_end"]["summary"]["reports"] + result["end_to_end"]["summary"]["quarantined"] == 100
    assert result["quarantine"]["broken_not_quarantined"] == []
    assert result["quarantine"]["reports_quarantined"] == []
    assert result["score_pct"] is not None and result["score_pct"] >= 99.9, result["score"]["wrong_cells"]
    assert "dask" not in result
