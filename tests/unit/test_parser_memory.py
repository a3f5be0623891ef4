"""Shortcuts taken for speed must not change answers or keep memory: script detection stops counting
early, and reading a page leaves no reference cycles (a cycle kept a page's lexbor document alive
until the next garbage collection, and parse workers collect rarely)."""

from __future__ import annotations

import gc
import operator

from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.parsing import text
from tasks.parsing.html import text_from_html


def _full_count_script(raw: str, simplified: str, pinyin_count: int) -> str:
    """detect_script as it was before it stopped early: every changed character counted."""
    if len(raw) != len(simplified):
        changed = abs(len(raw) - len(simplified))
    else:
        changed = sum(map(operator.ne, raw, simplified))
    if changed < 2 and pinyin_count < 5:
        return "simplified"
    cjk = sum(map(len, text._CJK_RUN.findall(raw)))
    if cjk == 0:
        return "simplified"
    return "traditional" if changed >= 2 and changed / cjk > 0.05 or pinyin_count >= 5 else "simplified"


_PIECES = ["政府信息公開", "政府信息公开", "年度報告", "年度报告", "乾县", "| 1 | 0 | 2 |", "\n", "abc 123", "（一）"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=600), st.integers(0, 6))
def test_detect_script_answers_as_the_full_count(pieces, pinyin_count):
    raw = "".join(pieces)
    simplified = text.to_simplified(raw)
    assert text.detect_script(raw, simplified, pinyin_count) == _full_count_script(raw, simplified, pinyin_count)


def test_reading_a_page_leaves_no_reference_cycles():
    page = ("<html><head><title>年度报告</title></head><body><div><p>一、总体情况</p><table><tbody>"
            "<tr><td>信息内容</td><td>本年新制作数量</td></tr><tr><td>规章</td><td>3</td></tr>"
            "</tbody></table></div><div><a href='/'>首页</a></div></body></html>").encode()
    gc.collect()
    gc.disable()
    try:
        text_from_html(page)
        assert gc.collect() == 0
    finally:
        gc.enable()
