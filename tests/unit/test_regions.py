"""Tests for tasks.parsing.regions (GB/T 2260 resolver).

Every expected code below is also checked against the packaged division table
itself (``test_expected_codes_exist_in_table``), read independently with the
csv module, so a wrong expectation cannot hide behind a wrong resolver.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.parsing.regions import YEAR_MAX, YEAR_MIN, Region, _table_path, resolve_region

SHARED = Path(__file__).resolve().parents[3] / "shared" / "corpus"

# --------------------------------------------------------------------------- the raw table


@pytest.fixture(scope="module")
def table():
    """{(year, code): (rank, name, parent prefecture code, province code)} plus raw rows."""
    by_key: dict[tuple[int, str], tuple[int, str, str | None, str]] = {}
    rows = []
    with open(_table_path(), encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows.append(r)
            year, rank = int(r["year"]), int(r["rank"])
            if rank == 1:
                code, name, parent = r["province_adcode"], r["province_name"], None
            elif rank == 2:
                code, name, parent = r["city_adcode"], r["city_name"], None
            else:
                code, name, parent = r["county_adcode"], r["county_name"], r["city_adcode"]
            by_key[(year, code)] = (rank, name, parent, r["province_adcode"])
    return by_key, rows


def test_table_years_and_columns(table):
    _, rows = table
    years = {int(r["year"]) for r in rows}
    assert min(years) == YEAR_MIN == 1980 and max(years) == YEAR_MAX == 2024
    assert years == set(range(1980, 2025))
    assert set(rows[0]) >= {"year", "province_adcode", "city_adcode", "county_adcode", "rank"}


def test_table_no_duplicate_codes_within_a_year(table):
    _, rows = table
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in rows:
        col = {"1": "province_adcode", "2": "city_adcode", "3": "county_adcode"}[r["rank"]]
        seen[(r["year"], r["rank"], r[col])] += 1
    dups = {k: v for k, v in seen.items() if v > 1}
    assert not dups


def test_table_every_county_has_its_parents(table):
    _, rows = table
    provinces = {(r["year"], r["province_adcode"]) for r in rows if r["rank"] == "1"}
    prefectures = {(r["year"], r["city_adcode"]) for r in rows if r["rank"] == "2"}
    pseudo = {"市辖区", "县", "市", "直辖县"}  # municipality / 省直辖 groupings: no row of their own
    missing = []
    for r in rows:
        if r["rank"] in ("2", "3") and (r["year"], r["province_adcode"]) not in provinces:
            missing.append(("province", r["year"], r["province_adcode"]))
        if r["rank"] == "3":
            assert r["county_adcode"][:2] == r["province_adcode"][:2]
            if r["city_name"] in pseudo:
                assert r["city_adcode"][:2] == r["province_adcode"][:2]
            elif (r["year"], r["city_adcode"]) not in prefectures:
                missing.append(("prefecture", r["year"], r["city_adcode"], r["county_name"]))
    assert not missing


def test_table_codes_are_six_digits(table):
    by_key, _ = table
    assert all(len(code) == 6 and code.isdigit() for (_, code) in by_key)


# --------------------------------------------------------------------------- gold labels

GOLD = [
    # names, year, province_code, prefecture_code, county_code, province partition
    (["苏州市姑苏区党政办公室"], 2024, "320000", "320500", "320508", "32"),
    (["乃东区人民政府", "乃东区人民政府办公室"], 2024, "540000", "540500", "540502", "54"),
    (["滨江新区办事处", "靖江市滨江新区办事处"], 2020, "320000", "321200", "321282", "32"),
    (["靖江市滨江新区办事处", "滨江新区办事处"], 2020, "320000", "321200", "321282", "32"),
    (["自贡市人民政府办公室"], 2024, "510000", "510300", None, "51"),
    (
        ["诸暨市人民政府", "诸暨市人民政府办公室", "诸暨市政府办公室", "诸暨市"],
        2024,
        "330000",
        "330600",
        "330681",
        "33",
    ),
    (["淮安市人民政府", "淮安市人民政府办公室", "淮安市"], 2024, "320000", "320800", None, "32"),
    (["淮安市洪泽区人民政府", "洪泽区人民政府"], 2023, "320000", "320800", "320813", "32"),
    (["淮安市洪泽区人民政府", "洪泽区人民政府"], 2024, "320000", "320800", "320813", "32"),
    (["沭阳县人民政府", "沭阳县", "沐阳县人民政府"], 2025, "320000", "321300", "321322", "32"),
    (["沐阳县人民政府"], 2025, "320000", "321300", "321322", "32"),
    (["上海市科学技术委员会", "上海市科委", "市科委"], 2024, "310000", None, None, "31"),
    (["市科委", "上海市科委"], 2024, "310000", None, None, "31"),
    (["上海市人民政府办公厅", "上海市政府办公厅", "市政府办公厅"], 2025, "310000", None, None, "31"),
    (["平潭综合实验区管理委员会", "平潭综合实验区管委会"], 2018, "350000", "350100", "350128", "35"),
    (["平潭综合实验区管理委员会", "平潭综合实验区管委会"], 2019, "350000", "350100", "350128", "35"),
    (["平潭综合实验区管委会办公室"], 2024, "350000", "350100", "350128", "35"),
    (["测试市", "测试市人民政府"], 2025, None, None, None, "unknown"),
]


@pytest.mark.parametrize("names,year,prov,pref,county,part", GOLD, ids=lambda v: str(v)[:24])
def test_gold_cases(names, year, prov, pref, county, part):
    r = resolve_region(names, year=year)
    assert (r.province_code, r.prefecture_code, r.county_code, r.province) == (prov, pref, county, part)
    if part == "unknown":
        assert r.admin_level == "unknown" and r.issue


def test_gold_specific_levels():
    assert resolve_region(["自贡市人民政府办公室"], year=2024).admin_level == "prefecture"
    assert resolve_region(["苏州市姑苏区党政办公室"], year=2024).admin_level == "county"
    assert resolve_region(["滨江新区办事处", "靖江市滨江新区办事处"], year=2020).admin_level == "township"
    assert resolve_region(["上海市科学技术委员会"], year=2024).admin_level == "province"
    r = resolve_region(["苏州市姑苏区党政办公室"], year=2024)
    assert (r.province_name, r.prefecture_name, r.county_name) == ("江苏省", "苏州市", "姑苏区")
    assert r.issue is None and any(e.startswith("name:") for e in r.evidence)


def _gold_files():
    if not SHARED.is_dir():
        return []
    return sorted(SHARED.glob("seeds/*.gold.json")) + sorted(SHARED.glob("peer/*.gold.json"))


@pytest.mark.parametrize("gold", _gold_files(), ids=lambda p: p.name[:40])
def test_gold_files_on_disk(gold):
    rep = json.loads(gold.read_text(encoding="utf-8"))["report"]
    src = gold.with_name(gold.name[: -len(".gold.json")])
    text = ""
    if src.exists() and src.suffix in (".txt", ".md"):
        text = src.read_text(encoding="utf-8", errors="replace")
    for names in (rep["organization"], list(reversed(rep["organization"]))):
        r = resolve_region(names, year=rep["year"], text=text, url=rep.get("source_url"))
        got = (r.province_code, r.prefecture_code, r.county_code, r.province)
        assert got == (rep["province_code"], rep["prefecture_code"], rep["county_code"], rep["province"])


# --------------------------------------------------------------------------- real body names

C, P, F, K, T = "central", "province", "prefecture", "county", "township"

# (names, year, province_code, prefecture_code, county_code, admin_level, name of the deepest code)
CASES = [
    # --- central bodies
    (["国务院办公厅"], 2024, None, None, None, C, None),
    (["国家发展和改革委员会"], 2024, None, None, None, C, None),
    (["教育部"], 2023, None, None, None, C, None),
    (["公安部"], 2024, None, None, None, C, None),
    (["国家税务总局"], 2022, None, None, None, C, None),
    (["海关总署"], 2024, None, None, None, C, None),
    (["中国人民银行"], 2024, None, None, None, C, None),
    (["国家统计局"], 2021, None, None, None, C, None),
    (["自然资源部"], 2020, None, None, None, C, None),
    (["中华人民共和国外交部"], 2024, None, None, None, C, None),
    (["国务院国有资产监督管理委员会"], 2024, None, None, None, C, None),
    (["水利部太湖流域管理局"], 2024, None, None, None, C, None),
    (["住房和城乡建设部"], 2024, None, None, None, C, None),
    (["国家乡村振兴局"], 2022, None, None, None, C, None),
    # --- provincial level
    (["江苏省人民政府办公厅"], 2024, "320000", None, None, P, "江苏省"),
    (["浙江省财政厅"], 2024, "330000", None, None, P, "浙江省"),
    (["广西壮族自治区教育厅"], 2024, "450000", None, None, P, "广西壮族自治区"),
    (["内蒙古自治区人民政府"], 2021, "150000", None, None, P, "内蒙古自治区"),
    (["国家税务总局江苏省税务局"], 2022, "320000", None, None, P, "江苏省"),
    (["北京市发展和改革委员会"], 2024, "110000", None, None, P, "北京市"),
    (["重庆市人民政府办公厅"], 2024, "500000", None, None, P, "重庆市"),
    (["西藏自治区人民政府"], 2024, "540000", None, None, P, "西藏自治区"),
    (["新疆维吾尔自治区人民政府"], 2024, "650000", None, None, P, "新疆维吾尔自治区"),
    (["黑龙江省人民政府"], 2024, "230000", None, None, P, "黑龙江省"),
    (["江苏省人民政府驻北京办事处"], 2024, "320000", None, None, P, "江苏省"),
    (["中共江苏省委办公厅"], 2024, "320000", None, None, P, "江苏省"),
    (["国家能源局江苏监管办公室"], 2024, "320000", None, None, P, "江苏省"),
    (["海南省人民政府"], 2024, "460000", None, None, P, "海南省"),
    # --- prefecture level
    (["苏州市财政局"], 2024, "320000", "320500", None, F, "苏州市"),
    (["国家税务总局苏州市税务局"], 2024, "320000", "320500", None, F, "苏州市"),
    (["国家税务总局深圳市税务局"], 2024, "440000", "440300", None, F, "深圳市"),
    (["国家税务总局大连市税务局"], 2023, "210000", "210200", None, F, "大连市"),
    (["中华人民共和国南京海关"], 2024, "320000", "320100", None, F, "南京市"),
    (["延边朝鲜族自治州人民政府"], 2024, "220000", "222400", None, F, "延边朝鲜族自治州"),
    (["延边州人民政府"], 2024, "220000", "222400", None, F, "延边朝鲜族自治州"),
    (["海南州人民政府"], 2024, "630000", "632500", None, F, "海南藏族自治州"),
    (["东莞市人民政府"], 2024, "440000", "441900", None, F, "东莞市"),
    (["中山市人民政府"], 2024, "440000", "442000", None, F, "中山市"),
    (["嘉峪关市人民政府"], 2024, "620000", "620200", None, F, "嘉峪关市"),
    (["锡林郭勒盟行政公署"], 2024, "150000", "152500", None, F, "锡林郭勒盟"),
    (["阿里地区行政公署"], 2024, "540000", "542500", None, F, "阿里地区"),
    (["吉林市人民政府"], 2024, "220000", "220200", None, F, "吉林市"),
    (["苏州工业园区管理委员会"], 2024, "320000", "320500", None, F, "苏州市"),
    (["国家统计局苏州调查队"], 2024, "320000", "320500", None, F, "苏州市"),
    (["荆州市公安局"], 2024, "420000", "421000", None, F, "荆州市"),
    (["福州市滨海新城管委会"], 2024, "350000", "350100", None, F, "福州市"),
    (["巢湖市人民政府"], 2010, "340000", "341400", None, F, "巢湖市"),
    (["莱芜市人民政府"], 2016, "370000", "371200", None, F, "莱芜市"),
    (["襄樊市人民政府"], 2009, "420000", "420600", None, F, "襄樊市"),
    (["襄阳市人民政府"], 2011, "420000", "420600", None, F, "襄阳市"),
    # --- county level (districts, counties, county-level cities, their departments)
    (["国家税务总局苏州市姑苏区税务局"], 2024, "320000", "320500", "320508", K, "姑苏区"),
    (["中共苏州市姑苏区委员会办公室"], 2024, "320000", "320500", "320508", K, "姑苏区"),
    (["国家税务总局芜湖市镜湖区税务局"], 2022, "340000", "340200", "340202", K, "镜湖区"),
    (["北京市朝阳区人民政府"], 2024, "110000", "110100", "110105", K, "朝阳区"),
    (["长春市朝阳区人民政府"], 2024, "220000", "220100", "220104", K, "朝阳区"),
    (["南京市鼓楼区人民政府"], 2024, "320000", "320100", "320106", K, "鼓楼区"),
    (["福州市鼓楼区人民政府"], 2024, "350000", "350100", "350102", K, "鼓楼区"),
    (["上海市普陀区人民政府"], 2024, "310000", "310100", "310107", K, "普陀区"),
    (["舟山市普陀区人民政府"], 2024, "330000", "330900", "330903", K, "普陀区"),
    (["兰州市城关区人民政府"], 2024, "620000", "620100", "620102", K, "城关区"),
    (["拉萨市城关区人民政府"], 2024, "540000", "540100", "540102", K, "城关区"),
    (["北京市东城区人民政府"], 2024, "110000", "110100", "110101", K, "东城区"),
    (["仙桃市人民政府"], 2024, "420000", "429000", "429004", K, "仙桃市"),
    (["济源市人民政府"], 2024, "410000", "419000", "419001", K, "济源市"),
    (["神农架林区人民政府"], 2024, "420000", "429000", "429021", K, "神农架林区"),
    (["彭水苗族土家族自治县人民政府"], 2024, "500000", "500200", "500243", K, "彭水苗族土家族自治县"),
    (["彭水县人民政府"], 2024, "500000", "500200", "500243", K, "彭水苗族土家族自治县"),
    (["重庆市城口县人民政府"], 2024, "500000", "500200", "500229", K, "城口县"),
    (["上海市浦东新区人民政府"], 2024, "310000", "310100", "310115", K, "浦东新区"),
    (["天津市滨海新区人民政府"], 2024, "120000", "120100", "120116", K, "滨海新区"),
    (["武汉经济技术开发区（汉南区）"], 2024, "420000", "420100", "420113", K, "汉南区"),
    (["晋城市城区人民政府"], 2024, "140000", "140500", "140502", K, "城区"),
    (["攀枝花市东区人民政府"], 2024, "510000", "510400", "510402", K, "东区"),
    (["西安市临潼区人民政府"], 2024, "610000", "610100", "610115", K, "临潼区"),
    (["宣城市宣州区人民政府"], 2024, "340000", "341800", "341802", K, "宣州区"),
    (["海口市美兰区人民政府"], 2024, "460000", "460100", "460108", K, "美兰区"),
    (["深圳市福田区人民政府"], 2024, "440000", "440300", "440304", K, "福田区"),
    (["昆山市人民政府"], 2024, "320000", "320500", "320583", K, "昆山市"),
    (["义乌市人民政府"], 2024, "330000", "330700", "330782", K, "义乌市"),
    (["江阴市人民政府"], 2024, "320000", "320200", "320281", K, "江阴市"),
    (["伊宁市人民政府"], 2024, "650000", "654000", "654002", K, "伊宁市"),
    (["格尔木市人民政府"], 2024, "630000", "632800", "632801", K, "格尔木市"),
    (["公安县人民政府"], 2024, "420000", "421000", "421022", K, "公安县"),
    (["荆州市公安县财政局"], 2024, "420000", "421000", "421022", K, "公安县"),
    (["吉林省吉林市船营区人民政府"], 2024, "220000", "220200", "220204", K, "船营区"),
    (["大连市中山区人民政府"], 2024, "210000", "210200", "210202", K, "中山区"),
    (["梅县区人民政府"], 2024, "440000", "441400", "441403", K, "梅县区"),
    (["湖北省监利市人民政府"], 2024, "420000", "421000", "421088", K, "监利市"),
    # --- historical names, as of the report year
    (["沧浪区人民政府"], 2010, "320000", "320500", "320502", K, "沧浪区"),
    (["苏州市沧浪区人民政府"], 2010, "320000", "320500", "320502", K, "沧浪区"),
    (["巢湖市人民政府"], 2012, "340000", "340100", "340181", K, "巢湖市"),
    (["闸北区人民政府"], 2014, "310000", "310100", "310108", K, "闸北区"),
    (["崇文区人民政府"], 2009, "110000", "110100", "110103", K, "崇文区"),
    (["卢湾区人民政府"], 2010, "310000", "310100", "310103", K, "卢湾区"),
    (["南汇区人民政府"], 2005, "310000", "310100", "310119", K, "南汇区"),
    (["芜湖县人民政府"], 2019, "340000", "340200", "340221", K, "芜湖县"),
    (["芜湖市湾沚区人民政府"], 2021, "340000", "340200", "340210", K, "湾沚区"),
    (["济南市莱芜区人民政府"], 2020, "370000", "370100", "370116", K, "莱芜区"),
    (["乃东县人民政府"], 2014, "540000", "542200", "542221", K, "乃东县"),
    (["梅县人民政府"], 2010, "440000", "441400", "441421", K, "梅县"),
    # --- townships: codes of the enclosing county (or county-less prefecture)
    (["靖江市新桥镇人民政府"], 2020, "320000", "321200", "321282", T, "靖江市"),
    (["上海市普陀区长征镇人民政府"], 2024, "310000", "310100", "310107", T, "普陀区"),
    (["东莞市长安镇人民政府"], 2024, "440000", "441900", None, T, "东莞市"),
    (["姑苏区双塔街道办事处"], 2024, "320000", "320500", "320508", T, "姑苏区"),
    (["诸暨市店口镇人民政府"], 2024, "330000", "330600", "330681", T, "诸暨市"),
    (["苏州市吴中区人民政府长桥街道办事处"], 2024, "320000", "320500", "320506", T, "吴中区"),
    (["乃东区结巴乡人民政府"], 2024, "540000", "540500", "540502", T, "乃东区"),
]


def _clip(year: int) -> int:
    return min(max(year, YEAR_MIN), YEAR_MAX)


def test_enough_real_cases():
    assert len(CASES) >= 80
    assert len({c[5] for c in CASES}) == 5
    assert len({c[2] for c in CASES if c[2]}) >= 20  # provinces covered


@pytest.mark.parametrize("names,year,prov,pref,county,level,name", CASES, ids=lambda v: str(v)[:20])
def test_expected_codes_exist_in_table(table, names, year, prov, pref, county, level, name):
    """The expectations themselves, checked against the raw table of that year."""
    by_key, _ = table
    y = _clip(year)
    if level == C:
        return
    assert by_key[(y, prov)][0] == 1
    deepest = county or pref or prov
    rank, tname, parent, tprov = by_key[(y, deepest)]
    assert tname == name
    assert tprov == prov
    if county:
        assert rank == 3 and parent == pref
    elif pref:
        assert rank == 2


@pytest.mark.parametrize("names,year,prov,pref,county,level,name", CASES, ids=lambda v: str(v)[:20])
def test_real_body_names(names, year, prov, pref, county, level, name):
    r = resolve_region(names, year=year)
    assert (r.province_code, r.prefecture_code, r.county_code, r.admin_level) == (
        prov,
        pref,
        county,
        level,
    ), r
    assert r.issue is None, r
    if level == C:
        assert r.province == "00"
        assert r.province_name is r.prefecture_name is r.county_name is None
    else:
        assert r.province == prov[:2]
        assert name in (r.county_name, r.prefecture_name, r.province_name)


# --------------------------------------------------------------------------- ambiguity

AMBIGUOUS = [
    ("朝阳区人民政府", {"110105", "220104"}),
    ("鼓楼区人民政府", {"320106", "320302", "350102", "410204"}),
    ("普陀区人民政府", {"310107", "330903"}),
    ("城关区人民政府", {"620102", "540102"}),
    ("新华区人民政府", None),
    ("通州区人民政府", {"110112", "320612"}),
    ("和平区人民政府", None),
    ("江北区人民政府", {"500105", "330205"}),
    ("西湖区人民政府", None),
    ("长安区人民政府", None),
    ("白云区人民政府", None),
    ("桥西区人民政府", None),
    ("城区人民政府", None),
    ("郊区人民政府", None),
    ("国家税务总局鼓楼区税务局", None),
    ("朝阳区财政局", None),
]


@pytest.mark.parametrize("name,codes", AMBIGUOUS)
def test_ambiguous_names_without_signal_are_unknown(name, codes):
    r = resolve_region([name], year=2024)
    assert r.province == "unknown" and r.admin_level == "unknown"
    assert r.province_code is r.prefecture_code is r.county_code is None
    assert r.issue and r.issue.startswith("region_ambiguous:")
    for code in codes or ():
        assert code in r.issue


def _uscc(region: str, org: str = "MB1234567") -> str:
    """A well-formed 统一社会信用代码 (GB 32100-2015 check character) for a 机关 in ``region``."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    body = "11" + region + org
    c = 31 - sum(alphabet.index(ch) * w for ch, w in zip(body, weights)) % 31
    return body + alphabet[0 if c == 31 else c]


