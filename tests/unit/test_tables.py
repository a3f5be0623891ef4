"""tasks.parsing.tables on small strings: one test per layout and per edge case seen in real reports."""

from __future__ import annotations

import pytest

from tasks.parsing import layout, tables, text
from tasks.parsing.tables import BLANK, EMPTY, LABEL, NUM, classify, glued_pieces, identity_splits


def read(raw: str) -> tables.Tables:
    normalised, _ = text.normalise(raw)
    return tables.read_tables(layout.cells_from_text(normalised))


def codes(table: tables.ParsedTable) -> set[str]:
    return {i.code for i in table.issues}


T3_LABELS_2021 = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果 （一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开 1.属于国家秘密",
    "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息",
    "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项", "（四）无法提供 1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确", "（五）不予处理 1.信访举报投诉类申请", "2.重复申请",
    "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "（七）总计",
    "四、结转下年度继续办理",
]
from tests.unit.contract_rows import T3_KEYS_2021  # noqa: E402
T4_HEADER = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议 | 行政诉讼\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | "
             "未经复议直接起诉 | 复议后起诉\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | "
             "尚未审结 | 总计")


def t3_rows(replace: dict[int, list[int]] | None = None) -> list[list[int]]:
    """A consistent 2021 表三: row totals, (七)总计 and 一+二 = (七)+四 all hold.

    `replace` sets result rows (0 = （一）予以公开) before the totals are worked out.
    """
    results = [[(r * 3 + c) % 4 for c in range(6)] for r in range(21)]
    results[0] = [12, 1, 0, 0, 2, 0]
    for r, row in (replace or {}).items():
        results[r] = row
    total = [sum(col) for col in zip(*results)]
    carried_forward = [1, 0, 0, 0, 0, 0]
    carried_over = [2, 0, 0, 0, 0, 0]
    new = [t + f - o for t, f, o in zip(total, carried_forward, carried_over)]
    rows = [new, carried_over, *results, total, carried_forward]
    return [r + [sum(r)] for r in rows]


def render_t3(rows: list[list[int]], sep: str = " | ") -> str:
    head = "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人 | 法人或其他组织 | 总计\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他"
    body = "\n".join(label + sep + sep.join(str(v) for v in row) for label, row in zip(T3_LABELS_2021, rows))
    return head + "\n" + body


# --- tokens ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell,kind,value,unit", [
    ("12", NUM, 12, None), ("1,234", NUM, 1234, None), ("43.788万元", NUM, 43.788, "万元"),
    ("251000元", NUM, 251000, "元"), ("+1036", NUM, 1036, None), ("-2", NUM, -2, None),
    ("22（其中修订16件）", NUM, 22, None), ("55(含自然失效29件)", NUM, 55, None),
    ("—", BLANK, None, None), ("/", BLANK, None, None), ("无", BLANK, None, None), ("", EMPTY, None, None),
    ("规章", LABEL, None, None),
])
def test_classify(cell, kind, value, unit):
    tok = classify(cell)
    assert tok.kind == kind
    assert tok.value == value
    assert tok.unit == unit


def test_glued_pieces_give_the_enumerator_back_to_the_next_label():
    assert glued_pieces("5.属于三类内部事务信息3200000326.属于四类过程性信息") == (
        ("label", "5.属于三类内部事务信息"), ("run", "320000032"), ("label", "6.属于四类过程性信息"))
    assert glued_pieces("行政事业性收费18651.06三、收到") == (
        ("label", "行政事业性收费"), ("run", "18651.06"), ("label", "三、收到"))
    assert glued_pieces("（六）其他处理1、申请人") == (("label", "（六）其他处理1、申请人"),)


# --- identity splits ---------------------------------------------------------------------------


def test_identity_split_of_a_run_together_row_is_unique():
    assert identity_splits(["21710000218"], 7, tables.T3_IDENTITY) == [[217, 1, 0, 0, 0, 0, 218]]
    assert identity_splits(["320000032"], 7, tables.T3_IDENTITY) == [[32, 0, 0, 0, 0, 0, 32]]


def test_identity_split_of_reviews():
    assert identity_splits(["21317000001324019"], 15, tables.T4_IDENTITY) == [
        [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]]


def test_spaces_are_hard_boundaries_and_zeros_have_no_leading_zero():
    assert identity_splits(["230", "000023"], 7, tables.T3_IDENTITY) == [[23, 0, 0, 0, 0, 0, 23]]
    assert identity_splits(["0230000023"], 7, tables.T3_IDENTITY) == []


