"""Bad input gets a clear reason and loses nothing: every document is published or quarantined."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from tasks.parse_pool import parse_entries
from tests.conftest import PEER, SEEDS, corpus_documents

NOW = dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc)
SEED = corpus_documents(SEEDS)[4].read_bytes()  # 诸暨市 2024, pipes
HTML = (PEER / "kirogovcompare__hangzhou_style_2025.fixture.html").read_bytes()


def zipped() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("report.txt", SEED)
    return buf.getvalue()


HOSTILE = {
    "empty.html": (b"", "empty"),
    "random.html": (bytes(range(256)) * 64, None),
    "archive.html": (zipped(), None),
    "not-a-report.txt": ("关于做好2024年春季防火工作的通知\n各乡镇：请加强巡查。".encode(), "not_annual_report"),
    "truncated.html": (HTML[: len(HTML) // 3], None),
}


def run(docs: dict[str, bytes]):
    entries = [{"raw_key": n, "report_id": f"{i:064x}", "source_name": n, "source_url": None, "rejected": None}
               for i, n in enumerate(docs)]
    return parse_entries(entries, docs.__getitem__, NOW)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_document_is_published_or_quarantined_with_a_reason(name):
    data, code = HOSTILE[name]
    frames = run({name: data})
    published, quarantined = frames["reports"].height, frames["quarantine"].height
    assert published + quarantined == 1
    if quarantined:
        row = frames["quarantine"].row(0, named=True)
        assert row["error_code"] and row["message"]
        assert row["error_code"] != "parser_error", row["message"]  # a crash is a bug, not a reason
    if code:
        assert frames["quarantine"]["error_code"].to_list() == [code]


def test_gbk_text_without_a_charset_declaration_reads_like_utf8():
    utf8 = run({"a.txt": SEED})
    gbk = run({"a.txt": SEED.decode("utf-8").encode("gb18030")})
    cols = ["outcome", "natural_person", "total"]
    assert gbk["applications"].select(cols).equals(utf8["applications"].select(cols))
    assert gbk["applications"].height == 25


def test_scripts_and_event_handlers_are_text_never_executed():
    page = HTML.replace(b"<body>", b"<body><script>document.write('<p>99999</p>');alert(1)</script>"
                                   b"<img src=x onerror=\"alert('x')\">", 1)
    frames = run({"page.html": page})
    assert frames["reports"].height == 1
    values = frames["applications"].drop("report_id", "year", "province", "outcome").to_numpy().ravel()
    assert 99999 not in values
    assert "alert" not in (frames["reports"]["overview"][0] or "")


def test_a_pdf_with_a_wrong_extension_is_read_as_pdf():
    pdf = (PEER / "kirogovcompare__hongze_2024.pdf").read_bytes()
    frames = run({"hongze.html": pdf})
    assert frames["reports"].height == 1
    assert frames["applications"].height == 23
