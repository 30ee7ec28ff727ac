"""Testing tools for grantrules schemes.

* :mod:`grantrules.testing.strategies`: Hypothesis strategies (``euros()``,
  ``applications(scheme)``...) that concentrate on the thresholds of a scheme's rules;
* :mod:`grantrules.testing.invariants`: the funding invariants every scheme must keep;
* :mod:`grantrules.testing.plugin`: the pytest plugin (``--grantrules-scheme``, the ``scheme``
  fixture, declarative ``test_*.toml`` cases).

This package imports nothing itself: the pytest plugin lives in it and loads in every pytest
run, so each module is imported only when used.
"""
