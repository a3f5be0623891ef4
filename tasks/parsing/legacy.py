"""Figures of pre-2019 reports (legacy_indicators): the old statistics table, then the prose. Pure functions.

Reports for 2008–2018 have no national table format (report-format.md §3). Many append a 统计表
(指标名称 | 计量单位 | 本年度 | 历年累计), which crawled copies often flatten into one run of text with the
cells' digits run together: "主动公开文件数条206912106其中：1.政府网站公开数条2069121062.政府公报…" is
主动公开文件数 | 条 | 2069 | 12106, then row "2.政府公报…" (its enumerator's digit glued to the figures).

- Rows are read from the header on: label (its enumerator and unit cut off), unit, one figure per
  period column. The label is matched against the catalogue (schemas/legacy.py).
- Run-together digits are split only where the table's own structure leaves one reading: a count
  has no leading zero, the year's figure is at most the cumulative one, a part is at most its total
  (网站公开数 ≤ 主动公开数), and the parts of a sum add up to it (收到申请数 = 当面 + 传真 + 网络 + 信函).
  A row with more than one reading is not published (an issue says why), unless the report's own
  prose states one of the readings' figures ("2018年全区主动公开政府信息2069条").
- Prose gives the figures no table gives: "全年共受理政府信息公开申请12件", "未收取任何费用" (→ 0); the
  phrase is the row's label. A figure the table and the prose both give comes from the table; when
  they disagree the table's stays and an issue records the prose's.
- A wrong figure is worse than a missing one: nothing is guessed, shifted or computed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from schemas.legacy import (
    AMOUNT_UNITS,
    BY_CODE,
    CODE_HEADS,
    COLUMN_HEADS,
    FIGURE,
    INDICATORS,
    ROW_HEADS,
    SUM,
    TEXT_RULES,
    UNIT_HEADS,
    UNITS,
    ZERO_PROCEEDINGS,
    Indicator,
    ancestors,
)
from tasks.parsing.layout import cells_from_line
from tasks.parsing.text import compact

YEAR, CUMULATIVE, CODE = "year", "cumulative", "code"
PERIODS = (YEAR, CUMULATIVE)


@dataclass
class LegacyFigures:
    rows: list[dict] = field(default_factory=list)  # indicator, period, value, unit, label, source
    issues: list[dict] = field(default_factory=list)
    table_found: bool = False


def _issue(code: str, detail: str) -> dict:
    return {"code": code, "detail": detail}


# ---------------------------------------------------------------------------------------------
# The table header


def _spaced(word: str) -> str:
    """A header word that may be printed with spaces or line breaks inside ("指 标 名 称", "计量\\n单位")."""
    return r"\s*".join(map(re.escape, word))


def _alt(words) -> str:
    return "(?:" + "|".join(_spaced(w) for w in sorted(words, key=len, reverse=True)) + ")"


_SEP = r"[\s|]*"
_COL = "(?:" + "|".join(p for p, _ in COLUMN_HEADS) + ")"
_HEADER = re.compile(
    rf"(?P<row>{_alt(ROW_HEADS)}){_SEP}(?:(?P<unit>{_alt(UNIT_HEADS)}){_SEP})?(?:(?P<code>{_alt(CODE_HEADS)}){_SEP})?"
    rf"(?P<cols>(?:{_COL}{_SEP})+)"
)
_COL_ONE = re.compile("|".join(f"(?P<c{i}>{p})" for i, (p, _) in enumerate(COLUMN_HEADS)))
# The table ends where prose resumes (a sentence stop, a comma that is not a thousands separator),
# at a note or at a signature date.
_TABLE_END = re.compile(r"[。；;!?！？]|(?<!\d)[,，]|[,，](?!\d)|(?:注|备注|说明)\s*[:：]|"
                        r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_MAX_TABLE_CHARS = 8000


@dataclass
class _Header:
    start: int
    end: int
    columns: list[str | None]  # per printed value column: YEAR, CUMULATIVE, CODE or None (not published)
    has_unit: bool


def _headers(text: str, year: int | None) -> list[_Header]:
    out = []
    for m in _HEADER.finditer(text):
        row_head = re.sub(r"\s", "", m.group("row"))
        if m.group("unit") is None and row_head in ("指标", "项目"):
            continue  # "指标" + "数量" in prose is not a header
        columns: list[str | None] = [CODE] if m.group("code") else []
        seen: set[str] = set()
        for c in _COL_ONE.finditer(re.sub(r"[\s|]", "", m.group("cols"))):
            kind = next(COLUMN_HEADS[int(k[1:])][1] for k, v in c.groupdict().items() if v is not None)
            if kind == "dated":
                printed = int(re.match(r"\d{4}", c.group()).group())
                kind = YEAR if year is None or printed == year else None
            if kind in seen:
                kind = None  # a second 本年 column (本期实际 | 本年累计): the first one is published
            if kind:
                seen.add(kind)
            columns.append(kind)
        if any(c in PERIODS for c in columns):
            out.append(_Header(m.start(), m.end(), columns, m.group("unit") is not None))
    return out


# ---------------------------------------------------------------------------------------------
# Cells → pieces → rows

LABEL, RUN, UNIT, BLANK, EMPTY = "label", "run", "unit", "blank", "empty"
_BLANK_CELL = re.compile(r"^(?:[-—–－―/／\\]+|无|空|—/—)$")
_NUMBER_CELL = re.compile(r"^(?P<n>\d{1,3}(?:[,，]\d{3})+|\d+)(?P<f>\.\d+)?\s*(?P<u>" + "|".join(map(re.escape, UNITS))
                          + r")?$")
_DIGITS = re.compile(r"\d\d*(?:\.\d+)*")  # "\d+(?:\.\d+)*" written so: see text._LABEL_JUNK
# Units that may follow a figure inside a cell ("2069条12106条"): then each figure is a whole cell. Units
# that can also open a row label (个人隐私, 人员) are left out.
_UNIT_AFTER = re.compile(r"^(?:万元|元|条|件|篇|项|人次|次)")
_OPEN, _CLOSE = "(（〔[【《", ")）〕]】》"


@dataclass
class _Piece:
    kind: str
    text: str
    glued: bool = False  # digits glued to label text inside one cell: may hold several cells
    unit: str | None = None
    cell_start: bool = True


def _cell_pieces(cell: str) -> list[_Piece]:
    cell = cell.strip()
    if not cell:
        return [_Piece(EMPTY, "")]
    if _BLANK_CELL.match(cell):
        return [_Piece(BLANK, cell)]
    if cell in UNITS:
        return [_Piece(UNIT, cell, unit=cell)]
    m = _NUMBER_CELL.match(cell)
    if m:
        return [_Piece(RUN, re.sub(r"[,，]", "", m.group("n")) + (m.group("f") or ""), unit=m.group("u"))]
    pieces: list[_Piece] = []
    label_start = 0
    depth = 0
    pos = 0
    for m in _DIGITS.finditer(cell):
        s, e = m.start(), m.end()
        for ch in cell[pos:s]:
            depth += ch in _OPEN
            depth -= ch in _CLOSE and depth > 0
        pos = s
        run = m.group()
        before = cell[s - 1] if s else ""
        after = cell[e] if e < len(cell) else ""
        if depth > 0 or after and after in "年月日号时" or before.isascii() and before.isalpha() or \
                after.isascii() and after.isalpha():
            continue  # "(不同渠道…计1条)", "2018年", "IPv6": part of the label
        if after and after in ".．、" and (e + 1 == len(cell) or not cell[e + 1].isdigit()) and not run[:-1].endswith("."):
            # "…2069121062.政府公报…": the row enumerator's digit belongs to the next label.
            if len(run) == 1:
                continue
            run, e = run[:-1], e - 1
        if cell[label_start:s].strip():
            pieces.append(_Piece(LABEL, cell[label_start:s].strip()))
        unit = _UNIT_AFTER.match(cell[e:])
        if unit:
            pieces.append(_Piece(RUN, run, unit=unit.group()))
            e += unit.end()
        else:
            pieces.append(_Piece(RUN, run, glued=True))
        label_start = pos = e
    if cell[label_start:].strip():
        pieces.append(_Piece(LABEL, cell[label_start:].strip()))
    for p in pieces[1:]:
        p.cell_start = False
    # A run standing alone in its cell is a cell of its own: glued only when it touches a label.
    if len(pieces) == 1 and pieces[0].kind == RUN:
        pieces[0].glued = False
    return pieces


@dataclass
class _RawRow:
    labels: list[str] = field(default_factory=list)
    unit: str | None = None
    slots: list[_Piece] = field(default_factory=list)  # RUN / BLANK / EMPTY after the label

    @property
    def has_figures(self) -> bool:
        return any(p.kind in (RUN, BLANK) for p in self.slots)


def _raw_rows(region: str) -> list[_RawRow]:
    rows: list[_RawRow] = []
    cur = _RawRow()
    for line in region.split("\n"):
        for cell in cells_from_line(line):
            for p in _cell_pieces(cell):
                if p.kind == LABEL:
                    if cur.has_figures or cur.unit is not None and cur.labels:
                        rows.append(cur)
                        cur = _RawRow()
                    if cur.labels and not p.cell_start:
                        cur.labels[-1] += p.text
                    else:
                        cur.labels.append(p.text)
                elif p.kind == UNIT:
                    if cur.has_figures:
                        rows.append(cur)
                        cur = _RawRow()
                    cur.unit = p.unit
                elif p.kind == EMPTY:
                    if cur.labels:
                        cur.slots.append(p)
                elif cur.labels:
                    cur.slots.append(p)
    rows.append(cur)
    return [r for r in rows if r.labels]


# ---------------------------------------------------------------------------------------------
# Labels

# Enumerators that open a row label: 一、 (一) 1. 1、 (1) and 其中：
_ENUM = re.compile(r"其中\s*[:：]?|[一二三四五六七八九十]{1,3}\s*[、.]|\(\s*[一二三四五六七八九十]{1,3}\s*\)|"
                   r"\(\s*\d{1,2}\s*\)|(?<![\d.])\d{1,2}\s*[.、](?!\d)")
_NOTE = re.compile(r"\([^()]*\)")


def _enum_kind(segment: str) -> str | None:
    m = _ENUM.match(segment)
    if not m or m.group().startswith("其中"):
        return None
    t = m.group()
    if t.startswith("("):
        return "(n)" if re.search(r"\d", t) else "(一)"
    return "n." if re.match(r"\d", t) else "一、"


def _segments(label: str) -> list[str]:
    cuts = sorted({0, *(m.start() for m in _ENUM.finditer(label))})
    return [s for s in (label[a:b] for a, b in zip(cuts, [*cuts[1:], len(label)])) if s.strip()]


def _strip_enums(text: str) -> str:
    while True:
        m = _ENUM.match(text.strip())
        if not m:
            return text.strip()
        text = text.strip()[m.end():]


def _core(text: str) -> str:
    """The label to match: no enumerators, no parenthesised notes, no quotes or spaces."""
    core = compact(_strip_enums(text))
    while _NOTE.search(core):
        core = _NOTE.sub("", core)
    return core.strip(":：")


def _split_unit(label: str) -> tuple[str, str | None]:
    """"主动公开文件数条" → ("主动公开文件数", "条"): a flattened row's unit glued to its label."""
    for u in UNITS:
        if label.endswith(u) and len(label) > len(u):
            return label[: -len(u)], u
    return label, None


