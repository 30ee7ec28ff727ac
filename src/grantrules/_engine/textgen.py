"""Generate, per criterion and outcome, one function writing the criterion's JSON text.

The reference is the general route (``Explanation._explain``): read the inputs into a dict,
fill the message template, encode each input.  For a given criterion, outcome, language and
set of parameter values, all of that is known in advance except the application's own values:
which inputs are read and in what order, which placeholders the message has, which of them are
parameters (whose text is then a constant), and every literal.  The generated function reads
the application's values into locals and returns one concatenation.  A path through an
absent optional object reads ``None``, tested inline as the general route reads it; a
parameter that cannot be written makes generation raise, and the caller then takes the
general route for that criterion, so both always give the same text.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from grantrules._engine.compiled_rules import _CompiledCriterion
from grantrules._engine.json_text import json_text, key_text, value_text
from grantrules._engine.source import exec_source, path_source
from grantrules._engine.value_source import (
    INLINE,
    Kind,
    escaped,
    formatted_source,
    json_source,
    kind_of,
)
from grantrules._format import format_value
from grantrules.expressions import (
    Aggregate,
    AmountRef,
    Compiled,
    Env,
    Expr,
    Field,
    Item,
    MissingInput,
)
from grantrules.money import Euro
from grantrules.rules import Outcome
from grantrules.scheme import field_type

__all__ = [
    "CriterionText",
    "InputsText",
    "Reads",
    "criterion_pieces",
    "criterion_text",
    "inputs_text",
    "value_or_none",
]

#: ``text(env, exception label, missing input name)``: the criterion's JSON object as text.
CriterionText = Callable[[Env, "str | None", "str | None"], str]


class _Source:
    """Source being generated: parts of one concatenation, constants merged."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {}
        self._names = itertools.count()
        self.parts: list[str] = []
        self._pending: list[str] = []

    def bind(self, value: Any) -> str:
        name = f"_k{next(self._names)}"
        self.namespace[name] = value
        return name

    def const(self, text: str) -> None:
        self._pending.append(text)

    def code(self, expression: str) -> None:
        self._flush()
        self.parts.append(expression)

    def _flush(self) -> None:
        if self._pending:
            self.parts.append(repr("".join(self._pending)))
            self._pending = []

    def joined(self) -> str:
        """The concatenation's source: one ``str.join`` of a tuple, which allocates the text
        once (a chain of ``+`` copies the growing text at each step)."""
        self._flush()
        if len(self.parts) <= 1:
            return self.parts[0] if self.parts else "''"
        return "_join((" + ", ".join(self.parts) + ",))"

    def constant(self) -> str | None:
        """The whole text when it is only literals, else ``None``."""
        return None if self.parts else "".join(self._pending)


