"""grantrules.funding: scheme-declared funding invariants, checked at definition and rendered."""

from __future__ import annotations

import datetime
import re

import attrs
import pytest

from grantrules import Amount, Basis, Invariant, SchemeVersion, authoring, param
from grantrules.errors import InvalidArgument, SchemeDefinitionError
from grantrules.expressions import RenderContext, collection, field, sum_of
from grantrules.money import DOWN, Euro, Rate
from grantrules.render import scheme_markdown
from grantrules.scheme import Metadata, Scheme
from grantrules.testing.examples import example_parameters

BASIS = Basis("Délibération n° 2024-112", "art. 3")
costs = collection("costs")
total = Amount(
    "total_cost",
    sum_of(costs.amount_excl_vat),
    basis=BASIS,
    label={"fr": "le coût total", "en": "the total cost"},
)
award = Amount(
    "award", param("feder_rate").of(total), basis=BASIS, label={"fr": "l'aide", "en": "the award"}
)
MESSAGE = {
    "fr": "L'aide ne dépasse jamais {feder_rate} du coût total ({total_cost}).",
    "en": "The award never exceeds {feder_rate} of the total cost ({total_cost}).",
}


PLAIN = {"fr": "L'aide reste plafonnée.", "en": "The award stays capped."}


def _within_rate(**changes: object) -> Invariant:
    arguments: dict[str, object] = {
        "holds": award <= param("feder_rate").of(total, rounding=DOWN),
        "basis": BASIS,
        "message": MESSAGE if "holds" not in changes else PLAIN,
    }
    arguments.update(changes)
    return Invariant("within_rate", **arguments)  # type: ignore[arg-type]


def _version(*invariants: Invariant) -> SchemeVersion:
    return SchemeVersion(
        valid_from=datetime.date(2024, 11, 1),
        parameters=example_parameters(),
        criteria=[],
        amounts=[total, award],
        award="award",
        invariants=invariants,
    )


def test_an_invariant_is_data() -> None:
    invariant = _within_rate(when=field("applicant.legal_category").starts_with_any("72"))
    assert invariant.id == "within_rate"
    assert {str(i) for i in invariant.inputs()} >= {"amount:award", "param:feder_rate"}
    assert invariant.eligible_only is True
    assert attrs.evolve(invariant, eligible_only=False).eligible_only is False
    text = invariant.render(RenderContext("en", {**total.labels(), **award.labels()}))
    assert text == (
        "when the application is eligible and applicant.legal_category starts with (72): "
        "the award is at most feder_rate of the total cost (rounded down to the cent)"
    )
    french = invariant.render(RenderContext("fr", {**total.labels(), **award.labels()}))
    assert french.startswith("lorsque le dossier est éligible et ")


def test_the_root_and_the_authoring_module_export_it() -> None:
    assert authoring.Invariant is Invariant
    assert "Invariant" in authoring.__all__


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        (
            {"holds": award + Euro("1.00")},
            SchemeDefinitionError,
            r"must give a condition \(true or false\), not an amount",
        ),
        ({"holds": award <= Rate("60%")}, SchemeDefinitionError, "cannot compare"),
        ({"when": total}, SchemeDefinitionError, r"invariant within_rate \(when\)"),
        ({"message": {"fr": "Texte."}}, InvalidArgument, "lacks en"),
        ({"basis": "art. 3"}, InvalidArgument, "basis must be a Basis"),
        ({"eligible_only": "yes"}, InvalidArgument, "eligible_only"),
        (
            {"message": {"fr": "{plafond}", "en": "{ceiling}"}},
            SchemeDefinitionError,
            "placeholder {plafond}, which the invariant does not read",
        ),
    ],
)
def test_definition_errors_say_what_is_wrong(
    changes: dict[str, object], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        _within_rate(**changes)


def test_the_id_must_be_dotted_identifiers() -> None:
    with pytest.raises(InvalidArgument, match="dotted identifiers"):
        Invariant("public cap", award <= total, basis=BASIS, message=MESSAGE)


def test_a_version_refuses_duplicate_ids_and_unknown_amounts() -> None:
    assert _version(_within_rate()).invariants[0].id == "within_rate"
    with pytest.raises(SchemeDefinitionError, match=r"invariant ids used twice: \['within_rate'\]"):
        _version(_within_rate(), _within_rate())
    stray = Amount("other_public", Euro("0.00"), basis=BASIS)
    with pytest.raises(SchemeDefinitionError, match=r"reads unknown amounts \['other_public'\]"):
        _version(_within_rate(holds=award + stray <= total))
    with pytest.raises(InvalidArgument, match="expected Invariant objects"):
        _version("within_rate")  # type: ignore[arg-type]


def test_a_version_checks_parameters_and_units_it_knows() -> None:
    with pytest.raises(SchemeDefinitionError, match=r"parameters that are not defined: \['cap'\]"):
        _version(_within_rate(holds=award <= param("cap")))
    # feder_rate is a rate: only the version knows it, and refuses comparing it with money.
    with pytest.raises(SchemeDefinitionError, match="invariant within_rate: cannot compare"):
        _version(_within_rate(holds=award <= param("feder_rate")))


def test_a_scheme_checks_the_fields_it_reads() -> None:
    version = _version(_within_rate(when=field("applicant.no_such_field") == "x"))
    with pytest.raises(SchemeDefinitionError, match="no_such_field"):
        Scheme(id="x", metadata=Metadata(name={"fr": "X", "en": "X"}), versions=[version])


@pytest.mark.parametrize(
    ("lang", "heading", "statement"),
    [
        (
            "fr",
            "### Invariants de financement",
            "Énoncé : L'aide ne dépasse jamais feder\\_rate du coût total (le coût total).",
        ),
        (
            "en",
            "### Funding invariants",
            "Statement: The award never exceeds feder\\_rate of the total cost (the total cost).",
        ),
    ],
)
def test_the_reglement_renders_them(lang: str, heading: str, statement: str) -> None:
    scheme = Scheme(
        id="x", metadata=Metadata(name={"fr": "X", "en": "X"}), versions=[_version(_within_rate())]
    )
    text = scheme_markdown(scheme, lang)
    section = text[text.index(heading) :]
    assert "#### `within_rate`" in section
    assert statement in section.replace("\u202f", " ").replace("\xa0", " ")
    assert "Délibération n° 2024-112, art. 3" in section
    assert not re.search(r"\{\w+\}", section.split("###")[1])  # placeholders filled
    # On a given day, a parameter is written as its value.
    on_day = scheme_markdown(scheme, lang, on=datetime.date(2025, 3, 14))
    assert re.search(r"exceeds 60%|jamais 60\xa0%", on_day[on_day.index(heading) :])


def test_a_version_without_invariants_renders_no_section() -> None:
    scheme = Scheme(id="x", metadata=Metadata(name={"fr": "X", "en": "X"}), versions=[_version()])
    assert "Funding invariants" not in scheme_markdown(scheme, "en")
