"""Benchmark: how long a concurrent ``pay`` waits while a long ``call run`` goes on.

    .venv/bin/python bench/bench_contention.py [N] [--scheme ami-ia-hdf]

A second process pays 0.01 EUR on an application of the call in a loop while this one runs N
applications (40,000 by default, the figure of issue 15) through ``Call.run``.  The table gives
the payer's waits (each ``pay``: waiting for the write lock, then its own transaction) and the
run's longest hold of the lock.  The target is every wait under one second.  Wall-clock figures
depend on the machine's load, which is why they are measured here and not asserted by a test;
the suite checks the structural reason instead (evaluation runs outside the write lock).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_call import ami_documents, documents, evaluate

from grantrules.call import Call, SameApplicant
from grantrules.money import Euro

_PAYER = """
import os, sys, time
from grantrules.call import Call
from grantrules.money import Euro
path, stop, app = sys.argv[1], sys.argv[2], sys.argv[3]
with Call.open(path) as call:
    while not os.path.exists(stop):
        began = time.perf_counter()
        call.pay(app, Euro("0.01"))
        print(time.perf_counter() - began, flush=True)
        time.sleep(0.01)
"""


def main(n: int = 40_000, scheme: str | None = None) -> None:
    if scheme == "ami-ia-hdf":
        docs, evaluator, _ = ami_documents(n + 1)
    elif scheme is None:
        docs, evaluator = documents(n + 1), evaluate
    else:
        raise SystemExit(f"unknown scheme for this benchmark: {scheme}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        stop = Path(tmp) / "stop"
        call = Call.create(
            path, Euro("400000000.00"), evaluator=evaluator, portfolio_rules=[SameApplicant()]
        )
        first = docs[0]
        call.run([first])
        payer = subprocess.Popen(
            [sys.executable, "-c", _PAYER, str(path), str(stop), first["id"]],
            stdout=subprocess.PIPE,
            text=True,
        )
        started = time.perf_counter()
        try:
            report = call.run(docs[1:])
        finally:
            wall = time.perf_counter() - started
            stop.touch()
            out, _ = payer.communicate(timeout=300)
        call.close_file()
    waits = sorted(float(x) for x in out.split())
    if not waits:
        raise SystemExit("the payer made no payment during the run")
    rows = [
        ("applications run", f"{n:,}"),
        ("run, wall clock (s)", f"{wall:.2f}"),
        ("run's longest hold of the lock (s)", f"{report.timings['longest_lock']:.3f}"),
        ("payments made meanwhile", f"{len(waits):,}"),
        ("payment wait, median (s)", f"{statistics.median(waits):.3f}"),
        ("payment wait, 99th percentile (s)", f"{waits[int(len(waits) * 0.99) - 1]:.3f}"),
        ("payment wait, longest (s)", f"{waits[-1]:.3f}"),
    ]
    for name, value in rows:
        print(f"{name:<38}{value:>12}")
    print("target: every wait < 1 s:", "met" if waits[-1] < 1 else "MISSED")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="grantrules lock contention benchmark")
    parser.add_argument("n", type=int, nargs="?", default=40_000)
    parser.add_argument("--scheme", default=None)
    arguments = parser.parse_args()
    main(arguments.n, arguments.scheme)
