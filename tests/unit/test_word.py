"""Word (.docx) reports: the official blank template (peer corpus) filled with known figures."""

from __future__ import annotations

import io

import docx
import pytest

from tasks.parsing.document import Unparseable, parse_document
from tests.conftest import PEER
from tests.unit.contract_rows import T3_KEYS_2021
from tests.unit.test_tables import t3_rows

TEMPLATE = PEER / "govnianbao__blank_template_2021_format.docx"
T2 = {"规章": [1, 0, 3], "行政规范性文件": [4, 2, 17], "行政许可": [1520], "行政处罚": [None], "行政强制": [12],
      "行政事业性收费": [43.788]}
T4 = [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 1, 0, 0, 1]


def _fill(row, values) -> None:
    """Write values into the row's last cells (None leaves the cell blank)."""
    tcs = row._tr.tc_lst
    for tc, v in zip(tcs[len(tcs) - len(values):], values):
        if v is not None:
            tc.p_lst[0].append(docx.text.paragraph.Paragraph(tc.p_lst[0], None).add_run(str(v))._r)


def filled_template(title: str, t3: list[list[int]]) -> bytes:
    document = docx.Document(str(TEMPLATE))
    document.paragraphs[0].text = title
    t2, t3_table, t4 = document.tables[0], document.tables[1], document.tables[2]
    for row in t2.rows:
        label = row.cells[0].text.strip()
        if label in T2:
            _fill(row, T2[label])
    data_rows = [r for r in t3_table.rows if r.cells[-1].text.strip() == "" and any(c.text.strip() for c in r.cells)]
    assert len(data_rows) == len(t3)
    for row, values in zip(data_rows, t3):
        _fill(row, values)
    _fill(t4.rows[-1], T4)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.skipif(not TEMPLATE.exists(), reason="the peer corpus is not beside the project")
def test_filled_word_template_reads_every_figure():
    rows = t3_rows()
    parsed = parse_document(filled_template("苏州市吴江区人民政府2024年政府信息公开工作年度报告", rows), "report.docx")
    assert parsed.report["year"] == 2024
    assert parsed.report["edition"] == "2021"
    assert parsed.report["county_code"] == "320509"
    assert parsed.report["quality"] == "valid", parsed.report["issues"]
    got = {r["outcome"]: [r[c] for c in r if c not in ("report_id", "year", "province", "outcome")]
           for r in parsed.applications}
    assert [got[k] for k in T3_KEYS_2021] == rows
    ad = {(r["item"], r["metric"]): r["value"] for r in parsed.active_disclosure}
    assert ad[("normative_documents", "in_force")] == 17
    assert ad[("administrative_penalty", "decisions")] is None  # printed blank
    assert ad[("administrative_fees", "amount_10k_yuan")] == 43.788
    assert [v for r in parsed.reviews_litigation for v in list(r.values())[4:]] == T4


@pytest.mark.skipif(not TEMPLATE.exists(), reason="the peer corpus is not beside the project")
def test_blank_template_is_not_a_report():
    with pytest.raises(Unparseable) as e:
        parse_document(TEMPLATE.read_bytes(), TEMPLATE.name)
    assert e.value.code == "no_year"


def test_a_zip_that_is_not_word_stays_an_archive():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/other.xml", "<x/>")
    with pytest.raises(Unparseable) as e:
        parse_document(buf.getvalue(), "report.docx")
    assert e.value.code == "archive"


def test_an_old_binary_word_file_gets_its_own_reason():
    with pytest.raises(Unparseable) as e:
        parse_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "report.doc")
    assert e.value.code == "legacy_office"
