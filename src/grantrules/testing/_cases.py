"""Declarative scheme test cases: ``test_*.toml`` files collected by the pytest plugin.

A case file names its scheme at the top and holds ``[[case]]`` tables::

    scheme = "my-scheme"                # an installed id, or "module:attribute"
    input = "../examples/lille.json"     # optional default for every case
    on = 2025-03-14                      # optional default evaluation date

    [[case]]
    name = "cost at the lower bound"
    input = "../examples/lille.json"     # relative to this file
    on = 2025-03-14
    delete = ["costs[2]"]                # optional: paths removed
    [case.patch]                         # merged into the JSON document
    "costs[0].amount_excl_vat" = "5000.00"
    applicant.legal_category = "7210"
    [case.expected]
    eligible = true
    failed = []                          # blocking criteria failed or missing, any order
    warnings = []                        # warning criteria that did not pass
    award = "60000.00"
    amounts = { total_cost = "100000.00" }
    outcomes = { "project.cost_range" = "passed" }
    cost_option = "draft_budget"         # any other key: a derived value
    # invalid = ["$.applicant.siren"]    # or: the document must be refused

Patch keys are paths (``a.b``, ``costs[0]``, ``costs[-1]``, ``costs[+]`` to append); a table
merges into the object it lands on, any other value (arrays included) replaces it.

A case with both ``patch`` and ``delete`` must not depend on their order: a patch index into
a list that ``delete`` shortens (an index at or after a deleted one, a negative index, an
append) is refused as ambiguous.  Operations that depend on each other are written as
``steps``, applied in the order written, each with one ``patch`` or one ``delete``::

    [[case]]
    name = "the second line becomes the first"
    steps = [
        { delete = ["costs[0]"] },
        { patch = { "costs[0].amount_excl_vat" = "5000.00" } },   # the former costs[1]
    ]
"""

from __future__ import annotations

import copy
import datetime
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

__all__ = ["CaseFile", "CaseItem"]

_FILE_KEYS = {"scheme", "input", "on", "case", "description"}
_CASE_KEYS = {
    "name",
    "input",
    "application",
    "on",
    "patch",
    "delete",
    "steps",
    "expected",
    "description",
}
_EXPECTED_KEYS = {"eligible", "failed", "warnings", "outcomes", "amounts", "award", "invalid"}
_STEP = re.compile(r"([^.\[\]]+)|\[(-?[0-9]+|\+)\]")


class CaseFormatError(Exception):
    """A case file or case is malformed; the message names the file, the case and the fix."""


@attrs.frozen
class Mismatch:
    """One expectation a case failed: what, expected and actual values, and why."""

    what: str
    expected: Any
    actual: Any
    detail: str = ""


class CaseFailed(AssertionError):
    def __init__(self, mismatches: list[Mismatch]) -> None:
        self.mismatches = mismatches
        super().__init__(f"{len(mismatches)} expectation(s) not met")


def _path(key: str) -> list[str | int]:
    steps: list[str | int] = []
    position = 0
    for match in _STEP.finditer(key):
        if match.start() != position and key[position : match.start()] != ".":
            raise CaseFormatError(f"cannot read the path {key!r}: write it like 'costs[0].amount'")
        name, index = match.groups()
        if name is not None:
            steps.append(name)
        else:
            steps.append(index if index == "+" else int(index))
        position = match.end()
    if position != len(key) or not steps:
        raise CaseFormatError(f"cannot read the path {key!r}: write it like 'costs[0].amount'")
    return steps


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _step_into(node: Any, step: str | int, where: str) -> Any:
    try:
        return node[step]
    except (KeyError, IndexError, TypeError):
        raise CaseFormatError(f"patch: {where} does not exist in the document") from None


def patch(document: Any, changes: Mapping[str, Any], where: str = "$") -> None:
    """Merge ``changes`` into ``document`` in place (see the module documentation)."""
    for key, value in changes.items():
        steps = _path(key)
        node = document
        here = where
        for step in steps[:-1]:
            here += f"[{step}]" if isinstance(step, int) else f".{step}"
            node = _step_into(node, step, here)
        last = steps[-1]
        if last == "+":
            if not isinstance(node, list):
                raise CaseFormatError(f"patch: {here} is not a list, cannot append to it")
            node.append(_jsonable(value))
        elif isinstance(value, dict) and isinstance(_current(node, last), dict):
            patch(node[last], value, f"{here}.{last}")
        else:
            try:
                node[last] = _jsonable(value)
            except (IndexError, TypeError):
                raise CaseFormatError(f"patch: cannot set {key!r} at {here}") from None


def _current(node: Any, step: str | int) -> Any:
    try:
        return node[step]
    except (KeyError, IndexError, TypeError):
        return None


