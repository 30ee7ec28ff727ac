"""Tests of grantrules.parameters: dated values, parameter sets and the TOML loader."""

from __future__ import annotations

import datetime
import doctest
import itertools
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import grantrules.parameters
from grantrules.basis import Basis
from grantrules.dates import DateRange
from grantrules.errors import (
    InvalidArgument,
    InvalidMoney,
    ParameterError,
    ParameterNotInForce,
    UnknownParameter,
)
from grantrules.money import Euro, Rate
from grantrules.parameters import (
    UNITS,
    DatedValue,
    Parameter,
    ParameterSet,
    ParamValue,
    load_parameters,
    parse_parameters,
    parse_value,
)

DATA = Path(__file__).parent / "data" / "parameters"
AMI = Basis("AMI IA Hauts-de-France", reliability="press")
NOV_2024 = date(2024, 11, 1)


def dated(start: date, value: ParamValue, unit: str) -> DatedValue:
    return DatedValue(start, value, unit, AMI)


def rate_parameter(until: date | None = None) -> Parameter:
    return Parameter(
        "feder_rate",
        (dated(NOV_2024, Rate("60%"), "rate"), dated(date(2026, 1, 1), Rate("50%"), "rate")),
        "rate",
        {"fr": "Taux FEDER", "en": "FEDER rate"},
        until,
    )


def toml_value(unit: str, value: str, extra: str = "") -> str:
    return (
        f'[p]\nunit = "{unit}"\n{extra}[[p.values]]\nfrom = 2024-11-01\nvalue = {value}\n'
        'basis = { title = "AMI" }\n'
    )


@pytest.fixture
def params() -> ParameterSet:
    return load_parameters(DATA / "valid.toml")


class TestLoadValidFile:
    def test_every_unit(self, params: ParameterSet) -> None:
        day = date(2025, 3, 14)
        assert params.at(day) == {
            "award_ceiling": Euro("200000.00"),
            "call_deadline": date(2025, 3, 31),
            "de_minimis_years": 3,
            "eligibility_period": DateRange(NOV_2024, date(2027, 12, 31)),
            "eligible_categories": ("staff", "equipment", "services"),
            "feder_rate": Rate("60%"),
            "managing_authority": "Région Hauts-de-France",
            "max_projects": 3,
            "open_to_associations": False,
            "payment_delay": 90,
        }
        assert params["award_ceiling"].at(date(2025, 7, 1)) == Euro(250000)
        assert params["feder_rate"].at(date(2026, 1, 1)) == Rate("0.5")

    def test_metadata(self, params: ParameterSet) -> None:
        rate = params["feder_rate"]
        assert rate.unit == "rate"
        assert rate.until == date(2029, 12, 31)
        assert dict(rate.description) == {
            "fr": "Taux de cofinancement FEDER",
            "en": "FEDER co-financing rate",
        }
        first = rate.dated_at(date(2025, 1, 1))
        assert first.basis == Basis(
            "AMI IA Hauts-de-France",
            "communiqué",
            url="https://www.hautsdefrance.fr/",
            reliability="press",
        )
        assert first.note == "P: press only, to confirm with the call text"
        assert first.unit == "rate"
        assert rate.dated_at(date(2027, 1, 1)).note is None
        assert dict(params["max_projects"].description) == {}

    def test_mapping_protocol(self, params: ParameterSet) -> None:
        assert len(params) == 10
        assert list(params) == sorted(params)
        assert "feder_rate" in params
        assert "nope" not in params
        assert 3 not in params

    def test_change_dates(self, params: ParameterSet) -> None:
        assert params.change_dates() == (
            date(2024, 1, 1),
            NOV_2024,
            date(2025, 7, 1),
            date(2026, 1, 1),
        )

    def test_boundaries_are_where_the_values_in_force_may_change(self) -> None:
        ending = rate_parameter(until=date(2029, 12, 31))
        params = ParameterSet({"feder_rate": ending})
        assert params.boundaries() == (NOV_2024, date(2026, 1, 1), date(2030, 1, 1))
        spans = [(date(2020, 1, 1), date(2024, 10, 31)), (NOV_2024, date(2025, 12, 31))]
        spans += [(date(2026, 1, 1), date(2029, 12, 31)), (date(2030, 1, 1), date(2031, 6, 1))]
        for first, last in spans:  # equal values within a span, different across
            assert params.at(first) == params.at(last)
        for (before, _), (after, _) in itertools.pairwise(spans):
            assert params.at(before) != params.at(after)
        forever = ParameterSet({"feder_rate": attrs.evolve(ending, until=date.max)})
        assert forever.boundaries() == (NOV_2024, date(2026, 1, 1))

    def test_accepts_str_paths(self) -> None:
        assert len(load_parameters(str(DATA / "valid.toml"))) == 10

    def test_empty_text(self) -> None:
        assert len(parse_parameters("", "empty.toml")) == 0


