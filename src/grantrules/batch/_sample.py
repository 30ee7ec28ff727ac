"""A population to simulate on: valid, varied applications drawn by the testing strategies.

The strategies of :mod:`grantrules.testing.strategies` aim at every threshold of the rules,
so a sample reaches every criterion's outcomes.  Hypothesis draws a pool of up to
:data:`POOL` distinct applications (deterministically for a seed); a larger sample repeats
the pool with fresh ids, which keeps it valid and fast to make (drawing costs about 25 ms
per distinct application).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from grantrules.scheme import Scheme
from grantrules.serde import unstructure_application

__all__ = ["POOL", "sample_documents"]

#: Distinct applications drawn by Hypothesis at most; beyond, the pool repeats.
POOL = 500


def _pool(scheme: Scheme, size: int, seed: int) -> list[dict[str, Any]]:
    import hypothesis
    from hypothesis import HealthCheck, Phase, given

    from grantrules.testing.strategies import applications

    drawn: list[dict[str, Any]] = []

    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=size,
        database=None,
        deadline=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(applications(scheme))
    def draw(application: Any) -> None:
        drawn.append(unstructure_application(application))

    draw()
    return drawn


def sample_documents(scheme: Scheme, n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` valid application documents of ``scheme``, with distinct ids.

    >>> from grantrules.testing.examples import example_scheme
    >>> [d["id"] for d in sample_documents(example_scheme(), 3, seed=1)]
    ['S1-0000001', 'S1-0000002', 'S1-0000003']

    .. versionadded:: 0.3
    """
    if n <= 0:
        return
    pool = _pool(scheme, min(n, POOL), seed)
    for index in range(n):
        yield {**pool[index % len(pool)], "id": f"S{seed}-{index + 1:07d}"}