@dataclass
class _Row:
    index: int
    label: str  # as printed, without enumerator and unit
    code: str | None
    unit: str | None
    enum: str | None
    slots: list[_Piece]
    cands: list[tuple] = field(default_factory=list)  # its readings as read (before the table's structure)
    problem: str | None = None


def _match(label: str, rows: list[_Row]) -> tuple[str | None, str, str | None]:
    """(code, printed label, enumerator kind) of a row label, from its last segments."""
    segments = _segments(label)
    for i in range(len(segments) - 1, -1, -1):
        printed = "".join(segments[i:])
        core = _core(printed)
        if not core:
            continue
        code = _catalogue_match(core, rows)
        if code:
            return code, _strip_enums(printed), _enum_kind(segments[i].strip())
    last = segments[-1] if segments else label
    return None, _strip_enums(last) or label, _enum_kind(last.strip())


@lru_cache(maxsize=1 << 12)  # a label is matched once per reading of the table, and tables are read twice
def _catalogue_lookup(core: str) -> tuple[bool, str | None, tuple]:
    """(an indicator matches core on its own, its code, else the generic candidates): of core only."""
    for ind in INDICATORS:
        if ind.matches(core, under_parent=False):
            return True, ind.code, ()
    return False, None, tuple(ind for ind in INDICATORS if ind.generic and ind.matches(core, under_parent=True))


