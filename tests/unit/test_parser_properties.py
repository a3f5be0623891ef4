"""Property tests: random valid 表三/表四 rendered in the layouts real reports use.

For every layout the parser must return exactly the figures it was given, or
null with an issue; never a different number. Blank cells must come back
null, never 0.
"""

from __future__ import annotations

import html as html_lib
import os
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.parsing import html, layout, tables, text

# OGI_HYPOTHESIS_EXAMPLES=500 for a deeper run; the default keeps the unit suite fast.
SETTINGS = settings(max_examples=int(os.environ.get("OGI_HYPOTHESIS_EXAMPLES", "25")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

GROUPS_2021 = [
    ("一、本年新收政府信息公开申请数量", None), ("二、上年结转政府信息公开申请数量", None),
    ("（一）予以公开", "三、本年度办理结果"), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("1.属于国家秘密", "（三）不予公开"), ("2.其他法律行政法规禁止公开", None), ("3.危及“三安全一稳定”", None),
    ("4.保护第三方合法权益", None), ("5.属于三类内部事务信息", None), ("6.属于四类过程性信息", None),
    ("7.属于行政执法案卷", None), ("8.属于行政查询事项", None),
    ("1.本机关不掌握相关政府信息", "（四）无法提供"), ("2.没有现成信息需要另行制作", None),
    ("3.补正后申请内容仍不明确", None), ("1.信访举报投诉类申请", "（五）不予处理"), ("2.重复申请", None),
    ("3.要求提供公开出版物", None), ("4.无正当理由大量反复申请", None), ("5.要求行政机关确认或重新出具已获取信息", None),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", None), ("3.其他", None),
    ("（七）总计", None), ("四、结转下年度继续办理", None),
]
GROUPS_2019 = GROUPS_2021[:20] + [("（六）其他处理", None)] + GROUPS_2021[23:]
from tests.unit.contract_rows import T3_KEYS_2021 as KEYS_2021  # noqa: E402
KEYS_2019 = KEYS_2021[:20] + ["other_handling"] + KEYS_2021[23:]
PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")

counts = st.one_of(st.just(0), st.just(0), st.integers(0, 9), st.integers(0, 999), st.integers(0, 99999))


@st.composite
def report_tables(draw, blanks: bool = True):
    """(edition, 表三 rows, 表四 rows): identities hold; some cells blank (None) when `blanks`."""
    edition = draw(st.sampled_from(["2021", "2019"]))
    n_results = 21 if edition == "2021" else 19
    results = [[draw(counts) for _ in range(6)] for _ in range(n_results)]
    total = [sum(col) for col in zip(*results)]
    forward = [draw(counts) for _ in range(6)]
    over = [draw(st.integers(0, t + f)) for t, f in zip(total, forward)]
    new = [t + f - o for t, f, o in zip(total, forward, over)]
    t3 = [r + [sum(r)] for r in [new, over, *results, total, forward]]
    t4 = []
    for _ in PROCEEDINGS:
        parts = [draw(counts) for _ in range(4)]
        t4.append(parts + [sum(parts)])
    if blanks:
        for r, c in draw(st.sets(st.tuples(st.integers(0, len(t3) - 1), st.integers(0, 6)), max_size=4)):
            t3[r][c] = None
        for p, c in draw(st.sets(st.tuples(st.integers(0, 2), st.integers(0, 4)), max_size=2)):
            t4[p][c] = None
    return edition, t3, t4


def _labels(edition: str) -> list[tuple[str, str | None]]:
    return GROUPS_2021 if edition == "2021" else GROUPS_2019


T3_HEAD = "三、收到和处理政府信息公开申请情况"
T4_HEAD = ("四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉",
           *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3))


def _cell(v, blank: str) -> str:
    return blank if v is None else str(v)


def render_separated(edition, t3, t4, sep: str, blank: str, border: bool = False) -> str:
    b = (lambda line: f"| {line} |") if border else (lambda line: line)
    lines = [T3_HEAD, "申请人情况", b(sep.join(["自然人", "法人或其他组织", "总计"]))]
    for (label, group), row in zip(_labels(edition), t3):
        prefix = f"{group}{sep}" if group else ""
        lines.append(b(prefix + label + sep + sep.join(_cell(v, blank) for v in row)))
    lines.append(T4_HEAD[0])
    lines.append(b(sep.join(T4_HEAD[1:])))
    lines.append(b(sep.join(_cell(v, blank) for row in t4 for v in row)))
    lines.append("五、存在的主要问题及改进情况")
    return "\n".join(lines)


def render_one_per_line(edition, t3, t4, blank: str) -> str:
    lines = [T3_HEAD]
    for (label, group), row in zip(_labels(edition), t3):
        if group:
            lines.append(group + " |")
        lines.append(label + " |")
        lines += [_cell(v, blank) + " |" for v in row]
    lines += [h + " |" for h in T4_HEAD]
    lines += [_cell(v, blank) + " |" for row in t4 for v in row]
    lines.append("五、存在的主要问题及改进情况")
    return "\n".join(lines)


def render_html(edition, t3, t4) -> bytes:
    labels = _labels(edition)
    rows = [('<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>'
             '<td colspan="7">申请人情况</td></tr>'),
            '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>',
            "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"]
    spans = {"三、本年度办理结果": len(labels) - 4, "（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5,
             "（六）其他处理": 3 if edition == "2021" else 1}
    for (label, group), row in zip(labels, t3):
        cells = "".join(f"<td>{'' if v is None else v}</td>" for v in row)
        if label.startswith(("一、", "二、", "四、")):
            head = f'<td colspan="3">{label}</td>'
        elif group == "三、本年度办理结果":
            head = f'<td rowspan="{spans[group]}">{group}</td><td colspan="2">{label}</td>'
        elif group:
            head = f'<td rowspan="{spans[group]}">{group}</td><td>{label}</td>'
        elif label.startswith(("（", "(")):
            head = f'<td colspan="2">{label}</td>'
        else:
            head = f"<td>{label}</td>"
        rows.append(f"<tr>{head}{cells}</tr>")
    t4_rows = ('<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
               '<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>'
               '<td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>'
               "<tr>" + "<td></td>" * 5 + "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>" * 2
               + "</tr><tr>" + "".join(f"<td>{'' if v is None else v}</td>" for row in t4 for v in row) + "</tr>")
    page = (f"<html><head><meta charset='utf-8'><title>{html_lib.escape('某区2024年政府信息公开工作年度报告')}</title>"
            "<script>document.write('<table><tr><td>1</td></tr></table>')</script></head><body>"
            "<div class='nav'><a href='/'>首页</a> &gt; <a href='/x'>政府信息公开</a></div>"
            f"<div id='zoom'><p>{T3_HEAD}</p><table>{''.join(rows)}</table>"
            f"<p>{T4_HEAD[0]}</p><table>{t4_rows}</table><p>五、存在的主要问题及改进情况</p></div>"
            "<div style='display:none'>一、本年新收政府信息公开申请数量 9 9 9 9 9 9 54</div></body></html>")
    return page.encode("utf-8")


def render_glued(edition, t3, t4, spaces: list[bool]) -> str:
    """Every cell run together, as crawler dumps print HTML tables; `spaces` puts stray spaces at some
    cell boundaries."""
    out = [T3_HEAD, "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"]
    k = 0
    for (label, group), row in zip(_labels(edition), t3):
        out.append((group or "") + label)
        for v in row:
            out.append(str(v) + (" " if spaces[k % len(spaces)] else ""))
            k += 1
    out.append("".join(T4_HEAD))
    out += [str(v) for row in t4 for v in row]
    out.append("五、存在的主要问题及改进情况")
    return "".join(out)


@cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def parse_text(raw: str) -> tables.Tables:
    normalised, _ = text.normalise(raw)
    return tables.read_tables(layout.cells_from_text(normalised))


def check(found: tables.Tables, edition: str, t3, t4) -> None:
    ap, rv = found.applications, found.reviews
    assert ap.edition == edition
    keys = KEYS_2021 if edition == "2021" else KEYS_2019
    lost = False
    for key, want in zip(keys, t3):
        got = ap.rows[key]
        for w, g in zip(want, got):
            assert g is None or g == w, f"表三 {key}: printed {want}, parsed {got}"
            lost |= g is None and w is not None
    assert not lost or ap.issues, "表三 figures dropped without an issue"
    lost = False
    for proceeding, want in zip(PROCEEDINGS, t4):
        got = rv.rows[proceeding]
        for w, g in zip(want, got):
            assert g is None or g == w, f"表四 {proceeding}: printed {want}, parsed {got}"
            lost |= g is None and w is not None
    assert not lost or rv.issues, "表四 figures dropped without an issue"


def check_exact(found: tables.Tables, edition: str, t3, t4) -> None:
    """Layouts that keep every cell boundary must give back every figure."""
    check(found, edition, t3, t4)
    keys = KEYS_2021 if edition == "2021" else KEYS_2019
    assert [found.applications.rows[k] for k in keys] == t3
    assert [found.reviews.rows[p] for p in PROCEEDINGS] == t4


@SETTINGS
@given(report_tables(), st.sampled_from([" | ", "|"]), st.sampled_from(["", "—", "-", "/"]), st.booleans())
def test_pipes(data, sep, blank, border):
    edition, t3, t4 = data
    found = parse_text(render_separated(edition, t3, t4, sep, blank, border))
    if border or blank:
        check_exact(found, edition, t3, t4)
    else:
        check(found, edition, t3, t4)  # "a | 1 | " cannot keep an empty last cell without a border


@SETTINGS
@given(report_tables(), st.sampled_from([" ", "  ", "\t"]), st.sampled_from(["—", "-", "/", "无"]))
def test_spaces(data, sep, blank):
    edition, t3, t4 = data
    check_exact(parse_text(render_separated(edition, t3, t4, sep, blank)), edition, t3, t4)


@SETTINGS
@given(report_tables(), st.sampled_from(["—", "", "-"]))
def test_one_cell_per_line(data, blank):
    edition, t3, t4 = data
    found = parse_text(render_one_per_line(edition, t3, t4, blank))
    if blank:
        check_exact(found, edition, t3, t4)
    else:
        check(found, edition, t3, t4)  # an empty line loses the blank cell: null with an issue at worst


@SETTINGS
@given(report_tables())
def test_html_with_spans(data):
    edition, t3, t4 = data
    check_exact(parse_text(html.text_from_html(render_html(edition, t3, t4))), edition, t3, t4)


@SETTINGS
@given(report_tables(blanks=False), st.lists(st.booleans(), min_size=1, max_size=7))
def test_run_together_digits(data, spaces):
    edition, t3, t4 = data
    check(parse_text(render_glued(edition, t3, t4, spaces)), edition, t3, t4)


@SETTINGS
@given(report_tables(), st.sampled_from([" | ", " "]))
def test_traditional(data, sep):
    edition, t3, t4 = data
    raw = _s2t().convert(render_separated(edition, t3, t4, sep, "—"))
    check_exact(parse_text(raw), edition, t3, t4)


@SETTINGS
@given(report_tables(), st.integers(1, 24))
def test_lost_label_never_shifts_a_figure(data, lost):
    edition, t3, t4 = data
    lines = render_separated(edition, t3, t4, " | ", "—").split("\n")
    row_line = 3 + lost
    if row_line < len(lines) and "总计" not in lines[row_line]:
        lines[row_line] = " | ".join(lines[row_line].split(" | ")[-7:])  # the row's labels are lost
    check(parse_text("\n".join(lines)), edition, t3, t4)
