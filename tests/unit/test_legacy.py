"""tasks.parsing.legacy: pre-2019 figures from the old 统计表 and from prose (legacy_indicators).

The real sample is 平潭综合实验区 2018 (shared/corpus/peer/pingtan__2018.page.txt); the other cases are
generated, each for one layout or one way a figure could be misread.
"""

from __future__ import annotations

import polars as pl
import pytest

from schemas.legacy import BY_CODE, CORE_CODES, INDICATORS
from schemas.tables import pandera_schema, polars_schema
from tasks.parsing import legacy, text
from tasks.parsing.document import parse_document
from tests.conftest import PEER, SEEDS, corpus_documents


def figures(raw: str, year: int | None = 2016) -> legacy.LegacyFigures:
    normalised, _ = text.normalise(raw)
    return legacy.legacy_figures(normalised, year)


def values(f: legacy.LegacyFigures) -> dict[tuple[str, str], float]:
    return {(r["indicator"], r["period"]): r["value"] for r in f.rows}


def codes(f: legacy.LegacyFigures) -> set[str]:
    return {i["code"] for i in f.issues}


HEAD = "六、政府信息公开情况统计表指标名称计量单位2016年度历年累计"

# ---------------------------------------------------------------------------------------------
# The real pre-2019 sample

# How each value was checked (the table is one flattened run: "主动公开文件数条206912106其中：1.政府网站…"):
# - 主动公开文件数 "206912106": with no leading zero and 本年度 ≤ 历年累计, three readings remain
#   (20|6912106, 206|912106, 2069|12106). The narrative "2018年全区主动公开政府信息2069条" picks 2069|12106,
#   and the narrative's own breakdown agrees: 区管委会及区直各部门 1592条 + 各乡镇 477条 = 2069.
# - 政府网站公开数 "206912106" (the "2" of the next row's "2.政府公报" is glued on and belongs to it): a
#   channel is part of the total in each column, and with the total at 2069|12106 only 2069|12106 fits
#   (6912106 and 912106 exceed 12106). Website 2069 + gazette 0 = total 2069: every item went on the site.
# - Every other row prints "00", whose only reading is 0|0. The narrative agrees where it speaks:
#   "2018年未收到有关政府信息公开申请" (applications 0) and "2018年未收到有关政府信息公开行政复议、提起行政
#   诉讼的申请" (复议 0, 诉讼 0).
# - "接受行政诉讼、举报数" is the complaints row: the table has its own 行政诉讼数 row.
PINGTAN_2018 = {
    "proactive_total": (2069, 12106, "条", "主动公开文件数"),
    "proactive_website": (2069, 12106, "条", "政府网站公开数"),
    "proactive_gazette": (0, 0, "条", "政府公报公开数"),
    "requests_received": (0, 0, "条", "受理依申请公开信息总数"),
    "requests_in_person": (0, 0, "条", "当面申请数"),
    "requests_online": (0, 0, "条", "网上申请数"),
    "requests_letter_fax": (0, 0, "条", "信函、传真申请数"),
    "replies_total": (0, 0, "条", "对申请的答复总数"),
    "replies_granted": (0, 0, "条", "同意公开答复数"),
    "replies_partially_granted": (0, 0, "条", "同意部分公开答复数"),
    "replies_denied": (0, 0, "条", "不予公开答复数"),
    "replies_other": (0, 0, "条", "其他类型答复数"),
    "complaints": (0, 0, "件", "接受行政诉讼、举报数"),
    "administrative_review": (0, 0, "件", "行政复议数"),
    "administrative_litigation": (0, 0, "件", "行政诉讼数"),
}


@pytest.fixture(scope="module")
def pingtan_2018():
    path = PEER / "pingtan__2018.page.txt"
    if not path.exists():
        pytest.skip("peer corpus not available")
    return parse_document(path.read_bytes(), path.name)