def _catalogue_match(core: str, rows: list[_Row]) -> str | None:
    found, code, generic = _catalogue_lookup(core)
    if found:
        return code
    # Generic sub-row labels ("其他情形数"): the candidate whose parent is the nearest earlier row.
    for row in reversed(rows):
        for ind in generic:
            if row.code == ind.parent:
                return ind.code
    return None


def _unlisted_code(core: str) -> str:
    """A stable code for a row the catalogue does not know: the same printed label gives the same code."""
    return "unlisted_" + hashlib.sha1(core.encode()).hexdigest()[:8]


# ---------------------------------------------------------------------------------------------
# A row's readings

_CELL_INT = re.compile(r"^(?:0|[1-9]\d{0,8})$")
_CELL_DEC = re.compile(r"^(?:0|[1-9]\d{0,8})(?:\.\d+)?$")
_CELL_CODE = re.compile(r"^\d{1,3}$")


def _cell_ok(digits: str, column: str | None, decimals: bool) -> bool:
    if column == CODE:
        return bool(_CELL_CODE.match(digits))
    return bool((_CELL_DEC if decimals else _CELL_INT).match(digits))


def _cuts(run: str, parts: int, columns: list[str | None], decimals: bool) -> list[list[str]]:
    """Every way to cut one run of digits into `parts` well-formed cells (for these columns)."""
    if parts == 1:
        return [[run]] if _cell_ok(run, columns[0], decimals) else []
    out = []
    for n in range(1, len(run) - parts + 2):
        head = run[:n]
        if not _cell_ok(head, columns[0], decimals):
            continue
        out.extend([head, *rest] for rest in _cuts(run[n:], parts - 1, columns[1:], decimals))
    return out