def test_uscc_helper_matches_the_spec_example():
    body = "11341702486344515"
    assert _uscc("341702", "486344515") == body + "H"


DISAMBIGUATED = [
    # (names, kwargs, expected county, evidence prefix)
    (["朝阳区人民政府", "北京市朝阳区人民政府"], {}, "110105", "name:"),
    (["朝阳区人民政府"], {"url": "http://www.bjchy.gov.cn/dynamic/news/1.html"}, "110105", "url:"),
    (["鼓楼区人民政府"], {"url": "https://www.nanjing.gov.cn/xxgk/1.html"}, "320106", "url:"),
    (["鼓楼区人民政府"], {"url": "http://www.fuzhou.gov.cn/zwgk/1.htm"}, "350102", "url:"),
    (["通州区人民政府"], {"url": "https://www.beijing.gov.cn/a/b.html"}, "110112", "url:"),
    (
        ["鼓楼区财政局"],
        {"text": "索引号：" + _uscc("320302") + "/2024-00012 发布机构：鼓楼区财政局"},
        "320302",
        "metadata:",
    ),
    (["普陀区人民政府"], {"text": "索 引 号 | " + _uscc("330903") + "/2025-1 |"}, "330903", "metadata:"),
    (
        ["城关区人民政府"],
        {"text": "按照自治区、拉萨市关于政务公开的要求，城关区……拉萨市委"},
        "540102",
        "text:",
    ),
    (["城关区人民政府"], {"text": "兰州市城关区 2024 年……全市（兰州）……甘肃省"}, "620102", "text:"),
    (["新华区人民政府", "石家庄市人民政府"], {}, "130105", "name:"),
    (["江北区人民政府"], {"url": "http://www.cq.gov.cn/zwgk/1.html"}, "500105", "url:"),
]


