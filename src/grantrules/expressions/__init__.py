"""Expressions: the typed, immutable AST that criteria and amounts are written in.

A scheme author builds expressions with Python operators and a few helpers, so that a rule
reads like the call's text::

    >>> from grantrules.expressions import field, param, RenderContext
    >>> rule = field("project.total").between(param("min_cost"), param("max_cost"))
    >>> rule.render(RenderContext("en"))
    'project.total is between min_cost and max_cost, inclusive'
    >>> sorted(str(i) for i in rule.inputs())
    ['field:project.total', 'param:max_cost', 'param:min_cost']

Every node can evaluate itself (through :meth:`Expr.compile`, which turns the tree into nested
Python closures once, so that evaluation never walks the tree), list the inputs it reads and
render itself in French or English.  Operators build nodes instead of computing: ``a == b`` is
a :class:`Compare` node, hence nodes use identity for ``hash`` and :meth:`Expr.same_as` for
structural equality.

Money never meets a float: constants go through :func:`const`, which refuses floats, and a rate
applies to an amount only through :meth:`Expr.of` with a named rounding.

The package's modules: ``_context`` (what evaluation and rendering read: :class:`Env`,
:class:`Input`, :class:`MissingInput`, :class:`RenderContext`), ``_nodes`` (:class:`Expr` and
the leaves), ``_operators`` (the compound nodes), ``_builders`` (:func:`field`,
:func:`sum_of`, :func:`when`...), ``_wording`` (French and English grammar).  Every node type
is listed once, in :data:`NODE_TYPES`.

.. versionadded:: 0.1
"""

from grantrules.expressions._builders import INSTRUCTION as INSTRUCTION
from grantrules.expressions._builders import (
    collection,
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
from grantrules.expressions._builders import pending_inputs as pending_inputs
from grantrules.expressions._context import Compiled as Compiled
from grantrules.expressions._context import Env, Input, MissingInput, RenderContext
from grantrules.expressions._nodes import AmountRef as AmountRef
from grantrules.expressions._nodes import Collection as Collection
from grantrules.expressions._nodes import Const as Const
from grantrules.expressions._nodes import Expr, const
from grantrules.expressions._nodes import Field as Field
from grantrules.expressions._nodes import Item as Item
from grantrules.expressions._nodes import Param as Param
from grantrules.expressions._operators import ARITH_OPS as ARITH_OPS
from grantrules.expressions._operators import COMPARE_OPS as COMPARE_OPS
from grantrules.expressions._operators import Aggregate as Aggregate
from grantrules.expressions._operators import ApplyRate as ApplyRate
from grantrules.expressions._operators import Arith as Arith
from grantrules.expressions._operators import Between as Between
from grantrules.expressions._operators import Compare as Compare
from grantrules.expressions._operators import Extremum as Extremum
from grantrules.expressions._operators import In as In
from grantrules.expressions._operators import IsSet as IsSet
from grantrules.expressions._operators import Logic as Logic
from grantrules.expressions._operators import Not as Not
from grantrules.expressions._operators import Round as Round
from grantrules.expressions._operators import ShiftDate as ShiftDate
from grantrules.expressions._operators import StartsWith as StartsWith
from grantrules.expressions._operators import Supplied as Supplied
from grantrules.expressions._operators import When as When
from grantrules.expressions._operators import sum_counts as sum_counts

__all__ = [
    "NODE_TYPES",
    "Env",
    "Expr",
    "Input",
    "MissingInput",
    "RenderContext",
    "collection",
    "const",
    "count",
    "field",
    "instruction",
    "list_of",
    "maximum",
    "minimum",
    "param",
    "reference",
    "rounded",
    "sum_of",
    "when",
]

#: Every node type of the expression language, in one place.  Each reader of the tree (the
#: scalar compiler, the reference semantics, the renderer, the units checker, the threshold
#: finder, the columnar compiler, the solver translation) handles each of them or refuses it
#: with its documented error; ``tests/test_node_types.py`` checks it for every type listed
#: here, and that no node class of the library is left out.  An
#: :class:`~grantrules.amounts.Amount` is a node too (a reference to its computed value,
#: read as an :class:`AmountRef`), defined with the rules since it carries a formula.
#:
#: .. versionadded:: 0.3
#:
#: :meta hide-value:
NODE_TYPES: tuple[type[Expr], ...] = (
    Const,
    Field,
    Param,
    AmountRef,
    Item,
    Compare,
    Between,
    Logic,
    Not,
    In,
    StartsWith,
    Arith,
    ApplyRate,
    Round,
    Extremum,
    Aggregate,
    When,
    IsSet,
    Supplied,
    ShiftDate,
)