def _readings(row: _Row, columns: list[str | None], has_unit: bool, table_glued: bool) -> None:
    width = len(columns)
    slots = list(row.slots)
    if has_unit and row.unit is None and slots and slots[0].kind == EMPTY:
        slots = slots[1:]  # the unit cell, printed empty
    while len(slots) > width and slots[-1].kind == EMPTY:
        slots.pop()
    filled = [p for p in slots if p.kind != EMPTY]
    if len(slots) != width:
        slots = filled
    if not any(p.kind == RUN for p in slots):
        row.cands = [(None,) * width]
        return
    decimals = row.unit in (*AMOUNT_UNITS, "%") or bool(row.code and BY_CODE.get(row.code) and
                                                      BY_CODE[row.code].amount)
    if len(slots) > width:
        row.problem = f"{len(filled)} figures where {width} columns are expected"
        return
    if len(slots) == width:
        cells = [p.text if p.kind == RUN else None for p in slots]
        if any(c is not None and not _cell_ok(c, col, decimals) for c, col in zip(cells, columns)):
            if not any(p.glued or table_glued for p in slots if p.kind == RUN):
                row.problem = "a figure that is not a count"
                return
        else:
            cands = [tuple(None if c is None else float(c) for c in cells)]
            row.cands = _year_le_cumulative(cands, columns)
            if not row.cands:
                row.problem = "the year's figure exceeds the cumulative one"
            return
        slots = filled  # a glued run of the wrong shape: split it below
    if any(p.kind == BLANK for p in slots):
        row.problem = "run-together figures mixed with blank marks"
        return
    splittable = [p.glued or table_glued for p in slots]
    if not any(splittable):
        # Separate cells, one short: a blank cell was lost; which one is unknown.
        row.problem = f"{len(slots)} figures where {width} columns are expected"
        return
    cands = []
    for parts in product(*[range(1, width + 1) if s else (1,) for s in splittable]):
        if sum(parts) != width:
            continue
        cols_at, per_run = 0, []
        for p, n in zip(slots, parts):
            per_run.append(_cuts(p.text, n, columns[cols_at:cols_at + n], decimals))
            cols_at += n
        for combo in product(*per_run):
            cands.append(tuple(float(c) for cut in combo for c in cut))
    cands = _year_le_cumulative(list(dict.fromkeys(cands)), columns)
    if not cands:
        row.problem = "no reading of the run-together figures gives a year's figure within the cumulative one"
    row.cands = cands


def _year_le_cumulative(cands: list[tuple], columns: list[str | None]) -> list[tuple]:
    if YEAR not in columns or CUMULATIVE not in columns:
        return cands
    y, c = columns.index(YEAR), columns.index(CUMULATIVE)
    return [t for t in cands if t[y] is None or t[c] is None or t[y] <= t[c]]


# ---------------------------------------------------------------------------------------------
# The table's structure: which readings of the rows fit together

_BUDGET = 20000


class _OutOfBudget(Exception):
    pass


@dataclass
class _Constraint:
    kind: str  # "le": rows[1] ≤ rows[0]; "sum": rows[0] = Σ rows[1:]
    rows: tuple[int, ...]


def _holds(con: _Constraint, assign: dict[int, tuple], vals, complete: bool) -> bool:
    parent = vals(con.rows[0], assign[con.rows[0]]) if con.rows[0] in assign else None
    if con.kind == "le":
        if parent is None or con.rows[1] not in assign:
            return True
        child = vals(con.rows[1], assign[con.rows[1]])
        return all(parent[p] is None or child[p] is None or child[p] <= parent[p] for p in parent)
    if parent is None:
        return True
    parts = [vals(r, assign[r]) for r in con.rows[1:] if r in assign]
    for p in parent:
        if parent[p] is None or any(x[p] is None for x in parts):
            continue
        s = sum(x[p] for x in parts)
        if s > parent[p] + 1e-9 or complete and len(parts) == len(con.rows) - 1 and abs(s - parent[p]) > 1e-9:
            return False
    return True


def _solve(order: list[int], domains: dict[int, list[tuple]], constraints: list[_Constraint], vals
           ) -> dict[int, tuple] | None:
    """One assignment of a reading to every row that satisfies the constraints (None: there is none)."""
    by_row: dict[int, list[_Constraint]] = {}
    for con in constraints:
        for r in con.rows:
            by_row.setdefault(r, []).append(con)
    assign: dict[int, tuple] = {}
    nodes = 0

    def rec(k: int) -> bool:
        nonlocal nodes
        if k == len(order):
            return True
        r = order[k]
        for cand in domains[r]:
            nodes += 1
            if nodes > _BUDGET:
                raise _OutOfBudget
            assign[r] = cand
            if all(_holds(c, assign, vals, complete=True) for c in by_row.get(r, ())) and rec(k + 1):
                return True
            del assign[r]
        return False

    return dict(assign) if rec(0) else None