@pytest.mark.parametrize("names,kw,county,ev", DISAMBIGUATED, ids=lambda v: str(v)[:24])
def test_ambiguous_names_with_a_signal(table, names, kw, county, ev):
    r = resolve_region(names, year=2024, **kw)
    assert r.county_code == county, r
    assert r.issue is None and r.admin_level == "county"
    assert any(e.startswith(ev) for e in r.evidence), r.evidence
    by_key, _ = table
    assert by_key[(2024, county)][2] == r.prefecture_code


def test_text_signal_needs_a_clear_margin():
    text = "兰州 拉萨 兰州 拉萨"  # both parents equally present: stays ambiguous
    r = resolve_region(["城关区人民政府"], year=2024, text=text)
    assert r.province == "unknown" and r.issue.startswith("region_ambiguous")


def test_url_mirror_does_not_decide():
    r = resolve_region(["鼓楼区人民政府"], year=2024, url="http://www.haose21.com/x.html")
    assert r.province == "unknown"


# --------------------------------------------------------------------------- other signals and guards


def test_uscc_places_a_body_whose_name_has_no_place():
    r = resolve_region(["市政府办公室"], year=2021, text="索引号：11341702486344515H/202110-00013")
    assert (r.province_code, r.prefecture_code, r.county_code) == ("340000", "341700", "341702")
    assert r.evidence and r.evidence[0].startswith("metadata:USCC")


