"""evaluate_table agrees with evaluate(), row for row, on the AMI and the sports scheme."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import attrs
import pyarrow as pa
import pytest
from batch_support import HERE, jsonl_table
from hypothesis import given, settings
from hypothesis import strategies as st

from grantrules._engine.strict import StrictModeError
from grantrules.batch import (
    decision_of,
    evaluate_table,
    output_schema,
    refused_by,
    route_of,
    typed_table,
)
from grantrules.batch._rows import document as as_document
from grantrules.batch._simulate import Scenario
from grantrules.batch._simulate_cli import _note_refusals
from grantrules.decision import Decision
from grantrules.errors import ApplicationInvalid, GrantRulesError, InvalidArgument
from grantrules.evaluate import evaluate
from grantrules.expressions import Compiled, Expr, RenderContext, const
from grantrules.rules import Criterion
from grantrules.scheme import Scheme
from grantrules.serde import unstructure_application
from grantrules.testing.examples import example_document, example_scheme
from grantrules.testing.strategies import applications


def expected_row(decision: Decision) -> dict[str, Any]:
    """A decision as evaluate_table writes it."""
    row: dict[str, Any] = {
        "id": decision.application,
        "scheme_version": decision.provenance.scheme_version,
        "eligible": decision.eligible,
        "award": decision.award.amount,
        "failed": list(decision.failed_ids),
        "warnings": [c.id for c in decision.warnings],
    }
    for amount in decision.amounts:
        row[f"amount.{amount.id}"] = None if amount.value is None else amount.value.amount
    row["error"] = None
    return row


def check_rows(scheme: Scheme, documents: list[dict[str, Any]], *tables: Any, **kw: Any) -> None:
    """Every table (the documents in some Arrow form) gives evaluate()'s results."""
    on = kw.get("on")
    what_if = scheme.with_parameters(**kw["overrides"]) if kw.get("overrides") else scheme
    expected = [expected_row(evaluate(what_if, document, on)) for document in documents]
    every_amount = {f"amount.{a.id}" for v in scheme.versions for a in v.amounts}
    for table in tables:
        result = evaluate_table(scheme, table, **kw)
        assert result.schema.equals(output_schema(scheme))
        assert route_of(result) == "columnar"
        assert refused_by(result) is None
        for document, row, wanted in zip(documents, result.to_pylist(), expected, strict=True):
            assert {k: row[k] for k in wanted} == wanted, document
            assert set(row) == set(wanted) | every_amount


def documents_of(apps: list[Any]) -> list[dict[str, Any]]:
    return [unstructure_application(a) for a in apps]


# One property draws a batch of applications: the whole batch is one evaluate_table call,
# which is what the columnar backend is for, and costs one example of the suite's budget.
@settings(max_examples=60)
@given(data=st.data())
def test_ami_rows_match_evaluate(ami: Scheme, data: st.DataObject) -> None:
    documents = documents_of(data.draw(st.lists(applications(ami), min_size=1, max_size=40)))
    check_rows(ami, documents, jsonl_table(documents), typed_table(ami, documents))


@settings(max_examples=60)
@given(data=st.data())
def test_sports_rows_match_evaluate(sports: Scheme, data: st.DataObject) -> None:
    documents = documents_of(data.draw(st.lists(applications(sports), min_size=1, max_size=40)))
    check_rows(sports, documents, pa.Table.from_pylist(documents), typed_table(sports, documents))


@settings(max_examples=40)
@given(data=st.data())
def test_detr_rows_match_evaluate(detr: Scheme, data: st.DataObject) -> None:
    """The second shipped scheme: sums of inhabitants, 1 - rate, instructor inputs."""
    documents = documents_of(data.draw(st.lists(applications(detr), min_size=1, max_size=40)))
    check_rows(detr, documents, jsonl_table(documents), typed_table(detr, documents))


