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
# What text_from_html removes from the body. Elements that never have a child in the tree (void ones,
# and <template>, whose content lexbor keeps apart) hold no text, table or link, and _emit skips them
# anyway: left out of the query, which costs ~4 µs a page for each tag it names.
_CHILDLESS = {"input", "embed", "template"}
_SKIP_SELECTOR = ",".join(sorted(_SKIP - {"head"} - _CHILDLESS))
_LAYOUT_ONLY = {"table", "tbody", "tr", "td"}  # entered only when they hold tables (page layout)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Elements _hidden may accept, for one selector query instead of a check of every styled element: a
# style _HIDDEN matches holds "none" or "hidden" in any case, and an "i" there also matches ı and İ, so
# it holds "dden" in ASCII case (one substring test for the three spellings: each costs ~8 µs a page).
_MAYBE_HIDDEN = "[hidden], [style*=none i], [style*=dden i]"
_WS = re.compile(r"[ \t\r\n\f\v\u3000\xa0][ \t\r\n\f\v\u3000\xa0]*")  # "[…]+" written so: see text._LABEL_JUNK
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_META_LINE = re.compile(r"(索\s*引\s*号|发布日期|发文日期|成文日期|公开日期|发布时间|生成日期|发布机构|发文机关|"
                        r"信息来源|来源|文\s*号|主题分类|网站标识码|索引號|發布日期|發文日期|發布時間|發布機構)\s*[:：]?")


def _simple(lines: list[str]) -> list[str]:
    """Lines in Simplified form, without pinyin: one OpenCC call for all of them (neither the
    conversion nor the pinyin pattern reaches across a line break, so each line comes out as alone)."""
    if not lines:
        return []
    return to_simplified(strip_pinyin("\n".join(lines))[0]).split("\n")


def _hidden(node) -> bool:
    attrs = node.attributes
    return "hidden" in attrs or bool(_HIDDEN.search(attrs.get("style") or ""))


def _children(node):
    child = node.child
    while child is not None:
        yield child
        child = child.next


class _Lines:
    def __init__(self, page: _Page, mark: int | None = None) -> None:
        self.page = page
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.mark = mark  # mem_id of a block element whose lines are wanted too (the article)
        self.marked: tuple[int, int] | None = None  # its lines: self.lines[start:end]

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


def _cell_text(text: str) -> str:
    """A cell's text (its text nodes run together: a wrapped label "本年新<br>制作数量" is one label),
    on one line, with no pipe.

    The cell's `text()` walks it in C and reads text nodes only (no comments); skipped and hidden
    elements were removed from the page before (text_from_html), so nothing else needs skipping.
    """
    return _WS.sub(" ", text).strip().replace("|", "｜")


def _span(cell) -> int:
    try:
        return max(1, min(int((cell.attributes.get("colspan") or "1").strip()), 20))
    except ValueError:
        return 1


class _Page:
    """What the walks ask of every element, found once per page by one selector query each.

    A CSS query scans the whole subtree it is run on; asked per element it rescans the page.
    """

    def __init__(self, body) -> None:
        body_id = body.mem_id
        # mem_id of every element with a <table> strictly inside it.
        self.holds_table: set[int] = set()
        for t in body.css("table"):
            for node_id in _ancestors(t, body_id):
                self.holds_table.add(node_id)
        # Visible link text strictly inside each element (a container is never an <a> itself).
        self.link_weight: dict[int, int] = {}
        for a in body.css("a"):
            w = _visible_len(a.text(deep=True, separator="") or "")
            for node_id in _ancestors(a, body_id):
                self.link_weight[node_id] = self.link_weight.get(node_id, 0) + w


def _ancestors(node, stop_id: int):
    """mem_id of node's ancestors, up to and including the one whose mem_id is stop_id."""
    node = node.parent
    while node is not None:
        node_id = node.mem_id
        yield node_id
        if node_id == stop_id:
            return
        node = node.parent


