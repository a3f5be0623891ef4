"""Tables 二/三/四 from cells, mapped to the contract's rows. Pure functions.

The reader works on a flat token stream (cells in reading order), which is
what every flattened layout really is: one cell per line, pipes, spaces,
HTML rows, PDF lines. Row labels are matched by keywords (report-format.md
§5.1); the figures that follow a label, up to the next label, are its row.
Where labels were lost, figures are placed by position in the edition's row
order, and only where that placement is unambiguous; a row whose figures
cannot be aligned is published null with an issue. Numbers are never moved
into a neighbouring column to make a row fit.

Figures printed with no separator ("21710000218", crawler dumps of HTML
tables) are split only where the table's own identities admit exactly one
split: a 表三 row's 总计 is the sum of its six applicant columns, each 表四
group's 总计 the sum of its four results, and a count never has a leading
zero (except a lone 0). Spaces that survive in such dumps are hard cell
boundaries. 表二 has no identity, so its run-together figures are not
published.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, pairwise, product
from operator import attrgetter
from typing import NamedTuple

from schemas.layouts import (
    ACTIVE_DISCLOSURE_ROWS,
    APPLICATION_ROWS_2019,
    APPLICATION_ROWS_2021,
    EDITION_2019_MARKERS_T2,
    EDITION_2021_MARKERS_T2,
    REVIEW_COLUMNS,
    T2_NOTE_COLUMNS,
    RowSpec,
)
from schemas.rules import application_column_identities
from tasks.parsing.text import LABEL_JUNK, compact

# ---------------------------------------------------------------------------------------------
# Tokens

NUM, BLANK, EMPTY, LABEL = "num", "blank", "empty", "label"

_NUMBER = re.compile(
    r"^(?P<sign>[+\-])?(?P<num>\d{1,3}(?:[,，]\d{3})+|\d+)(?P<frac>\.\d+)?\s*"
    r"(?P<unit>万元|元|件|条|项|个|次|人次)?\s*(?P<note>[(（](?:其中|含|包括|包含|注|另)[^()（）]*[)）])?\s*$"
)
_BLANK_MARKS = {"-", "—", "——", "–", "/", "\\", "无", "空", "0/", "--", "—/—", "/ ", "－", "／", "―"}
# A figure's note wrapped onto its own line: "22" / "（其中修订 16 件）".
_NOTE_LINE = re.compile(r"^[(（](?:其中|含|包括|包含|注)[^()（）]*[)）]$")


class Token(NamedTuple):
    """One cell in reading order. Immutable and without its row (tokenize gives the rows in a list
    beside the tokens), so the tokens of a row read before are reused as they are, in any document."""

    kind: str
    text: str
    value: float | None = None
    unit: str | None = None
    glued: bool = False  # digits of a cell dump with no separators: may hold several cells
    note: str | None = None


# Token(...) goes through the NamedTuple's Python-level __new__ (defaults, keywords): the reader's own
# tokens are made with every field given, by tuple.__new__ (half the cost; a cell's token is made once).
_new_token = tuple.__new__


def classify(cell: str) -> Token:
    return _token(cell.strip())


def _token(text: str) -> Token:
    """The token of a stripped cell text. Not memoised: it is asked only for a cell _separated_cell has
    not seen (0.2% hits over 30k documents, for a cache of 65k entries the collector walked)."""
    if not text:
        return _new_token(Token, (EMPTY, text, None, None, False, None))
    if text in _BLANK_MARKS:
        return _new_token(Token, (BLANK, text, None, None, False, None))
    if text.isdecimal():  # a plain count ("0", "12"): what _NUMBER gives it, without the match
        return _new_token(Token, (NUM, text, float(text), None, False, None))
    m = _NUMBER.match(text) if text[0].isdecimal() or text[0] in "+-" else None  # (a figure starts so)
    if m:
        digits = m.group("num").replace(",", "").replace("，", "")
        value = float(digits + (m.group("frac") or ""))
        if m.group("sign") == "-":
            value = -value
        return _new_token(Token, (NUM, text, value, m.group("unit"), False, m.group("note")))
    return _new_token(Token, (LABEL, text, None, None, False, None))


_RUN = re.compile(r"\d\d*(?:\.\d+)?")  # "\d+(?:\.\d+)?" written so: see text._LABEL_JUNK
_ENUM_AFTER = ".．、"


@lru_cache(maxsize=1 << 10)  # a glued document's cells are cut twice: for is_glued's evidence, then read
def glued_pieces(cell: str) -> tuple[tuple[str, str], ...]:
    """A cell cut into ("label", text) and ("run", digits) pieces.

    A row's digits that run into the next label's enumerator ("3200000326.属于…") give their last
    digit to the label: enumerators of table rows are single digits.
    """
    pieces: list[tuple[str, str]] = []
    label_start = 0
    pos = 0
    for m in _RUN.finditer(cell):
        if m.start() < pos:
            continue
        run, s, e = m.group(), m.start(), m.end()
        enum_follows = e < len(cell) and cell[e] in _ENUM_AFTER and (e + 1 == len(cell) or not cell[e + 1].isdigit())
        if enum_follows and "." not in run:
            if len(run) == 1:
                continue  # "1.属于国家秘密": the enumerator belongs to the label
            run, e = run[:-1], e - 1
        if cell[label_start:s].strip():
            pieces.append(("label", cell[label_start:s].strip()))
        pieces.append(("run", run))
        label_start = pos = e
    if cell[label_start:].strip():
        pieces.append(("label", cell[label_start:].strip()))
    return tuple(pieces)


def _all_t3_specs() -> list[RowSpec]:
    return APPLICATION_ROWS_2021 + APPLICATION_ROWS_2019


# A digit right after a character that is no digit, space or separator. Written digit first, the look
# at the character before it behind: the regex engine then skips to each digit instead of trying
# the negated class at every character (3x faster on prose cells).
_GLUE_HINT = re.compile(r"\d(?<=[^\d\s.,，]\d)")


def is_glued(rows: Sequence[Sequence[str]]) -> bool:
    """Cells dumped with no separators: 表三 row labels directly followed by their digits.

    One label followed by 7+ digits (a whole row in one run), or three labels followed by digits
    (rows whose runs are cut by stray spaces), within a 表三 label piece with no sentence stop.
    """
    evidence = 0
    for cells in rows:
        for cell in cells:
            evidence += _glue_evidence(cell)
            if evidence >= _GLUED_AT:
                return True
    return False


_GLUED_AT = 3  # is_glued: 3 labels followed by digits, or one followed by a whole row (scored 3 at once)


def _glue_evidence(cell: str) -> int:
    """A cell's share of is_glued's evidence: 表三 labels followed by digits, or _GLUED_AT for a label
    followed by 7+ digits (is_glued's answer is "that anywhere, or 3+ labels over the document")."""
    if not _GLUE_HINT.search(cell) or not _GLUE_END.search(cell):  # the cheaper scan first
        return 0
    if not _T3_WORD.search(cell):  # no 表三 label anywhere in it (prose paragraphs)
        return 0
    pieces = glued_pieces(cell)
    labels = 0
    for n, ((k1, t1), (k2, t2)) in enumerate(pairwise(pieces)):
        if k1 != "label" or k2 != "run" or "." in t2 or "。" in t1[-40:]:
            continue
        after = pieces[n + 2][1] if n + 2 < len(pieces) else ""
        # Prose ("予以公开10件，部分公开2件") puts a unit or a stop after the figure; a dump puts
        # the next row label.
        if after and after[0] in _UNIT_OR_STOP:
            continue
        if not _is_t3_label(compact(t1[-40:])):
            continue
        if len(t2) >= 7:
            return _GLUED_AT
        labels += 1
    return labels


_UNIT_OR_STOP = set("件条个项次人户万元年月日号份余多，,。；;、：:）)%")
# A run of digits that a label could follow as _glue_evidence counts it: its next non-space
# character (the next piece's first) is not a unit or a stop, or there is none; or it ends in an
# enumerator ("3200000326、…" gives its last digit to the label). Prose ("10件，") has none: a cell
# without one scores 0, so it is not cut into pieces (a necessary condition, not a new rule).
_GLUE_END = re.compile(r"\d(?:(?!\d)\s*(?:\Z|[^\s件条个项次人户万元年月日号份余多，,。；;、：:）)%])|、(?!\d))")


_LABEL_THEN_FIGURE = re.compile(r"^(.*[^\d\s.．、,，])(\d+(?:\.\d+)?)$")


def _row_label_then_figure(cell: str) -> tuple[str, str] | None:
    """ "行政许可550": a row label with its first figure glued on (PDF text lines); row labels never end
    in a digit."""
    m = _LABEL_THEN_FIGURE.match(cell.strip())
    if not m or len(m.group(1)) > 80:
        return None
    label = compact(m.group(1))
    if _is_t3_label(label) or _is_t2_label(label):
        return m.group(1), m.group(2)
    return None


def _any_spec_matches(specs: list[RowSpec]):
    """A test equal to `any(s.matches(label) for s in specs)`: one alternation of every keyword (a
    search) and the few patterns (fullmatch), instead of a Python step per spec and keyword; most
    labels tested (prose, headings) match none. Built once per spec list (module constants below):
    looked up by the specs, it hashed every RowSpec field on each call."""
    patterns = tuple(s._regex for s in specs if s._regex is not None)
    keywords = [k for s in specs for k in s.keywords]
    search = re.compile("|".join(map(re.escape, keywords))).search if keywords else lambda _: None

    def test(compact_label: str) -> bool:
        for p in patterns:
            if p.fullmatch(compact_label):
                return True
        return search(compact_label) is not None

    return test


_matches_any_t3_spec = _any_spec_matches(_all_t3_specs())


def _t3_words() -> re.Pattern:
    """Words one of which every 表三 label holds: the keywords, and the word each full-label pattern
    ends with ("总计", "其他": a fullmatch needs it).

    A label that is part of a cell is, compacted, part of the compacted cell: a cell without any of
    these (compact()'s junk allowed between their characters) holds no 表三 label.
    """
    words = [k for s in _all_t3_specs() for k in s.keywords]
    for s in _all_t3_specs():
        if s.pattern is not None:
            ending = re.search(r"[\u3400-\u9fff]+$", s.pattern)
            if ending is None or "|" in s.pattern:
                raise ValueError(f"a 表三 pattern must end in a plain word: {s.pattern}")
            words.append(ending.group())
    # Searched in the cell as it is: compact()'s junk may come between a word's characters.
    return re.compile("|".join((LABEL_JUNK + "*").join(map(re.escape, w)) for w in dict.fromkeys(words)))


_T3_WORD = _t3_words()


@lru_cache(maxsize=1 << 16)
def _is_t3_label(compact_label: str) -> bool:
    return _matches_any_t3_spec(compact_label)


@lru_cache(maxsize=1 << 16)
def _is_t2_label(compact_label: str) -> bool:
    return any(s._regex is not None and s._regex.fullmatch(compact_label)
               for specs in ACTIVE_DISCLOSURE_ROWS.values() for s in specs)


@lru_cache(maxsize=1 << 16)  # cells repeat across documents ("0", row labels)
def _separated_cell(cell: str) -> tuple[tuple[Token, ...], int]:
    """The tokens of one cell of a separated layout and the cell's glue evidence (both read once per
    distinct cell)."""
    token = classify(cell)
    if cell.isdecimal():  # one run of digits and no label: no glue evidence, no label to split off
        return (token,), 0
    evidence = _glue_evidence(cell)
    if token.kind == LABEL and cell[-1:].isdigit():
        split = _row_label_then_figure(cell)
        if split:
            return (classify(split[0]), classify(split[1])), evidence
    return (token,), evidence


@lru_cache(maxsize=1 << 16)  # rows repeat too ("0" alone, headings, label rows)
def _separated_row(cells: tuple[str, ...]) -> tuple[tuple[Token, ...], int, str | None]:
    """(tokens, glue evidence, the row joined if it is a note line) of one row."""
    if len(cells) == 1:  # a line of prose, a heading, one cell per line
        tokens, evidence = _separated_cell(cells[0])
        joined = cells[0]
    else:
        cell_tokens: list[Token] = []
        evidence = 0
        for cell in cells:
            toks, glue = _separated_cell(cell)
            cell_tokens.extend(toks)
            evidence += glue
        tokens = tuple(cell_tokens)
        joined = "".join(cells)
    if "(" not in joined and "（" not in joined:  # what _NOTE_LINE needs
        return tokens, evidence, None
    joined = joined.replace(" ", "")
    return tokens, evidence, joined if _NOTE_LINE.match(joined) else None


def tokenize(rows: Sequence[Sequence[str]]) -> tuple[list[Token], list[int]]:
    """Cells in reading order, and the row of each. Read as separated cells, adding up is_glued's
    evidence on the way; a glued document (rare) is read again with its cells cut into label and
    digit pieces.

    A row's tokens come whole from the row's cache entry (one list extend per row, no object per
    cell); the rows go in a parallel list, since the same tokens serve every row with those cells.
    """
    out: list[Token] = []
    lines: list[int] = []
    evidence = 0
    for i, cells in enumerate(rows):
        tokens, glue, note_line = _separated_row(tuple(cells))
        evidence += glue
        if note_line is not None and out and out[-1].kind == NUM and out[-1].note is None:
            out[-1] = out[-1]._replace(note=note_line)
            continue
        out += tokens
        lines += [i] * len(tokens)
    return _tokenize_glued(rows) if evidence >= _GLUED_AT else (out, lines)


def _tokenize_glued(rows: Sequence[Sequence[str]]) -> tuple[list[Token], list[int]]:
    """Tokens (and their rows) of a document whose cells run together (is_glued): digit runs and
    labels."""
    out: list[Token] = []
    lines: list[int] = []
    for i, cells in enumerate(rows):
        joined = "".join(cells).replace(" ", "")
        if _NOTE_LINE.match(joined) and out and out[-1].kind == NUM and out[-1].note is None:
            out[-1] = out[-1]._replace(note=joined)
            continue
        for cell in cells:
            for kind, text in glued_pieces(cell) if cell.strip() else (("label", ""),):
                if kind == "run" and "." not in text:
                    out.append(_new_token(Token, (NUM, text, float(text), None, True, None)))
                else:
                    out.append(classify(text))
                lines.append(i)
    return out, lines


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
    unread: bool = False  # found, but its figures could not be read (not the same as printed blank)

    @property
    def blank(self) -> bool:
        return self.found and not self.unread and all(v is None for vals in self.rows.values() for v in vals)


@dataclass
class _Group:
    label_key: str | None
    label_text: str | None
    tokens: list[Token]
    lines: list[int]  # the row of each token
    inline: bool = False  # the label is on the same line as the first figure
    stray: bool = False  # figures on a line of their own that cannot be a row
    subtotal: bool = False  # figures of a group heading ("（三）不予公开"), a row the format does not have


# A 表三 group heading printed with figures of its own: a subtotal some bodies add. Not a contract
# row; placed by position it would take the figures of the group's first row.
_SUBTOTAL = re.compile(r"^(?:三、本年度办理结果)?[(（]?[三四五六][)）、.．]?(?:不予公开|无法提供|不予处理|其他处理)(?:小计|合计)?$")


_FIG = (NUM, BLANK)
_GLUED = attrgetter("glued")


def _is_fig(t: Token) -> bool:
    return t.kind in _FIG


def _has_fig(tokens: list[Token]) -> bool:
    for t in tokens:
        if t.kind in _FIG:
            return True
    return False


def _groups(tokens: list[Token], lines: list[int], labels: list[int], match) -> list[_Group]:
    """Split tokens into runs of cells, each with the row label that precedes it (if any).

    `labels` are the positions of the label tokens: the runs are the gaps between them, each taken
    as one slice of the tokens and of their rows, so only the labels are visited one by one.
    """
    groups: list[_Group] = []
    pending_key = pending_text = None
    pending_line = -1
    pending_subtotal = False
    start = 0  # the first token after the last label
    end = len(tokens)
    for pos in (*labels, end):
        if pos > start:  # a run of cells
            groups.append(_Group(pending_key, pending_text, tokens[start:pos], lines[start:pos],
                                 pending_key is not None and pending_line == lines[start], subtotal=pending_subtotal))
            pending_key = pending_text = None
            pending_subtotal = False
        if pos == end:
            break
        text = tokens[pos].text
        found = match(text)
        if found is not None:
            pending_key, pending_text, pending_line = found, text, lines[pos]
        pending_subtotal = found is None and pending_key is None and bool(_SUBTOTAL.match(compact(text)))
        start = pos + 1
    if pending_key is not None:  # a label with nothing after it: a row printed without cells
        groups.append(_Group(pending_key, pending_text, [], []))
    return groups


# ---------------------------------------------------------------------------------------------
# Aligning a row's cells

# Identities that let run-together digits be split: {cell index: indices of the cells it sums}.
T3_IDENTITY = {6: tuple(range(6))}
T4_GROUP_IDENTITY = {4: (0, 1, 2, 3)}
T4_IDENTITY = {4: (0, 1, 2, 3), 9: (5, 6, 7, 8), 14: (10, 11, 12, 13)}
_MAX_DIGITS = 9  # counts stay below 10^9 (report-format.md G-4)


def identity_splits(runs: list[str], width: int, forced: dict[int, tuple[int, ...]], limit: int = 2
                    ) -> list[list[int]]:
    """Ways to cut digit runs into `width` counts that satisfy the identities (at most `limit`).

    Each run holds one or more whole cells (a run boundary is a cell boundary); a count has no
    leading zero unless it is 0.
    """
    if not runs or any(not r.isdigit() for r in runs) or len(runs) > width:
        return []
    suffix = [0] * (len(runs) + 1)
    for i in range(len(runs) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + len(runs[i])
    if suffix[0] < width:
        return []
    if suffix[0] == width and limit:
        one = _one_digit_cells(runs, forced)
        if one is not None:
            return one
    groups = _total_last_groups(forced, width)
    if groups is not None:
        return _grouped_splits(runs, groups, limit)
    sols: list[list[int]] = []
    cells: list[int] = []

    def rec(ri: int, off: int) -> None:
        if len(sols) >= limit:
            return
        if ri < len(runs) and off == len(runs[ri]):
            rec(ri + 1, 0)
            return
        k = len(cells)
        if ri == len(runs):
            if k == width:
                sols.append(list(cells))
            return
        left = width - k
        if left <= 0 or len(runs) - ri > left or suffix[ri] - off < left:
            return
        run = runs[ri]
        if k in forced:
            s = str(sum(cells[j] for j in forced[k]))
            if run.startswith(s, off):
                cells.append(int(s))
                rec(ri, off + len(s))
                cells.pop()
            return
        if run[off] == "0":
            lengths: range | list[int] = [1]
        else:
            lengths = range(1, min(len(run) - off, _MAX_DIGITS) + 1)
        for n in lengths:
            # Leave at least one digit for each cell still to come.
            if suffix[ri] - off - n < left - 1:
                break
            cells.append(int(run[off:off + n]))
            rec(ri, off + n)
            cells.pop()

    rec(0, 0)
    return sols


def _one_digit_cells(runs: list[str], forced: dict[int, tuple[int, ...]]) -> list[list[int]] | None:
    """identity_splits when there are as many digits as cells: the one cut is a digit per cell, a
    split when each identity's sum is its cell (rows of zeros, "7000007"). None (search as usual)
    for digits other than ASCII ones, whose values the search compares in two ways."""
    digits = "".join(runs)
    if not digits.isascii():
        return None
    cells = [int(d) for d in digits]
    return [cells] if all(sum(cells[j] for j in parts) == cells[k] for k, parts in forced.items()) else []


def _total_last_groups(forced: dict[int, tuple[int, ...]], width: int) -> list[int] | None:
    """Group sizes when the cells form consecutive groups, each ending in the sum of the rest."""
    sizes, start = [], 0
    for end in sorted(forced):
        if forced[end] != tuple(range(start, end)):
            return None
        sizes.append(end - start + 1)
        start = end + 1
    return sizes if start == width else None


def _grouped_splits(runs: list[str], sizes: list[int], limit: int) -> list[list[int]]:
    """Splits of consecutive groups: each group's region of digits ends where its total ends."""
    sols: list[list[int]] = []

    def rec(ri: int, off: int, g: int, acc: list[int]) -> None:
        if len(sols) >= limit:
            return
        if ri < len(runs) and off == len(runs[ri]):
            ri, off = ri + 1, 0
        if g == len(sizes):
            if ri == len(runs):
                sols.append(acc)
            return
        if ri == len(runs):
            return
        # The group ends inside run rj after `end` digits (or at its end); the last group ends at the
        # end, and each group needs a digit per cell.
        if g == len(sizes) - 1:
            ends = [(len(runs) - 1, len(runs[-1]))]
        else:
            ends = [(rj, end) for rj in range(ri, len(runs))
                    for end in range(off + 1 if rj == ri else 1, len(runs[rj]) + 1)]
        later = sum(sizes[g + 1:])
        for rj, end in ends:
            used = (end - off) if rj == ri else (len(runs[ri]) - off + sum(len(r) for r in runs[ri + 1:rj]) + end)
            left = len(runs[rj]) - end + sum(len(r) for r in runs[rj + 1:])
            if used < sizes[g] or left < later:
                continue
            region = ([runs[ri][off:]] + runs[ri + 1:rj] + [runs[rj][:end]]) if rj > ri else [runs[ri][off:end]]
            for sol in _splits_total_last(region, sizes[g], limit):
                rec(rj, end, g + 1, acc + sol)
                if len(sols) >= limit:
                    return

    rec(0, 0, 0, [])
    return sols


def _splits_total_last(runs: list[str], width: int, limit: int) -> list[list[int]]:
    """identity_splits when the last cell is the sum of all the others (a 表三 row, a 表四 group).

    The total is a suffix of the last run; each part is at most the total, so the search over the
    parts is pruned by the running sum (large region-wide counts stay fast).
    """
    last = runs[-1]
    sols: list[list[int]] = []
    for n in range(1, min(len(last), _MAX_DIGITS) + 1):
        tail = last[-n:]
        if tail[0] == "0" and n > 1:
            continue
        head = runs[:-1] + ([last[:-n]] if len(last) > n else [])
        if head:
            _parts_summing_to(head, int(tail), n, width - 1, [], 0, 0, 0, sols, limit)
    return sols


def _parts_summing_to(head: list[str], total: int, digits: int, count: int, parts: list[int], ri: int, off: int,
                      acc: int, sols: list[list[int]], limit: int) -> None:
    """Cut `head` into `count` counts of at most `digits` digits that sum to `total` (into sols)."""
    if len(sols) >= limit:
        return
    if ri == len(head):
        if len(parts) == count and acc == total:
            sols.append([*parts, total])
        return
    run = head[ri]
    if off == len(run):
        _parts_summing_to(head, total, digits, count, parts, ri + 1, 0, acc, sols, limit)
        return
    left = count - len(parts)
    if left <= 0 or len(head) - ri > left:
        return
    remaining = len(run) - off + sum(len(r) for r in head[ri + 1:])
    if remaining < left or remaining > left * digits:
        return
    lengths = [1] if run[off] == "0" else range(1, min(len(run) - off, digits) + 1)
    for k in lengths:
        v = int(run[off:off + k])
        if acc + v > total:
            break
        parts.append(v)
        _parts_summing_to(head, total, digits, count, parts, ri, off + k, acc + v, sols, limit)
        parts.pop()


def _num(value: int) -> Token:
    return _new_token(Token, (NUM, str(value), float(value), None, False, None))


def _align(tokens: list[Token], width: int, identity: dict | None = None
           ) -> tuple[list[Token | None], str | None, str | None]:
    """(cells, problem, note): the row's cells, or why they cannot be aligned to `width` columns.

    `note` reports a split made by the identities (an issue worth recording, not a problem).
    """
    values = [t for t in tokens if t.kind in _FIG]
    if any(map(_GLUED, values)):
        return _align_glued(values, width, identity)
    if len(values) == width:
        return [None if t.kind == BLANK else t for t in values], None, None
    if not any(t.kind == NUM for t in values):
        return [None] * width, None, None  # printed blank
    cells = tokens
    # Trailing empties after the figures are layout filler; an exact-width run with empties is positional.
    while cells and cells[-1].kind == EMPTY and len(cells) > width:
        cells = cells[:-1]
    while cells and cells[0].kind == EMPTY and len(cells) > width:
        cells = cells[1:]
    if len(cells) == width:
        return [t if t.kind == NUM else None for t in cells], None, None
    # No identity split here: in a separated layout a short row has usually lost a blank cell, and
    # "1 0 0 0 0 12" (total blank) would split as 1|0|0|0|0|1|2 with a valid total.
    return [None] * width, f"{len(values)} figures where {width} columns are expected", None


AMBIGUOUS_SPLIT = "run-together figures: more than one split satisfies the row identities"


def _align_glued(values: list[Token], width: int, identity: dict | None):
    runs = [t.text if t.kind == NUM else "" for t in values]
    if any(not r.isdigit() for r in runs):
        return [None] * width, "run-together figures mixed with blank marks", None
    if len(runs) == width and all(r == "0" or r[0] != "0" for r in runs):
        return [_num(int(r)) for r in runs], None, None  # every cell kept its boundary
    if identity is None:
        return [None] * width, "figures run together with no cell boundaries and no identity to check a split", \
            None
    sols = identity_splits(runs, width, identity)
    if len(sols) == 1:
        return [_num(v) for v in sols[0]], None, "figures run together, split by the row identities"
    if not sols:
        return [None] * width, "run-together figures: no split satisfies the row identities", None
    return [None] * width, AMBIGUOUS_SPLIT, None


def _aligns(tokens: list[Token], width: int) -> bool:
    values = [t for t in tokens if _is_fig(t)]
    if not any(t.kind == NUM for t in values) and not any(t.kind == BLANK for t in values):
        return False
    _, problem, _ = _align(tokens, width)
    return problem is None and len(values) <= width


def _split_stacked(group: _Group, width: int) -> list[_Group]:
    """Rows stacked with no label between them (lost labels) split into rows of `width` figures.

    A group whose lines each hold a whole row is cut at the line breaks; a line whose few figures
    cannot be a row is kept apart as stray. In a one-cell-per-line layout the figures are cut into
    rows of `width` only when they are an exact multiple of it. The parts after the first are
    unlabelled and get placed by position.
    """
    if len(group.tokens) <= width:  # no more figures than tokens: the common case, decided unread
        return [group]
    figures = [i for i, t in enumerate(group.tokens) if t.kind in _FIG]
    if len(figures) <= width or any(group.tokens[i].glued for i in figures):
        return [group]
    lines: dict[int, list[Token]] = {}
    for t, line in zip(group.tokens, group.lines):
        lines.setdefault(line, []).append(t)
    if len(lines) > 1 and any(len(v) > 1 for v in lines.values()):
        parts: list[_Group] = []
        for line, toks in lines.items():
            if not _has_fig(toks):
                continue
            first = not parts
            g = _Group(group.label_key if first else None, group.label_text if first else None, toks,
                       [line] * len(toks), inline=group.inline and first)
            if not _aligns(toks, width):
                g.stray = True
                g.label_key = g.label_text = None
            parts.append(g)
        if any(not p.stray for p in parts):
            if parts[0].stray and group.label_key is not None:
                # The label belongs to the first real row, not to a stray figure before it.
                real = next(p for p in parts if not p.stray)
                real.label_key, real.label_text = group.label_key, group.label_text
            return parts
        return [group]
    if len(figures) % width:
        return [group]
    cuts = []
    for k in range(width, len(figures), width):
        if group.lines[figures[k - 1]] == group.lines[figures[k]]:
            return [group]
        cuts.append(figures[k])
    out, start = [], 0
    for n, cut in enumerate([*cuts, len(group.tokens)]):
        out.append(_Group(group.label_key if n == 0 else None, group.label_text if n == 0 else None,
                          group.tokens[start:cut], group.lines[start:cut], inline=group.inline and n == 0))
        start = cut
    return out


# ---------------------------------------------------------------------------------------------
# Placing rows


def _place_by_label(groups: list[_Group], specs: list[RowSpec], table_name: str, identity: dict | None,
                    ambiguous: dict[int, tuple[list[Token], Issue]]
                    ) -> tuple[dict[int, list[Token | None]], list[Issue]]:
    """Assign groups to rows: by label, else by position after the last placed row.

    Rows whose run-together figures split more than one way go into `ambiguous` with their issue.
    """
    index = {s.key: i for i, s in enumerate(specs)}
    issues: list[Issue] = []
    placed: dict[int, tuple[list[Token | None], bool]] = {}
    next_row = 0
    for g in groups:
        has_figures = _has_fig(g.tokens)
        if g.stray:
            issues.append(Issue("stray_figures", f"{table_name}: figures "
                                + " ".join(t.text for t in g.tokens if _is_fig(t)) + " outside any row; ignored"))
            continue
        if g.subtotal and has_figures:
            issues.append(Issue("subtotal_row", f"{table_name}: a group subtotal printed as a row ("
                                + " ".join(t.text for t in g.tokens if _is_fig(t)) + "); not a row of the format, "
                                "not published"))
            continue
        if g.label_key is None and not has_figures:
            continue  # layout filler between header cells
        if g.label_key is not None and g.label_key in index:
            i = index[g.label_key]
            if i in placed and placed[i][1]:
                # A labelled row claims a row filled by position: the positional guess was wrong.
                issues.append(Issue("row_unplaced", f"{table_name}: unlabelled figures before "
                                                    f"{specs[i].label} could not be placed"))
            elif i in placed:
                issues.append(Issue("row_repeated", f"{table_name}: {specs[i].label} printed twice; first kept"))
                continue
        else:
            if not has_figures:
                continue
            if next_row >= len(specs):
                issues.append(Issue("row_unplaced", f"{table_name}: figures after the last row ignored"))
                continue
            i = next_row
            issues.append(Issue("row_by_position", f"{table_name}: unlabelled figures placed as "
                                                   f"{specs[i].label} by position"))
        cells, problem, note = _align(g.tokens, specs[i].width, identity)
        _note_alignment(issues, ambiguous, i, g.tokens, table_name, specs[i].label, problem, note)
        placed[i] = (cells, g.label_key is None)
        next_row = max(next_row, i + 1)
    return {i: cells for i, (cells, _) in placed.items()}, issues


def _place_by_position(groups: list[_Group], specs: list[RowSpec], table_name: str, identity: dict | None,
                       ambiguous: dict[int, tuple[list[Token], Issue]]) -> tuple[dict[int, list[Token | None]], list[Issue]] | None:
    """Every row by its position, when the rows of figures are exactly the edition's rows.

    For tables whose labels came apart from their figures (PDF→markdown conversions): usable only
    when there are exactly as many rows of figures as the edition has rows, every label printed on
    the same line as its figures agrees with the position, and most rows carry such a label. Labels
    on lines of their own are ignored here: they are the detached ones.
    """
    rows = [g for g in groups if not g.stray and not g.subtotal and _has_fig(g.tokens)]
    if len(rows) != len(specs):
        return None
    inline = 0
    for spec, g in zip(specs, rows):
        if g.inline and g.label_key is not None:
            if g.label_key != spec.key:
                return None
            inline += 1
    if inline * 2 < len(rows):
        return None
    issues: list[Issue] = []
    placed: dict[int, list[Token | None]] = {}
    for i, (spec, g) in enumerate(zip(specs, rows)):
        cells, problem, note = _align(g.tokens, spec.width, identity)
        _note_alignment(issues, ambiguous, i, g.tokens, table_name, spec.label, problem, note)
        if not (g.inline and g.label_key == spec.key):
            issues.append(Issue("row_by_position", f"{table_name}: figures placed as {spec.label} by position "
                                                   "(the table has exactly its rows of figures)"))
        placed[i] = cells
    for g in groups:
        if g.stray:
            issues.append(Issue("stray_figures", f"{table_name}: figures "
                                + " ".join(t.text for t in g.tokens if _is_fig(t)) + " outside any row; ignored"))
    return placed, issues


def _note_alignment(issues: list[Issue], ambiguous: dict[int, tuple[list[Token], Issue]], i: int,
                    tokens: list[Token], table_name: str, label: str, problem: str | None, note: str | None) -> None:
    if problem:
        issue = Issue("row_unalignable", f"{table_name} {label}: {problem}; published null")
        issues.append(issue)
        if problem == AMBIGUOUS_SPLIT:
            ambiguous[i] = (tokens, issue)
    if note:
        issues.append(Issue("split_by_identity", f"{table_name} {label}: {note}"))


_MAX_ROW_SPLITS = 64  # a row with more splits than this is not enumerated, so never claimed unique
_MAX_COMBINATIONS = 20_000


def _splits_by_columns(placed: dict[int, list[Token | None]], ambiguous: dict[int, tuple[list[Token], Issue]],
                       specs: list[RowSpec], identity: dict, column_identities) -> dict[int, list[int]]:
    """The splits of rows that their own row identity leaves ambiguous, fixed by the table's column
    identities ((七) = Σ results, 一 + 二 = (七) + 四): only when exactly one combination of the
    rows' possible splits satisfies every column identity that can be checked; else nothing."""
    options: dict[int, list[list[int]]] = {}
    combinations = 1
    for i, (tokens, _) in ambiguous.items():
        runs = [t.text for t in tokens if _is_fig(t)]
        sols = identity_splits(runs, specs[i].width, identity, limit=_MAX_ROW_SPLITS)
        if len(sols) >= _MAX_ROW_SPLITS:
            return {}
        options[i] = sols
        combinations *= len(sols)
    if combinations > _MAX_COMBINATIONS:
        return {}
    index = {s.key: i for i, s in enumerate(specs)}
    checks = [([index[k] for k in left], [index[k] for k in right]) for left, right in column_identities
              if all(k in index for k in left + right)]
    values = {i: [None if t is None else t.value for t in cells] for i, cells in placed.items() if i not in options}
    rows = list(options)
    found: tuple[list[int], ...] | None = None
    for combo in product(*(options[i] for i in rows)):
        values.update(zip(rows, combo))
        if all(_column_sums_agree(values, left, right, specs[left[0]].width) for left, right in checks):
            if found is not None:
                return {}
            found = combo
    return {} if found is None else dict(zip(rows, found))


def _column_sums_agree(values: dict[int, list], left: list[int], right: list[int], width: int) -> bool:
    """Σ left = Σ right in every column where all their cells are known (a blank cell checks nothing)."""
    for c in range(width):
        cells = [values[i][c] if i in values else None for i in left + right]
        if None in cells:
            continue
        if sum(cells[:len(left)]) != sum(cells[len(left):]):
            return False
    return True


_PLACEMENT_PROBLEMS = {"row_unplaced", "row_repeated", "row_unalignable"}


def _place_rows(groups: list[_Group], specs: list[RowSpec], table: ParsedTable, table_name: str,
                identity: dict | None = None, column_identities=()) -> None:
    index = {s.key: i for i, s in enumerate(specs)}
    groups = [part for g in groups for part in _split_stacked(g, specs[index[g.label_key]].width
                                                              if g.label_key in index else specs[0].width)]
    ambiguous: dict[int, tuple[list[Token], Issue]] = {}
    placed, issues = _place_by_label(groups, specs, table_name, identity, ambiguous)
    troubled = any(i.code in _PLACEMENT_PROBLEMS for i in issues) or len(placed) < len(specs)
    if troubled:
        ambiguous_by_position: dict[int, tuple[list[Token], Issue]] = {}
        by_position = _place_by_position(groups, specs, table_name, identity, ambiguous_by_position)
        if by_position is not None:
            placed, issues = by_position
            ambiguous = ambiguous_by_position
    if ambiguous and column_identities:
        for i, split in _splits_by_columns(placed, ambiguous, specs, identity, column_identities).items():
            placed[i] = [_num(v) for v in split]
            issues = [x for x in issues if x is not ambiguous[i][1]]
            issues.append(Issue("split_by_identity", f"{table_name} {specs[i].label}: figures run together, "
                                                     "split the one way the row and column identities allow"))
    splits = [i for i in issues if i.code == "split_by_identity"]
    if len(splits) > 1:
        issues = [i for i in issues if i.code != "split_by_identity"]
        issues.append(Issue("split_by_identity", f"{table_name}: {len(splits)} rows printed with run-together "
                                                 "figures, each split the one way the identities allow"))
    table.issues.extend(issues)
    for i, spec in enumerate(specs):
        cells = placed.get(i)
        if cells is None:
            table.issues.append(Issue("row_missing", f"{table_name}: row {spec.label} not found"))
            cells = [None] * spec.width
        table.rows[spec.key] = [None if t is None else t.value for t in cells]
        table.units[spec.key] = [None if t is None else t.unit for t in cells]


def _row_matcher(specs: list[RowSpec]):
    """The first row whose keywords match a label; memoised, since labels repeat across documents."""

    matches_any = _any_spec_matches(specs)

    @lru_cache(maxsize=1 << 15)
    def match(text: str) -> str | None:
        label = compact(text)
        if not matches_any(label):
            return None
        for spec in specs:
            if spec.matches(label):
                return spec.key
        return None

    return match


# One matcher per table and edition, built at import: the spec lists are constants.
_APPLICATION_MATCHERS = {"2021": _row_matcher(APPLICATION_ROWS_2021), "2019": _row_matcher(APPLICATION_ROWS_2019)}
_ACTIVE_DISCLOSURE_MATCHERS = {edition: _row_matcher(specs) for edition, specs in ACTIVE_DISCLOSURE_ROWS.items()}


class _Labels:
    """Positions and compact texts of a token list's labels, made once for the scans that look for a
    label (a third of the tokens are labels; the others need not be visited)."""

    __slots__ = ("pos", "text", "joined", "offsets")

    def __init__(self, tokens: list[Token]) -> None:
        self.pos = [i for i, t in enumerate(tokens) if t.kind == LABEL]
        self.text = [compact(tokens[i].text) for i in self.pos]
        # The texts one per line (a compact label has no line break): a word is looked for in all of
        # them by one str.find, and the label it is in found by bisection on where each starts.
        self.joined = "\n".join(self.text)
        self.offsets = list(accumulate(map((1).__add__, map(len, self.text)), initial=0))

    def first_with(self, words: tuple[str, ...], start: int, stop: int) -> int | None:
        """Position of the first label at start <= i < stop that holds one of `words`."""
        k = bisect_left(self.pos, start)
        if k == len(self.pos):
            return None
        at = self.offsets[k]
        hits = [p for w in words if (p := self.joined.find(w, at)) >= 0]
        if not hits:
            return None
        i = self.pos[bisect_right(self.offsets, min(hits)) - 1]
        return i if i < stop else None

    def last_with(self, word: str, stop: int) -> int | None:
        """Position of the last label at i < stop that holds `word`."""
        p = self.joined.rfind(word, 0, self.offsets[bisect_left(self.pos, stop)])
        return None if p < 0 else self.pos[bisect_right(self.offsets, p) - 1]

    def between(self, start: int, stop: int) -> list[str]:
        """Compact texts of the labels at positions start <= i < stop."""
        return self.text[bisect_left(self.pos, start):bisect_left(self.pos, stop)]

    def within(self, start: int, stop: int) -> list[int]:
        """Positions of the labels at start <= i < stop, counted from start (in tokens[start:stop])."""
        return [i - start for i in self.pos[bisect_left(self.pos, start):bisect_left(self.pos, stop)]]


def _find(tokens: list[Token], pred, start: int = 0, stop: int | None = None, labels: _Labels | None = None
          ) -> int | None:
    """The first label at start <= i < stop for which pred(compact text) holds; `pred` may be a tuple
    of words instead (a label holding one of them)."""
    end = len(tokens) if stop is None else stop
    if labels is None:
        labels = _Labels(tokens)
    if isinstance(pred, tuple):
        return labels.first_with(pred, start, end)
    pos, text = labels.pos, labels.text
    for k in range(bisect_left(pos, start), len(pos)):
        i = pos[k]
        if i >= end:
            break
        if pred(text[k]):
            return i
    return None


def _followed_by_cells(tokens: list[Token], i: int, width: int = 7) -> bool:
    """The label at i is a row label: figures, or a printed-blank row of empty cells, follow it."""
    empties = 0
    for tok in tokens[i + 1:]:
        if tok.kind == LABEL:
            break
        if _is_fig(tok):
            return True
        empties += 1
    return empties >= width


# ---------------------------------------------------------------------------------------------
# 表三


_T3_START = "本年新收"
_T3_END = ("结转下年度", "结转下一年", "下年度继续办理")  # a label holding one of these ends 表三
_T4_HEADER = ("行政复议", "结果维持")  # a label holding one of these is 表四's header


_T4_HEADER_WORDS = ("行政复议", "行政诉讼", "结果", "维持", "纠正", "尚未审结", "总计", "直接起诉", "复议后起诉",
                    "其他结果")


def read_applications(tokens: list[Token], lines: list[int], labels: _Labels | None = None
                      ) -> tuple[ParsedTable, int | None, int | None]:
    """表三 and the token span it took (start, end); `lines` is the row of each token."""
    labels = labels or _Labels(tokens)
    # The table starts at the 本年新收 label nearest before the first 上年结转 label (prose before the
    # table may also mention 本年新收).
    second = _find(tokens, ("上年结转",), labels=labels)
    start = labels.last_with(_T3_START, second if second is not None else len(tokens))
    if start is None:
        start = _find(tokens, (_T3_START,), labels=labels)
    if start is None:
        return ParsedTable(None), None, None
    # The table ends after the figures of the 结转下年度 row, i.e. the first 结转下年度 label followed by
    # cells (a column header "结转下年度" printed under a wrong header row is not the row), or at 表四.
    t4 = _find(tokens, _T4_HEADER, start + 1, labels=labels)
    end_label = None
    i = start
    while True:
        i = _find(tokens, _T3_END, i + 1, t4, labels=labels)
        if i is None or _followed_by_cells(tokens, i):
            end_label = i
            break
    if end_label is None:
        end_label = _find(tokens, _T3_END, start + 1, t4, labels=labels)
    if end_label is not None:
        stop = _find(tokens, lambda s: True, end_label + 1, labels=labels)
        stop = len(tokens) if stop is None else stop
    else:
        stop = len(tokens) if t4 is None else t4
    span = tokens[start:stop]
    compact_span = "".join(labels.between(start, stop))
    edition = "2021" if ("逾期不补正" in compact_span or "缴纳费用" in compact_span or "收费通知" in compact_span) \
        else "2019"
    specs = APPLICATION_ROWS_2021 if edition == "2021" else APPLICATION_ROWS_2019
    table = ParsedTable(edition, found=True)
    _place_rows(_groups(span, lines[start:stop], labels.within(start, stop), _APPLICATION_MATCHERS[edition]), specs, table, "表三", T3_IDENTITY,
                application_column_identities(spec.key for spec in specs))
    return table, start, stop


# ---------------------------------------------------------------------------------------------
# 表四

_PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")


def _proceeding_of(text: str) -> str | None:
    """The one proceeding a label names (a header of a 表四 split into three small tables)."""
    label = compact(text)
    hits = []
    if "复议后起诉" in label:
        hits.append("litigation_after_review")
    if "直接起诉" in label:
        hits.append("litigation_direct")
    if "行政复议" in label and "起诉" not in label and "行政诉讼" not in label:
        hits.append("administrative_review")
    return hits[0] if len(hits) == 1 else None


def read_reviews(tokens: list[Token], lines: list[int], start: int, labels: _Labels | None = None) -> ParsedTable:
    """表四: the 15 figures after its header (行政复议 … 总计), in one row or in three parts of five;
    `lines` is the row of each token."""
    labels = labels or _Labels(tokens)
    head = _find(tokens, _T4_HEADER, start, labels=labels)
    if head is None:
        return ParsedTable(None)
    table = ParsedTable("2021", found=True)
    # The table runs until the first label that is not a header word (a heading or prose).
    stop = _find(tokens, lambda label: len(label) > 8 and not any(w in label for w in _T4_HEADER_WORDS), head,
                 labels=labels)
    stop = len(tokens) if stop is None else stop
    width = len(REVIEW_COLUMNS)
    cells: list[Token | None] = [None] * width
    groups = [g for g in _groups(tokens[head:stop], lines[head:stop], labels.within(head, stop), _proceeding_of) if _has_fig(g.tokens)]
    if not groups and any(t.kind == LABEL and re.search(r"\d{5,}", t.text) for t in tokens[head:stop]):
        table.unread = True
        table.issues.append(Issue("row_unalignable", "表四: figures printed inside a label with no separator; "
                                                     "published null"))
    if groups:
        first = groups[0]
        figures = [len([t for t in g.tokens if _is_fig(t)]) for g in groups]
        if len(groups) >= 3 and figures[:3] == [5, 5, 5] and not any(t.glued for t in first.tokens):
            cells = _reviews_in_parts(groups[:3], table)
        else:
            row, problem, note = _align(first.tokens, width, T4_IDENTITY)
            cells = row
            if problem:
                table.issues.append(Issue("row_unalignable", f"表四: {problem}; published null"))
            if note:
                table.issues.append(Issue("split_by_identity", f"表四: {note}"))
    for p, proceeding in enumerate(_PROCEEDINGS):
        part = cells[p * 5:(p + 1) * 5]
        table.rows[proceeding] = [None if t is None else t.value for t in part]
        table.units[proceeding] = [None if t is None else t.unit for t in part]
    return table


def _reviews_in_parts(parts: list[_Group], table: ParsedTable) -> list[Token | None]:
    """表四 printed as three tables of five (复议 / 直接起诉 / 复议后起诉), each under its own heading."""
    width = len(REVIEW_COLUMNS)
    aligned = []
    for g in parts:
        row, problem, note = _align(g.tokens, 5, T4_GROUP_IDENTITY)
        if problem:
            table.issues.append(Issue("row_unalignable", f"表四: {problem}; published null"))
            return [None] * width
        if note:
            table.issues.append(Issue("split_by_identity", f"表四: {note}"))
        aligned.append((g.label_key, row))
    keys = [k for k, _ in aligned]
    if len(aligned) == 3 and sorted(k for k in keys if k) == sorted({k for k in keys if k}) and (
            all(keys) or not any(keys)):
        order = keys if all(keys) else list(_PROCEEDINGS)
        out: list[Token | None] = [None] * width
        for key, (_, row) in zip(order, aligned):
            p = _PROCEEDINGS.index(key)
            out[p * 5:(p + 1) * 5] = row
        if not all(keys):
            table.issues.append(Issue("row_by_position", "表四: three parts of five placed in the printed order"))
        return out
    table.issues.append(Issue("row_unalignable", f"表四: {len(aligned)} parts of figures where one row of 15 or "
                                                 "three labelled parts of 5 are expected; published null"))
    return [None] * width


# ---------------------------------------------------------------------------------------------
# 表二


def _note_column(note: str | None, metrics: tuple[str, ...]) -> int | None:
    """The column a figure's note names ("其中修订16件" → issued, "含自然失效29件" → repealed)."""
    if not note:
        return None
    hits = {i for i, m in enumerate(metrics) for word in T2_NOTE_COLUMNS.get(m, ()) if word in note}
    return hits.pop() if len(hits) == 1 else None


def read_active_disclosure(tokens: list[Token], lines: list[int], stop: int | None, labels: _Labels | None = None
                           ) -> ParsedTable:
    """表二, between its first 第二十条/信息内容 header and 表三 (or the end); `lines` is the row of
    each token."""
    labels = labels or _Labels(tokens)
    stop = len(tokens) if stop is None else stop
    start = _find(tokens, lambda s: "第二十条" in s or s == "信息内容", 0, stop, labels=labels)
    if start is None:
        return ParsedTable(None)
    span = tokens[start:stop]
    text = "".join(labels.between(start, stop))
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
    if any(map(_GLUED, span)):
        # Run-together cells and no identity to check where one ends: not published, even where
        # a row has one reading only, since a lost blank cell or a digit of the next label would go
        # unnoticed.
        table.unread = True
        table.issues.append(Issue("row_unalignable", "表二: figures run together with no separators and no "
                                                     "identity to check a split; published null"))
        for spec in specs:
            table.rows[spec.key] = [None] * spec.width
            table.units[spec.key] = [None] * spec.width
        return table
    all_groups = _groups(span, lines[start:stop], labels.within(start, stop), _ACTIVE_DISCLOSURE_MATCHERS[edition])
    # Only labelled rows: 表二 rows have no fixed count of blank filler, so position is not trusted here.
    groups = [g for g in all_groups if g.label_key is not None]
    # Annotated figures standing alone ("22（其中修订16件）" pushed out of its row by a conversion).
    orphans = [t for g in all_groups if g.label_key is None
               for t in g.tokens if t.kind == NUM and t.note and not t.glued]
    index = {s.key: s for s in specs}
    short_rows = []
    for g in groups:
        spec = index[g.label_key]
        if spec.key in table.rows:
            continue
        cells, problem, _ = _align(g.tokens, spec.width)
        values = [t for t in g.tokens if _is_fig(t)]
        if problem and len(values) == spec.width - 1 and spec.width > 1 and not any(t.glued for t in values):
            short_rows.append((spec, values))
        if problem:
            table.issues.append(Issue("row_unalignable", f"表二 {spec.label}: {problem}; published null"))
        table.rows[spec.key] = [None if t is None else t.value for t in cells]
        table.units[spec.key] = [None if t is None else t.unit for t in cells]
    if orphans and len(orphans) == len(short_rows):
        # Each short row takes the loose figure whose note names its missing column; the printed
        # figures keep their order in the other columns. Only when every pairing is unambiguous.
        plan = []
        for (spec, values), orphan in zip(short_rows, orphans):
            col = _note_column(orphan.note, spec.metrics)
            if col is None:
                plan = []
                break
            plan.append((spec, values[:col] + [orphan] + values[col:], orphan))
        for spec, row, orphan in plan:
            table.rows[spec.key] = [None if t.kind == BLANK else t.value for t in row]
            table.units[spec.key] = [None if t.kind == BLANK else t.unit for t in row]
            table.issues = [i for i in table.issues if not (i.code == "row_unalignable" and spec.label in i.detail)]
            table.issues.append(Issue("cell_from_note", f"表二 {spec.label}: the loose figure {orphan.text} "
                                                        f"{orphan.note} placed by its note"))
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


def read_tables(rows: Sequence[Sequence[str]]) -> Tables:
    tokens, lines = tokenize(rows)
    labels = _Labels(tokens)
    applications, t3_start, t3_stop = read_applications(tokens, lines, labels)
    active = read_active_disclosure(tokens, lines, t3_start, labels)
    reviews = read_reviews(tokens, lines, t3_stop if t3_stop is not None else 0, labels) if t3_stop is not None else \
        ParsedTable(None)
    return Tables(active, applications, reviews)
