"""The SME investment aid package: registration, public imports only, parameters with their
basis, the examples, the size class in messages, the instructor input through the call
engine, the generated applications, and the French it renders."""

from __future__ import annotations

import ast
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from grantrules import Euro, evaluate, installed_schemes, load_scheme
from grantrules.cli import main
from grantrules.render import scheme_markdown
from grantrules.testing.strategies import applications

PACKAGE = Path(__file__).parents[1] / "src" / "pme_invest_hdf"
EXAMPLES = Path(__file__).parents[1] / "examples"
SCHEME = load_scheme("pme-invest-hdf")
NBSP, NNBSP = "\u00a0", "\u202f"


def _example(name: str = "usinage-amiens-small.json") -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / name).read_text("utf-8"))
    return document


def test_the_scheme_is_registered_beside_the_others() -> None:
    assert {"pme-invest-hdf", "detr", "ami-ia-hdf"} <= set(installed_schemes())
    assert SCHEME.distribution is not None
    assert SCHEME.distribution[0] == "grantrules-pme-invest-hdf"
    listed = CliRunner().invoke(main, ["schemes"], env={"GRANTRULES_LANG": None})
    assert listed.exit_code == 0
    assert "pme-invest-hdf" in listed.stdout


def _imports(path: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found += [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
    return found


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_the_package_imports_only_the_public_author_namespace(module: Path) -> None:
    text = module.read_text("utf-8")
    assert "noqa" not in text
    for source, name in _imports(module):
        if source.startswith("grantrules"):
            assert source == "grantrules.authoring", f"{module.name} imports {source}"
        assert not name.startswith("_"), f"{module.name} imports the private {source}.{name}"
        assert source.split(".")[0] in {
            "__future__",
            "attrs",
            "datetime",
            "functools",
            "grantrules",
            "importlib",
            "pme_invest_hdf",
            "typing",
        }, f"{module.name} imports {source}"


def test_every_parameter_value_has_a_basis_and_a_reliability() -> None:
    parameters = SCHEME.versions[0].parameters
    for name in parameters:
        for dated in parameters[name].values:
            assert dated.basis is not None, name
            assert dated.basis.reliability in {"verified", "inferred"}, name
    # The notification threshold is dated: 7.5 M before Regulation 2023/1315, 8.25 M since.
    threshold = parameters["notification_threshold"]
    assert threshold.at(datetime.date(2023, 6, 30)) == Euro("7500000.00")
    assert threshold.at(datetime.date(2023, 7, 1)) == Euro("8250000.00")


def test_the_small_example_names_its_size_class() -> None:
    decision = evaluate(SCHEME, _example())
    assert decision.eligible
    assert decision.award == Euro("63750.00")
    assert decision.derived["size_class"] == "small"
    assert decision.criterion("applicant.sme").message == (
        f"Catégorie d'entreprise : petite entreprise (42 UTA, chiffre d'affaires "
        f"8{NNBSP}200{NNBSP}000,00{NBSP}€, total de bilan 5{NNBSP}500{NNBSP}000,00{NBSP}€, "
        "entreprises liées et partenaires comprises)."
    )
    english = evaluate(SCHEME, _example(), lang="en").criterion("applicant.sme")
    assert english.message.startswith("Size class: small (42 AWU, turnover €8,200,000.00")


def test_the_medium_example_in_a_zone_applies_the_exception() -> None:
    decision = evaluate(SCHEME, _example("verrerie-maubeuge-medium-zone.json"))
    assert decision.eligible
    assert decision.derived["size_class"] == "medium"
    assert decision.derived["in_regional_aid_zone"] is True
    # 10 % + 10 points in the zone = 20 % of 1,280,000.00; the ceiling of 200,000.00 binds.
    max_aid = next(a for a in decision.amounts if a.id == "max_aid")
    assert max_aid.value == Euro("256000.00")
    assert max_aid.exception == "zone_afr"
    assert decision.award == Euro("200000.00")
    rate = decision.criterion("instruction.rate_within_intensity")
    assert rate.exception == "zone_afr"
    assert rate.message == (
        "Établissement en zone d'aide à finalité régionale (Maubeuge) : le taux retenu "
        f"(20{NBSP}%) respecte l'intensité majorée de 10{NBSP}%."
    )
    assert "publication" in {o.id for o in decision.obligations}


def test_a_large_undertaking_is_refused_with_its_figures() -> None:
    document = _example()
    document["applicant"]["staff_headcount"] = 240
    decision = evaluate(SCHEME, document, lang="en")
    assert not decision.eligible
    assert decision.derived["size_class"] == "large"
    assert decision.criterion("applicant.sme").message == (
        "The undertaking is not an SME: an SME has fewer than 250 AWU and at most "
        "€50,000,000.00 of turnover or €43,000,000.00 of balance-sheet total; its linked and "
        "partner enterprises included, it has 250 AWU, €8,200,000.00 of turnover and "
        "€5,500,000.00 of balance-sheet total."
    )
    french = evaluate(SCHEME, document).criterion("instruction.rate_within_intensity")
    assert french.message == (
        f"Le taux retenu (15{NBSP}%) dépasse l'intensité maximale pour une grande entreprise : "
        f"l'aide est plafonnée à 42{NNBSP}500,00{NBSP}€."
    )


def test_the_award_is_rounded_down_to_the_euro_and_says_so() -> None:
    document = _example()
    document["costs"][0]["amount_excl_vat"] = "380006.66"
    assert evaluate(SCHEME, document).award == Euro("63750.00")
    award = SCHEME.versions[0].amount("award")
    assert award.rounding.label("fr") == "arrondi à l'euro inférieur"


def _call(tmp_path: Path, *extra: str) -> Any:
    tmp_path.mkdir(exist_ok=True)
    database = tmp_path / "pme.sqlite"
    result = CliRunner().invoke(
        main,
        [
            "call",
            "run",
            "--scheme",
            "pme-invest-hdf",
            str(EXAMPLES / "call.jsonl"),
            "--db",
            str(database),
            "--format",
            "json",
            *extra,
        ],
        env={"GRANTRULES_LANG": None},
    )
    return database, result


def test_the_call_takes_the_envelope_of_its_year(tmp_path: Path) -> None:
    _, latest = _call(tmp_path / "latest")
    _, first = _call(tmp_path / "first", "--on", "2025-06-01")
    assert latest.exit_code == first.exit_code == 0, latest.output
    # By default the call is dated by its latest submission (2026-02-09): the 2026 envelope.
    assert json.loads(latest.stdout)["envelope"] == "5000000.00"
    assert json.loads(first.stdout)["envelope"] == "6000000.00"


def test_a_missing_rate_is_named_then_supplied_through_the_call_engine(tmp_path: Path) -> None:
    document = _example()
    del document["instruction"]["aid_rate"]
    pending = evaluate(SCHEME, document).criterion("instruction.aid_rate")
    assert pending.outcome.value == "missing"
    assert "instruction.aid_rate" in pending.inputs or "aid_rate" in pending.message

    database, result = _call(tmp_path)
    assert result.exit_code == 0, result.output
    rows = {a["id"]: a for a in json.loads(result.stdout)["applications"]}
    assert rows["PME-2025-0006"]["status"] == "awaiting_instruction"
    instructed = CliRunner().invoke(
        main,
        [
            "call",
            "instruct",
            str(database),
            "PME-2025-0006",
            "aid_rate=20%",
            "--scheme",
            "pme-invest-hdf",
        ],
        env={"GRANTRULES_LANG": None},
    )
    assert instructed.exit_code == 0, instructed.output
    # 20 % of 280,000.00 (a small enterprise, Saint-Quentin being in the zone: room 84,000.00).
    assert "56000.00" in instructed.stdout


def test_generated_applications_reach_eligibility() -> None:
    """The invariant suite's generator reaches eligible applications with an award."""
    seen = {"all": 0, "eligible": 0, "granted": 0}

    @settings(
        max_examples=150,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(applications(SCHEME))
    def draw(application: Any) -> None:
        decision = evaluate(SCHEME, application)
        seen["all"] += 1
        seen["eligible"] += decision.eligible
        seen["granted"] += decision.eligible and decision.award > Euro.ZERO

    draw()
    assert seen["all"] == 150
    assert seen["eligible"] >= 15, seen
    assert seen["granted"] > 0, seen


def test_the_reglement_reads_correctly_in_french() -> None:
    text = scheme_markdown(SCHEME, "fr")
    assert f"20{NBSP}%" in text
    assert "20%" not in text
    assert "le tout arrondi à l'euro inférieur" in text
    # Codes by their labels: size classes, relations, excluded sectors.
    assert "« micro-entreprise »" in text
    assert "« entreprise partenaire »" in text
    assert "pêche et aquaculture" in text
    assert "fisheries_aquaculture" not in text
    assert " de le " not in text
    assert " de les " not in text
    assert "restent en deçà du seuil d'effectif des PME" in text  # a sum: plural verb


def test_the_analyser_finds_an_eligible_witness_and_proves_the_award_invariants() -> None:
    pytest.importorskip("z3")
    from grantrules.prove import check

    report = check(SCHEME, on=datetime.date(2025, 3, 14), max_items=2)
    statuses = {r.id: r.status for r in report.invariants}
    assert "violated" not in statuses.values(), statuses
    for invariant in (
        "award_within_rate",
        "award_within_ceilings",
        "award_whole_cents",
        "scheme.aid.cumulation",
        "scheme.aid.notification_threshold",
    ):
        assert statuses[invariant] == "proved", statuses
    assert report.eligible.status == "found"
