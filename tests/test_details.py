"""A criterion's details are computed by generated code, its closure deciding only the rest."""

from __future__ import annotations

import datetime
import types

from grantrules._compiled import _detail
from grantrules._textgen import value_or_none
from grantrules.expressions import Env, field


def _env(**fields: object) -> Env:
    return Env(types.SimpleNamespace(**fields), {}, {}, datetime.date(2025, 1, 1))


def test_a_detail_is_computed_by_generated_code() -> None:
    detail = _detail(field("a") + field("b"))
    cells = [cell.cell_contents for cell in detail.__closure__ or ()]
    files = [getattr(getattr(c, "__code__", None), "co_filename", "") for c in cells]
    assert any(name.startswith("<grantrules rule #") for name in files), files
    assert detail(_env(a=2, b=3), None) == 5


def test_a_missing_input_that_kleene_logic_decides_goes_to_the_closure() -> None:
    # Generated code stops at the missing a (MissingInput); the closure decides True.
    detail = _detail((field("a") > 1) | field("b"))
    assert detail(_env(a=None, b=True), None) is True
    assert value_or_none(detail, _env(a=None, b=False)) is None  # missing: shown as null
