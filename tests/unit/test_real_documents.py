"""Real reports found after the parser was written (tests/data/real): what they taught it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.parsing.document import parse_document

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


def parse(name: str):
    return parse_document((REAL / name).read_bytes(), name)


def figures(parsed) -> dict:
    out = {("表二", r["item"], r["metric"]): r["value"] for r in parsed.active_disclosure}
    for r in parsed.applications:
        out[("表三", r["outcome"])] = [r[c] for c in list(r)[4:]]
    for r in parsed.reviews_litigation:
        out[("表四", r["proceeding"])] = [r[c] for c in list(r)[4:]]
    return out


@pytest.fixture(scope="module")
def shanghai_2019():
    return parse("shanghai_gov_office_2019.html")


def test_shanghai_2019_page(shanghai_2019):
    rep, got = shanghai_2019.report, figures(shanghai_2019)
    assert (rep["year"], rep["edition"], rep["organization"], rep["province_code"]) == (2019, "2019", "上海市人民政府办公厅",
                                                                                      "310000")
    assert got[("表三", "new_received")] == [821, 35, None, None, 2, 1, 859]
    assert got[("表三", "granted")] == [258, 12, None, None, 1, 1, None]  # 总计 printed blank
    assert got[("表三", "total_processed")] == [767, 35, None, None, 2, 1, 805]
    assert got[("表四", "administrative_review")] == [5, None, None, 2, 7]
    assert got[("表二", "centralized_procurement", "procurement_amount_10k_yuan")] == 25.1  # 251000元


def test_shanghai_2019_printed_to_pdf_reads_as_the_page(shanghai_2019):
    # Radicals (⺠ for 民) in the text layer, and tables whose right border rule is missing.
    pdf = parse("shanghai_gov_office_2019.print.pdf")
    assert figures(pdf) == figures(shanghai_2019)
    for field in ("year", "edition", "organization", "province_code", "publish_date", "quality"):
        assert pdf.report[field] == shanghai_2019.report[field], field


def test_shuyang_bureau_2023_word_exported_page():
    parsed = parse("shuyang_fgj_2023.html")
    rep, got = parsed.report, figures(parsed)
    assert rep["organization"] == "沭阳县发展和改革局"
    assert (rep["year"], rep["county_code"], rep["quality"]) == (2023, "321322", "valid")
    assert got[("表二", "normative_documents", "issued")] == 8
    assert got[("表三", "granted")] == [26, None, None, None, None, None, 26]
    assert got[("表四", "administrative_review")] == [0, 0, 0, 1, 1]


def test_a_row_a_page_break_cut_reads_as_one_row():
    # In the PDF print the row （六）1 starts at the foot of a page and ends at the head of the next.
    page, pdf = parse("shuyang_fgj_2023.html"), parse("shuyang_fgj_2023.print.pdf")
    assert figures(pdf) == figures(page)
    assert figures(pdf)[("表三", "other_no_correction")] == [0, None, None, None, None, None, 0]
    assert pdf.report["quality"] == "valid"