def test_uscc_places_a_township_body():
    r = resolve_region(["滨江新区办事处"], year=2020, text="索引号 | " + _uscc("321282") + "/2021-00060")
    assert (r.county_code, r.admin_level) == ("321282", "township")


def test_organisation_code_index_number_is_not_a_region():
    # seed 002: 索引号 785560680/2021-00060 is a 9-char 组织机构代码 without region
    r = resolve_region(["滨江新区办事处"], year=2020, text="索引号 | 785560680/2021-00060 |")
    assert r.province == "unknown"


def test_url_only_gives_a_partial_placement():
    r = resolve_region(["经济技术开发区经济发展局"], year=2024, url="http://www.jiangsu.gov.cn/art/1.html")
    assert (r.province, r.province_code, r.admin_level) == ("32", "320000", "unknown")
    assert r.issue.startswith("region_partial")


@pytest.mark.parametrize(
    "name",
    [
        "公安局",
        "港口管理局",
        "新建项目办公室",
        "东方红街道办事处",
        "长安镇人民政府",
        "区人民政府办公室",
        "滨海新城管委会",
        "县财政局",
        "国家税务总局测试市税务局",
        "",
    ],
)
def test_names_without_a_confident_place_stay_unknown(name):
    r = resolve_region([name], year=2024)
    assert r.province == "unknown" and r.issue
    assert r.province_code is None


