"""The progress bar of ``grantrules simulate``: on stderr, only when it is a terminal.

A bar (``tqdm``, in the ``batch`` extra) counts applications as batches are decided, with
the total when the input says it (a Parquet file's row count) and a rate.  When stderr is
not a terminal (a pipe, a file, CI) nothing is written: logs stay clean.  Without tqdm a
terminal gets a plain counter.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

__all__ = ["progress"]

Advance = Callable[[int], None]


@contextlib.contextmanager
def progress(total: int | None, stream: TextIO | None = None) -> Iterator[Advance | None]:
    """A function to call with each batch's number of applications, or None when
    ``stream`` (stderr by default) is not a terminal; the bar is closed on exit."""
    out = stream if stream is not None else sys.stderr
    if not _is_terminal(out):
        yield None
        return
    try:
        from tqdm import tqdm
    except ImportError:
        yield from _counter(out)
        return
    with tqdm(
        total=total,
        unit=" applications",
        unit_scale=True,
        file=out,
        leave=True,  # the final count and rate stay on the terminal
        dynamic_ncols=True,
        mininterval=0.2,
    ) as bar:

        def advance(count: int) -> None:
            bar.update(count)

        yield advance


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except ValueError:  # a closed stream
        return False


def _counter(out: TextIO) -> Iterator[Advance]:
    seen = [0]

    def show(count: int) -> None:
        seen[0] += count
        out.write(f"\r{seen[0]:,} applications")
        out.flush()

    yield show
    out.write("\n")
    out.flush()