class TestParameter:
    def test_at_and_bounds(self) -> None:
        parameter = rate_parameter(until=date(2029, 12, 31))
        assert parameter.at(NOV_2024) == Rate("60%")
        assert parameter.at(date(2025, 12, 31)) == Rate("60%")
        assert parameter.at(date(2026, 1, 1)) == Rate("50%")
        assert parameter.at(date(2029, 12, 31)) == Rate("50%")
        with pytest.raises(
            ParameterNotInForce,
            match=r"'feder_rate' is not in force on 2024-10-31: its first value starts on 2024-11",
        ):
            parameter.at(date(2024, 10, 31))
        with pytest.raises(
            ParameterNotInForce,
            match=r"'feder_rate' is not in force on 2030-01-01: it ended on 2029-12-31",
        ):
            parameter.at(date(2030, 1, 1))

    def test_open_ended(self) -> None:
        assert rate_parameter().at(date.max) == Rate("50%")

    def test_at_refuses_datetimes(self) -> None:
        with pytest.raises(InvalidArgument, match=r"got the datetime"):
            rate_parameter().at(datetime.datetime(2025, 1, 1))

    def test_change_dates(self) -> None:
        assert rate_parameter().change_dates() == (NOV_2024, date(2026, 1, 1))

    def test_frozen_and_hashable(self) -> None:
        parameter = rate_parameter()
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            parameter.unit = "EUR"  # type: ignore[misc]
        with pytest.raises(TypeError):
            parameter.description["fr"] = "x"  # type: ignore[index]
        assert hash(parameter) == hash(rate_parameter())
        assert parameter == rate_parameter()

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(Rate("40%"), Rate("0.4")), ("40%", Rate("0.4")), (Decimal("0.4"), Rate("0.4"))],
    )
    def test_override(self, value: ParamValue, expected: Rate) -> None:
        simulated = rate_parameter(until=date(2029, 12, 31)).override(value)
        assert simulated.at(date.min) == simulated.at(date.max) == expected
        assert simulated.change_dates() == ()
        assert simulated.until is None
        assert simulated.dated_at(date(2025, 1, 1)).basis.title == "what-if override"
        assert simulated.description["fr"] == "Taux FEDER"
        assert rate_parameter().override("40%", AMI).dated_at(NOV_2024).basis == AMI

    def test_override_refuses_floats(self) -> None:
        with pytest.raises(InvalidMoney, match=r"override of 'feder_rate': .*got the float 0.4"):
            rate_parameter().override(0.4)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("name", "message"),
        [("", "invalid parameter name ''"), ("1st", "'1st'"), ("a-b", "'a-b'"), (None, "None")],
    )
    def test_bad_names(self, name: object, message: str) -> None:
        with pytest.raises(InvalidArgument, match=message):
            Parameter(name, (dated(NOV_2024, 1, "count"),), "count")  # type: ignore[arg-type]

    def test_bad_unit(self) -> None:
        with pytest.raises(
            InvalidArgument, match=r"unknown unit 'euros': expected one of EUR, rate"
        ):
            Parameter("p", (dated(NOV_2024, 1, "count"),), "euros")

    @pytest.mark.parametrize("description", [{"de": "x"}, {"fr": 1}])
    def test_bad_description(self, description: dict[str, object]) -> None:
        with pytest.raises(InvalidArgument, match=r"p.description: expected texts keyed by 'fr'"):
            Parameter("p", (dated(NOV_2024, 1, "count"),), "count", description)

    def test_description_not_a_mapping(self) -> None:
        with pytest.raises(InvalidArgument, match=r"expected a mapping, got the str 'x'"):
            Parameter("p", (dated(NOV_2024, 1, "count"),), "count", "x")  # type: ignore[arg-type]

    @pytest.mark.parametrize("values", [(), [dated(NOV_2024, 1, "count")]])
    def test_values_must_be_a_non_empty_tuple(self, values: object) -> None:
        with pytest.raises(ParameterError, match=r"p.values: expected a non-empty tuple"):
            Parameter("p", values, "count")  # type: ignore[arg-type]

    @pytest.mark.parametrize("value", [1, dated(NOV_2024, Euro(1), "EUR")])
    def test_values_must_be_dated_values_of_the_unit(self, value: object) -> None:
        with pytest.raises(
            InvalidArgument, match=r"p.values\[0\]: expected a DatedValue of unit 'count'"
        ):
            Parameter("p", (value,), "count")  # type: ignore[arg-type]

    def test_unsorted_and_repeated_dates(self) -> None:
        later, earlier = dated(date(2025, 1, 1), 1, "count"), dated(NOV_2024, 2, "count")
        with pytest.raises(
            ParameterError, match=r"p.values\[1\]: its start date 2024-11-01 comes before the start"
        ):
            Parameter("p", (later, earlier), "count")
        with pytest.raises(
            ParameterError, match=r"p.values\[1\]: its start date 2024-11-01 repeats the start"
        ):
            Parameter("p", (earlier, earlier), "count")

    @pytest.mark.parametrize(
        "until", [date(2025, 12, 31), "2030-01-01", datetime.datetime(2030, 1, 1)]
    )
    def test_until(self, until: object) -> None:
        with pytest.raises(
            ParameterError, match=r"feder_rate.until: expected a date on or after .*2026-01-01"
        ):
            rate_parameter(until=until)  # type: ignore[arg-type]