def test_ambiguous_split_finds_every_reading():
    # 1|10|0|0|0|0|11 and 11|0|0|0|0|0|11 both satisfy the row identity: the row must not be published.
    assert identity_splits(["110000011"], 7, tables.T3_IDENTITY) == [[1, 10, 0, 0, 0, 0, 11],
                                                                      [11, 0, 0, 0, 0, 0, 11]]


def test_ambiguous_run_together_row_is_null_with_an_issue():
    rows = t3_rows()
    rows[16] = [11, 0, 0, 0, 0, 0, 11]
    glued = "".join(label.replace(" ", "") + "".join(str(v) for v in row) for label, row in zip(T3_LABELS_2021, rows))
    found = read("三、收到和处理政府信息公开申请情况" + glued)
    assert found.applications.rows["rejected_duplicate"] == [None] * 7
    assert any("more than one split" in i.detail for i in found.applications.issues)


def glue_t3(rows: list[list[int]]) -> str:
    return "三、收到和处理政府信息公开申请情况" + "".join(
        label.replace(" ", "") + "".join(str(v) for v in row) for label, row in zip(T3_LABELS_2021, rows))


def test_row_ambiguous_on_its_own_is_split_by_the_column_identities():
    # "110000011" reads 1|10|0|0|0|0|11 or 11|0|0|0|0|0|11; only one keeps (七)总计 = Σ results per column.
    rows = t3_rows({14: [11, 0, 0, 0, 0, 0]})
    found = read(glue_t3(rows))
    assert found.applications.rows["rejected_duplicate"] == [11, 0, 0, 0, 0, 0, 11]
    assert [found.applications.rows[k] for k in T3_KEYS_2021] == rows
    assert "row_unalignable" not in codes(found.applications)
    assert "split_by_identity" in codes(found.applications)


def test_rows_the_column_identities_cannot_tell_apart_stay_null():
    # Two rows that both read "110000011": swapping their readings keeps every column sum.
    rows = t3_rows({14: [11, 0, 0, 0, 0, 0], 15: [1, 10, 0, 0, 0, 0]})
    found = read(glue_t3(rows))
    assert found.applications.rows["rejected_duplicate"] == [None] * 7
    assert found.applications.rows["rejected_publication"] == [None] * 7
    assert sum("more than one split" in i.detail for i in found.applications.issues) >= 2


def test_inconsistent_columns_resolve_nothing():
    rows = t3_rows({14: [11, 0, 0, 0, 0, 0]})
    rows[-2] = [v + 1 if c in (0, 6) else v for c, v in enumerate(rows[-2])]  # (七)总计 misprinted by the source
    found = read(glue_t3(rows))
    assert found.applications.rows["rejected_duplicate"] == [None] * 7


# --- 表三 layouts ------------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [" | ", " ", "\t", "  "])
def test_t3_separated_layouts(sep):
    rows = t3_rows()
    found = read(render_t3(rows, sep) + "\n" + T4_HEADER + "\n" + " | ".join(["0"] * 15))
    assert found.applications.edition == "2021"
    assert [found.applications.rows[k] for k in T3_KEYS_2021] == rows
    assert not codes(found.applications) & {"row_unalignable", "row_missing", "row_unplaced"}


def test_t3_one_cell_per_line():
    rows = t3_rows()
    body = "\n".join(label + "\n" + "\n".join(f"{v} |" for v in row) for label, row in zip(T3_LABELS_2021, rows))
    found = read("三、收到和处理政府信息公开申请情况\n" + body)
    assert [found.applications.rows[k] for k in T3_KEYS_2021] == rows


def test_t3_run_together_digits_split_by_identities():
    rows = t3_rows()
    glued = "".join(label.replace(" ", "") + "".join(str(v) for v in row) for label, row in zip(T3_LABELS_2021, rows))
    found = read("三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计" + glued + "五、存在的主要问题及改进情况")
    got = [found.applications.rows[k] for k in T3_KEYS_2021]
    for want, have in zip(rows, got):
        assert have == want or have == [None] * 7
    assert "split_by_identity" in codes(found.applications)


def test_t3_blank_cells_stay_null_never_zero():
    found = read(render_t3(t3_rows()).replace("二、上年结转政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2",
                                              "二、上年结转政府信息公开申请数量 | 2 | — |  | 0 | 0 | 0 | 2"))
    assert found.applications.rows["carried_over"] == [2, None, None, 0, 0, 0, 2]


def test_t3_row_with_missing_figures_is_null_with_an_issue():
    rows = t3_rows()
    doc = render_t3(rows).replace("2.重复申请 | " + " | ".join(map(str, rows[16])), "2.重复申请 | 0 | 3 | 2")
    found = read(doc)
    assert found.applications.rows["rejected_duplicate"] == [None] * 7
    assert "row_unalignable" in codes(found.applications)


