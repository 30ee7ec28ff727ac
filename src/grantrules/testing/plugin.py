"""The grantrules pytest plugin, loaded through the ``pytest11`` entry point.

* ``--grantrules-scheme=ID`` (repeatable, comma-separated, or ``all``) adds the invariant
  suite of each scheme as test items ``grantrules-invariants[ID]::<invariant>``, marked
  ``grantrules_invariant`` (select them alone with ``-m grantrules_invariant``).
* The ``scheme`` fixture gives the schemes named by ``@pytest.mark.scheme("ID", ...)``, else
  those of ``--grantrules-scheme``, else every installed scheme (the test is parametrized).
* ``test_*.toml`` files holding ``[[case]]`` tables are collected as scheme test cases (see
  :mod:`grantrules.testing._cases` for the format).

The plugin loads in every pytest run of an environment where grantrules is installed, so this
module imports nothing heavy: Hypothesis and the rest of grantrules load only when a scheme,
a case file or the option is actually used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from grantrules.scheme import Scheme

_OPTION = "--grantrules-scheme"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grantrules", "grantrules schemes")
    group.addoption(
        _OPTION,
        action="append",
        default=[],
        metavar="ID",
        dest="grantrules_schemes",
        help="run the grantrules invariant suite on this installed scheme "
        "(repeatable; 'all' for every installed scheme; 'module:attribute' also works)",
    )
    parser.addini(
        "grantrules_min_reach",
        type="linelist",
        default=[],
        help="how many generated examples must reach each invariant of the suite: a line N "
        "for every scheme, ID=N for one (default: 2% of max_examples, at most 20)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "scheme(*ids): the schemes the `scheme` fixture gives this test "
        "(installed ids or 'module:attribute')",
    )
    config.addinivalue_line(
        "markers", "grantrules_invariant: an item of the grantrules invariant suite"
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix == ".toml" and file_path.name.startswith("test_"):
        from grantrules.testing._cases import CaseFile

        collector: pytest.Collector = CaseFile.from_parent(parent, path=file_path)
        return collector
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    options = config.getoption("grantrules_schemes")
    if options:
        from grantrules.testing._resolve import scheme_ids
        from grantrules.testing._suite import invariant_items

        items.extend(invariant_items(session, scheme_ids(options)))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Per invariant of the suite, how many generated examples reached its check, and whether
    the examples started from the solver's witnesses."""
    rows = [
        (report.nodeid, value)
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == "grantrules_reach"
    ]
    if not rows:
        return
    terminalreporter.section("grantrules invariants: examples that reached each check")
    from grantrules.testing.strategies import witness_seeding

    why_not = witness_seeding()
    terminalreporter.write_line(
        "examples start from the solver's witnesses too (each one tried as it is, then moved)"
        if why_not is None
        else f"the generator alone draws the examples: {why_not}"
    )
    width = max(len(nodeid) for nodeid, _ in rows)
    for nodeid, (reached, examples) in sorted(rows):
        terminalreporter.write_line(f"{nodeid:<{width}}  {reached:>5} of {examples}")


def _owns_scheme_fixture(metafunc: pytest.Metafunc) -> bool:
    """Whether ``scheme`` in this test is this plugin's fixture (a conftest may override it)."""
    # pytest keeps a test's fixture definitions in a private attribute; without it (a future
    # pytest), err on the side of not parametrizing.
    definitions: Any = getattr(metafunc, "_arg2fixturedefs", {}).get("scheme")
    ours = getattr(scheme, "__wrapped__", None)
    return bool(definitions) and definitions[-1].func is ours


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "scheme" not in metafunc.fixturenames or not _owns_scheme_fixture(metafunc):
        return
    marker = metafunc.definition.get_closest_marker("scheme")
    if marker is not None:
        ids = [str(arg) for arg in marker.args]
    else:
        from grantrules.registry import installed_schemes
        from grantrules.testing._resolve import scheme_ids

        ids = scheme_ids(metafunc.config.getoption("grantrules_schemes")) or list(
            installed_schemes()
        )
    metafunc.parametrize("scheme", ids, indirect=True, ids=ids)


@pytest.fixture
def scheme(request: pytest.FixtureRequest) -> Scheme:
    """The scheme under test (see the module documentation for which ones)."""
    from grantrules.testing._resolve import resolve_scheme

    spec: Any = getattr(request, "param", None)
    if spec is None:
        pytest.fail("the scheme fixture needs @pytest.mark.scheme('ID') or --grantrules-scheme")
    return resolve_scheme(str(spec), Path(str(request.path)).parent)