def delete(document: Any, paths: list[str]) -> None:
    """Remove each path (key or list item) from ``document``, last items first."""
    for key in sorted(paths, key=lambda k: [str(s).zfill(9) for s in _path(k)], reverse=True):
        steps = _path(key)
        node = document
        for step in steps[:-1]:
            node = _step_into(node, step, key)
        try:
            del node[steps[-1]]
        except (KeyError, IndexError, TypeError):
            raise CaseFormatError(f"delete: {key!r} does not exist in the document") from None


def operations(case: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The document operations of a case, in the order they apply.

    ``steps`` apply in the order written; ``patch`` and ``delete`` given side by side must
    commute (see the module documentation), and then apply patch first.

    >>> operations({"steps": [{"delete": ["costs[0]"]}, {"patch": {"costs[0].vat": "1.00"}}]})
    [('delete', ['costs[0]']), ('patch', {'costs[0].vat': '1.00'})]
    >>> operations({"patch": {"costs[1].vat": "1.00"}, "delete": ["costs[0]"]})
    Traceback (most recent call last):
      ...
    grantrules.testing._cases.CaseFormatError: patch 'costs[1].vat' and delete 'costs[0]' ...
    """
    if "steps" in case:
        if "patch" in case or "delete" in case:
            raise CaseFormatError("use either 'steps' or 'patch'/'delete', not both")
        found = []
        for number, step in enumerate(case["steps"], 1):
            if (
                not isinstance(step, dict)
                or len(step) != 1
                or next(iter(step))
                not in (
                    "patch",
                    "delete",
                )
            ):
                raise CaseFormatError(
                    f"step {number}: expected one table like {{ patch = {{...}} }} or "
                    f'{{ delete = ["costs[0]"] }}, got {step!r}'
                )
            found.append(next(iter(step.items())))
        return found
    changes, removed = case.get("patch", {}), list(case.get("delete", []))
    for key in changes:
        for gone in removed:
            if _order_matters(_path(key), _path(gone)):
                raise CaseFormatError(
                    f"patch {key!r} and delete {gone!r} touch the same list, and the result "
                    "depends on which comes first: write them as ordered 'steps' "
                    "(steps = [{ delete = [...] }, { patch = {...} }])"
                )
    return [("patch", changes), ("delete", removed)]


def _order_matters(patched: list[str | int], deleted: list[str | int]) -> bool:
    """Whether deleting ``deleted`` shifts (or removes) what ``patched`` lands on."""
    for depth, step in enumerate(deleted):
        if depth >= len(patched):
            return True  # the patch lands on an ancestor of what is deleted
        mine = patched[depth]
        if isinstance(step, int) and depth == len(deleted) - 1:
            # The deleted item's list: a later item, the end (-1), or an append moves.
            return (
                mine == "+" or (isinstance(mine, int) and (mine < 0 or mine >= step)) or (step < 0)
            )
        if mine != step:
            return False
    return True


def _date(value: Any, what: str) -> datetime.date | None:
    if value is None or (
        isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
    ):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise CaseFormatError(f"{what}: expected a date like 2025-03-14, got {value!r}")


class CaseFile(pytest.File):
    """A ``test_*.toml`` file of scheme test cases."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            if "[[case]]" not in self.path.read_text(encoding="utf-8", errors="replace"):
                return  # not a case file
            raise CaseFormatError(f"{self.path}: invalid TOML: {exc}") from exc
        if "case" not in data:
            return  # some other TOML file that happens to be named test_*.toml
        unknown = sorted(set(data) - _FILE_KEYS)
        if unknown or "scheme" not in data or not isinstance(data["case"], list):
            raise CaseFormatError(
                f"{self.path}: expected top-level keys {sorted(_FILE_KEYS)} with 'scheme' and "
                f"[[case]] tables; unknown: {unknown}"
            )
        names: set[str] = set()
        for index, case in enumerate(data["case"]):
            name = case.get("name") if isinstance(case, dict) else None
            if not isinstance(name, str) or not name or name in names:
                raise CaseFormatError(
                    f"{self.path}: case #{index + 1} needs a unique, non-empty 'name'"
                )
            names.add(name)
            yield CaseItem.from_parent(self, name=name, case=case, defaults=data)


class CaseItem(pytest.Item):
    """One case: evaluate the input and compare the decision with what is expected."""

    def __init__(self, *, case: dict[str, Any], defaults: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.defaults = defaults
        self.basis_of: dict[str, str] = {}

    def _document(self) -> dict[str, Any]:
        case = self.case
        if "application" in case:
            document = copy.deepcopy(case["application"])
        else:
            source = case.get("input", self.defaults.get("input"))
            if not isinstance(source, str):
                raise CaseFormatError("needs an 'input' file (or an inline [case.application])")
            path = self.path.parent / source
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise CaseFormatError(f"cannot read input {path}: {exc.strerror}") from None
        for kind, operation in operations(case):
            if kind == "patch":
                patch(document, operation)
            else:
                delete(document, list(operation))
        return _jsonable(document)  # type: ignore[no-any-return]

    def runtest(self) -> None:
        from grantrules.errors import ApplicationInvalid
        from grantrules.evaluate import evaluate
        from grantrules.testing._resolve import resolve_scheme

        unknown = sorted(set(self.case) - _CASE_KEYS)
        expected = self.case.get("expected")
        if unknown or not isinstance(expected, dict):
            raise CaseFormatError(
                f"expected keys {sorted(_CASE_KEYS)} with an [expected] table; unknown: {unknown}"
            )
        scheme = resolve_scheme(self.defaults["scheme"], self.path.parent)
        on = _date(self.case.get("on", self.defaults.get("on")), "on")
        document = self._document()
        if "invalid" in expected:
            self._check_invalid(scheme, document, expected["invalid"], ApplicationInvalid)
            return
        decision = evaluate(scheme, document, on=on)
        mismatches = _compare(scheme, decision, expected)
        if mismatches:
            raise CaseFailed(mismatches)

    def _check_invalid(
        self, scheme: Any, document: Any, paths: Any, error: type[BaseException]
    ) -> None:
        from grantrules.serde import structure_application

        try:
            structure_application(scheme, document)
        except error as exc:
            reported = {p.path for p in getattr(exc, "problems", ())}
            missing = [p for p in paths if p not in reported] if isinstance(paths, list) else []
            if missing:
                raise CaseFailed(
                    [Mismatch("invalid paths", sorted(missing), sorted(reported), str(exc))]
                ) from None
            return
        raise CaseFailed([Mismatch("invalid", "the document is refused", "it was accepted")])

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailed):
            lines = [f"case {self.name!r} ({self.path.name}) failed:"]
            for m in excinfo.value.mismatches:
                lines.append(f"  {m.what}: expected {m.expected!r}, got {m.actual!r}")
                lines += [f"      {line}" for line in m.detail.splitlines() if line]
            return "\n".join(lines)
        if isinstance(excinfo.value, CaseFormatError):
            return f"case {self.name!r} ({self.path}): {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"case: {self.name}"


def _criterion_detail(result: Any) -> str:
    return f"message: {result.message}\nbasis: {result.basis}"


def _compare(scheme: Any, decision: Any, expected: dict[str, Any]) -> list[Mismatch]:
    found: list[Mismatch] = []
    by_id = {c.id: c for c in decision.criteria}
    failed = sorted(c.id for c in decision.failed)
    why = "\n".join(f"{c.id}: {_criterion_detail(c)}" for c in decision.failed)
    if "eligible" in expected and expected["eligible"] != decision.eligible:
        found.append(Mismatch("eligible", expected["eligible"], decision.eligible, why))
    for key, actual in (("failed", failed), ("warnings", sorted(c.id for c in decision.warnings))):
        if key in expected and sorted(expected[key]) != actual:
            differing = set(expected[key]) ^ set(actual)
            detail = "\n".join(
                f"{i}: {_criterion_detail(by_id[i])}" for i in sorted(differing) if i in by_id
            )
            found.append(Mismatch(key, sorted(expected[key]), actual, detail))
    for criterion, outcome in expected.get("outcomes", {}).items():
        result = by_id.get(criterion)
        actual_outcome = result.outcome.value if result else "(no such criterion)"
        if actual_outcome != outcome:
            detail = _criterion_detail(result) if result else ""
            found.append(Mismatch(f"criterion {criterion}", outcome, actual_outcome, detail))
    version = scheme.version_at(decision.evaluated_on)
    traces = {a.id: a for a in decision.amounts}
    wanted = dict(expected.get("amounts", {}))
    if "award" in expected:
        wanted["award" if version.award not in wanted else version.award] = expected["award"]
    for amount_id, value in wanted.items():
        found += _amount_mismatch(version, decision, traces, amount_id, value)
    for key, value in expected.items():
        if key in _EXPECTED_KEYS:
            continue
        actual = decision.derived.get(key, "(no such derived value)")
        if _jsonable(value) != actual:  # TOML values as the decision JSON writes them
            found.append(Mismatch(key, value, actual))
    return found


def _amount_mismatch(
    version: Any, decision: Any, traces: dict[str, Any], amount_id: str, value: Any
) -> list[Mismatch]:
    if not isinstance(value, str):
        raise CaseFormatError(f'expected {amount_id}: write amounts as strings like "1200.00"')
    award = amount_id in ("award", version.award)
    trace = traces.get(version.award if award else amount_id)
    actual = str(decision.award) if award else (str(trace.value) if trace else "(no such amount)")
    if actual == value:
        return []
    detail = ""
    if trace is not None:
        basis = version.amount(trace.id).basis
        detail = f"formula: {trace.formula}\ninputs: {dict(trace.inputs)}\nbasis: {basis}"
    return [Mismatch(f"amount {amount_id}", value, actual, detail)]
