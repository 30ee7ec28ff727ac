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
from grantrules.errors import SchemeDefinitionError
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
    "maximum",
    "minimum",
    "param",
    "reference",
    "rounded",
    "sum_of",
    "when",
]
