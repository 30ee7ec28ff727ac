"""``import grantrules`` stays light: what loads only when it is used (issue 16, item 6).

Import time itself is measured, not asserted (``python -X importtime -c 'import grantrules'``);
this checks what makes it: the modules the import must not load.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

#: Loaded on first use: the compiler by the first evaluation, cattrs by the first document,
#: Babel by the first rate formatted or amount parsed, importlib.metadata by the first scheme
#: looked up, tomllib and importlib.resources by the first parameter file.
DEFERRED = (
    "grantrules._engine.compiled",
    "grantrules._engine.codegen",
    "grantrules.serde",
    "cattrs",
    "babel",
    "importlib.metadata",
    "importlib.resources",
    "tomllib",
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