def _feasible(order: list[int], domains: dict[int, list[tuple]], constraints: list[_Constraint], vals
              ) -> dict[int, list[tuple]]:
    """Per row, the readings that occur in some assignment satisfying every constraint.

    A reading whose check runs out of budget counts as possible: it can only keep a row unpublished.
    """
    feasible: dict[int, set[tuple]] = {r: set() for r in order}
    for r in order:
        for cand in domains[r]:
            if cand in feasible[r]:
                continue
            try:
                sol = _solve(order, {**domains, r: [cand]}, constraints, vals)
            except _OutOfBudget:
                feasible[r].add(cand)
                continue
            if sol is not None:
                for row, c in sol.items():
                    feasible[row].add(c)
    return {r: [c for c in domains[r] if c in feasible[r]] for r in order}


def _link(rows: list[_Row], live: set[int]) -> list[_Constraint]:
    """Part-of links (to the nearest earlier row that is the catalogue parent) and usable sums.

    Only rows whose readings are known (`live`) are constrained; a sum is used only when its parts
    are printed at one level and every row with figures between the total and its last part belongs
    to the total's block (else a part may be missing, and the sum would force a wrong split).
    """
    constraints = []
    children: dict[int, list[_Row]] = {}
    for row in rows:
        ind = BY_CODE.get(row.code or "")
        if not ind or not ind.parent or row.index not in live:
            continue
        for prev in reversed(rows[:row.index]):
            if prev.code == ind.parent:
                if prev.index in live:
                    children.setdefault(prev.index, []).append(row)
                    constraints.append(_Constraint("le", (prev.index, row.index)))
                break
    for p, kids in children.items():
        parts = [k for k in kids if BY_CODE[k.code].relation == SUM]
        if len(parts) < 2 or len({k.enum for k in parts}) != 1:
            continue  # parts printed at different levels are not one breakdown (定西: 否决公开's reasons)
        last = parts[-1].index
        code = rows[p].code
        between = [r for r in rows[p + 1:last] if any(s.kind in (RUN, BLANK) for s in r.slots)]
        if all(r.code in BY_CODE and code in ancestors(r.code) for r in between):
            constraints.append(_Constraint("sum", (p, *(k.index for k in parts))))
    return constraints


def _components(rows: list[_Row], constraints: list[_Constraint]) -> list[list[int]]:
    parent = {r.index: r.index for r in rows}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for con in constraints:
        for r in con.rows[1:]:
            parent[find(r)] = find(con.rows[0])
    groups: dict[int, list[int]] = {}
    for r in rows:
        groups.setdefault(find(r.index), []).append(r.index)
    return list(groups.values())


# ---------------------------------------------------------------------------------------------
# One table


@dataclass
class _Table:
    """A table as read: left unchanged by what is worked out from it (it is cached, see _tables)."""
    start: int
    end: int
    columns: list[str | None]
    rows: list[_Row]


def _read_table(text: str, header: _Header, stop: int) -> _Table:
    end_m = _TABLE_END.search(text, header.end, min(stop, header.end + _MAX_TABLE_CHARS))
    end = end_m.start() if end_m else min(stop, header.end + _MAX_TABLE_CHARS)
    raw = _raw_rows(text[header.end:end])
    rows: list[_Row] = []
    for r in raw:
        label = "".join(r.labels)
        unit = r.unit
        if unit is None and header.has_unit:
            label, unit = _split_unit(label)
        code, printed, enum = _match(label, rows)
        rows.append(_Row(len(rows), printed, code, unit, enum, r.slots))
    glued = sum(any(s.glued for s in r.slots) for r in rows)
    table_glued = glued * 2 >= max(1, sum(r.slots != [] for r in rows))
    for row in rows:
        _readings(row, header.columns, header.has_unit, table_glued)
    return _Table(header.start, end, header.columns, rows)


