"""The data dictionary, generated from the column registry.

    python -m schemas.dictionary > docs/data-dictionary.md

Every table (meaning, partition keys) and every column (type, nullable,
Chinese label, meaning, allowed codes) comes from schemas/fields.py and
schemas/tables.py; the printed rows of 表二 and 表三 come from
schemas/layouts.py and the issue codes that set `quality` from
schemas/rules.py. tests/unit/test_dictionary.py fails when the committed
docs/data-dictionary.md differs from this output.
"""

from __future__ import annotations

import polars as pl

from schemas.fields import FIELDS, OUTCOMES, PROCEEDINGS, Field
from schemas.layouts import ACTIVE_DISCLOSURE_ROWS, APPLICATION_ROWS_2019, APPLICATION_ROWS_2021
from schemas.rules import INCOMPLETE_CODES, INCONSISTENT_CODES, ISSUE_CODES, QUARANTINE_CODES
from schemas.tables import TABLES

# 表二 column headers as printed (data-contract.md, active_disclosure); the layouts only say which
# metric each column holds.
METRIC_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量 / 处理决定数量",
    "amount_10k_yuan": "本年收费金额（万元）",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prior_year_items": "上一年项目数量",
    "change": "本年增/减",
    "procurement_items": "采购项目数量",
    "procurement_amount_10k_yuan": "采购总金额（万元）",
}
PROCEEDING_LABELS = {
    "administrative_review": "行政复议",
    "litigation_direct": "行政诉讼：未经复议直接起诉",
    "litigation_after_review": "行政诉讼：复议后起诉",
}
EDITIONS = ("2021", "2019")