def test_pingtan_2018_table_figures(pingtan_2018):
    assert pingtan_2018.report["edition"] == "pre2019"
    assert not (pingtan_2018.applications or pingtan_2018.active_disclosure or pingtan_2018.reviews_litigation)
    rows = pingtan_2018.legacy_indicators
    got = {(r["indicator"], r["period"]): r for r in rows}
    assert len(rows) == len(got) == 2 * len(PINGTAN_2018)  # one row per indicator and period
    for code, (year_value, cumulative, unit, label) in PINGTAN_2018.items():
        for period, value in (("year", year_value), ("cumulative", cumulative)):
            row = got[(code, period)]
            assert (row["value"], row["unit"], row["label"], row["source"]) == (value, unit, label, "table"), code
            assert (row["year"], row["province"]) == (2018, "35")
    issues = pingtan_2018.report["issues"]
    assert [i["code"] for i in issues if i["code"].startswith("legacy")] == ["legacy_split_by_text"]
    assert "2069" in issues[0]["detail"]


def test_pingtan_2018_prose_alone_gives_the_narrative_figures():
    """Without its table the report still says 2069 items, no application, no 复议, no 诉讼 (and the
    1592/477 shares are not taken for the total)."""
    path = PEER / "pingtan__2018.page.txt"
    if not path.exists():
        pytest.skip("peer corpus not available")
    raw = path.read_text(encoding="utf-8").split("六、政府信息公开情况统计表")[0]
    f = figures(raw, 2018)
    assert values(f) == {("proactive_total", "year"): 2069, ("requests_received", "year"): 0,
                         ("administrative_review", "year"): 0, ("administrative_litigation", "year"): 0}
    assert {r["source"] for r in f.rows} == {"text"}
    assert {r["label"] for r in f.rows} >= {"主动公开政府信息2069条", "未收到有关政府信息公开申请"}


def test_pingtan_2018_rows_pass_the_published_schema(pingtan_2018):
    frame = pl.DataFrame(pingtan_2018.legacy_indicators, schema=polars_schema("legacy_indicators"))
    pandera_schema("legacy_indicators").validate(frame)


def test_reports_of_2019_and_later_get_no_legacy_rows():
    for path in corpus_documents(SEEDS):
        parsed = parse_document(path.read_bytes(), path.name)
        assert parsed.report["edition"] in ("2019", "2021", "mixed")
        assert parsed.legacy_indicators == []


# ---------------------------------------------------------------------------------------------
# Prose


@pytest.mark.parametrize("sentence, key, value, label", [
    ("全年共受理政府信息公开申请12件。", ("requests_received", "year"), 12, "受理政府信息公开申请12件"),
    ("共收到12件政府信息公开申请。", ("requests_received", "year"), 12, "收到12件政府信息公开申请"),
    ("全年累计收到政府信息公开申请41件。", ("requests_received", "year"), 41, None),  # 全年累计: the year's
    ("2016年主动公开政府信息2069条。", ("proactive_total", "year"), 2069, "主动公开政府信息2069条"),
    ("截至2016年底，累计主动公开政府信息12106条。", ("proactive_total", "cumulative"), 12106, None),
    ("本年度依申请公开政府信息未收取任何费用。", ("fees_10k_yuan", "year"), 0, "未收取任何费用"),
    ("依申请公开共收取检索费、复制费120元。", ("fees_10k_yuan", "year"), 0.012, "收取检索费、复制费120元"),
    ("没有发生因政府信息公开申请行政复议和行政诉讼的情况。", ("administrative_review", "year"), 0, None),
    ("没有发生因政府信息公开申请行政复议和行政诉讼的情况。", ("administrative_litigation", "year"), 0, None),
    ("因政府信息公开被申请行政复议2件。", ("administrative_review", "year"), 2, None),
    ("其中同意公开8件，同意部分公开1件，不予公开1件，信息不存在1件，非本机关掌握1件。",
     ("replies_granted", "year"), 8, "同意公开8件"),
])
def test_prose_figures(sentence, key, value, label):
    f = figures("一、概述\n" + sentence)
    assert values(f)[key] == pytest.approx(value)
    row = next(r for r in f.rows if (r["indicator"], r["period"]) == key)
    assert row["source"] == "text"
    if label:
        assert row["label"] == label
    if key[0] == "fees_10k_yuan":
        assert row["unit"] == "万元"


def test_prose_breakdown_after_qizhong_is_read():
    f = figures("全年共受理政府信息公开申请12件，其中同意公开8件，同意部分公开1件，不予公开1件，信息不存在1件，"
                "非本机关掌握1件。")
    assert values(f) == {("requests_received", "year"): 12, ("replies_granted", "year"): 8,
                         ("replies_partially_granted", "year"): 1, ("replies_denied", "year"): 1,
                         ("replies_not_exist", "year"): 1, ("replies_not_held", "year"): 1}


