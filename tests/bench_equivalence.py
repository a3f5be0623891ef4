"""Parser equivalence harness (not a test): same bytes in, byte-identical rows out.

    # once, on the unmodified parser
    .venv/bin/python tests/bench_equivalence.py --write /tmp/wt-parser-baseline.jsonl
    # after every change
    .venv/bin/python tests/bench_equivalence.py --check /tmp/wt-parser-baseline.jsonl

    # with real unseen documents and PDFs too (PDFs are slow: --no-pdf skips them on quick checks)
    ... --synth DIR DIR DIR --extra tests/data/real /work/wild /work/synthpdf [--no-pdf]

Parses every document of the seeds, the peer corpus and the given synthetic
folders (default: /tmp/wt-parser-synth*) and serialises the whole ParsedReport
(report with ingested_at=None and every row list), or the Unparseable code and
message, or any other exception, as one canonical JSON line per document.
`--check` reports every document whose line differs from the baseline.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import PEER, SEEDS, corpus_documents


def _default(o):
    return {"__type__": type(o).__name__, "repr": repr(o)}


def canonical(data: bytes, name: str) -> str:
    from tasks.parsing.document import Unparseable, parse_document

    try:
        out = parse_document(data, name, source_key="k", source_url=None, ingested_at=None)
    except Unparseable as e:
        body = {"unparseable": [e.code, e.message]}
    except Exception as e:  # noqa: BLE001 - a crash is an output too, and must stay the same
        body = {"error": [type(e).__name__, str(e)]}
    else:
        body = {"report": out.report, "active_disclosure": out.active_disclosure,
                "applications": out.applications, "reviews_litigation": out.reviews_litigation,
                "legacy_indicators": out.legacy_indicators}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, default=_default)


EXTRA_SKIP = ("NOTES.md", "MANIFEST.tsv", "README.md")


def extra_documents(folder: Path) -> list[Path]:
    """Every document under an extra folder, recursively (no notes, manifests or `_build`)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and "_build" not in p.parts
                  and p.name not in EXTRA_SKIP and not p.name.endswith((".gold.json", ".docx")))


def documents(synth: list[str], extra: list[str] = ()) -> list[Path]:
    paths = corpus_documents(SEEDS) + corpus_documents(PEER)
    for folder in synth:
        paths += corpus_documents(Path(folder))
    for folder in extra:
        paths += extra_documents(Path(folder))
    return paths


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", help="write the baseline here")
    group.add_argument("--check", help="compare with this baseline")
    ap.add_argument("--synth", nargs="*", default=None, help="synthetic corpus folders")
    ap.add_argument("--extra", nargs="*", default=[], help="more folders, read recursively (real pages, PDFs)")
    ap.add_argument("--no-pdf", action="store_true", help="skip PDFs (fast checks; baseline lines of PDFs not required)")
    ap.add_argument("--show", type=int, default=5, help="differences to print in full")
    args = ap.parse_args()
    synth = args.synth if args.synth is not None else sorted(glob.glob("/tmp/wt-parser-synth*"))

    paths = documents(synth, args.extra)
    if args.no_pdf:
        paths = [p for p in paths if p.read_bytes()[:5] != b"%PDF-"]
    lines = {}
    for p in paths:
        lines[str(p)] = canonical(p.read_bytes(), p.name)

    if args.write:
        with open(args.write, "w", encoding="utf-8") as f:
            f.writelines(json.dumps({"path": k, "out": v}, ensure_ascii=False) + "\n" for k, v in lines.items())
        print(f"wrote {len(lines)} documents to {args.write} (synth: {synth})")
        return 0

    base = {}
    with open(args.check, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            base[row["path"]] = row["out"]
    diffs = [k for k in lines if base.get(k) != lines[k]]
    missing = [k for k in base if k not in lines and not (args.no_pdf and Path(k).suffix == ".pdf")]
    for k in diffs[: args.show]:
        print(f"DIFF {k}\n  before: {base.get(k, '<absent>')[:2000]}\n  after:  {lines[k][:2000]}")
    print(f"{len(lines)} documents checked, {len(diffs)} differ, {len(missing)} in the baseline not parsed")
    return 1 if diffs or missing else 0


if __name__ == "__main__":
    sys.exit(main())
