"""Tables 二/三/四 from cells, mapped to the contract's rows. Pure functions.

The reader works on a flat token stream (cells in reading order), which is
what every flattened layout really is: one cell per line, pipes, spaces,
HTML rows, PDF lines. Row labels are matched by keywords (report-format.md
§5.1); the figures that follow a label, up to the next label, are its row.
Where labels were lost, figures are placed by position in the edition's row
order, and only where that placement is unambiguous; a row whose figures
cannot be aligned is published null with an issue. Numbers are never moved
into a neighbouring column to make a row fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemas.layouts import (
    ACTIVE_DISCLOSURE_ROWS,
    APPLICATION_ROWS_2019,
    APPLICATION_ROWS_2021,
    EDITION_2019_MARKERS_T2,
    EDITION_2021_MARKERS_T2,
    REVIEW_COLUMNS,
    RowSpec,
)
from tasks.parsing.text import compact

# ---------------------------------------------------------------------------------------------
# Tokens

NUM, BLANK, EMPTY, LABEL = "num", "blank", "empty", "label"

_NUMBER = re.compile(
    r"^(?P<sign>[+\-])?(?P<num>\d{1,3}(?:[,，]\d{3})+|\d+)(?P<frac>\.\d+)?\s*"
    r"(?P<unit>万元|元|件|条|项|个|次|人次)?\s*(?P<note>[(（].*[)）])?\s*$"
)
_BLANK_MARKS = {"-", "—", "——", "–", "/", "\\", "无", "空", "0/", "--", "—/—", "/ "}


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    value: float | None = None
    unit: str | None = None


def classify(cell: str, line: int) -> Token:
    text = cell.strip()
    if not text:
        return Token(EMPTY, text, line)
    if text in _BLANK_MARKS:
        return Token(BLANK, text, line)
    m = _NUMBER.match(text)
    if m:
        digits = m.group("num").replace(",", "").replace("，", "")
        value = float(digits + (m.group("frac") or ""))
        if m.group("sign") == "-":
            value = -value
        return Token(NUM, text, line, value, m.group("unit"))
    return Token(LABEL, text, line)


def tokenize(rows: list[list[str]]) -> list[Token]:
    return [classify(cell, i) for i, cells in enumerate(rows) for cell in cells]


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class Issue:
    code: str
    detail: str


@dataclass
class ParsedTable:
    edition: str | None  # "2021" / "2019" for the table's own layout, None when not found
    rows: dict[str, list[float | None]] = field(default_factory=dict)
    units: dict[str, list[str | None]] = field(default_factory=dict)
    found: bool = False
    issues: list[Issue] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return self.found and all(v is None for vals in self.rows.values() for v in vals)


@dataclass
class _Group:
    label_key: str | None
    label_text: str | None
    tokens: list[Token]


def _groups(tokens: list[Token], match) -> list[_Group]:
    """Split tokens into runs of cells, each with the row label that precedes it (if any)."""
    groups: list[_Group] = []
    current: _Group | None = None
    pending_key = pending_text = None
    for tok in tokens:
        if tok.kind == LABEL:
            if current is not None:
                groups.append(current)
                current = None
            key = match(tok.text)
            if key is not None:
                pending_key, pending_text = key, tok.text
            continue
        if current is None:
            current = _Group(pending_key, pending_text, [])
            pending_key = pending_text = None
        current.tokens.append(tok)
    if current is not None:
        groups.append(current)
    if pending_key is not None:  # a label with nothing after it: a row printed without cells
        groups.append(_Group(pending_key, pending_text, []))
    return groups


def _align(group: _Group, width: int) -> tuple[list[Token | None], str | None]:
    """The row's cells, or an issue saying why they cannot be aligned to `width` columns."""
    values = [t for t in group.tokens if t.kind in (NUM, BLANK)]
    if len(values) == width:
        return [None if t.kind == BLANK else t for t in values], None
    if not any(t.kind == NUM for t in values):
        return [None] * width, None  # printed blank
    cells = group.tokens
    # Trailing empties after the figures are layout filler; an exact-width run with empties is positional.
    while cells and cells[-1].kind == EMPTY and len(cells) > width:
        cells = cells[:-1]
    while cells and cells[0].kind == EMPTY and len(cells) > width:
        cells = cells[1:]
    if len(cells) == width:
        return [t if t.kind == NUM else None for t in cells], None
    return [None] * width, f"{len(values)} figures where {width} columns are expected"


