"""docs/data-dictionary.md is generated from the registry and must stay in sync with it."""

from __future__ import annotations

import re

from schemas.dictionary import data_dictionary_markdown
from schemas.fields import FIELDS, OUTCOMES
from tests.conftest import ROOT

DOC = ROOT / "docs" / "data-dictionary.md"


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (\S+)\n", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2]))


def test_committed_dictionary_is_the_generated_one():
    assert DOC.read_text(encoding="utf-8") == data_dictionary_markdown(), (
        "docs/data-dictionary.md is stale: run `python -m schemas.dictionary > docs/data-dictionary.md`")


def test_every_column_of_every_table_is_documented():
    from schemas.tables import TABLES

    by_table = sections(data_dictionary_markdown())
    for table in TABLES.values():
        body = by_table[table.name]
        documented = re.findall(r"^\| `(\w+)`", body, flags=re.MULTILINE)
        assert documented == list(table.columns), table.name
        for column in table.columns:
            assert FIELDS[column].label_zh in body
        for key in table.partition_by:
            assert f"`{key}` (partition)" in body


def test_codes_are_listed_with_their_printed_rows():
    text = data_dictionary_markdown()
    for outcome in OUTCOMES:
        assert re.search(rf"^\| `{outcome}` \| \S", text, flags=re.MULTILINE), outcome
    assert "| `withheld_three_security` | （三）3.危及“三安全一稳定” | 2021, 2019 |" in text
    assert "| `other_handling` | （六）其他处理 | 2019 |" in text
    for code in (*FIELDS["item"].isin, *FIELDS["metric"].isin):
        assert re.search(rf"^\| `{code}` \| \S", text, flags=re.MULTILINE), code


def _codes_in_source(pattern: str) -> set[str]:
    return {m for path in (ROOT / "tasks").rglob("*.py") for m in re.findall(pattern, path.read_text(encoding="utf-8"))}


def test_every_issue_and_quarantine_code_the_code_can_emit_is_in_the_registry():
    from schemas.rules import ISSUE_CODES, QUARANTINE_CODES

    issue = _codes_in_source(r'(?:Issue|Finding|_issue)\("([a-z_]+)"') | _codes_in_source(r'"code": "([a-z_]+)"') \
        | _codes_in_source(r'"(region_[a-z_]+): ')
    quarantine = _codes_in_source(r'Unparseable\("([a-z_]+)"') | _codes_in_source(r'"error_code": "([a-z_]+)"') \
        | _codes_in_source(r'quarantine_row\(entry, "\w+", "([a-z_]+)"')
    assert issue and quarantine
    assert issue <= ISSUE_CODES.keys(), issue - ISSUE_CODES.keys()
    assert quarantine <= QUARANTINE_CODES.keys(), quarantine - QUARANTINE_CODES.keys()


def test_codes_found_on_real_documents_are_registered():
    from schemas.rules import ISSUE_CODES
    from tasks.parsing.document import Unparseable, parse_document
    from tests.conftest import PEER, SEEDS, corpus_documents

    seen = set()
    for path in corpus_documents(SEEDS) + corpus_documents(PEER) + sorted((ROOT / "tests" / "data" / "real").glob("*.html")):
        try:
            seen |= {i["code"] for i in parse_document(path.read_bytes(), path.name).report["issues"]}
        except Unparseable:
            continue
    assert seen and seen <= ISSUE_CODES.keys(), seen - ISSUE_CODES.keys()
