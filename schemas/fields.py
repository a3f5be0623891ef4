"""Every published column, defined once.

Tables (schemas/tables.py) are lists of these names; the pandera schemas, the
Arrow schemas and the data dictionary are all generated from this registry, so
a column cannot drift between layers. Names and codes follow
../shared/spec/data-contract.md, which is the interface analysts depend on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import pyarrow as pa

from schemas.layouts import APPLICATION_ROWS_2019, APPLICATION_ROWS_2021

ISSUE_STRUCT = pl.Struct({"code": pl.String, "detail": pl.String})

EDITIONS = ("2021", "2019", "mixed", "pre2019", "unknown")
ADMIN_LEVELS = ("central", "province", "prefecture", "county", "township", "unknown")
SCOPES = ("self", "region_wide", "unknown")
SCRIPTS = ("simplified", "traditional")
QUALITIES = ("valid", "inconsistent", "incomplete")

# 表二 items and metrics (contract vocabulary); editions use different metric sets.
ACTIVE_DISCLOSURE_ITEMS = (
    "regulations",
    "normative_documents",
    "administrative_licensing",
    "other_external_services",
    "administrative_penalty",
    "administrative_coercion",
    "administrative_fees",
    "centralized_procurement",
)
ACTIVE_DISCLOSURE_METRICS = (
    "issued",
    "repealed",
    "in_force",
    "decisions",
    "amount_10k_yuan",
    "new_made",
    "new_published",
    "total_published",
    "prior_year_items",
    "change",
    "procurement_items",
    "procurement_amount_10k_yuan",
)

# 表三 outcomes in printed order, from the editions' layouts: the 2021 rows, with 2019's single
# （六）其他处理 row (other_handling) after the 2021 （六） sub-rows.
OUTCOMES = tuple(dict.fromkeys(
    [s.key for s in APPLICATION_ROWS_2021 if s.key not in ("total_processed", "carried_forward")]
    + [s.key for s in APPLICATION_ROWS_2019]
))
APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
PROCEEDINGS = ("administrative_review", "litigation_direct", "litigation_after_review")
PROCEEDING_COUNTS = ("upheld", "corrected", "other", "pending", "total")


@dataclass(frozen=True)
class Field:
    name: str
    dtype: pl.DataType
    nullable: bool
    label_zh: str
    meaning: str
    isin: tuple[str, ...] | None = None
    ge: float | None = None
    pattern: str | None = None
    extra: dict = field(default_factory=dict)


def _count(name: str, label: str, meaning: str) -> Field:
    return Field(name, pl.Int64, True, label, meaning + " (null where the cell is blank; a blank is not 0)", ge=0)


_FIELDS: list[Field] = [
    Field("report_id", pl.String, False, "报告ID", "hex SHA-256 of the raw document bytes", pattern=r"^[0-9a-f]{64}$"),
    Field("source_key", pl.String, False, "原始对象键", "object key of the raw document in the raw bucket"),
    Field("source_name", pl.String, False, "原始文件名", "the document's original file name"),
    Field("source_url", pl.String, True, "来源网址", "where it was published, when known"),
    Field("title", pl.String, True, "标题", "report title as printed, normalised to Simplified"),
    Field("organization", pl.String, True, "报告机关", "the body the report is about"),
    Field("year", pl.Int64, False, "统计年度", "statistical year (the year the report is about)", ge=2000),
    Field("province", pl.String, False, "省级分区", "partition: 2-digit GB/T 2260 province code, 00 central, unknown",
          pattern=r"^(\d{2}|unknown)$"),
    Field("edition", pl.String, False, "格式版本", "table format edition, detected from header labels", isin=EDITIONS),
    Field("publish_date", pl.Date, True, "发布日期", "from the metadata block or the signature date"),
    Field("province_code", pl.String, True, "省级代码", "6-digit GB/T 2260 code", pattern=r"^\d{6}$"),
    Field("prefecture_code", pl.String, True, "地级代码", "6-digit GB/T 2260 code", pattern=r"^\d{6}$"),
    Field("county_code", pl.String, True, "县级代码", "6-digit GB/T 2260 code", pattern=r"^\d{6}$"),
    Field("province_name", pl.String, True, "省级名称", "name of the province-level division"),
    Field("prefecture_name", pl.String, True, "地级名称", "name of the prefecture-level division"),
    Field("county_name", pl.String, True, "县级名称", "name of the county-level division"),
    Field("admin_level", pl.String, False, "行政层级", "level of the issuing body", isin=ADMIN_LEVELS),
    Field("scope", pl.String, False, "报告范围",
          "self, or region_wide (covers all bodies of a region: never sum with members)", isin=SCOPES),
    Field("script", pl.String, False, "文字", "script of the source document", isin=SCRIPTS),
    Field("quality", pl.String, False, "质量", "valid, inconsistent (own totals disagree), incomplete (table missing/blank)",
          isin=QUALITIES),
    Field("issues", pl.List(ISSUE_STRUCT), False, "问题", "every validation finding (code, detail); empty when valid"),
    Field("overview", pl.String, True, "总体情况", "text of section 一"),
    Field("problems", pl.String, True, "存在的主要问题及改进情况", "text of section 五"),
    Field("other_matters", pl.String, True, "其他需要报告的事项", "text of section 六"),
    Field("parser_version", pl.String, False, "解析器版本", "version of the parser that produced the row"),
    Field("ingested_at", pl.Datetime("us", "UTC"), False, "入库时间", "when the row was produced (UTC)"),
    # 表二
    Field("item", pl.String, False, "信息内容", "表二 row (contract item code)", isin=ACTIVE_DISCLOSURE_ITEMS),
    Field("metric", pl.String, False, "指标", "表二 column (contract metric code)", isin=ACTIVE_DISCLOSURE_METRICS),
    Field("value", pl.Float64, True, "数值", "cell value; null where blank; amounts in 万元"),
    # 表三
    Field("outcome", pl.String, False, "办理情况", "表三 row in printed order", isin=OUTCOMES),
    _count("natural_person", "自然人", "applications from natural persons"),
    _count("commercial", "商业企业", "applications from commercial enterprises"),
    _count("research", "科研机构", "applications from research institutions"),
    _count("social_welfare", "社会公益组织", "applications from social welfare organisations"),
    _count("legal_services", "法律服务机构", "applications from legal service organisations"),
    _count("other_org", "其他", "applications from other organisations"),
    _count("total", "总计", "printed total"),
    # 表四
    Field("proceeding", pl.String, False, "复议诉讼类型", "行政复议 / 未经复议直接起诉 / 复议后起诉", isin=PROCEEDINGS),
    _count("upheld", "结果维持", "decision upheld"),
    _count("corrected", "结果纠正", "decision corrected"),
    _count("other", "其他结果", "other result"),
    _count("pending", "尚未审结", "not yet concluded"),
    # legacy_indicators
    Field("indicator", pl.String, False, "指标代码", "snake_case indicator code", pattern=r"^[a-z][a-z0-9_]*$"),
    Field("period", pl.String, False, "统计口径", "year (本年度) or cumulative (历年累计)", isin=("year", "cumulative")),
    Field("unit", pl.String, True, "单位", "unit as printed (amounts converted to 万元)"),
    Field("label", pl.String, True, "原文指标", "the indicator as printed"),
    Field("source", pl.String, False, "来源", "table or text", isin=("table", "text")),
    # quarantine
    Field("stage", pl.String, False, "阶段", "pipeline stage that rejected the document", isin=("stage", "parse", "validate")),
    Field("error_code", pl.String, False, "错误代码", "machine-readable reason"),
    Field("message", pl.String, False, "说明", "human-readable reason"),
    Field("ingest_date", pl.String, False, "入库日期", "partition: UTC date of the run (YYYY-MM-DD)",
          pattern=r"^\d{4}-\d{2}-\d{2}$"),
]

FIELDS: dict[str, Field] = {f.name: f for f in _FIELDS}
assert len(FIELDS) == len(_FIELDS), "duplicate field name"


def arrow_type(dtype: pl.DataType) -> pa.DataType:
    """Arrow type for a polars dtype, via an empty frame so the mapping is polars' own."""
    return pl.DataFrame(schema={"x": dtype}).to_arrow().schema.field("x").type
