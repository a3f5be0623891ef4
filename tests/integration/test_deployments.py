"""The committed deployment definition builds and loads with no Prefect server."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest


@pytest.fixture(scope="module")
def deployment():
    from infra.deployments import deployments

    (only,) = deployments(source="s3://crawl/annual-reports", warehouse="s3://warehouse/ogi")
    return only


def next_runs(schedule, start: dt.datetime, n: int = 4) -> list[dt.datetime]:
    from prefect.server.schemas.schedules import CronSchedule

    cron = CronSchedule(cron=schedule.cron, timezone=schedule.timezone, day_or=schedule.day_or)
    return [d.astimezone(ZoneInfo(schedule.timezone)) for d in asyncio.run(cron.get_dates(n=n, start=start))]


def test_backfill_deployment_loads(deployment):
    from prefect.flows import load_flow_from_entrypoint

    flow = load_flow_from_entrypoint(deployment.entrypoint)
    assert (deployment.name, deployment.flow_name, flow.name) == ("scheduled", "ogi-backfill", "ogi-backfill")
    parameters = flow.validate_parameters(deployment.parameters)
    assert parameters["source"] == "s3://crawl/annual-reports" and parameters["warehouse"] == "s3://warehouse/ogi"
    assert parameters["years"] is None and parameters["reparse"] is False  # the recent years, incrementally


def test_daily_in_publishing_season_weekly_otherwise(deployment):
    season, off_season = (s.schedule for s in deployment.schedules)
    assert all(s.active for s in deployment.schedules)
    tz = ZoneInfo("Asia/Shanghai")
    in_season = next_runs(season, dt.datetime(2027, 1, 30, 12, tzinfo=tz))
    assert [d.date() for d in in_season] == [dt.date(2027, 1, 31), *(dt.date(2027, 2, d) for d in (1, 2, 3))]
    assert next_runs(season, dt.datetime(2027, 4, 30, 12, tzinfo=tz), 1)[0].date() == dt.date(2028, 1, 1)
    weekly = next_runs(off_season, dt.datetime(2027, 4, 30, tzinfo=tz))
    assert [d.date() for d in weekly] == [dt.date(2027, 5, d) for d in (3, 10, 17, 24)]
    assert {d.weekday() for d in weekly} == {0} and {d.hour for d in weekly + in_season} == {6}
    assert next_runs(off_season, dt.datetime(2027, 12, 28, tzinfo=tz), 1)[0].date() == dt.date(2028, 5, 1)
