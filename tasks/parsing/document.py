"""One raw document → the contract's rows for every table. Pure: bytes in, rows out.

`parse_document` is the whole parser: decode, normalise, find cells, read
tables 二/三/四, report facts, region, identities → quality. A document that is
not a readable annual report raises `Unparseable` with a code and a message,
which the pipeline turns into a quarantine row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from schemas.fields import APPLICANTS, PROCEEDING_COUNTS
from schemas.layouts import (
    ACTIVE_DISCLOSURE_ROWS,
    AMOUNT_METRICS,
    APPLICATION_ROWS_2019,
    APPLICATION_ROWS_2021,
)
from schemas.rules import application_findings, quality_of, result_rows, review_findings
from tasks.parsing import layout, legacy, report, tables, text, word
from tasks.parsing.regions import resolve_region

PARSER_VERSION = "0.2.0"  # bump when outputs change: the next backfill re-parses everything


class Unparseable(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class ParsedReport:
    report: dict
    active_disclosure: list[dict] = field(default_factory=list)
    applications: list[dict] = field(default_factory=list)
    reviews_litigation: list[dict] = field(default_factory=list)
    legacy_indicators: list[dict] = field(default_factory=list)


def _kind(name: str, data: bytes) -> str:
    lower = name.lower()
    if data[:5] == b"%PDF-":
        return "pdf"
    if lower.endswith((".html", ".htm", ".shtml", ".xhtml")):
        return "html"
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if b"<table" in data[:200000].lower() and b"</" in head:
        from tasks.parsing import html

        if html.is_page_with_tables(data[:200000]):
            return "html"
    if lower.endswith(".pdf"):
        return "pdf"
    return "text"


_ARCHIVES = (b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")
_OLE = b"\xd0\xcf\x11\xe0"  # Word 97-2003 .doc, WPS .wps, .xls: a binary format we do not read


def document_text(data: bytes, name: str) -> tuple[str, list[tuple[str, ...]], str]:
    """(normalised text, cells, script) for any layout we read."""
    if word.is_docx(data):
        kind = "docx"  # a zip, so before the archive test
    else:
        if data.startswith(_OLE):
            raise Unparseable("legacy_office", "an old binary Office file (.doc, .wps or .xls): not read; a "
                                               ".docx, PDF or web copy of the report can be")
        if data.startswith(_ARCHIVES):
            raise Unparseable("archive", "the document is an archive (zip, rar, 7z, gzip), not text, HTML, PDF "
                                         "or Word")
        kind = _kind(name, data)
        if kind != "pdf" and b"\x00" in data[:4096]:
            raise Unparseable("binary", "the document is binary, not text, HTML or PDF")
    try:
        if kind == "docx":
            try:
                raw = word.text_from_docx(data)
            except Exception as e:  # the library's own errors: a damaged or unusual package
                raise Unparseable("unreadable_docx",
                                  f"the Word file could not be read: {type(e).__name__}: {e}") from e
        elif kind == "pdf":
            from tasks.parsing import pdf

            try:
                raw = pdf.text_from_pdf(data)
            except Exception as e:  # the PDF library's own errors: broken or encrypted files
                raise Unparseable("unreadable_pdf", f"the PDF could not be read: {type(e).__name__}: {e}") from e
            if not raw.strip():
                raise Unparseable("no_text_layer", "the PDF has no text layer (a scan needs OCR)")
        else:
            from tasks.parsing import html

            raw = html.text_from_html(data) if kind == "html" else html.tables_in_text(text.decode_bytes(data))
    except text.UndecodableDocument as e:
        raise Unparseable("undecodable", str(e)) from e
    normalised, script = text.normalise(raw)
    return normalised, layout.cells_from_text(normalised), script


def _amount(value: float | None, unit: str | None, issues: list[dict], where: str) -> float | None:
    """Amounts are published in 万元; a cell printed in 元 is converted and flagged."""
    if value is None:
        return None
    if unit == "元":
        issues.append({"code": "amount_converted", "detail": f"{where}: printed in 元, converted to 万元"})
        return value / 10000
    return value


def parse_document(data: bytes, name: str, *, source_key: str = "", source_url: str | None = None,
                   ingested_at=None) -> ParsedReport:
    if not data.strip():
        raise Unparseable("empty", "the document is empty")
    report_id = hashlib.sha256(data).hexdigest()
    normalised, cells, script = document_text(data, name)
    found = tables.read_tables(cells)
    facts = report.report_facts(normalised)
    # An old-style 统计表 (指标 | 单位 | 本年度 | 历年累计) and none of 表二/三/四: pre-2019 figures, whatever
    # the year (some 2019 reports kept the old table: report-format.md §0).
    old_table = not (found.applications.found or found.active_disclosure.found or found.reviews.found) \
        and legacy.has_statistics_table(normalised, facts.year)
    if not (found.applications.found or found.active_disclosure.found or found.reviews.found):
        if not report.looks_like_annual_report(normalised):
            raise Unparseable("not_annual_report", "no 政府信息公开 annual-report title, sections or tables found")
        if facts.year is None or facts.year >= 2019 and not old_table:
            raise Unparseable("no_tables", "an annual report, but none of tables 二/三/四 could be read")
    if facts.year is None:
        raise Unparseable("no_year", "tables found but the statistical year could not be determined")

    issues: list[dict] = []
    for t in (found.active_disclosure, found.applications, found.reviews):
        issues.extend({"code": i.code, "detail": i.detail} for i in t.issues)

    # Edition from each table's own header labels, never from the year.
    editions = {e for e in (found.active_disclosure.edition, found.applications.edition) if e}
    if len(editions) > 1:
        edition = "mixed"
    elif editions:
        edition = editions.pop()
    else:
        edition = "pre2019" if facts.year < 2019 or old_table else "unknown"

    region = resolve_region(facts.organization_candidates, year=facts.year, text=normalised, url=source_url)
    if region.issue:
        issues.append({"code": region.issue.split(":", 1)[0], "detail": region.issue})
    province = region.province
    keys = {"report_id": report_id, "year": facts.year, "province": province}

    out = ParsedReport(report={})
    if edition == "pre2019":
        out.legacy_indicators, legacy_issues = legacy.legacy_rows(normalised, keys)
        issues.extend(legacy_issues)
    ad = found.active_disclosure
    if ad.edition:
        for spec in ACTIVE_DISCLOSURE_ROWS[ad.edition]:
            for metric, value, unit in zip(spec.metrics, ad.rows[spec.key], ad.units[spec.key]):
                if metric in AMOUNT_METRICS:
                    value = _amount(value, unit, issues, f"表二 {spec.label}")
                out.active_disclosure.append({**keys, "item": spec.key, "metric": metric, "value": value})
    ap = found.applications
    negative = False  # a count below zero in a row (filter(None, …) keeps the non-zero counts, in C)
    if ap.edition:
        specs = APPLICATION_ROWS_2021 if ap.edition == "2021" else APPLICATION_ROWS_2019
        int_rows = {}  # outcome → its counts as the identities read them (before negatives are nulled)
        for spec in specs:
            vals = [None if v is None else int(v) for v in ap.rows[spec.key]]
            negative = negative or min(filter(None, vals), default=0) < 0
            row = {**keys, "outcome": spec.key}
            row.update(zip(APPLICANTS, vals))
            out.applications.append(row)
            int_rows[spec.key] = vals
        findings = application_findings(int_rows, result_rows(s.key for s in specs))
        issues.extend({"code": f.code, "detail": f.detail} for f in findings)
    rv = found.reviews
    if rv.found:
        int_reviews = {}  # proceeding → its counts as the identities read them
        for proceeding, vals in rv.rows.items():
            ints = [None if v is None else int(v) for v in vals]
            negative = negative or min(filter(None, ints), default=0) < 0
            row = {**keys, "proceeding": proceeding}
            row.update(zip(PROCEEDING_COUNTS, ints))
            out.reviews_litigation.append(row)
            int_reviews[proceeding] = ints
        issues.extend({"code": f.code, "detail": f.detail} for f in review_findings(int_reviews))

    if edition not in ("pre2019",):
        for label, t in (("表二", ad), ("表三", ap), ("表四", rv)):
            if not t.found:
                issues.append({"code": "table_missing", "detail": f"{label} not found"})
            elif t.blank:
                issues.append({"code": "table_blank", "detail": f"{label} printed with every cell blank"})
    # Counts are the only ints below zero that can occur (year is not one): look at the rows only when one is.
    if negative:
        for r in out.applications + out.reviews_litigation:
            for c, v in r.items():
                if isinstance(v, int) and c != "year" and v < 0:
                    issues.append({"code": "negative_count", "detail": f"{c} = {v}: published null"})
                    r[c] = None

    out.report = {
        **keys,
        "source_key": source_key,
        "source_name": name,
        "source_url": source_url,
        "title": facts.title,
        "organization": facts.organization,
        "edition": edition,
        "publish_date": facts.publish_date,
        "province_code": region.province_code,
        "prefecture_code": region.prefecture_code,
        "county_code": region.county_code,
        "province_name": region.province_name,
        "prefecture_name": region.prefecture_name,
        "county_name": region.county_name,
        "admin_level": region.admin_level,
        "scope": facts.scope,
        "script": script,
        "quality": quality_of({i["code"] for i in issues}) if edition != "pre2019" else "incomplete",
        "issues": issues,
        "overview": facts.overview,
        "problems": facts.problems,
        "other_matters": facts.other_matters,
        "parser_version": PARSER_VERSION,
        "ingested_at": ingested_at,
    }
    return out


def warm_up() -> None:
    """Load the division table, OpenCC, the schemas and the pre-2019 patterns now (~1.5 s), e.g. while a
    server starts."""
    from schemas.legacy import compile_patterns
    from schemas.tables import TABLES, pandera_schema
    from tasks.parsing import html  # noqa: F401 (imported by the first web page otherwise)

    compile_patterns()
    text.normalise("測試")
    resolve_region(["北京市"], year=2024)
    for name in TABLES:
        pandera_schema(name)