class TestDatedValue:
    @pytest.mark.parametrize(
        ("unit", "value"),
        [
            ("EUR", Euro(1)),
            ("rate", Rate(1)),
            ("count", 0),
            ("years", 3),
            ("days", 90),
            ("bool", True),
            ("text", ""),
            ("date", NOV_2024),
            ("date_range", DateRange(NOV_2024, NOV_2024)),
            ("codes", ()),
            ("codes", ("A", "B")),
        ],
    )
    def test_accepted(self, unit: str, value: ParamValue) -> None:
        assert dated(NOV_2024, value, unit).value == value

    @pytest.mark.parametrize(
        ("unit", "value", "named"),
        [
            ("EUR", 0.5, "the float 0.5"),
            ("EUR", Decimal("1.00"), "the float 1.00"),
            ("rate", 0.6, "the float 0.6"),
            ("rate", "60%", "the string '60%'"),
            ("count", -1, "the integer -1"),
            ("count", True, "the boolean true"),
            ("count", 3.0, "the float 3.0"),
            ("bool", 1, "the integer 1"),
            ("text", ["x"], r"the array \['x'\]"),
            ("date", datetime.datetime(2024, 1, 1), "the date-time 2024-01-01T00:00:00"),
            ("date", "2024-01-01", "the string '2024-01-01'"),
            ("date_range", (NOV_2024, NOV_2024), "the tuple"),
            ("codes", ("A", "A"), r"the tuple \('A', 'A'\)"),
            ("codes", ("A", 1), "the tuple"),
            ("codes", ["A"], "the array"),
            ("days", {"a": 1}, "the table"),
            ("days", NOV_2024, "the date 2024-11-01"),
        ],
    )
    def test_refused(self, unit: str, value: object, named: str) -> None:
        with pytest.raises(
            InvalidArgument, match=rf"value for unit '{unit}': expected .*got {named}"
        ):
            dated(NOV_2024, value, unit)  # type: ignore[arg-type]

    def test_other_fields(self) -> None:
        with pytest.raises(InvalidArgument, match=r"start: expected a datetime.date"):
            DatedValue("2024-11-01", 1, "count", AMI)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"basis"):
            DatedValue(NOV_2024, 1, "count", "AMI")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"note"):
            DatedValue(NOV_2024, 1, "count", AMI, note=1)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match=r"unknown unit 'percent'"):
            DatedValue(NOV_2024, 1, "percent", AMI)