@pytest.mark.parametrize("sentence, code", [
    ("其中，各乡镇主动公开政府信息477条，占23.1%。", "proactive_total"),  # a share, not the total
    ("区直各部门主动公开政府信息1592条，占76.9%。", "proactive_total"),
    ("截至目前，主动公开政府信息300条。", "proactive_total"),  # the year's or all years'? unknown
    ("截至目前共收到15564件咨询投诉件，已办结15042件。", "complaints"),  # a hotline, not OGI
    ("全年办理行政复议案件56件。", "administrative_review"),  # a 法制办's caseload, not OGI
    ("全年办理政府信息公开申请218件。", "requests_received"),  # handled may include carried-over ones
    ("申请人对不予公开的答复不服，可以依法申请行政复议或者提起行政诉讼。", "administrative_review"),
    ("依申请提供政府信息，不收取任何费用。", "fees_10k_yuan"),  # a rule, not what happened
])
def test_prose_that_is_not_the_figure(sentence, code):
    assert not any(r["indicator"] == code for r in figures("一、概述\n" + sentence).rows)


def test_prose_with_two_totals_publishes_neither():
    f = figures("我区主动公开政府信息100条。主动公开政府信息120条。")
    assert "proactive_total" not in {r["indicator"] for r in f.rows}
    assert "legacy_text_ambiguous" in codes(f)


def test_prose_total_beats_its_parts():
    f = figures("全年全区共主动公开政府信息300条。我区主动公开政府信息120条。")
    assert values(f) == {("proactive_total", "year"): 300}


# ---------------------------------------------------------------------------------------------
# Tables with separated cells


def test_statistics_table_with_pipes_and_one_column():
    """The 2015–2018 national table (统计指标 | 单位 | 统计数), incl. the result rows shared by 复议/诉讼."""
    raw = """
附：政府信息公开情况统计表
统计指标 | 单位 | 统计数
一、主动公开情况 | — |
（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） | 条 | 1245
其中：主动公开规范性文件数 | 条 | 12
制发规范性文件总数 | 件 | 15
三、依申请公开情况 | — |
（一）收到申请数 | 件 | 9
1.当面申请数 | 件 | 2
2.传真申请数 | 件 | 0
3.网络申请数 | 件 | 6
4.信函申请数 | 件 | 1
四、行政复议数量 | 件 | 2
（一）维持具体行政行为数 | 件 | 1
（二）被依法纠错数 | 件 | 1
（三）其他情形数 | 件 | 0
五、行政诉讼数量 | 件 | 1
（一）维持具体行政行为或者驳回原告诉讼请求数 | 件 | 1
（二）被依法纠错数 | 件 | 0
（三）其他情形数 | 件 | 0
七、依申请公开信息收取的费用 | 万元 | 0.05
八、政务服务事项数 | 项 | 5
"""
    f = figures(raw)
    assert f.table_found
    v = values(f)
    assert v == {
        ("proactive_total", "year"): 1245, ("proactive_normative_documents", "year"): 12,
        ("normative_documents_issued", "year"): 15, ("requests_received", "year"): 9,
        ("requests_in_person", "year"): 2, ("requests_fax", "year"): 0, ("requests_online", "year"): 6,
        ("requests_letter", "year"): 1, ("administrative_review", "year"): 2,
        ("administrative_review_upheld", "year"): 1, ("administrative_review_corrected", "year"): 1,
        ("administrative_review_other", "year"): 0, ("administrative_litigation", "year"): 1,
        ("administrative_litigation_upheld", "year"): 1, ("administrative_litigation_corrected", "year"): 0,
        ("administrative_litigation_other", "year"): 0, ("fees_10k_yuan", "year"): 0.05,
        **{(r["indicator"], "year"): 5 for r in f.rows if r["indicator"].startswith("unlisted_")},
    }
    unlisted = [r for r in f.rows if r["indicator"].startswith("unlisted_")]
    assert len(unlisted) == 1 and unlisted[0]["label"] == "政务服务事项数" and unlisted[0]["unit"] == "项"
    assert next(r for r in f.rows if r["indicator"] == "proactive_total")["label"].startswith("主动公开政府信息数")
    assert {r["source"] for r in f.rows} == {"table"}
    assert codes(f) == {"legacy_unlisted_rows"}


