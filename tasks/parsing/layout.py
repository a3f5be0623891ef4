"""Cells from documents: every layout becomes a sequence of lines of cells.

Pure functions. A text dump, a web page and a PDF text layer all reduce to
a list of cell sequences: one per printed line (or table row), each cell a
string ("" for an empty cell). The table reader (tables.py) works on that one
shape, so a new layout only needs a new `cells_from_*` here.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MD_RULE = re.compile(r"^:?-{3,}:?$")
# Page furniture left in text extracted from PDFs: "— 4 —", "- 4 -", "第 4 页", "第4页 共7页".
# As cells they would read as a figure between two blank marks, inside a table split by the page.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–~－]+\s*\d{1,3}\s*[-—–~－]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?)\s*$"
)
_WS = re.compile(r"[ \t\u3000\xa0][ \t\u3000\xa0]*")  # "[…]+" written so: see text._LABEL_JUNK


_PAGE_NUMBER_FIRST = frozenset("-—–~－第")  # the characters a stripped page-number line can start with


def cells_from_line(line: str) -> list[str]:
    """Cells of one text line: pipe-separated when it has pipes, tab-separated when it has tabs,
    else whitespace-separated."""
    raw, line = line, line.strip()
    if not line or line[0] in _PAGE_NUMBER_FIRST and _PAGE_NUMBER.match(line):
        return []
    if "|" not in line and "\t" not in raw and " " not in line and "\u3000" not in line and "\xa0" not in line:
        return [line]  # no separator of any layout (most prose): one cell, as each branch below gives it
    if "|" in line:
        parts = [p.strip() for p in line.split("|")]
        if parts and parts[-1] == "" and line.endswith("|"):
            parts.pop()
        if parts and parts[0] == "" and line.startswith("|"):
            parts.pop(0)
        # A markdown rule needs "-"; without one, only a row of empty parts is dropped (as before).
        if parts and (all(_MD_RULE.match(p) for p in parts if p) if "-" in line else not any(parts)):
            return []
        return parts
    unpadded = raw.strip(" \u3000\r\n")
    if "\t" in unpadded:
        # Tab-separated (a spreadsheet or Word table copied as text): the text between two tabs is a
        # cell, so an empty one is a blank figure that keeps its column, a trailing tab included.
        parts = [p.strip() for p in unpadded.split("\t")]
        while parts and not parts[0]:
            parts.pop(0)
        return parts
    return _WS.split(line)


@lru_cache(maxsize=1 << 16)  # lines repeat within and across documents ("0 |", headings, row labels)
def _line_cells(line: str) -> tuple[str, ...]:
    return tuple(cells_from_line(line))


def cells_from_text(text: str) -> list[tuple[str, ...]]:
    """The cells of every line that has some. Tuples: a repeated line's cells are one shared,
    immutable tuple, which tables.tokenize also uses as its cache key."""
    return [cells for cells in map(_line_cells, text.split("\n")) if cells]
