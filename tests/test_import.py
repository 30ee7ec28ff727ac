"""Importing grantrules: every module imports first, and ``import grantrules`` stays light.

Import time itself is measured, not asserted (``bench/bench_import.py``); this checks what
makes it: the modules the import must not load (issue 16, item 6).

An import cycle shows only when a module of the cycle is the first one imported
(``python -c "import grantrules._check_cli"`` once failed while ``import grantrules.cli``
worked), so the suite's own imports, in whatever order they come, cannot catch it.  One
subprocess per module would take a minute; instead one subprocess imports every module, each
after forgetting every grantrules module already imported, so that each comes first.  Third-
party modules stay loaded: a cycle can only run through grantrules' own modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

#: Loaded on first use: the compiler by the first evaluation, cattrs by the first document,
#: Babel by the first rate formatted or amount parsed, importlib.metadata by the first scheme
#: looked up, tomllib and importlib.resources by the first parameter file, difflib by the first
#: unknown parameter name; calendar (and locale with it) is not needed at all.
DEFERRED = (
    "grantrules._engine.compiled",
    "grantrules._engine.codegen",
    "grantrules.serde",
    "cattrs",
    "babel",
    "importlib.metadata",
    "importlib.resources",
    "tomllib",
    "difflib",
    "calendar",
    "locale",
)


def _loaded_by_import() -> set[str]:
    script = (
        "import sys; before = set(sys.modules); import grantrules; "
        "print('\\n'.join(sorted(set(sys.modules) - before)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return set(done.stdout.split())


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    return _loaded_by_import()


def test_the_import_loads_grantrules(loaded: set[str]) -> None:
    assert {"grantrules", "grantrules.evaluate", "grantrules.money"} <= loaded


@pytest.mark.parametrize("module", DEFERRED)
def test_the_import_defers(loaded: set[str], module: str) -> None:
    assert module not in loaded


_SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys, traceback
    from importlib.machinery import SourceFileLoader

    # Each module is compiled once, not once per import (bytecode is not always written).
    compiled = {}
    read = SourceFileLoader.get_code
    SourceFileLoader.get_code = lambda loader, name: (
        compiled[name] if name in compiled else compiled.setdefault(name, read(loader, name))
    )

    import grantrules

    names = [info.name for info in pkgutil.walk_packages(grantrules.__path__, "grantrules.")]
    failures, missing = {}, {}
    for name in ["grantrules", *names]:
        for loaded in [m for m in sys.modules if m == "grantrules" or m.startswith("grantrules.")]:
            del sys.modules[loaded]
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] != "grantrules":
                missing[name] = exc.name  # an extra that is not installed here
            else:
                failures[name] = traceback.format_exc()
        except Exception:
            failures[name] = traceback.format_exc()
    print(json.dumps({"names": names, "failures": failures, "missing": missing}))
    """
)


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=600, check=True
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert "grantrules.cli" in report["names"]
    assert "grantrules.expressions._nodes" in report["names"]
    assert report["failures"] == {}, "\n".join(report["failures"].values())
