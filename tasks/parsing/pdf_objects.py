"""A PDF page's characters and drawings from PDFium, as the dicts pdfplumber's geometry reads.

pdfplumber finds tables and text lines on the objects of a page (`page.objects`): dicts with
pdfminer's coordinates. pdfminer builds them by interpreting the page's content streams in Python,
which was three quarters of a PDF's parse time; PDFium (pypdfium2) reads the same streams in C.
`PdfiumPage` is a pdfplumber page whose `parse_objects()` asks PDFium instead, so everything on top
(find_tables, extract_text_lines, filter, edges) is pdfplumber's own code, unchanged.

The conversion reproduces what pdfminer would have produced, because the table reader's rules
(tolerances, rule lengths, which path is a rect) were tuned on pdfminer's output:

- a character's box is pdfminer's: from its origin to the end of its advance (PDFium's loose
  box), from baseline + the font's descent as pdfminer reads it from the font dictionary
  (`pdfminer_descent`; PDFium reads the font program, which can differ) to that + the font size
  (PDFium's loose top is the font's ascent instead); vertical writing as pdfminer boxes it;
- the characters are pdfminer's: those PDFium invents (spaces and line breaks it infers) are
  dropped, those it skips (text objects with an empty outline, i.e. spaces, and a text object
  drawn twice on itself) are put back (`_with_skipped`). One difference remains: radicals that
  text layers write for ideographs (⼈, ⺠) PDFium gives as the ideographs (人, 民). A character
  with no Unicode mapping is U+FFFD (pdfminer wrote "(cid:N)", whose digits could be read as a
  figure);
- a painted path is cut into subpaths at each moveto and each is classified as pdfminer does
  (`paint_path`): two points → line, a closed axis-aligned four-corner loop (which is what `re`
  is) → rect, anything else → curve; an unpainted path (a clip) is nothing;
- coordinates are pdfminer's page space (rotation and MediaBox origin applied, `page_matrix`),
  then pdfplumber's own offsets (`process_object`: top from the page height, x0 shifted by the
  MediaBox's left edge).

PDFium hands out coordinates as 32-bit floats; path points and matrices are rounded back to the
decimal the content stream most likely wrote (`_decimal`), so that rules which pdfminer saw as
exactly equal or exactly 3 points long stay so. Keys pdf.py never reads (colours, dash, mcid,
tag, a char's matrix and advance, images) are not produced.
"""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass
from functools import lru_cache
from unicodedata import east_asian_width

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MOVETO, LINETO, BEZIERTO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO, pdfium_c.FPDF_SEGMENT_BEZIERTO


# --- pure conversion ----------------------------------------------------------------------------

def mult(m1: Matrix, m0: Matrix) -> Matrix:
    """m1 then m0 (pdfminer's `mult_matrix`): a form's child matrix composed with the form's."""
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (a0 * a1 + c0 * b1, b0 * a1 + d0 * b1, a0 * c1 + c0 * d1, b0 * c1 + d0 * d1,
            a0 * e1 + c0 * f1 + e0, b0 * e1 + d0 * f1 + f0)


