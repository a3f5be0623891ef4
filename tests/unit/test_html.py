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
