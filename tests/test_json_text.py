"""Tests of the compact JSON text writer: byte for byte what json.dumps writes."""

from __future__ import annotations

import datetime
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from grantrules._engine.json_text import COMPACT, json_text, json_value, key_text, value_text
from grantrules.dates import DateRange
from grantrules.money import Euro, Rate

json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_data)
def test_json_text_is_compact_json_dumps(data: Any) -> None:
    assert json_text(data) == json.dumps(data, **COMPACT)


@given(st.text())
def test_keys_are_encoded_as_json_dumps_does(key: str) -> None:
    assert key_text(key) + "1" == json.dumps({key: 1}, **COMPACT)[1:-1]


def test_what_json_text_leaves_to_json_dumps() -> None:
    assert json_text({1: "a"}) == '{"1":"a"}'  # non-string keys are converted
    assert json_text(("a", [True])) == '["a",[true]]'
    assert json_text(1.5) == "1.5"  # decisions never hold floats, but nothing is wrong


def test_control_characters_and_unicode() -> None:
    text = 'é "q" \\ \n \t \x00 \u2028 \U0001f600'
    assert json_text(text) == json.dumps(text, **COMPACT)
    assert json.loads(json_text(text)) == text


values = st.one_of(
    st.text(),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2).map(Euro),
    st.sampled_from([Rate("60%"), Rate("0.125")]),
    st.lists(st.text(max_size=5), max_size=3).map(tuple),
    st.builds(DateRange, st.just(datetime.date(2025, 1, 1)), st.just(datetime.date(2025, 12, 31))),
)


@given(values)
def test_value_text_is_the_json_of_the_json_value(value: Any) -> None:
    assert value_text(value) == json.dumps(json_value(value), **COMPACT)