def test_t3_2019_edition_single_other_row():
    rows = t3_rows()
    labels = T3_LABELS_2021[:20] + ["（六）其他处理", "（七）总计", "四、结转下年度继续办理"]
    merged = rows[:20] + [[a + b + c for a, b, c in zip(*rows[20:23])]] + rows[23:]
    body = "\n".join(lab + " | " + " | ".join(map(str, r)) for lab, r in zip(labels, merged))
    found = read("三、收到和处理政府信息公开申请情况\n" + body)
    assert found.applications.edition == "2019"
    assert found.applications.rows["other_handling"] == merged[20]
    assert found.applications.rows["carried_forward"] == merged[22]


def test_t3_lost_labels_placed_by_position():
    rows = t3_rows()
    lines = [lab + " | " + " | ".join(map(str, r)) for lab, r in zip(T3_LABELS_2021, rows)]
    lines[5] = " | ".join(map(str, rows[5]))  # label 2.其他法律… lost
    found = read("三、收到和处理政府信息公开申请情况\n" + "\n".join(lines))
    assert found.applications.rows["withheld_law_prohibited"] == rows[5]
    assert "row_by_position" in codes(found.applications)


def test_t3_detached_labels_rows_placed_by_position_when_counts_match():
    # PDF→markdown: some labels on lines of their own, out of order; 25 value rows in table order.
    rows = t3_rows()
    lines = []
    for n, (lab, r) in enumerate(zip(T3_LABELS_2021, rows)):
        cells = " | ".join(map(str, r))
        if n in (3, 8, 12, 20):
            lines.append(f"| {cells} |")
        else:
            lines.append(f"| {lab} | {cells} |")
    lines.insert(9, "1.本机关不掌握相关政府信息")  # a detached label printed before the wrong row
    found = read("三、收到和处理政府信息公开申请情况\n" + "\n".join(lines))
    assert [found.applications.rows[k] for k in T3_KEYS_2021] == rows


def test_t3_column_header_word_is_not_the_last_row():
    rows = t3_rows()
    lines = [lab + " | " + " | ".join(map(str, r)) for lab, r in zip(T3_LABELS_2021, rows)]
    lines.insert(21, "| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 | 部分公开 | 不予公开 | 结转下年度 | 总计 |")
    found = read("三、收到和处理政府信息公开申请情况\n" + "\n".join(lines))
    assert [found.applications.rows[k] for k in T3_KEYS_2021] == rows


def test_page_footer_inside_a_table_is_not_a_figure():
    rows = t3_rows()
    lines = [lab + " | " + " | ".join(map(str, r)) for lab, r in zip(T3_LABELS_2021, rows)]
    lines.insert(10, "— 5 —")
    found = read("三、收到和处理政府信息公开申请情况\n" + "\n".join(lines))
    assert [found.applications.rows[k] for k in T3_KEYS_2021] == rows


# --- 表四 --------------------------------------------------------------------------------------


def test_t4_one_row():
    found = read(render_t3(t3_rows()) + "\n" + T4_HEADER + "\n" + " | ".join(map(str, range(15))))
    assert found.reviews.rows["administrative_review"] == [0, 1, 2, 3, 4]
    assert found.reviews.rows["litigation_after_review"] == [10, 11, 12, 13, 14]


def test_t4_three_small_tables():
    parts = "\n".join(f"### {name}\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n|---|---|---|---|---|\n| {vals} |"
                      for name, vals in (("行政复议", "27 | 10 | 9 | 15 | 61"),
                                         ("行政诉讼（未经复议直接起诉）", "3 | 0 | 0 | 0 | 3"),
                                         ("行政诉讼（复议后起诉）", "8 | 0 | 1 | 1 | 10")))
    found = read(render_t3(t3_rows()) + "\n## 四、政府信息公开行政复议、行政诉讼情况\n" + parts + "\n五、存在的主要问题及改进情况")
    assert found.reviews.rows == {"administrative_review": [27, 10, 9, 15, 61], "litigation_direct": [3, 0, 0, 0, 3],
                                  "litigation_after_review": [8, 0, 1, 1, 10]}


def test_t4_inconsistent_source_kept_as_printed():
    found = read(render_t3(t3_rows()) + "\n" + T4_HEADER + "\n10 1 0 0 0 0 0 0 0 0 5 0 0 0 0")
    assert found.reviews.rows["administrative_review"] == [10, 1, 0, 0, 0]


