"""grantrules.testing.reference: the invariant compiled_matches_reference sees disagreements."""

from __future__ import annotations

from types import ModuleType

import attrs
import pytest

from grantrules._engine.explanation import Explanation
from grantrules.money import Euro
from grantrules.scheme import Scheme
from grantrules.testing import reference
from grantrules.testing._subject import InvariantViolation, Subject


def test_it_holds_on_an_ineligible_application(sports: Scheme, sports_module: ModuleType) -> None:
    app = sports_module.application(costs=())
    subject = Subject(sports)
    assert subject.decide(app).failed_ids  # the failed ids are compared, not an empty tuple
    reference.compiled_matches_reference(subject, app)


def test_failed_ids_read_from_the_outcomes_are_compared(
    sports: Scheme, sports_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decision.failed_ids comes from the outcomes, before any message is built: a bug there
    # (here, no blocking criterion reported) must show even though every outcome agrees.
    monkeypatch.setattr(Explanation, "failed_ids", lambda self: ())
    with pytest.raises(InvariantViolation, match="failed: evaluate"):
        reference.compiled_matches_reference(Subject(sports), sports_module.application(costs=()))


def test_an_award_the_reference_does_not_give_is_reported(
    sports: Scheme, sports_module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = reference.decide

    def off_by_a_cent(*args: object) -> reference.ReferenceDecision:
        found = real(*args)  # type: ignore[arg-type]
        return attrs.evolve(found, award=found.award + Euro("0.01"))

    monkeypatch.setattr(reference, "decide", off_by_a_cent)
    with pytest.raises(InvariantViolation, match="award: evaluate"):
        reference.compiled_matches_reference(Subject(sports), sports_module.application())
