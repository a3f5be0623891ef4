"""Prefect deployments of the pipeline, with their schedules: the committed definition.

`ogi serve` registers them with the Prefect server at PREFECT_API_URL and runs them when due
(schedules need a real `prefect server start`: the temporary server runs no scheduled run).

    prefect server start                               # API and UI on http://127.0.0.1:4200
    PREFECT_API_URL=http://127.0.0.1:4200/api ogi serve

Scheduled runs republish the last two statistical years (`ogi-backfill` with `years` unset),
incrementally: only documents this parser version has not published yet are parsed.
"""

from __future__ import annotations

from prefect.deployments.runner import EntrypointType
from prefect.schedules import Cron, Schedule

from flows.environment import DEFAULT_WAREHOUSE, SAMPLES

TIMEZONE = "Asia/Shanghai"
SCHEDULES: list[Schedule] = [
    # Reports on year N are due by 31 January of N+1 and keep appearing through April: daily then.
    Cron("0 6 * 1-4 *", timezone=TIMEZONE, slug="publishing-season-daily"),
    # The rest of the year late reports and corrections trickle in: Mondays.
    Cron("0 6 * 5-12 1", timezone=TIMEZONE, slug="off-season-weekly"),
]


def deployments(source: str = str(SAMPLES), warehouse: str = str(DEFAULT_WAREHOUSE)) -> list:
    """The deployments to register: built with no server (RunnerDeployment objects)."""
    from flows.backfill import backfill

    return [
        backfill.to_deployment(
            name="scheduled",
            schedules=SCHEDULES,
            parameters={"source": source, "warehouse": warehouse},
            description="Republish the last two statistical years from the source, incrementally.",
            tags=["ogi", "backfill"],
            entrypoint_type=EntrypointType.MODULE_PATH,  # the installed package: works from any directory
        ),
    ]


def serve_deployments(source: str = str(SAMPLES), warehouse: str = str(DEFAULT_WAREHOUSE)) -> None:
    from prefect import serve

    serve(*deployments(source, warehouse))


if __name__ == "__main__":
    serve_deployments()