class TestParseValue:
    @pytest.mark.parametrize(
        ("unit", "text", "expected"),
        [
            ("EUR", "4000000.00", Euro(4000000)),
            ("rate", "50%", Rate("0.5")),
            ("rate", "0.5", Rate("0.5")),
            ("count", "12", 12),
            ("years", "3", 3),
            ("days", "0", 0),
            ("bool", "true", True),
            ("bool", "false", False),
            ("text", "anything, really", "anything, really"),
            ("date", "2024-11-01", NOV_2024),
            ("date_range", "2024-11-01/2027-12-31", DateRange(NOV_2024, date(2027, 12, 31))),
            ("codes", "A, B,C", ("A", "B", "C")),
        ],
    )
    def test_units(self, unit: str, text: str, expected: ParamValue) -> None:
        assert parse_value(unit, text) == expected

    @pytest.mark.parametrize(
        ("unit", "text", "error", "message"),
        [
            ("EUR", "1 200,00", InvalidMoney, "got the string '1 200,00'"),
            ("rate", "60", InvalidMoney, "between 0 and 1"),
            (
                "count",
                "-1",
                InvalidArgument,
                "expected a whole number >= 0, written like 12, got the text '-1'",
            ),
            ("count", "1.5", InvalidArgument, "got the text '1.5'"),
            (
                "bool",
                "yes",
                InvalidArgument,
                "true or false, written like true or false, got the text 'yes'",
            ),
            ("date", "1/11/2024", InvalidArgument, "YYYY-MM-DD"),
            ("date_range", "2024-11-01", InvalidArgument, "written like 2024-11-01/2027-12-31"),
            ("date_range", "2025-01-01/2024-01-01", InvalidArgument, "before it starts"),
            ("codes", "A,,B", InvalidArgument, "non-empty strings, got the string ''"),
            ("codes", "A,B,A", InvalidArgument, "the code 'A' appears twice"),
            ("metres", "1", InvalidArgument, "unknown unit 'metres'"),
        ],
    )
    def test_errors(self, unit: str, text: str, error: type[Exception], message: str) -> None:
        with pytest.raises(error, match=message):
            parse_value(unit, text)

    def test_refuses_non_strings(self) -> None:
        with pytest.raises(
            InvalidArgument, match=r"expected the value as a string, got the float 0.5"
        ):
            parse_value("rate", 0.5)  # type: ignore[arg-type]

    def test_units_are_documented(self) -> None:
        assert set(UNITS) == {
            "EUR", "rate", "count", "years", "days", "bool", "text", "date", "date_range", "codes"
        }  # fmt: skip


class TestParameterSet:
    def test_unknown_parameter(self, params: ParameterSet) -> None:
        with pytest.raises(
            UnknownParameter, match=r"unknown parameter 'feder_rat' \(did you mean 'feder_rate'\?\)"
        ) as info:
            params["feder_rat"]
        assert "known parameters: award_ceiling, call_deadline" in str(info.value)
        with pytest.raises(
            UnknownParameter, match=r"unknown parameter 'zzz'; known parameters: award"
        ):
            params["zzz"]
        with pytest.raises(UnknownParameter, match=r"unknown parameter \['x'\]"):
            params[["x"]]  # type: ignore[index]
        with pytest.raises(UnknownParameter, match=r"known parameters: none"):
            ParameterSet({})["x"]

    def test_at_leaves_out_parameters_not_in_force(self, params: ParameterSet) -> None:
        assert set(params.at(date(2024, 6, 1))) == {"de_minimis_years"}
        assert "feder_rate" not in params.at(date(2030, 1, 1))
        assert params.at(date(2023, 1, 1)) == {}
        with pytest.raises(InvalidArgument, match=r"got the str"):
            ParameterSet({}).at("2024-01-01")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("name", "value", "expected"),
        [
            ("feder_rate", "50%", Rate("0.5")),
            ("feder_rate", Rate("0.5"), Rate("0.5")),
            ("award_ceiling", "4000000.00", Euro(4000000)),
            ("award_ceiling", 4000000, Euro(4000000)),
            ("award_ceiling", Decimal("4000000.00"), Euro(4000000)),
            ("max_projects", "5", 5),
            ("max_projects", 5, 5),
            ("open_to_associations", "true", True),
            ("managing_authority", "50%", "50%"),
            ("eligible_categories", "staff", ("staff",)),
            ("eligible_categories", ("a", "b"), ("a", "b")),
            ("call_deadline", "2025-06-30", date(2025, 6, 30)),
        ],
    )
    def test_override(
        self, params: ParameterSet, name: str, value: ParamValue, expected: ParamValue
    ) -> None:
        simulated = params.override(name, value)
        assert simulated[name].at(date(2000, 1, 1)) == expected
        assert simulated[name].at(date(2099, 1, 1)) == expected
        assert params[name] != simulated[name]
        assert len(simulated) == len(params)
        other = next(n for n in params if n != name)
        assert simulated[other] == params[other]

    @pytest.mark.parametrize(
        ("name", "value", "error", "message"),
        [
            ("award_ceiling", 200000.0, InvalidMoney, "got the float 200000.0"),
            ("feder_rate", 0.5, InvalidMoney, "got the float 0.5"),
            ("max_projects", 3.0, InvalidArgument, "got the float 3.0"),
            ("max_projects", "three", InvalidArgument, "got the text 'three'"),
            ("open_to_associations", 1, InvalidArgument, "got the integer 1"),
            ("feder_rat", "50%", UnknownParameter, "did you mean 'feder_rate'"),
        ],
    )
    def test_override_errors(
        self, params: ParameterSet, name: str, value: object, error: type[Exception], message: str
    ) -> None:
        with pytest.raises(error, match=message) as info:
            params.override(name, value)  # type: ignore[arg-type]
        if error is not UnknownParameter:
            assert f"override of {name!r}" in str(info.value)

    def test_override_with_basis(self, params: ParameterSet) -> None:
        basis = Basis("Délibération du conseil régional", reliability="inferred")
        simulated = params.override("feder_rate", "70%", basis)
        assert simulated["feder_rate"].dated_at(NOV_2024).basis == basis

    def test_construction_errors(self) -> None:
        with pytest.raises(
            InvalidArgument, match=r"parameters\['x'\]: expected the Parameter named 'x'"
        ):
            ParameterSet({"x": rate_parameter()})
        with pytest.raises(InvalidArgument, match=r"got 1"):
            ParameterSet({"x": 1})
        with pytest.raises(InvalidArgument, match=r"expected a mapping, got the list"):
            ParameterSet([rate_parameter()])  # type: ignore[arg-type]

    def test_frozen(self, params: ParameterSet) -> None:
        with pytest.raises(TypeError):
            params.parameters["x"] = rate_parameter()  # type: ignore[index]
        assert params == load_parameters(DATA / "valid.toml")
        assert hash(params) == hash(load_parameters(DATA / "valid.toml"))


