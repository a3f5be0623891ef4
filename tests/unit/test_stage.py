"""Staging: content-addressed keys whatever the file names, one object per content, a size limit."""

from __future__ import annotations

import hashlib

import polars as pl

from tasks.batch import ingest_batch
from tasks.publish import split_by_year
from tasks.stage import MAX_DOCUMENT_BYTES, list_documents, stage_batch
from tasks.storage import decode_meta, read_parquet
from tests.conftest import SEEDS, corpus_documents

ODD_NAMES = ["报告 (终稿) 2024.txt", "ctrl\x07char.txt", "sp  aces .txt", "..tricky..txt"]


def test_odd_names_huge_files_and_duplicates(tmp_path, settings, raw):
    seed = corpus_documents(SEEDS)[3].read_bytes()
    for i, name in enumerate(ODD_NAMES):
        (tmp_path / name).write_bytes(seed + b"\n" * i)  # four distinct documents
    (tmp_path / "copy.txt").write_bytes(seed)  # same bytes as the first: one document
    (tmp_path / "huge.txt").write_bytes(b"x" * (MAX_DOCUMENT_BYTES + 1))
    keys = list_documents.fn(str(tmp_path), settings)
    staged = stage_batch(keys, str(tmp_path), "runs/unit", settings)
    assert len(staged.entries) == 5 and not staged.skipped
    assert "huge.txt" not in {e["source_name"] for e in staged.entries if e["raw_key"] in staged.documents}
    keys = [k for k in raw.list("raw/")]
    assert len(keys) == 5 and all(k.split("/")[-1] == k.split("/")[-1].lower() and len(k.split("/")[-1]) == 64
                                  for k in keys)
    digest = hashlib.sha256(seed + b"\n").hexdigest()
    assert decode_meta(raw.head(f"raw/{digest[:2]}/{digest}")["source-name"]) == ODD_NAMES[1]

    prefix = ingest_batch.fn(list_documents.fn(str(tmp_path), settings), 0, str(tmp_path), "runs/unit", settings)
    reports = pl.from_arrow(read_parquet(raw, f"{prefix}/reports.parquet"))
    quarantine = pl.from_arrow(read_parquet(raw, f"{prefix}/quarantine.parquet"))
    assert reports.height + quarantine.height == 5
    assert quarantine.select("source_name", "error_code").rows() == [("huge.txt", "too_large")]
    assert set(reports["source_name"]) <= set(ODD_NAMES) | {"copy.txt"}


def test_same_bytes_in_two_batches_are_one_document(tmp_path, settings, raw):
    """Batches are staged independently: the split keeps the first batch's rows of a document."""
    seeds = corpus_documents(SEEDS)
    for i, path in enumerate(seeds[:3]):
        (tmp_path / f"{i}.txt").write_bytes(path.read_bytes())
    (tmp_path / "3-copy.txt").write_bytes(seeds[0].read_bytes())
    keys = list_documents.fn(str(tmp_path), settings)
    assert keys == ["0.txt", "1.txt", "2.txt", "3-copy.txt"]
    run = "runs/unit-dedupe"
    prefixes = [ingest_batch.fn(keys[i:i + 2], i // 2, str(tmp_path), run, settings) for i in (0, 2)]
    split = split_by_year.fn(prefixes, run, settings)
    assert (split["documents"], split["to_parse"], split["skipped"]) == (3, 3, 0)
    reports = pl.concat([pl.from_arrow(read_parquet(raw, f"{p}/reports.parquet")) for p in split["years"].values()])
    assert sorted(reports["source_name"]) == ["0.txt", "1.txt", "2.txt"]
    one_batch = pl.from_arrow(read_parquet(raw, f"{prefixes[0]}/applications.parquet"))
    published = pl.concat([pl.from_arrow(read_parquet(raw, f"{p}/applications.parquet"))
                           for p in split["years"].values()])
    rid = hashlib.sha256(seeds[0].read_bytes()).hexdigest()
    # its rows once (the first batch's), not twice
    assert published.filter(pl.col("report_id") == rid).height == one_batch.filter(pl.col("report_id") == rid).height > 0


def test_a_source_in_object_storage_is_listed_and_staged(settings, raw):
    """Workers on other machines read an s3:// source themselves (README, Scale-out on Dask)."""
    seeds = corpus_documents(SEEDS)[:2]
    raw.client.create_bucket(Bucket="crawl-unit")
    for path in seeds:
        raw.client.put_object(Bucket="crawl-unit", Key=f"2024/{path.name}", Body=path.read_bytes())
    raw.client.put_object(Bucket="crawl-unit", Key="2024/x.gold.json", Body=b"{}")  # labels are not documents
    keys = list_documents.fn("s3://crawl-unit/2024", settings)
    assert sorted(keys) == sorted(p.name for p in seeds)
    staged = stage_batch(keys, "s3://crawl-unit/2024", "runs/unit-s3", settings)
    assert sorted(e["source_name"] for e in staged.entries) == sorted(p.name for p in seeds)
    assert all(raw.exists(e["raw_key"]) and staged.documents[e["raw_key"]] for e in staged.entries)