def _tables_inside(node, page: _Page) -> bool:
    """A <table> strictly inside node."""
    return node.mem_id in page.holds_table


def _rows(table) -> list:
    """The <tr> of this table (not of nested tables), in order."""
    out: list = []
    _add_rows(table, out)
    return out


def _add_rows(node, out: list) -> None:
    """Appends node's <tr> to out, through thead/tbody/tfoot. Not a closure: a recursive inner function
    is a reference cycle, which kept the rows, and through them the whole lexbor document, alive until
    the next garbage collection."""
    for ch in _children(node):
        if ch.tag == "tr":
            out.append(ch)
        elif ch.tag in ("thead", "tbody", "tfoot"):
            _add_rows(ch, out)


def _emit(node, out: _Lines) -> None:
    """Lines of node's children. Hidden elements need no check: text_from_html removed them."""
    buf = out.buf
    for ch in node.iter(include_text=True):
        tag = ch.tag
        if tag == "-text":
            buf.append(ch.text_content or "")
            continue
        if not tag or tag[0] == "-" or tag in _SKIP:
            continue
        if tag == "br":
            out.newline()
            buf = out.buf
        elif tag == "table" and not _tables_inside(ch, out.page):
            out.newline()
            for tr in _rows(ch):
                cells = []
                for c in tr.iter():
                    if c.tag not in ("td", "th"):
                        continue
                    text = c.text()
                    if not text.isalnum():  # letters and digits only: nothing for _cell_text to change
                        text = _cell_text(text)
                    # An empty cell spanning n columns is n blank cells; a figure spanning columns is
                    # one figure (a width-1 row printed across the grid), so it is kept once.
                    if text:
                        cells.append(text)
                    else:
                        cells.extend([text] * _span(c))
                if not any(cells) and len(cells) < 2:
                    continue
                # Border pipes, as in markdown, so that an empty first or last cell stays a cell.
                out.line("| " + " | ".join(cells) + " |" if len(cells) > 1 else cells[0])
            out.newline()
            buf = out.buf
        elif tag in _BLOCK:
            out.newline()
            start = len(out.lines)
            _emit(ch, out)
            out.newline()
            buf = out.buf
            if out.mark is not None and ch.mem_id == out.mark:
                out.marked = (start, len(out.lines))
        else:
            _emit(ch, out)
            buf = out.buf


def _lines_of(node, page: _Page) -> list[str]:
    out = _Lines(page)
    _emit(node, out)
    out.newline()
    return out.lines


def _lines_with(body, article, page: _Page) -> tuple[list[str], list[str]]:
    """(body's lines, article's lines) in one walk of the body when the article is a block.

    A block starts and ends with an empty line buffer, so its lines inside the body's walk are
    exactly the lines of a walk of the block alone.
    """
    if article.tag in _BLOCK:
        out = _Lines(page, article.mem_id)
        _emit(body, out)
        out.newline()
        if out.marked is not None:
            return out.lines, out.lines[out.marked[0]:out.marked[1]]
    return _lines_of(body, page), _lines_of(article, page)


def _layout(node, page: _Page) -> bool:
    """A table (or one of its parts) used for page layout: it holds a table of its own."""
    return _tables_inside(node, page)


_WS_CHARS = " \t\r\n\f\v\u3000\xa0"  # the characters of _WS


def _visible_len(text: str) -> int:
    """len(_WS.sub("", text)), counted with str.count (C scans) instead of building the string."""
    return len(text) - sum(map(text.count, _WS_CHARS))


def _weight(node, page: _Page) -> int:
    """Characters of text that are not link text (menus and lists of links are page chrome)."""
    return _visible_len(node.text(deep=True, separator="") or "") - page.link_weight.get(node.mem_id, 0)


