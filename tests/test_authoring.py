"""One author namespace (issue 14, item 8): a scheme imports everything from it."""

from __future__ import annotations

import ast
import datetime
from importlib.resources import files
from pathlib import Path

import pytest

import grantrules
from grantrules import authoring
from grantrules.errors import InvalidArgument
from grantrules.expressions import RenderContext, field
from grantrules.money import Euro, Rate
from grantrules.parameters import load_parameters

AMI_SOURCES = Path(__file__).parents[1] / "schemes" / "ami_ia_hdf" / "src" / "ami_ia_hdf"


def test_every_name_of_the_namespace_is_public_and_importable() -> None:
    for name in authoring.__all__:
        assert not name.startswith("_")
        assert getattr(authoring, name) is not None
    # The root keeps its own public names; the author namespace has them too, but for the
    # evaluation entry points (evaluate, load_scheme) that a scheme does not call.
    missing = set(grantrules.__all__) - set(authoring.__all__)
    assert missing <= {
        "APPLICATION_ID_PATTERN",
        "AmountResult",
        "ApplicationInvalid",
        "CriterionResult",
        "Decision",
        "GrantRulesError",
        "InvalidArgument",
        "Outcome",
        "SchemeNotFound",
        "__version__",
        "check_application_id",
        "evaluate",
        "installed_schemes",
        "load_scheme",
    }


def test_the_ami_imports_only_the_author_namespace_and_needs_no_noqa() -> None:
    for source in sorted(AMI_SOURCES.glob("*.py")):
        text = source.read_text(encoding="utf-8")
        assert "noqa: E712" not in text, source.name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grantrules"):
                assert node.module == "grantrules.authoring", (source.name, node.module)
                assert all(not alias.name.startswith("_") for alias in node.names)


def test_is_true_and_is_false_build_comparisons() -> None:
    from types import SimpleNamespace

    app = SimpleNamespace(applicant=SimpleNamespace(sgei=True))
    assert field("applicant.sgei").is_true().evaluate(app) is True
    assert field("applicant.sgei").is_false().evaluate(app) is False
    rule = field("applicant.sgei").is_true()
    assert rule.render(RenderContext("en")) == "applicant.sgei equals yes"


def test_typed_parameter_values_replace_the_int_str_dance(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        '[years]\nunit = "count"\n[[years.values]]\nfrom = 2024-01-01\nvalue = 3\n'
        'basis = { title = "R" }\n'
        '[flag]\nunit = "bool"\n[[flag.values]]\nfrom = 2024-01-01\nvalue = true\n'
        'basis = { title = "R" }\n',
        encoding="utf-8",
    )
    parameters = load_parameters(path)
    day = datetime.date(2025, 1, 1)
    assert parameters.value("years", day, int) == 3
    with pytest.raises(InvalidArgument, match="'flag' is a bool on 2025-01-01, not a int"):
        parameters.value("flag", day, int)
    with pytest.raises(InvalidArgument, match="not a Euro"):
        parameters.value("years", day, Euro)


def test_parameters_load_from_a_package_resource() -> None:
    parameters = load_parameters(files("ami_ia_hdf") / "parameters.toml")
    assert parameters.value("feder_rate", datetime.date(2025, 3, 14), Rate) == Rate("60%")


class _Resource:
    """A package resource that is not a path (a file inside a zip, say)."""

    name = "zipped.toml"

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read_text(self, encoding: str) -> str:
        return self.data.decode(encoding)


def test_parameters_load_from_a_resource_that_is_not_a_path() -> None:
    from grantrules.errors import ParameterError

    assert len(load_parameters(_Resource(b""))) == 0  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"^zipped\.toml: not UTF-8 text"):
        load_parameters(_Resource(b"\xff"))  # type: ignore[arg-type]


def test_lookup_reads_a_grid_of_rates_by_code() -> None:
    from types import SimpleNamespace

    grid = authoring.lookup(
        authoring.instruction("aid_rate"),
        {"5%": Rate("5%"), "10%": Rate("10%"), "20%": Rate("20%")},
    )
    chosen = {
        code: grid.evaluate(SimpleNamespace(instruction=SimpleNamespace(aid_rate=code)))
        for code in ("5%", "10%", "20%")
    }
    assert chosen == {"5%": Rate("5%"), "10%": Rate("10%"), "20%": Rate("20%")}
    # A rate of the grid applies to an amount like any rate (the units check passes).
    amount = grid.of(Euro("1000.00"), rounding=authoring.DOWN.to_euro())
    app = SimpleNamespace(instruction=SimpleNamespace(aid_rate="10%"))
    assert amount.evaluate(app) == Euro("100.00")
    assert authoring.lookup(field("x"), {"only": 3}).evaluate(SimpleNamespace(x="any")) == 3


def test_lookup_refuses_an_empty_table_or_keys_that_are_not_codes() -> None:
    with pytest.raises(InvalidArgument, match="at least one code"):
        authoring.lookup(field("x"), {})
    with pytest.raises(InvalidArgument, match="keyed by codes"):
        authoring.lookup(field("x"), {1: Rate("10%")})  # type: ignore[dict-item]