def apply(m: Matrix, x: float, y: float) -> Point:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def bound(points: list[Point]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def page_matrix(mediabox: tuple[float, float, float, float], rotate: int) -> Matrix:
    """pdfminer's page matrix (`PDFPageInterpreter.process_page`): user space → its page space,
    whose origin is the MediaBox's lower left corner, turned by the page's /Rotate."""
    x0, y0, x1, y1 = mediabox
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


@lru_cache(maxsize=65536)
def _decimal(v: float) -> float:
    """A 32-bit float back to the shortest decimal that is the same float32 (74.30000305 → 74.3),
    i.e. the number the content stream most likely wrote, as pdfminer read it."""
    for digits in (6, 7, 8):
        d = float(f"{v:.{digits}g}")
        if _F32.unpack(_F32.pack(d))[0] == v:
            return d
    return v


_F32 = struct.Struct("f")


@dataclass(frozen=True)
class Frame:
    """Where a page's objects go: pdfminer's page matrix, then pdfplumber's offsets."""
    matrix: Matrix       # user space → pdfminer page space
    height: float        # pdfplumber's page height
    x_offset: float      # pdfplumber's MediaBox left (added to x0/x1 when not 0)
    top_offset: float    # pdfplumber's MediaBox top
    doctop: float        # the page's top in the document
    page_number: int


def placed(kind: str, box: tuple[float, float, float, float], frame: Frame, **attrs) -> dict:
    """An object dict as pdfplumber's `process_object` makes it from a pdfminer box (page space)."""
    x0, y0, x1, y1 = box
    top = (frame.height - y1) + frame.top_offset
    obj = {"x0": x0 + frame.x_offset if frame.x_offset else x0, "y0": y0,
           "x1": x1 + frame.x_offset if frame.x_offset else x1, "y1": y1,
           "width": x1 - x0, "height": y1 - y0, **attrs,
           "object_type": kind, "page_number": frame.page_number,
           "top": top, "bottom": (frame.height - y0) + frame.top_offset, "doctop": frame.doctop + top}
    return obj


def _coord(frame: Frame, p: Point) -> Point:
    """pdfplumber's `point2coord`: page space → top-left origin."""
    return frame.x_offset + p[0], frame.top_offset + frame.height - p[1]


def char_object(text: str, loose: tuple[float, float, float, float], origin: Point, matrix: Matrix,
                fontsize: float, descent: float | None, fontname: str, frame: Frame,
                following: Point | None = None) -> dict:
    """pdfminer's LTChar from PDFium's values in user space: the loose box (left, bottom, right,
    top), the origin, the character's matrix, the font size
    of its text object and pdfminer's descent for its font (per unit of font size; None: unknown).
    The matrix is the text object's: its translation is where the object starts. `following` is
    the origin of the next character, if any.

    Worked out in text space (the matrix inverted): horizontal writing (the origin on the
    matrix's baseline) spans origin → the loose box's right edge (the advance), and baseline + descent →
    + font size; without pdfminer's descent, PDFium's (the loose box's bottom) is used. Vertical
    writing (PDFium moves the origin to the glyph's vertical origin, pdfminer's lower left
    corner): font size × font size from there, and the size is the width. The box is then mapped
    into pdfminer's page space."""
    a, b, c, d, e, f = matrix
    fa, fb, fc, fd, fe, ff = frame.matrix
    if not b and not c and a > 0 and d > 0 and not fb and not fc and fa == 1 and fd == 1:
        # The common case, unrotated text on an unrotated page: the same in user space.
        x, y = origin
        if abs(y - f) > 1e-3 * fontsize * d:  # vertical writing
            return placed("char", (x + fe, y + ff, x + a * fontsize + fe, y + d * fontsize + ff), frame,
                          text=text, fontname=fontname, size=a * fontsize, upright=True)
        l, bt, x1, t = loose
        if abs(l - x) > 1e-3 * fontsize * a:  # not the advance box (see below)
            nx, ny = following if following is not None else (x, y + 1)
            if abs(ny - y) <= 1e-3 * fontsize * d and nx > x:
                x1 = max(x1, min(nx, x + a * fontsize))
            elif east_asian_width(text) in "WF":
                x1 = max(x1, x + a * fontsize)
        y0 = y + d * descent * fontsize if descent is not None else bt
        size = d * fontsize
        return placed("char", (x + fe, y0 + ff, x1 + fe, y0 + size + ff), frame,
                      text=text, fontname=fontname, size=size, upright=True)
    det = a * d - b * c
    vertical = False
    if not det:  # a degenerate matrix: the loose box itself
        l, bt, r, t = loose
        box = bound([apply(frame.matrix, l, bt), apply(frame.matrix, r, t)])
        m = frame.matrix
    else:
        inv = (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)
        u0, v = apply(inv, *origin)
        # The matrix's translation is the text object's start: along the writing direction from
        # the origin of a horizontal character; below and left of a vertical one's.
        vertical = abs(v - apply(inv, e, f)[1]) > 1e-3 * fontsize
        if vertical:
            u1, v0 = u0 + fontsize, v
        else:
            l, bt, r, t = loose
            lu0, lv0, u1, _ = bound([apply(inv, x, y) for x, y in ((l, bt), (r, bt), (l, t), (r, t))])
            if abs(lu0 - u0) > 1e-3 * fontsize:
                # Not the advance box but the glyph's outline (PDFium gives that for characters it
                # normalised, such as the radical ⼈ read as 人): the advance ends where the next
                # character on the baseline starts, at most one em on; a wide (CJK) character
                # last on its line is one em.
                nu, nv = apply(inv, *following) if following is not None else (u0, v + fontsize)
                if abs(nv - v) <= 1e-3 * fontsize and nu > u0:
                    u1 = max(u1, min(nu, u0 + fontsize))
                elif east_asian_width(text) in "WF":
                    u1 = max(u1, u0 + fontsize)
            v0 = v + descent * fontsize if descent is not None else lv0
        m = mult(matrix, frame.matrix)
        box = bound([apply(m, x, y) for x, y in ((u0, v0), (u1, v0), (u0, v0 + fontsize), (u1, v0 + fontsize))])
    upright = m[0] * m[3] > 0 and m[1] * m[2] <= 0
    size = box[2] - box[0] if vertical else box[3] - box[1]
    return placed("char", box, frame, text=text, fontname=fontname, size=size, upright=upright)


def pdfminer_descent(spec: dict) -> float:
    """The descent pdfminer gives a font (per unit of font size, `PDFFont.get_descent`): the
    descriptor's /Descent forced negative; for the standard 14 fonts their AFM metrics; for Type3
    the y0 of the descriptor's FontBBox (0 when the descriptor has none, as browsers write them)
    scaled by the FontMatrix. PDFium reads the font program instead, which can differ."""
    from pdfminer.pdffont import FONT_METRICS
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import literal_name

    subtype = literal_name(resolve1(spec.get("Subtype", "Type1")))
    if subtype == "Type0":
        fonts = resolve1(spec.get("DescendantFonts")) or [{}]
        spec = resolve1(fonts[0]) or {}
        descriptor = resolve1(spec.get("FontDescriptor")) or {}
    elif subtype == "Type3":
        descriptor = resolve1(spec["FontDescriptor"]) if "FontDescriptor" in spec else {"FontBBox": spec.get("FontBBox")}
        bbox = resolve1(descriptor.get("FontBBox"))
        try:
            y0 = float(resolve1(bbox[1])) if bbox is not None and len(bbox) == 4 else 0.0
        except (TypeError, ValueError):
            y0 = 0.0
        matrix = [float(resolve1(x)) for x in resolve1(spec.get("FontMatrix"))]
        return y0 * (matrix[1] + matrix[3])
    else:
        basefont = spec.get("BaseFont")
        name = literal_name(resolve1(basefont)) if basefont is not None else "unknown"
        descriptor = FONT_METRICS[name][0] if name in FONT_METRICS else resolve1(spec.get("FontDescriptor")) or {}
    descent = float(resolve1(descriptor.get("Descent", 0)) or 0)
    return -abs(descent) * 0.001


def subpaths(segments: list[tuple[int, float, float, bool]]) -> list[tuple[str, list[Point]]]:
    """PDFium path segments (type, x, y, closes) → pdfminer's subpaths: a shape string over
    m/l/c/h and the point of each operator. A segment that closes its subpath on the start point
    is pdfminer's "h" (PDFium adds that point, pdfminer's "h" repeats the start); a bezier's three
    points are one "c" whose point is the last."""
    out: list[tuple[str, list[Point]]] = []
    shape, pts = "", []
    pending_bezier = 0
    for kind, x, y, closes in segments:
        if kind == MOVETO:
            if shape:
                out.append((shape, pts))
            shape, pts = "m", [(x, y)]
            continue
        if not shape:  # pdfminer ignores a path that does not start with a moveto
            continue
        if kind == BEZIERTO:
            pending_bezier += 1
            if pending_bezier < 3:
                continue
            pending_bezier = 0
            shape += "c"
        else:
            shape += "l"
        pts.append((x, y))
        if closes and shape[-1] == "l" and (x, y) == pts[0]:
            shape = shape[:-1] + "h"  # PDFium's closing line back to the start: pdfminer's "h"
        elif closes:
            shape += "h"
            pts.append(pts[0])
    if shape:
        out.append((shape, pts))
    return out


def path_objects(segments: list[tuple[int, float, float, bool]], matrix: Matrix, fill: bool, evenodd: bool,
                 stroke: bool, linewidth: float, frame: Frame) -> list[dict]:
    """A painted PDFium path → pdfplumber line / rect / curve dicts, as pdfminer's `paint_path`
    classifies each subpath. `matrix` maps the path's points to user space (the object's matrix
    composed with its forms'). Unpainted paths (clips) give nothing."""
    if not fill and not stroke:
        return []
    full = mult(matrix, frame.matrix)
    objects = []
    for shape, raw in subpaths(segments):
        pts = [apply(full, x, y) for x, y in raw]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        attrs = {"linewidth": linewidth, "stroke": stroke, "fill": fill, "evenodd": evenodd}
        if shape in ("mlh", "ml"):
            kind, keep = "line", pts[:2]
        elif shape in ("mlllh", "mllll") and pts[0] == pts[4] and _square(pts):
            kind, keep = "rect", [pts[0], (pts[2][0], pts[0][1]), pts[2], (pts[0][0], pts[2][1])]
        else:
            kind, keep = "curve", pts
        box = bound(keep)
        objects.append(placed(kind, box, frame, pts=[_coord(frame, p) for p in keep], **attrs))
    return objects


def _square(pts: list[Point]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[:4]
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)


# --- PDFium calls -------------------------------------------------------------------------------

def _matrix(handle, getter=pdfium_c.FPDFPageObj_GetMatrix) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not getter(handle, m):
        return IDENTITY
    return (_decimal(m.a), _decimal(m.b), _decimal(m.c), _decimal(m.d), _decimal(m.e), _decimal(m.f))


def _segments(path) -> list[tuple[int, float, float, bool]]:
    x, y = ctypes.c_float(), ctypes.c_float()
    out = []
    for i in range(pdfium_c.FPDFPath_CountSegments(path)):
        seg = pdfium_c.FPDFPath_GetPathSegment(path, i)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        out.append((pdfium_c.FPDFPathSegment_GetType(seg), _decimal(x.value), _decimal(y.value),
                    bool(pdfium_c.FPDFPathSegment_GetClose(seg))))
    return out


def _drawings(page, frame: Frame, texts: list, max_depth: int = 15) -> list[dict]:
    """Every painted path of the page, in content order, forms (XObjects) included: a form's
    children carry matrices relative to the form, composed here with the form's own. The text
    objects met on the way are appended to `texts` as (handle, matrix in user space)."""
    out: list[dict] = []
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    width = ctypes.c_float()

    def walk(count, get, parent, outer: Matrix, depth: int) -> None:
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                if not pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
                    continue
                pdfium_c.FPDFPageObj_GetStrokeWidth(obj, width)
                out.extend(path_objects(_segments(obj), mult(_matrix(obj), outer),
                                        fill_mode.value != pdfium_c.FPDF_FILLMODE_NONE,
                                        fill_mode.value == pdfium_c.FPDF_FILLMODE_ALTERNATE,
                                        bool(stroke.value), _decimal(width.value), frame))
            elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                texts.append((obj, mult(_matrix(obj), outer)))
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < max_depth:
                walk(pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, obj,
                     mult(_matrix(obj), outer), depth + 1)

    walk(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page, IDENTITY, 0)
    return out


def _font_name(textobj) -> str:
    font = pdfium_c.FPDFTextObj_GetFont(textobj)
    if not font:
        return ""
    n = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buf = ctypes.create_string_buffer(n)
    pdfium_c.FPDFFont_GetBaseFontName(font, buf, n)
    return buf.value.decode("utf-8", "replace")


def font_descents(resources, cache: dict | None = None) -> dict[str, set[float | None]]:
    """pdfminer's descents of the fonts a page (and its forms) may use, by the name PDFium gives
    the font (its /BaseFont; Type3 fonts have none: ""); None for a font pdfminer could not read.
    `cache` (one per document) keeps each font's and each form's answer by object number: pages
    share them."""
    out: dict[str, set[float | None]] = {}
    for name, descent in _resource_fonts(resources, {} if cache is None else cache, set()):
        out.setdefault(name, set()).add(descent)
    return out


def _descent(descents: dict[str, set[float | None]], fontname: str) -> float | None:
    """pdfminer's descent for the font PDFium names `fontname`; None (PDFium's descent is used then)
    when pdfminer could not read it or two fonts of that name have different descents."""
    values = descents.get(fontname, ())
    return next(iter(values)) if len(values) == 1 else None


def _resource_fonts(resources, cache: dict, seen: set[int]) -> list[tuple[str, float | None]]:
    from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
    from pdfminer.psparser import literal_name

    out: list[tuple[str, float | None]] = []
    resources = resolve1(resources) or {}
    for ref in (resolve1(resources.get("Font")) or {}).values():
        objid = ref.objid if isinstance(ref, PDFObjRef) else None
        if objid is not None and ("font", objid) in cache:
            out.append(cache["font", objid])
            continue
        spec = resolve1(ref)
        if not isinstance(spec, dict):
            continue
        subtype = literal_name(resolve1(spec.get("Subtype", "")))
        name = "" if subtype == "Type3" else literal_name(resolve1(spec.get("BaseFont", "")))
        try:
            font = (name, pdfminer_descent(spec))
        except Exception:  # noqa: BLE001 - a font pdfminer could not read: PDFium's descent then
            font = (name, None)
        if objid is not None:
            cache["font", objid] = font
        out.append(font)
    for ref in (resolve1(resources.get("XObject")) or {}).values():
        objid = ref.objid if isinstance(ref, PDFObjRef) else None
        if objid is not None:
            if objid in seen:  # a form drawing itself
                continue
            if ("form", objid) in cache:
                out.extend(cache["form", objid])
                continue
        xobj = resolve1(ref)
        fonts: list[tuple[str, float]] = []
        if isinstance(xobj, PDFStream) and literal_name(xobj.get("Subtype", "")) == "Form":
            fonts = _resource_fonts(xobj.get("Resources"), cache, seen | {objid})
        if objid is not None:
            cache["form", objid] = fonts
        out.extend(fonts)
    return out


def _chars(textpage, frame: Frame, descents: dict[str, set[float | None]], texts: list) -> list[dict]:
    raw = []
    rect = pdfium_c.FS_RECTF()
    m = pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    objects: dict[bytes, tuple] = {}  # per text object: font name, descent, matrix, font size
    is_generated, get_textobj = pdfium_c.FPDFText_IsGenerated, pdfium_c.FPDFText_GetTextObject
    loose_box, get_origin = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetCharOrigin
    map_error, get_unicode = pdfium_c.FPDFText_HasUnicodeMapError, pdfium_c.FPDFText_GetUnicode

    def describe(textobj, i):
        fontname = _font_name(textobj)
        # The matrix and font size are the text object's (PDFium gives every character its object's).
        pdfium_c.FPDFText_GetMatrix(textpage, i, m)
        return (fontname, _descent(descents, fontname), (m.a, m.b, m.c, m.d, m.e, m.f),
                pdfium_c.FPDFText_GetFontSize(textpage, i))

    for i in range(pdfium_c.FPDFText_CountChars(textpage)):
        if is_generated(textpage, i):
            continue  # a space or line break PDFium inferred: not in the content stream
        textobj = get_textobj(textpage, i)
        if not textobj or not loose_box(textpage, i, rect):
            continue
        key = bytes(textobj)
        info = objects.get(key)
        if info is None:
            info = objects[key] = describe(textobj, i)
        get_origin(textpage, i, ox, oy)
        text = "\ufffd" if map_error(textpage, i) else chr(get_unicode(textpage, i))
        raw.append((key, text, (rect.left, rect.bottom, rect.right, rect.top), (ox.value, oy.value), info))
    raw = _with_skipped(raw, texts, objects, descents)
    out = []
    last = len(raw) - 1
    for n, (key, text, loose, origin, (fontname, descent, matrix, fontsize)) in enumerate(raw):
        # The next character's origin (the advance, where the loose box is not: see char_object).
        following = None
        for k in range(n + 1, min(n + 4, last + 1)):
            if raw[k][3] != origin:
                following = raw[k][3]
                break
        out.append(char_object(text, loose, origin, matrix, fontsize, descent, fontname, frame, following))
    return out


def _with_skipped(raw: list, texts: list, objects: dict, descents: dict[str, set[float | None]]) -> list:
    """PDFium's text page leaves out text objects with an empty outline (a run of spaces: it
    infers a space from the gap instead) and a text object repeated on itself (fake bold);
    pdfminer has their characters, and a space splits a word where the gap alone may not. A
    skipped empty object comes back as one space at its position (after the characters of the
    text object before it), a repeated one as a copy of the characters it repeats."""
    if all(bytes(obj) in objects for obj, _ in texts):
        return raw
    kept: dict[bytes, list[int]] = {}
    for n, item in enumerate(raw):
        kept.setdefault(item[0], []).append(n)
    inserts: dict[int, list] = {}  # position in raw → items to put before it
    size = ctypes.c_float()
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    after = 0  # where the previous text object's characters end in raw
    bounds_seen: dict[tuple, bytes] = {}
    for obj, matrix in texts:
        key = bytes(obj)
        pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        bounds = (round(left.value, 3), round(bottom.value, 3), round(right.value, 3), round(top.value, 3))
        if key in kept:
            after = kept[key][-1] + 1
            bounds_seen.setdefault(bounds, key)
            continue
        if right.value - left.value < 1e-3:
            fontname = _font_name(obj)
            pdfium_c.FPDFTextObj_GetFontSize(obj, size)
            e, f = matrix[4], matrix[5]
            # Loose box: from the origin a quarter em along the baseline (a space's advance).
            end = apply(matrix, 0.25 * size.value, 0)
            lo, hi = min(e, end[0]), max(e, end[0])
            info = (fontname, _descent(descents, fontname), matrix, size.value)
            inserts.setdefault(after, []).append((key, " ", (lo, f, hi, f), (e, f), info))
        elif bounds in bounds_seen:
            inserts.setdefault(after, []).extend(raw[n] for n in kept[bounds_seen[bounds]])
    if not inserts:
        return raw
    out = []
    for n in range(len(raw) + 1):
        out.extend(inserts.get(n, ()))
        if n < len(raw):
            out.append(raw[n])
    return out


class PdfiumPage(pdfplumber.page.Page):
    """A pdfplumber page whose objects come from PDFium (see the module docstring). pdfplumber
    (pdfminer's document parser) still reads the page tree and the page's boxes and rotation."""

    def __init__(self, plumber_page: pdfplumber.page.Page, pdfium_page: pdfium.PdfPage,
                 fonts: dict | None = None):
        super().__init__(plumber_page.pdf, plumber_page.page_obj, page_number=plumber_page.page_number,
                         initial_doctop=plumber_page.initial_doctop)
        self._pdfium_page = pdfium_page
        self._fonts = {} if fonts is None else fonts  # font_descents' cache, one per document

    def frame(self) -> Frame:
        obj = self.page_obj
        return Frame(page_matrix(obj.mediabox, obj.rotate), self.height, self.mediabox[0], self.mediabox[1],
                     self.initial_doctop, self.page_number)

    def parse_objects(self) -> dict[str, list[dict]]:
        frame = self.frame()
        texts: list = []
        drawings = _drawings(self._pdfium_page, frame, texts)
        textpage = self._pdfium_page.get_textpage()
        try:
            chars = _chars(textpage, frame, font_descents(self.page_obj.resources, self._fonts), texts)
        finally:
            textpage.close()
        objects: dict[str, list[dict]] = {}
        if chars:
            objects["char"] = chars
        for obj in drawings:
            objects.setdefault(obj["object_type"], []).append(obj)
        return objects
