"""The evaluation engine: one compiler from the expression tree to generated code, and its runtime.

Internal: ``grantrules.evaluate``, ``grantrules.serde``, ``grantrules.decision``,
``grantrules.scheme`` and ``grantrules.batch`` use it; nothing here is public API.

- ``codegen``, ``version_function``, ``compiled_rules``: the compiler (one generated function
  per scheme version, source registered with ``linecache`` by ``source``);
- ``runtime``, ``compiled``: what the generated code calls, and the compiled version of a day;
- ``explanation``, ``textgen``, ``writer``, ``json_text``: outcomes turned into messages and the
  decision JSON, built when read;
- ``reader``: the generated document reader;
- ``strict``: the switch that makes any explicit interpreter path an error in tests.
"""
