"""tasks.parsing.report on small strings: title, organization, year, dates, sections, scope."""

from __future__ import annotations

import datetime as dt

from tasks.parsing.report import looks_like_annual_report, report_facts
from tasks.parsing.text import normalise


def facts(raw: str):
    return report_facts(normalise(raw)[0])


def test_title_wrapped_over_two_lines():
    f = facts("正文\n2025 年上海市人民政府办公厅政府信息公开\n工作年度报告\n本年度报告中所列数据统计期限为 2025\n年 1 月 1 日至 12 月 31 日。")
    assert f.title == "2025 年上海市人民政府办公厅政府信息公开工作年度报告"
    assert f.organization == "上海市人民政府办公厅"
    assert f.year == 2025


def test_markdown_heading_marks_are_not_part_of_the_title():
    f = facts("# 沐阳县人民政府 2025 年 政府信息公开工作年度报告\n\n沐阳县人民政府\n(2026年1月23日)\n"
              "本报告所列数据统计期限从2025年1月1日至2025年12月31日止。\n六、其他需要报告的事项\n无。\n沐阳县人民政府\n2026年1月23日")
    assert f.organization == "沐阳县人民政府"
    assert f.year == 2025
    assert f.publish_date == dt.date(2026, 1, 23)


def test_metadata_block_date_and_period_year():
    f = facts("标题: 平潭综合实验区2024年度政府信息公开工作年度报告\n发布时间: 2025-03-10 15:35\n"
              "发布机构: 平潭综合实验区管委会办公室\n本报告所列数据统计期限为2024年1月1日至2024年12月31日。")
    assert f.year == 2024 and f.year_source == "period"
    assert f.publish_date == dt.date(2025, 3, 10)
    assert f.organization == "平潭综合实验区"


def test_traditional_title():
    f = facts("蘇州市姑蘇區黨政辦公室2024年政府信息公開工作年度報告")
    assert f.organization == "苏州市姑苏区党政办公室"
    assert f.year == 2024


def test_region_wide_scope():
    assert facts("测试市2025年政府信息公开工作年度报告\n2025年，全市各级行政机关扎实推进政务公开工作。").scope == "region_wide"
    assert facts("某区2025年政府信息公开工作年度报告\n本机关扎实推进政务公开工作。").scope == "self"


def test_sections():
    f = facts("某区2024年政府信息公开工作年度报告\n一、总体情况\n总体。\n二、主动公开政府信息情况\n规章 | 0\n"
              "五、存在的主要问题及改进情况\n问题。\n六、其他需要报告的事项\n无。\n某区人民政府\n2025年1月20日")
    assert f.overview == "总体。"
    assert f.problems == "问题。"
    assert f.other_matters == "无。"
    assert f.publish_date == dt.date(2025, 1, 20)


def test_looks_like_annual_report():
    assert looks_like_annual_report("XX市2024年政府信息公开工作年度报告")
    assert not looks_like_annual_report("关于印发某某办法的通知")


def test_simplified_text_is_not_run_through_t2s():
    from tasks.parsing.text import normalise

    text, script = normalise("咸阳市乾县人民政府办公室2024年政府信息公开工作年度报告")
    assert script == "simplified" and "乾县" in text
    text, script = normalise("蘇州市姑蘇區(qū)黨政辦公室2024年政府信息公開工作年度報告")
    assert script == "traditional" and text.startswith("苏州市姑苏区党政办公室")


def test_column_name_is_not_the_title_and_a_title_may_drop_zhengfu():
    f = facts("标题: 某某县地方税务局2013年信息公开年度报告\n发布时间: 2014-02-25 00:00\n发布机构: \n"
              "栏目: 政府信息公开年报\n正文\n本报告中所列数据的统计期限自2013年1月1日起至2013年12月31日止。")
    assert f.title == "某某县地方税务局2013年信息公开年度报告"
    assert f.organization == "某某县地方税务局"
    assert f.year == 2013
    assert f.publish_date == dt.date(2014, 2, 25)


def test_breadcrumb_is_not_the_title_and_a_title_may_wrap_inside_a_word():
    # A PDF print of a page: the breadcrumb names the column, the title wraps inside 政府.
    f = facts("当前位置：首页 > 政府\n信息公开 > 政府信息公开年报\n泉州市丰泽区住房和城乡建设局2023年政\n府信息公开工作年度报告\n"
              "本报告中所列数据统计期限为2023年1月1日至2023年12月31日。")
    assert f.title == "泉州市丰泽区住房和城乡建设局2023年政府信息公开工作年度报告"
    assert f.organization == "泉州市丰泽区住房和城乡建设局"


def test_a_sentence_naming_the_report_is_not_its_title():
    f = facts("根据条例要求，现向社会公布沭阳县发展和\n改革局2023年度政府信息公开年度报告。本年度报告所列数据的统计时限为2023年\n"
              "六、其他需要报告的事项\n无。\n沭阳县发展和改革局\n2024年1月17日")
    assert f.organization == "沭阳县发展和改革局"


def test_signature_dated_in_chinese_numerals():
    f = facts("某某县人民政府2023年政府信息公开工作年度报告\n本报告中所列数据统计期限为2023年1月1日至12月31日。\n"
              "六、其他需要报告的事项\n无。\n某某县人民政府办公室\n二〇二四年一月十九日")
    assert f.publish_date == dt.date(2024, 1, 19)
    assert f.other_matters == "无。"
    f = facts("六、其他需要报告的事项\n无。\n某某县人民政府办公室\n二○二三年十二月三十一日")
    assert f.publish_date == dt.date(2023, 12, 31)


def test_title_wrapped_inside_the_body_name():
    f = facts("朝阳市喀喇沁左翼蒙古族自治县退役军人事\n务局2024年政府信息公开工作年度报告\n本报告中所列数据统计期限为2024年1月1日至12月31日。\n"
              "六、其他需要报告的事项\n无。\n朝阳市喀喇沁左翼蒙古族自治县退役军人事务局\n2025年1月20日")
    assert f.organization == "朝阳市喀喇沁左翼蒙古族自治县退役军人事务局"
    assert f.title == "朝阳市喀喇沁左翼蒙古族自治县退役军人事务局2024年政府信息公开工作年度报告"


def test_radicals_of_a_pdf_text_layer_read_as_simplified_ideographs():
    # Chromium/WPS text layers: ⼈ (Kangxi) for 人, ⺠ (supplement) for 民, ⾧ (Kangxi 長) for 长.
    text, script = normalise("甘孜藏族⾃治州炉霍县⾧乐镇⼈⺠政府2024年政府信息公开⼯作年度报告\n⻔户⽹站")
    assert text.split("\n") == ["甘孜藏族自治州炉霍县长乐镇人民政府2024年政府信息公开工作年度报告", "门户网站"]
    assert script == "simplified"
