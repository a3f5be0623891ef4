"""Pre-2019 figures (legacy_indicators) as data: indicator codes, printed-label synonyms, units, and the
sub-total structure of the 2008–2018 statistics tables (report-format.md §3.2–3.3).

Each `Indicator` is one row of the old 统计表. `patterns` are regexes searched in a compacted row label
(NFKC, Simplified, no whitespace, no enumerator, no unit, no parenthesised note); the catalogue is read
in order and the first indicator whose pattern matches (and none of whose `exclude` matches) wins, so
narrow labels come before broad ones. `generic` patterns are sub-row labels shared by several blocks
("维持具体行政行为数" under 行政复议, 行政诉讼 and 举报投诉): they match only under the block's parent,
the nearest earlier row of the table that is one of the candidates' parents.

`parent` + `relation` give the table's structure, which is what lets run-together digits
("206912106") be split: a `part` never exceeds its parent (per period); the `sum` parts of a parent
add up to it (收到申请数 = 当面 + 传真 + 网络 + 信函 …). The identities are the report format's, not
checked facts about every report: the parser uses a `sum` only when the whole block was read, and
drops an identity a report's printed figures break (report-format.md: a report's own identities are
soft).

`TEXT_RULES` are the prose phrases read when no table gives a figure ("全年共受理政府信息公开申请12件",
"未收取任何费用" → 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

PART, SUM = "part", "sum"

# Units printed in the 计量单位 column (longest first: 人次 before 次, 万元 before 元).
UNITS = ("人次", "万元", "元", "条", "件", "个", "次", "人", "篇", "项", "份", "场", "期", "起", "宗", "家", "处", "%")
AMOUNT_UNITS = ("万元", "元")


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str  # the usual printed label (documentation; the parser keeps the label as printed)
    patterns: tuple[str, ...] = ()
    unit: str | None = None  # expected unit; amounts are published in 万元
    parent: str | None = None
    relation: str | None = None  # PART or SUM, with parent
    generic: tuple[str, ...] = ()  # matched only under `parent`
    exclude: tuple[str, ...] = ()
    core: bool = False  # one of the contract's core codes

    @property
    def amount(self) -> bool:
        return self.unit == "万元"

    @cached_property
    def _res(self) -> tuple[re.Pattern | None, re.Pattern | None, re.Pattern | None]:
        """patterns, generic and exclude, each as one alternation: one search where any of them matches."""
        return tuple(re.compile("|".join(f"(?:{p})" for p in ps)) if ps else None
                     for ps in (self.patterns, self.generic, self.exclude))

    def matches(self, label: str, *, under_parent: bool) -> bool:
        pats, gens, excl = self._res
        if excl is not None and excl.search(label):
            return False
        return bool(pats is not None and pats.search(label)
                    or under_parent and gens is not None and gens.search(label))


def _outcomes(parent: str, label: str) -> list[Indicator]:
    """维持 / 纠错 / 其他情形: the result rows of 行政复议, 行政诉讼 and 举报投诉 (2014+ table)."""
    return [
        Indicator(f"{parent}_upheld", f"{label}：维持具体行政行为数", parent=parent, relation=SUM, unit="件",
                  generic=(r"维持", r"驳回")),
        Indicator(f"{parent}_corrected", f"{label}：被依法纠错数", parent=parent, relation=SUM, unit="件",
                  generic=(r"纠错", r"纠正", r"撤销", r"变更")),
        Indicator(f"{parent}_other", f"{label}：其他情形数", parent=parent, relation=SUM, unit="件",
                  generic=(r"^其他", r"其他(?:情形|结果|情况)")),
    ]


_OUTCOME_WORDS = (r"维持", r"纠错", r"纠正", r"驳回", r"其他情形", r"其他结果", r"撤销")

INDICATORS: tuple[Indicator, ...] = (
    # 一、主动公开 -------------------------------------------------------------------------------
    Indicator("proactive_normative_documents", "其中：主动公开规范性文件数", (r"主动公开(?:的)?(?:行政)?规范性文件",),
              unit="条", parent="proactive_total", relation=PART),
    Indicator("normative_documents_issued", "制发规范性文件总数", (r"制发(?:的)?(?:行政)?规范性文件",), unit="件"),
    Indicator("proactive_gazette", "其中：政府公报公开政府信息数", (r"公报",), unit="条", parent="proactive_total",
              relation=PART, core=True),
    Indicator("proactive_website", "其中：政府网站公开政府信息数", (r"网站(?:公开|发布)", r"门户网站(?:信息)?数"),
              unit="条", parent="proactive_total", relation=PART, core=True),
    Indicator("proactive_weibo", "政务微博公开政府信息数", (r"微博(?:公开|发布)",), unit="条", parent="proactive_total",
              relation=PART),
    Indicator("proactive_wechat", "政务微信公开政府信息数", (r"微信(?:公开|发布)",), unit="条", parent="proactive_total",
              relation=PART),
    Indicator("proactive_other_channels", "其他方式公开政府信息数", (r"其他(?:方式|渠道|途径)公开",), unit="条",
              parent="proactive_total", relation=PART),
    Indicator("proactive_full_text_electronic", "其中：全文电子化的主动公开信息数", (r"全文电子化",), unit="条",
              parent="proactive_total", relation=PART),
    Indicator("proactive_total", "主动公开政府信息数（不同渠道和方式公开相同信息计1条）",
              (r"主动公开(?:各类)?(?:的)?(?:政府)?(?:信息|文件)",), unit="条",
              exclude=(r"规范性", r"网站", r"公报", r"微博", r"微信", r"电子化"), core=True),
    Indicator("service_information", "提供服务类信息数", (r"服务类信息",), unit="条"),
    Indicator("website_visits", "网站专栏页面访问量", (r"访问量", r"点击量"), unit="人次"),
    Indicator("on_request_catalogue_entries", "依申请公开信息目录数", (r"依申请公开(?:信息)?目录",), unit="条"),
    # 二、回应解读 -------------------------------------------------------------------------------
    Indicator("responses_to_public_concerns", "回应公众关注热点或重大舆情数", (r"关注热点", r"重大舆情"), unit="次"),
    Indicator("press_conferences_by_leaders", "其中：主要负责同志参加新闻发布会次数",
              (r"主要负责(?:同志|人).{0,4}新闻发布会",), unit="次", parent="press_conferences", relation=PART,
              generic=(r"主要负责(?:同志|人)",)),
    Indicator("press_conferences", "参加或举办新闻发布会总次数", (r"新闻发布会",), unit="次"),
    Indicator("online_interviews_by_leaders", "其中：主要负责同志参加政府网站在线访谈次数",
              (r"主要负责(?:同志|人).{0,8}访谈",), unit="次", parent="online_interviews", relation=PART,
              generic=(r"主要负责(?:同志|人)",)),
    Indicator("online_interviews", "政府网站在线访谈次数", (r"在线访谈",), unit="次"),
    Indicator("policy_interpretations", "政策解读稿件发布数", (r"政策解读", r"解读稿件"), unit="篇"),
    Indicator("social_media_responses", "微博微信回应事件数", (r"微博.{0,2}微信.{0,2}回应",), unit="次"),
    Indicator("other_responses", "其他方式回应事件数", (r"其他方式回应",), unit="次"),
    # 三、依申请公开 -----------------------------------------------------------------------------
    Indicator("requests_letter_fax", "信函、传真申请数", (r"信函.{0,2}传真", r"传真.{0,2}信函"), unit="件",
              parent="requests_received", relation=SUM),
    Indicator("requests_in_person", "当面申请数", (r"当面",), unit="件", parent="requests_received", relation=SUM),
    Indicator("requests_fax", "传真申请数", (r"传真",), unit="件", parent="requests_received", relation=SUM),
    Indicator("requests_email", "电子邮件申请数", (r"电子邮件", r"邮箱申请", r"电邮"), unit="件",
              parent="requests_received", relation=SUM),
    Indicator("requests_online", "网络申请数", (r"网络申请", r"网上申请", r"互联网申请", r"在线申请", r"网络.{0,2}申请"),
              unit="件", parent="requests_received", relation=SUM),
    Indicator("requests_letter", "信函申请数", (r"信函",), unit="件", parent="requests_received", relation=SUM),
    Indicator("requests_other_channels", "其他形式申请数", (r"其他(?:形式|方式|渠道|途径)申请",), unit="件",
              parent="requests_received", relation=SUM, generic=(r"^其他(?:形式|方式|渠道)?$",)),
    Indicator("requests_closed_on_time", "按时办结数", (r"按时办结", r"按期办结"), unit="件",
              parent="requests_closed", relation=SUM),
    Indicator("requests_closed_extended", "延期办结数", (r"延期办结", r"延期答复"), unit="件",
              parent="requests_closed", relation=SUM),
    Indicator("requests_closed", "申请办结数", (r"办结",), unit="件"),
    Indicator("requests_received", "收到申请数", (
        r"(?:收到|受理|接收|接到)(?:的)?(?:政府信息)?(?:依申请公开|政府信息公开|信息公开)?(?:的)?(?:申请|信息)?(?:总)?"
        r"(?:数|件数|数量)",
        r"^(?:政府信息公开|依申请公开)?申请(?:总)?(?:数|件数|数量)$",
        r"^依申请公开(?:政府)?(?:信息)?(?:申请)?(?:总数|数量|件数)$",
    ), unit="件", core=True),
    # 申请答复数 and its outcomes (the outcomes add up to it in the 2014+ table).
    Indicator("replies_already_public", "属于已主动公开范围数", (r"已主动公开",), unit="件", parent="replies_total",
              relation=SUM),
    Indicator("replies_partially_granted", "同意部分公开答复数", (r"部分(?:予以)?公开",), unit="件",
              parent="replies_total", relation=SUM, core=True),
    Indicator("replies_denied", "不同意公开答复数", (r"不同意公开", r"不予(?:以)?公开", r"否决公开", r"不公开"),
              unit="件", parent="replies_total", relation=SUM, core=True),
    Indicator("replies_granted", "同意公开答复数", (r"(?<!不)同意公开", r"(?<![不分])予以公开", r"全部公开"), unit="件",
              parent="replies_total", relation=SUM, core=True),
    Indicator("replies_not_held", "不属于本行政机关公开数",
              (r"不属于本(?:行政)?(?:机关|部门|单位)", r"非本(?:行政)?(?:机关|部门|单位)", r"本(?:行政)?(?:机关|部门)不掌握",
               r"不属本(?:机关|部门)"),
              unit="件", parent="replies_total", relation=SUM, core=True),
    Indicator("replies_not_exist", "申请信息不存在数", (r"不存在",), unit="件", parent="replies_total", relation=SUM,
              core=True),
    Indicator("replies_correction_requested", "告知作出更改补充数", (r"更改补充", r"补正", r"内容不明确"), unit="件",
              parent="replies_total", relation=SUM),
    Indicator("replies_other_channel", "告知通过其他途径办理数", (r"其他途径",), unit="件", parent="replies_total",
              relation=SUM),
    # The 2008–2013 tables list the refusal reasons as parts of 否决公开.
    Indicator("denied_not_government_information", "不是《条例》所指政府信息",
              (r"所指(?:的)?政府信息", r"不属于政府信息", r"非政府信息"), unit="件", parent="replies_denied",
              relation=PART),
    Indicator("denied_state_secret", "涉及国家秘密", (r"国家秘密",), unit="件", parent="replies_denied", relation=PART),
    Indicator("denied_commercial_secret", "涉及商业秘密", (r"商业秘密",), unit="件", parent="replies_denied",
              relation=PART),
    Indicator("denied_personal_privacy", "涉及个人隐私", (r"个人隐私",), unit="件", parent="replies_denied",
              relation=PART),
    Indicator("denied_three_security", "危及国家安全、公共安全、经济安全和社会稳定",
              (r"国家安全", r"公共安全", r"经济安全", r"社会稳定", r"三安全一稳定"), unit="件", parent="replies_denied",
              relation=PART),
    Indicator("denied_other_law", "法律法规规定的其他情形", (r"法律法规规定的其他", r"其他法律法规"), unit="件",
              parent="replies_denied", relation=PART),
    Indicator("replies_other", "其他类型答复数", (r"其他(?:类型)?(?:的)?答复",), unit="件", parent="replies_total",
              relation=SUM, generic=(r"^其他(?:类型|情形|原因)?$", r"^其它(?:类型|情形|原因)?$")),
    Indicator("replies_total", "申请答复数", (r"答复(?:总)?(?:数|件数|数量)", r"^答复$"), unit="件"),
    # 四–六、复议 / 诉讼 / 举报投诉 ------------------------------------------------------------------
    *_outcomes("administrative_review", "行政复议数量"),
    *_outcomes("administrative_litigation", "行政诉讼数量"),
    *_outcomes("complaints", "举报投诉数量"),
    # 举报/投诉/申诉 before 诉讼: a row "接受行政诉讼、举报数" next to a row 行政诉讼数 is the complaints row.
    Indicator("complaints", "举报投诉数量", (r"举报", r"投诉", r"申诉"), unit="件", exclude=_OUTCOME_WORDS, core=True),
    Indicator("administrative_review", "行政复议数量", (r"复议",), unit="件", exclude=_OUTCOME_WORDS, core=True),
    Indicator("administrative_litigation", "行政诉讼数量", (r"诉讼",), unit="件", exclude=_OUTCOME_WORDS, core=True),
    # 七、收费 -----------------------------------------------------------------------------------
    Indicator("fees_search_10k_yuan", "检索费", (r"检索费",), unit="万元", parent="fees_10k_yuan", relation=PART),
    Indicator("fees_copy_10k_yuan", "复制费", (r"复制费",), unit="万元", parent="fees_10k_yuan", relation=PART),
    Indicator("fees_postage_10k_yuan", "邮寄费", (r"邮寄费",), unit="万元", parent="fees_10k_yuan", relation=PART),
    Indicator("fees_waived_10k_yuan", "减免金额", (r"减免",), unit="万元"),
    Indicator("fees_10k_yuan", "依申请公开信息收取的费用", (r"收取(?:的)?费用", r"收费(?:金额|总额|数额)?$", r"费用"),
              unit="万元", exclude=(r"经费",), core=True),
    # 八、机构建设和保障经费 -----------------------------------------------------------------------
    Indicator("dedicated_offices", "政府信息公开工作专门机构数", (r"专门机构",), unit="个"),
    Indicator("reading_points", "设置政府信息公开查阅点数", (r"查阅点", r"查阅场所", r"查阅室"), unit="个"),
    Indicator("staff_full_time", "专职人员数", (r"专职",), unit="人", parent="staff_total", relation=SUM),
    Indicator("staff_part_time", "兼职人员数", (r"兼职",), unit="人", parent="staff_total", relation=SUM),
    Indicator("staff_total", "从事政府信息公开工作人员数", (r"工作人员", r"从事.{0,12}人员"), unit="人"),
    Indicator("budget_10k_yuan", "政府信息公开专项经费", (r"经费",), unit="万元"),
    # 九、会议和培训 -----------------------------------------------------------------------------
    Indicator("trainees", "接受培训人员数", (r"接受培训", r"培训人员", r"培训人次", r"参训"), unit="人次"),
    Indicator("training_sessions", "举办各类培训班数", (r"培训",), unit="次"),
    Indicator("meetings", "召开政府信息公开会议数", (r"会议",), unit="次"),
    # 咨询 (2008–2013 tables and 上海-style reports)
    Indicator("consultations", "接受咨询数", (r"咨询",), unit="人次"),
)

BY_CODE: dict[str, Indicator] = {i.code: i for i in INDICATORS}
assert len(BY_CODE) == len(INDICATORS), "duplicate indicator code"
assert all(i.parent in BY_CODE for i in INDICATORS if i.parent), "unknown parent"

CORE_CODES = (
    "proactive_total", "proactive_website", "proactive_gazette", "requests_received", "replies_granted",
    "replies_partially_granted", "replies_denied", "replies_not_held", "replies_not_exist",
    "administrative_review", "administrative_litigation", "complaints", "fees_10k_yuan",
)
assert set(CORE_CODES) == {i.code for i in INDICATORS if i.core}


def ancestors(code: str) -> list[str]:
    out = []
    while (code := BY_CODE[code].parent) is not None:
        out.append(code)
    return out


# ---------------------------------------------------------------------------------------------
# Statistics-table header: 指标名称 | 计量单位 | [代码] | 2018年度 | 历年累计 (report-format.md §3.3)

# Column heads, each with the period it holds: "year" (本年度), "cumulative" (历年累计), "code" (代码:
# the row's number in the form, not a figure), or a 4-digit year (resolved against the report's year).
COLUMN_HEADS: tuple[tuple[str, str], ...] = (
    (r"(?:19|20)\d{2}年(?:度)?(?:统计数|实际数|数量|数)?", "dated"),
    (r"本年度(?:统计数|数量|数)?", "year"),
    (r"本年累计", "year"),  # 定西-style monthly forms: for an annual report, the year's total
    (r"本期实际", "year"),
    (r"本期", "year"),
    (r"本年", "year"),
    (r"统计数", "year"),
    (r"数量", "year"),
    (r"数值", "year"),
    (r"历年累计(?:数)?", "cumulative"),
    (r"累计(?:总数|数)?", "cumulative"),
)
ROW_HEADS = ("指标名称", "统计指标", "指标", "项目名称", "项目")
UNIT_HEADS = ("计量单位", "单位")
CODE_HEADS = ("代码",)


# ---------------------------------------------------------------------------------------------
# Prose (report-format.md §3.3 (b)): one regex per phrase, the figure in group "n" and its unit in
# group "u" (absent for phrases that state zero). `needs` is a word the sentence must contain, for
# phrases that also occur outside open-government work (行政复议 of a 司法局, 投诉 of a hotline).

_N = r"(?P<n>\d+(?:,\d{3})*(?:\.\d+)?)"
_COUNT_UNIT = r"(?P<u>条|件|项|个|宗|份|起|次|人次)"
_FILL = r"(?:共计|总计|合计|共|总数|数量|累计|达到|达|为|计|了|的)*"


@dataclass(frozen=True)
class TextRule:
    code: str
    pattern: str
    zero: bool = False  # the phrase states that there was none
    needs: str | None = None

    @cached_property
    def regex(self) -> re.Pattern:
        return re.compile(self.pattern)


_OGI_CONTEXT = r"信息公开|依申请|公开申请"
TEXT_RULES: tuple[TextRule, ...] = (
    TextRule("proactive_total", rf"主动(?:向社会)?公开(?:各类|各种|了)?(?:政府)?信息{_FILL}{_N}\s*{_COUNT_UNIT}"),
    TextRule("proactive_total", rf"主动(?:向社会)?公开(?:各类|了)?{_N}\s*(?P<u>条|件)(?:各类)?(?:政府)?信息"),
    TextRule("requests_received",
             rf"(?:受理|收到|接到|接收)(?:了)?(?:各类)?(?:政府信息公开|信息公开|依申请公开(?:政府信息)?)(?:的)?申请"
             rf"{_FILL}{_N}\s*{_COUNT_UNIT}"),
    TextRule("requests_received",
             rf"(?:受理|收到|接到|接收)(?:了)?(?:各类)?{_N}\s*(?P<u>件|条|宗|个|份)(?:政府信息公开|信息公开|依申请公开)(?:的)?申请"),
    # Not "办理…申请N件": handled may include requests carried over from the year before.
    TextRule("requests_received", rf"(?:受理|收到|接到)(?:了)?(?:各类)?申请{_FILL}{_N}\s*(?P<u>件|条|宗|份)",
             needs=_OGI_CONTEXT),
    TextRule("requests_received",
             r"(?:未|没有)(?:收到|受理|接到|接收)(?:过)?(?:任何|有关)?(?:的)?(?:政府信息公开|信息公开|依申请公开(?:政府信息)?)"
             r"(?:的)?申请", zero=True),
    TextRule("replies_granted", rf"(?:(?<!不)同意公开|(?<![不分])予以公开|全部公开)(?:的)?(?:答复)?{_FILL}{_N}\s*{_COUNT_UNIT}"),
    TextRule("replies_partially_granted", rf"(?:同意)?部分(?:予以)?公开(?:的)?(?:答复)?{_FILL}{_N}\s*{_COUNT_UNIT}"),
    TextRule("replies_denied", rf"(?:不同意公开|不予(?:以)?公开|否决公开)(?:的)?(?:答复)?{_FILL}{_N}\s*{_COUNT_UNIT}"),
    TextRule("replies_not_held",
             rf"(?:不属于本(?:行政)?(?:机关|单位|部门)|非本(?:行政)?(?:机关|部门|单位))(?:公开|掌握|职责)?(?:范围)?(?:的)?"
             rf"(?:政府)?(?:信息)?(?:申请)?{_FILL}{_N}\s*{_COUNT_UNIT}"),
    TextRule("replies_not_exist", rf"(?:政府)?信息不存在(?:的)?(?:申请)?{_FILL}{_N}\s*{_COUNT_UNIT}"),
    TextRule("administrative_review", rf"行政复议(?:案件|申请)?{_FILL}{_N}\s*(?P<u>件|起|宗|次|个)",
             needs=r"信息公开"),
    TextRule("administrative_litigation", rf"(?:行政诉讼|提起诉讼)(?:案件)?{_FILL}{_N}\s*(?P<u>件|起|宗|次|个)",
             needs=r"信息公开"),
    TextRule("complaints", rf"(?:举报投诉|投诉举报|申诉|举报|投诉)(?:案件)?{_FILL}{_N}\s*(?P<u>件|起|宗|次|个)",
             needs=r"信息公开"),
    TextRule("fees_10k_yuan",
             r"(?:未|没有|均未|未曾|从未)(?:向申请人)?收取(?:过)?(?:任何)?(?:检索|复制|邮寄|信息处理|相关|申请人)?(?:费用|费|等费用)",
             zero=True),
    TextRule("fees_10k_yuan",
             rf"收取(?:了)?(?:(?:检索|复制|邮寄|信息处理|相关)?费(?:用)?[、和及与]?)*(?:等费用)?{_FILL}{_N}\s*(?P<u>万元|元)",
             needs=r"信息公开|依申请|检索|复制|邮寄|信息处理费"),
)
# Every rule that states a figure reads it as {_N}\s*(?P<u>…): a sentence with no digit followed by one of
# those units states none (the parser reads such a sentence with the zero rules only).
FIGURE = re.compile(r"\d\s*(?:" + "|".join(sorted({
    u for rule in TEXT_RULES if not rule.zero
    for u in re.search(re.escape(_N) + r"\\s\*\(\?P<u>([^()]*)\)", rule.pattern).group(1).split("|")})) + ")")
# A sentence stating that there was no 复议 / 诉讼 / 举报投诉 ("2018年未收到有关政府信息公开行政复议、提起行政诉讼
# 的申请"): each named proceeding is 0.
ZERO_PROCEEDINGS: tuple[tuple[str, str], ...] = (
    ("administrative_review", r"复议"),
    ("administrative_litigation", r"诉讼"),
    ("complaints", r"举报|投诉|申诉"),
)


def compile_patterns() -> None:
    """Compile every indicator's and prose rule's regex now (~20 ms), in a worker's warm-up, rather
    than in the middle of the first pre-2019 report it parses."""
    for indicator in INDICATORS:
        indicator.matches("", under_parent=True)
    for rule in TEXT_RULES:
        rule.regex
