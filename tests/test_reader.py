"""Tests of grantrules._engine.reader: the generated reader of valid documents, and what serde does
around it (same instances as the converter, same problems when a document is invalid)."""

from __future__ import annotations

import sys
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantrules import load_scheme
from grantrules._engine import reader as _reader
from grantrules._engine.reader import REFUSED, reader
from grantrules._engine.strict import StrictModeError
from grantrules.errors import ApplicationInvalid
from grantrules.evaluate import evaluate
from grantrules.model import Application, CostLine
from grantrules.money import Rate
from grantrules.scheme import Scheme
from grantrules.serde import (
    _AMOUNT,
    _SHORT_AMOUNT,
    AMOUNT_PATTERN,
    converter,
    problems,
    structure_application,
    unstructure_application,
)
from grantrules.testing.strategies import applications, invalid_applications

sys.path.insert(0, str(Path(__file__).parent / "schemes"))
import sports

SCHEMES = {
    "sports": sports.SCHEME,
    "ami": load_scheme("ami-ia-hdf"),
    # Rates, an Instruction section made by a factory, a class whose __init__ the reader calls.
    "pme": load_scheme("pme-invest-hdf"),
}
_SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _converter_problems(scheme: Scheme, document: Any) -> list[Any]:
    try:
        converter().structure(document, scheme.application_type)
    except Exception as exc:
        return problems(exc)
    return []


def test_the_reader_checks_amounts_as_serde_does() -> None:
    assert _AMOUNT.pattern == AMOUNT_PATTERN
    assert _reader._SHORT_AMOUNT == _SHORT_AMOUNT


class _Tagged(str):
    pass


@pytest.mark.parametrize(
    ("label", "amount"),
    [
        ("Salaires", "0000000000001200.00"),  # longer than the inline shortcut reads
        ("Salaires", "-0.00"),  # Euro normalises it to 0.00
        (_Tagged("Salaires"), _Tagged("1200.00")),  # str subclasses are text
        ("Salaires é", "1200.00"),  # non-ASCII text takes the surrogate check
        ("Salaires", "0.00"),  # the shared Euro.ZERO
        ("Salaires", _Tagged("0.00")),
        ("Salaires", "00.00"),  # a zero the pattern accepts, parsed
    ],
)
def test_the_reader_accepts_what_the_converter_accepts(label: str, amount: str) -> None:
    document = {"category": "staff", "label": label, "amount_excl_vat": amount}
    read = reader(CostLine)
    assert read is not None
    got = read(document)
    assert got == converter().structure(document, CostLine)
    assert got.label.__class__ is str


def test_the_reader_refuses_a_lone_surrogate() -> None:
    read = reader(CostLine)
    assert read is not None
    # The generated reader only refuses; the converter then reports the problem at its path.
    with pytest.raises(_reader._Refused):
        read({"category": "staff", "label": "Archives \udc00", "amount_excl_vat": "1.00"})


@pytest.mark.parametrize("name", SCHEMES)
def test_every_shipped_model_has_a_generated_reader(name: str) -> None:
    assert reader(SCHEMES[name].application_type) is not None
    assert reader(Application) is not None


@pytest.mark.parametrize("name", SCHEMES)
@_SLOW
@given(data=st.data())
def test_the_reader_gives_the_converters_instance(name: str, data: st.DataObject) -> None:
    scheme = SCHEMES[name]
    app = data.draw(applications(scheme))
    document = unstructure_application(app)
    read = reader(scheme.application_type)
    assert read is not None
    assert read(document) == converter().structure(document, scheme.application_type) == app


@pytest.mark.parametrize("name", SCHEMES)
@_SLOW
@given(data=st.data())
def test_an_invalid_document_reports_the_converters_problems(
    name: str, data: st.DataObject
) -> None:
    scheme = SCHEMES[name]
    document = data.draw(invalid_applications(scheme))
    expected = _converter_problems(scheme, document)
    if not expected:  # a mutation that happens to leave the document valid
        assert structure_application(scheme, document) is not None
        return
    with pytest.raises(ApplicationInvalid) as raised:
        structure_application(scheme, document)
    assert list(raised.value.problems) == expected


def test_the_reader_refuses_what_the_converter_refuses() -> None:
    read = reader(CostLine)
    assert read is not None
    good = {"category": "staff", "label": "Salaires", "amount_excl_vat": "1200.00"}
    assert read(good).amount_excl_vat.amount == 1200
    for bad in (
        {**good, "amount_excl_vat": 1200},  # a number, not an amount string
        {**good, "amount_excl_vat": "1200.0"},
        {**good, "vat_recoverable": 1},  # JSON 1 is not true
        {**good, "extra": "x"},
        {key: value for key, value in good.items() if key != "label"},
        {**good, "label": ""},  # the class's own validator
    ):
        with pytest.raises(Exception):  # noqa: B017, PT011 - whichever: serde reads again
            read(bad)
        assert _converter_problems_of(CostLine, bad)


