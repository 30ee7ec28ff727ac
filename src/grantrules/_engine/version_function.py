"""The generated function of a whole scheme version: every amount, criterion and derived value.

Built on the expression compiler of :mod:`grantrules._engine.codegen`, it adds what only a version
has: amounts computed in order (each later one reading the earlier ones' locals), labelled
exceptions, each criterion isolated so that one that cannot be decided here (a missing input
under Kleene logic, several exceptions applying: ``MissingInput`` or ``Undecided``, nothing
else) goes alone to the reference semantics (:data:`SLOW`), eligibility, and the derived
values.  Any other exception leaves the function: it is an error, not a route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from grantrules._engine.codegen import _Gen, _money, _raw_src, _src, has_source
from grantrules._engine.json_text import json_value
from grantrules._engine.runtime import _ZERO_CENTS
from grantrules._engine.source import exec_source
from grantrules.amounts import Amount
from grantrules.expressions import Aggregate, AmountRef, Env, Expr, Item

__all__ = ["SLOW", "Exceptions", "VersionResult", "fast_version"]


class VersionResult(NamedTuple):
    """What the generated function of a version returns."""

    #: Per criterion: an (outcome, exception label, missing input) triple, or SLOW.
    outcomes: tuple[Any, ...]
    #: Whether no blocking criterion failed; None when a criterion is SLOW.
    eligible: bool | None
    #: The derived values by name, as JSON values (a new dict per call: the decision's
    #: own), SLOW for one that raised MissingInput or Undecided.
    derived: dict[str, Any]
    #: The truth of the obligations' conditions, SLOW likewise.
    holds: tuple[Any, ...]
    #: Every amount, in order: a Euro, or the Decimal of one (see _runtime.store_amounts).
    amounts: tuple[Any, ...]
    #: Whether anything is SLOW.
    slow: bool


#: The outcome of a criterion the generated function could not decide: run its closures.
SLOW = type("Slow", (), {"__repr__": lambda self: "SLOW"})()

#: Labelled exceptions of a rule, as (label, when, then) triples.
Exceptions = tuple[tuple[str, Expr, Expr], ...]


def _exception_flags(name: str, exceptions: Exceptions, g: _Gen, lines: list[str]) -> list[str]:
    """Statements setting one flag per exception (raising if several hold); their names."""
    flags = [f"{name}_{k}" for k in range(len(exceptions))]
    for flag, (_, when, _) in zip(flags, exceptions, strict=True):
        lines.append(f"{flag} = bool({_src(when, g)})")
    if len(flags) > 1:
        lines.append(f"if {' + '.join(flags)} > 1: _several()")
    return flags


# Nodes a sum or count computed by a shared loop must not contain: amounts (not all computed
# yet where the loop runs) and other aggregates (their own collections).
_NOT_IN_LOOPS = (Aggregate, AmountRef, Amount)


def _loop_ready(node: Aggregate, g: _Gen) -> bool:
    """Whether ``node`` is a filtered count or a money sum whose nodes all have a source form
    and read only its own items, fields, parameters and constants."""
    if node.kind == "count" and node.where is None:
        return False  # len() of the collection is cheaper
    if node.kind not in ("sum", "count") or (node.kind == "sum" and not _money(node, g)):
        return False
    return all(
        has_source(type(child))
        and not isinstance(child, _NOT_IN_LOOPS)
        and (not isinstance(child, Item) or child.collection == node.collection)
        for part in node.children()
        for child in part.walk()
    )


def _loops(expressions: Iterable[Expr | None], g: _Gen, lines: list[str]) -> list[int]:
    """Statements computing the sums and counts of ``expressions`` that :func:`_loop_ready`
    accepts, in one loop per collection, each item attribute read once per item.  Their
    values go to locals that the expressions' sources then read (``g.hoisted``); returns the
    ids of the aggregates so computed.

    Python calls a comprehension as a function, and an item's None check inside one makes a
    closure cell of its local: one plain loop per collection costs a fraction of that.
    """
    groups: dict[str, dict[int, Aggregate]] = {}  # collection -> id -> node, each node once
    for expression in expressions:
        for node in expression.walk() if expression is not None else ():
            if isinstance(node, Aggregate) and id(node) not in g.hoisted and _loop_ready(node, g):
                groups.setdefault(node.collection, {})[id(node)] = node
    done: list[int] = []
    for collection, group in groups.items():
        nodes = group.values()
        outer, var = dict(g.items), g.item_var(collection)
        fields: dict[str, str] = {}
        g.item_locals[collection] = fields
        # Equal aggregates share one total: equal nodes give equal sources, since _Gen.bind
        # names each constant object (and string) once.
        totals: dict[tuple[str, str, str], str] = {}
        starts, steps = [], []
        for node in nodes:
            value = "" if node.value is None else _raw_src(node.value, g)
            where = "" if node.where is None else _src(node.where, g)
            key = (node.kind, value, where)
            total = totals.get(key)
            if total is None:
                total = totals[key] = g.fresh("_s")
                zero = "0" if node.kind == "count" else g.bind(_ZERO_CENTS)
                starts.append(f"{total} = {zero}")
                step = (
                    f"{total} += 1" if node.kind == "count" else f"{total} = _add({total}, {value})"
                )
                steps.append(f"    if {where}: {step}" if where else f"    {step}")
            g.hoisted[id(node)] = total
            done.append(id(node))
        lines += starts
        # _req inline (a call per loop saved): a missing collection raises MissingInput.
        lines.append(
            f"for {var} in (_c if (_c := app.{collection}) is not None "
            f"else _missing({collection!r})):"
        )
        lines += [f"    {local} = {var}.{attr}" for attr, local in fields.items()]
        lines += steps
        del g.item_locals[collection]
        g.items = outer
    return done


def _parts(rule: Expr, exceptions: Exceptions) -> list[Expr]:
    """A rule's expression and those of its exceptions."""
    return [rule, *(e for _, when, then in exceptions for e in (when, then))]


