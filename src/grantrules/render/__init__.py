"""Decisions and schemes rendered for people: plain text and Markdown, in French or English.

>>> from grantrules.render import decision_text, scheme_markdown
>>> from grantrules.evaluate import evaluate
>>> from grantrules.testing.examples import example_document, example_scheme
>>> "ÉLIGIBLE" in decision_text(evaluate(example_scheme(), example_document()), "fr")
True

.. versionadded:: 0.1
"""

from grantrules.render.decision import decision_markdown, decision_text
from grantrules.render.scheme import scheme_markdown, scheme_text

__all__ = ["decision_markdown", "decision_text", "scheme_markdown", "scheme_text"]