def _resolve(table: _Table, text_figures: dict[tuple[str, str], tuple[float, str, str | None]]
             ) -> tuple[dict[int, list[tuple]], list[dict]]:
    """Each row's readings (by row index), narrowed where the structure (or, as a tie-break, the
    report's prose) allows; and the issues found."""
    rows, columns = table.rows, table.columns
    readings = {r.index: r.cands for r in rows}
    issues: list[dict] = []
    live = [r for r in rows if r.cands and r.problem is None]
    constraints = _link(rows, {r.index for r in live})

    at = {p: columns.index(p) for p in PERIODS if p in columns}  # each period's column, found once

    def vals(i: int, cand: tuple) -> dict[str, float | None]:
        return {p: cand[k] for p, k in at.items()}

    by_index = {r.index: r for r in live}
    for comp in _components(live, constraints):
        cons = [c for c in constraints if c.rows[0] in comp]
        domains = {i: by_index[i].cands for i in comp}
        if all(len(d) == 1 for d in domains.values()) and not cons:
            continue
        chosen = None
        for level, kept in enumerate((cons, [c for c in cons if c.kind == "le"], [])):
            try:
                ok = _solve(comp, domains, kept, vals) is not None
            except _OutOfBudget:
                ok = True
            if ok:
                chosen = kept
                if level:
                    dropped = [c for c in cons if c not in kept]
                    names = sorted({rows[c.rows[0]].label for c in dropped})
                    issues.append(_issue("legacy_identity_broken", "统计表: the printed figures break "
                                         + ("the sum of the parts of " if level == 1 else "the parts of ")
                                         + "、".join(names) + "; that identity was not used"))
                break
        feasible = _feasible(comp, domains, chosen or [], vals)
        # Tie-break by the report's own prose: a row still read two ways keeps the readings whose
        # figure the narrative states, when any does.
        changed = True
        while changed:
            changed = False
            for i in comp:
                row = by_index[i]
                if len(feasible[i]) < 2 or not row.code:
                    continue
                for period in PERIODS:
                    said = text_figures.get((row.code, period))
                    if period not in columns or said is None:
                        continue
                    keep = [c for c in feasible[i] if vals(i, c)[period] == said[0]]
                    if keep and len(keep) < len(feasible[i]):
                        domains[i] = keep
                        feasible = _feasible(comp, domains, chosen or [], vals)
                        issues.append(_issue("legacy_split_by_text", f"统计表 {row.label}: run-together figures "
                                             f"{_digits(row)} read as the prose states ({said[1]})"))
                        changed = True
                        break
                if changed:
                    break
        for i in comp:
            readings[i] = feasible[i]
    return readings, issues


def _digits(row: _Row) -> str:
    return " ".join(s.text for s in row.slots if s.kind == RUN)


def _publish(table: _Table, readings: dict[int, list[tuple]], issues: list[dict]
             ) -> tuple[dict[tuple[str, str], tuple[float, _Row]], dict[tuple[str, str], list[float]]]:
    """The table's figures (each period of each row whose reading is unique) and the values still
    possible where a row has several readings; what is not published is added to `issues`."""
    figures: dict[tuple[str, str], tuple[float, _Row]] = {}
    unresolved: dict[tuple[str, str], list[float]] = {}
    unlisted = []
    for row in table.rows:
        cands = readings[row.index]
        if row.problem:
            if row.code or row.unit:
                issues.append(_issue("legacy_row_unalignable", f"统计表 {row.label}: {row.problem} "
                                     f"({_digits(row)}); not published"))
            continue
        if not cands:
            continue
        code = row.code
        if code is None:
            if row.unit is None or all(v is None for c in cands for v in c):
                continue  # a heading, or a line of the page that is not a row
            code = _unlisted_code(_core(row.label))
            unlisted.append(row.label)
        for col, period in enumerate(table.columns):
            if period not in PERIODS:
                continue
            values = sorted({c[col] for c in cands}, key=lambda v: (v is None, v))
            if len(values) > 1:
                unresolved.setdefault((code, period), [v for v in values if v is not None])
                if period == PERIODS[0] or YEAR not in table.columns:
                    read_as = " or ".join("|".join("-" if v is None else f"{v:g}" for v in c) for c in cands)
                    issues.append(_issue("legacy_split_ambiguous", f"统计表 {row.label}: run-together figures "
                                         f"{_digits(row)} read as {read_as}; not published"))
                continue
            value = values[0]
            if value is None:
                continue
            if (code, period) in figures:
                first = figures[(code, period)]
                if first[0] != value:
                    issues.append(_issue("legacy_row_repeated", f"统计表 {row.label}: a second row for {code} "
                                         f"({value:g}, first {first[0]:g}); the first kept"))
                continue
            figures[(code, period)] = (value, row)
    if unlisted:
        issues.append(_issue("legacy_unlisted_rows", "统计表 rows not in the indicator catalogue, kept as "
                             "unlisted_* codes: " + "、".join(unlisted)))
    return figures, unresolved


def _amount(value: float, printed_unit: str | None, ind: Indicator | None, where: str, issues: list[dict]
            ) -> tuple[float | None, str | None]:
    """(value, unit) as published: amounts in 万元; an amount whose unit is unknown only when 0."""
    if ind is None or not ind.amount:
        return value, printed_unit
    if printed_unit == "元":
        issues.append(_issue("amount_converted", f"{where}: printed in 元, converted to 万元"))
        return value / 10000, "万元"
    if printed_unit == "万元" or value == 0:
        return value, "万元"
    issues.append(_issue("legacy_unit_unknown", f"{where}: an amount with no unit; not published"))
    return None, None


