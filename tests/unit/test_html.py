"""tasks.parsing.html on small pages: what a web page's markup must not do to the text."""

from __future__ import annotations

from tasks.parsing.html import text_from_html


def test_font_and_span_runs_of_a_word_export_stay_one_line():
    # Word-exported pages wrap every run in <span><font>: inline, so the sentence is one line.
    page = ('<html><body><div><p><span><font face="方正仿宋_GBK">现向社会公布沭阳县</font></span>'
            '<span><font>发展和改革</font></span><span><font>局</font></span><span>2023</span>'
            '<span><font>年度政府信息公开年度报告。</font></span></p><p>一、总体情况</p></div></body></html>')
    assert text_from_html(page.encode()).split("\n") == ["现向社会公布沭阳县发展和改革局2023年度政府信息公开年度报告。",
                                                         "一、总体情况"]


def test_table_rows_keep_an_empty_last_cell():
    page = "<table><tr><td>行政处罚</td><td></td></tr><tr><td>行政强制</td><td>12</td></tr></table>"
    assert text_from_html(page.encode()).split("\n") == ["| 行政处罚 |  |", "| 行政强制 | 12 |"]


def test_markdown_with_raw_html_tables_reads_prose_lines_and_table_rows():
    # PDF-to-markdown converters write prose as lines and tables as raw <table> HTML.
    from tasks.parsing.document import parse_document
    from tests.unit.contract_rows import T3_KEYS_2021
    from tests.unit.test_tables import T3_LABELS_2021, t3_rows

    rows = t3_rows()
    table = "<table><tr><td>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td>申请人情况</td></tr>" + "".join(
        f"<tr><td>{label}</td>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for label, row in zip(T3_LABELS_2021, rows)
    ) + "</table>"
    md = ("# 苏州市吴江区人民政府2024年政府信息公开工作年度报告\n\n本报告中所列数据统计期限为2024年1月1日至12月31日。\n\n"
          "一、总体情况\n\n全年主动公开信息100条。\n\n三、收到和处理政府信息公开申请情况\n\n" + table + "\n\n五、存在的主要问题及改进情况\n\n无。\n")
    parsed = parse_document(md.encode(), "report.md")
    assert parsed.report["organization"] == "苏州市吴江区人民政府"
    assert parsed.report["overview"] == "全年主动公开信息100条。"
    got = {r["outcome"]: [r[c] for c in list(r)[4:]] for r in parsed.applications}
    assert [got[k] for k in T3_KEYS_2021] == rows
