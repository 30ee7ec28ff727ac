"""Find installed schemes through the ``grantrules.schemes`` entry-point group.

A scheme distribution declares, in its ``pyproject.toml``::

    [project.entry-points."grantrules.schemes"]
    my-scheme = "my_package:scheme"

where ``scheme`` is a :class:`~grantrules.scheme.Scheme` or a function without arguments that
returns one.  Loading is lazy and cached: importing grantrules imports no scheme.

>>> isinstance(installed_schemes(), tuple)
True

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import typing

import attrs

from grantrules.errors import SchemeDefinitionError, SchemeNotFound
from grantrules.scheme import Scheme

if typing.TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = ["GROUP", "installed_schemes", "load_scheme"]

#: The entry-point group in which scheme distributions declare their schemes.
GROUP = "grantrules.schemes"


def _entry_points() -> dict[str, EntryPoint]:
    # importlib.metadata costs tens of milliseconds to import: only when schemes are looked up.
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=GROUP)}


def installed_schemes() -> tuple[str, ...]:
    """The ids of the installed schemes, sorted.

    >>> all(isinstance(scheme_id, str) for scheme_id in installed_schemes())
    True

    .. versionadded:: 0.1
    """
    return tuple(sorted(_entry_points()))


@functools.cache
def load_scheme(scheme_id: str) -> Scheme:
    """The installed scheme with this id.

    Raises:
        SchemeNotFound: no installed scheme has this id (the message lists those installed).
        SchemeDefinitionError: the entry point does not give a Scheme with this id.

    >>> load_scheme("no-such-scheme")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    grantrules.errors.SchemeNotFound: no scheme 'no-such-scheme' is installed (installed: ...

    .. versionadded:: 0.1
    """
    found = _entry_points().get(scheme_id)
    if found is None:
        known = ", ".join(installed_schemes()) or "none"
        raise SchemeNotFound(
            f"no scheme {scheme_id!r} is installed (installed: {known}); install its "
            "distribution, which declares it in the 'grantrules.schemes' entry-point group"
        )
    target = found.load()
    scheme = target() if callable(target) and not isinstance(target, Scheme) else target
    if not isinstance(scheme, Scheme):
        raise SchemeDefinitionError(
            f"entry point {found.value!r} of {scheme_id!r} gives {type(scheme).__name__}, "
            "not a Scheme"
        )
    if scheme.id != scheme_id:
        raise SchemeDefinitionError(
            f"entry point {scheme_id!r} gives a scheme whose id is {scheme.id!r}"
        )
    if found.dist is not None and scheme.distribution is None:
        scheme = attrs.evolve(scheme, distribution=(found.dist.name, found.dist.version))
    return scheme
