"""grantrules: public grant schemes as declarative rules and exact money computations."""

from grantrules._version import __version__

__all__ = ["__version__"]