@settings(max_examples=20)
@given(
    data=st.data(),
    on=st.dates(datetime.date(2024, 6, 1), datetime.date(2026, 12, 31)),
    rate=st.sampled_from(["0%", "33.3%", "50%", "100%"]),
)
def test_sports_on_a_date_with_a_what_if(
    sports: Scheme, data: st.DataObject, on: datetime.date, rate: str
) -> None:
    documents = documents_of(data.draw(st.lists(applications(sports), min_size=1, max_size=20)))
    check_rows(sports, documents, jsonl_table(documents), on=on, overrides={"grant_rate": rate})


@settings(max_examples=15)
@given(data=st.data(), rate=st.sampled_from(["50%", "33.33%", "60%"]))
def test_ami_what_if(ami: Scheme, data: st.DataObject, rate: str) -> None:
    documents = documents_of(data.draw(st.lists(applications(ami), min_size=1, max_size=30)))
    check_rows(ami, documents, jsonl_table(documents), overrides={"feder_rate": rate})


@settings(max_examples=40)
@given(data=st.data())
def test_pme_rows_match_evaluate(pme: Scheme, data: st.DataObject) -> None:
    """The third shipped scheme, columnar: partners' shares (a Rate input) applied to their
    figures, a rate chosen from a grid, the intensity raised by a bonus (rates added)."""
    documents = documents_of(data.draw(st.lists(applications(pme), min_size=1, max_size=40)))
    check_rows(pme, documents, jsonl_table(documents), typed_table(pme, documents))


def pme_example() -> dict[str, Any]:
    import json

    folder = HERE.parent.parent / "schemes" / "pme_invest_hdf" / "examples"
    document: dict[str, Any] = json.loads(
        (folder / "verrerie-maubeuge-medium-zone.json").read_text()
    )
    return document


def with_share(document: dict[str, Any], share: Any, number: int) -> dict[str, Any]:
    applicant = document["applicant"]
    partner = {**applicant["associated"][0], "share": share}
    return {
        **document,
        "id": f"SHARE-{number}",
        "applicant": {**applicant, "associated": [partner]},
    }


def test_rate_inputs_in_every_written_form(pme: Scheme) -> None:
    """Each form Rate reads (percent with or without a space, fraction, 0 and 1, up to the
    finest the kernels read) is decided in the columns; a finer one by evaluate(), with the
    same result; a text Rate refuses gets evaluate()'s message."""
    document = pme_example()
    valid = [
        "40%",
        "40 %",
        "40\u00a0%",
        "0.4",
        "0.40",
        "33.3333%",
        "0.123456789",
        "1",
        "0",
        "100%",
        "0%",
        "12.5%",
        "0.999999999",
        "0.0000000001",
        "0.12345678901234567890",
    ]
    documents = [with_share(document, share, i) for i, share in enumerate(valid)]
    check_rows(pme, documents, jsonl_table(documents), typed_table(pme, documents))
    refused = ["120%", "abc", "0.5%%", "-0.1", "1.5", "", ".5", "5e-1"]
    rows = [with_share(document, share, i) for i, share in enumerate(refused)]
    errors = evaluate_table(pme, jsonl_table(rows)).column("error").to_pylist()
    for row, error in zip(rows, errors, strict=True):
        with pytest.raises(ApplicationInvalid) as invalid:
            evaluate(pme, row)
        assert error == str(invalid.value)


def test_rate_arithmetic_leaving_zero_to_one_goes_to_evaluate(pme: Scheme) -> None:
    """A what-if whose intensity plus bonus passes 100 %: Rate refuses the sum, so the rows
    concerned are decided (refused) by evaluate(), the others in the columns."""
    document = pme_example()
    rows = [
        document,
        {
            **document,
            "id": "OUT-OF-ZONE",
            "project": {**document["project"], "site_commune_code": "80021"},
        },
    ]
    what_if = pme.with_parameters(zone_bonus="95%")
    expected: list[Any] = []
    for row in rows:
        try:
            expected.append(expected_row(evaluate(what_if, row)))
        except GrantRulesError as error:
            expected.append({"error": str(error)})
    result = evaluate_table(pme, jsonl_table(rows), overrides={"zone_bonus": "95%"})
    assert route_of(result) == "columnar"
    for row, wanted in zip(result.to_pylist(), expected, strict=True):
        assert {k: row[k] for k in wanted} == wanted


