"""Every node type, every reader: each reader of the expression tree handles each node type of
``expressions.NODE_TYPES`` (and :class:`~grantrules.amounts.Amount`), or refuses it with the
error it documents.  Adding a node type without teaching a reader fails here, naming both.

The readers, as docs/architecture.md lists them: the scalar compiler (``_codegen``), the
reference semantics (each node's ``compile()``, which ``testing.reference`` runs), the
renderer (each node's ``render()``), the units checker (``_units``), the threshold finder
(``testing._thresholds``), the columnar compiler (``batch._kernels``) and the solver
translation (``prove._translate``).
"""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import attrs
import pytest

import grantrules
from custom_nodes import Twice
from grantrules._engine.codegen import fast, has_source
from grantrules._engine.strict import StrictModeError
from grantrules._units import _unit, unit_of
from grantrules.amounts import Amount
from grantrules.basis import Basis
from grantrules.expressions import (
    NODE_TYPES,
    Aggregate,
    AmountRef,
    ApplyRate,
    Arith,
    Between,
    Compare,
    Const,
    Env,
    Expr,
    Extremum,
    Field,
    In,
    IsSet,
    Item,
    Logic,
    MissingInput,
    Not,
    Param,
    RenderContext,
    Round,
    ShiftDate,
    StartsWith,
    Supplied,
    When,
    collection,
    const,
    count,
    field,
    instruction,
    minimum,
    param,
    rounded,
    sum_of,
    when,
)
from grantrules.money import DOWN, Euro, Rate
from grantrules.testing import _thresholds

ALL_TYPES: tuple[type[Expr], ...] = (*NODE_TYPES, Amount)

COSTS = collection("costs")
COST = field("project.cost")

# A small tree holding each node type (an item field is read inside an aggregate, as in any
# rule): a new node type needs its example here first.
EXAMPLES: dict[type[Expr], Expr] = {
    Const: const(Euro("1.00")),
    Field: COST,
    Param: param("ceiling"),
    AmountRef: AmountRef("total"),
    Item: count(COSTS, where=COSTS.category == "staff"),
    Compare: Euro("1.00") <= COST,
    Between: COST.between(Euro("1.00"), param("ceiling")),
    Logic: (Euro("1.00") <= COST) & field("project.public").is_true(),
    Not: ~field("applicant.code").is_in(param("codes")),
    In: field("project.start").within(param("period")),
    StartsWith: field("applicant.code").starts_with_any("72", "73"),
    Arith: COST - Euro("1.00"),
    ApplyRate: param("rate").of(COST),
    Round: rounded(COST, DOWN.to_euro()),
    Extremum: minimum(COST, param("ceiling")),
    Aggregate: sum_of(COSTS.amount, where=COSTS.category == "staff"),
    When: when(field("project.public"), Rate("80%"), Rate("60%")),
    IsSet: field("project.end").is_set(),
    Supplied: Supplied(instruction("score")),
    ShiftDate: field("project.start").years_after(3),
    Amount: Amount("total", sum_of(COSTS.amount), basis=Basis("Délibération n° 2025-1")),
}

