"""How often the invariant suite's generator reaches eligibility, per installed scheme.

Draws ``--examples`` applications from :func:`grantrules.testing.strategies.applications`
(the strategy every invariant uses), derandomised so that a run is repeatable, evaluates each,
and prints a table: how many were eligible, how many with a positive award, and the blocking
criteria that most often were the only one to fail (what keeps the generator from eligibility)::

    .venv/bin/python bench/bench_reach.py
    .venv/bin/python bench/bench_reach.py --scheme detr --examples 500
"""

from __future__ import annotations

import argparse
import collections
from typing import Any

from hypothesis import HealthCheck, given, settings

from grantrules import Euro, evaluate, installed_schemes, load_scheme
from grantrules.testing.strategies import applications


def reach(scheme_id: str, examples: int) -> dict[str, Any]:
    scheme = load_scheme(scheme_id)
    counts: collections.Counter[str] = collections.Counter()
    alone: collections.Counter[str] = collections.Counter()

    @settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(applications(scheme))
    def draw(application: Any) -> None:
        decision = evaluate(scheme, application)
        failed = [c.id for c in decision.failed]
        counts["drawn"] += 1
        counts["eligible"] += decision.eligible
        counts["granted"] += decision.eligible and decision.award > Euro.ZERO
        if len(failed) == 1:
            alone[failed[0]] += 1

    draw()
    blockers = ", ".join(f"{name} ({n})" for name, n in alone.most_common(3))
    return {**counts, "blockers": blockers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheme", action="append", help="scheme id (default: all installed)")
    parser.add_argument("--examples", type=int, default=300)
    args = parser.parse_args()
    print(f"{'scheme':<15} {'drawn':>6} {'eligible':>9} {'granted':>8}  only blocker")
    for scheme_id in args.scheme or installed_schemes():
        row = reach(scheme_id, args.examples)
        print(
            f"{scheme_id:<15} {row['drawn']:>6} {row['eligible']:>9} {row['granted']:>8}  "
            f"{row['blockers']}"
        )


if __name__ == "__main__":
    main()