class Reads:
    """How generated text code reads and encodes the values a criterion shows: each read is
    a local of the function (a criterion's own writer reads its inputs into locals; the
    decision writer of :mod:`grantrules._engine.writer` shares reads between criteria), and
    its encodings are specialised by the type the application ``model`` declares (see
    :mod:`grantrules._engine.value_source`; without a model, by none)."""

    def __init__(
        self,
        lines: list[str],
        names: Any,
        bind: Callable[[Any], str],
        lang: str,
        model: type | None = None,
    ) -> None:
        self.lines, self._names, self.bind, self.lang, self.model = lines, names, bind, lang, model
        self.kinds: dict[str, Kind] = {"missing": str}  # local -> what it holds

    def fresh(self) -> str:
        return f"v{next(self._names)}"

    def value(self, source: str, kind: Kind = None) -> str:
        """A local holding the value of ``source``, of ``kind`` when it is not ``None``."""
        variable = self.fresh()
        self.lines.append(f"    {variable} = {source}")
        self.kinds[variable] = kind
        return variable

    def amount(self, amount_id: str) -> str:
        """A local holding an amount (a Euro, or None when missing)."""
        return self.value(f"A.get({amount_id!r})", Euro)

    def field(self, path: str) -> str:
        """A local holding the field at the dotted ``path``, ``None`` when an intermediate
        object is (explicit tests: the reference reads ``None`` there too)."""
        return self.value(path_source("app", path), self.kind(path))

    def kind(self, path: str) -> Kind:
        """What the model declares the field at ``path`` holds."""
        return None if self.model is None else kind_of(field_type(self.model, path))

    def detail_kind(self, expression: Expr) -> Kind:
        """What a detail's ``expression`` computes, when its form tells: a field, an amount,
        a list of an item's text field (the lines a message names)."""
        if isinstance(expression, Field):
            return self.kind(expression.path)
        if isinstance(expression, AmountRef):
            return Euro
        if (
            isinstance(expression, Aggregate)
            and expression.kind == "list"
            and isinstance(expression.value, Item)
            and expression.value.attr is not None
            and self.kind(expression.value.key) is str
        ):
            return tuple
        return None

    def detail(self, expression: Expr) -> None:
        """Before a detail computed from ``expression`` is read (this function's env holds
        every amount: nothing to do)."""

    def text(self, variable: str) -> str:
        """Source of the value's JSON text (``value_text``)."""
        return json_source(variable, self.kinds.get(variable))

    def formatted(self, variable: str, codes: Mapping[str, Mapping[str, str]]) -> str:
        """Source of the value formatted for a message (``format_value``) as the content of a
        JSON string (escaped, without its quotes)."""
        return formatted_source(variable, self.kinds.get(variable), self.lang, codes, self.bind)


def criterion_text(
    compiled: _CompiledCriterion,
    outcome: Outcome,
    lang: str,
    frame: tuple[str, str],
    params: Mapping[str, Any],
    params_text: Mapping[str, str],
    rule: str,
) -> CriterionText:
    """The text function of ``compiled`` for ``outcome`` in ``lang``.

    ``frame`` is the (head up to the message, middle up to the inputs) of the criterion's
    JSON object; ``params`` and ``params_text`` the parameters in force and their JSON text;
    ``rule`` the rendered criterion, shown by ``{rule}`` placeholders.
    """
    g = _Source()
    g.namespace.update(_enc=json_text, _lang=lang, **INLINE)
    lines = ["def _text(env, label, missing):", "    app, A = env.app, env.amounts"]
    reads = Reads(lines, itertools.count(2), g.bind, lang)
    pieces = criterion_pieces(compiled, outcome, lang, frame, params, params_text, rule, g, reads)
    for kind, part in pieces:
        (g.code if kind == "code" else g.const)(part)
    g.code("('}}' if label is None else '},\"exception\":' + _enc(label) + '}')")
    lines.append(f"    return {g.joined()}")
    exec_source("\n".join(lines) + "\n", f"criterion text {compiled.criterion.id}", g.namespace)
    function: CriterionText = g.namespace["_text"]
    return function


