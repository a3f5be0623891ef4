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