class TestLoaderErrors:
    def test_invalid_toml(self) -> None:
        with pytest.raises(
            ParameterError, match=r"invalid_toml.toml: invalid TOML: .*line 5"
        ) as info:
            load_parameters(DATA / "invalid_toml.toml")
        assert info.value.__cause__ is not None

    def test_not_utf8(self) -> None:
        with pytest.raises(ParameterError, match=r"latin1.toml: not UTF-8 text .*save it as UTF-8"):
            load_parameters(DATA / "latin1.toml")

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError):
            load_parameters(tmp_path / "nope.toml")

    def test_text_must_be_a_string(self) -> None:
        with pytest.raises(
            InvalidArgument, match=r"expected the TOML text as a string, got the bytes"
        ):
            parse_parameters(b"", "x.toml")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                "p = 1",
                r"f.toml: p: expected a table \[p\] with a unit and values, got the integer 1",
            ),
            ('["Feder rate"]\nunit = "rate"', "f.toml: Feder rate: invalid name"),
            (
                '[p]\nunit = "rate"\nvalue = "60%"\n',
                "f.toml: p: unknown key.*'value': expected only unit, description, until, "
                "signed, values",
            ),
            ('[p]\nunit = "rate"\n', "f.toml: p: missing key.*'values': expected a table"),
            ("[p]\n[[p.values]]\nfrom = 2024-01-01", "f.toml: p: missing key.*'unit'"),
            (
                '[p]\nunit = "euro"\nvalues = []',
                "f.toml: p.unit: unknown unit 'euro': expected one of EUR, rate, count",
            ),
            (
                '[p]\nunit = "rate"\nvalues = []',
                r"f.toml: p.values: expected one or more \[\[p.values\]\]",
            ),
            ('[p]\nunit = "rate"\nvalues = 1', "f.toml: p.values: expected one or more"),
            (
                '[p]\nunit = "rate"\nvalues = [1]',
                r"f.toml: p.values\[0\]: expected a table with from, value and basis, got the int",
            ),
            (
                toml_value("rate", '"60%"', 'description = "x"\n'),
                "f.toml: p.description: expected { fr = ..., en = ... }, got 'x'",
            ),
            (
                toml_value("rate", '"60%"', 'description = { de = "x" }\n'),
                "f.toml: p.description: expected texts keyed by 'fr' and 'en'",
            ),
            (
                toml_value("rate", '"60%"', "until = 2029-12-31T00:00:00\n"),
                "f.toml: p.until: expected a date like 2029-12-31, got the date-time",
            ),
            (
                toml_value("rate", '"60%"', "until = 2020-01-01\n"),
                "f.toml: p.until: expected a date on or after the last start date 2024-11-01",
            ),
        ],
    )
    def test_parameter_level(self, text: str, message: str) -> None:
        with pytest.raises(ParameterError, match=message):
            parse_parameters(text, "f.toml")

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                '[p]\nunit = "rate"\n[[p.values]]\nfrom = 2024-01-01\nvalue = "60%"\n',
                r"f.toml: p.values\[0\]: missing key.*'basis'",
            ),
            (
                '[p]\nunit = "rate"\n[[p.values]]\nvalue = "60%"\nbasis = { title = "x" }',
                r"f.toml: p.values\[0\]: missing key.*'from'",
            ),
            (
                toml_value("rate", '"60%"').replace("value =", "valeur ="),
                r"p.values\[0\]: unknown key.*'valeur': expected only from, value, basis, note",
            ),
            (
                toml_value("rate", '"60%"').replace("2024-11-01", '"2024-11-01"'),
                r"f.toml: p.values\[0\].from: expected a date like 2024-11-01, got the string",
            ),
            (
                toml_value("rate", '"60%"') + "note = 3\n",
                r"f.toml: p.values\[0\].note: expected a string, got the integer 3",
            ),
            (
                toml_value("rate", '"60%"').replace('{ title = "AMI" }', '"AMI"'),
                r"f.toml: p.values\[0\].basis: expected a basis as a table with a title",
            ),
            (
                toml_value("rate", '"60%"').replace('title = "AMI"', 'article = "2"'),
                r"f.toml: p.values\[0\].basis: a basis needs a title",
            ),
            (
                toml_value("rate", '"60%"').replace('title = "AMI"', 'title = ""'),
                r"f.toml: p.values\[0\].basis: Basis.title: expected the non-empty name",
            ),
            (
                toml_value("rate", '"60%"').replace('title = "AMI"', 'title = "A", reliable = "V"'),
                r"p.values\[0\].basis: unknown basis key.*'reliable'",
            ),
            (
                toml_value("rate", '"60%"')
                + '[[p.values]]\nfrom = 2024-01-01\nvalue = "50%"\nbasis = { title = "AMI" }\n',
                r"f.toml: p.values\[1\]: its start date 2024-01-01 comes before the start date",
            ),
            (
                toml_value("rate", '"60%"')
                + '[[p.values]]\nfrom = 2024-11-01\nvalue = "50%"\nbasis = { title = "AMI" }\n',
                r"f.toml: p.values\[1\]: its start date 2024-11-01 repeats",
            ),
        ],
    )
    def test_value_level(self, text: str, message: str) -> None:
        with pytest.raises(ParameterError, match=message):
            parse_parameters(text, "f.toml")

    @pytest.mark.parametrize(
        ("unit", "value", "message"),
        [
            ("EUR", "5000000.0", 'got the float 5000000.0: quote the amount, e.g. "5000000.00"'),
            ("EUR", '"5 000 000"', "got the string '5 000 000'"),
            ("EUR", '"1.005"', "got the string '1.005'"),
            (
                "EUR",
                "true",
                'expected an amount as a string like "5000000.00" or an integer, got the boolean',
            ),
            ("rate", "0.6e2", "between 0 and 1"),
            ("rate", '"60"', "between 0 and 1"),
            ("rate", "false", 'expected a rate like "60%" or "0.6", got the boolean false'),
            ("rate", "2024-01-01", "expected a rate .*got the date 2024-01-01"),
            ("count", "-1", "expected a whole number >= 0, got the integer -1"),
            ("count", "1.0", "got the float 1.0"),
            ("count", '"3"', "got the string '3'"),
            ("years", "true", "got the boolean true"),
            ("bool", '"true"', "expected true or false, got the string 'true'"),
            ("text", "1", "expected a string, got the integer 1"),
            ("date", "2024-01-01T10:00:00", "expected a date like 2024-11-01, got the date-time"),
            ("date", "10:00:00", "expected a date like 2024-11-01, got the time"),
            ("date_range", "{ start = 2024-01-01 }", "expected a table like { start = "),
            ("date_range", '{ start = 2024-01-01, end = "2025" }', "got the table"),
            ("date_range", "{ start = 2025-01-01, end = 2024-01-01 }", "before it starts"),
            ("date_range", '["2024-01-01"]', "got the array"),
            ("codes", '["A", 1]', "non-empty strings, got the integer 1"),
            ("codes", '["A", "A"]', "the code 'A' appears twice"),
            ("codes", '"A"', "expected an array of distinct strings .*got the string 'A'"),
            ("EUR", '"-0.01"', "the amount -0.01 is negative; an amount parameter is >= 0 unless"),
            ("EUR", "-5", "the amount -5.00 is negative"),
        ],
    )
    def test_wrong_values(self, unit: str, value: str, message: str) -> None:
        with pytest.raises(ParameterError, match=r"f.toml: p.values\[0\].value: ") as info:
            parse_parameters(toml_value(unit, value), "f.toml")
        assert info.match(message)

    def test_accepted_toml_forms(self) -> None:
        def value(unit: str, text: str) -> ParamValue:
            return parse_parameters(toml_value(unit, text), "f.toml")["p"].at(NOV_2024)

        assert value("EUR", "150000") == Euro("150000.00")
        signed = toml_value("EUR", '"-12.5"', "signed = true\n")
        assert parse_parameters(signed, "f.toml")["p"].at(NOV_2024) == Euro("-12.50")
        assert value("rate", "0.6") == Rate("60%")
        assert value("rate", "1") == Rate(1)
        assert value("rate", '"12.5 %"') == Rate("0.125")
        assert value("codes", "[]") == ()