def test_short_names_do_not_fire_inside_words():
    # 滨江 (杭州滨江区) must not place 靖江's 滨江新区; 公安 (公安县) must not place 荆州市公安局
    assert resolve_region(["滨江新区办事处"], year=2020).province == "unknown"
    assert resolve_region(["荆州市公安局"], year=2024).county_code is None
    assert resolve_region(["杭州市住房和城乡建设局"], year=2024).county_code is None


def test_conflicting_names_keep_priority_and_flag():
    r = resolve_region(["苏州市姑苏区党政办公室", "北京市人民政府"], year=2024)
    assert r.county_code == "320508"
    assert r.issue and r.issue.startswith("region_conflict")


def test_years_are_clipped():
    a = resolve_region(["乃东区人民政府"], year=2030)
    b = resolve_region(["乃东区人民政府"], year=2024)
    assert a == b
    old = resolve_region(["苏州市人民政府"], year=1970)
    assert old.prefecture_code == "320500"
    assert resolve_region(["乃东区人民政府"]).county_code == "540502"  # year=None -> latest table


def test_name_outside_its_years_uses_nearest_vintage():
    r = resolve_region(["闸北区人民政府"], year=2016)
    assert r.county_code == "310108" and any(e.startswith("vintage:") for e in r.evidence)


