"""Every named rounding as exact integer arithmetic on z3 terms.

An amount is a whole number of cents ``n / d`` before rounding (``d`` a positive constant:
the rate's denominator times the quantum in cents); the result is the number of quanta, as
:func:`grantrules.money._to_multiple` and ``Decimal.quantize`` compute it: ``DOWN`` towards
zero, ``UP`` away from zero, ``HALF_UP`` to the nearest with ties away from zero,
``HALF_EVEN`` to the nearest with ties to the even multiple.
"""

from __future__ import annotations

from typing import Any

import z3

from grantrules.money import Rounding, RoundingRule

__all__ = ["quantum_cents", "rounded_quanta"]


def quantum_cents(rounding: Rounding | RoundingRule) -> int:
    """The step of a rounding in cents: 1 for the bare modes, 100 for ``DOWN.to_euro()``."""
    return int(rounding.quantum.amount * 100)


def _floor(n: Any, d: int) -> Any:
    # SMT-LIB integer division is Euclidean: for a positive divisor it is the floor.
    return n / d


def _ceil(n: Any, d: int) -> Any:
    return -((-n) / d)


def rounded_quanta(n: Any, d: int, mode: Rounding) -> Any:
    """``n / d`` rounded to a whole number with ``mode`` (``d`` > 0), as a z3 integer."""
    if d == 1:
        return n
    low = _floor(n, d)
    if mode is Rounding.DOWN:
        return z3.If(n >= 0, low, _ceil(n, d))
    if mode is Rounding.UP:
        return z3.If(n >= 0, _ceil(n, d), low)
    twice = 2 * (n - low * d)  # twice the remainder, in [0, 2d)
    if mode is Rounding.HALF_UP:
        # A tie goes away from zero: up for a positive amount, down (to the floor) otherwise.
        return z3.If(z3.Or(twice > d, z3.And(twice == d, n > 0)), low + 1, low)
    odd = low % 2 == 1
    return z3.If(z3.Or(twice > d, z3.And(twice == d, odd)), low + 1, low)
