"""The compiled parts of one scheme version's rules: each criterion and amount ready to be
decided by its closures (the reference semantics), the inputs each shows, its messages.

:mod:`grantrules._engine.compiled` assembles them into a version; the explanations
(:mod:`grantrules._engine.explanation`) and the generated text writers
(:mod:`grantrules._engine.textgen`) read them, without depending on the version itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from grantrules._engine.codegen import fast
from grantrules._engine.runtime import UNDECIDED, Params
from grantrules._engine.source import exec_source, path_source
from grantrules._format import format_value
from grantrules.errors import EvaluationError, ExceptionConflict, GrantRulesError
from grantrules.expressions import Compiled, Env, Expr, Input, MissingInput
from grantrules.rules import Criterion, Outcome, Override, Severity, fill_pieces, template_pieces

__all__ = ["CompiledOverride", "Inputs", "_CompiledAmount", "_CompiledCriterion", "_detail"]


def _reader(shown: list[tuple[str, str]]) -> Callable[[Env], dict[str, Any]]:
    """One generated function reading every (kind, name) input into a dict, ``None`` when
    it is unset or (a field) an intermediate object is ``None``: what the reference reads."""
    sources = {"param": "P.get({!r})", "amount": "A.get({!r})"}
    members = [
        f"{name!r}: "
        + (sources[kind].format(name) if kind in sources else path_source("app", name))
        for kind, name in shown
    ]
    source = (
        "def _read(env):\n    app, P, A = env.app, env.params, env.amounts\n"
        f"    return {{{', '.join(members)}}}\n"
    )
    namespace: dict[str, Any] = {}
    exec_source(source, "inputs", namespace)  # names checked by Field/Param
    function: Callable[[Env], dict[str, Any]] = namespace["_read"]
    return function


class Inputs:
    """The inputs of a rule worth showing (not item fields nor whole collections), and how
    to read them all at once."""

    __slots__ = ("params", "read", "shown")

    def __init__(self, inputs: frozenset[Input]) -> None:
        shown = [i for i in sorted(inputs) if i.kind != "collection" and "[]" not in i.name]
        self.shown = tuple((i.kind, i.name) for i in shown)
        self.params = frozenset(i.name for i in shown if i.kind == "param")
        #: ``read(env)``: each input's value, ``None`` when it is missing.
        self.read = _reader(list(self.shown))


def _detail(expression: Expr, interpreted: list[str] | None = None) -> Compiled:
    """A value a criterion shows (``Criterion.details``), computed by generated code; its
    closure, the reference, decides only what generated code signals it cannot
    (``MissingInput`` or ``Undecided``), as for the criteria themselves."""
    generated, closure = fast(expression, interpreted), expression.compile()

    def detail(env: Env, item: Any = None) -> Any:
        try:
            return generated(env)
        except UNDECIDED:
            return closure(env, None)

    return detail


CompiledOverride = tuple[str, Compiled, Compiled]


def _overrides(overrides: tuple[Override, ...]) -> tuple[CompiledOverride, ...]:
    return tuple((o.label, o.when.compile(), o.then.compile()) for o in overrides)


def _with_overrides(
    owner: str, base: Compiled, overrides: tuple[CompiledOverride, ...], env: Env
) -> tuple[Any, str | None]:
    """The value of a rule with its labelled exceptions: (value, label of the one applied)."""
    applying = [(label, then) for label, when, then in overrides if when(env, None)]
    if not applying:
        return base(env, None), None
    results = [(label, then(env, None)) for label, then in applying]
    first_label, first = results[0]
    disagreeing = [label for label, value in results[1:] if value != first]
    if disagreeing:
        labels = ", ".join([first_label, *disagreeing])
        raise ExceptionConflict(f"{owner}: exceptions {labels} both apply and disagree")
    return first, "+".join(label for label, _ in results)


class _CompiledCriterion:
    __slots__ = (
        "_pieces",
        "applies",
        "blocking",
        "codes",
        "condition",
        "criterion",
        "details",
        "inputs",
        "overrides",
        "wants",
    )

    def __init__(
        self,
        criterion: Criterion,
        codes: Mapping[str, Mapping[str, str]] | None = None,
        interpreted: list[str] | None = None,
    ) -> None:
        self.criterion = criterion
        self.codes = codes or {}  # labels of code values, for messages
        self.blocking = criterion.severity is Severity.BLOCKING
        self.applies = criterion.applies_if.compile() if criterion.applies_if is not None else None
        self.condition = criterion.condition.compile()
        self.overrides = _overrides(criterion.exceptions)
        self.inputs = Inputs(criterion.inputs())
        self.details = tuple(
            (name, _detail(e, interpreted)) for name, e in criterion.details.items()
        )
        # Rendering the rule costs time; do it only for templates that show it.
        self.wants = any(
            "{rule}" in text
            for texts in [criterion.passed, *(o.passed or {} for o in criterion.exceptions)]
            for text in texts.values()
        )
        self._pieces: dict[tuple[str, str, str | None], tuple[tuple[str, str | None], ...]] = {}

    def pieces(
        self, outcome: Outcome, lang: str, exception: str | None = None
    ) -> tuple[tuple[str, str | None], ...]:
        """The message template for ``outcome`` in ``lang`` (and the exception that applied,
        which may have its own), split once."""
        key = (outcome._value_, lang, exception)
        pieces = self._pieces.get(key)
        if pieces is None:
            template = self.criterion.template(key[0], lang, exception)
            pieces = self._pieces[key] = template_pieces(template)
        return pieces

    def message(
        self,
        outcome: Outcome,
        values: Mapping[str, Any],
        lang: str,
        exception: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> str:
        """The criterion's message, as ``Criterion.message`` writes it; ``params``, the
        parameters the values were read from, lets their text be formatted once per set."""
        pieces = self.pieces(outcome, lang, exception)
        if params.__class__ is Params:
            assert isinstance(params, Params)
            # Keyed by this object (not its id): two versions never share an entry.
            key = (self, outcome._value_, lang, exception)
            filled = params.memo.get(key)
            if filled is None:
                filled = params.memo[key] = self._with_params(pieces, params, lang)
            pieces = filled
        return fill_pieces(pieces, values, lang, self.codes)

    def _with_params(
        self, pieces: tuple[tuple[str, str | None], ...], params: Params, lang: str
    ) -> tuple[tuple[str, str | None], ...]:
        """``pieces`` with the placeholders of parameters this criterion reads formatted
        (as ``_explain`` reads them: ``None`` when not in force), merged into the literals;
        a name a detail, the missing input or the rule also gives is left to fill."""
        fixed = self.inputs.params - {name for name, _ in self.details} - {"missing", "rule"}
        found: list[tuple[str, str | None]] = []
        text = ""
        for literal, name in pieces:
            text += literal
            if name in fixed:
                text += format_value(params.get(name), lang, self.codes)
            elif name is not None:
                found.append((text, name))
                text = ""
        found.append((text, None))
        return tuple(found)

    def by_closures(self, env: Env) -> tuple[Outcome, str | None, str | None]:
        """(outcome, exception label, name of the missing input), by the reference semantics."""
        try:
            if self.applies is not None and not self.applies(env, None):
                return Outcome.NOT_APPLICABLE, None, None
            held, label = _with_overrides(
                f"criterion {self.criterion.id}", self.condition, self.overrides, env
            )
        except MissingInput as missing:
            return Outcome.MISSING, None, missing.name
        except GrantRulesError:
            raise
        except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            raise EvaluationError(f"criterion {self.criterion.id}: {exc}") from exc
        return (Outcome.PASSED if held else Outcome.FAILED), label, None


_PASSED = (Outcome.PASSED, None, None)
_FAILED = (Outcome.FAILED, None, None)
_NOT_APPLICABLE = (Outcome.NOT_APPLICABLE, None, None)


class _CompiledAmount:
    __slots__ = ("formula", "id", "inputs", "overrides")

    def __init__(self, amount: Any) -> None:
        self.id = amount.id
        self.formula = amount.formula.compile()
        self.overrides = _overrides(amount.exceptions)
        self.inputs = Inputs(frozenset().union(*(e.inputs() for e in amount.expressions())))