# ---------------------------------------------------------------------------------------------
# Prose

_SENTENCE = re.compile(r"[^。；;!?！？\n]+")
_CLAUSE_BREAK = re.compile(r"[,，:：]")
_PART_BEFORE = re.compile(r"分别|各(?:乡镇|街道|部门|单位|县|区|市|镇|乡)|[区市县]直|(?<![本我全该])(?:局|委|办|镇|乡|街道|"
                          r"部门|单位|中心)$")
_TOTAL_BEFORE = re.compile(r"全年|全区|全市|全县|全省|全旗|全州|共|总计|合计|累计|总数")
_CUMULATIVE = re.compile(r"(?<!全年)(?<!本年)(?<!年度)(?<!今年)(?<!当年)累计|历年|(?:条例|规定|办法).{0,8}(?:实施|施行)以来")
_AS_OF = re.compile(r"截至|截止")
_YEAR_WORD = re.compile(r"全年|本年|年度|今年|当年")
_NEGATION = re.compile(r"(?<![尚经])(?:未|没有)(?:发生|收到|接到|出现|产生|受理|被|有)|无(?=因|政府|行政|相关|有关|涉及)")
_ONLY_DATES = re.compile(r"(?:19|20)\d{2}\s*年(?:度)?|\d{1,2}\s*月|\d{1,2}\s*日")


@dataclass
class _Said:
    code: str
    period: str
    value: float
    unit: str | None
    label: str
    part: bool  # a share of the whole (其中…, 各乡镇…, …占23.1%)
    total: bool  # the whole (全年, 全区, 共…)
    end: int = 0  # where the phrase ends in the text


def _clause_before(sentence: str, pos: int) -> str:
    head = sentence[:pos]
    cuts = [m.end() for m in _CLAUSE_BREAK.finditer(head)]
    return head[cuts[-1]:] if cuts else head


# Each rule with its `needs` compiled once (re.search on the string looked it up in re's cache per sentence).
_TEXT_RULES_NEEDS = tuple((rule, re.compile(rule.needs).search if rule.needs else None) for rule in TEXT_RULES)
_ZERO_RULES_NEEDS = tuple((rule, needs) for rule, needs in _TEXT_RULES_NEEDS if rule.zero)


def _sentences_said(text: str) -> list[_Said]:
    out: list[_Said] = []
    previous: set[str] = set()  # codes stated in the sentence before
    for sm in _SENTENCE.finditer(text):
        sentence = sm.group()
        start = len(out)
        # Most sentences state no figure with a unit: only the zero rules can match them.
        for rule, needs in _TEXT_RULES_NEEDS if FIGURE.search(sentence) else _ZERO_RULES_NEEDS:
            if needs is not None and not needs(sentence):
                continue
            for m in rule.regex.finditer(sentence):
                before = _clause_before(sentence, m.start())
                scope = before + m.group()
                upto = sentence[:m.end()]
                if _AS_OF.search(upto) and not _CUMULATIVE.search(upto) and not _YEAR_WORD.search(upto):
                    continue  # "截至目前，共…": whether the year's or all years' figure is unknown
                period = CUMULATIVE if _CUMULATIVE.search(scope) else YEAR
                if rule.zero:
                    value, unit = 0.0, None
                else:
                    value = float(m.group("n").replace(",", ""))
                    unit = m.group("u")
                    if unit == "元":
                        value, unit = value / 10000, "万元"
                if BY_CODE[rule.code].amount:
                    unit = "万元"
                after = sentence[m.end():m.end() + 3]
                # "其中" opens a breakdown of the figure just stated: a part only when that figure is the
                # same indicator ("受理申请12件，其中同意公开10件" gives both).
                stated = previous | {s.code for s in out[start:] if s.end <= sm.start() + m.start()}
                part = bool(_PART_BEFORE.search(sentence[:m.start()][-30:]) and not _TOTAL_BEFORE.search(before)
                            or re.match(r"[,，]?占", after)
                            or "其中" in sentence[:m.start()] and rule.code in stated)
                out.append(_Said(rule.code, period, value, unit, m.group(), part, bool(_TOTAL_BEFORE.search(before)),
                                 sm.start() + m.end()))
        out.extend(_zero_proceedings(sentence, sm.start()))
        previous = {s.code for s in out[start:]}
    return out


