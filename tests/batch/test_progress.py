"""The progress bar of grantrules simulate: on a terminal only."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from grantrules.batch._progress import progress
from grantrules.batch._sample import sample_documents
from grantrules.cli import main
from grantrules.scheme import Scheme


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_the_count_and_total() -> None:
    stream = Terminal()
    with progress(1000, stream) as advance:
        assert advance is not None
        advance(400)
        advance(600)
    text = stream.getvalue()
    assert "applications" in text
    assert "1.00k/1.00k" in text  # tqdm's unit_scale: 1,000 of 1,000


def test_nothing_is_written_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with progress(1000, stream) as advance:
        assert advance is None
    assert stream.getvalue() == ""


def test_without_tqdm_a_terminal_gets_a_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm raises ImportError
    stream = Terminal()
    with progress(None, stream) as advance:
        assert advance is not None
        advance(65_536)
        advance(1)
    assert stream.getvalue() == "\r65,536 applications\r65,537 applications\n"


def test_simulate_writes_no_progress_into_a_pipe(tmp_path: Path, ami: Scheme) -> None:
    path = tmp_path / "apps.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in sample_documents(ami, 20, seed=3)))
    result = CliRunner().invoke(main, ["simulate", "--scheme", "ami-ia-hdf", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_simulate_on_a_terminal_draws_the_bar(
    tmp_path: Path, ami: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grantrules.batch import _simulate_cli
    from grantrules.batch._export import write_parquet

    path = tmp_path / "apps.parquet"
    write_parquet(ami, sample_documents(ami, 30, seed=3), path)
    stream = Terminal()  # click's runner replaces stderr: the bar is sent here instead
    monkeypatch.setattr(_simulate_cli, "progress", lambda total: progress(total, stream))
    result = CliRunner().invoke(main, ["simulate", "--scheme", "ami-ia-hdf", str(path)])
    assert result.exit_code == 0, result.output
    assert "30.0/30.0" in stream.getvalue()  # the Parquet metadata gave the total
