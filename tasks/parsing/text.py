"""Text normalisation: bytes → Simplified, NFKC text. Pure functions, no I/O.

Real copies arrive in GBK/GB18030 or UTF-8, in Traditional script from Big5
gateways and spam mirrors, and often with pinyin after each character
("區(qū)"), which no converter removes: the annotation is stripped first, then
OpenCC t2s, then NFKC (fullwidth digits and punctuation → ASCII).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from functools import cache, lru_cache

import charset_normalizer

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
# A parenthesised lower-case syllable run right after a CJK character; needs a tone mark or a
# plain syllable so that (试行), (GDP), 区(县) stay untouched.
# The parenthesis is matched first and the CJK character checked behind it (same matches as a
# leading look-behind, but the regex engine can skip ahead to each parenthesis instead of trying
# the look-behind at every position).
_PINYIN = re.compile(rf"[(（](?<=[\u3400-\u9fff].)([a-z{_TONED}]{{1,7}})[)）]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff]*")  # "[…]+", written so: see _LABEL_JUNK


class UndecodableDocument(ValueError):
    """The bytes are not text in any encoding we read."""


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode document bytes: BOM/UTF-8 first, then a declared charset, then detection.

    GBK pages are decoded as GB18030 (its superset) so rare characters survive.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    if declared:
        declared = declared.lower().strip()
        candidates.append("gb18030" if declared in {"gbk", "gb2312", "gb18030", "x-gbk"} else declared)
    candidates.append("gb18030")
    for enc in candidates:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if _CJK.search(text):
            return text
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise UndecodableDocument("bytes are not text in any known encoding")
    return str(best)


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# What every annotation starts with, one pattern per parenthesis: a pattern that starts with a literal
# is scanned for at C speed (_PINYIN starts with a class, tried at every character: ~8x slower).
_PINYIN_STARTS = (re.compile(rf"\([a-z{_TONED}]"), re.compile(rf"（[a-z{_TONED}]"))


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove pinyin annotations, repeatedly (mirrors write "和(he)(he)")."""
    if not any(p.search(text) for p in _PINYIN_STARTS):
        return text, 0
    total = 0
    while True:
        text, n = _PINYIN.subn("", text)
        total += n
        if n == 0:
            return text, total


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


_SCRIPT_CHUNK = 256  # characters compared at a time by detect_script


def detect_script(raw: str, simplified: str, pinyin_count: int) -> str:
    """`traditional` when the source was written in Traditional characters."""
    if len(raw) != len(simplified):
        changed = abs(len(raw) - len(simplified))
    elif raw == simplified:
        changed = 0
    else:
        # Counted a chunk at a time: more than 5% of all the characters changed is more than 5% of the
        # CJK ones (below), so Traditional text (a fifth or more changes) is settled within its first quarter.
        changed = 0
        for start in range(0, len(raw), _SCRIPT_CHUNK):
            end = start + _SCRIPT_CHUNK
            changed += sum(map(operator.ne, raw[start:end], simplified[start:end]))
            if changed >= 2 and changed / len(raw) > 0.05 and _CJK.search(raw):
                return "traditional"
    if changed < 2 and pinyin_count < 5:
        return "simplified"  # whatever the count of CJK characters: skip counting them
    cjk = sum(map(len, _CJK_RUN.findall(raw)))
    if cjk == 0:
        return "simplified"
    # Traditional text changes in ~20-35% of its characters; Simplified text only in rare ones (乾 → 干).
    return "traditional" if changed >= 2 and changed / cjk > 0.05 or pinyin_count >= 5 else "simplified"


# CJK Radicals Supplement (U+2E80–U+2EF3) → the ideograph each stands for (Unicode's
# EquivalentUnifiedIdeograph.txt). PDF text layers from Chrome, WPS and Word print 民 as ⺠, 门 as ⻔,
# 长 as ⻓…; NFKC maps the Kangxi radicals (⼈ → 人) but not these, so "上海市人⺠政府" would not match.
_RADICALS = {
    "⺁": "厂", "⺄": "乙", "⺅": "亻", "⺆": "冂", "⺇": "几", "⺈": "刀", "⺉": "刂", "⺊": "卜", "⺋": "㔾",
    "⺌": "小", "⺍": "小", "⺎": "兀", "⺏": "尣", "⺐": "尢", "⺒": "巳", "⺓": "幺", "⺔": "彑", "⺖": "忄",
    "⺗": "心", "⺘": "扌", "⺙": "攵", "⺛": "旡", "⺜": "日", "⺝": "月", "⺞": "歺", "⺟": "母", "⺠": "民",
    "⺡": "氵", "⺢": "氺", "⺣": "灬", "⺤": "爫", "⺥": "爫", "⺦": "丬", "⺧": "牛", "⺨": "犭", "⺩": "王",
    "⺪": "疋", "⺫": "目", "⺬": "示", "⺭": "礻", "⺮": "竹", "⺯": "糹", "⺰": "纟", "⺱": "罓", "⺲": "罒",
    "⺳": "网", "⺴": "网", "⺵": "网", "⺶": "羊", "⺷": "羊", "⺹": "耂", "⺺": "肀", "⺻": "聿", "⺼": "肉",
    "⺽": "臼", "⺾": "艹", "⺿": "艹", "⻀": "艹", "⻁": "虎", "⻂": "衤", "⻃": "覀", "⻄": "西", "⻅": "见",
    "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝", "⻊": "足", "⻋": "车", "⻌": "辶", "⻍": "辶", "⻎": "辶",
    "⻏": "阝", "⻐": "钅", "⻑": "長", "⻒": "镸", "⻓": "长", "⻔": "门", "⻕": "阜", "⻖": "阝", "⻗": "雨",
    "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻟": "飠", "⻠": "饣", "⻢": "马",
    "⻣": "骨", "⻤": "鬼", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "斉",
    "⻬": "齐", "⻭": "歯", "⻮": "齿", "⻯": "竜", "⻰": "龙", "⻱": "龜", "⻲": "亀", "⻳": "龟",
}


