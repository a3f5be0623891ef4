"""infra/synth.py: the synthetic corpus parses back to its gold labels, is deterministic, and its figures
obey the report's identities where the gold says the report is valid."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from infra import synth
from tasks.parse_pool import parse_entries
from tests.conftest import SCORER

N = 50


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    stats = synth.generate(N, out, seed=7, gold_sample=N)
    assert stats["documents"] == N
    return out


def golds(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.gold.json"))]


def parse_folder(folder: Path, names: list[str]) -> dict:
    entries = [{"raw_key": name, "report_id": None, "source_name": name, "source_url": None} for name in names]
    return parse_entries(entries, lambda key: (folder / key).read_bytes(), dt.datetime.now(dt.UTC))


def load_scorer():
    if not SCORER.exists():
        pytest.skip(f"scorer not found: {SCORER}")
    spec = importlib.util.spec_from_file_location("ogi_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parsed_back_to_the_gold(corpus):
    scorer = load_scorer()
    labels = golds(corpus)
    assert len(labels) >= N - 3  # broken documents have no gold
    frames = parse_folder(corpus, [g["source_name"] for g in labels])
    reports = {r["source_name"]: r for r in frames["reports"].to_dicts()}
    tables = {}
    for t in ("active_disclosure", "applications", "reviews_litigation", "legacy_indicators"):
        by_id = defaultdict(list)
        for row in frames[t].to_dicts():
            by_id[row["report_id"]].append(row)
        tables[t] = by_id
    ok = total = 0
    wrong = []
    for gold in labels:
        rep = reports.get(gold["source_name"])
        o, t, w = scorer.score_doc(gold, rep, tables)
        if rep is None:
            o, w = 0, ["not published"]
        ok, total = ok + o, total + t
        wrong += [f"{gold['source_name']}: {x}" for x in w]
    assert total > 200 * len(labels)
    assert ok / total >= 0.999, wrong[:20]


def test_broken_documents_end_in_quarantine(tmp_path):
    broken = [i for i in range(3000) if synth.is_broken(0, i)][:12]
    assert broken
    docs = [synth.document(0, i) for i in broken]
    assert {d.kind for d in docs} <= {"empty", "binary", "archive", "not_report"}
    assert all(d.gold is None for d in docs)
    for d in docs:
        (tmp_path / d.name).write_bytes(d.data)
    frames = parse_folder(tmp_path, [d.name for d in docs])
    assert frames["reports"].is_empty()
    assert sorted(frames["quarantine"]["source_name"]) == sorted(d.name for d in docs)
    assert set(frames["quarantine"]["error_code"]) <= {"empty", "binary", "archive", "not_annual_report"}


def test_deterministic(corpus, tmp_path):
    synth.generate(N, tmp_path, seed=7, gold_sample=N)
    first = sorted(p.name for p in corpus.iterdir())
    assert first == sorted(p.name for p in tmp_path.iterdir())
    for name in first:
        assert (corpus / name).read_bytes() == (tmp_path / name).read_bytes(), name
    # Document i does not depend on the corpus size, nor on the number of worker processes.
    small = [(d.name, d.data) for d in synth.documents(10, seed=7, gold_sample=0)]
    assert small == [(d.name, (corpus / d.name).read_bytes()) for d in synth.documents(N, seed=7, gold_sample=0)][:10]
    other = [d.data for d in synth.documents(10, seed=8, gold_sample=0)]
    assert other != [d for _, d in small]


def test_parallel_generation_writes_the_same_files(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    synth.generate(800, one, seed=3, gold_sample=40, workers=1)
    synth.generate(800, two, seed=3, gold_sample=40, workers=2)
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    assert all((one / x).read_bytes() == (two / x).read_bytes() for x in names)
    assert len(list(one.glob("*.gold.json"))) == 40


def test_gold_sample_is_spread_and_skips_broken_documents():
    picked = synth.gold_indices(5000, seed=0, gold_sample=200)
    assert len(picked) == 200
    assert not any(synth.is_broken(0, i) for i in picked)
    assert min(picked) < 25 and max(picked) > 4900
    assert synth.gold_indices(30, seed=0, gold_sample=200) == frozenset(
        i for i in range(30) if not synth.is_broken(0, i))


def _sum(values):
    return sum(values)


def test_identities_hold_in_the_gold_of_valid_reports(corpus):
    labels = golds(corpus)
    assert Counter(g["report"]["expected_quality"] for g in labels)["valid"] >= N * 0.8
    for g in labels:
        quality = g["report"]["expected_quality"]
        ap, rl = g["applications"], g["reviews_litigation"]
        if quality == "incomplete":
            assert any(v is None for row in [*ap.values(), *rl.values(), [*g["active_disclosure"].values()]]
                       for v in row)
            continue
        broken = []
        for outcome, row in ap.items():
            if row[6] != _sum(row[:6]):
                broken.append(f"row {outcome}")
        results = [k for k in ap if k not in ("new_received", "carried_over", "total_processed", "carried_forward")]
        assert len(results) == (21 if "other_misc" in ap else 19)  # （一）（二）, 8 + 3 + 5, （六） 3 or 1
        for c in range(7):
            if ap["total_processed"][c] != _sum(ap[r][c] for r in results):
                broken.append(f"（七） column {c}")
            if ap["new_received"][c] + ap["carried_over"][c] != ap["total_processed"][c] + ap["carried_forward"][c]:
                broken.append(f"balance column {c}")
        for proceeding, row in rl.items():
            if row[4] != _sum(row[:4]):
                broken.append(f"表四 {proceeding}")
        if quality == "valid":
            assert not broken, (g["source_name"], broken)
        else:
            assert quality == "inconsistent" and broken, g["source_name"]
        assert all(v >= 0 for row in [*ap.values(), *rl.values()] for v in row)


def test_the_corpus_has_every_variant():
    docs = list(synth.documents(1500, seed=11, gold_sample=0))
    reports = [d for d in docs if d.kind == "report"]
    assert {d.layout for d in reports} == {"pipe", "oneline", "space", "html"}
    assert {d.edition for d in reports} == {"2019", "2021", "mixed"}
    assert {d.script for d in reports} == {"simplified", "traditional"}
    quality = Counter(d.quality for d in reports)
    assert 0.01 < quality["inconsistent"] / len(reports) < 0.06
    assert 0.025 < quality["incomplete"] / len(reports) < 0.09
    assert 0 < sum(d.kind != "report" for d in docs) < 45
    text = "".join(d.data.decode("utf-8", "replace") for d in reports[:300])
    assert "區(qū)" in text or "區(qu)" in text  # pinyin after characters (seed 000)
    assert "rowspan" in text and "索 引 号" in text
    assert "政府集中采购" in text and "逾期不补正" in text


def test_bodies_with_ambiguous_county_names_print_their_prefecture():
    d = synth.divisions()
    assert {"朝阳区", "鼓楼区", "矿区"} <= d.ambiguous_counties
    import random

    rng = random.Random(1)
    for _ in range(3000):
        body = synth.pick_body(rng)
        for name in d.ambiguous_counties:
            if body.name.startswith(name):
                pytest.fail(f"{body.name} starts with the ambiguous county name {name}")


def test_cli_writes_the_corpus(tmp_path, capsys):
    assert synth.main(["6", str(tmp_path / "c"), "--seed", "2", "--gold-sample", "3"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == 6
    assert (tmp_path / "c" / "MANIFEST.tsv").read_text(encoding="utf-8").count("\n") == 7
    assert len(list((tmp_path / "c").glob("*.gold.json"))) == 3