def type_name(dtype: pl.DataType) -> str:
    """A reader-facing type name (Arrow/Parquet vocabulary)."""
    if isinstance(dtype, pl.List):
        return f"list<{type_name(dtype.inner)}>"
    if isinstance(dtype, pl.Struct):
        return "struct<" + ", ".join(f"{f.name}: {type_name(f.dtype)}" for f in dtype.fields) + ">"
    if isinstance(dtype, pl.Datetime):
        return f"timestamp[{dtype.time_unit}, {dtype.time_zone}]" if dtype.time_zone else f"timestamp[{dtype.time_unit}]"
    return {pl.String: "string", pl.Int64: "int64", pl.Float64: "float64", pl.Date: "date"}[dtype.base_type()]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _allowed(f: Field) -> str:
    parts = []
    if f.isin is not None:
        parts.append(", ".join(f"`{v}`" for v in f.isin))
    if f.pattern is not None:
        parts.append(f"matches `{f.pattern}`")
    if f.ge is not None:
        parts.append(f"≥ {f.ge:g}")
    return "; ".join(parts)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header),
            *("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)]


def _editions_of(key: str, layouts: dict[str, list]) -> str:
    return ", ".join(e for e in EDITIONS if any(r.key == key for r in layouts[e]))


def data_dictionary_markdown() -> str:
    out = [
        "# Data dictionary",
        "",
        "Generated from the column registry (`schemas/fields.py`, `schemas/tables.py`, `schemas/layouts.py`,",
        "`schemas/rules.py`) by `python -m schemas.dictionary > docs/data-dictionary.md`: do not edit by hand.",
        "The contract these tables follow is `../shared/spec/data-contract.md`.",
        "",
        "## Layout",
        "",
        "```",
        "<warehouse root>/<table>/year=YYYY/province=PP/part-0.parquet",
        "<warehouse root>/quarantine/ingest_date=YYYY-MM-DD/part-0.parquet",
        "```",
        "",
        "Partition keys live in the path only (not inside the files): declare their types when reading,",
        "e.g. polars `hive_schema={\"year\": pl.Int64, \"province\": pl.String}`, DuckDB",
        "`hive_types={'year': BIGINT, 'province': VARCHAR}`. `infra/warehouse/` has ready-made DuckDB views",
        "and BigQuery / Snowflake external-table DDL. Blank cells are null, never 0.",
        "",
        "## Tables",
        "",
        *_table(("table", "meaning", "partition keys", "columns"),
                [(f"[`{t.name}`](#{t.name})", t.meaning, ", ".join(f"`{k}`" for k in t.partition_by),
                  str(len(t.columns))) for t in TABLES.values()]),
    ]
    for t in TABLES.values():
        keys = ", ".join(f"`{k}` ({type_name(FIELDS[k].dtype)})" for k in t.partition_by)
        out += ["", f"## {t.name}", "", f"{t.meaning[0].upper()}{t.meaning[1:]}.", "",
                f"Partitioned by {keys}: in the path only.", ""]
        out += _table(("column", "type", "nullable", "中文", "meaning", "allowed values"),
                      [(f"`{c}`" + (" (partition)" if c in t.partition_by else ""), type_name(FIELDS[c].dtype),
                        "yes" if FIELDS[c].nullable else "no", FIELDS[c].label_zh, FIELDS[c].meaning,
                        _allowed(FIELDS[c])) for c in t.columns])

    t3 = {"2021": APPLICATION_ROWS_2021, "2019": APPLICATION_ROWS_2019}
    printed = {r.key: r.label for e in EDITIONS for r in t3[e]}
    out += ["", "## Codes", "", "### 表三 `applications.outcome`", "",
            "In the table's printed order. The outcome groups used in analysis: `granted`, `partially_granted`,",
            "`withheld_*` (三(三) 不予公开), `unavailable_*` (三(四) 无法提供), `rejected_*` (三(五) 不予处理),",
            "`other_*` (三(六) 其他处理). `total_processed` = the sum of those rows; `new_received` +",
            "`carried_over` = `total_processed` + `carried_forward`.", ""]
    out += _table(("outcome", "printed row", "editions"),
                  [(f"`{o}`", printed[o], _editions_of(o, t3)) for o in OUTCOMES])

    item_rows, metric_editions = [], {}
    for item in FIELDS["item"].isin:
        rows = {e: r for e in EDITIONS for r in ACTIVE_DISCLOSURE_ROWS[e] if r.key == item}
        for e, r in rows.items():
            for m in r.metrics:
                metric_editions.setdefault(m, set()).add(e)
        metrics = "; ".join(f"{e}: " + ", ".join(f"`{m}`" for m in r.metrics) for e, r in rows.items())
        item_rows.append((f"`{item}`", " / ".join(dict.fromkeys(r.label for r in rows.values())),
                          ", ".join(rows), metrics))
    out += ["", "### 表二 `active_disclosure.item`", ""]
    out += _table(("item", "printed row", "editions", "metrics"), item_rows)
    out += ["", "### 表二 `active_disclosure.metric`", ""]
    out += _table(("metric", "printed column", "editions"),
                  [(f"`{m}`", METRIC_LABELS[m], ", ".join(e for e in EDITIONS if e in metric_editions.get(m, ())))
                   for m in FIELDS["metric"].isin])
    out += ["", "### 表四 `reviews_litigation.proceeding`", ""]
    out += _table(("proceeding", "printed"), [(f"`{p}`", PROCEEDING_LABELS[p]) for p in PROCEEDINGS])
    out += ["", "### `reports.issues[].code`", "",
            "The codes in the first two groups set `reports.quality`; the others are informational and leave a "
            "report `valid`.", ""]
    effect = {**{c: "inconsistent" for c in INCONSISTENT_CODES}, **{c: "incomplete" for c in INCOMPLETE_CODES}}
    order = {"inconsistent": 0, "incomplete": 1}
    out += _table(("code", "quality", "meaning"),
                  [(f"`{c}`", effect.get(c, "—"), _cell(m))
                   for c, m in sorted(ISSUE_CODES.items(), key=lambda cm: order.get(effect.get(cm[0]), 2))])
    out += ["", "### `quarantine.error_code`", ""]
    out += _table(("code", "the document"), [(f"`{c}`", _cell(m)) for c, m in QUARANTINE_CODES.items()])
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdout.write(data_dictionary_markdown())
