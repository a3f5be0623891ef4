"""The report's own accounting identities (data-contract.md, Validation): soft rules.

A report that breaks them is still published as printed, with one `issues`
entry per broken identity and `quality = inconsistent`. A blank cell takes
part in no identity: a total printed blank while its parts are not is
"total missing" (quality `incomplete`), not an arithmetic error. Nothing here
ever changes a figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.fields import APPLICANTS, PROCEEDING_COUNTS

ARITHMETIC = "inconsistent"
MISSING = "incomplete"

# Issue codes that make a report inconsistent / incomplete.
INCONSISTENT_CODES = frozenset({"row_total_mismatch", "processed_total_mismatch", "balance_mismatch",
                                "review_total_mismatch"})
INCOMPLETE_CODES = frozenset({"total_missing", "table_missing", "table_blank", "row_missing", "row_unalignable",
                              "row_unplaced", "edition_undetermined"})

# Every code `reports.issues[].code` can hold, and what it says (the data dictionary lists them).
ISSUE_CODES = {
    # the report's own identities (INCONSISTENT_CODES)
    "row_total_mismatch": "表三: a row's 总计 differs from the sum of its six applicant columns",
    "processed_total_mismatch": "表三: (七)总计 differs from the sum of the result rows, in a column",
    "balance_mismatch": "表三: 一 + 二 differs from (七) + 四, in a column",
    "review_total_mismatch": "表四: a proceeding's 总计 differs from the sum of its four results",
    # figures missing (INCOMPLETE_CODES)
    "total_missing": "a total printed blank while its parts are not, or an identity not checkable for blanks",
    "table_missing": "表二, 表三 or 表四 not found in the document",
    "table_blank": "a table printed with every cell blank",
    "row_missing": "a row of the edition's table not found",
    "row_unalignable": "a row whose figures cannot be put in their columns without guessing: published null",
    "row_unplaced": "figures that could not be given a row: ignored",
    "edition_undetermined": "表二's header labels match both editions or neither: not read",
    # informational: the report stays valid
    "row_by_position": "a row whose label was lost in the source, placed by its position in the table",
    "split_by_identity": "figures printed run together, split the one way the table's identities allow",
    "subtotal_row": "a subtotal printed on a group heading (（三）不予公开 …): not a row of the format, skipped",
    "row_repeated": "a row printed twice: the first kept",
    "stray_figures": "figures outside any row: ignored",
    "cell_from_note": "表二: a figure pushed out of its row, placed by the note printed with it (其中修订…)",
    "amount_converted": "an amount printed in 元, converted to 万元",
    "negative_count": "a count printed negative: published null",
    "region_unresolved": "the issuing body could not be placed: province unknown",
    "region_ambiguous": "the body's name fits several places (朝阳区, 鼓楼区…): province unknown",
    "region_partial": "placed from the source address only; the body's level unknown",
    "region_conflict": "the name and another signal disagree; the name's place kept",
    "carry_over_mismatch": "warning: 上年结转 differs from the same body's previous 结转下年度 (never changes quality)",
    # pre-2019 reports (legacy_indicators)
    "legacy_split_by_text": "统计表: run-together figures read as the prose states them",
    "legacy_split_ambiguous": "统计表: run-together figures with several readings: not published",
    "legacy_row_unalignable": "统计表: a row whose figures cannot be aligned: not published",
    "legacy_row_repeated": "统计表: an indicator printed twice: the first kept",
    "legacy_unlisted_rows": "统计表 rows not in the indicator catalogue, kept as unlisted_* codes",
    "legacy_unit_unknown": "统计表: an amount whose unit is not printed",
    "legacy_identity_broken": "统计表: parts that do not add up to their total, as printed",
    "legacy_text_disagrees": "the prose states a figure other than the table's: the table's kept",
    "legacy_text_ambiguous": "the prose gives a figure more than one way: not published",
}
assert INCONSISTENT_CODES | INCOMPLETE_CODES <= ISSUE_CODES.keys()

# Every `quarantine.error_code`, and what the document was.
QUARANTINE_CODES = {
    "empty": "no bytes, or only whitespace",
    "binary": "binary data that is not a PDF",
    "archive": "an archive (zip, rar, 7z, gzip)",
    "legacy_office": "an old binary Office file (.doc, .wps, .xls)",
    "undecodable": "text in no encoding we can read",
    "unreadable_pdf": "a PDF that cannot be opened (damaged or encrypted)",
    "no_text_layer": "a PDF with no text layer (a scan: needs OCR)",
    "unreadable_docx": "a .docx that cannot be read",
    "not_annual_report": "no 政府信息公开 annual-report title, sections or tables",
    "no_tables": "an annual report of 2019 or later in which none of 表二/三/四 could be read",
    "no_year": "tables found but the statistical year could not be determined",
    "too_large": "over the staging size limit",
    "schema_violation": "parsed rows that broke a hard rule of the schema (a parser bug or a broken document)",
    "parser_error": "the parser failed on it (a bug): the trace is in the message",
}


# 表三 rows that are not results: 一 + 二 = (七) + 四, and (七) = Σ of every other row (the results).
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def result_rows(outcomes) -> list[str]:
    return [o for o in outcomes if o not in BALANCE_ROWS]


def application_column_identities(outcomes) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """表三's per-column identities as (left rows, right rows) with Σ left = Σ right, for the parser."""
    return [(("total_processed",), tuple(result_rows(outcomes))),
            (("new_received", "carried_over"), ("total_processed", "carried_forward"))]