def _zero_proceedings(sentence: str, offset: int) -> list[_Said]:
    """"未收到有关政府信息公开行政复议、提起行政诉讼的申请": each proceeding named after the negation is 0."""
    if "信息公开" not in sentence or not _NEGATION.search(sentence):  # a clause's negation is the sentence's
        return []
    out = []
    for clause in _CLAUSE_BREAK.split(sentence):
        if re.search(r"\d", _ONLY_DATES.sub("", clause)) or "未经" in clause:
            continue
        neg = _NEGATION.search(clause)
        if not neg:
            continue
        rest = clause[neg.start():]
        for code, word in ZERO_PROCEEDINGS:
            w = re.search(word, rest)
            if w and not any(s.code == code for s in out):
                out.append(_Said(code, YEAR, 0.0, None, rest[:w.end()] if len(rest) > 60 else rest, False, False,
                                 offset + len(sentence)))
    return out


def _text_figures(text: str, issues: list[dict]
                  ) -> dict[tuple[str, str], tuple[float, str, str | None]]:
    """(code, period) → (value, phrase, unit): the prose's figures, one per key, only where unambiguous."""
    said = [s for s in _sentences_said(text) if not s.part]
    out: dict[tuple[str, str], tuple[float, str, str | None]] = {}
    keys = dict.fromkeys((s.code, s.period) for s in said)
    for key in keys:
        found = [s for s in said if (s.code, s.period) == key]
        values = {s.value for s in found}
        if len(values) > 1:
            totals = [s for s in found if s.total]
            if len({s.value for s in totals}) == 1:
                found = totals
            else:
                issues.append(_issue("legacy_text_ambiguous", f"prose gives {key[0]} ({key[1]}) as "
                                     + " / ".join(f"{s.label}" for s in found[:4]) + "; not published"))
                continue
        out[key] = (found[0].value, found[0].label, found[0].unit)
    return out


# ---------------------------------------------------------------------------------------------
# The report


@lru_cache(maxsize=1)  # document.py asks has_statistics_table, then legacy_figures: the tables are read once
def _tables(text: str, year: int | None) -> tuple[_Table, ...]:
    headers = _headers(text, year)
    out = []
    for n, h in enumerate(headers):
        if out and h.start < out[-1].end:
            continue
        stop = headers[n + 1].start if n + 1 < len(headers) else len(text)
        t = _read_table(text, h, stop)
        if sum(1 for r in t.rows if r.code) >= 2:
            out.append(t)
    return tuple(out)


def has_statistics_table(text: str, year: int | None = None) -> bool:
    """The report prints an old-style 统计表 (指标 | 单位 | 本年度 | 历年累计) with recognisable rows."""
    return bool(_tables(text, year))


def legacy_figures(text: str, year: int | None) -> LegacyFigures:
    """Every figure a pre-2019 report gives: its statistics tables first, then its prose."""
    issues: list[dict] = []
    tables = _tables(text, year)
    prose = text
    for t in reversed(tables):
        prose = prose[:t.start] + "。" + prose[t.end:]
    said = _text_figures(prose, issues)
    out = LegacyFigures(table_found=bool(tables))
    published: dict[tuple[str, str], float] = {}
    unresolved: dict[tuple[str, str], list[float]] = {}
    for t in tables:
        readings, table_issues = _resolve(t, said)
        figures, table_unresolved = _publish(t, readings, table_issues)
        issues.extend(table_issues)
        for (code, period), (value, row) in figures.items():
            if (code, period) in published:
                if published[(code, period)] != value:
                    issues.append(_issue("legacy_row_repeated", f"a later 统计表 gives {code} ({period}) as {value:g}, "
                                         f"the first {published[(code, period)]:g}; the first kept"))
                continue
            v, unit = _amount(value, row.unit, BY_CODE.get(code), f"统计表 {row.label}", issues)
            if v is None:
                continue
            published[(code, period)] = value
            out.rows.append({"indicator": code, "period": period, "value": v, "unit": unit, "label": row.label,
                             "source": "table"})
        for key, vs in table_unresolved.items():
            unresolved.setdefault(key, vs)
    for (code, period), (value, phrase, unit) in said.items():
        key = (code, period)
        if key in published:
            table_value = next(r["value"] for r in out.rows if (r["indicator"], r["period"]) == key)
            if abs(table_value - value) > 1e-9:
                issues.append(_issue("legacy_text_disagrees", f"{code} ({period}): the table gives {table_value:g}, "
                                     f"the prose “{phrase}”; the table's kept"))
            continue
        if key in unresolved:
            issues.append(_issue("legacy_text_disagrees", f"{code} ({period}): the prose “{phrase}” matches no reading "
                                 "of the table's run-together figures; not published"))
            continue
        out.rows.append({"indicator": code, "period": period, "value": value, "unit": unit, "label": phrase,
                         "source": "text"})
    out.issues = issues
    return out


def legacy_rows(text: str, keys: dict) -> tuple[list[dict], list[dict]]:
    """legacy_indicators rows (with the report's keys) and the issues found reading them."""
    figures = legacy_figures(text, keys.get("year"))
    return [{**keys, **r} for r in figures.rows], figures.issues
