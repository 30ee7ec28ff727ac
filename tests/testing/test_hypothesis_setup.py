"""grantrules' Hypothesis entry point: profiles and type strategies."""

from __future__ import annotations

import os
import subprocess
import sys

from hypothesis import settings

from grantrules.testing._hypothesis_setup import CI_EXAMPLES, DEV_EXAMPLES


def test_profiles_are_registered() -> None:
    assert settings.get_profile("dev").max_examples == DEV_EXAMPLES == 50
    ci = settings.get_profile("ci")
    assert ci.max_examples == CI_EXAMPLES == 1000
    assert ci.derandomize
    assert ci.database is None


def _profile_in_a_fresh_process(**env: str) -> str:
    code = (
        "from hypothesis import settings; print(settings._current_profile, settings().max_examples)"
    )
    # A bare environment: Hypothesis also detects CI from vendor variables (GITHUB_ACTIONS...).
    bare = {"PATH": os.environ.get("PATH", ""), **env}
    done = subprocess.run([sys.executable, "-c", code], env=bare, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_ci_loads_the_extended_ci_profile() -> None:
    assert _profile_in_a_fresh_process(CI="true") == "ci 1000"


def test_without_ci_the_default_profile_stays() -> None:
    assert _profile_in_a_fresh_process() == "default 100"