# --- properties -------------------------------------------------------------------------------


@given(
    st.lists(
        st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
        min_size=1,
        max_size=20,
        unique=True,
    ).map(sorted),
    st.dates(min_value=date(1999, 1, 1), max_value=date(2042, 12, 31)),
)
def test_at_returns_the_last_value_started(starts: list[date], day: date) -> None:
    parameter = Parameter(
        "p", tuple(dated(start, i, "count") for i, start in enumerate(starts)), "count"
    )
    started = [i for i, start in enumerate(starts) if start <= day]
    if started:
        assert parameter.at(day) == started[-1]
        assert parameter.dated_at(day).start == starts[started[-1]]
    else:
        with pytest.raises(ParameterNotInForce, match=rf"not in force on {day}"):
            parameter.at(day)
    assert parameter.change_dates() == tuple(starts)


@given(
    st.decimals(
        allow_nan=False,
        allow_infinity=False,
        places=2,
        min_value=Decimal("-1000000000"),
        max_value=Decimal("1000000000"),
    )
)
def test_toml_amounts_round_trip(amount: Decimal) -> None:
    text = toml_value("EUR", f'"{Euro(amount)}"', "signed = true\n" if amount < 0 else "")
    assert parse_parameters(text, "f.toml")["p"].at(NOV_2024) == Euro(amount)


