"""PDFium values → pdfplumber objects (tasks/parsing/pdf_objects.py): the pure conversion, and the
whole page against pdfminer's own reading (pdfplumber still can, through `Page.layout`)."""

from __future__ import annotations

import io
import struct

import pdfplumber
import pypdfium2 as pdfium
import pytest

from tasks.parsing.pdf_objects import (
    BEZIERTO,
    IDENTITY,
    LINETO,
    MOVETO,
    Frame,
    PdfiumPage,
    _decimal,
    char_object,
    mult,
    page_matrix,
    path_objects,
    pdfminer_descent,
    subpaths,
)
from tests.conftest import PEER

FRAME = Frame(IDENTITY, height=800.0, x_offset=0.0, top_offset=0.0, doctop=1600.0, page_number=3)


def seg(kind, x, y, closes=False):
    return (kind, float(x), float(y), closes)


def paint(segments, matrix=IDENTITY, fill=False, stroke=True, frame=FRAME):
    return path_objects(segments, matrix, fill, False, stroke, 1.0, frame)


# --- paths -------------------------------------------------------------------------------------

def test_a_re_rectangle_is_a_rect():
    # `10 20 30 40 re` as PDFium stores it: four corners, the last segment closing on the start.
    (rect,) = paint([seg(MOVETO, 10, 20), seg(LINETO, 40, 20), seg(LINETO, 40, 60), seg(LINETO, 10, 60),
                     seg(LINETO, 10, 20, closes=True)], fill=True, stroke=False)
    assert rect["object_type"] == "rect" and rect["page_number"] == 3
    assert (rect["x0"], rect["x1"], rect["y0"], rect["y1"]) == (10, 40, 20, 60)
    assert (rect["top"], rect["bottom"], rect["doctop"]) == (740, 780, 2340)
    assert (rect["width"], rect["height"]) == (30, 40)
    assert rect["fill"] and not rect["stroke"]


def test_a_two_point_path_is_a_line():
    (line,) = paint([seg(MOVETO, 10, 100), seg(LINETO, 200, 100)])
    assert line["object_type"] == "line"
    assert (line["x0"], line["x1"], line["top"], line["bottom"]) == (10, 200, 700, 700)
    assert line["pts"] == [(10, 700), (200, 700)]


def test_a_line_closed_back_to_its_start_is_still_a_line():
    (line,) = paint([seg(MOVETO, 10, 100), seg(LINETO, 200, 100), seg(LINETO, 10, 100, closes=True)])
    assert line["object_type"] == "line"


def test_a_closed_four_corner_path_is_a_rect_only_when_axis_aligned():
    square = [seg(MOVETO, 0, 0), seg(LINETO, 0, 10), seg(LINETO, 10, 10), seg(LINETO, 10, 0),
              seg(LINETO, 0, 0, closes=True)]
    assert [o["object_type"] for o in paint(square)] == ["rect"]
    diamond = [seg(MOVETO, 5, 0), seg(LINETO, 10, 5), seg(LINETO, 5, 10), seg(LINETO, 0, 5),
               seg(LINETO, 5, 0, closes=True)]
    assert [o["object_type"] for o in paint(diamond)] == ["curve"]
    # Four corners without returning to the start: an open path, a curve.
    open_ = [seg(MOVETO, 0, 0), seg(LINETO, 0, 10), seg(LINETO, 10, 10), seg(LINETO, 10, 0)]
    assert [o["object_type"] for o in paint(open_)] == ["curve"]


def test_a_bezier_is_a_curve_through_its_end_points():
    (curve,) = paint([seg(MOVETO, 0, 0), seg(BEZIERTO, 1, 5), seg(BEZIERTO, 4, 5), seg(BEZIERTO, 5, 0)])
    assert curve["object_type"] == "curve"
    assert curve["pts"] == [(0, 800), (5, 800)]  # the control points are not points of the path


def test_an_unpainted_path_is_nothing():
    assert paint([seg(MOVETO, 0, 0), seg(LINETO, 100, 0)], fill=False, stroke=False) == []


def test_a_path_is_cut_into_subpaths_at_each_moveto():
    two = [seg(MOVETO, 0, 0), seg(LINETO, 10, 0), seg(MOVETO, 0, 5), seg(LINETO, 0, 10), seg(LINETO, 5, 10)]
    assert [o["object_type"] for o in paint(two)] == ["line", "curve"]
    assert subpaths(two) == [("ml", [(0, 0), (10, 0)]), ("mll", [(0, 5), (0, 10), (5, 10)])]


