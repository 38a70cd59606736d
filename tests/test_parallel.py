"""Forked workers: the same results as in-process, and no fork beside other threads."""

from __future__ import annotations

import os
import threading

from generator.parallel import map_items, workers_for


def test_map_items_in_workers_gives_the_in_process_results():
    items = list(range(2000))
    assert map_items(lambda n: (n * n, os.getpid()), items, workers=2)[5][0] == 25
    assert [r for r, _ in map_items(lambda n: (n * n, 0), items, workers=2)] == [
        n * n for n in items
    ]


def test_workers_are_other_processes():
    pids = {pid for _, pid in map_items(lambda n: (n, os.getpid()), list(range(600)), workers=2)}
    assert os.getpid() not in pids  # really other processes


def test_no_workers_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert workers_for(100_000) == 1
    finally:
        stop.set()
        thread.join()
