"""Simulations on a Dask cluster: each partition of the input on a worker, totals combined
exactly.

Partitions are Parquet row groups or JSONL chunks (:func:`grantrules.batch._read.partitions`);
a worker loads the scheme by its reference (an installed scheme id, or ``module:NAME``
importable there), applies the scenario's parameter overrides, and returns the
:class:`~grantrules.batch._simulate.Figures` of its partition: counts and integer cents,
which add up exactly whatever the order the partitions finish in.  Requires the ``dask``
extra (``pip install 'grantrules[dask]'``).

.. versionadded:: 0.3
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from distributed import Client, LocalCluster, as_completed

from grantrules.batch._read import Partition
from grantrules.batch._simulate import Figures, Grouping, Report, Scenario, run_partition
from grantrules.money import Euro
from grantrules.scheme import Scheme

__all__ = ["simulate_on_dask"]

# Schemes loaded by this worker process, by reference and overrides: loading (and the
# compiled kernels kept with each version) is paid once per worker, not per partition.
_LOADED: dict[tuple[str, tuple[tuple[str, str], ...]], Scheme] = {}


def _load(reference: str, overrides: Mapping[str, str]) -> Scheme:
    key = (reference, tuple(sorted(overrides.items())))
    found = _LOADED.get(key)
    if found is None:
        from grantrules.registry import import_scheme, load_scheme

        found = import_scheme(reference) if ":" in reference else load_scheme(reference)
        if overrides:
            found = found.with_parameters(**overrides)
        _LOADED[key] = found
    return found


def _partition_task(
    reference: str,
    scenarios: Sequence[tuple[str, dict[str, str]]],
    part: Partition,
    on: datetime.date | None,
    groupings: Sequence[Grouping],
) -> list[Figures]:
    chosen = [Scenario(name, _load(reference, overrides)) for name, overrides in scenarios]
    return run_partition(chosen, part, on, groupings)


def simulate_on_dask(
    reference: str,
    scenarios: Sequence[Scenario],
    parts: Sequence[Partition],
    on: datetime.date | None = None,
    groupings: Sequence[Grouping] = (),
    envelope: Euro | None = None,
    *,
    workers: int | None = None,
    address: str | None = None,
    processes: bool = True,
) -> Report:
    """Run a simulation on Dask: on the scheduler at ``address``, or on a local cluster of
    ``workers`` workers (processes, or threads with ``processes=False``).

    ``reference`` names the scheme as the workers load it; ``scenarios`` carry their
    parameter overrides (``Scheme.overrides``), applied there.
    """
    described = [(s.name, dict(s.scheme.overrides)) for s in scenarios]
    cluster: Any = None
    if address is None:
        cluster = LocalCluster(
            n_workers=workers or 1,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        )
    client = Client(cluster if cluster is not None else address)
    try:
        futures = [
            client.submit(
                _partition_task, reference, described, part, on, tuple(groupings), pure=False
            )
            for part in parts
        ]
        totals = [Figures() for _ in scenarios]
        for future in as_completed(futures):
            for total, found in zip(totals, future.result(), strict=True):
                total.merge(found)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return Report(tuple(scenarios), tuple(totals), tuple(groupings), envelope)
