"""The editions' table layouts as data: row order, printed label, width, label keywords.

Keywords are matched against a compacted label (no whitespace, pipes or
quotes; NFKC, Simplified), which absorbs the wording variants of
report-format.md §5.1: (一) vs （一）, 1. / 1、 / 1．, 行政规范性文件 vs 规范性文件,
a dropped 申请 in 上年结转…, quotes around 三安全一稳定, typos such as
其他法律行政止公开. A keyword list is "any of"; `pattern` is a full-label regex
for labels too short to match by keyword (3.其他).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class RowSpec:
    key: str
    label: str
    width: int
    keywords: tuple[str, ...] = ()
    pattern: str | None = None
    metrics: tuple[str, ...] = ()  # 表二: the contract metric of each column

    @cached_property
    def _regex(self) -> re.Pattern | None:
        return re.compile(self.pattern) if self.pattern is not None else None

    def matches(self, compact_label: str) -> bool:
        if self._regex is not None and self._regex.fullmatch(compact_label):
            return True
        return any(k in compact_label for k in self.keywords)


def _t3(key: str, label: str, *keywords: str, pattern: str | None = None) -> RowSpec:
    return RowSpec(key, label, 7, keywords, pattern)


_T3_HEAD = [
    _t3("new_received", "一、本年新收政府信息公开申请数量", "本年新收"),
    _t3("carried_over", "二、上年结转政府信息公开申请数量", "上年结转"),
    _t3("granted", "（一）予以公开", "予以公开"),
    _t3("partially_granted", "（二）部分公开", "部分公开"),
    _t3("withheld_state_secret", "（三）1.属于国家秘密", "国家秘密"),
    _t3("withheld_law_prohibited", "（三）2.其他法律行政法规禁止公开", "禁止公开", "其他法律"),
    _t3("withheld_three_security", "（三）3.危及“三安全一稳定”", "三安全一稳定", "危及"),
    _t3("withheld_third_party", "（三）4.保护第三方合法权益", "第三方"),
    _t3("withheld_internal_affairs", "（三）5.属于三类内部事务信息", "内部事务"),
    _t3("withheld_process_info", "（三）6.属于四类过程性信息", "过程性"),
    _t3("withheld_enforcement_file", "（三）7.属于行政执法案卷", "执法案卷"),
    _t3("withheld_admin_query", "（三）8.属于行政查询事项", "行政查询"),
    _t3("unavailable_not_held", "（四）1.本机关不掌握相关政府信息", "不掌握"),
    _t3("unavailable_needs_creation", "（四）2.没有现成信息需要另行制作", "另行制作", "没有现成"),
    _t3("unavailable_unclear", "（四）3.补正后申请内容仍不明确", "仍不明确"),
    _t3("rejected_petition", "（五）1.信访举报投诉类申请", "信访", "举报投诉"),
    _t3("rejected_duplicate", "（五）2.重复申请", "重复申请"),
    _t3("rejected_publication", "（五）3.要求提供公开出版物", "出版物"),
    _t3("rejected_excessive", "（五）4.无正当理由大量反复申请", "大量反复"),
    _t3("rejected_confirmation", "（五）5.要求行政机关确认或重新出具已获取信息", "重新出具", "确认或重新"),
]
_T3_TAIL = [
    _t3("total_processed", "（七）总计", pattern=r"[(（]?七[)）、.]?总计"),
    _t3("carried_forward", "四、结转下年度继续办理", "结转下年度", "结转下一年", "下年度继续办理"),
]
APPLICATION_ROWS_2021 = [
    *_T3_HEAD,
    _t3("other_no_correction", "（六）1.申请人无正当理由逾期不补正…", "逾期不补正", "不补正"),
    _t3("other_unpaid_fee", "（六）2.申请人逾期未按收费通知要求缴纳费用…", "缴纳费用", "收费通知"),
    _t3("other_misc", "（六）3.其他", pattern=r"([(（]六[)）])?3[.、．]?其他"),
    *_T3_TAIL,
]
APPLICATION_ROWS_2019 = [
    *_T3_HEAD,
    _t3("other_handling", "（六）其他处理", "其他处理"),
    *_T3_TAIL,
]

# 表四: 15 columns in three groups of five.
REVIEW_COLUMNS = tuple(
    f"{p}.{c}"
    for p in ("administrative_review", "litigation_direct", "litigation_after_review")
    for c in ("upheld", "corrected", "other", "pending", "total")
)


def _t2(key: str, label: str, metrics: tuple[str, ...], *keywords: str, pattern: str | None = None) -> RowSpec:
    return RowSpec(key, label, len(metrics), keywords, pattern, metrics)


_2021_DOCS = ("issued", "repealed", "in_force")
_2019_DOCS = ("new_made", "new_published", "total_published")
_2019_ITEMS = ("prior_year_items", "change", "decisions")

ACTIVE_DISCLOSURE_ROWS = {
    "2021": [
        _t2("regulations", "规章", _2021_DOCS, pattern=r"规章"),
        _t2("normative_documents", "行政规范性文件", _2021_DOCS, pattern=r"(行政)?规范性文件"),
        _t2("administrative_licensing", "行政许可", ("decisions",), pattern=r"行政许可"),
        _t2("administrative_penalty", "行政处罚", ("decisions",), pattern=r"行政处罚"),
        _t2("administrative_coercion", "行政强制", ("decisions",), pattern=r"行政强制"),
        _t2("administrative_fees", "行政事业性收费", ("amount_10k_yuan",), pattern=r"行政事业性收费"),
    ],
    "2019": [
        _t2("regulations", "规章", _2019_DOCS, pattern=r"规章"),
        _t2("normative_documents", "规范性文件", _2019_DOCS, pattern=r"(行政)?规范性文件"),
        _t2("administrative_licensing", "行政许可", _2019_ITEMS, pattern=r"行政许可"),
        _t2("other_external_services", "其他对外管理服务事项", _2019_ITEMS, pattern=r"其他对外管理服务事项?"),
        _t2("administrative_penalty", "行政处罚", _2019_ITEMS, pattern=r"行政处罚"),
        _t2("administrative_coercion", "行政强制", _2019_ITEMS, pattern=r"行政强制"),
        _t2("administrative_fees", "行政事业性收费", ("prior_year_items", "change"), pattern=r"行政事业性收费"),
        _t2("centralized_procurement", "政府集中采购", ("procurement_items", "procurement_amount_10k_yuan"),
            pattern=r"政府集中采购"),
    ],
}
# Header words that tell the editions' 表二 apart (report-format.md §2.5).
EDITION_2021_MARKERS_T2 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额")
EDITION_2019_MARKERS_T2 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量")
# Words of a figure's note that name its 表二 column ("22（其中修订16件）" is a count of documents made,
# "55（含自然失效29件）" one of documents repealed), for a figure a conversion pushed out of its row.
T2_NOTE_COLUMNS = {
    "issued": ("修订", "制发", "新制定", "出台"),
    "repealed": ("废止", "失效"),
    "new_made": ("修订", "制发", "新制定", "出台"),
}
# Columns holding money: converted to 万元 from the unit printed in the cell.
AMOUNT_METRICS = ("amount_10k_yuan", "procurement_amount_10k_yuan")