@cache
def _nfkc_changes() -> tuple[re.Pattern, dict[str, str]]:
    """A character class of the BMP characters NFKC changes on their own, and their images (~15 ms once)."""
    table = {}
    for i in range(0x10000):
        c = chr(i)
        if not 0xD800 <= i < 0xE000:
            n = unicodedata.normalize("NFKC", c)
            if n != c:
                table[c] = n
    ranges: list[list[int]] = []
    for c in sorted(table):
        if ranges and ranges[-1][1] == ord(c) - 1:
            ranges[-1][1] = ord(c)
        else:
            ranges.append([ord(c), ord(c)])
    return re.compile("[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "")
                                     for a, b in ranges) + "]"), table


_FREQUENT_NFKC = "，（）：；\xa0！？"  # each maps to its NFKC image from _nfkc_changes' table


def nfkc(text: str) -> str:
    """NFKC. Fast path: map each character NFKC changes on its own (fullwidth digits and
    punctuation), then check the result is normalised.

    Replacing characters by their own NFKC images keeps NFKD, hence NFKC, of the text; so a result
    that is already in NFKC is NFKC of the text. Otherwise (combining marks that compose, characters
    outside the table) the full normalisation runs.
    """
    changes, table = _nfkc_changes()
    # The fullwidth punctuation of Chinese prose (~100 per page) by str.replace, a C scan each; the
    # callback then runs for the rare others only.
    for c in _FREQUENT_NFKC:
        if c in text:
            text = text.replace(c, table[c])
    if unicodedata.is_normalized("NFKC", text):  # most pages once their punctuation is mapped (~2 µs)
        return text
    mapped = changes.sub(lambda m: table[m.group()], text)
    if unicodedata.is_normalized("NFKC", mapped):
        return mapped
    return unicodedata.normalize("NFKC", text)


_RADICAL = re.compile("[\u2e80-\u2fdf]")


@cache
def _radical_ideographs() -> dict[str, str]:
    """Kangxi radicals as the ideograph NFKC gives, in its Simplified form (⾧ → 長 → 长), and the
    supplement's radicals (⺠ → 民)."""
    table = {c: to_simplified(unicodedata.normalize("NFKC", c)) for c in map(chr, range(0x2F00, 0x2FD6))}
    return table | _RADICALS


def fold_radicals(text: str) -> str:
    """Radicals a PDF text layer writes for the ideographs of the same glyph (⼈ for 人, ⺠ for 民,
    ⾧ for 长), as those ideographs: before the script is judged, so they do not pass for Traditional."""
    if not _RADICAL.search(text):
        return text
    table = _radical_ideographs()
    return _RADICAL.sub(lambda m: table.get(m.group(), m.group()), text)


def normalise(raw: str) -> tuple[str, str]:
    """Return (normalised text, script of the source)."""
    without_pinyin, n_pinyin = strip_pinyin(fold_radicals(raw))
    simplified = to_simplified(without_pinyin)
    script = detect_script(without_pinyin, simplified, n_pinyin)
    # t2s is not the identity on Simplified text (乾县 → 干县): convert only Traditional sources.
    text = nfkc(simplified if script == "traditional" else without_pinyin).replace("\u3000", " ").replace("\xa0", " ")
    return text.replace("\r\n", "\n").replace("\r", "\n"), script


# One character compact() removes: whitespace (str.isspace, as \s; listed, it is a table lookup, not a
# call per character; U+3000 is the last whitespace character), pipes, quotes.
LABEL_JUNK = "[" + re.escape("".join(c for c in map(chr, range(0x3001)) if c.isspace())) + "|\"'“”‘’「」『』]"
# A run written as one character and then "*" (the same matches as "[…]+"): a pattern that starts with
# a class is scanned for by the regex engine's C loop over the characters, while one that starts with a
# repeat is tried as a whole match at every character (~4x the instructions on a long line of prose).
_LABEL_JUNK = re.compile(LABEL_JUNK + LABEL_JUNK + "*")


@lru_cache(maxsize=1 << 16)  # row labels repeat across documents of one template
def compact(label: str) -> str:
    """A label with whitespace, pipes and quotes removed, for keyword matching."""
    return _LABEL_JUNK.sub("", label)
