"""Run a stage's work across CPU cores, or in this process when that is faster.

Workers are forked, so they start with everything the parent holds (content, graph, the
templates): nothing is sent to them but index ranges, and they send back only what the
function returns for each item. Small batches run in this process, without the cost of
starting workers, and so does everything in a process that runs other threads.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 150  # below this many items per core, starting workers costs more than it saves
_TASK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def workers_for(items: int) -> int:
    """How many processes ``items`` items are worth: 1 for small batches."""
    cores = cpu_count()
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        # A fork copies only the calling thread: a lock another thread holds (the import
        # lock, a logging or sqlite lock) would stay locked in the worker forever. The
        # preview server builds on a thread beside its event loop, so it builds here.
        return 1
    return max(1, min(cores, items // MIN_PER_WORKER))


def map_items(
    function: Callable[[T], R], items: Sequence[T], *, workers: int | None = None
) -> list[R]:
    """``[function(item) for item in items]``, split across forked workers when worth it.

    ``function`` may be a closure: workers inherit it. Exceptions in a worker (such as
    BuildFailed) are raised here.
    """
    count = workers_for(len(items)) if workers is None else workers
    if count <= 1 or len(items) < 2:
        return [function(item) for item in items]
    global _TASK
    _TASK = (function, items)
    try:
        # more chunks than workers, so a worker that finishes early takes another
        size = max(1, -(-len(items) // (count * 4)))
        ranges = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
        context = multiprocessing.get_context("fork")
        with context.Pool(count) as pool:
            chunks = pool.map(_run_range, ranges, chunksize=1)
    finally:
        _TASK = None
    return [result for chunk in chunks for result in chunk]


def _run_range(bounds: tuple[int, int]) -> list[Any]:
    assert _TASK is not None
    function, items = _TASK
    return [function(items[index]) for index in range(*bounds)]
