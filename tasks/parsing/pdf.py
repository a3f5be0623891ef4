"""Text of a PDF's text layer, with ruled tables as " | "-separated rows. Pure: bytes in, str out.

Reports are mostly Word/WPS exports with ruled tables. pdfplumber finds the
tables from their rulings; each table row becomes one line of cells, and the
text outside tables becomes plain lines, merged in reading order (top to
bottom, page by page). So a table that continues on the next page simply
continues in the line stream, and a repeated header is just more header
labels for the table reader to skip.

Why per-row lines and not the page's running text: labels of tall rows are
vertically centred, so in running text a row's figures land on the line
*before* or *after* its label ("4 0 0 0 0 0 4" / "计其他情形）"). Within a
cell, wrapped lines are joined without a separator: a label broken as
"（三）不/予公开" or "结果/维持" is one cell.

A merged cell appears once (the positions it covers are dropped); an empty
cell stays an empty cell, so a blank figure keeps its column. Pages with no
rulings are read as text lines, whose words are separated by spaces.
Nothing in a PDF executes here: only the text layer and the drawing
rulings are read.

Where a page's characters and rulings come from: PDFium (pypdfium2) reads the
content streams in C, and `pdf_objects.PdfiumPage` hands them to pdfplumber
in pdfminer's geometry, so the table finder and the text lines run unchanged
(pdfminer's content-stream interpreter in Python was three quarters of a
PDF's parse time). pdfminer, inside pdfplumber, still reads the document's
structure: the page tree, each page's boxes and rotation, the font
dictionaries' descents. The only difference in the text: radicals that text
layers write for ideographs (⼈, ⺠, ⻚) come out as the ideographs (人, 民,
页), which is what the parser's normalisation makes of them anyway.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

# Page furniture: "- 3 -", "— 3 —", "第 3 页", "第3页 共5页", "3/5" alone on a line.
_FOOTER = re.compile(
    r"^\s*(?:[-—–~－]+\s*\d{1,3}\s*[-—–~－]+|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


class UnreadablePdf(ValueError):
    """The bytes are not a PDF we can open (damaged or encrypted)."""


def _cell_text(cell: str | None) -> str:
    if cell is None:
        return ""
    # Wrapped lines of one cell are one label or one figure: join without a separator.
    return "".join(part.strip() for part in cell.split("\n")).replace("|", "｜").strip()


def _is_grid(rows: list[list[str | None]]) -> bool:
    """A real table has a row with two or more cells; a page frame has one column."""
    return any(sum(c is not None for c in row) >= 2 for row in rows)


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


_RULE_MIN = 3.0  # points: a vertical rule shorter than this is the end of a thin horizontal rect


def _missing_borders(page) -> list[dict]:
    """Vertical borders a ruled table lacks: where three or more horizontal rules end (or start) at
    one x and no vertical rule runs there. Browser and WPS exports sometimes drop a table's outer
    right or left rule; without it the last column is not part of the table and its figures fall
    out of their rows."""
    verticals = [e for e in page.vertical_edges if e["bottom"] - e["top"] >= _RULE_MIN]
    horizontals = page.horizontal_edges
    borders = []
    for side, outward in (("x1", 1), ("x0", -1)):
        ends: dict[int, list[dict]] = {}
        for e in horizontals:
            ends.setdefault(round(e[side]), []).append(e)
        for x, rules in ends.items():
            if len(rules) < 3:
                continue
            top, bottom = min(e["top"] for e in rules), max(e["bottom"] for e in rules)
            if any(abs(v["x0"] - x) <= 2 and v["top"] < bottom and v["bottom"] > top for v in verticals):
                continue
            # Only an outer edge: no rule of those rows reaches past x (inner column boundaries, where
            # spanning cells break the horizontal rules into segments, are not borders to add).
            if any(top <= h["top"] <= bottom and (h[side] - x) * outward > 2 for h in horizontals):
                continue
            borders.append({"x0": float(x), "x1": float(x), "top": top, "bottom": bottom,
                            "height": bottom - top, "width": 0.0, "orientation": "v", "object_type": "line"})
    return borders


def _cut_rows(page, verticals: list[dict]) -> list[dict]:
    """Horizontal rules a table lacks where a page break cut a row: the page's rulings start (or
    end) with vertical rules, three or more columns of them, and no horizontal rule there. Word and
    WPS let a row break across pages; closed here, each part is a row of its own, and text_from_pdf
    joins the two parts again."""
    horizontals = [h for h in page.horizontal_edges if h["x1"] - h["x0"] >= _RULE_MIN]
    if not verticals or not horizontals:
        return []
    rules = []
    top = min(v["top"] for v in verticals)
    bottom = max(v["bottom"] for v in verticals)
    for y, ends, open_ in ((top, "top", min(h["top"] for h in horizontals) > top + 2),
                           (bottom, "bottom", max(h["top"] for h in horizontals) < bottom - 2)):
        if not open_:
            continue
        xs = sorted(v["x0"] for v in verticals if abs(v[ends] - y) <= 2)
        columns = [x for n, x in enumerate(xs) if n == 0 or x - xs[n - 1] > 2]
        if len(columns) < 3:
            continue
        rules.append({"x0": xs[0], "x1": xs[-1], "top": float(y), "bottom": float(y), "width": xs[-1] - xs[0],
                      "height": 0.0, "orientation": "h", "object_type": "line"})
    return rules


@dataclass
class _PageText:
    lines: list[str]
    head: int | None = None  # index of the first table row when a page break cut it (its lower part)
    tail: int | None = None  # index of the last table row when a page break cut it (its upper part)
    cells: dict[int, list[str]] = field(default_factory=dict)  # those rows' cells


def _row_line(cells: list[str]) -> str:
    # One cell across the grid is a heading or body text that the rulings enclose. Border pipes, as
    # in markdown, so that an empty first or last cell stays a cell.
    return "| " + " | ".join(cells) + " |" if len(cells) > 1 else cells[0]


def _page_lines(page) -> _PageText:
    items: list[tuple[float, int, str, list[str] | None, str | None]] = []  # (top, order, line, cells, cut)
    boxes: list[tuple[float, float, float, float]] = []
    if page.rects or page.lines or page.curves:
        verticals = [e for e in page.vertical_edges if e["bottom"] - e["top"] >= _RULE_MIN]
        borders = _missing_borders(page)
        cuts = _cut_rows(page, verticals)
        settings = {"explicit_vertical_lines": borders, "explicit_horizontal_lines": cuts}
        cut_ys = {round(c["top"]) for c in cuts}
        for table in page.find_tables(settings if borders or cuts else None):
            rows = table.extract()
            if not _is_grid(rows):
                continue
            boxes.append(table.bbox)
            for n, (row, cells) in enumerate(zip(table.rows, rows)):
                # A merged cell is None at the positions it covers: dropped. An empty cell is kept.
                present = [_cell_text(c) for c in cells if c is not None]
                if not any(present) or len(present) == 1 and _FOOTER.match(present[0]):
                    continue
                cut = ("head" if n == 0 and round(row.bbox[1]) in cut_ys else
                       "tail" if n == len(rows) - 1 and round(row.bbox[3]) in cut_ys else None)
                items.append((row.bbox[1], len(items), _row_line(present), present, cut))
    outside = page.filter(lambda o: not _inside(o, boxes)) if boxes else page
    for ln in outside.extract_text_lines(return_chars=False):
        text = ln["text"].strip()
        if text and not _FOOTER.match(text):
            items.append((ln["top"], len(items), text, None, None))
    items.sort(key=lambda item: item[:2])
    out = _PageText([line for _, _, line, _, _ in items])
    rows = [(i, cells, cut) for i, (_, _, _, cells, cut) in enumerate(items) if cells is not None]
    if rows and rows[0][2] == "head":
        out.head, out.cells[rows[0][0]] = rows[0][0], rows[0][1]
    if rows and rows[-1][2] == "tail":
        out.tail, out.cells[rows[-1][0]] = rows[-1][0], rows[-1][1]
    return out


def text_from_pdf(data: bytes) -> str:
    """The document's text: one line per text line or table row, cells joined by " | "."""
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except (PDFSyntaxError, ValueError, TypeError) as e:
        raise UnreadablePdf(f"cannot open the PDF: {e}") from e
    with pdf:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            raise UnreadablePdf(f"PDFium cannot open the PDF: {e}") from e
        try:
            if len(document) != len(pdf.pages):
                raise UnreadablePdf(f"PDFium reads {len(document)} pages, pdfminer {len(pdf.pages)}")
            return _document_text(pdf.pages, document)
        finally:
            document.close()


