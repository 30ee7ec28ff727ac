"""The grantrules pytest plugin: case files, the invariant option, the scheme fixture."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from grantrules.testing._cases import CaseFormatError, delete, patch
from grantrules.testing._resolve import scheme_ids

pytest_plugins = ["pytester"]

HERE = Path(__file__).parent
SPORTS_FILE = (HERE.parent / "schemes" / "sports.py").resolve()
SPORTS = f"{SPORTS_FILE}:SCHEME"
EXAMPLE = json.loads((HERE / "data" / "sports-club.json").read_text(encoding="utf-8"))


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "club.json").write_text(json.dumps(EXAMPLE), encoding="utf-8")
    pytester.makeini("[pytest]\naddopts = -p no:cacheprovider\n")
    return pytester


def _cases(pytester: pytest.Pytester, body: str, name: str = "test_cases") -> None:
    pytester.makefile(".toml", **{name: f'scheme = "{SPORTS}"\ninput = "club.json"\n{body}'})


def test_passing_cases(project: pytest.Pytester) -> None:
    _cases(
        project,
        """
[[case]]
name = "eligible"
[case.expected]
eligible = true
award = "5000.00"

[[case]]
name = "too cheap"
patch = { "costs[0].amount_excl_vat" = "1.00", "costs[1].amount_excl_vat" = "1.00" }
[case.expected]
eligible = false
failed = ["project.min_cost"]
""",
    )
    result = project.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_cases.toml::eligible PASSED*"])


def test_a_failing_case_names_criterion_values_and_basis(project: pytest.Pytester) -> None:
    _cases(
        project,
        """
[[case]]
name = "wrong"
[case.expected]
failed = ["call.window"]
award = "5000.01"
outcomes = { "project.min_cost" = "failed" }
size = "small"
""",
    )
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*case 'wrong' (test_cases.toml) failed:*",
            "*failed: expected [[]'call.window'], got [[]]*",
            "*basis: Délibération du conseil municipal n° 2024-112, art. 6*",
            "*criterion project.min_cost: expected 'failed', got 'passed'*",
            "*amount award: expected '5000.01', got '5000.00'*",
            "*formula: le plus petit des montants suivants : 50*du coût éligible*",
            "*size: expected 'small', got 'large'*",
        ]
    )


def test_malformed_cases_are_reported(project: pytest.Pytester) -> None:
    _cases(project, '[[case]]\nname = "x"\nbogus = 1\n[case.expected]\neligible = true\n')
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*unknown: [[]'bogus']*"])


def test_other_toml_files_are_left_alone(project: pytest.Pytester) -> None:
    project.makefile(".toml", test_settings="[tool]\nvalue = 1\n")
    project.runpytest().assert_outcomes()


def test_the_option_runs_the_invariant_suite(project: pytest.Pytester) -> None:
    result = project.runpytest(
        f"--grantrules-scheme={SPORTS}", "--hypothesis-profile=dev", "-q", "--co"
    )
    result.stdout.fnmatch_lines([f"grantrules-invariants[[]{SPORTS}]::award_non_negative"])
    result = project.runpytest(
        f"--grantrules-scheme={SPORTS}",
        "-m",
        "grantrules_invariant",
        "-k",
        "award_non_negative or deterministic",
    )
    result.assert_outcomes(passed=2)


def test_a_broken_scheme_fails_its_invariants(project: pytest.Pytester) -> None:
    project.makepyfile(
        broken=f"""
import sys
sys.path.insert(0, {str(HERE)!r})
from grantrules.testing._resolve import _module
from sports_variants import variants
from pathlib import Path
SCHEME = variants(_module({str(SPORTS_FILE)!r}, Path(".")))["an extra cent"]
"""
    )
    project.makeconftest(
        "from hypothesis import Phase, settings\n"
        "settings.register_profile('quick', max_examples=100, derandomize=True, database=None,"
        " phases=[Phase.explicit, Phase.generate, Phase.shrink])\n"
    )
    result = project.runpytest(
        "--grantrules-scheme=broken.py:SCHEME",
        "-k",
        "award_within_rate",
        "--hypothesis-profile=quick",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*invariant award_within_rate fails on scheme 'broken.py:SCHEME'*",
            "*[[]award_within_rate]*",
        ]
    )


def test_the_scheme_fixture_and_marker(project: pytest.Pytester) -> None:
    project.makepyfile(
        f"""