def _split_stacked(group: _Group, width: int) -> list[_Group]:
    """Rows stacked with no label between them (lost labels) split into rows of `width` figures.

    Only when the figures are an exact multiple of the width and every cut falls on a line break;
    the parts after the first are unlabelled and get placed by position.
    """
    figures = [i for i, t in enumerate(group.tokens) if t.kind in (NUM, BLANK)]
    if len(figures) <= width or len(figures) % width:
        return [group]
    parts, prev = [], 0
    for k in range(width, len(figures), width):
        last, first = group.tokens[figures[k - 1]], group.tokens[figures[k]]
        if last.line == first.line:
            return [group]
        parts.append(figures[k])
    out, start = [], 0
    for n, cut in enumerate([*parts, len(group.tokens)]):
        out.append(_Group(group.label_key if n == 0 else None, group.label_text if n == 0 else None,
                          group.tokens[start:cut]))
        start = cut
    return out


def _place_rows(
    groups: list[_Group], specs: list[RowSpec], table: ParsedTable, table_name: str
) -> None:
    """Assign groups to rows: by label, else by position after the last placed row."""
    index = {s.key: i for i, s in enumerate(specs)}
    groups = [part for g in groups for part in _split_stacked(g, specs[index[g.label_key]].width
                                                              if g.label_key in index else specs[0].width)]
    placed: dict[int, tuple[list[Token | None], bool]] = {}
    next_row = 0
    for g in groups:
        has_figures = any(t.kind in (NUM, BLANK) for t in g.tokens)
        if g.label_key is None and not has_figures:
            continue  # layout filler between header cells
        if g.label_key is not None and g.label_key in index:
            i = index[g.label_key]
            if i in placed and placed[i][1]:
                # A labelled row claims a row filled by position: the positional guess was wrong.
                table.issues.append(Issue("row_unplaced", f"{table_name}: unlabelled figures before "
                                                          f"{specs[i].label} could not be placed"))
            elif i in placed:
                table.issues.append(Issue("row_repeated", f"{table_name}: {specs[i].label} printed twice; "
                                                          "first kept"))
                continue
        else:
            if not has_figures:
                continue
            if next_row >= len(specs):
                table.issues.append(Issue("row_unplaced", f"{table_name}: figures after the last row ignored"))
                continue
            i = next_row
            table.issues.append(Issue("row_by_position", f"{table_name}: unlabelled figures placed as "
                                                         f"{specs[i].label} by position"))
        cells, problem = _align(g, specs[i].width)
        if problem:
            table.issues.append(Issue("row_unalignable", f"{table_name} {specs[i].label}: {problem}; "
                                                         "published null"))
        placed[i] = (cells, g.label_key is None)
        next_row = max(next_row, i + 1)
    for i, spec in enumerate(specs):
        cells = placed.get(i, (None, False))[0]
        if cells is None:
            table.issues.append(Issue("row_missing", f"{table_name}: row {spec.label} not found"))
            cells = [None] * spec.width
        table.rows[spec.key] = [None if t is None else t.value for t in cells]
        table.units[spec.key] = [None if t is None else t.unit for t in cells]


def _matcher(specs: list[RowSpec], tokens_for_position=None):
    def match(text: str) -> str | None:
        label = compact(text)
        for spec in specs:
            if spec.matches(label):
                return spec.key
        return None

    return match


def _find(tokens: list[Token], pred, start: int = 0, stop: int | None = None) -> int | None:
    for i in range(start, len(tokens) if stop is None else stop):
        if tokens[i].kind == LABEL and pred(compact(tokens[i].text)):
            return i
    return None


# ---------------------------------------------------------------------------------------------
# 表三


def _is_t3_start(label: str) -> bool:
    return "本年新收" in label


def _is_t3_end(label: str) -> bool:
    return "结转下年度" in label or "结转下一年" in label or "下年度继续办理" in label


_T4_HEADER_WORDS = ("行政复议", "行政诉讼", "结果", "维持", "纠正", "尚未审结", "总计", "直接起诉", "复议后起诉",
                    "其他结果")


def _is_t4_header(label: str) -> bool:
    return "行政复议" in label or "结果维持" in label


def read_applications(tokens: list[Token]) -> tuple[ParsedTable, int | None, int | None]:
    """表三 and the token span it took (start, end)."""
    # The table starts at the 本年新收 label nearest before the first 上年结转 label (prose before the
    # table may also mention 本年新收).
    second = _find(tokens, lambda s: "上年结转" in s)
    start = None
    for i in range(second if second is not None else len(tokens)):
        if tokens[i].kind == LABEL and _is_t3_start(compact(tokens[i].text)):
            start = i
    if start is None:
        start = _find(tokens, _is_t3_start)
    if start is None:
        return ParsedTable(None), None, None
    end_label = _find(tokens, _is_t3_end, start + 1)
    # The table ends after the figures that follow 结转下年度 (the next label), or at 表四's header.
    if end_label is not None:
        stop = _find(tokens, lambda s: True, end_label + 1)
        stop = len(tokens) if stop is None else stop
    else:
        stop = _find(tokens, _is_t4_header, start + 1)
        stop = len(tokens) if stop is None else stop
    span = tokens[start:stop]
    compact_span = "".join(compact(t.text) for t in span if t.kind == LABEL)
    edition = "2021" if ("逾期不补正" in compact_span or "缴纳费用" in compact_span or "收费通知" in compact_span) \
        else "2019"
    specs = APPLICATION_ROWS_2021 if edition == "2021" else APPLICATION_ROWS_2019
    table = ParsedTable(edition, found=True)
    _place_rows(_groups(span, _matcher(specs)), specs, table, "表三")
    return table, start, stop


