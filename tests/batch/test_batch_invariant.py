"""The shipped invariant batch_matches_evaluate: it runs in every scheme's suite, catches a
columnar backend that disagrees with evaluate(), and is skipped where pyarrow is missing."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from hypothesis import Phase, settings

import grantrules.batch
from grantrules.scheme import Scheme
from grantrules.testing import _batch
from grantrules.testing.invariants import INVARIANTS, InvariantViolation, Subject

QUICK = settings(max_examples=50, database=None, derandomize=True)
# A violation is found at once; shrinking a batch of applications would take a minute.
NO_SHRINK = settings(QUICK, phases=(Phase.explicit, Phase.reuse, Phase.generate))


def test_it_is_registered_and_holds(sports: Scheme) -> None:
    invariant = INVARIANTS["batch_matches_evaluate"]
    assert invariant.run(sports, settings=QUICK) is None


def test_it_catches_a_wrong_award(sports: Scheme, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    real = grantrules.batch.evaluate_table

    def off_by_a_cent(*args: Any, **kwargs: Any) -> Any:
        table = real(*args, **kwargs)
        award = table.column("award")
        wrong = pc.add(award, pa.scalar(1, pa.decimal128(18, 2)).cast(award.type))
        return table.set_column(
            table.schema.get_field_index("award"), "award", wrong.cast(award.type)
        )

    monkeypatch.setattr(grantrules.batch, "evaluate_table", off_by_a_cent)
    with pytest.raises(InvariantViolation, match=r"award: evaluate_table gave"):
        INVARIANTS["batch_matches_evaluate"].run(sports, settings=NO_SHRINK)


def test_it_is_skipped_without_pyarrow(sports: Scheme, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    reason = INVARIANTS["batch_matches_evaluate"].run(sports)
    assert reason is not None
    assert "grantrules[batch]" in reason


def test_batches_are_fewer_examples_than_single_applications(sports: Scheme) -> None:
    drawn: list[int] = []
    real = _batch.batch_matches_evaluate

    def count(subject: Subject, apps: list[Any]) -> None:
        drawn.append(len(apps))
        real(subject, apps)

    _batch.batch_matches_evaluate = count  # type: ignore[assignment]
    try:
        _batch.run_batches(Subject(sports), settings(max_examples=100, database=None))()
    finally:
        _batch.batch_matches_evaluate = real  # type: ignore[assignment]
    assert 2 <= len(drawn) <= 4
    assert max(drawn) <= _batch.BATCH_SIZE


def test_it_fails_a_scheme_the_columnar_compiler_refuses(
    sports: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows decided by evaluate() would agree by construction: a refused scheme is reported,
    naming what has no kernel, not passed unchecked."""
    from grantrules.batch import _table
    from grantrules.batch._values import Unsupported

    def refuse(version: Any) -> Any:
        raise Unsupported("no kernel for SomeNode")

    monkeypatch.setenv("GRANTRULES_STRICT", "0")
    monkeypatch.setattr(_table, "plan_of", refuse)
    with pytest.raises(InvariantViolation, match=r"columnar compiler refuses .*SomeNode"):
        INVARIANTS["batch_matches_evaluate"].run(sports, settings=NO_SHRINK)