import pytest

@pytest.mark.scheme({SPORTS!r})
def test_marked(scheme):
    assert scheme.id == "sports-equipment"

def test_option(scheme):
    assert scheme.id == "sports-equipment"
"""
    )
    result = project.runpytest(f"--grantrules-scheme={SPORTS}", "-m", "not grantrules_invariant")
    result.assert_outcomes(passed=2)


def test_a_conftest_scheme_fixture_wins(project: pytest.Pytester) -> None:
    project.makeconftest("import pytest\n@pytest.fixture\ndef scheme():\n    return 'mine'\n")
    project.makepyfile("def test_own(scheme):\n    assert scheme == 'mine'\n")
    project.runpytest().assert_outcomes(passed=1)


def test_scheme_ids_expand_all_and_commas() -> None:
    assert scheme_ids(["a,b", "b"]) == ["a", "b"]
    assert "ami-ia-hdf" in scheme_ids(["all"]) or scheme_ids(["all"]) == []


def test_patch_and_delete() -> None:
    document: dict[str, Any] = json.loads(json.dumps(EXAMPLE))
    patch(
        document,
        {
            "applicant": {"members": 3},
            "costs[-1].label": "Pose du tapis",
            "costs[+]": {"label": "Car", "amount_excl_vat": "1.00", "category": "travel"},
            "project.tags": ["a", "b"],
        },
    )
    assert document["applicant"]["members"] == 3
    assert document["applicant"]["siren"]
    assert document["costs"][1]["label"] == "Pose du tapis"
    assert document["costs"][2]["category"] == "travel"
    assert document["project"]["tags"] == ["a", "b"]
    delete(document, ["costs[0]", "costs[2]", "applicant.members"])
    assert [c["label"] for c in document["costs"]] == ["Pose du tapis"]
    assert "members" not in document["applicant"]
    with pytest.raises(CaseFormatError, match="does not exist"):
        patch(document, {"nothing[3].x": 1})
    with pytest.raises(CaseFormatError, match="cannot read the path"):
        patch(document, {"a..b": 1})


def test_the_plugin_module_is_import_light() -> None:
    code = "import sys, grantrules.testing.plugin; print('hypothesis' in sys.modules)"
    env_free = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert env_free.stdout.strip() == "False"


def _unreachable(project: pytest.Pytester) -> None:
    project.makepyfile(
        unreachable=f"""
import sys
sys.path.insert(0, {str(HERE)!r})
from grantrules.testing._resolve import _module
from sports_variants import unreachable, with_invariants, within_rate
from pathlib import Path
sports = _module({str(SPORTS_FILE)!r}, Path("."))
SCHEME = with_invariants(unreachable(sports), within_rate(sports))
"""
    )
    project.makeconftest(
        "from hypothesis import settings\n"
        "settings.register_profile('quick', max_examples=50, derandomize=True, database=None)\n"
    )


def test_a_scheme_nothing_can_satisfy_fails_as_vacuous(project: pytest.Pytester) -> None:
    _unreachable(project)
    arguments = ["--grantrules-scheme=unreachable.py:SCHEME", "--hypothesis-profile=quick"]
    result = project.runpytest(*arguments, "-k", "award_within_rate or scheme.within_rate")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*invariant award_within_rate fails on scheme 'unreachable.py:SCHEME'*",
            "*vacuous on scheme*reached by 0 of * examples, fewer than the 1 required*",
            "*project.below_min_cost (*",
            "*grantrules invariants: examples that reached each check*",
            "*::award_within_rate *0 of *",
            "*::scheme.within_rate *0 of *",
        ]
    )
    # The ini option turns the guard off, for every scheme or for one.
    for line in ("0", "unreachable.py:SCHEME=0"):
        project.makeini(f"[pytest]\naddopts = -p no:cacheprovider\ngrantrules_min_reach = {line}\n")
        project.runpytest(*arguments, "-k", "award_within_rate").assert_outcomes(passed=1)
    project.makeini("[pytest]\ngrantrules_min_reach = other-scheme=0\n")
    project.runpytest(*arguments, "-k", "award_within_rate").assert_outcomes(failed=1)
    project.makeini("[pytest]\ngrantrules_min_reach = twenty\n")
    result = project.runpytest(*arguments, "-k", "award_within_rate")
    result.stdout.fnmatch_lines(["*grantrules_min_reach: expected a whole number*"])
