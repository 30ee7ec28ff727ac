"""Declarative cases apply their operations in the order written (issue 14, item 6)."""

from __future__ import annotations

from typing import Any

import pytest

from grantrules.testing._cases import CaseFormatError, delete, operations, patch


def _apply(case: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    for kind, operation in operations(case):
        if kind == "patch":
            patch(document, operation)
        else:
            delete(document, list(operation))
    return document


def _document() -> dict[str, Any]:
    return {"costs": [{"label": "a"}, {"label": "b"}, {"label": "c"}], "project": {"x": 1}}


def test_steps_apply_in_the_order_written() -> None:
    case = {
        "steps": [
            {"delete": ["costs[0]"]},
            {"patch": {"costs[0].label": "B"}},  # the former costs[1]
        ]
    }
    assert _apply(case, _document())["costs"] == [{"label": "B"}, {"label": "c"}]
    reverse = {"steps": [{"patch": {"costs[0].label": "A"}}, {"delete": ["costs[0]"]}]}
    assert _apply(reverse, _document())["costs"] == [{"label": "b"}, {"label": "c"}]


@pytest.mark.parametrize(
    ("patched", "deleted"),
    [
        ("costs[1].label", "costs[0]"),
        ("costs[0].label", "costs[0]"),
        ("costs[-1].label", "costs[0]"),
        ("costs[+]", "costs[1]"),
        ("costs[0].label", "costs[-1]"),
        ("project", "project.x"),
        ("project.x", "project.x"),
    ],
)
def test_an_order_dependent_mix_is_refused(patched: str, deleted: str) -> None:
    with pytest.raises(CaseFormatError, match="write them as ordered 'steps'"):
        operations({"patch": {patched: "v"}, "delete": [deleted]})


@pytest.mark.parametrize(
    ("patched", "deleted"),
    [("costs[0].label", "costs[1]"), ("project.x", "costs[0]"), ("costs[0].label", "project.x")],
)
def test_a_mix_whose_order_does_not_matter_is_accepted(patched: str, deleted: str) -> None:
    assert [kind for kind, _ in operations({"patch": {patched: "v"}, "delete": [deleted]})] == [
        "patch",
        "delete",
    ]


@pytest.mark.parametrize(
    "case",
    [
        {"steps": [{"patch": {}}], "patch": {}},
        {"steps": [{"patch": {}, "delete": []}]},
        {"steps": [{"move": []}]},
        {"steps": ["patch"]},
    ],
)
def test_malformed_steps_are_refused(case: dict[str, Any]) -> None:
    with pytest.raises(CaseFormatError):
        operations(case)
