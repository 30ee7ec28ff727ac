"""Prove a scheme's funding invariants with an SMT solver, and find a witness for every rule.

Needs the ``prove`` extra (``pip install 'grantrules[prove]'``, which installs
``z3-solver``).  :func:`check` translates one scheme version at one date into z3 constraints
(amounts as whole cents, dates as calendar days, codes as finite domains, collections unrolled
up to ``max_items`` items, every rounding exact) and reports, for each generic invariant,
``proved``, ``violated`` with a counterexample application, or ``unknown`` with the reason;
and, for every criterion outcome and labelled exception, an application reaching it or why
none can.  Every document it reports has been evaluated by :func:`grantrules.evaluate`.

>>> import datetime
>>> from grantrules.testing.examples import example_scheme
>>> report = check(example_scheme(), on=datetime.date(2025, 3, 14), max_items=2)
>>> [(r.id, r.status) for r in report.invariants][:2]
[('award_non_negative', 'proved'), ('award_zero_when_ineligible', 'proved')]
>>> report.eligible.status, report.eligible.evaluator
('found', 'confirmed')

See :doc:`/howto/prove-invariants` and :doc:`/explanation/proof-bounds`.

.. versionadded:: 0.3
"""

from __future__ import annotations

from grantrules.prove._check import DEFAULT_MAX_ITEMS, check, witness_documents
from grantrules.prove._report import InvariantResult, Report, WitnessResult

__all__ = [
    "DEFAULT_MAX_ITEMS",
    "InvariantResult",
    "Report",
    "WitnessResult",
    "check",
    "witness_documents",
]