def test_an_unknown_key_is_refused_whether_or_not_optional_keys_are_left_out() -> None:
    read = reader(CostLine)
    assert read is not None
    full = {
        "category": "staff",
        "label": "Salaires",
        "amount_excl_vat": "1200.00",
        "vat": "240.00",
        "vat_recoverable": False,
    }
    assert read(full).vat.amount == 240
    # As many keys as the class has fields, one of them unknown in place of an optional one.
    for optional in ("vat", "vat_recoverable"):
        swapped = {k: v for k, v in full.items() if k != optional} | {"extra": "x"}
        with pytest.raises(_reader._Refused):
            read(swapped)
    with pytest.raises(_reader._Refused):
        read({**full, "extra": "x"})


# What the inline amount check and the pattern decide on: digits, dots, signs, spaces,
# underscores, exponents, non-ASCII digits and letters, short and long.
_AMOUNT_TEXTS = st.text(alphabet="0123456789.-+_ eE\u0663\uff11a", max_size=18)


@settings(max_examples=2000, deadline=None)
@given(text=st.one_of(_AMOUNT_TEXTS, st.from_regex(AMOUNT_PATTERN, fullmatch=True)))
def test_the_inline_amount_check_is_the_pattern_for_non_negative_amounts(text: str) -> None:
    inline = (
        3 < len(text) <= _SHORT_AMOUNT and text[-3] == "." and text.strip(_reader._DIGITS) == "."
    )
    by_pattern = (
        len(text) <= _SHORT_AMOUNT and _AMOUNT.fullmatch(text) is not None and text[0] != "-"
    )
    assert inline == by_pattern


def _converter_problems_of(model: type, document: Any) -> list[Any]:
    try:
        converter().structure(document, model)
    except Exception as exc:
        return problems(exc)
    return []


def test_negative_zero_is_normalised_as_by_the_converter() -> None:
    read = reader(CostLine)
    assert read is not None
    document = {"category": "staff", "label": "Salaires", "amount_excl_vat": "-0.00"}
    assert str(read(document).amount_excl_vat) == "0.00"


def test_a_model_with_a_converter_has_no_generated_reader() -> None:
    @attrs.frozen
    class Odd:
        value: str = attrs.field(converter=str.strip)

    assert reader(Odd) is None


def test_under_strict_mode_a_valid_document_the_reader_refuses_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from grantrules._engine import reader as _reader

    scheme = sports.SCHEME
    document = unstructure_application(sports.application())

    def refuses(document: Any) -> Any:
        raise ValueError("a narrower reader")

    monkeypatch.setitem(_reader._READERS, scheme.application_type, refuses)
    monkeypatch.setenv("GRANTRULES_STRICT", "1")
    with pytest.raises(StrictModeError):
        structure_application(scheme, document)
    monkeypatch.setenv("GRANTRULES_STRICT", "0")
    assert structure_application(scheme, document) == sports.application()


def test_failed_ids_are_known_without_building_any_message() -> None:
    scheme = sports.SCHEME
    app = sports.application(id="X")
    document = unstructure_application(app)
    document["applicant"]["legal_category"] = "7210"
    decision = evaluate(scheme, document)
    assert decision.failed_ids == ("applicant.association",)
    assert decision.outcomes["applicant.association"].value == "failed"
    assert getattr(decision, "_criteria", None) is None  # nothing built
    failed = decision.failed
    assert [c.id for c in failed] == list(decision.failed_ids)
    assert getattr(decision, "_criteria", None) is None  # only the failed one was
    assert failed == tuple(c for c in decision.criteria if c.blocks)
    assert decision.failed_ids == tuple(c.id for c in decision.criteria if c.blocks)
    assert decision.criterion("call.window") is decision.criteria[2]


def _attrs_classes(model: type) -> set[type]:
    """``model`` and every attrs class its fields hold, at any depth."""
    found, pending = set(), [model]
    while pending:
        cls = pending.pop()
        if cls in found:
            continue
        found.add(cls)
        attrs.resolve_types(cls)
        for field in attrs.fields(cls):
            stack = [field.type]
            while stack:
                tp = stack.pop()
                if attrs.has(tp):
                    pending.append(tp)
                stack += getattr(tp, "__args__", ())
    return found


@pytest.mark.parametrize("name", SCHEMES)
def test_the_shipped_models_are_built_without_calling_their_init(name: str) -> None:
    # The reader sets each slot and runs the validators itself, as attrs' __init__ does:
    # an attrs version writing __init__ otherwise would silently cost the speed back.  Only
    # a class with a factory default (the PME's application, for its Instruction) keeps it.
    classes = _attrs_classes(SCHEMES[name].application_type)
    assert len(classes) >= 5
    kept = {cls.__name__ for cls in classes if not _reader._plain_init(cls)}
    assert kept == ({"PmeApplication"} if name == "pme" else set())


@attrs.frozen(kw_only=True, cache_hash=True)
class _Hashed:
    label: str = attrs.field(validator=attrs.validators.min_len(1))


