"""Progress of a flow's steps, for whoever runs the flow in-process (the CLI draws rich progress bars).

Flows report through `bounded(submit, items, limit, step)` and `each(items, step)`; with no listener (a deployment
run, a test) both are plain loops. A listener is process-wide, not a flow parameter: parameters are
recorded by Prefect and must stay serialisable.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

from prefect.futures import PrefectFuture, as_completed

T = TypeVar("T")
R = TypeVar("R")


class Listener(Protocol):
    def start(self, step: str, total: int) -> None: ...
    def advance(self, step: str) -> None: ...


_listener: Listener | None = None


@contextlib.contextmanager
def reporting_to(listener: Listener) -> Iterator[Listener]:
    global _listener
    previous, _listener = _listener, listener
    try:
        yield listener
    finally:
        _listener = previous


def bounded(submit: Callable[[T], PrefectFuture[R]], items: Sequence[T], limit: int, step: str) -> list[R]:
    """`submit` each item, with at most `limit` futures running at once, reporting each as it completes
    (in any order); the results in item order. A failure fails the flow as soon as it is seen.

    The bound keeps a run's memory flat whatever the task runner (Prefect's thread pool starts every
    submitted task at once) and lets later batches be staged while earlier ones parse.
    """
    if _listener:
        _listener.start(step, len(items))
    futures: list[PrefectFuture[R]] = []
    running: set[PrefectFuture[R]] = set()

    def wait_one() -> None:
        done = next(as_completed(list(running)))
        running.discard(done)
        done.result()
        if _listener:
            _listener.advance(step)

    for item in items:
        while len(running) >= limit:
            wait_one()
        futures.append(submit(item))
        running.add(futures[-1])
    while running:
        wait_one()
    return [f.result() for f in futures]


def each(items: Iterable[T], step: str) -> Iterator[T]:
    items = list(items)
    if _listener:
        _listener.start(step, len(items))
    for item in items:
        yield item
        if _listener:
            _listener.advance(step)