def examples() -> list[dict[str, Any]]:
    import json

    folder = HERE.parent.parent / "schemes" / "ami_ia_hdf" / "examples"
    found = sorted(p for p in folder.glob("*.json") if p.name != "expected.json")
    lines = (folder / "call.jsonl").read_text().splitlines()
    return [json.loads(p.read_text()) for p in found] + [json.loads(x) for x in lines if x]


def test_shipped_examples(ami: Scheme) -> None:
    documents = examples()
    check_rows(ami, documents, jsonl_table(documents), typed_table(ami, documents))


def test_invalid_rows_get_the_message_of_evaluate() -> None:
    scheme, document = example_scheme(), example_document()
    bad = [
        {**document, "id": "two words"},
        {**document, "costs": [{**document["costs"][0], "amount_excl_vat": "12.5"}]},
        {**document, "submitted_on": "2025-02-30"},
        {**document, "unknown": "key"},
    ]
    rows = [document, *bad, {**document, "id": "B-2"}]
    result = evaluate_table(scheme, jsonl_table(rows)).to_pylist()
    assert [r["eligible"] for r in result] == [True, None, None, None, None, True]
    for document_, row in zip(bad, result[1:-1], strict=True):
        with pytest.raises(ApplicationInvalid) as invalid:
            evaluate(scheme, document_)
        assert row["error"] == str(invalid.value)
        assert "$." in row["error"]
        assert row["award"] is None
        assert row["failed"] is None


def test_negative_and_blank_values_are_refused(ami: Scheme) -> None:
    document = examples()[0]
    line = document["costs"][0]
    rows = [
        {**document, "costs": [{**line, "amount_excl_vat": "-1.00"}]},
        {**document, "costs": [{**line, "label": " \u3000"}]},
        {**document, "applicant": {**document["applicant"], "siren": "215903502"}},
        {**document, "applicant": {**document["applicant"], "commune_code": "5935"}},
        {**document, "applicant": {**document["applicant"], "legal_category": None}},
        {
            **document,
            "applicant": {
                **document["applicant"],
                "prior_de_minimis": [{"granted_on": "2024-01-01", "amount": "-5.00"}],
            },
        },
    ]
    result = evaluate_table(ami, jsonl_table(rows)).column("error").to_pylist()
    for document_, error in zip(rows, result, strict=True):
        # In a table a null is an absent key (JSONL and Parquet cannot tell them apart).
        with pytest.raises(ApplicationInvalid) as invalid:
            evaluate(ami, as_document(document_))
        assert error == str(invalid.value)


@attrs.frozen(eq=False)
class HasCosts(Expr):
    """A node of a scheme's own, which the columnar compiler does not know."""

    def compile(self) -> Compiled:
        return lambda env, item: bool(env.app.costs)

    def render(self, ctx: RenderContext) -> str:
        return "costs given"


def test_a_node_without_kernel_sends_the_version_to_evaluate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GRANTRULES_STRICT", "0")
    scheme = example_scheme()
    version = scheme.versions[0]
    odd = Criterion(
        "costs.labels",
        HasCosts(),
        basis=version.criteria[0].basis,
        failed={"fr": "Aucune ligne.", "en": "No line."},
    )
    scheme = attrs.evolve(
        scheme, versions=[attrs.evolve(version, criteria=[*version.criteria, odd])]
    )
    document = example_document()
    result = evaluate_table(scheme, pa.Table.from_pylist([document, {**document, "costs": []}]))
    assert route_of(result) == "rows"
    assert refused_by(result) == "version 2025-01-01: no kernel for HasCosts"
    assert result.column("failed").to_pylist() == [[], ["cost.positive", "costs.labels"]]
    # grantrules simulate says so on stderr before it runs.
    _note_refusals([Scenario("baseline", scheme)])
    assert "no column kernel for example version 2025-01-01: no kernel for HasCosts" in (
        capsys.readouterr().err
    )
    monkeypatch.setenv("GRANTRULES_STRICT", "1")
    with pytest.raises(StrictModeError, match="HasCosts"):
        evaluate_table(attrs.evolve(scheme), pa.Table.from_pylist([document]))


