"""The parser's shortcuts give what the long way gives (property tests).

Each shortcut skips work when a cheap test shows the work would change nothing:
NFKC's quick check, the pinyin and 表三-word pre-tests, the digits-only cell,
the labels searched as one joined string, runs written "[…][…]*" for the
regex engine's scan. Here each is compared with the long
way on random text made of the characters that matter to it.
"""

from __future__ import annotations

import os
import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.parsing import html, layout, legacy, regions, tables, text

SETTINGS = settings(max_examples=int(os.environ.get("OGI_HYPOTHESIS_EXAMPLES", "200")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# CJK, fullwidth and compatibility characters, combining marks, radicals, digits of two scripts, junk.
_MIXED = st.text(alphabet=st.sampled_from(
    list("政府信息公开申请本年新收上年结转总计其他予以不（）()，,：:；;！？ 　\xa0\t|“”'\"")
    + list("０１２３①Ⅲ㎡ﬁ⺠⻓⼈é\u0301\u0308ｶﾞ٣7.、-—") + ["\u2e80", "\u2fd5"]), max_size=60)


@SETTINGS
@given(_MIXED)
def test_nfkc_is_unicodedata_nfkc(s):
    assert text.nfkc(s) == unicodedata.normalize("NFKC", s)


def _strip_pinyin_long_way(s: str) -> tuple[str, int]:
    total = 0
    while True:
        s, n = text._PINYIN.subn("", s)
        total += n
        if n == 0:
            return s, total


@SETTINGS
@given(st.lists(st.sampled_from(list("区县市和(（)）hequāǎ gdp试行") + ["（qū）", "(he)"]), max_size=30).map("".join))
def test_strip_pinyin_pretest_changes_nothing(s):
    assert text.strip_pinyin(s) == _strip_pinyin_long_way(s)


_CELL = st.lists(st.sampled_from(
    list("0123456789٣.、，。件条 |“") + ["本年新收", "上年 结转", "予以公开", "其他", "总计", "行政许可", "属于国家秘密",
                                    "（七）", "3.", "申请"]), max_size=20).map("".join)


@SETTINGS
@given(_CELL)
def test_glue_evidence_pretests_change_nothing(cell):
    pretest = tables._T3_WORD
    try:
        tables._T3_WORD = re.compile("")  # matches every cell: the pieces are always cut and counted
        long_way = tables._glue_evidence(cell)
    finally:
        tables._T3_WORD = pretest
    assert tables._glue_evidence(cell) == long_way
    if cell.isdecimal():  # _separated_cell's shortcut: a cell of digits alone has no evidence
        assert long_way == 0


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("0123456789٣,，.+-件元万 ")), min_size=1, max_size=12))
def test_digits_only_token_is_the_figure_pattern_token(cell):
    token = tables.classify(cell)
    stripped = cell.strip()
    if stripped.isdecimal():
        m = tables._NUMBER.match(stripped)
        assert m is not None and token == tables.Token(tables.NUM, stripped, float(m.group("num")), None, False, None)


_LABEL = st.text(alphabet=st.sampled_from(list("上年结转本新收行政复议结果维持下度继续办理 x")), max_size=12)


@SETTINGS
@given(st.lists(_LABEL, max_size=12), st.integers(0, 14), st.integers(0, 14),
       st.sampled_from([("上年结转",), tables._T3_END, tables._T4_HEADER, (tables._T3_START,)]))
def test_labels_joined_search_is_the_label_by_label_scan(texts, start, stop, words):
    tokens = [tables.classify(t) if t.strip() else tables.classify("x") for t in texts]
    labels = tables._Labels(tokens)
    by_scan = next((i for i, t in zip(labels.pos, labels.text)
                    if start <= i < stop and any(w in t for w in words)), None)
    assert tables._find(tokens, words, start, stop, labels=labels) == by_scan
    last = None
    for i, t in zip(labels.pos, labels.text):
        if i < stop and words[0] in t:
            last = i
    assert labels.last_with(words[0], stop) == last


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("政府 |\t　\xa0—第4页-\r")), max_size=20))
def test_a_line_without_separators_is_one_cell_as_the_split_gives_it(line):
    cells = layout.cells_from_line(line)
    stripped = line.strip()
    if stripped and not any(c in line for c in "| \t\u3000\xa0") and not layout._PAGE_NUMBER.match(stripped):
        assert cells == layout._WS.split(stripped) == [stripped]


# Runs written as one character and then "*" (so the regex engine scans for the character), each with the
# "+" form it replaces.
_RUNS = [
    (text._LABEL_JUNK, text.LABEL_JUNK + "+"),
    (text._CJK_RUN, r"[\u3400-\u9fff]+"),
    (layout._WS, r"[ \t\u3000\xa0]+"),
    (tables._RUN, r"\d+(?:\.\d+)?"),
    (html._WS, r"[ \t\r\n\f\v\u3000\xa0]+"),
    (legacy._DIGITS, r"\d+(?:\.\d+)*"),
    (regions._WS_RE, r"[\s\u200b\u3000·•]+"),
]
_RUN_TEXT = st.lists(st.sampled_from(
    list("政府公开0123456789٣.,， \t\n\r\u3000\xa0\u200b\u2028·•|\"'“”「』x")
    + ["   ", " \t\u3000\xa0", "\n\r\n", "“ | ”", "·•\u200b ", "12.5.3", "٣٣0", "政府信息"]), max_size=20).map("".join)


@SETTINGS
@given(_RUN_TEXT)
def test_runs_written_for_the_scan_match_as_the_plus_form(s):
    for pattern, plus in _RUNS:
        long_way = re.compile(plus)
        assert [m.span() for m in pattern.finditer(s)] == [m.span() for m in long_way.finditer(s)], plus
        assert pattern.split(s) == long_way.split(s)
        assert pattern.sub("", s) == long_way.sub("", s)
