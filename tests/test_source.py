"""grantrules._engine.source: every piece of generated code shows its source in tracebacks."""

from __future__ import annotations

import gc
import importlib
import linecache
import sys
from pathlib import Path
from typing import Any

import attrs

from grantrules import evaluate
from grantrules._engine import source as _source
from grantrules._engine.compiled import compiled
from grantrules._engine.reader import reader

sys.path.insert(0, str(Path(__file__).parent / "schemes"))
sports = importlib.import_module("sports")


def _registered(function: Any) -> None:
    filename = function.__code__.co_filename
    assert filename.startswith("<grantrules "), filename
    assert linecache.getline(filename, 1).startswith("def "), filename


def test_the_engine_generates_only_registered_code() -> None:
    app = sports.application()
    day = app.submitted_on
    evaluate(sports.SCHEME, app).to_json_text()
    # A missing input: that criterion's text comes from its own generated writer.
    missing = attrs.evolve(app, applicant=attrs.evolve(app.applicant, members=None))
    evaluate(sports.SCHEME, missing).to_json_text()
    version = compiled(sports.SCHEME.version_at(day))
    fragments = version.json_fragments("fr", day)
    writers = [f for f in fragments._textgen.values() if f is not None]
    assert writers  # the decision above wrote its criteria through generated writers
    assert fragments.inputs_text is not None
    version_function = version.fast_all(sports.SCHEME.application_type)
    document_reader = reader(sports.SCHEME.application_type)
    assert version_function is not None
    assert document_reader is not None
    decision_writer = fragments.writer()
    assert decision_writer is not None
    for function in [
        *writers,
        fragments.inputs_text,
        decision_writer,
        version_function,
        document_reader,
    ]:
        _registered(function)


def test_a_source_leaves_with_the_last_function_compiled_from_it() -> None:
    namespace: dict[str, Any] = {}
    _source.exec_source("def f():\n    return 1\n\ndef g():\n    return 2\n", "pair", namespace)
    f, g = namespace["f"], namespace["g"]
    del namespace  # the functions keep it as their globals
    name = f.__code__.co_filename
    del f
    gc.collect()
    assert linecache.getline(name, 2).strip() == "return 1"  # g still holds it
    del g
    gc.collect()
    assert name not in linecache.cache