def _article(body, page: _Page):
    """The element holding the report: descend while one child holds most of the text."""
    node = body
    total = _weight(node, page)
    while True:
        if total <= 0:
            return node
        best, best_w = None, 0
        for ch in node.iter():
            # Only containers: a data table is read whole, never entered.
            if ch.tag in _CONTAINERS and (ch.tag not in _LAYOUT_ONLY or _layout(ch, page)):
                w = _weight(ch, page)
                if w > best_w:
                    best, best_w = ch, w
        if best is None or best_w < 0.85 * total:
            return node
        node, total = best, best_w  # the chosen child's weight is the next level's total


def _declared_charset(data: bytes) -> str | None:
    m = _CHARSET.search(data[:8192])
    return m.group(1).decode("ascii", "ignore") if m else None


def _utf8_page(data: bytes) -> bytes:
    """The page as the UTF-8 bytes lexbor parses: a UTF-8 page (no BOM) as it is, any other decoded
    (decode_bytes) and encoded as selectolax encodes a str. A UTF-8 page handed over as a str was
    decoded only for selectolax to encode it again (~20 µs a page)."""
    if not data.startswith(b"\xef\xbb\xbf"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return data
    return decode_bytes(data, _declared_charset(data)).encode("utf-8", "ignore")


def text_from_html(data: bytes) -> str:
    """The page's text: title, metadata lines, then the article with tables as " | " rows."""
    from selectolax.lexbor import LexborHTMLParser

    doc = LexborHTMLParser(_utf8_page(data))
    lines: list[str] = []
    title = doc.css_first("title")
    if title is not None:
        t = _WS.sub(" ", title.text() or "").strip()
        if t:
            lines.append(t)
    body = doc.body
    if body is None:
        return "\n".join(lines)
    for junk in body.css(_SKIP_SELECTOR):
        junk.decompose()
    for junk in body.css(_MAYBE_HIDDEN):
        if _hidden(junk):
            junk.decompose()
    page = _Page(body)
    article = _article(body, page)
    if article is not body:
        whole, inside = _lines_with(body, article, page)
        inside_set = set(inside)
        # Matched in Simplified form: Traditional pages write 發佈日期 / 公開 / 發(fā)文日期.
        outside = [ln for ln in whole if ln not in inside_set and len(ln) <= 200]
        meta = [ln for ln, simple in zip(outside, _simple(outside)) if _META_LINE.search(simple)]
        # Headings just above the article (an <h1> title outside the article div).
        heads = [_WS.sub(" ", h.text() or "").strip() for h in body.css("h1, h2")]
        heads = [h for h in heads if h and h not in inside_set]
        heads = [h for h, simple in zip(heads, _simple(heads)) if "公开" in simple]
        lines += heads[:2] + meta[:15] + inside
    else:
        lines += _lines_of(body, page)
    return "\n".join(lines)


_TABLE_FRAGMENT = r"<table\b.*?</table\s*>"
_TABLES = re.compile(_TABLE_FRAGMENT, re.IGNORECASE | re.DOTALL)
_TABLES_BYTES = re.compile(_TABLE_FRAGMENT.encode(), re.IGNORECASE | re.DOTALL)
_PAGE_MARKUP = re.compile(rb"<(?:p|div|body|br|span|font|h[1-6]|section|article)\b", re.IGNORECASE)


def is_page_with_tables(data: bytes) -> bool:
    """Markup of a page (paragraphs, blocks) outside its tables makes a web page; <table> fragments
    among plain lines are a converter's markdown or a dump, read as text (tables_in_text)."""
    return bool(_PAGE_MARKUP.search(_TABLES_BYTES.sub(b"", data)))


def tables_in_text(text: str) -> str:
    """Text (markdown from a PDF converter, a crawler's dump) whose tables are raw <table> HTML: each
    table as " | " rows, the prose around it as it is."""
    if "<table" not in text and "<TABLE" not in text:
        return text
    return _TABLES.sub(lambda m: "\n" + text_from_html(m.group().encode()) + "\n", text)