@attrs.frozen(kw_only=True)
class _Hooked:
    low: int
    high: int = attrs.field()
    seen: tuple[str, ...] = ()

    @high.validator
    def _check(self, attribute: attrs.Attribute[int], value: int) -> None:
        # Reads the instance: the reader must pass the built one, as attrs does.
        if value < self.low:
            raise ValueError("high below low")

    def __attrs_post_init__(self) -> None:
        if self.low < 0:
            raise ValueError("low is negative")


@attrs.frozen(kw_only=True)
class _Choice:
    code: typing.Literal["a", 1, True, None]


def test_a_class_whose_init_does_more_keeps_its_init() -> None:
    assert not _reader._plain_init(_Hashed)
    read = reader(_Hashed)
    assert read is not None
    assert read({"label": "x"}) == _Hashed(label="x")
    assert hash(read({"label": "x"})) == hash(_Hashed(label="x"))
    with pytest.raises(ValueError):  # noqa: PT011 - the class's own validator, via __init__
        read({"label": ""})


def test_validators_reading_the_instance_and_post_init_run_as_in_attrs() -> None:
    assert _reader._plain_init(_Hooked)
    read = reader(_Hooked)
    assert read is not None
    assert (
        read({"low": 1, "high": 2})
        == _Hooked(low=1, high=2)
        == converter().structure({"low": 1, "high": 2}, _Hooked)
    )
    for bad in ({"low": 3, "high": 2}, {"low": -1, "high": 2}):
        with pytest.raises(ValueError):  # noqa: PT011 - serde then reads again and reports
            read(bad)
        assert _converter_problems_of(_Hooked, bad)


def test_a_negative_amount_is_left_to_the_converter_to_report() -> None:
    read = reader(CostLine)
    assert read is not None
    document = {"category": "staff", "label": "Salaires", "amount_excl_vat": "-5.00"}
    with pytest.raises(_reader._Refused):
        read(document)
    assert [p.message for p in _converter_problems_of(CostLine, document)] == [
        "must not be negative, got -5.00"
    ]


def test_a_literal_refuses_other_types_and_unhashable_values_without_raising_otherwise() -> None:
    read = reader(_Choice)
    assert read is not None
    assert [read({"code": value}).code for value in ("a", 1, True, None)] == ["a", 1, True, None]
    for value in (0, False, "b", 1.0, [1], {"a": 1}):
        with pytest.raises(_reader._Refused):
            read({"code": value})


def test_with_validators_disabled_the_reader_leaves_documents_to_the_converter() -> None:
    read = reader(CostLine)
    assert read is not None
    document = {"category": "staff", "label": "", "amount_excl_vat": "1.00"}
    attrs.validators.set_disabled(True)
    try:
        with pytest.raises(_reader._Refused):
            read({**document, "label": "Salaires"})
        assert converter().structure(document, CostLine).label == ""
    finally:
        attrs.validators.set_disabled(False)


def test_a_date_read_again_is_the_same_and_a_wrong_one_is_refused() -> None:
    read = reader(Application)
    assert read is not None
    document = unstructure_application(sports.application())
    del document["applicant"]["members"], document["applicant"]["youth_club"]
    first, again = read(document), read(dict(document))
    assert (
        first.submitted_on
        == again.submitted_on
        == converter().structure(document, Application).submitted_on
    )
    for wrong in ("2025-02-30", "2025-3-14", "20250314", ["2025-03-14"], 20250314):
        with pytest.raises(REFUSED):
            read({**document, "submitted_on": wrong})


@attrs.frozen(kw_only=True)
class _Rated:
    share: Rate
    items: list[str] = attrs.field(factory=list)


def test_rates_and_factory_defaults_are_read_as_the_converter_reads_them() -> None:
    read = reader(_Rated)
    assert read is not None
    for document in ({"share": "40%"}, {"share": "0.4", "items": ["a"]}):
        assert read(document) == converter().structure(document, _Rated)
    assert read({"share": "1%"}).items is not read({"share": "1%"}).items  # one per document
    for bad in ({"share": 0.4}, {"share": "140%"}, {"share": "x"}):
        with pytest.raises(_reader._Refused):
            read(bad)
        assert _converter_problems_of(_Rated, bad)


def test_values_a_validator_accepted_are_remembered_and_refused_ones_never() -> None:
    scheme = SCHEMES["sports"]
    document = unstructure_application(sports.application())
    read = reader(scheme.application_type)
    assert read is not None
    # Read twice: the second time the SIREN, category and commune are known good.
    assert read(document) == read(document) == sports.application()
    for field, bad in (("siren", "775672273"), ("legal_category", "92X0"), ("commune_code", "1")):
        wrong = {**document, "applicant": {**document["applicant"], field: bad}}
        for _ in range(2):  # a refused value is not remembered: refused the second time too
            with pytest.raises(REFUSED):
                read(wrong)
            with pytest.raises(ApplicationInvalid) as refused:
                structure_application(scheme, wrong)
            assert list(refused.value.problems) == problems_of(scheme, wrong)


def problems_of(scheme: Scheme, document: Any) -> list[Any]:
    found = _converter_problems(scheme, document)
    assert found, "the document is invalid"
    return found