@dataclass(frozen=True)
class Finding:
    code: str
    detail: str


def _sum(values) -> int | None:
    return None if any(v is None for v in values) else int(sum(values))


def _total_check(table: str, row: str, parts, total, mismatch_code: str) -> Finding | None:
    """A finding when the parts (a list or tuple) do not add up to the total of `table`'s `row` (its
    name is only written into a finding: most rows add up)."""
    # Blanks counted once, in C (parts are numbers or None; a number never equals None).
    blanks = parts.count(None)
    if blanks == len(parts):
        return None
    if total is None:
        if not blanks:
            return Finding("total_missing", f"{table} {row}: total printed blank, parts sum to {_sum(parts)}")
        return None
    if not blanks:
        s = int(sum(parts))
        if s != total:
            return Finding(mismatch_code, f"{table} {row}: total {int(total)} but parts sum to {s}")
    return None


def application_findings(rows: dict[str, list], result_rows: list[str]) -> list[Finding]:
    """表三 identities: row totals, (七)总计 = Σ results, 一 + 二 = (七) + 四 (per column)."""
    out: list[Finding] = []
    for outcome, vals in rows.items():
        f = _total_check("表三", outcome, vals[:6], vals[6], "row_total_mismatch")
        if f:
            out.append(f)
    total_row = rows.get("total_processed")
    # The result rows' counts column by column (one transposition instead of a pass per column).
    result_columns = list(zip(*(rows[r] for r in result_rows if r in rows))) or [()] * len(APPLICANTS)
    for c, col in enumerate(APPLICANTS):
        results = result_columns[c]
        if total_row is not None:
            f = _total_check("表三", f"total_processed.{col}", results, total_row[c], "processed_total_mismatch")
            if f:
                out.append(f)
        try:
            a, b = rows["new_received"][c], rows["carried_over"][c]
            t, fwd = rows["total_processed"][c], rows["carried_forward"][c]
        except KeyError:
            continue
        if None not in (a, b, t, fwd) and a + b != t + fwd:
            out.append(Finding("balance_mismatch", f"表三 {col}: 一+二 = {int(a + b)} but (七)+四 = {int(t + fwd)}"))
        elif any(v is not None for v in (a, b, t, fwd)) and None in (a, b, t, fwd):
            missing = [n for n, v in zip(BALANCE_ROWS,
                                         (a, b, t, fwd)) if v is None]
            out.append(Finding("total_missing", f"表三 {col}: 一+二 = (七)+四 not checkable, blank: "
                                                + ", ".join(missing)))
    return out


def review_findings(rows: dict[str, list]) -> list[Finding]:
    out = []
    for proceeding, vals in rows.items():
        f = _total_check("表四", proceeding, vals[:4], vals[4], "review_total_mismatch")
        if f:
            out.append(f)
    assert len(PROCEEDING_COUNTS) == 5
    return out


def quality_of(codes: set[str]) -> str:
    if codes & INCONSISTENT_CODES:
        return ARITHMETIC
    if codes & INCOMPLETE_CODES:
        return MISSING
    return "valid"


CARRY_OVER_CODE = "carry_over_mismatch"  # a warning: it never changes `quality`


def carry_over_findings(carried_over: list, previous_carried_forward: list, year: int) -> list[Finding]:
    """Cross-year: this year's 上年结转 against the same body's previous 结转下年度 (per column).

    Not an identity of the format (bodies merge, reports get corrected), so only a warning. 2019
    reports have no comparable previous row (2018 reports had no 结转 row).
    """
    if year <= 2019:
        return []
    out = []
    for col, now, before in zip(APPLICANTS, carried_over, previous_carried_forward):
        if now is not None and before is not None and now != before:
            out.append(Finding(CARRY_OVER_CODE, f"warning: 上年结转 {col} {int(now)} in {year} but 结转下年度 "
                                                f"{int(before)} in the {year - 1} report"))
    return out
