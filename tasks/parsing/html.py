"""Text of a web page, with tables as " | "-separated rows. Pure: bytes in, str out.

The page is parsed (selectolax/lexbor), never rendered: scripts, styles,
forms and hidden elements are dropped, nothing executes. Output, one item
per line:

1. the <title>, then any metadata lines of the page (索引号, 发布日期,
   发布机构, … ) that sit outside the article body;
2. the article body: paragraphs and headings as plain lines, each table row
   as one line of cells joined by " | ".

A merged cell (rowspan/colspan) appears once in the row where it starts:
repeating "11398889" across a colspan of 3 would invent two figures, and
repeating a rowspan label adds nothing the table reader needs. An empty
<td> stays an empty cell, so a blank figure keeps its column. A table that
holds other tables is page layout, not data: its cells are read as blocks.
"""

from __future__ import annotations

import re

from tasks.parsing.text import decode_bytes, strip_pinyin, to_simplified

_SKIP = {"script", "style", "noscript", "template", "iframe", "svg", "canvas", "object", "embed", "select",
         "option", "button", "input", "textarea", "head", "map", "audio", "video", "form"}
_BLOCK = {"p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2", "h3", "h4",
          "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "address", "figure",
          "figcaption", "center", "caption", "hr", "tbody", "thead", "tfoot", "tr", "td", "th", "table", "body",
          "html"}
_CONTAINERS = {"div", "section", "article", "main", "center", "font", "span", "form", "td", "tr", "tbody", "table"}
_LAYOUT_ONLY = {"table", "tbody", "tr", "td"}  # entered only when they hold tables (page layout)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WS = re.compile(r"[ \t\r\n\f\v\u3000\xa0]+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_META_LINE = re.compile(r"(索\s*引\s*号|发布日期|发文日期|成文日期|公开日期|发布时间|生成日期|发布机构|发文机关|"
                        r"信息来源|来源|文\s*号|主题分类|网站标识码|索引號|發布日期|發文日期|發布時間|發布機構)\s*[:：]?")


def _simple(line: str) -> str:
    return to_simplified(strip_pinyin(line)[0])


def _hidden(node) -> bool:
    attrs = node.attributes
    return "hidden" in attrs or bool(_HIDDEN.search(attrs.get("style") or ""))


def _children(node):
    child = node.child
    while child is not None:
        yield child
        child = child.next


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []

    def text(self, s: str) -> None:
        self.buf.append(s)

    def newline(self) -> None:
        if self.buf:
            line = _WS.sub(" ", "".join(self.buf)).strip()
            if line:
                self.lines.append(line)
            self.buf = []

    def line(self, s: str) -> None:
        self.newline()
        if s.strip():
            self.lines.append(s)


def _cell_text(cell) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        for ch in _children(node):
            tag = ch.tag
            if tag == "-text":
                parts.append(ch.text_content or "")
            elif tag in _SKIP or tag == "-comment" or (tag and not tag.startswith("-") and _hidden(ch)):
                continue
            elif tag == "br" or tag in ("p", "div"):
                # A wrapped label ("本年新<br>制作数量") is one label: no separator.
                walk(ch)
            else:
                walk(ch)

    walk(cell)
    return _WS.sub(" ", "".join(parts)).strip().replace("|", "｜")


def _span(cell) -> int:
    try:
        return max(1, min(int((cell.attributes.get("colspan") or "1").strip()), 20))
    except ValueError:
        return 1


def _tables_inside(node) -> bool:
    """A <table> strictly inside node (a selector on a node may also match the node itself)."""
    return any(t.mem_id != node.mem_id for t in node.css("table"))


def _has_nested_table(table) -> bool:
    return _tables_inside(table)


def _rows(table):
    """The <tr> of this table (not of nested tables), in order."""
    out = []

    def walk(node) -> None:
        for ch in _children(node):
            if ch.tag == "tr":
                out.append(ch)
            elif ch.tag in ("thead", "tbody", "tfoot"):
                walk(ch)

    walk(table)
    return out


