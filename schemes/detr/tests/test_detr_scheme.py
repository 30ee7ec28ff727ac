"""The DETR scheme package: registration, public imports only, examples, the call, the
generated applications, and the French it renders."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from grantrules import Euro, evaluate, installed_schemes, load_scheme
from grantrules.authoring import param
from grantrules.cli import main
from grantrules.expressions import RenderContext
from grantrules.render import scheme_markdown
from grantrules.testing.strategies import applications

PACKAGE = Path(__file__).parents[1] / "src" / "detr"
EXAMPLES = Path(__file__).parents[1] / "examples"
SCHEME = load_scheme("detr")
NBSP, NNBSP = "\u00a0", "\u202f"


def _example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / name).read_text("utf-8"))
    return document


def test_the_scheme_is_registered_beside_the_ami() -> None:
    assert {"detr", "ami-ia-hdf"} <= set(installed_schemes())
    assert SCHEME.distribution is not None
    assert SCHEME.distribution[0] == "grantrules-detr"
    listed = CliRunner().invoke(main, ["schemes"], env={"GRANTRULES_LANG": None})
    assert listed.exit_code == 0
    assert "detr" in listed.stdout
    assert "ami-ia-hdf" in listed.stdout


def _imports(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
    return found


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_the_package_imports_only_the_public_author_namespace(module: Path) -> None:
    for source, name in _imports(module):
        if source.startswith("grantrules"):
            assert source == "grantrules.authoring", f"{module.name} imports {source}"
        assert not name.startswith("_"), f"{module.name} imports the private {source}.{name}"
        assert source.split(".")[0] in {
            "__future__",
            "attrs",
            "datetime",
            "detr",
            "functools",
            "grantrules",
            "importlib",
            "typing",
        }, f"{module.name} imports {source}"


def test_the_commune_example() -> None:
    decision = evaluate(SCHEME, _example("bray-sur-somme-ecole.json"))
    assert decision.eligible
    assert decision.award == Euro("76800.00")
    assert decision.derived["commission_opinion"] is False
    assert [c.id for c in decision.warnings] == ["costs.ineligible_lines"]


def test_the_epci_example_sums_its_members_inhabitants() -> None:
    decision = evaluate(SCHEME, _example("cc-val-de-somme-voirie.json"))
    assert decision.eligible
    assert decision.award == Euro("132000.00")
    assert decision.derived["commission_opinion"] is True
    assert decision.criterion("applicant.epci_size").inputs["epci_population"] == 31023
    assert "commission_opinion" in {o.id for o in decision.obligations}


def test_a_grant_is_rounded_down_to_the_euro_and_says_so() -> None:
    document = _example("bray-sur-somme-ecole.json")
    document["instruction"]["granted_amount"] = "76800.99"
    assert evaluate(SCHEME, document).award == Euro("76800.00")
    award = SCHEME.versions[0].amount("award")
    assert award.rounding.label("fr") == "arrondi à l'euro inférieur"


def test_the_prefects_derogation_is_named_in_the_outcome() -> None:
    document = _example("bray-sur-somme-ecole.json")
    document["financing"] = [
        {"source": "department", "amount": "120000.00"},
        {"source": "region", "amount": "40000.00"},
        {"source": "own_funds", "amount": "35000.00"},
    ]
    document["instruction"]["own_share_derogation"] = "protected_heritage"
    decision = evaluate(SCHEME, document)
    own_share = decision.criterion("financing.own_share")
    assert own_share.exception == "derogation_prefet"
    assert own_share.message == (
        f"Dérogation du préfet (monument protégé) : la participation minimale de 20{NBSP}% ne "
        "s'applique pas."
    )
    assert decision.award == Euro("35000.00")


def _call(tmp_path: Path, *extra: str) -> Any:
    tmp_path.mkdir(exist_ok=True)
    database = tmp_path / "detr.sqlite"
    result = CliRunner().invoke(
        main,
        [
            "call",
            "run",
            "--scheme",
            "detr",
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


def test_the_call_takes_the_envelope_of_its_campaign(tmp_path: Path) -> None:
    _, latest = _call(tmp_path / "latest")
    _, first = _call(tmp_path / "first", "--on", "2024-12-01")
    assert latest.exit_code == first.exit_code == 0, latest.output
    # By default the call is dated by its latest submission (2025-11-03): the 2026 envelope.
    assert json.loads(latest.stdout)["envelope"] == "8500000.00"
    assert json.loads(first.stdout)["envelope"] == "9000000.00"


def test_the_prefects_amount_through_the_call_engine(tmp_path: Path) -> None:
    database, result = _call(tmp_path)
    pending = {a["id"]: a for a in json.loads(result.stdout)["applications"]}
    assert pending["DETR-2025-0104"]["status"] == "awaiting_instruction"
    instructed = CliRunner().invoke(
        main,
        [
            "call",
            "instruct",
            str(database),
            "DETR-2025-0104",
            "granted_amount=20800.00",
            "--scheme",
            "detr",
        ],
        env={"GRANTRULES_LANG": None},
    )
    assert instructed.exit_code == 0, instructed.output
    assert "20800.00" in instructed.stdout


def test_generated_applications_reach_eligibility() -> None:
    """The invariant suite's generator reaches eligible DETR applications with a grant."""
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
    # 12 of 150 today (derandomised), starting from the solver's witnesses; the invariant
    # suite's vacuity guard checks that the award invariants are reached often enough.
    assert seen["eligible"] >= 10, seen
    # A plan leaving no room for State aid is refused (award.positive): eligible means granted.
    assert seen["granted"] == seen["eligible"], seen


