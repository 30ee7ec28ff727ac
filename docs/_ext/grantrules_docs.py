"""Sphinx extension of the grantrules documentation.

* ``builder-inited``: writes the pages generated from the code into ``docs/_generated/``
  (git-ignored): every installed scheme as a règlement, ``<id>.md`` (the same code as
  ``grantrules docs ID``), and its JSON Schema, ``<id>.schema.json``; and the decision JSON
  of the AMI's Lille example.  A scheme installed without its page in ``docs/schemes/`` is a
  warning (an error under ``-W``).  A file is rewritten only when its text changes, so that
  unchanged pages are not read again.
* the ``cli`` directive runs a shell command while the page is read and shows it with its real
  output; an unexpected exit status is a warning (an error under ``-W``).  ``grantrules ...``
  and ``python -m grantrules ...`` run in-process through click's ``CliRunner``; other commands
  (``pytest``) run as subprocesses with the interpreter's ``bin/`` first on ``PATH``.
* the doctest builder also runs the ``>>>`` examples of the docstrings of every module in
  ``grantrules_doctest_modules`` (every module of the library) with :func:`doctest.testmod`,
  in each module's own namespace (Sphinx's doctest builder would run them without the
  module's globals); a failure is a warning.
* ``api-check``: lists the public names (``__all__`` of ``grantrules`` and of the public
  modules) whose docstring is missing, or, for classes and functions, has no ``>>>`` example
  (a constant needs only its ``#:`` comment), into
  ``docs/_generated/api-check.txt``; with ``grantrules_api_check_strict = True`` (or
  ``GRANTRULES_DOCS_STRICT_API=1``) each one is a warning.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import inspect
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

GENERATED = "_generated"


def _write(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (keeps its mtime, so no re-read)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def shift_headings(markdown: str, levels: int) -> str:
    """Move every Markdown heading down by ``levels`` (``#`` becomes ``##``), outside fences."""
    lines, fenced = [], False
    for line in markdown.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            line = "#" * levels + line
        lines.append(line)
    return "".join(lines)


def generate(app: Sphinx) -> None:
    """Write the generated pages into ``docs/_generated/``."""
    from grantrules import evaluate, installed_schemes, load_scheme
    from grantrules.render import scheme_markdown
    from grantrules.schema import json_schema

    out = Path(app.srcdir) / GENERATED
    out.mkdir(exist_ok=True)
    root = Path(app.srcdir).parent
    for scheme_id in installed_schemes():
        scheme = load_scheme(scheme_id)
        # The page that includes it has its own title: its headings start at level 2.
        _write(out / f"{scheme_id}.md", shift_headings(scheme_markdown(scheme, "fr"), 1))
        schema = json.dumps(json_schema(scheme), ensure_ascii=False, indent=2)
        _write(out / f"{scheme_id}.schema.json", schema + "\n")
        if not (Path(app.srcdir) / "schemes" / f"{scheme_id}.md").exists():
            logger.warning(
                "scheme %s is installed but has no page docs/schemes/%s.md (which includes "
                "../_generated/%s.md)",
                scheme_id,
                scheme_id,
                scheme_id,
            )
    scheme = load_scheme("ami-ia-hdf")
    example = root / "schemes" / "ami_ia_hdf" / "examples" / "lille-deliberations.json"
    decision = evaluate(scheme, json.loads(example.read_text(encoding="utf-8")))
    text = json.dumps(decision.to_json(), ensure_ascii=False, indent=2)
    _write(out / "lille-decision.json", text + "\n")
    api_check(app, out / "api-check.txt")


# --- the cli directive ------------------------------------------------------------------------

_TEMP_DIRS: dict[str, Path] = {}


class _Runner:
    """Runs ``grantrules`` in-process with a fixed terminal width and program name."""

    def __call__(self, args: list[str], cwd: Path, on_path: bool) -> tuple[int, str]:
        from click.testing import CliRunner

        from grantrules.cli import main

        class Runner(CliRunner):
            def get_default_prog_name(self, cli: Any) -> str:
                return "grantrules"

        runner = Runner(env={"GRANTRULES_LANG": None, "COLUMNS": "80"})
        added = str(cwd) if on_path and str(cwd) not in sys.path else None
        if added:
            sys.path.insert(0, added)
        try:
            with contextlib.chdir(cwd):
                result = runner.invoke(main, args, terminal_width=80)
        finally:
            if added:
                sys.path.remove(added)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise RuntimeError(f"the command raised {result.exception!r}") from result.exception
        return result.exit_code, result.output


def _subprocess(argv: list[str], cwd: Path, scratch: Path) -> tuple[int, str]:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    # Hygiene only, not shown: no .pytest_cache or .hypothesis in the source tree.
    env["PYTEST_ADDOPTS"] = "-p no:cacheprovider"
    env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(scratch / ".hypothesis")
    env.pop("GRANTRULES_LANG", None)
    env["COLUMNS"] = "80"
    executable = bin_dir / argv[0]
    if executable.exists():
        argv = [str(executable), *argv[1:]]
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    return done.returncode, done.stdout + done.stderr


class CliDirective(SphinxDirective):
    """``{cli} COMMAND``: run COMMAND while reading the page and show it with its output.

    Options: ``:cwd:`` (relative to the docs directory; ``tmp`` is a fresh directory per page
    holding a ``schemes`` link to the repository's schemes), ``:returncode:`` (expected exit
    status, 0 by default), ``:head:`` / ``:tail:`` (show only the first / last N lines of the
    output), ``:width:`` (cut longer lines), ``:hide-output:``.
    """

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {  # noqa: RUF012 - docutils reads it from the class
        "cwd": directives.unchanged,
        "returncode": int,
        "head": directives.nonnegative_int,
        "tail": directives.nonnegative_int,
        "width": directives.positive_int,
        "hide-output": directives.flag,
    }

    def _cwd(self) -> tuple[Path, Path]:
        docs = Path(self.env.srcdir)
        scratch = _TEMP_DIRS.get(self.env.docname)
        if scratch is None:
            scratch = _TEMP_DIRS[self.env.docname] = Path(tempfile.mkdtemp(prefix="grdocs-"))
            (scratch / "schemes").symlink_to(docs.parent / "schemes")
        where = self.options.get("cwd", "..")
        return (scratch if where == "tmp" else (docs / where).resolve()), scratch

    def _note_dependencies(self) -> None:
        # The output depends on the code: read the page again when any source file changes.
        root = Path(self.env.srcdir).parent
        for folder in (root / "src", root / "schemes", Path(self.env.srcdir) / "tutorial"):
            for path in sorted(folder.rglob("*")):
                if path.suffix in (".py", ".toml", ".json", ".jsonl", ".csv") and path.is_file():
                    self.env.note_dependency(str(path))

    def run(self) -> list[nodes.Node]:
        self._note_dependencies()
        command = self.arguments[0]
        argv = shlex.split(command)
        cwd, scratch = self._cwd()
        try:
            if argv[:1] == ["grantrules"]:
                code, output = _Runner()(argv[1:], cwd, on_path=False)
            elif argv[:3] == ["python", "-m", "grantrules"]:
                code, output = _Runner()(argv[3:], cwd, on_path=True)
            else:
                code, output = _subprocess(argv, cwd, scratch)
        except Exception as error:  # a crash of the command is a documentation error
            logger.warning("`%s` failed: %s", command, error, location=self.get_location())
            code, output = -1, ""
        expected = self.options.get("returncode", 0)
        if code != expected:
            logger.warning(
                "`%s` exited with status %s, expected %s; output:\n%s",
                command,
                code,
                expected,
                output,
                location=self.get_location(),
            )
        lines = output.rstrip("\n").splitlines()
        head, tail = self.options.get("head"), self.options.get("tail")
        if head is not None or tail is not None:
            first, last = head or 0, tail or 0
            if len(lines) > first + last:
                lines = [*lines[:first], "…", *(lines[-last:] if last else [])]
        width = self.options.get("width")
        if width is not None:
            lines = [line if len(line) <= width else line[: width - 1] + "…" for line in lines]
        if "hide-output" in self.options:
            lines = []
        text = "\n".join([f"$ {command}", *lines])
        block = nodes.literal_block(text, text, language="console")
        self.set_source_info(block)
        return [block]


def _reset_temp_dirs(app: Sphinx, env: Any, docnames: list[str]) -> None:
    for name in docnames:
        _TEMP_DIRS.pop(name, None)


def _remove_temp_dirs(app: Sphinx, exception: Exception | None) -> None:
    while _TEMP_DIRS:
        _, scratch = _TEMP_DIRS.popitem()
        shutil.rmtree(scratch, ignore_errors=True)


# --- docstring examples through doctest.testmod ---------------------------------------------


def run_docstring_examples(app: Sphinx, exception: Exception | None) -> None:
    """Run the docstring examples of the documented modules (doctest builder only)."""
    if exception is not None or app.builder.name != "doctest":
        return
    # `find()` in the examples would replay whatever a test run left in `.hypothesis/`: the
    # examples must show what Hypothesis finds from nothing, so they get no example database.
    from hypothesis import settings

    settings.register_profile("grantrules-docs", settings(database=None))
    settings.load_profile("grantrules-docs")
    attempted = 0
    for name in app.config.grantrules_doctest_modules:
        module = importlib.import_module(name)
        report = io.StringIO()
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        for test in doctest.DocTestFinder().find(module, name):
            runner.run(test, out=report.write)
        result = runner.summarize(verbose=False)
        attempted += result.attempted
        if result.failed:
            logger.warning(
                "%s failed %s of its docstring examples:\n%s",
                name,
                result.failed,
                report.getvalue(),
            )
    logger.info(
        "docstring examples: %s run in %s modules",
        attempted,
        len(app.config.grantrules_doctest_modules),
    )


# --- api check ----------------------------------------------------------------------------------


def _public_names(modules: list[str]) -> list[tuple[str, str, Any]]:
    """(module, name, object) for every name of every module's ``__all__``, first owner wins."""
    seen: set[int] = set()
    found = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            if name.startswith("__"):
                continue
            obj = getattr(module, name)
            # Re-exports are the same object (enum members and constants included): list once.
            key = id(obj)
            if key in seen:
                continue
            seen.add(key)
            found.append((module_name, name, obj))
    return found


def _docstring(module_name: str, name: str, obj: Any) -> str | None:
    if inspect.isclass(obj):
        return obj.__dict__.get("__doc__")
    if inspect.isroutine(obj):
        return obj.__doc__
    if isinstance(obj, types.ModuleType):
        return obj.__doc__
    # Data: the ``#:`` comment before its assignment, in the module that defines it.
    owner = module_name
    for candidate in _defining_modules(module_name, name):
        owner = candidate
        break
    try:
        docs = ModuleAnalyzer.for_module(owner).find_attr_docs()
    except Exception:
        return None
    lines = docs.get(("", name))
    return "\n".join(lines) if lines else None


def _defining_modules(module_name: str, name: str) -> list[str]:
    """Where a re-exported constant comes from (``grantrules.DOWN`` -> ``grantrules.money``)."""
    module = importlib.import_module(module_name)
    found = []
    for other in list(sys.modules.values()):
        other_name = getattr(other, "__name__", "")
        if (
            other_name.startswith("grantrules")
            and other is not module
            and name in getattr(other, "__all__", ())
            and getattr(other, name, None) is getattr(module, name)
        ):
            found.append(other_name)
    return found or [module_name]


def api_check(app: Sphinx, report: Path) -> None:
    """List the public names without a docstring or without a ``>>>`` example."""
    rows = []
    for module_name, name, obj in _public_names(app.config.grantrules_api_modules):
        doc = _docstring(module_name, name, obj)
        if not doc or not doc.strip():
            rows.append((f"{module_name}.{name}", "no docstring"))
        elif ">>>" not in doc and (inspect.isclass(obj) or inspect.isroutine(obj)):
            # Constants need a ``#:`` comment; classes and functions also need an example.
            rows.append((f"{module_name}.{name}", "no example"))
    text = "".join(f"{name}\t{problem}\n" for name, problem in rows)
    _write(report, text)
    strict = app.config.grantrules_api_check_strict or os.environ.get("GRANTRULES_DOCS_STRICT_API")
    missing_doc = sum(1 for _, p in rows if p == "no docstring")
    if strict:
        for name, problem in rows:
            logger.warning("api-check: %s has %s", name, problem)
    else:
        logger.info(
            "api-check: %s public names lack a docstring, %s lack an example (see %s)",
            missing_doc,
            len(rows) - missing_doc,
            report,
        )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("grantrules_doctest_modules", [], "env")
    app.add_config_value("grantrules_api_modules", [], "env")
    app.add_config_value("grantrules_api_check_strict", False, "env")
    app.add_directive("cli", CliDirective)
    app.connect("builder-inited", generate)
    app.connect("env-before-read-docs", _reset_temp_dirs)
    app.connect("build-finished", run_docstring_examples)
    app.connect("build-finished", _remove_temp_dirs)
    return {"version": "1", "parallel_read_safe": False, "parallel_write_safe": True}