def _document_text(pages, document) -> str:
    """Pages read in order, each with its objects from PDFium (pdf_objects.PdfiumPage)."""
    from tasks.parsing.pdf_objects import PdfiumPage

    lines: list[str] = []
    tail: tuple[int, list[str]] | None = None  # the previous page's cut last row: (index in lines, cells)
    fonts: dict = {}  # the document's fonts, read once for all its pages
    for n, plumber_page in enumerate(pages):
        pdfium_page = document[n]
        try:
            page = PdfiumPage(plumber_page, pdfium_page, fonts)
            text = _page_lines(page)
            page_lines = text.lines
            if tail is not None and text.head is not None and len(text.cells[text.head]) == len(tail[1]):
                # The two parts of a row a page break cut: each cell's text continues on the next page.
                joined = [a + b for a, b in zip(tail[1], text.cells[text.head])]
                lines[tail[0]] = _row_line(joined)
                page_lines = page_lines[:text.head] + page_lines[text.head + 1:]
                offset = len(lines) - 1
                text.tail = None if text.tail == text.head else text.tail
            else:
                offset = len(lines)
            tail = None
            if text.tail is not None:
                # Indices after the dropped head row shift by one.
                index = offset + text.tail
                tail = (index, text.cells[text.tail])
            lines.extend(page_lines)
        finally:
            pdfium_page.close()
    return "\n".join(lines)