def test_a_triangle_closed_with_h_keeps_its_start_as_last_point():
    shape, pts = subpaths([seg(MOVETO, 0, 0), seg(LINETO, 10, 0), seg(LINETO, 5, 5),
                           seg(LINETO, 0, 0, closes=True)])[0]
    assert (shape, pts) == ("mllh", [(0, 0), (10, 0), (5, 5), (0, 0)])


def test_a_form_xobjects_matrix_is_composed_with_its_childs():
    # A child's points are relative to the form: form /Matrix [2 0 0 2 10 10] placed under `1 0 0 1 5 5 cm`.
    form = mult((2, 0, 0, 2, 10, 10), (1, 0, 0, 1, 5, 5))
    (line,) = paint([seg(MOVETO, 0, 0), seg(LINETO, 10, 0)], matrix=mult(IDENTITY, form))
    assert (line["x0"], line["x1"], line["y0"]) == (15, 35, 15)


# --- page geometry -----------------------------------------------------------------------------

def test_a_rotated_page_turns_user_space_as_pdfminer_does():
    assert page_matrix((0, 0, 600, 800), 0) == (1, 0, 0, 1, 0, 0)
    m = page_matrix((10, 20, 610, 820), 90)
    frame = Frame(m, height=600.0, x_offset=0.0, top_offset=0.0, doctop=0.0, page_number=1)
    # A horizontal rule in user space is vertical on a page turned by 90°.
    (line,) = paint([seg(MOVETO, 110, 100), seg(LINETO, 310, 100)], frame=frame)
    assert (line["x0"], line["x1"]) == (80, 80)
    assert (line["top"], line["bottom"]) == (100, 300)


def test_a_mediabox_offset_moves_x_back_as_pdfplumber_does():
    frame = Frame(page_matrix((10, 20, 610, 820), 0), height=800.0, x_offset=10.0, top_offset=0.0,
                  doctop=0.0, page_number=1)
    (line,) = paint([seg(MOVETO, 110, 120), seg(LINETO, 310, 120)], frame=frame)
    assert (line["x0"], line["x1"], line["top"]) == (110, 310, 700)


# --- characters --------------------------------------------------------------------------------

def test_a_chars_top_is_its_bottom_minus_the_font_size_not_pdfiums_ascent():
    # 12 pt text at a 0.5 scale (Tf 24), baseline 100; descent 0.2 em (pdfminer's, from the font dict).
    matrix = (0.5, 0, 0, 0.5, 50, 100)
    loose = (50, 100 - 2.4 - 1.0, 56, 100 + 11.0)  # PDFium's: its own descent and the ascent
    c = char_object("A", loose, (50, 100), matrix, 24, -0.2, "F", FRAME)
    assert (c["x0"], c["x1"]) == (50, 56)
    assert c["y0"] == pytest.approx(97.6) and c["y1"] == pytest.approx(109.6)
    assert c["size"] == pytest.approx(12) and c["height"] == pytest.approx(12)
    assert c["top"] == pytest.approx(800 - 109.6) and c["bottom"] == pytest.approx(800 - 97.6)
    assert c["upright"] and c["text"] == "A" and c["object_type"] == "char"
    # Without pdfminer's descent, PDFium's (its loose bottom) is kept.
    assert char_object("A", loose, (50, 100), matrix, 24, None, "F", FRAME)["y0"] == pytest.approx(96.6)


def test_a_normalised_chars_advance_comes_from_the_next_character():
    # PDFium's "loose" box of a character it normalised (⼈ → 人) is the glyph's outline.
    outline = (50.4, 100.5, 61.2, 110.0)
    c = char_object("人", outline, (50, 100), IDENTITY, 12, -0.12, "F", FRAME, following=(62, 100))
    assert (c["x0"], c["x1"]) == (50, 62)
    # Last on its line: one em for a wide character.
    c = char_object("人", outline, (50, 100), IDENTITY, 12, -0.12, "F", FRAME)
    assert (c["x0"], c["x1"]) == (50, 62)


def test_a_vertical_writing_char_is_one_em_square_from_its_origin():
    # Pen at (90, 227) on a 0.05 matrix (Tf 199): PDFium puts the origin at the vertical origin,
    # half an em left and 0.88 em down; pdfminer's box starts there.
    matrix = (0.05, 0, 0, 0.05, 90.0, 227.0)
    origin = (90.0 - 0.5 * 9.95, 227.0 - 0.88 * 9.95)
    c = char_object("三", (0, 0, 1, 1), origin, matrix, 199, 0.0, "F", FRAME)
    assert c["x0"] == pytest.approx(85.025) and c["x1"] == pytest.approx(94.975)
    assert c["y0"] == pytest.approx(218.244) and c["y1"] == pytest.approx(228.194)
    assert c["size"] == pytest.approx(9.95)


