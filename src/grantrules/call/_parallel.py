"""Map a pure function over many items on several cores, in forked worker processes.

Evaluating applications is pure and takes most of a large call's run, so :meth:`Call.run
<grantrules.call.Call.run>` can spread it over ``jobs`` processes.  Workers are *forked*: they
inherit the function and the items, so nothing but the results crosses a pipe, and no user
code has to be picklable.  Forking is only safe in a process with a single thread (another
thread may hold a lock the child would inherit locked; Python 3.12 warns about it), and only
POSIX systems other than macOS fork reliably; elsewhere, and for small batches, the map runs
in the calling process.  Results come back in the order of the items, so a parallel run
writes exactly the journal a serial run writes.

If a worker fails on an item, the caller evaluates that worker's remaining items itself, so
the exception (with its traceback) is raised in the caller as in a serial run.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

__all__ = ["can_fork", "parallel_map"]

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items per worker, starting a process costs more than it saves.
MIN_ITEMS_PER_JOB = 200


def can_fork() -> bool:
    """Whether worker processes may be forked from this process now."""
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _work(fn: Callable[[Any], Any], items: Sequence[Any], out: Connection) -> None:
    # A collection would visit every object inherited from the parent and, by touching
    # them, copy the parent's whole heap page by page: leave those to the parent.
    gc.freeze()
    results: list[Any] = []
    failed = False
    try:
        for item in items:
            results.append(fn(item))
    except BaseException:  # the caller reruns the item, so that it raises there
        failed = True
    out.send((results, failed))
    out.close()


def parallel_map(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``[fn(item) for item in items]``, over ``jobs`` processes when that is safe and useful.

    ``fn`` must be pure: in a worker, its side effects are lost.

    >>> parallel_map(len, ["a", "bb", "ccc"], jobs=2)
    [1, 2, 3]
    """
    jobs = min(jobs, len(items) // MIN_ITEMS_PER_JOB, os.cpu_count() or 1)
    if jobs <= 1 or not can_fork():
        return [fn(item) for item in items]
    context = multiprocessing.get_context("fork")
    size = -(-len(items) // jobs)
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    workers: list[tuple[Sequence[T], Connection, Any]] = []
    finished = False
    try:
        for part in slices[1:]:
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(fn, part, writer), daemon=True)
            process.start()
            writer.close()
            workers.append((part, reader, process))
        results = [fn(item) for item in slices[0]]
        for part, reader, _ in workers:
            try:
                done, failed = reader.recv()
            except EOFError:  # the worker died (killed, out of memory): do its share here
                done, failed = [], True
            results += done
            if failed or len(done) != len(part):
                results += [fn(item) for item in part[len(done) :]]
        finished = True
        return results
    finally:
        # On an exception (or Ctrl-C) here, no worker outlives the call.
        for _, reader, process in workers:
            reader.close()
            if not finished:
                process.terminate()
            process.join()
