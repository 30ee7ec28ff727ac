"""Hostile input through the Python API: clear errors with paths, never a raw exception."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grantrules import check_application_id, evaluate, load_scheme
from grantrules._input import MAX_DEPTH, check_strings, loads, printable
from grantrules.errors import ApplicationInvalid
from grantrules.registry import installed_schemes

EXAMPLES = Path(__file__).parents[1] / "schemes" / "ami_ia_hdf" / "examples"
needs_ami = pytest.mark.skipif(
    "ami-ia-hdf" not in installed_schemes(), reason="AMI scheme not installed"
)


def lille() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / "lille-deliberations.json").read_text())
    return document


@needs_ami
def test_a_key_that_is_not_a_string_is_an_unknown_field() -> None:
    with pytest.raises(ApplicationInvalid) as caught:
        evaluate(load_scheme("ami-ia-hdf"), {**lille(), 1: 2})  # type: ignore[dict-item]
    assert [p.path for p in caught.value.problems] == ["$.1"]
    assert "unknown field" in caught.value.problems[0].message


@needs_ami
def test_a_str_subclass_is_text() -> None:
    class Tagged(str):
        pass

    decision = evaluate(load_scheme("ami-ia-hdf"), {**lille(), "id": Tagged("AMI-IA-2025-0001")})
    assert decision.eligible


@needs_ami
@pytest.mark.parametrize("field", ["id", "title"])
def test_a_lone_surrogate_in_a_dict_is_refused_at_its_path(field: str) -> None:
    document = lille()
    where = "$.id" if field == "id" else "$.project.title"
    if field == "id":
        document["id"] = "AMI\ud800"
    else:
        document["project"]["title"] = "Archives \udc00"
    with pytest.raises(ApplicationInvalid) as caught:
        evaluate(load_scheme("ami-ia-hdf"), document)
    assert where in [p.path for p in caught.value.problems]
    str(caught.value).encode("utf-8", "backslashreplace")


@needs_ami
def test_a_very_deep_dict_is_refused_without_recursion() -> None:
    deep: Any = 1
    for _ in range(20_000):
        deep = {"a": deep}
    with pytest.raises(ApplicationInvalid, match="unknown field"):
        evaluate(load_scheme("ami-ia-hdf"), {**lille(), "extra": deep})
    assert check_strings({"x": deep}) == []


@settings(deadline=None)
@given(depth=st.integers(min_value=MAX_DEPTH + 1, max_value=100_000), kind=st.sampled_from("[{"))
def test_depth_is_checked_before_parsing(depth: int, kind: str) -> None:
    text = ("[" * depth + "]" * depth) if kind == "[" else ('{"a":' * depth + "1" + "}" * depth)
    with pytest.raises(ApplicationInvalid, match="deeper than 64 levels"):
        loads(text)


@given(depth=st.integers(min_value=1, max_value=MAX_DEPTH))
def test_nesting_up_to_the_limit_is_read(depth: int) -> None:
    assert loads("[" * depth + "]" * depth) is not None


def test_brackets_inside_strings_are_not_nesting() -> None:
    assert loads(json.dumps({"title": "[" * 1000})) == {"title": "[" * 1000}


@given(text=st.text())
def test_printable_leaves_no_control_character(text: str) -> None:
    shown = printable(text)
    shown.encode("utf-8")
    assert not any(ord(c) < 0x20 and c not in "\t\n" for c in shown)


@given(app_id=st.text(min_size=1, max_size=90))
def test_an_accepted_id_is_plain_ascii_and_its_own_normal_form(app_id: str) -> None:
    try:
        checked = check_application_id(app_id)
    except ValueError as error:
        str(error).encode("utf-8")  # the message can always be shown
        return
    assert checked == app_id == app_id.strip()
    assert app_id.isascii()
    assert app_id.isprintable()
