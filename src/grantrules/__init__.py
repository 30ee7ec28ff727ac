"""grantrules: public grant schemes as declarative rules and exact money computations.

>>> from grantrules import Euro, Rate, DOWN
>>> Rate("60%").apply(Euro("100000.01"), rounding=DOWN)
Euro('60000.00')

.. versionadded:: 0.1
"""

from grantrules._version import __version__
from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.dates import DateRange
from grantrules.decision import AmountResult, CriterionResult, Decision
from grantrules.errors import (
    ApplicationInvalid,
    GrantRulesError,
    InvalidArgument,
    SchemeNotFound,
)
from grantrules.evaluate import evaluate
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
    APPLICATION_ID_PATTERN,
    Applicant,
    Application,
    CostLine,
    FinancingLine,
    Instruction,
    Project,
    check_application_id,
)
from grantrules.money import DOWN, HALF_EVEN, HALF_UP, UP, Euro, Rate, Rounding, RoundingRule
from grantrules.parameters import Parameter, ParameterSet, load_parameters
from grantrules.registry import installed_schemes, load_scheme
from grantrules.rules import Criterion, Obligation, Outcome, Override, Severity
from grantrules.scheme import Metadata, Perimeter, Scheme, SchemeVersion

__all__ = [
    "APPLICATION_ID_PATTERN",
    "DOWN",
    "HALF_EVEN",
    "HALF_UP",
    "UP",
    "Amount",
    "AmountResult",
    "Applicant",
    "Application",
    "ApplicationInvalid",
    "Basis",
    "CostLine",
    "Criterion",
    "CriterionResult",
    "DateRange",
    "Decision",
    "Euro",
    "Expr",
    "FinancingLine",
    "GrantRulesError",
    "Instruction",
    "InvalidArgument",
    "Invariant",
    "Metadata",
    "Obligation",
    "Outcome",
    "Override",
    "Parameter",
    "ParameterSet",
    "Perimeter",
    "Project",
    "Rate",
    "Rounding",
    "RoundingRule",
    "Scheme",
    "SchemeNotFound",
    "SchemeVersion",
    "Severity",
    "__version__",
    "check_application_id",
    "collection",
    "const",
    "count",
    "evaluate",
    "field",
    "installed_schemes",
    "instruction",
    "list_of",
    "load_parameters",
    "load_scheme",
    "maximum",
    "minimum",
    "param",
    "reference",
    "rounded",
    "sum_of",
    "when",
]
