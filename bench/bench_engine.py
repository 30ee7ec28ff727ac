"""Benchmark of the evaluation engine on the user path, beside plain Python, in one run.

Run with ``make bench`` or ``.venv/bin/python bench/bench_engine.py [-n 5000]``.  For the
library's test scheme and the AMI, from parsed JSON documents (what ``json.loads`` gives), one
core, best of three passes:

- ``plain dicts``: hand-written Python of the same blocking rules on the dicts: verdict,
  failed rule ids, award (the floor of what Python itself costs);
- ``verdict``: ``evaluate(scheme, document)``, then ``eligible``, ``failed_ids``, ``award``;
- ``+fr msgs``: the same, then the French message of every failed criterion;
- ``JSON``: ``evaluate(scheme, document).to_json_text()``, the complete decision JSON;
- ``built``: ``evaluate(scheme, instance)`` on instances already built;
- ``read``: ``structure_application(scheme, document)`` alone, where the document path
  spends what ``built`` does not.

Rates are measured in CPU time of this process (``time.process_time``), the best of
``--repeat`` passes over the documents: on a machine shared with other work the wall clock
counts the time spent waiting for a core, CPU time much less (it still feels the caches
shared with other processes).  Each ``x plain`` column divides a rate by the plain-dicts rate
of the same run.  The targets of issue
16 are absolute rates on an idle core (verdict >= 50,000/s on the test scheme and 30,000/s
on the AMI, +fr msgs >= 20,000/s and JSON >= 15,000/s on the AMI).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

# bench_evaluate.py (same folder) generates the applications and holds the baselines.
from bench_evaluate import (
    ami_applications,
    as_json,
    check_documents,
    plain_ami_doc,
    plain_sports_doc,
    sports,
    sports_applications,
    verdict,
    verdict_fr,
)

from grantrules import evaluate, load_scheme
from grantrules.serde import structure_application, unstructure_application


def rate(run: Callable[[Any], Any], items: list[Any], repeat: int) -> float:
    """Items per second of CPU time, the best of ``repeat`` passes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for item in items:
            run(item)
        best = min(best, time.process_time() - start)
    return len(items) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5_000, help="documents per scheme")
    parser.add_argument("--repeat", type=int, default=3, help="passes, the best one counts")
    args = parser.parse_args()
    schemes = [
        ("sports (test)", sports.SCHEME, sports_applications, plain_sports_doc),
        ("ami-ia-hdf", load_scheme("ami-ia-hdf"), ami_applications, plain_ami_doc),
    ]
    columns = ["plain dicts", "verdict", "+fr msgs", "JSON", "built", "read"]
    header = f"{'scheme':<14}" + "".join(f"{c + '/s':>14}" for c in columns)
    header += "".join(f"{'x plain ' + c:>17}" for c in columns[1:4])
    print(
        f"Parsed JSON documents in, one core, {args.n:,} documents per scheme, "
        f"best of {args.repeat} passes in CPU time:"
    )
    print(header)
    print("-" * len(header))
    for name, scheme, make, plain in schemes:
        apps = list(make(args.n))
        docs = [unstructure_application(app) for app in apps]
        check_documents(scheme, docs, plain)
        for doc in docs[:200]:  # compile, and fill the caches of the days and texts
            as_json(scheme, doc)
        k = args.repeat
        rates: list[float] = [
            rate(plain, docs, k),
            rate(lambda d, s=scheme: verdict(s, d), docs, k),
            rate(lambda d, s=scheme: verdict_fr(s, d), docs, k),
            rate(lambda d, s=scheme: as_json(s, d), docs, k),
            rate(lambda a, s=scheme: evaluate(s, a), apps, k),
            rate(lambda d, s=scheme: read(s, d), docs, k),
        ]
        row = f"{name:<14}" + "".join(f"{r:>14,.0f}" for r in rates)
        row += "".join(f"{r / rates[0]:>17.3f}" for r in rates[1:4])
        print(row)


def read(scheme: Any, document: Any) -> Any:
    return structure_application(scheme, document)


if __name__ == "__main__":
    main()