def test_a_plain_string_is_one_name():
    assert resolve_region("苏州市姑苏区党政办公室", year=2024).county_code == "320508"


def test_deterministic():
    args = (["城关区人民政府"],)
    kw = {"year": 2024, "text": "拉萨市 拉萨市"}
    assert resolve_region(*args, **kw) == resolve_region(*args, **kw)


def test_region_is_frozen():
    r = resolve_region(["苏州市"], year=2024)
    assert isinstance(r, Region)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.province = "99"  # type: ignore[misc]


_LEVELS = {"central", "province", "prefecture", "county", "township", "unknown"}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(
                "苏州市姑苏区朝阳鼓楼县镇街道办事处人民政府国家局省北京上海江西湖南新城"
            ),
            max_size=14,
        ),
        max_size=3,
    ),
    st.integers(min_value=1950, max_value=2100),
)
def test_invariants_on_arbitrary_names(names, year):
    r = resolve_region(names, year=year)
    assert r.admin_level in _LEVELS
    if r.province_code is None:
        assert r.province in ("00", "unknown")
        assert r.prefecture_code is None and r.county_code is None
        assert (r.province == "00") == (r.admin_level == "central")
    else:
        assert r.province == r.province_code[:2] and r.province_code.endswith("0000")
        if r.county_code:
            assert r.prefecture_code and r.county_code[:2] == r.province_code[:2]
    if r.province == "unknown" and r.province_code is None:
        assert r.issue