def test_one_cell_per_line_with_a_blank_cell():
    raw = "指标名称\n计量单位\n本年度\n历年累计\n主动公开政府信息数\n条\n320\n—\n行政复议数\n件\n0\n0\n"
    assert values(figures(raw)) == {("proactive_total", "year"): 320, ("administrative_review", "year"): 0,
                                    ("administrative_review", "cumulative"): 0}


def test_a_row_that_lost_a_cell_is_not_shifted():
    f = figures("指标名称 | 计量单位 | 本年度 | 历年累计\n主动公开政府信息数 | 条 | 320\n行政复议数 | 件 | 0 | 0")
    assert ("proactive_total", "year") not in values(f) and ("proactive_total", "cumulative") not in values(f)
    assert "legacy_row_unalignable" in codes(f)


def test_amount_printed_in_yuan_is_converted():
    f = figures("指标名称 | 计量单位 | 本年度\n依申请公开信息收取的费用 | 元 | 120\n行政复议数 | 件 | 0")
    row = next(r for r in f.rows if r["indicator"] == "fees_10k_yuan")
    assert (row["value"], row["unit"]) == (pytest.approx(0.012), "万元")
    assert "amount_converted" in codes(f)


def test_printed_figures_that_break_a_part_are_kept_with_an_issue():
    """Never overwrite a printed figure: a channel above its total is published as printed, flagged."""
    f = figures("指标名称 | 计量单位 | 本年度\n主动公开政府信息数 | 条 | 2069\n其中：政府网站公开数 | 条 | 3000")
    assert values(f) == {("proactive_total", "year"): 2069, ("proactive_website", "year"): 3000}
    assert "legacy_identity_broken" in codes(f)


def test_table_beats_prose_and_a_disagreement_is_an_issue():
    f = figures("2016年主动公开政府信息2070条。\n指标名称 | 计量单位 | 本年度 | 历年累计\n"
                "主动公开政府信息数 | 条 | 2069 | 12106\n行政复议数 | 件 | 0 | 0")
    row = next(r for r in f.rows if (r["indicator"], r["period"]) == ("proactive_total", "year"))
    assert (row["value"], row["source"]) == (2069, "table")
    assert "legacy_text_disagrees" in codes(f)
    assert len([r for r in f.rows if r["indicator"] == "proactive_total"]) == 2


def test_a_column_of_another_year_is_not_published():
    f = figures("指标名称 | 单位 | 2015年 | 2016年\n主动公开政府信息数 | 条 | 100 | 120\n行政复议数 | 件 | 1 | 0")
    assert values(f) == {("proactive_total", "year"): 120, ("administrative_review", "year"): 0}


# ---------------------------------------------------------------------------------------------
# Run-together digits


def test_unique_split_by_the_sum_of_the_parts():
    # 收到申请数 "15178" reads 1|5178 or 15|178, 当面 "1574" 1|574 or 15|74 (both fit part ≤ total); only
    # 15|178 = 15|74 + 0|51 + 0|53 adds up.
    raw = (HEAD + "受理依申请公开信息总数条15178其中:1.当面申请数条15742.网上申请数条0513.信函、传真申请数条053")
    f = figures(raw)
    assert values(f) == {
        ("requests_received", "year"): 15, ("requests_received", "cumulative"): 178,
        ("requests_in_person", "year"): 15, ("requests_in_person", "cumulative"): 74,
        ("requests_online", "year"): 0, ("requests_online", "cumulative"): 51,
        ("requests_letter_fax", "year"): 0, ("requests_letter_fax", "cumulative"): 53,
    }
    assert codes(f) == set()


def test_non_unique_split_publishes_nothing_for_those_rows():
    # Total "1880" = 信函、传真 "1880": 1|880 and 18|80 both add up; the two 0|0 rows are still read.
    raw = HEAD + "受理依申请公开信息总数条1880其中:1.当面申请数条002.网上申请数条003.信函、传真申请数条1880"
    f = figures(raw)
    assert values(f) == {("requests_in_person", "year"): 0, ("requests_in_person", "cumulative"): 0,
                         ("requests_online", "year"): 0, ("requests_online", "cumulative"): 0}
    ambiguous = [i["detail"] for i in f.issues if i["code"] == "legacy_split_ambiguous"]
    assert len(ambiguous) == 2 and all("1880" in d for d in ambiguous)