def test_pdfminers_descent_of_a_font():
    assert pdfminer_descent({"Subtype": "TrueType", "BaseFont": "X", "FontDescriptor": {"Descent": -216}}) == -0.216
    assert pdfminer_descent({"Subtype": "TrueType", "BaseFont": "X", "FontDescriptor": {"Descent": 200}}) == -0.2
    # A browser's Type3 font whose descriptor has no FontBBox: pdfminer's descent is 0.
    assert pdfminer_descent({"Subtype": "Type3", "FontBBox": [0, -120, 1000, 880], "FontDescriptor": {},
                             "FontMatrix": [0.001, 0, 0, -0.001, 0, 0]}) == 0
    cid = {"Subtype": "Type0", "DescendantFonts": [{"FontDescriptor": {"Descent": -120}}]}
    assert pdfminer_descent(cid) == -0.12


def test_a_float32_goes_back_to_the_decimal_written():
    def f32(x):
        return struct.unpack("f", struct.pack("f", x))[0]

    assert [_decimal(f32(v)) for v in (74.3, 518.55, 0.05, 842.0, 123.45678)] == [74.3, 518.55, 0.05, 842.0, 123.45678]


# --- whole pages, against pdfminer -------------------------------------------------------------

def tiny_pdf(rotate: int) -> bytes:
    """One page with an offset MediaBox and /Rotate: text in a standard font, a line, a `re`
    rectangle, a clip, and a form XObject (own /Matrix, placed under a `cm`) holding a closed
    square and a bezier."""
    form = b"0 0 m 10 0 l 10 10 l 0 10 l h S 5 5 m 7 9 8 2 20 20 c S"
    content = (b"q 1 0 0 1 5 5 cm /Fm1 Do Q 30 40 m 130 40 l S 20 30 50 60 re f "
               b"0 0 m 300 0 l 300 400 l h W n BT /F1 12 Tf 50 100 Td (Hi 12) Tj ET")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [10 20 310 420] /Rotate %d /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Fm1 6 0 R >> >> >>" % rotate,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Matrix [2 0 0 2 10 10] /Length %d >>\n"
        b"stream\n%s\nendstream" % (len(form), form),
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


KEYS = ("x0", "x1", "y0", "y1", "top", "bottom", "doctop", "width", "height")


def both(data: bytes, page: int = 0):
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        document = pdfium.PdfDocument(data)
        try:
            plumber_page = pdf.pages[page]
            yield plumber_page.objects, PdfiumPage(plumber_page, document[page]).objects
        finally:
            document.close()


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_a_page_reads_as_pdfminer_reads_it(rotate):
    (old, new), = both(tiny_pdf(rotate))
    assert {k: len(v) for k, v in new.items()} == {"char": 5, "rect": 2, "line": 1, "curve": 1}
    for kind in new:
        assert len(old[kind]) == len(new[kind]), kind
        for a, b in zip(old[kind], new[kind]):
            assert {k: round(b[k], 3) for k in KEYS} == {k: round(a[k], 3) for k in KEYS}, (kind, a.get("text"))
            if kind == "char":
                assert (b["text"], b["upright"], round(b["size"], 3)) == (a["text"], a["upright"], round(a["size"], 3))
            else:
                assert [tuple(round(v, 3) for v in p) for p in b["pts"]] == [tuple(round(v, 3) for v in p) for p in a["pts"]]


@pytest.mark.skipif(not PEER.exists(), reason="shared peer corpus not present")
def test_a_real_reports_pages_read_as_pdfminer_reads_them():
    data = (PEER / "kirogovcompare__hongze_2024.pdf").read_bytes()
    for page in range(3):  # page 3 has a label in vertical writing (Identity-V)
        (old, new), = both(data, page)
        assert set(new) == set(old) - {"image"}
        for kind in new:
            assert len(old[kind]) == len(new[kind])
            for a, b in zip(sorted(old[kind], key=lambda o: (o["top"], o["x0"])),
                            sorted(new[kind], key=lambda o: (o["top"], o["x0"]))):
                # A char's advance PDFium reads from the font program; PDFium's float32 path points
                # cannot tell 401.45 from 401.44998.
                tolerance = 0.2 if kind == "char" else 1e-4
                assert all(abs(a[k] - b[k]) <= tolerance for k in KEYS), (kind, a.get("text"), page)
                if kind == "char":
                    assert b["text"] == a["text"]
