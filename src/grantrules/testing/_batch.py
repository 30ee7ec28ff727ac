"""The invariant ``batch_matches_evaluate``: the columnar backend decides as evaluate() does.

:func:`grantrules.batch.evaluate_table` compiles the same rules to Arrow and NumPy kernels;
this invariant, run by every scheme's suite, draws a batch of applications at once (one
``evaluate_table`` call per example, as the backend is used) and compares every row with
:func:`grantrules.evaluate`: verdict, award, every amount, the failed and warning criteria,
the error of an application evaluate() refuses; a scheme whose rules the columnar compiler
refuses (a node without a kernel) fails it, naming the node, rather than passing unchecked
on the row route.  Each batch goes through both Arrow forms:
JSONL as :func:`pyarrow.json.read_json` reads it, and the typed form Parquet keeps.
It is skipped, with the reason, where pyarrow is not installed.
"""

from __future__ import annotations

import importlib.util
import io
import json
from collections.abc import Callable
from typing import Any

import hypothesis
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from grantrules.errors import EvaluationError
from grantrules.serde import unstructure_application
from grantrules.testing._subject import InvariantViolation, Subject
from grantrules.testing.strategies import applications

__all__ = ["BATCH_SIZE", "batch_matches_evaluate", "needs_pyarrow", "run_batches"]

NAME = "batch_matches_evaluate"
#: Applications per example: one evaluate_table call decides them all.
BATCH_SIZE = 50
#: One batch example for this many examples of a single-application invariant, so that the
#: invariant costs about as many applications as the others.
_EXAMPLES_PER_BATCH = 25


def needs_pyarrow(subject: Subject) -> str | None:
    if importlib.util.find_spec("pyarrow") is None or importlib.util.find_spec("numpy") is None:
        return "pyarrow and numpy are not installed (pip install 'grantrules[batch]')"
    return None


def _expected(subject: Subject, app: Any) -> dict[str, Any]:
    try:
        decision = subject.decide(app)
    except EvaluationError as error:
        return {"error": str(error), "eligible": None}
    row: dict[str, Any] = {
        "id": decision.application,
        "scheme_version": decision.provenance.scheme_version,
        "eligible": decision.eligible,
        "award": decision.award.amount,
        "failed": list(decision.failed_ids),
        "warnings": [c.id for c in decision.warnings],
        "error": None,
    }
    for amount in decision.amounts:
        row[f"amount.{amount.id}"] = None if amount.value is None else amount.value.amount
    return row


def _tables(subject: Subject, documents: list[dict[str, Any]]) -> dict[str, Any]:
    import pyarrow.json as pj

    from grantrules.batch import typed_table

    text = "\n".join(json.dumps(d) for d in documents).encode()
    return {
        "JSONL": pj.read_json(io.BytesIO(text)),
        "typed": typed_table(subject.scheme, documents),
    }


def batch_matches_evaluate(subject: Subject, apps: list[Any]) -> None:
    """``evaluate_table`` on the batch ``apps`` gives every row as ``evaluate()`` does.

    Raises:
        InvariantViolation: naming the row, the column and both values.
    """
    from grantrules.batch import evaluate_table, refused_by

    documents = [unstructure_application(a) for a in apps]
    expected = [_expected(subject, a) for a in apps]
    for form, table in _tables(subject, documents).items():
        result = evaluate_table(subject.scheme, table, subject.config.on)
        refused = refused_by(result)
        if refused is not None:
            # Rows decided by evaluate() agree by construction: the columns were not tested.
            raise InvariantViolation(
                NAME,
                f"the columnar compiler refuses the rules ({refused}): evaluate_table decided "
                f"the {form} table row by row, so its kernels were not checked",
                apps[0],
            )
        rows = result.to_pylist()
        for app, row, wanted in zip(apps, rows, expected, strict=True):
            for key, value in wanted.items():
                if row.get(key) != value:
                    raise InvariantViolation(
                        NAME,
                        f"application {app.id} ({form} table): {key}: evaluate_table gave "
                        f"{row.get(key)!r}, evaluate() {value!r}",
                        app,
                    )


def run_batches(subject: Subject, settings: hypothesis.settings | None) -> Callable[[], None]:
    """The Hypothesis test of the invariant: batches of up to :data:`BATCH_SIZE`
    applications, fewer examples than a single-application invariant."""
    base = settings if settings is not None else hypothesis.settings()
    examples = max(2, base.max_examples // _EXAMPLES_PER_BATCH)
    kept = tuple(base.suppress_health_check)
    quiet = tuple(h for h in (HealthCheck.too_slow, HealthCheck.data_too_large) if h not in kept)
    chosen = hypothesis.settings(
        base, max_examples=examples, deadline=None, suppress_health_check=kept + quiet
    )
    strategy = st.lists(
        applications(subject.scheme, subject.config.on), min_size=1, max_size=BATCH_SIZE
    )

    def check(apps: list[Any]) -> None:
        batch_matches_evaluate(subject, apps)

    check.__name__ = f"check_{NAME}"
    check.__qualname__ = f"{NAME}[{subject.scheme.id}]"
    digest = f"grantrules:{subject.scheme.id}:{NAME}".encode()
    check._hypothesis_internal_add_digest = digest  # type: ignore[attr-defined]
    return chosen(given(strategy)(check))
