"""``grantrules sample`` and ``grantrules simulate``: populations and budget simulations.

This module imports only click and grantrules' core: pyarrow, NumPy and Dask load when a
command runs, so ``grantrules --help`` stays fast and works without the ``batch`` extra
(the commands then say which extra to install).

Exit codes: 0 done; 1 invalid input (an unreadable file) or a missing extra; 2 usage error
(unknown scheme, an option that cannot be read).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from grantrules.errors import GrantRulesError, SchemeNotFound
from grantrules.scheme import Scheme

__all__ = ["sample_command", "simulate_command"]


def _scheme(reference: str) -> Scheme:
    from grantrules.registry import import_scheme, load_scheme

    try:
        return import_scheme(reference) if ":" in reference else load_scheme(reference)
    except SchemeNotFound as error:
        raise click.BadParameter(str(error), param_hint="SCHEME") from None
    except GrantRulesError as error:
        raise click.ClickException(str(error)) from None


def _needs_batch() -> None:
    try:
        import numpy  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        raise click.ClickException(
            "this command needs the batch extra: pip install 'grantrules[batch]'"
        ) from None


@click.command("sample")
@click.argument("scheme")
@click.argument("n", type=click.IntRange(min=0))
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same sample.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write here instead of stdout; a .parquet name writes typed Parquet.",
)
def sample_command(scheme: str, n: int, seed: int, output: Path | None) -> None:
    """Write N valid, varied applications of SCHEME as JSON Lines (or Parquet).

    They come from the testing toolkit's strategies, which aim at every threshold of the
    rules: a population to simulate and benchmark on, without private data.
    """
    from grantrules.batch._sample import sample_documents

    found = _scheme(scheme)
    documents = sample_documents(found, n, seed)
    if output is not None and output.suffix.lower() in (".parquet", ".pq"):
        _needs_batch()
        from grantrules.batch._export import write_parquet

        write_parquet(found, documents, output)
        return
    stream = output.open("w", encoding="utf-8") if output is not None else sys.stdout
    try:
        for document in documents:
            stream.write(json.dumps(document, ensure_ascii=False) + "\n")
    finally:
        if output is not None:
            stream.close()


@click.command("simulate")
@click.option("--scheme", "scheme_ref", required=True, help="Scheme id (or module:NAME).")
@click.argument("source", metavar="INPUT", type=click.Path(exists=True, dir_okay=False))
@click.option("--on", default=None, help="Evaluate every application on this day (YYYY-MM-DD).")
@click.option("--set", "assignments", multiple=True, help="NAME=VALUE: a parameter, baseline.")
@click.option("--compare", multiple=True, help="NAME=VALUE: a what-if beside the baseline.")
@click.option("--by", multiple=True, help="FIELD[:N|:department]: figures by group.")
@click.option("--envelope", default=None, help='Envelope to fill, e.g. "5000000.00".')
@click.option("--format", "fmt", type=click.Choice(["text", "json", "parquet"]), default="text")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--workers", type=click.IntRange(min=1), default=None, help="A local Dask cluster.")
@click.option("--dask", "address", default=None, help="A Dask scheduler, e.g. tcp://host:8786.")
def simulate_command(**options: Any) -> None:
    """Simulate SCHEME over the applications of INPUT (.jsonl or .parquet): eligible ones,
    refusals by criterion, total award, envelope coverage, by group, and with --compare the
    same for a what-if and the difference.  Money is exact in every output.  On a terminal,
    a progress bar on stderr counts the applications decided."""
    _needs_batch()
    from grantrules.batch._simulate_cli import run

    run(_scheme(options["scheme_ref"]), **options)
