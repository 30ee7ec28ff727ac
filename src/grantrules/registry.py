"""Find installed schemes through the ``grantrules.schemes`` entry-point group.

A scheme distribution declares, in its ``pyproject.toml``::

    [project.entry-points."grantrules.schemes"]
    my-scheme = "my_package:scheme"

where ``scheme`` is a :class:`~grantrules.scheme.Scheme` or a *scheme factory*: a Python
function without required arguments whose return annotation is ``Scheme`` (``def scheme() ->
Scheme``), possibly wrapped by :func:`functools.cache`.  Nothing else is ever called: an
import path such as ``os:abort`` names a callable, not a scheme, and is refused before it
runs (:func:`scheme_from`).  Loading is lazy and cached: importing grantrules imports no
scheme.

>>> isinstance(installed_schemes(), tuple)
True

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import importlib
import inspect
import typing

import attrs

from grantrules.errors import SchemeDefinitionError, SchemeNotFound
from grantrules.scheme import Scheme

if typing.TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
    "GROUP",
    "import_scheme",
    "installed_schemes",
    "is_scheme_factory",
    "load_scheme",
    "scheme_from",
]

#: The entry-point group in which scheme distributions declare their schemes.
GROUP = "grantrules.schemes"


def _entry_points() -> dict[str, EntryPoint]:
    # importlib.metadata costs tens of milliseconds to import: only when schemes are looked up.
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=GROUP)}


def is_scheme_factory(target: object) -> bool:
    """Whether ``target`` is a function declared to return a Scheme, callable without arguments.

    Only Python functions qualify (a builtin such as ``os.abort`` never does), and only when
    their return annotation resolves to :class:`~grantrules.scheme.Scheme` or a subclass.

    >>> def scheme() -> Scheme: ...
    >>> import os
    >>> is_scheme_factory(scheme), is_scheme_factory(os.abort), is_scheme_factory(print)
    (True, False, False)

    .. versionadded:: 0.2
    """
    function = inspect.unwrap(target) if callable(target) else None
    if not inspect.isfunction(function):
        return False
    try:
        returns = typing.get_type_hints(function).get("return")
        signature = inspect.signature(function)
    except Exception:  # an annotation that does not resolve declares nothing
        return False
    if not (isinstance(returns, type) and issubclass(returns, Scheme)):
        return False
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in signature.parameters.values()
    )


def scheme_from(target: object, where: str) -> Scheme:
    """The scheme that ``target`` is, or that the scheme factory ``target`` returns.

    Raises:
        SchemeDefinitionError: ``target`` is neither (it is never called then), or the
            factory returns something else.

    >>> import os
    >>> scheme_from(os.abort, "os:abort")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    grantrules.errors.SchemeDefinitionError: 'os:abort' is a builtin_function_or_method, not ...

    .. versionadded:: 0.2
    """
    if isinstance(target, Scheme):
        return target
    if not is_scheme_factory(target):
        raise SchemeDefinitionError(_not_a_scheme(target, where))
    scheme = target()  # type: ignore[operator]  # is_scheme_factory checked it
    if not isinstance(scheme, Scheme):
        raise SchemeDefinitionError(
            f"{where!r} is annotated to return a Scheme but returned {type(scheme).__name__}"
        )
    return scheme


def _not_a_scheme(target: object, where: str) -> str:
    return (
        f"{where!r} is a {type(target).__name__}, not a Scheme nor a scheme factory (a "
        "function without arguments annotated '-> Scheme'); it was not called"
    )


def import_scheme(target: str) -> Scheme:
    """The scheme at ``package.module:NAME``, for a scheme under development.

    ``NAME`` is a :class:`~grantrules.scheme.Scheme` or a scheme factory
    (:func:`is_scheme_factory`); anything else is refused before it is called.

    Raises:
        SchemeNotFound: the module or the name cannot be imported, or ``NAME`` is not a
            scheme nor a scheme factory.
        SchemeDefinitionError: the factory returns something else than a Scheme.

    >>> import_scheme("os:abort")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    grantrules.errors.SchemeNotFound: 'os:abort' is a builtin_function_or_method, not a ...

    .. versionadded:: 0.2
    """
    module_name, _, attribute = target.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise SchemeNotFound(f"cannot import the scheme {target!r}: {exc}") from None
    if not isinstance(found, Scheme) and not is_scheme_factory(found):
        raise SchemeNotFound(_not_a_scheme(found, target))
    return scheme_from(found, target)


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
    scheme = scheme_from(found.load(), f"entry point {found.value} of {scheme_id}")
    if scheme.id != scheme_id:
        raise SchemeDefinitionError(
            f"entry point {scheme_id!r} gives a scheme whose id is {scheme.id!r}"
        )
    if found.dist is not None and scheme.distribution is None:
        scheme = attrs.evolve(scheme, distribution=(found.dist.name, found.dist.version))
    return scheme
