"""Everything a scheme author writes a scheme with, importable from this one module.

A scheme package needs the application model to extend, the expression helpers its rules are
written in, the rule classes, money and roundings, dated parameters, the scheme classes and
the call engine's portfolio rules and process.  They live in several modules of grantrules;
this module gathers the author's names so that a scheme reads
``from grantrules.authoring import ...`` and imports nothing private::

    from grantrules.authoring import (
        DOWN, Amount, Basis, Criterion, Euro, instruction, minimum, param, rounded, sum_of,
    )

    award = Amount("award", rounded(minimum(param("rate").of(eligible_cost), param("ceiling")),
                                    DOWN.to_euro()), basis=REGULATION, rounding=DOWN.to_euro())

It re-exports only grantrules' own concepts (never a third-party function under a new name).
It imports the call engine, which the root :mod:`grantrules` module leaves out so that
evaluating an application stays light.

>>> from grantrules import authoring
>>> authoring.DOWN.to_euro().label("fr")
"arrondi à l'euro inférieur"

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.call import (
    DEFAULT_PROCESS,
    DeMinimis,
    MaxPerGroup,
    PortfolioRule,
    Process,
    SameApplicant,
    Transition,
)
from grantrules.dates import DateRange
from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.expressions import (
    Expr,
    collection,
    const,
    count,
    field,
    instruction,
    list_of,
    maximum,
    minimum,
    param,
    reference,
    rounded,
    sum_of,
    when,
)
from grantrules.funding import Invariant
from grantrules.model import (
    Applicant,
    Application,
    CostLine,
    FinancingLine,
    Instruction,
    Project,
    code_labels,
)
from grantrules.money import DOWN, HALF_EVEN, HALF_UP, UP, Euro, Rate, Rounding, RoundingRule
from grantrules.parameters import Parameter, ParameterSet, load_parameters
from grantrules.rules import Criterion, Obligation, Override, Severity, Texts
from grantrules.scheme import Metadata, Perimeter, Scheme, SchemeVersion

__all__ = [
    "DEFAULT_PROCESS",
    "DOWN",
    "HALF_EVEN",
    "HALF_UP",
    "UP",
    "Amount",
    "Applicant",
    "Application",
    "Basis",
    "CostLine",
    "Criterion",
    "DateRange",
    "DeMinimis",
    "Euro",
    "Expr",
    "FinancingLine",
    "Instruction",
    "Invariant",
    "MaxPerGroup",
    "Metadata",
    "Obligation",
    "Override",
    "Parameter",
    "ParameterSet",
    "Perimeter",
    "PortfolioRule",
    "Process",
    "Project",
    "Rate",
    "Rounding",
    "RoundingRule",
    "SameApplicant",
    "Scheme",
    "SchemeDefinitionError",
    "SchemeVersion",
    "Severity",
    "Texts",
    "Transition",
    "code_labels",
    "collection",
    "const",
    "count",
    "field",
    "instruction",
    "list_of",
    "load_parameters",
    "lookup",
    "maximum",
    "minimum",
    "param",
    "reference",
    "rounded",
    "sum_of",
    "when",
]


def lookup(code: Expr, table: Mapping[str, Any]) -> Expr:
    """The value ``table`` gives the code ``code``: a chain of :func:`when` built from a table,
    such as a grid of rates the authority chooses from (``{"10%": Rate("10%"), ...}``).

    The last entry answers for any code the others do not name: give the table every value
    of the code's ``Literal`` field (which the application's validation enforces), and the
    chain is exact.  A code (rather than a :class:`Rate` field) is what every reader of the
    tree can follow, the analyser included, which draws rates only from constants.

    Raises:
        InvalidArgument: the table is empty, or a key is not a string.

    >>> from types import SimpleNamespace
    >>> from grantrules.expressions import RenderContext
    >>> grid = lookup(instruction("aid_rate"), {"10%": Rate("10%"), "20%": Rate("20%")})
    >>> grid.evaluate(SimpleNamespace(instruction=SimpleNamespace(aid_rate="10%")))
    Rate('0.1')
    >>> grid.render(RenderContext("en"))
    "10% if instruction.aid_rate equals '10%', otherwise 20%"

    .. versionadded:: 0.2
    """
    if not table:
        raise InvalidArgument("lookup() needs a table of at least one code")
    if not all(isinstance(key, str) for key in table):
        raise InvalidArgument(f"lookup() takes a table keyed by codes (strings), got {table!r}")
    *others, last = table.items()
    result = const(last[1])
    for key, value in reversed(others):
        result = when(code == key, value, result)
    return result