def test_rules_on_constants_and_parameters_only() -> None:
    """A condition that is the same for every row (no input read) is one value, broadcast."""
    scheme = example_scheme()
    version = scheme.versions[0]
    constant = Criterion(
        "always.open",
        (const(True) & ~const(False)) | const(False),
        basis=version.criteria[0].basis,
        failed={"fr": "Fermé.", "en": "Closed."},
        applies_if=const(True),
    )
    scheme = attrs.evolve(
        scheme, versions=[attrs.evolve(version, criteria=[*version.criteria, constant])]
    )
    documents = [example_document(), {**example_document(), "costs": []}]
    check_rows(scheme, documents, pa.Table.from_pylist(documents))


def test_empty_table_and_arguments() -> None:
    scheme = example_scheme()
    empty = evaluate_table(scheme, pa.table({"id": pa.array([], pa.string())}))
    assert empty.num_rows == 0
    assert empty.schema.equals(output_schema(scheme))
    with pytest.raises(InvalidArgument, match="pyarrow Table"):
        evaluate_table(scheme, [example_document()])  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="Scheme"):
        evaluate_table("example", pa.table({}))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"datetime\.date"):
        evaluate_table(scheme, pa.table({}), on="2025-01-01")  # type: ignore[arg-type]


def test_decision_of_explains_a_row() -> None:
    scheme, document = example_scheme(), example_document()
    table = pa.Table.from_pylist([document, {**document, "costs": []}])
    decision = decision_of(scheme, table.slice(1, 1), lang="en")
    assert [c.message for c in decision.failed] == ["No cost."]
    assert decision_of(scheme, table.to_pylist()[0]).award.amount == Decimal("600.00")
    with pytest.raises(InvalidArgument, match="one row"):
        decision_of(scheme, table)


@pytest.mark.parametrize(
    "days",
    [
        # One version, a year apart: one group, decided without counting the days.
        [datetime.date(2025, 1, 2), datetime.date(2025, 12, 30)],
        # Both versions in one batch, and the first day of the second.
        [datetime.date(2025, 12, 31), datetime.date(2026, 1, 1), datetime.date(2026, 6, 1)],
        # Days far apart (sorted, not counted) on both sides of the change.
        [datetime.date(2025, 2, 1), datetime.date(2026, 2, 1) + datetime.timedelta(days=9000)],
    ],
)
def test_rows_of_one_batch_go_to_the_version_of_their_day(
    sports: Scheme, days: list[datetime.date]
) -> None:
    base = {
        "applicant": {
            "name": "Union sportive d'Exempleville",
            "siren": "775672272",
            "legal_category": "9220",
            "commune_code": "99999",
            "members": 120,
        },
        "project": {"title": "Tapis de judo", "start_date": "2025-04-01", "end_date": "2025-09-30"},
        "costs": [
            {"category": "equipment", "label": "Tapis", "amount_excl_vat": "8000.00"},
            {"category": "installation", "label": "Pose", "amount_excl_vat": "2000.01"},
        ],
    }
    documents = [
        {**base, "id": f"S-{i}", "submitted_on": day.isoformat()} for i, day in enumerate(days * 3)
    ]
    result = evaluate_table(sports, pa.Table.from_pylist(documents))
    assert route_of(result) == "columnar"
    check_rows(sports, documents, pa.Table.from_pylist(documents))
    versions = result.column("scheme_version").to_pylist()
    assert versions == [evaluate(sports, d).provenance.scheme_version for d in documents]
    assert len(set(versions)) == (1 if days[-1].year == 2025 else 2)