def test_place_names_starting_with_zhu_are_not_liaison_offices():
    for name, county in [
        ("驻马店市人民政府办公室", None),
        ("驻马店市驿城区人民政府办公室", "411702"),
        ("驻马店市正阳县白沙街道办事处", "411724"),
    ]:
        r = resolve_region([name], year=2024)
        assert (r.prefecture_code, r.county_code) == ("411700", county), name
    assert resolve_region(["江苏省人民政府驻北京办事处"], year=2024).province_code == "320000"


# --------------------------------------------------------------------------- the name table (data file)

NAME_TABLE = Path(__file__).resolve().parent / "data" / "region_names.tsv"
# Rows whose name (or signal) must never be placed on the wrong unit.
AMBIGUITY_CATEGORIES = {"ambiguous", "signal", "unplaced"}
ALL_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
}  # fmt: skip
COMMON_AMBIGUOUS = {
    "朝阳区", "鼓楼区", "普陀区", "城关区", "新华区", "桥西区", "和平区", "通州区", "江北区", "西湖区", "长安区",
    "白云区",
}  # fmt: skip


def _name_rows() -> list[dict[str, str]]:
    """The TSV rows: category, names ('；'-separated, priority order), year, url, text, expected codes,
    level, name of the deepest expected code.  Lines starting with '#' are comments."""
    with open(NAME_TABLE, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))


@pytest.fixture(scope="module")
def name_rows():
    return _name_rows()


def _resolve_row(row: dict[str, str]) -> Region:
    return resolve_region(
        row["names"].split("；"), year=int(row["year"]), url=row["url"] or None, text=row["text"]
    )


def _expected(row: dict[str, str]) -> tuple[str | None, str | None, str | None, str]:
    return (
        row["province_code"] or None,
        row["prefecture_code"] or None,
        row["county_code"] or None,
        row["level"],
    )


def _got(r: Region) -> tuple[str | None, str | None, str | None, str]:
    return (r.province_code, r.prefecture_code, r.county_code, r.admin_level)


def test_name_table_size_and_coverage(name_rows):
    assert len(name_rows) >= 300
    assert {r["level"] for r in name_rows} >= {C, P, F, K, T, "unknown"}
    assert {r["category"] for r in name_rows} >= {
        "central", "province", "prefecture", "county", "township", "zone", "tax", "branch", "historical",
        "ambiguous", "signal",
    }  # fmt: skip
    placed = [r for r in name_rows if r["province_code"]]
    assert {r["province_code"][:2] for r in placed} == ALL_PROVINCES
    # every province has bodies at province, county and township level
    for level in ("province", "county", "township"):
        assert {r["province_code"][:2] for r in placed if r["level"] == level} == ALL_PROVINCES, level
    # historical names (2008-2018 divisions) and ambiguous names with and without a deciding signal
    assert sum(r["category"] == "historical" and int(r["year"]) <= 2018 for r in name_rows) >= 30
    assert sum(r["category"] == "ambiguous" and r["level"] == "unknown" for r in name_rows) >= 30
    assert sum(r["category"] == "signal" for r in name_rows) >= 30
    assert {bool(r["url"]) for r in name_rows if r["category"] == "signal"} == {True, False}
    assert any(
        "索引号" in r["text"] or "信用代码" in r["text"] for r in name_rows if r["category"] == "signal"
    )
    assert len({(r["names"], r["year"], r["url"], r["text"]) for r in name_rows}) == len(name_rows)


