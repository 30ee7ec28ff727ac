"""Benchmark of the analyser: how long ``grantrules check`` takes on each shipped scheme.

Run with ``make bench`` or ``.venv/bin/python bench/bench_check.py [--max-items 4 6]``.
Prints one table: for each scheme (the AMI IA, the DETR, the library's sports test scheme in
both its versions, the tutorial's shop-front scheme) and each bound on collections, the
seconds the whole analysis takes (translation, every proof, every witness and its evaluation
by ``evaluate()``), how many generic invariants were proved out of how many, and how many
witnesses were found out of how many outcomes.  The target is under 30 s per scheme on one
core at the default bound of 4 items.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

# The library's test scheme and the tutorial's scheme live with the tests and the docs.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "schemes"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "tutorial"))

import devantures
import sports

from grantrules import Scheme, load_scheme
from grantrules.prove import check

SCHEMES: list[tuple[str, Scheme, datetime.date]] = [
    ("ami-ia-hdf", load_scheme("ami-ia-hdf"), datetime.date(2025, 3, 14)),
    ("detr", load_scheme("detr"), datetime.date(2025, 3, 14)),
    ("pme-invest-hdf", load_scheme("pme-invest-hdf"), datetime.date(2025, 3, 14)),
    ("sports 2025", sports.SCHEME, datetime.date(2025, 3, 14)),
    ("sports 2026", sports.SCHEME, datetime.date(2026, 3, 14)),
    ("devantures (tutorial)", devantures.scheme, datetime.date(2025, 6, 1)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-items", type=int, nargs="+", default=[2, 4])
    args = parser.parse_args()
    print(f"{'scheme':<24} {'K':>3} {'seconds':>8} {'proved':>8} {'witnesses':>10} {'exit':>5}")
    for name, scheme, on in SCHEMES:
        for k in args.max_items:
            report = check(scheme, on=on, max_items=k)
            proved = sum(1 for r in report.invariants if r.status == "proved")
            found = sum(1 for w in (*report.witnesses, report.eligible) if w.status == "found")
            total = len(report.witnesses) + 1
            print(
                f"{name:<24} {k:>3} {report.seconds:>8.2f} "
                f"{f'{proved}/{len(report.invariants)}':>8} {f'{found}/{total}':>10} "
                f"{report.exit_code:>5}"
            )


if __name__ == "__main__":
    main()