def _forget(hoisted: list[int], g: _Gen) -> None:
    for key in hoisted:
        del g.hoisted[key]


def _chosen(flags: list[str], choices: list[str], otherwise: str) -> str:
    """``choices[k]`` for the first flag set, else ``otherwise``: one expression."""
    text = otherwise
    for flag, choice in reversed(list(zip(flags, choices, strict=True))):
        text = f"({choice} if {flag} else {text})"
    return text


def fast_version(
    amounts: list[tuple[str, Expr, Exceptions]],
    criteria: list[tuple[Expr | None, Expr, Exceptions]],
    outcomes: tuple[Any, Any, Any],
    model: type | None = None,
    units: Mapping[str, str] | None = None,
    blocking: tuple[int, ...] = (),
    blocks: tuple[Any, ...] = (),
    derived: Mapping[str, Expr] | None = None,
    conditions: tuple[Expr, ...] = (),
    interpreted: list[str] | None = None,
    deciders: tuple[Callable[[Env], Any] | None, ...] = (),
) -> Callable[[Env, dict[str, Any]], VersionResult]:
    """One function ``(env, notes)`` computing every amount and every criterion, with their
    labelled exceptions.

    ``amounts`` are (id, formula, exceptions) and ``criteria`` (applies_if, condition,
    exceptions); the function returns, per criterion, one of ``outcomes`` = (passed, failed,
    not applicable), (outcome, label, missing) tuples whose label is set when an exception
    applied, or :data:`SLOW` when that criterion raised ``MissingInput`` or ``Undecided`` (a
    missing input, several exceptions applying): the caller asks the reference.  It records
    in ``notes`` the (label, None) of each amount an exception replaced.  When an amount
    cannot be computed it raises (``MissingInput``, ``Undecided``, or an error).

    It returns a :class:`VersionResult` ``(outcomes, eligible, derived, holds, amounts,
    slow)``: ``eligible`` is whether no
    criterion of index in ``blocking`` has an outcome in ``blocks`` (``None`` when a criterion
    is SLOW), ``derived`` the JSON values of the ``derived`` expressions by name (one dict
    literal: zipping names with values costs five times as much), ``holds`` the truth of the
    ``conditions`` (of the obligations), SLOW for one that raised, and ``amounts`` the value
    of each amount, in order: a Euro, or the Decimal of one (see ``_runtime.store_amounts``);
    ``slow`` is whether anything is SLOW.
    With the application ``model`` and the parameters' ``units``, money is computed on
    Decimals.  The function writes ``env.amounts`` only before it calls a closure that reads
    amounts; what runs closures afterwards stores the amounts there first.  The kinds of the
    nodes evaluated by their closure (the explicit interpreter path) are added to
    ``interpreted``.

    ``deciders`` holds, per criterion, ``None`` or its reference decision (``(env) ->
    (outcome, label, missing)``) when that needs no amount in ``env.amounts``: a criterion
    that raises ``MissingInput`` or ``Undecided`` then has its outcome from it, in the
    function, instead of SLOW (the reference decides it all the same, without the caller's
    second pass over the version).
    """
    g = _Gen(model, units)
    g.namespace["_Result"] = VersionResult
    g.namespace["_new"] = tuple.__new__
    g.namespace["_json"] = json_value
    derived = derived or {}
    passed, failed, not_applicable = (g.bind(o) for o in outcomes)
    lines: list[str] = []
    results: list[str] = []
    _loops((e for _, formula, exceptions in amounts for e in _parts(formula, exceptions)), g, lines)
    for index, (amount_id, formula, exceptions) in enumerate(amounts):
        flags = _exception_flags(f"_h{index}", exceptions, g, lines)
        forms = [formula, *(then for _, _, then in exceptions)]
        raw = all(_money(f, g) for f in forms)
        source = _raw_src if raw else _src
        value = _chosen(flags, [source(then, g) for _, _, then in exceptions], source(formula, g))
        # A raw amount stays a Decimal: the caller makes Euro objects only of those it shows.
        if raw:
            lines.append(f"_ar{index} = {value}")
            g.raw_amounts[amount_id] = f"_ar{index}"
            g.amounts[amount_id] = f"_euro(_ar{index})"
            results.append(f"_ar{index}")
        else:
            lines.append(f"_a{index} = _check_euro({value})")
            g.amounts[amount_id] = f"_a{index}"
            results.append(f"_a{index}")
        for flag, (label, _, _) in zip(flags, exceptions, strict=True):
            lines.append(f"if {flag}: notes[{amount_id!r}] = {g.bind((label, None))}")
    slow = g.bind(SLOW)
    lines.append("_slow = _later = _bad = False")
    stops = g.bind(frozenset(blocks))
    fails = outcomes[1][0] in blocks  # whether a failed criterion blocks
    for index, (applies, condition, exceptions) in enumerate(criteria):
        # Each criterion on its own: one that raises (a missing input, several exceptions)
        # is marked SLOW for the caller to run through its closures; the others stand.
        # Loops computed here serve this criterion only: one that raises midway leaves a
        # partial total, which the next criteria must not read.  Those of applies_if come
        # first, since it is tested first (a total it shares with the condition included).
        head: list[str] = []
        scoped = _loops([applies], g, head)
        body: list[str] = []
        scoped += _loops(_parts(condition, exceptions), g, body)
        # A blocking criterion that fails sets _bad: eligibility is known without a pass
        # over the outcomes.
        blocks_here = index in blocking
        held = _src(condition, g)
        if exceptions:
            verdict = f"({passed} if {held} else {failed})"
            flags = _exception_flags(f"_e{index}", exceptions, g, body)
            choices = []
            for label, _, then in exceptions:
                yes, no = (g.bind((o[0], label, o[2])) for o in outcomes[:2])
                choices.append(f"({yes} if {_src(then, g)} else {no})")
            body.append(f"_o{index} = {_chosen(flags, choices, verdict)}")
            if blocks_here:
                body.append(f"if _o{index}[0] in {stops}: _bad = True")
        elif blocks_here and fails:
            body += [f"if {held}: _o{index} = {passed}", f"else: _o{index} = {failed}; _bad = True"]
        else:
            body.append(f"_o{index} = ({passed} if {held} else {failed})")
        lines.append("try:")
        if applies is None:
            lines += [f"    {line}" for line in body]
        else:
            lines += [f"    {line}" for line in head]
            lines.append(f"    if {_src(applies, g)}:")
            lines += [f"        {line}" for line in body]
            lines.append(f"    else: _o{index} = {not_applicable}")
        decide = deciders[index] if index < len(deciders) else None
        if decide is None:
            lines.append(f"except _UNDECIDED: _o{index} = {slow}; _slow = True")
        else:
            lines.append("except _UNDECIDED:")
            lines.append(f"    _o{index} = {g.bind(decide)}(env)")
            if blocks_here:
                lines.append(f"    if _o{index}[0] in {stops}: _bad = True")
        _forget(scoped, g)
    for prefix, expressions, form in (
        ("_d", tuple(derived.values()), "_json({})"),
        ("_c", conditions, "bool({})"),
    ):
        for index, expression in enumerate(expressions):
            body = []
            scoped = _loops([expression], g, body)
            body.append(f"{prefix}{index} = {form.format(_src(expression, g))}")
            lines += ["try:", *(f"    {line}" for line in body)]
            lines.append(f"except _UNDECIDED: {prefix}{index} = {slow}; _later = True")
            _forget(scoped, g)

    def listed(prefix: str, count: int) -> str:
        return "(" + "".join(f"{prefix}{index}, " for index in range(count)) + ")"

    # A named tuple built as a tuple: tuple.__new__ skips the class's Python __new__.
    lines.append(
        f"return _new(_Result, ({listed('_o', len(criteria))}, (None if _slow else not _bad), "
        f"{{{''.join(f'{name!r}: _d{index}, ' for index, name in enumerate(derived))}}}, "
        f"{listed('_c', len(conditions))}, "
        f"({''.join(f'{r}, ' for r in results)}), _slow or _later))"
    )
    body = g.function([f"    {line}" for line in lines], "env, notes")
    exec_source("\n".join(body) + "\n", "scheme version", g.namespace)
    function: Callable[[Env, dict[str, Any]], VersionResult] = g.namespace["_fast"]
    if interpreted is not None:
        interpreted += g.interpreted
    return function