def test_name_table_codes_exist_in_table(table, name_rows):
    """Every expectation of the data file, checked against the raw division table of that year."""
    by_key, _ = table
    wrong = []
    for row in name_rows:
        prov, pref, county, level = _expected(row)
        if level in ("central", "unknown"):
            if prov or pref or county or row["name"]:
                wrong.append((row["names"], "a central / unknown row carries codes"))
            continue
        y = _clip(int(row["year"]))
        deepest = county or pref or prov
        if by_key.get((y, prov), (0,))[0] != 1:
            wrong.append((row["names"], f"{prov} is not a province in {y}"))
            continue
        if (y, deepest) not in by_key:
            wrong.append((row["names"], f"{deepest} not in the table in {y}"))
            continue
        rank, tname, parent, tprov = by_key[(y, deepest)]
        if tname != row["name"] or tprov != prov:
            wrong.append((row["names"], f"{deepest} is {tname} ({tprov}) in {y}, not {row['name']}"))
        if county and (rank != 3 or parent != pref):
            wrong.append((row["names"], f"{county} is not a county of {pref} in {y}"))
        if pref and not county and rank != 2:
            wrong.append((row["names"], f"{pref} is not a prefecture in {y}"))
        if level == "prefecture" and (county or not pref) or level == "province" and (pref or county):
            wrong.append((row["names"], f"level {level} does not fit the codes"))
    assert not wrong


def test_name_table_accuracy(name_rows, capsys):
    """Exact at the most specific level (all three codes and the admin level) over the whole table."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for row in name_rows:
        ok = _got(_resolve_row(row)) == _expected(row)
        per[row["category"]][0] += ok
        per[row["category"]][1] += 1
        if not ok:
            misses.append((row["names"], row["year"], _expected(row), _got(_resolve_row(row))))
    hits = sum(h for h, _ in per.values())
    accuracy = hits / len(name_rows)
    with capsys.disabled():
        detail = ", ".join(f"{c} {h}/{n}" for c, (h, n) in sorted(per.items()))
        print(f"\nregion name table: {hits}/{len(name_rows)} exact = {accuracy:.2%} ({detail})")
        for m in misses:
            print("  miss:", m)
    assert accuracy >= 0.98, misses


def _confidently_wrong(row: dict[str, str], r: Region) -> bool:
    """A placement (any code) that contradicts the expectation; an unknown is never 'wrong' here."""
    if r.province_code is None:
        return r.province == "00" and row["level"] != "central"
    prov, pref, county, level = _expected(row)
    if level in ("unknown", "central"):
        return True
    return (
        r.province_code != prov
        or (r.prefecture_code is not None and r.prefecture_code != pref)
        or (r.county_code is not None and r.county_code != county)
    )


def test_name_table_no_confident_wrong_answers(name_rows):
    """Ambiguous names (朝阳区, 鼓楼区, 城区 …) without a deciding signal stay unknown with a
    region_ambiguous issue; with a signal they land on the signalled unit; nothing is misplaced."""
    wrong = []
    for row in name_rows:
        r = _resolve_row(row)
        if _confidently_wrong(row, r):
            wrong.append((row["category"], row["names"], _expected(row), _got(r)))
        if row["level"] == "unknown":
            if r.province != "unknown" or not r.issue:
                wrong.append((row["category"], row["names"], "should be unknown", r.issue))
            elif row["category"] == "ambiguous" and not r.issue.startswith("region_ambiguous:"):
                wrong.append((row["category"], row["names"], "should be region_ambiguous", r.issue))
    assert not wrong


def test_name_table_ambiguous_rows_are_balanced(name_rows):
    """The ambiguity rows cover the common same-name districts both ways (unknown, and decided)."""
    amb = {r["names"].split("；")[0][:3] for r in name_rows if r["category"] == "ambiguous"}
    sig = {r["names"].split("；")[0][:3] for r in name_rows if r["category"] == "signal"}
    assert COMMON_AMBIGUOUS <= amb and COMMON_AMBIGUOUS <= sig


def test_name_table_is_deterministic(name_rows):
    from tasks.parsing import regions

    first = [_resolve_row(r) for r in name_rows]
    regions._parse_name.cache_clear()
    regions._in_year.cache_clear()
    assert [_resolve_row(r) for r in name_rows] == first