# --- 表二 --------------------------------------------------------------------------------------

T2_2021 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 1 | 0 | 11
行政规范性文件 | 8 | 26 | 66
第二十条第（五）项
信息内容 | 本年处理决定数量
行政许可 | 447228
第二十条第（六）项
信息内容 | 本年处理决定数量
行政处罚 | 3985758
行政强制 | 88283
第二十条第（八）项
信息内容 | 本年收费金额（单位：万元）
行政事业性收费 | 96171.6
"""


def test_t2_2021():
    found = read(T2_2021 + render_t3(t3_rows()))
    ad = found.active_disclosure
    assert ad.edition == "2021"
    assert ad.rows["regulations"] == [1, 0, 11]
    assert ad.rows["normative_documents"] == [8, 26, 66]
    assert ad.rows["administrative_licensing"] == [447228]
    assert ad.rows["administrative_fees"] == [96171.6]


def test_t2_label_glued_to_its_figure():
    found = read(T2_2021.replace("行政许可 | 447228", "行政许可447228") + render_t3(t3_rows()))
    assert found.active_disclosure.rows["administrative_licensing"] == [447228]


def test_t2_annotated_cell_pushed_out_of_its_row_is_placed_by_its_note():
    doc = T2_2021.replace("规章 | 1 | 0 | 11\n行政规范性文件 | 8 | 26 | 66\n",
                          "22\n（其中修订 16 件）\n55\n（含自然失效 29 件）\n规章 | 22 | 235\n行政规范性文件 | 34 | 189\n")
    ad = read(doc + render_t3(t3_rows())).active_disclosure
    assert ad.rows["regulations"] == [22, 22, 235]
    assert ad.rows["normative_documents"] == [34, 55, 189]
    assert "cell_from_note" in codes(ad)


def test_t2_run_together_is_not_published():
    doc = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件6233440"
           "第二十条第（五）项信息内容本年处理决定数量行政许可4529")
    rows = t3_rows()
    glued = "".join(label.replace(" ", "") + "".join(str(v) for v in row) for label, row in zip(T3_LABELS_2021, rows))
    found = read(doc + "三、收到和处理政府信息公开申请情况" + glued)
    ad = found.active_disclosure
    assert all(v is None for vals in ad.rows.values() for v in vals)
    assert not ad.blank and "row_unalignable" in codes(ad)


def test_t2_2019_units_captured():
    doc = """第二十条第（一）项
信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量
规章 | 0 | 0 | 0
规范性文件 | 89 | 89 | 89
第二十条第（九）项
信息内容 | 采购项目数量 | 采购总金额
政府集中采购 | 135 | 75394432.52元
"""
    ad = read(doc + render_t3(t3_rows())).active_disclosure
    assert ad.edition == "2019"
    assert ad.rows["centralized_procurement"] == [135, 75394432.52]
    assert ad.units["centralized_procurement"] == [None, "元"]


def test_tab_separated_rows_keep_their_blank_cells():
    # A table copied as text with tabs: "" between two tabs is a blank figure in its column.
    rows = t3_rows()
    rows[2] = [258, 12, None, None, 1, 1, None]
    text = render_t3(rows, "\t").replace("None", "")
    found = read(text)
    assert found.applications.rows["granted"] == [258, 12, None, None, 1, 1, None]
    assert layout.cells_from_line("行政处罚\t") == ["行政处罚", ""]
    assert layout.cells_from_line("\t规章\t1\t\t3") == ["规章", "1", "", "3"]


@pytest.mark.parametrize("sep", [" | ", "\n"])
def test_group_subtotal_rows_are_not_rows_of_the_format(sep):
    # Some bodies print a subtotal on the group heading (（三）不予公开 | 5 | …): skipped, never placed.
    rows = t3_rows()
    groups = {4: ("（三）不予公开", 8), 12: ("（四）无法提供", 3), 15: ("（五）不予处理", 5), 20: ("（六）其他处理", 3)}
    lines = ["三、收到和处理政府信息公开申请情况"]
    for i, (label, row) in enumerate(zip(T3_LABELS_2021, rows)):
        if i in groups:
            heading, span = groups[i]
            subtotal = [sum(r[c] for r in rows[i:i + span]) for c in range(7)]
            lines.append(heading + sep + sep.join(map(str, subtotal)))
            label = label.replace(heading, "").strip()
        lines.append(label + sep + sep.join(map(str, row)))
    found = read("\n".join(lines))
    assert [found.applications.rows[k] for k in T3_KEYS_2021] == rows
    assert codes(found.applications) == {"subtotal_row"}
