"""schemas.layouts: every printed label variant (report-format.md §5.1) matches its row, and only its row."""

from __future__ import annotations

import pytest

from schemas.layouts import (
    ACTIVE_DISCLOSURE_ROWS,
    APPLICATION_ROWS_2019,
    APPLICATION_ROWS_2021,
    T2_NOTE_COLUMNS,
)
from tasks.parsing.text import compact, normalise


def first_match(specs, label: str) -> str | None:
    label = compact(normalise(label)[0])
    return next((s.key for s in specs if s.matches(label)), None)


@pytest.mark.parametrize("label,key", [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开数量", "carried_over"),  # 申请 dropped
    ("(一)予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情 形，不计其他情形）", "partially_granted"),
    ("1.属于国家秘密", "withheld_state_secret"),
    ("2.其他法律行政止公开", "withheld_law_prohibited"),  # typo in the Hongze reports
    ("3.危及三安全一稳定", "withheld_three_security"),
    ('3.危及"三安全一稳定"', "withheld_three_security"),
    ("4.保护第三方合法权益", "withheld_third_party"),
    ("5.属于三类内部事务信息", "withheld_internal_affairs"),
    ("6.属于四类过程性信息", "withheld_process_info"),
    ("7.属于行政执法案卷", "withheld_enforcement_file"),
    ("8.属于行政查询事项", "withheld_admin_query"),
    ("1.本机关不掌握相关政府信息", "unavailable_not_held"),
    ("2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unavailable_unclear"),
    ("1.信访举报投诉类申请", "rejected_petition"),
    ("2.重复申请", "rejected_duplicate"),
    ("3.要求提供公开出版物", "rejected_publication"),
    ("4.无正当理由大量反复 申请", "rejected_excessive"),
    ("5.要求行政机关确认或重 新出具已获取信息", "rejected_confirmation"),
    ("1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_unpaid_fee"),
    ("3、其他", "other_misc"),
    ("3.其他", "other_misc"),
    ("（七）总计", "total_processed"),
    ("(七)总 计", "total_processed"),
    ("四、结转下年度继续办理", "carried_forward"),
])
def test_t3_2021_labels(label, key):
    assert first_match(APPLICATION_ROWS_2021, label) == key


def test_t3_2019_other_row_and_traditional_labels():
    assert first_match(APPLICATION_ROWS_2019, "（六）其他处理") == "other_handling"
    assert first_match(APPLICATION_ROWS_2021, "二、上年結轉政府信息公開申請數量") == "carried_over"
    assert first_match(APPLICATION_ROWS_2021, "5.要求行政機關確認或重新出具已獲取信息") == "rejected_confirmation"


@pytest.mark.parametrize("label", ["总计", "申请人情况", "自然人", "法人或其他组织", "商业企业", "（三）不予公开",
                                   "（四）无法提供", "（五）不予处理", "三、本年度办理结果"])
def test_t3_headers_and_group_labels_match_no_row(label):
    assert first_match(APPLICATION_ROWS_2021, label) is None


def test_every_t3_row_matches_its_own_printed_label_first():
    for specs in (APPLICATION_ROWS_2021, APPLICATION_ROWS_2019):
        for spec in specs:
            if "…" in spec.label:
                continue
            assert first_match(specs, spec.label) == spec.key, spec.label


@pytest.mark.parametrize("edition,label,key", [
    ("2021", "规章", "regulations"), ("2021", "行政规范性文件", "normative_documents"),
    ("2021", "规范性文件", "normative_documents"), ("2021", "行政许可", "administrative_licensing"),
    ("2021", "行政事业性收费", "administrative_fees"), ("2019", "其他对外管理服务事项", "other_external_services"),
    ("2019", "政府集中采购", "centralized_procurement"),
])
def test_t2_labels(edition, label, key):
    assert first_match(ACTIVE_DISCLOSURE_ROWS[edition], label) == key


def test_t2_labels_match_whole_cells_only():
    assert first_match(ACTIVE_DISCLOSURE_ROWS["2021"], "全市行政许可事项办理情况") is None


def test_row_widths():
    assert sum(s.width for s in APPLICATION_ROWS_2021) == 175
    assert sum(s.width for s in APPLICATION_ROWS_2019) == 161
    assert sum(s.width for s in ACTIVE_DISCLOSURE_ROWS["2021"]) == 10
    assert sum(s.width for s in ACTIVE_DISCLOSURE_ROWS["2019"]) == 22


def test_note_columns_name_existing_metrics():
    metrics = {m for specs in ACTIVE_DISCLOSURE_ROWS.values() for s in specs for m in s.metrics}
    assert set(T2_NOTE_COLUMNS) <= metrics