def _emit(node, out: _Lines) -> None:
    for ch in _children(node):
        tag = ch.tag
        if tag == "-text":
            out.text(ch.text_content or "")
            continue
        if not tag or tag.startswith("-") or tag in _SKIP:
            continue
        if _hidden(ch):
            continue
        if tag == "br":
            out.newline()
        elif tag == "table" and not _has_nested_table(ch):
            out.newline()
            for tr in _rows(ch):
                cells = []
                for c in _children(tr):
                    if c.tag not in ("td", "th") or _hidden(c):
                        continue
                    text = _cell_text(c)
                    # An empty cell spanning n columns is n blank cells; a figure spanning columns is
                    # one figure (a width-1 row printed across the grid), so it is kept once.
                    cells.extend([text] * (_span(c) if not text else 1))
                if not any(cells) and len(cells) < 2:
                    continue
                # Border pipes, as in markdown, so that an empty first or last cell stays a cell.
                out.line("| " + " | ".join(cells) + " |" if len(cells) > 1 else cells[0])
            out.newline()
        elif tag in _BLOCK:
            out.newline()
            _emit(ch, out)
            out.newline()
        else:
            _emit(ch, out)


def _lines_of(node) -> list[str]:
    out = _Lines()
    _emit(node, out)
    out.newline()
    return out.lines


def _layout(node) -> bool:
    """A table (or one of its parts) used for page layout: it holds a table of its own."""
    if node.tag == "table":
        return _tables_inside(node)
    return any(True for _ in node.css("table"))


def _weight(node) -> int:
    """Characters of text that are not link text (menus and lists of links are page chrome)."""
    total = len(_WS.sub("", node.text(deep=True, separator="") or ""))
    links = sum(len(_WS.sub("", a.text(deep=True, separator="") or "")) for a in node.css("a"))
    return total - links


def _article(body):
    """The element holding the report: descend while one child holds most of the text."""
    node = body
    while True:
        total = _weight(node)
        if total <= 0:
            return node
        best, best_w = None, 0
        for ch in _children(node):
            # Only containers: a data table is read whole, never entered.
            if ch.tag in _CONTAINERS and (ch.tag not in _LAYOUT_ONLY or _layout(ch)):
                w = _weight(ch)
                if w > best_w:
                    best, best_w = ch, w
        if best is None or best_w < 0.85 * total:
            return node
        node = best


def _declared_charset(data: bytes) -> str | None:
    m = _CHARSET.search(data[:8192])
    return m.group(1).decode("ascii", "ignore") if m else None


def text_from_html(data: bytes) -> str:
    """The page's text: title, metadata lines, then the article with tables as " | " rows."""
    from selectolax.lexbor import LexborHTMLParser

    doc = LexborHTMLParser(decode_bytes(data, _declared_charset(data)))
    lines: list[str] = []
    title = doc.css_first("title")
    if title is not None:
        t = _WS.sub(" ", title.text() or "").strip()
        if t:
            lines.append(t)
    body = doc.body
    if body is None:
        return "\n".join(lines)
    for junk in body.css(",".join(sorted(_SKIP - {"head"}))):
        junk.decompose()
    for junk in body.css("[hidden], [style]"):
        if _hidden(junk):
            junk.decompose()
    article = _article(body)
    if article is not body:
        inside = _lines_of(article)
        whole = _lines_of(body)
        inside_set = set(inside)
        # Matched in Simplified form: Traditional pages write 發佈日期 / 公開 / 發(fā)文日期.
        meta = [ln for ln in whole if ln not in inside_set and len(ln) <= 200 and _META_LINE.search(_simple(ln))]
        # Headings just above the article (an <h1> title outside the article div).
        heads = [_WS.sub(" ", h.text() or "").strip() for h in body.css("h1, h2")]
        heads = [h for h in heads if h and h not in inside_set and "公开" in _simple(h)]
        lines += heads[:2] + meta[:15] + inside
    else:
        lines += _lines_of(body)
    return "\n".join(lines)