def criterion_pieces(
    compiled: _CompiledCriterion,
    outcome: Outcome,
    lang: str,
    frame: tuple[str, str],
    params: Mapping[str, Any],
    params_text: Mapping[str, str],
    rule: str,
    g: Any,
    reads: Reads,
) -> list[tuple[str, str]]:
    """The criterion's JSON text up to its inputs' closing brace (excluded), as parts:
    ``("const", text)``, ``("shared", text)`` (a constant worth sharing between
    criteria) or ``("code", source)``; the values are read through ``reads``,
    names bound in ``g`` (whose namespace has ``value_source.INLINE`` and ``_lang``).
    Raises (KeyError, TypeError, ValueError) when a parameter cannot be written: the
    general route then writes that criterion."""
    # The values a criterion shows, in the order and with the overwrites of
    # Explanation._criteria: inputs, then details, then the missing input, then the rule.
    values: dict[str, tuple[str, Any]] = {}  # name -> ("param", value) or ("local", variable)
    for kind, name in compiled.inputs.shown:
        if kind == "param":
            values[name] = ("param", params.get(name))
        elif kind == "amount":
            values[name] = ("local", reads.amount(name))
        else:
            # A dotted path of identifiers (see Field).
            values[name] = ("local", reads.field(name))
    if outcome is not Outcome.NOT_APPLICABLE:
        for name, fn in compiled.details:
            reads.detail(compiled.criterion.details[name])
            variable = reads.fresh()
            reads.lines.append(f"    {variable} = {g.bind(value_or_none)}({g.bind(fn)}, env)")
            reads.kinds[variable] = reads.detail_kind(compiled.criterion.details[name])
            values[name] = ("local", variable)
    if outcome is Outcome.MISSING:
        values["missing"] = ("local", "missing")
    if outcome is Outcome.PASSED and compiled.wants:
        values["rule"] = ("param", rule)

    parts: list[tuple[str, str]] = []
    head, middle = frame
    parts.append(("const", head))
    # The message as a JSON string: the JSON escape of a text is the escapes of its
    # characters, so each piece is escaped on its own (literals here, once).
    parts.append(("const", '"'))
    for literal, placeholder in compiled.pieces(outcome, lang):
        parts.append(("const", escaped(literal)))
        if placeholder is None:
            continue
        if placeholder not in values:
            parts.append(("const", escaped(f"{{{placeholder}}}")))
        elif values[placeholder][0] == "param":
            text = format_value(values[placeholder][1], lang, compiled.codes)
            parts.append(("const", escaped(text)))
        else:
            parts.append(("code", reads.formatted(values[placeholder][1], compiled.codes)))
    parts.append(("const", '"'))
    # A criterion's basis, and a parameter's value, are the same text in each of its
    # outcomes, and often in other criteria: a writer may share one string for them.
    parts.append(("shared", middle))
    first = True
    for name, (source, value) in values.items():
        if name == "rule":
            continue
        parts.append(("const", ("" if first else ",") + key_text(name)))
        first = False
        if name in params_text:
            parts.append(("shared", params_text[name]))
        elif source == "param":
            parts.append(("const", value_text(value)))
        else:
            parts.append(("code", reads.text(value)))
    return parts


#: ``text(env)``: per amount, the members of its trace's ``inputs`` object as text.
InputsText = Callable[[Env], tuple[str, ...]]


def inputs_text(
    shown: list[tuple[tuple[str, str], ...]], params_text: Mapping[str, str]
) -> InputsText:
    """The function writing, for each amount, the members of its trace's ``inputs``: the
    ``shown`` (kind, name) inputs of each amount, in order, as the general route
    (``Explanation._amounts``) reads them into a dict and encodes them.

    A parameter's text is a constant, taken from ``params_text``; a parameter not in force
    there has no constant, and building the function raises, leaving the general route to
    decide.  Fields and amounts are read and encoded by the function.
    """
    lines = ["def _inputs(env):", "    app, A = env.app, env.amounts"]
    texts: list[str] = []
    for inputs in shown:
        names = [name for _, name in inputs]
        if len(set(names)) < len(names):  # one dict key for both in the general route
            raise ValueError(f"inputs sharing a name: {names}")
        members = []
        for kind, name in inputs:
            if kind == "param":
                members.append(repr(key_text(name) + params_text[name]))
            else:
                read = f"A.get({name!r})" if kind == "amount" else path_source("app", name)
                local = f"_v{len(lines)}"
                lines.append(f"    {local} = {read}")
                members.append(f"{key_text(name)!r} + {json_source(local, None)}")
        joined = " + ',' + ".join(members) if members else "''"
        lines.append(f"    _i{len(texts)} = {joined}")
        texts.append(f"_i{len(texts)}")
    lines.append("    return (" + "".join(f"{text}, " for text in texts) + ")")
    namespace: dict[str, Any] = dict(INLINE)
    exec_source("\n".join(lines) + "\n", "amount inputs", namespace)  # names from Inputs
    function: InputsText = namespace["_inputs"]
    return function


def value_or_none(fn: Compiled, env: Env) -> Any:
    """The value of a compiled expression, ``None`` when one of its inputs is missing."""
    try:
        return fn(env, None)
    except MissingInput:
        return None
