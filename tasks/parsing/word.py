"""Text of a Word (.docx) report, with tables as " | "-separated rows. Pure: bytes in, str out.

Many county sites publish the report as a Word attachment. The output has the shape of
`html.text_from_html`'s: paragraphs as lines, each table row as one line of cells joined by " | ",
a merged cell once where it starts (a gridSpan is one cell; a vMerge continuation is dropped, as a
rowspan is in HTML), an empty cell kept empty so a blank figure keeps its column.
"""

from __future__ import annotations

import io
import zipfile


def is_docx(data: bytes) -> bool:
    """A zip holding word/document.xml (any other zip is an archive we do not open)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _cell_text(tc, qn) -> str:
    paragraphs = ("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
    return " ".join(p.strip() for p in paragraphs if p.strip())


def text_from_docx(data: bytes) -> str:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for tr in block._tbl.tr_lst:
                cells: list[str] = []
                for tc in tr.tc_lst:
                    if tc.vMerge == "continue":
                        continue
                    text = _cell_text(tc, qn)
                    # As in html.py: an empty cell spanning n columns is n blank cells, a figure once.
                    cells.extend([text] * (tc.grid_span if not text else 1))
                # Border pipes, as html.py and pdf.py write them, so an empty last cell stays a cell.
                lines.append("| " + " | ".join(cells) + " |" if len(cells) > 1 else cells[0] if cells else "")
        else:
            text = block.text.strip()
            if text:
                lines.append(text)
    return "\n".join(lines)
