"""Progress of a flow's steps, for whoever runs the flow in-process (the CLI draws rich progress bars).

Flows report through `completed(futures, step)` and `each(items, step)`; with no listener (a deployment
run, a test) both are plain loops. A listener is process-wide, not a flow parameter: parameters are
recorded by Prefect and must stay serialisable.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

from prefect.futures import PrefectFuture, as_completed

T = TypeVar("T")


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


def completed(futures: Sequence[PrefectFuture[T]], step: str) -> list[T]:
    """Wait for `futures`, reporting each as it completes (in any order); results in submission order."""
    if _listener:
        _listener.start(step, len(futures))
    for future in as_completed(list(futures)):
        future.result()  # a failed batch fails the flow here, as soon as it fails
        if _listener:
            _listener.advance(step)
    return [f.result() for f in futures]


def each(items: Iterable[T], step: str) -> Iterator[T]:
    items = list(items)
    if _listener:
        _listener.start(step, len(items))
    for item in items:
        yield item
        if _listener:
            _listener.advance(step)