def test_a_lone_row_with_two_readings_is_not_guessed():
    f = figures(HEAD + "行政复议数件1212行政诉讼数件00")
    assert values(f) == {("administrative_litigation", "year"): 0, ("administrative_litigation", "cumulative"): 0}
    assert "legacy_split_ambiguous" in codes(f)


def test_prose_that_matches_no_reading_is_not_published_either():
    f = figures("全年受理政府信息公开申请5件。" + HEAD + "受理依申请公开信息总数条1212行政复议数件00")
    assert ("requests_received", "year") not in values(f)
    assert {"legacy_split_ambiguous", "legacy_text_disagrees"} <= codes(f)


def test_figures_followed_by_their_unit_are_whole_cells():
    # "2069条12106条": no split needed, and none is tried (2069 alone would read 20|69).
    f = figures("指标名称计量单位本年度历年累计主动公开政府信息数2069条12106条行政复议数0件0件")
    assert values(f) == {("proactive_total", "year"): 2069, ("proactive_total", "cumulative"): 12106,
                         ("administrative_review", "year"): 0, ("administrative_review", "cumulative"): 0}


# ---------------------------------------------------------------------------------------------
# Documents


def _report(year: int, table: str) -> bytes:
    return (f"某某县人民政府{year}年政府信息公开工作年度报告\n"
            f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。\n"
            "一、概述\n我县认真贯彻落实《条例》。\n"
            f"二、主动公开政府信息情况\n{year}年全县主动公开政府信息128条。\n"
            "三、依申请公开情况\n全年共受理政府信息公开申请3件。\n"
            "四、行政复议和行政诉讼情况\n未发生因政府信息公开申请行政复议、提起行政诉讼的情况。\n"
            "五、存在的主要问题和改进措施\n公开质量有待提高。\n"
            f"六、政府信息公开情况统计表\n{table}\n").encode()


OLD_TABLE = ("指标名称 | 计量单位 | 本年度 | 历年累计\n主动公开政府信息数 | 条 | 128 | 1900\n"
             "收到申请数 | 件 | 3 | 40\n同意公开答复数 | 件 | 2 | 31\n行政复议数 | 件 | 0 | 1")


@pytest.mark.parametrize("year", [2017, 2019])
def test_a_report_with_the_old_table_is_pre2019_whatever_its_year(year):
    parsed = parse_document(_report(year, OLD_TABLE), f"report_{year}.txt")
    assert parsed.report["edition"] == "pre2019"
    assert parsed.applications == parsed.active_disclosure == parsed.reviews_litigation == []
    got = {(r["indicator"], r["period"]): (r["value"], r["source"]) for r in parsed.legacy_indicators}
    assert got[("proactive_total", "year")] == (128, "table")
    assert got[("requests_received", "cumulative")] == (40, "table")
    assert got[("replies_granted", "year")] == (2, "table")
    assert got[("administrative_litigation", "year")] == (0, "text")  # only the prose gives it
    assert all(r["year"] == year for r in parsed.legacy_indicators)


def test_a_2019_report_with_neither_table_is_still_quarantined():
    from tasks.parsing.document import Unparseable

    with pytest.raises(Unparseable) as e:
        parse_document(_report(2019, "（无）"), "report_2019.txt")
    assert e.value.code == "no_tables"


def test_prose_mentioning_indicators_is_not_a_table():
    assert not legacy.has_statistics_table("考核指标：单位数量不少于3个，主动公开政府信息数量逐年增加。", 2019)


# ---------------------------------------------------------------------------------------------
# The catalogue


def test_catalogue_codes_are_snake_case_and_cover_the_contract():
    assert {i.code for i in INDICATORS} >= set(CORE_CODES)
    assert all(BY_CODE[c].core for c in CORE_CODES)
    assert all(i.code.replace("_", "").isalnum() and i.code == i.code.lower() for i in INDICATORS)


def test_requests_received_worded_with_zhengfu_xinxi_first():
    f = figures(HEAD + "受理政府信息依申请公开总数 条 3 5\n其中:1.当面申请数 条 3 5")
    assert values(f) == {("requests_received", "year"): 3, ("requests_received", "cumulative"): 5,
                         ("requests_in_person", "year"): 3, ("requests_in_person", "cumulative"): 5}
