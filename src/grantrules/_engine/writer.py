"""The generated writer of a whole decision's JSON text.

:meth:`Explanation.json_text` could write the amounts, criteria and traces criterion by
criterion, each with its own generated function (:func:`grantrules._engine.textgen.criterion_text`)
or the general route.  For one scheme version, language, set of parameter values (one
:class:`~grantrules._engine.explanation.Fragments`) and application model, this module generates
a single function doing all of it, the decision's own members given as three texts around:
it reads each value the decision shows once (an amount appears in the amounts, in several
criteria's inputs and in the traces), encodes and formats it once, by source specialised by
the type the model declares (:mod:`grantrules._engine.value_source`), chooses each criterion's
text by its outcome inline, without a loop, a lookup or a call per criterion, and returns one
f-string.

The criterion branches are the same parts as the per-criterion writers (one generator,
:func:`grantrules._engine.textgen.criterion_pieces`), so both write the same text.  A criterion
whose outcome is not one of the generated function's shared triples (an exception applied,
an input is missing, the reference decided it) is written by ``x.text_of(index)``, the
per-criterion route.  A path through an absent optional object reads ``None`` (each
intermediate object is read once and tested), as the general route reads it: nothing is
caught, and an error raised here is a bug that shows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from grantrules._engine.compiled_rules import _NOT_APPLICABLE, _CompiledCriterion
from grantrules._engine.json_text import json_text, key_text
from grantrules._engine.source import exec_source
from grantrules._engine.textgen import Reads, criterion_pieces
from grantrules._engine.value_source import INLINE, RAW, Kind
from grantrules.expressions import Env, Expr
from grantrules.money import Euro
from grantrules.rules import Outcome

__all__ = ["DecisionWriter", "decision_writer"]

#: ``write(explanation, env, pending, outcomes, eligible, notes, head, middle, end) ->
#: text``: the decision JSON of :meth:`Explanation.json_text`, the amounts, criteria and
#: traces written between ``head``, ``middle`` and ``end``; ``pending`` holds the amounts as
#: the version function returned them (``None`` once stored in ``env``), and
#: ``explanation.text_of(index)`` writes one criterion by the per-criterion route.
DecisionWriter = Callable[
    [Any, Env, "tuple[Any, ...] | None", Sequence[Any], bool, Mapping[str, Any], str, str, str],
    str,
]


class _Shared(Reads):
    """Reads shared by the whole function: each value read once at its start; its JSON text
    computed there too when the amounts or traces show it (every decision writes them),
    else on first use in a criterion's branch, then kept in a local.  Every part a branch
    joins is a local, so that each text is one f-string (one allocation, no tuple, no call)."""

    def __init__(
        self, head: list[str], bind: Callable[[Any], str], lang: str, model: type | None
    ) -> None:
        super().__init__([], itertools.count(), bind, lang, model)
        self.head = head
        self.sources: dict[str, str] = {}  # source -> local
        self.objects: dict[str, str] = {}  # path of an intermediate object -> local
        self.eager: set[str] = set()  # locals whose JSON text the head computes
        self.lazy: set[str] = set()  # locals whose JSON or formatted text a branch computes
        self.done: set[str] = set()  # texts the current branch has computed already
        self._temps = itertools.count()

    def pending(self, ids: list[str]) -> None:
        """Read the amounts ``ids`` (every amount, in the version's order) from ``pending``,
        the version function's values, when they are not stored in ``env`` yet: the JSON
        text makes no Euro of them (see value_source.RAW)."""
        if not ids:
            return
        names = [f"_a{index}" for index in range(len(ids))]
        self.head.append("    if pending is None:")
        for name, amount_id in zip(names, ids, strict=True):
            source = self.sources[f"A.get({amount_id!r})"] = name
            self.kinds[source] = RAW
            self.head.append(f"        {name} = A.get({amount_id!r})")
        self.head.append(f"    else: {''.join(f'{name}, ' for name in names)}= pending")

    def detail(self, expression: Expr) -> None:
        # A detail computed from amounts reads them in env: they are stored first.
        if any(found.kind == "amount" for found in expression.inputs()):
            self.lines.append("    x.env")

    def branch(self) -> None:
        """Start a branch: its lines are new, and texts computed in a branch taken before
        may not have been (another outcome's branch)."""
        self.lines, self.done = [], set()

    def value(self, source: str, kind: Kind = None) -> str:
        variable = self.sources.get(source)
        if variable is None:
            variable = self.sources[source] = self.fresh()
            self.kinds[variable] = kind
            self.head.append(f"    {variable} = {source}")
        return variable

    def field(self, path: str) -> str:
        # Each intermediate object is read once into a local, and tested once for None.
        *objects, last = path.split(".")
        holder = "app"
        for depth in range(1, len(objects) + 1):
            prefix = ".".join(objects[:depth])
            local = self.objects.get(prefix)
            if local is None:
                local = self.objects[prefix] = f"o{len(self.objects)}"
                attribute = objects[depth - 1]
                read = f"app.{attribute}" if depth == 1 else _or_none(holder, attribute)
                self.head.append(f"    {local} = {read}")
            holder = local
        source = f"app.{last}" if holder == "app" else _or_none(holder, last)
        return self.value(source, self.kind(path))

    def eager_text(self, variable: str) -> str:
        """The local holding the value's JSON text, computed at the function's head."""
        if variable not in self.eager:
            self.eager.add(variable)
            self.head.append(f"    j{variable} = {super().text(variable)}")
        return f"j{variable}"

    def text(self, variable: str) -> str:
        if variable in self.eager:
            return f"j{variable}"
        if variable not in self.sources.values():  # a detail: a local of one branch
            return self._temp(super().text(variable))
        return self._lazy(f"j{variable}", super().text(variable))

    def formatted(self, variable: str, codes: Mapping[str, Mapping[str, str]]) -> str:
        source = super().formatted(variable, codes)
        # An amount's text does not depend on code labels: the version function makes
        # Decimals or Euros of them, or None (missing: "—").
        if self.kinds.get(variable) in (Euro, RAW) and variable in self.sources.values():
            return self._lazy(f"f{variable}", source)
        return self._temp(source)

    def _lazy(self, name: str, source: str) -> str:
        if name not in self.lazy:
            self.lazy.add(name)
            self.head.append(f"    {name} = None")
        if name not in self.done:
            self.done.add(name)
            self.lines.append(f"    if {name} is None: {name} = {source}")
        return name

    def _temp(self, source: str) -> str:
        name = f"_x{next(self._temps)}"
        self.lines.append(f"    {name} = {source}")
        return name


def _or_none(holder: str, attribute: str) -> str:
    return f"{holder}.{attribute} if {holder} is not None else None"


class _Gen:
    def __init__(self) -> None:
        self.namespace: dict[str, Any] = dict(INLINE)
        self._names = itertools.count()
        self._shared: dict[str, str] = {}

    def bind(self, value: Any) -> str:
        name = f"_k{next(self._names)}"
        self.namespace[name] = value
        return name

    def shared(self, text: str) -> str:
        """The name of one string holding ``text`` for the whole function: a decision copies
        the same memory for every criterion showing the same basis or parameter, fewer
        distinct bytes to bring into the CPU's caches each time."""
        name = self._shared.get(text)
        if name is None:
            name = self._shared[text] = self.bind(text)
        return name

    def fstring(self, parts: list[tuple[str, str]]) -> str:
        """The source of the concatenation of ``parts`` (``("const", text)``, ``("shared",
        text)`` or ``("code", local)``) as one f-string: one BUILD_STRING of the pieces, no
        tuple, no call."""
        pieces = []
        for kind, part in parts:
            if kind == "const":
                pieces.append("".join(map(_literal, part)))
            elif kind == "shared" and len(part) > _SHARED:
                pieces.append("{" + self.shared(part) + "}")
            elif kind == "shared":
                pieces.append("".join(map(_literal, part)))
            else:
                assert part.isidentifier(), part
                pieces.append("{" + part + "}")
        return "f'" + "".join(pieces) + "'"


# Shorter constants are copied from the f-string's own literal (a global's load costs more).
_SHARED = 64


def _literal(char: str) -> str:
    """``char`` as it is written in a single-quoted f-string's literal part."""
    if char in "{}":
        return char * 2
    if char in "\\'":
        return "\\" + char
    if char.isprintable():
        return char
    return char.encode("unicode_escape").decode("ascii")


def _tail(note: tuple[str | None, str | None] | None) -> str:
    """The end of an amount's trace: its exception label and missing input, if any."""
    if note is None:
        return "}"
    label, missing = note
    text = "" if label is None else ',"exception":' + json_text(label)
    if missing is not None:
        text += ',"missing":' + json_text(missing)
    return text + "}"


def _award_tail(note: tuple[str | None, str | None] | None) -> str:
    """The end of an ineligible application's award trace (see Explanation._shown)."""
    return _tail(("ineligible", None if note is None else note[1]))


def decision_writer(
    criteria: Sequence[_CompiledCriterion],
    frames: Mapping[str, tuple[Mapping[Outcome, str], str]],
    outcomes: tuple[Any, Any, Any],
    amounts: Sequence[tuple[str, tuple[tuple[str, str], ...]]],
    award: str,
    lang: str,
    params: Mapping[str, Any],
    params_text: Mapping[str, str],
    texts: Mapping[str, str],
    model: type | None = None,
) -> DecisionWriter:
    """The writer of one version's decisions in ``lang`` with the parameters ``params``.

    ``frames`` holds each criterion's (heads by outcome, middle) fragments, ``outcomes`` the
    (passed, failed, not applicable) triples the generated version function returns,
    ``amounts`` each amount's id and shown (kind, name) inputs, ``award`` the award's id,
    ``params_text`` the parameters' JSON texts, ``texts`` the rendered formulas and rules
    and ``model`` the application model, whose declared types specialise the encodings.

    Raises:
        KeyError: an amount's trace shows a parameter not in force (the general route
            writes the traces, as ``Explanation._amounts`` does).
        ValueError: an amount's trace shows two inputs of one name, or one named
            ``computed`` (likewise).
    """
    g = _Gen()
    g.namespace.update(_lang=lang, _tail=_tail, _award_tail=_award_tail)
    head = [
        "def _write(x, env, pending, outcomes, eligible, notes, head, middle, end):",
        "    app, A = env.app, env.amounts",
    ]
    reads = _Shared(head, g.bind, lang, model)
    reads.pending([amount_id for amount_id, _ in amounts])
    # The amounts and traces first: the values they show are encoded at the head.
    amounts_text, traces_text, tails = _amounts(amounts, award, params_text, texts, reads)
    body: list[str] = []
    locals_ = [f"_o{index}" for index in range(len(criteria))]
    if locals_:
        body.append(f"    {''.join(f'{name}, ' for name in locals_)}= outcomes")
    for index, compiled in enumerate(criteria):
        heads, middle = frames[compiled.criterion.id]
        rule = texts[f"criterion:{compiled.criterion.id}"]
        branches = 0
        for triple in outcomes:
            if triple is _NOT_APPLICABLE and compiled.applies is None:
                continue  # never its outcome
            outcome = triple[0]
            reads.branch()
            try:
                parts = criterion_pieces(
                    compiled,
                    outcome,
                    lang,
                    (heads[outcome], middle),
                    params,
                    params_text,
                    rule,
                    g,
                    reads,
                )
            except (KeyError, TypeError, ValueError):
                continue  # a parameter that cannot be written: the general route
            parts.append(("const", "}}"))
            keyword = "if" if branches == 0 else "elif"
            body.append(f"    {keyword} _o{index} is {g.bind(triple)}:")
            body += [f"    {line}" for line in reads.lines]
            body.append(f"        _t{index} = {g.fstring(parts)}")
            branches += 1
        if branches:
            body.append(f"    else: _t{index} = x.text_of({index})")
        else:
            body.append(f"    _t{index} = x.text_of({index})")
    # The whole decision in one f-string: each criterion's text is copied once.
    whole = [
        ("code", "head"),
        *amounts_text,
        ("const", ',"criteria":['),
    ]
    for index in range(len(criteria)):
        whole += [("const", "," if index else ""), ("code", f"_t{index}")]
    whole += [("const", "]"), ("code", "middle"), *traces_text, ("code", "end")]
    body += tails
    body.append(f"    return {g.fstring(whole)}")
    exec_source("\n".join(head + body) + "\n", "decision writer", g.namespace)
    function: DecisionWriter = g.namespace["_write"]
    return function


def _amounts(
    amounts: Sequence[tuple[str, tuple[tuple[str, str], ...]]],
    award: str,
    params_text: Mapping[str, str],
    texts: Mapping[str, str],
    reads: _Shared,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """The parts of the ``amounts`` object and of the ``traces`` object, as
    ``Explanation._amount_texts`` and ``json_parts`` write them, and the statements computing
    the ends of the traces (their notes) and the award's value."""
    values: list[tuple[str, str]] = [("const", "{")]
    traces: list[tuple[str, str]] = [("const", "{")]
    ids = [amount_id for amount_id, _ in amounts]
    # Notes (an exception's label, a missing input) are rare: one test for them all.
    tails = ["    if notes:"]
    tails += [f"        _n{i} = _tail(notes.get({amount_id!r}))" for i, amount_id in enumerate(ids)]
    tails.append(f"    else: {' = '.join(f'_n{i}' for i in range(len(ids)))} = '}}'")
    for index, (amount_id, shown) in enumerate(amounts):
        names = [name for _, name in shown]
        if len(set(names)) < len(names):  # one dict key for both in the general route
            raise ValueError(f"inputs sharing a name: {names}")
        if amount_id == award and "computed" in names:
            raise ValueError("an input named like the trace's computed value")
        comma = "," if index else ""
        value = reads.eager_text(reads.amount(amount_id))
        values.append(("const", comma + key_text(amount_id)))
        if amount_id == award:
            tails.append(f"    _award = {value} if eligible else '\"0.00\"'")
            values.append(("code", "_award"))
        else:
            values.append(("code", value))
        formula = json_text(texts[f"amount:{amount_id}"])
        traces.append(("const", f'{comma}{key_text(amount_id)}{{"formula":{formula},"inputs":{{'))
        for position, (kind, name) in enumerate(shown):
            traces.append(("const", ("," if position else "") + key_text(name)))
            if kind == "param":
                traces.append(("const", params_text[name]))
            else:
                read = reads.amount(name) if kind == "amount" else reads.field(name)
                traces.append(("code", reads.eager_text(read)))
        if amount_id == award:
            computed = ("," if shown else "") + key_text("computed")
            tails.append(
                f"    _end = '}}' + _n{index} if eligible "
                f"else {computed!r} + {value} + '}}' + "
                f"(_award_tail(notes.get({award!r})) if notes else {_award_tail(None)!r})"
            )
            traces.append(("code", "_end"))
        else:
            traces.append(("const", "}"))
            traces.append(("code", f"_n{index}"))
    values.append(("const", "}"))
    traces.append(("const", "}"))
    return values, traces, tails
