"""Finite domains for codes: one representative value per class the rules can tell apart.

A code field (a legal category, a commune, a cost category) is compared by the rules only
with constants: equal to a code, one of a code list or a reference set such as the 3,782
communes of a region, starting with a prefix.  Two values that give the same answer to every
such comparison are interchangeable for the decision, so the solver needs one value per
*signature* (the tuple of answers), not every string.  The candidates are the constants the
rules name, members of the lists, prefixes padded out, and variants of them that no list
contains ("any other"); each must pass the model's own validators (a commune code of five
digits), so that every document the solver builds is a valid application.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

__all__ = ["Facts", "collect", "representatives"]

Predicate = tuple[str, Any]  # ("eq", "7210") | ("in", frozenset) | ("prefix", ("72", "73"))

_GENERIC = ("", "Exemple", "x", "0", "00", "000", "0000", "00000", "99999", "ZZZZ", "other")
_MUTATED = 40  # members of a long list that are varied to find values outside it


@attrs.define
class Facts:
    """What the rules compare each code key with (``applicant.legal_category``,
    ``costs[].category``): predicates, and keys compared with each other."""

    predicates: dict[str, list[Predicate]] = attrs.field(factory=dict)

    def add(self, key: str, predicate: Predicate) -> None:
        known = self.predicates.setdefault(key, [])
        if not any(p[0] == predicate[0] and p[1] == predicate[1] for p in known):
            known.append(predicate)

    def merge(self, a: str, b: str) -> None:
        # Two fields compared with each other need the distinctions of both.
        both = self.predicates.get(a, []) + self.predicates.get(b, [])
        for key in (a, b):
            for predicate in both:
                self.add(key, predicate)


def _holds(predicate: Predicate, value: str) -> bool:
    kind, arg = predicate
    if kind == "eq":
        return bool(value == arg)
    if kind == "in":
        return value in arg
    return value.startswith(tuple(arg))


def _named(predicates: list[Predicate]) -> Iterator[str]:
    for kind, arg in predicates:
        if kind == "eq" and isinstance(arg, str):
            yield arg
        elif kind == "in":
            yield from sorted(v for v in arg if isinstance(v, str))
        elif kind == "prefix":
            yield from (p for p in arg if isinstance(p, str))


_WIDTHS = range(1, 13)  # codes padded to every usual length (a prefix "80" to "80000")


def _variants(value: str, widths: Iterable[int]) -> Iterator[str]:
    """Values near ``value``: its last character changed, padded to the usual widths."""
    for width in sorted({*widths, *_WIDTHS}):
        if len(value) < width:
            yield value + "0" * (width - len(value))
            yield value + "9" * (width - len(value))
    if value:
        for char in "0123456789AZ":
            yield value[:-1] + char
        yield value[:-1]
    yield value + "0"


def representatives(
    predicates: list[Predicate],
    valid: Callable[[str], bool],
    literal: tuple[str, ...] | None = None,
) -> tuple[str, ...]:
    """One valid value per signature under ``predicates``, the names the rules use first.

    ``literal`` is the closed list of a ``Literal`` field: then only its values are valid.
    """
    if literal is not None:
        candidates: Iterable[str] = literal
    else:
        named = list(dict.fromkeys(_named(predicates)))
        # Prefixes are padded to the widths of valid values too: a département "80" becomes
        # the commune codes "80000" and "80999" when codes have five characters.
        widths = sorted({len(v) for v in named} | {len(v) for v in _GENERIC if valid(v)} or {1})
        varied = itertools.chain.from_iterable(_variants(v, widths) for v in named[:_MUTATED])
        candidates = itertools.chain(named, _GENERIC, varied)
    seen: dict[tuple[bool, ...], str] = {}
    for value in candidates:
        signature = tuple(_holds(p, value) for p in predicates)
        if signature not in seen and (literal is not None or valid(value)):
            seen[signature] = value
    return tuple(seen.values())


def collect(exprs: Iterable[Any], params: Any, is_collection: Callable[[str], bool]) -> Facts:
    """The code comparisons of every expression in ``exprs`` (parameters resolved)."""
    from grantrules import expressions as ex

    def key(node: Any) -> str | None:
        if type(node) is ex.Field:
            return str(node.path)
        if type(node) is ex.Item:
            return str(node.key)
        return None

    def const(node: Any) -> Any:
        if type(node) is ex.Const:
            return node.value
        if type(node) is ex.Param:
            return params.get(node.name)
        return None

    facts, pairs = Facts(), []
    for expr in exprs:
        for node in expr.walk():
            if type(node) is ex.Compare and node.op in ("eq", "ne"):
                ka, kb = key(node.left), key(node.right)
                ca, cb = const(node.left), const(node.right)
                if ka and isinstance(cb, str):
                    facts.add(ka, ("eq", cb))
                if kb and isinstance(ca, str):
                    facts.add(kb, ("eq", ca))
                if ka and kb:
                    pairs.append((ka, kb))
            elif type(node) is ex.In and not node.period:
                kv, values = key(node.value), node.values
                if type(values) is ex.Field and is_collection(values.path):
                    items = f"{values.path}[]"
                    if isinstance(const(node.value), str):
                        facts.add(items, ("eq", const(node.value)))
                    if kv:
                        pairs.append((kv, items))
                elif kv and isinstance(const(values), tuple | frozenset):
                    facts.add(kv, ("in", frozenset(const(values))))
            elif type(node) is ex.StartsWith:
                kv, prefixes = key(node.value), const(node.prefixes)
                if kv and isinstance(prefixes, tuple | list | frozenset):
                    facts.add(kv, ("prefix", tuple(str(p) for p in prefixes)))
    for a, b in pairs:
        facts.merge(a, b)
    return facts
