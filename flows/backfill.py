"""Backfill: republish chosen statistical years, one child flow run per year, incrementally.

The statistical year is known only after parsing, so a backfill stages the source once, parses
in batches only the documents this parser version has not published to this warehouse yet (all
of them with `reparse`), regroups the parsed rows by year, and then runs `ogi-publish-year` once
per requested year. Each child replaces exactly its year's partitions (the chosen provinces' only)
and is idempotent: the same keys give the same rows. Documents outside the years are parsed but
not published (nor recorded as published), so a later backfill of their year picks them up.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow

from flows.environment import DEFAULT_BATCH_SIZE, DEFAULT_WAREHOUSE, SAMPLES
from flows.ingest import ingest_batches, new_run_prefix, publish_years
from tasks.parsing import document
from tasks.publish import clean_run
from tasks.stage import state_prefix
from tasks.storage import S3Settings


def recent_years(today: dt.date | None = None) -> list[int]:
    """The statistical years still being published: reports on year N appear from January of N+1
    (the regulation's deadline is 31 January) through spring, with late ones a year on."""
    year = (today or dt.date.today()).year
    return [year - 2, year - 1]


def parse_years(text: str) -> list[int]:
    """'2008-2024', '2020,2022', '2019-2020,2024' → sorted years."""
    years: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, dash, last = part.partition("-")
        lo, hi = int(first), int(last if dash else first)
        if not (1990 <= lo <= hi <= 2100):
            raise ValueError(f"not a year range: {part!r}")
        years.update(range(lo, hi + 1))
    if not years:
        raise ValueError("no years given")
    return sorted(years)


def parse_provinces(text: str) -> list[str]:
    """'32,33' → ['32', '33']: 2-digit GB/T 2260 codes, '00' (central) or 'unknown'."""
    provinces = sorted({p.strip() for p in text.split(",") if p.strip()})
    bad = [p for p in provinces if not (p == "unknown" or (len(p) == 2 and p.isdigit()))]
    if bad or not provinces:
        raise ValueError(f"not province codes: {bad or text!r}")
    return provinces


@flow(name="ogi-backfill", log_prints=True)
def backfill(years: list[int] | None = None, provinces: list[str] | None = None, source: str = str(SAMPLES),
             warehouse: str = str(DEFAULT_WAREHOUSE), batch_size: int = DEFAULT_BATCH_SIZE,
             reparse: bool = False,
             settings: S3Settings | None = None) -> dict:
    """Republish `years` (default: the last two statistical years) from `source`, incrementally."""
    settings = settings or S3Settings.from_env()
    years = sorted(set(years or recent_years()))
    state = state_prefix(document.PARSER_VERSION, warehouse)
    run_prefix = new_run_prefix()
    split = ingest_batches(source, run_prefix, batch_size, settings, None if reparse else state)
    summary = publish_years(split, years, provinces, warehouse, state, settings)
    clean_run(run_prefix, settings)
    return {**summary, "years": years, "documents": split["documents"], "parsed": split["to_parse"],
            "skipped": split["skipped"]}