APP = SimpleNamespace(
    project=SimpleNamespace(
        cost=Euro("250.00"), public=True, end=None, start=datetime.date(2025, 3, 14)
    ),
    applicant=SimpleNamespace(code="7210"),
    costs=(
        SimpleNamespace(category="staff", amount=Euro("100.00")),
        SimpleNamespace(category="travel", amount=Euro("50.00")),
    ),
    instruction=SimpleNamespace(score=None),
)
PARAMS = {
    "ceiling": Euro("200.00"),
    "rate": Rate("60%"),
    "codes": ("7210", "7220"),
    "period": grantrules.DateRange(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
}


def _env() -> Env:
    return Env(APP, PARAMS, {"total": Euro("150.00")}, datetime.date(2025, 3, 14))


def _outcome(run: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "value", run()
    except MissingInput as missing:
        return "missing", missing.name


def _strict_mode_error() -> type[Exception]:
    return StrictModeError


def _unsupported() -> type[Exception]:
    pytest.importorskip("pyarrow")
    from grantrules.batch._values import Unsupported

    return Unsupported


def _untranslatable() -> type[Exception]:
    pytest.importorskip("z3")
    from grantrules.prove._values import Untranslatable

    return Untranslatable


@attrs.frozen(repr=False)
class Reader:
    """How a reader says it handles a node type, and how it refuses one.

    ``handles`` reads the reader's own dispatch table; ``run`` runs the reader on an example
    tree (``None``: the reader needs more than a tree, and its own tests run it);
    ``refusal`` gives the error the reader documents for a node type it does not know
    (``None``: it may refuse none, being part of the node's definition, or a heuristic that
    walks any node), and ``attempt`` raises it.  ``refused`` lists the node types the reader
    refuses on purpose, each with its reason, which the reader's documentation also gives.
    """

    name: str
    handles: Callable[[type[Expr]], bool]
    run: Callable[[Expr], object] | None
    refusal: Callable[[], type[Exception]] | None = None
    attempt: Callable[[Expr], object] | None = None
    refused: dict[type[Expr], str] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        return f"<the {self.name}>"


def _compiled_agrees(tree: Expr) -> object:
    # Under GRANTRULES_STRICT (tests/conftest.py) a node without a source form raises
    # StrictModeError rather than calling its closure.
    env = _env()
    generated = _outcome(lambda: fast(tree)(env))
    assert generated == _outcome(lambda: tree.compile()(env, None)), tree
    return generated


def _compiled(tree: Expr) -> object:
    return _outcome(lambda: tree.compile()(_env(), None))


def _rendered(tree: Expr) -> object:
    texts = [tree.render(RenderContext(lang)) for lang in ("fr", "en")]
    assert all(isinstance(t, str) and t for t in texts), texts
    return texts


def _units_handles(kind: type[Expr]) -> bool:
    # An Amount in a formula goes to the default rule, which reads it as money (_unit).
    return _unit.dispatch(kind) is not _unit.dispatch(Expr) or kind is Amount


def _walked(kind: type[Expr]) -> bool:
    return kind in _thresholds._HANDLERS or kind in _thresholds._WALKED_THROUGH


def _kernels() -> Any:
    pytest.importorskip("pyarrow")
    from grantrules.batch import _kernels

    return _kernels


def _translator() -> Any:
    pytest.importorskip("z3")
    from grantrules.prove import _translate
    from grantrules.prove._domains import Facts
    from grantrules.prove._shape import Shape

    return _translate.Translator(Shape(object, 0, datetime.date(2025, 3, 14), Facts()), {})


READERS = [
    Reader("scalar compiler", has_source, _compiled_agrees, _strict_mode_error, _compiled_agrees),
    Reader("reference semantics", lambda kind: kind.compile is not Expr.compile, _compiled),
    Reader("renderer", lambda kind: kind.render is not Expr.render, _rendered),
    Reader("units checker", _units_handles, unit_of),
    Reader("threshold finder", _walked, lambda tree: _thresholds._Walk((), None).visit(tree, 1)),
    Reader(
        "columnar compiler",
        lambda kind: kind in _kernels()._BUILDERS,
        lambda tree: _kernels().kernel(tree),
        _unsupported,
        lambda tree: _kernels().kernel(tree),
    ),
    # Translating needs the shape of an application model: tests/prove run it on schemes.
    Reader(
        "solver translation",
        lambda kind: kind in _translator()._rules,
        None,
        _untranslatable,
        lambda tree: _translator().value(tree),
    ),
]


def _library_modules() -> Iterator[str]:
    for info in pkgutil.walk_packages(grantrules.__path__, "grantrules."):
        if not info.name.endswith("__main__"):
            yield info.name


def _subclasses(kind: type) -> Iterator[type]:
    for sub in kind.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_node_class_of_the_library_is_listed() -> None:
    for name in _library_modules():
        importlib.import_module(name)
    found = {
        cls
        for cls in _subclasses(Expr)
        if cls.__module__.startswith("grantrules.")
        # attrs replaces a slotted class by a new one: the first is no longer the module's.
        and getattr(sys.modules[cls.__module__], cls.__qualname__, None) is cls
    }
    assert found == set(ALL_TYPES), (
        f"not in expressions.NODE_TYPES: {sorted(c.__name__ for c in found - set(ALL_TYPES))}"
    )
    assert len(set(NODE_TYPES)) == len(NODE_TYPES)


def test_every_node_type_has_an_example() -> None:
    assert set(EXAMPLES) == set(ALL_TYPES)
    for kind, tree in EXAMPLES.items():
        assert any(type(node) is kind for node in tree.walk()), kind


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name.replace(" ", "-"))
@pytest.mark.parametrize("kind", ALL_TYPES, ids=lambda k: k.__name__)
def test_each_reader_handles_or_refuses_each_node_type(reader: Reader, kind: type[Expr]) -> None:
    tree = EXAMPLES[kind]
    if kind in reader.refused:
        assert reader.refusal is not None, f"the {reader.name} cannot refuse {kind.__name__}"
        assert reader.attempt is not None
        assert reader.refused[kind], "a refusal gives its reason"
        with pytest.raises(reader.refusal()):
            reader.attempt(tree)
        return
    assert reader.handles(kind), (
        f"the {reader.name} does not handle {kind.__name__}: teach it, or refuse it with its "
        "documented error (see 'Adding a node type' in docs/explanation/compilation.md)"
    )
    if reader.run is not None:
        reader.run(tree)


@pytest.mark.parametrize(
    "reader", [r for r in READERS if r.refusal is not None], ids=lambda r: r.name.replace(" ", "-")
)
def test_a_node_type_a_reader_does_not_know_gets_its_documented_error(reader: Reader) -> None:
    # A scheme's own node type: no reader but its own compile() and render() knows it.
    assert reader.refusal is not None
    assert reader.attempt is not None
    assert not reader.handles(Twice)
    with pytest.raises(reader.refusal()):
        reader.attempt(Twice(COST))