def test_docstring_examples() -> None:
    results = doctest.testmod(grantrules.parameters, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0


# --- unit domains (issue 15) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('signed = "yes"\n', r"p.signed: expected true or false for an EUR parameter"),
        ("signed = 1\n", r"p.signed: expected true or false"),
    ],
)
def test_signed_is_a_boolean(extra: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        parse_parameters(toml_value("EUR", '"1.00"', extra), "f.toml")


def test_only_amounts_may_be_signed() -> None:
    with pytest.raises(ParameterError, match=r"p.signed: .* for unit 'count'"):
        parse_parameters(toml_value("count", "3", "signed = true\n"), "f.toml")


@given(cents=st.integers(min_value=-(10**12), max_value=10**12))
def test_an_override_keeps_the_unit_domain(cents: int) -> None:
    ceiling = parse_parameters(toml_value("EUR", '"10.00"'), "f.toml")["p"]
    text = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
    if cents < 0:
        with pytest.raises(ParameterError, match=r"override of 'p': the amount .* is negative"):
            ceiling.override(text)
    else:
        assert ceiling.override(text).at(NOV_2024) == Euro(text)
    signed = parse_parameters(toml_value("EUR", '"10.00"', "signed = true\n"), "f.toml")["p"]
    assert signed.override(text).at(NOV_2024) == Euro(text)