# ---------------------------------------------------------------------------------------------
# 表四


def read_reviews(tokens: list[Token], start: int) -> ParsedTable:
    """表四: the 15 figures after its header (行政复议 … 总计)."""
    head = _find(tokens, _is_t4_header, start)
    if head is None:
        return ParsedTable(None)
    table = ParsedTable("2021", found=True)
    # The table runs until the first label that is not a header word (a heading or prose).
    stop = head
    while stop < len(tokens):
        tok = tokens[stop]
        if tok.kind == LABEL:
            label = compact(tok.text)
            if len(label) > 8 and not any(w in label for w in _T4_HEADER_WORDS):
                break
        stop += 1
    # Skip the header labels, then take the first run of cells that holds figures.
    groups = _groups(tokens[head:stop], lambda s: None)
    run = None
    for g in groups:
        if any(t.kind in (NUM, BLANK) for t in g.tokens):
            run = g
            break
        if g.tokens and all(t.kind == EMPTY for t in g.tokens) and len(g.tokens) >= 15:
            run = g  # a row of empty cells: printed blank
            break
    width = len(REVIEW_COLUMNS)
    if run is None:
        # Header with no figures at all: printed blank.
        cells: list[Token | None] = [None] * width
    else:
        cells, problem = _align(run, width)
        if problem:
            table.issues.append(Issue("row_unalignable", f"表四: {problem}; published null"))
    for p, proceeding in enumerate(("administrative_review", "litigation_direct", "litigation_after_review")):
        part = cells[p * 5:(p + 1) * 5]
        table.rows[proceeding] = [None if t is None else t.value for t in part]
        table.units[proceeding] = [None if t is None else t.unit for t in part]
    return table


# ---------------------------------------------------------------------------------------------
# 表二


def read_active_disclosure(tokens: list[Token], stop: int | None) -> ParsedTable:
    """表二, between its first 第二十条/信息内容 header and 表三 (or the end)."""
    stop = len(tokens) if stop is None else stop
    start = _find(tokens, lambda s: "第二十条" in s or s == "信息内容", 0, stop)
    if start is None:
        return ParsedTable(None)
    span = tokens[start:stop]
    text = "".join(compact(t.text) for t in span if t.kind == LABEL)
    is_2021 = any(m in text for m in EDITION_2021_MARKERS_T2)
    is_2019 = any(m in text for m in EDITION_2019_MARKERS_T2)
    if is_2021 == is_2019:
        table = ParsedTable(None, found=True)
        table.issues.append(Issue("edition_undetermined", "表二: header labels match "
                                  + ("both editions" if is_2021 else "neither edition") + "; not read"))
        return table
    edition = "2021" if is_2021 else "2019"
    specs = ACTIVE_DISCLOSURE_ROWS[edition]
    table = ParsedTable(edition, found=True)
    # Only labelled rows: 表二 rows have no fixed count of blank filler, so position is not trusted here.
    groups = [g for g in _groups(span, _matcher(specs)) if g.label_key is not None]
    index = {s.key: s for s in specs}
    for g in groups:
        spec = index[g.label_key]
        if spec.key in table.rows:
            continue
        cells, problem = _align(g, spec.width)
        if problem:
            table.issues.append(Issue("row_unalignable", f"表二 {spec.label}: {problem}; published null"))
        table.rows[spec.key] = [None if t is None else t.value for t in cells]
        table.units[spec.key] = [None if t is None else t.unit for t in cells]
    for spec in specs:
        if spec.key not in table.rows:
            table.issues.append(Issue("row_missing", f"表二: row {spec.label} not found"))
            table.rows[spec.key] = [None] * spec.width
            table.units[spec.key] = [None] * spec.width
    return table


@dataclass
class Tables:
    active_disclosure: ParsedTable
    applications: ParsedTable
    reviews: ParsedTable


def read_tables(rows: list[list[str]]) -> Tables:
    tokens = tokenize(rows)
    applications, t3_start, t3_stop = read_applications(tokens)
    active = read_active_disclosure(tokens, t3_start)
    reviews = read_reviews(tokens, t3_stop if t3_stop is not None else 0) if t3_stop is not None else \
        ParsedTable(None)
    return Tables(active, applications, reviews)
