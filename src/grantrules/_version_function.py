"""The generated function of a whole scheme version: every amount, criterion and derived value.

Built on the expression compiler of :mod:`grantrules._codegen`, it adds what only a version
has: amounts computed in order (each later one reading the earlier ones' locals), labelled
exceptions, each criterion isolated so that one that cannot be decided here goes alone to its
closures (:data:`SLOW`), eligibility, and the derived values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from grantrules._codegen import _Gen, _money, _raw_src, _src
from grantrules.expressions import Env, Expr

__all__ = ["SLOW", "Exceptions", "fast_version"]

#: The outcome of a criterion the generated function could not decide: run its closures.
SLOW = type("Slow", (), {"__repr__": lambda self: "SLOW"})()

#: Labelled exceptions of a rule, as (label, when, then) triples.
Exceptions = tuple[tuple[str, Expr, Expr], ...]


def _several() -> None:
    # Several exceptions apply: whether they agree, and their joined label, is for the
    # closures to decide (see _compiled._with_overrides).
    raise RuntimeError("several exceptions apply")


def _exception_flags(name: str, exceptions: Exceptions, g: _Gen, lines: list[str]) -> list[str]:
    """Statements setting one flag per exception (raising if several hold); their names."""
    flags = [f"{name}_{k}" for k in range(len(exceptions))]
    for flag, (_, when, _) in zip(flags, exceptions, strict=True):
        lines.append(f"{flag} = bool({_src(when, g)})")
    if len(flags) > 1:
        lines.append(f"if {' + '.join(flags)} > 1: _several()")
    return flags


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
    derived: tuple[Expr, ...] = (),
    conditions: tuple[Expr, ...] = (),
) -> Callable[[Env, dict[str, Any]], Any]:
    """One function ``(env, notes)`` computing every amount (into ``env.amounts``, always Euro
    objects) and every criterion, with their labelled exceptions.

    ``amounts`` are (id, formula, exceptions) and ``criteria`` (applies_if, condition,
    exceptions); the function returns, per criterion, one of ``outcomes`` = (passed, failed,
    not applicable), (outcome, label, missing) tuples whose label is set when an exception
    applied, or :data:`SLOW` when that criterion raised (a missing input, several exceptions
    applying): the caller runs its closures.  It records in ``notes`` the (label, None) of
    each amount an exception replaced.  When an amount cannot be computed it raises, and the
    caller evaluates rule by rule.

    It returns ``(outcomes, eligible, values, holds)``: ``eligible`` is whether no criterion
    of index in ``blocking`` has an outcome in ``blocks`` (``None`` when a criterion is SLOW),
    ``values`` those of the ``derived`` expressions and ``holds`` the truth of the
    ``conditions`` (of the obligations), SLOW for one that raised.  With the application
    ``model`` and the parameters' ``units``, money is computed on Decimals.
    """
    g = _Gen(model, units)
    g.namespace["_several"] = _several
    passed, failed, not_applicable = (g.bind(o) for o in outcomes)
    lines: list[str] = []
    for index, (amount_id, formula, exceptions) in enumerate(amounts):
        flags = _exception_flags(f"_h{index}", exceptions, g, lines)
        forms = [formula, *(then for _, _, then in exceptions)]
        raw = all(_money(f, g) for f in forms)
        source = _raw_src if raw else _src
        value = _chosen(flags, [source(then, g) for _, _, then in exceptions], source(formula, g))
        if raw:
            lines.append(f"_ar{index} = {value}")
            lines.append(f"A[{amount_id!r}] = _a{index} = _euro(_ar{index})")
            g.raw_amounts[amount_id] = f"_ar{index}"
        else:
            lines.append(f"A[{amount_id!r}] = _a{index} = _check_euro({value})")
        g.amounts[amount_id] = f"_a{index}"
        for flag, (label, _, _) in zip(flags, exceptions, strict=True):
            lines.append(f"if {flag}: notes[{amount_id!r}] = {g.bind((label, None))}")
    slow = g.bind(SLOW)
    lines.append("_slow = False")
    for index, (applies, condition, exceptions) in enumerate(criteria):
        # Each criterion on its own: one that raises (a missing input, several exceptions)
        # is marked SLOW for the caller to run through its closures; the others stand.
        verdict = f"({passed} if {_src(condition, g)} else {failed})"
        body: list[str] = []
        if exceptions:
            flags = _exception_flags(f"_e{index}", exceptions, g, body)
            choices = []
            for label, _, then in exceptions:
                held, not_held = (g.bind((o[0], label, o[2])) for o in outcomes[:2])
                choices.append(f"({held} if {_src(then, g)} else {not_held})")
            verdict = _chosen(flags, choices, verdict)
        body.append(f"_o{index} = {verdict}")
        lines.append("try:")
        if applies is None:
            lines += [f"    {line}" for line in body]
        else:
            lines.append(f"    if {_src(applies, g)}:")
            lines += [f"        {line}" for line in body]
            lines.append(f"    else: _o{index} = {not_applicable}")
        lines.append(f"except Exception: _o{index} = {slow}; _slow = True")
    stops = g.bind(frozenset(blocks))
    eligible = " or ".join(f"_o{i}[0] in {stops}" for i in blocking) or "False"
    for index, expression in enumerate(derived):
        lines += ["try:", f"    _d{index} = {_src(expression, g)}"]
        lines.append(f"except Exception: _d{index} = {slow}")
    for index, expression in enumerate(conditions):
        lines += ["try:", f"    _c{index} = bool({_src(expression, g)})"]
        lines.append(f"except Exception: _c{index} = {slow}")

    def listed(prefix: str, count: int) -> str:
        return "(" + "".join(f"{prefix}{index}, " for index in range(count)) + ")"

    lines.append(
        f"return {listed('_o', len(criteria))}, (None if _slow else not ({eligible})), "
        f"{listed('_d', len(derived))}, {listed('_c', len(conditions))}"
    )
    body = g.function([f"    {line}" for line in lines], "env, notes")
    exec(compile("\n".join(body), "<scheme version>", "exec"), g.namespace)
    function: Callable[[Env, dict[str, Any]], Any] = g.namespace["_fast"]
    return function
