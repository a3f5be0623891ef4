"""Report-level facts from normalised text: title, organization, year, dates, sections, scope.

Pure functions over the Simplified, NFKC text (text.normalise). Each looks in
the most reliable place first: the metadata block and the statistical-period
sentence beat the title, which beats the signature, which beats the page date
(mirrors re-date pages: report-format.md §5.7).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

_YEAR = r"((?:19|20)\d{2})"
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:[-/.年]\s*)(\d{1,2})\s*(?:[-/.月]\s*)(\d{1,2})\s*日?")
# "…政府信息公开工作年度报告", "…政务信息公开年报", and bodies that drop 政府 ("…税务局2013年信息公开年度报告").
_TITLE = re.compile(r"(?:政府|政务)信息公开(?:工作)?(?:年度)?(?:报告|年报)|信息公开(?:工作)?年度报告")
# Page furniture that names the column a report sits in ("栏目: 政府信息公开年报", a breadcrumb
# "首页 > 政府信息公开 > 政府信息公开年报"): never the title.
_NOT_TITLE = re.compile(r"^(?:所属)?(?:栏目|分类|类别|主题分类|当前位置|位置|来源|信息来源|专题)\s*[:：>]|[>＞»]")
_ORG_SUFFIX = re.compile(
    r"(人民政府|政府|办公室|办公厅|党政办|局|委员会|委|办|厅|中心|办事处|管委会|管理委员会|街道|镇|乡|院|所|队|站|署|部|会)$"
)
_META_DATE_FIELDS = ("发布日期", "公开日期", "发布时间", "发文日期", "成文日期", "生成日期")
_META_ORG_FIELDS = ("发布机构", "发布单位", "发文机关", "发文单位", "公开单位", "信息来源", "来源")
_PERIOD = re.compile(r"统计(?:期限|时限|区间|时间|周期|数据|范围)[^0-9]{0,12}" + _YEAR)
_REGION_WIDE = re.compile(
    r"全(?:市|区|县|省|州|盟|旗|自治区)(?:各级)?(?:各)?(?:行政机关|政府部门|政府系统)"
    r"|综合(?:了)?(?:全?[市区县省])?各.{0,30}(?:编制|汇总|编写)"
    r"|汇总.{0,12}各(?:乡镇|县|区|部门|单位)"
)


@dataclass
class ReportFacts:
    title: str | None
    organization: str | None
    organization_candidates: list[str]
    year: int | None
    year_source: str | None
    publish_date: dt.date | None
    overview: str | None
    problems: str | None
    other_matters: str | None
    scope: str


_MARKUP = re.compile(r"^(?:#{1,6}\s+|\*\*)|\*\*$")


def _lines(text: str) -> list[str]:
    """Non-empty lines without table borders and markdown heading/bold marks (converted PDFs).

    Only a text with a "#" or "*" (_MARKUP's only characters) needs the markdown pass.
    """
    if "#" not in text and "*" not in text:
        return [ln for raw in text.split("\n") if (ln := raw.strip().strip("|").strip())]
    out = []
    for ln in text.split("\n"):
        ln = ln.strip().strip("|").strip()
        if "#" in ln or "*" in ln:  # the only characters _MARKUP matches
            ln = _MARKUP.sub("", ln).strip()
        if ln:
            out.append(ln)
    return out


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "Ｏ": 0, "0": 0}
_CN_DATE = re.compile(r"([〇零○OＯ0一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


def _cn_number(s: str) -> int:
    """一 … 三十一 (month and day numerals)."""
    if "十" not in s:
        return _CN_DIGITS[s]
    tens, _, units = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _arabic_date(line: str) -> str:
    """"二〇二四年一月十九日" (official documents often sign so) as "2024年1月19日"; other text as it is."""
    m = _CN_DATE.search(line)
    if not m:
        return line
    year = "".join(str(_CN_DIGITS[c]) for c in m.group(1))
    return line[:m.start()] + f"{year}年{_cn_number(m.group(2))}月{_cn_number(m.group(3))}日" + line[m.end():]


# A date line opens with its year, in digits or in Chinese numerals.
_DATE_LINE_FIRST = frozenset("12" + "".join(_CN_DIGITS))


def _date_line(line: str) -> re.Match | None:
    """A line that is only a date (a signature's).

    Any other first character rejects the line before a Chinese date is looked for in all of it
    (a web page's body is often one line of thousands of characters)."""
    line = line.replace(" ", "")
    return _DATE.fullmatch(_arabic_date(line)) if line[:1] in _DATE_LINE_FIRST else None


def _to_date(m: re.Match) -> dt.date | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


_META_FIELD_NAMES = (*_META_DATE_FIELDS, *_META_ORG_FIELDS, "索引号", "网站标识码", "主题分类", "分类", "类别", "文号",
                    "发布文号", "时效", "有效性", "阅读", "浏览次数", "组配分类", "主题词")
_META_FIELD = re.compile(r"(" + "|".join(sorted(map(re.escape, _META_FIELD_NAMES), key=len, reverse=True))
                         + r")\s*[:：]?\s*\|?\s*")


def metadata_fields(lines: list[str]) -> dict[str, str]:
    """Label/value pairs of the metadata block (索引号 | … | 发布机构 | … ), first 15 lines.

    Values run up to the next field name or cell border: page furniture glues fields together
    ("来源:自贡市人民政府办公室类别:…发布时间:2025-01-17阅读:").
    """
    out: dict[str, str] = {}
    for line in lines[:15]:
        matches = list(_META_FIELD.finditer(line))
        for n, m in enumerate(matches):
            if m.group(1) in out:
                continue  # the first value of a field is kept: a later one is not cut out
            end = matches[n + 1].start() if n + 1 < len(matches) else len(line)
            value = line[m.end():end].partition("|")[0].strip()
            if value:
                out[m.group(1)] = value
    return out


# A title's year and the words that end it: for a title wrapped over two or three lines.
_YEAR_TITLE = re.compile(_YEAR + r"\s*年度?[^。|]{0,40}?(?:" + _TITLE.pattern + ")")


def _title_like(line: str) -> bool:
    # A title is not a sentence: a line with "。" is prose that mentions the report (often the
    # wrapped tail of "…现向社会公布XX局2023年度政府信息公开年度报告。").
    return len(line) <= 60 and "《" not in line and "。" not in line and not _NOT_TITLE.search(line)


def _wrapped_title(lines: list[str], i: int) -> str | None:
    """The title that starts on line i and wraps onto the next one or two, the break anywhere
    ("XX镇人民政府2025" / "年政府信息公开工作年度报" / "告"; "…2023年政" / "府信息公开工作年度报告"):
    its year is on the first line and its last words on the last, or its title words run across a
    break into a short last line ("XX局政府信息公" / "开工作年度报告")."""
    for k in (2, 3):
        window = lines[i:i + k]
        if len(window) < k or not all(_title_like(w) and "|" not in w for w in window):
            return None
        joined = "".join(window)
        tail = len(joined) - len(window[-1])
        m = _YEAR_TITLE.search(joined)
        if m and m.start() < len(window[0]) and m.end() > tail:
            return joined
        m = _TITLE.search(joined)
        if k == 2 and m and m.start() < len(window[0]) < m.end() and len(window[-1]) <= 12:
            return joined
    return None


def find_title(lines: list[str]) -> tuple[str | None, int | None]:
    """The first title-like line near the top that names a year, else the first title-like line."""
    found: list[tuple[str, int]] = []
    for i, line in enumerate(lines[:25]):
        if not _title_like(line):
            continue
        if not _TITLE.search(line):
            line = _wrapped_title(lines, i)
            if line is None:
                continue
        title = re.sub(r"^(标题|题目)\s*[:：]\s*", "", line)
        # "来源:…发布时间:…" furniture glued to the title line
        title = re.split(r"(来源|发布时间|发布日期)[:：]", title)[0].strip()
        if re.search(_YEAR, title):
            return title, i
        found.append((title, i))
    return found[0] if found else (None, None)


def _clean_org(name: str) -> str | None:
    name = re.sub(r"[\s|]", "", name)
    name = re.sub(r"(关于|的)$", "", name)
    name = name.strip("—-_:：,，")
    if not name or len(name) > 40 or re.search(r"\d", name):
        return None
    return name


def _org_like(line: str) -> bool:
    return 2 <= len(line) <= 40 and not re.search(r"\d|[,，。;；:：]", line) and bool(_ORG_SUFFIX.search(line))


def organization_from_title(title: str) -> str | None:
    m = re.search(_YEAR + r"\s*年度?", title)
    if not m:
        head = _TITLE.split(title)[0]
        return _clean_org(head) if head else None
    before = title[: m.start()]
    if _clean_org(before):
        return _clean_org(before)
    after = title[m.end():]
    head = re.split(r"(政府|政务)信息公开", after)[0]
    return _clean_org(head)


def find_signature(lines: list[str]) -> tuple[str | None, dt.date | None]:
    """(body, date) of the closing signature: a date line near the end, the body just above it."""
    tail = lines[-8:]
    for j in range(len(tail) - 1, -1, -1):
        m = _date_line(tail[j])
        if m:
            body = tail[j - 1] if j > 0 and _org_like(tail[j - 1]) else None
            return body, _to_date(m)
    return None, None


def find_year(text: str, title: str | None, publish_date: dt.date | None) -> tuple[int | None, str | None]:
    m = _PERIOD.search(text[:5000])
    if m:
        return int(m.group(1)), "period"
    if title:
        m = re.search(_YEAR + r"\s*年", title)
        if m:
            return int(m.group(1)), "title"
    m = re.search(_YEAR + r"\s*年度?(?:政府|政务)信息公开", text[:3000])
    if m:
        return int(m.group(1)), "text"
    if publish_date:
        return publish_date.year - 1, "publish_date"
    return None, None


_HEADING = re.compile(r"^[一二三四五六七八九十]{1,2}\s*[、.．]\s*(.{2,40})$")
_SECTION_KEYS = {
    "overview": ("总体情况", "概述", "基本情况"),
    "active": ("主动公开",),
    "requests": ("收到和处理", "依申请"),
    "reviews": ("复议", "诉讼"),
    "problems": ("问题", "不足", "改进"),
    "other": ("其他需要报告", "其他事项", "其他需报告"),
}
_CHROME = re.compile(r"^(分享到|扫一扫|打印本页|关闭窗口|【打印】|【关闭】|字号|相关链接|附件[:：]).*$")
# _CHROME as prefixes: a line (no "\n" in it) matches exactly when it starts with one.
_CHROME_PREFIXES = ("分享到", "扫一扫", "打印本页", "关闭窗口", "【打印】", "【关闭】", "字号", "相关链接", "附件:", "附件：")
_HEADING_FIRST = frozenset("一二三四五六七八九十")


@lru_cache(maxsize=1 << 12)  # headings repeat across reports ("一、总体情况")
def _section_key(heading: str) -> str | None:
    """The first _SECTION_KEYS key one of whose words the heading holds."""
    for key, words in _SECTION_KEYS.items():
        if any(w in heading for w in words):
            return key
    return None


def find_sections(lines: list[str]) -> dict[str, str | None]:
    heads: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        m = _HEADING.match(line) if line[:1] in _HEADING_FIRST else None
        if not m:
            continue
        key = _section_key(m.group(1))
        if key is not None:
            heads.append((i, key))
    out: dict[str, str | None] = {"overview": None, "problems": None, "other": None}
    for n, (i, key) in enumerate(heads):
        if key not in out or out[key] is not None:
            continue
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        body = []
        for line in lines[i + 1:end]:
            if "|" in line or line.startswith(_CHROME_PREFIXES):
                break
            body.append(line)
        if key == "other":
            # Drop the closing signature (body line + date line).
            while body and (_date_line(body[-1]) or _org_like(body[-1])):
                body.pop()
        out[key] = "\n".join(body).strip() or None
    return out


def report_facts(text: str) -> ReportFacts:
    lines = _lines(text)
    meta = metadata_fields(lines)
    title, title_idx = find_title(lines)
    candidates: list[str] = []
    if title:
        org = organization_from_title(title)
        if org:
            candidates.append(org)
        elif title_idx and _org_like(lines[title_idx - 1]):
            candidates.append(lines[title_idx - 1])
            title = lines[title_idx - 1] + title
    sig_org, sig_date = find_signature(lines)
    if sig_org:
        candidates.append(sig_org)
    for field in _META_ORG_FIELDS:
        if field in meta and _org_like(meta[field]):
            candidates.append(meta[field])
    candidates = list(dict.fromkeys(c for c in candidates if c))
    if title_idx and candidates and candidates[0] == organization_from_title(title):
        # A title wrapped inside the body's name ("…退役军人事" / "务局2024年政府信息公开…") leaves a tail
        # of it in the title line: the line above plus that tail is the name the signature or the
        # metadata gives.
        whole = re.sub(r"\s", "", lines[title_idx - 1]) + candidates[0]
        if whole in candidates[1:]:
            candidates.remove(whole)
            candidates.insert(0, whole)
            title = lines[title_idx - 1] + title

    publish_date = None
    for field in _META_DATE_FIELDS:
        if field in meta:
            m = _DATE.search(meta[field])
            if m and (publish_date := _to_date(m)):
                break
    publish_date = publish_date or sig_date
    year, year_source = find_year(text, title, publish_date)
    sections = find_sections(lines)
    scope = "region_wide" if _REGION_WIDE.search(text) else "self"
    return ReportFacts(
        title=title,
        organization=candidates[0] if candidates else None,
        organization_candidates=candidates,
        year=year,
        year_source=year_source,
        publish_date=publish_date,
        overview=sections["overview"],
        problems=sections["problems"],
        other_matters=sections["other"],
        scope=scope,
    )


def looks_like_annual_report(text: str) -> bool:
    """An OGI annual report names itself so, or prints the format's section headings."""
    head = text[:4000]
    if _TITLE.search(head):
        return True
    hits = sum(w in text for w in ("总体情况", "主动公开", "依申请公开", "行政复议", "政府信息公开"))
    return hits >= 4