def test_the_reglement_reads_correctly_in_french() -> None:
    text = scheme_markdown(SCHEME, "fr")
    # One rate format: « 80 % » with a no-break space, in rules and parameter tables alike.
    assert f"80{NBSP}%" in text
    assert "80%" not in text
    # A combination of rates in brackets, with 100 % as a rate.
    assert (
        f"(100{NBSP}% − la participation minimale du maître d'ouvrage) du financement public du "
        "projet (arrondi à l'euro inférieur)"
    ) in text
    # Codes by their labels.
    assert "« rénovation énergétique des bâtiments scolaires »" in text
    assert "school_energy_renovation »" not in text
    # Nested extrema read as lists, « de » contracted, a rate named « appliqué à » its base.
    assert (
        "le plus petit des montants suivants : le taux maximal de subvention appliqué à la "
        "dépense subventionnable (arrondi à l'euro inférieur), la marge d'aide publique et le "
        "montant "
        "retenu par le préfet, le tout arrondi à l'euro inférieur"
    ) in text
    assert " de le " not in text
    assert " de les " not in text
    assert ": renseigné" not in text
    # The award's rounding is stated once, in words.
    assert "le tout arrondi à l'euro inférieur" in text
    # Amounts with the narrow no-break space between thousands.
    assert f"100{NNBSP}000,00{NBSP}€" in text


def test_a_failed_epci_reads_its_figures_in_french_and_english() -> None:
    document = _example("cc-val-de-somme-voirie.json")
    document["applicant"]["members"][8]["population"] = 15001
    french = evaluate(SCHEME, document).criterion("applicant.epci_size")
    assert french.message == (
        f"Un EPCI n'est éligible que s'il compte au plus 50{NNBSP}000 habitants "
        f"(39{NNBSP}714 déclarés), sans commune membre de plus de 15{NNBSP}000 habitants "
        "(au-delà : 80212), sur un territoire d'un seul tenant et sans enclave."
    )
    english = evaluate(SCHEME, document, lang="en").criterion("applicant.epci_size")
    assert english.message == (
        "An EPCI is eligible only with at most 50,000 inhabitants (39,714 declared), no member "
        "commune above 15,000 inhabitants (above: 80212), on a territory in one piece without "
        "enclave."
    )


def test_an_own_share_failure_names_the_co_funders_in_agreement() -> None:
    document = _example("bray-sur-somme-ecole.json")
    document["financing"] = [
        {"source": "department", "amount": "120000.00"},
        {"source": "region", "amount": "40000.00"},
        {"source": "own_funds", "amount": "35000.00"},
    ]
    result = evaluate(SCHEME, document).criterion("financing.own_share")
    assert result.message == (
        f"La participation du maître d'ouvrage (35{NNBSP}000,00{NBSP}€) doit atteindre "
        f"20{NBSP}% des financements publics : les autres financements publics "
        f"(160{NNBSP}000,00{NBSP}€) et la subvention DETR (0,00{NBSP}€) ne lui laissent pas "
        "cette part."
    )
    # A rule generated on the same labels: a plural label takes a plural verb, « de »
    # elides before a vowel.
    version = SCHEME.versions[0]
    rule = version.amount("other_public_funding") < param("envelope")
    assert rule.render(RenderContext("fr", version.all_labels())) == (
        "les autres financements publics restent en deçà de l'enveloppe départementale de la DETR"
    )


def test_every_reader_sums_the_inhabitants_of_an_epci() -> None:
    """The columnar backend and the analyser read sum_of(..., unit="count") as evaluate()."""
    pytest.importorskip("pyarrow")
    pytest.importorskip("z3")
    import datetime

    from grantrules.batch import evaluate_table, route_of, typed_table
    from grantrules.prove import check

    documents = []
    for population in (15000, 15001):
        document = _example("cc-val-de-somme-voirie.json")
        document["applicant"]["members"][8]["population"] = population
        documents.append(document)
    table = evaluate_table(SCHEME, typed_table(SCHEME, documents))
    assert route_of(table) == "columnar"
    assert [row["eligible"] for row in table.to_pylist()] == [True, False]
    assert [evaluate(SCHEME, d).eligible for d in documents] == [True, False]

    report = check(SCHEME, on=datetime.date(2025, 1, 20), max_items=2)
    statuses = {r.id: r.status for r in report.invariants}
    assert statuses["award_within_rate"] == "proved"
    assert statuses["award_whole_cents"] == "proved"
    reached = {(w.criterion, w.outcome) for w in report.witnesses if w.status == "found"}
    assert ("applicant.epci_size", "passed") in reached
    assert ("applicant.epci_size", "failed") in reached
    # A département's prefix ("80") is padded to the width of a commune code: the analyser
    # reaches a seat in the département, hence an eligible application with a grant.
    assert ("applicant.location", "passed") in reached
    assert report.eligible.status == "found"


def test_the_report_reads_the_prefects_amount_as_money() -> None:
    from grantrules.render import decision_text

    decision = evaluate(SCHEME, _example("bray-sur-somme-ecole.json"))
    text = decision_text(decision, "fr", scheme=SCHEME)
    assert f"instruction.granted_amount = 76{NNBSP}800,00{NBSP}€" in text
    assert "76800.00" not in text


def test_the_columnar_backend_reads_an_amount_not_yet_granted() -> None:
    """A null optional amount in a batch is a missing input, never a float NaN."""
    pytest.importorskip("pyarrow")
    import warnings

    from grantrules.serde import structure_application
    from grantrules.testing._batch import batch_matches_evaluate
    from grantrules.testing.invariants import Subject

    granted = _example("bray-sur-somme-ecole.json")
    pending = _example("bray-sur-somme-ecole.json")
    pending["instruction"] = {"own_share_derogation": "school_energy_renovation"}
    apps = [structure_application(SCHEME, d) for d in (granted, pending)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch_matches_evaluate(Subject(SCHEME), apps)
