"""The words grantrules itself says, in French and English: verdicts, headings, CLI messages.

Schemes bring their own texts (criterion messages, labels); this module holds only the
library's.  French comes first and is the default, the legal language of the schemes.

>>> from grantrules.i18n import message
>>> message("verdict.eligible", "fr"), message("verdict.ineligible", "en")
('ÉLIGIBLE', 'NOT ELIGIBLE')
>>> message("cli.lines_invalid", "en", bad=2, total=46)
'2 of 46 lines are invalid'

.. versionadded:: 0.1
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from grantrules._format import LANGS, check_lang

__all__ = ["DEFAULT_LANG", "LANGS", "MESSAGES", "default_lang", "french_spaces", "message"]

DEFAULT_LANG = "fr"

_WRITTEN: Mapping[str, Mapping[str, str]] = {
    # French typography puts a space before a colon (made a no-break space below).
    "punct.colon": {"fr": " : ", "en": ": "},
    "punct.semicolon": {"fr": " ; ", "en": "; "},
    # Verdicts and outcomes
    "verdict.eligible": {"fr": "ÉLIGIBLE", "en": "ELIGIBLE"},
    "verdict.ineligible": {"fr": "NON ÉLIGIBLE", "en": "NOT ELIGIBLE"},
    "outcome.passed": {"fr": "rempli", "en": "met"},
    "outcome.failed": {"fr": "non rempli", "en": "not met"},
    "outcome.not_applicable": {"fr": "sans objet", "en": "not applicable"},
    "outcome.missing": {"fr": "information manquante", "en": "information missing"},
    "severity.blocking": {"fr": "bloquant", "en": "blocking"},
    "severity.warning": {"fr": "avertissement", "en": "warning"},
    "reliability.verified": {"fr": "vérifié dans le texte", "en": "checked in the text"},
    "reliability.press": {"fr": "presse uniquement", "en": "press only"},
    "reliability.inferred": {"fr": "déduit", "en": "inferred"},
    # Decision reports
    "decision.title": {"fr": "Dossier {application}", "en": "Application {application}"},
    "decision.scheme": {
        "fr": "Dispositif : {scheme}, version du {version}",
        "en": "Scheme: {scheme}, version of {version}",
    },
    "decision.evaluated_on": {"fr": "Évalué au {date}", "en": "Evaluated as of {date}"},
    "decision.verdict": {"fr": "Verdict : {verdict}", "en": "Verdict: {verdict}"},
    "decision.award": {"fr": "Montant de l'aide : {award}", "en": "Award: {award}"},
    "decision.failed": {"fr": "Critères non remplis", "en": "Criteria not met"},
    "decision.warnings": {"fr": "Points d'attention", "en": "Warnings"},
    "decision.criteria": {"fr": "Tous les critères", "en": "All criteria"},
    "decision.amounts": {"fr": "Montants", "en": "Amounts"},
    "decision.derived": {"fr": "Valeurs calculées", "en": "Derived values"},
    "decision.obligations": {"fr": "Obligations", "en": "Obligations"},
    "decision.provenance": {"fr": "Provenance", "en": "Provenance"},
    "decision.overrides": {
        "fr": "Simulation : paramètres modifiés {overrides}",
        "en": "What-if: parameters overridden {overrides}",
    },
    "decision.none": {"fr": "Aucun.", "en": "None."},
    "label.basis": {"fr": "Fondement", "en": "Basis"},
    "label.inputs": {"fr": "Valeurs lues", "en": "Values read"},
    "label.formula": {"fr": "Calcul", "en": "Computation"},
    "label.exception": {"fr": "Exception appliquée", "en": "Exception applied"},
    "label.missing": {"fr": "Information manquante", "en": "Missing information"},
    "label.reliability": {"fr": "fiabilité", "en": "reliability"},
    "label.criterion": {"fr": "Critère", "en": "Criterion"},
    "label.outcome": {"fr": "Résultat", "en": "Outcome"},
    "label.severity": {"fr": "Portée", "en": "Severity"},
    "label.amount": {"fr": "Montant", "en": "Amount"},
    "label.value": {"fr": "Valeur", "en": "Value"},
    # Scheme règlement
    "scheme.catalogue": {"fr": "Fiche du dispositif", "en": "Scheme sheet"},
    "scheme.field": {"fr": "Champ", "en": "Field"},
    "scheme.versions": {"fr": "Versions", "en": "Versions"},
    "scheme.valid_from": {"fr": "En vigueur du", "en": "In force from"},
    "scheme.valid_to": {"fr": "au", "en": "to"},
    "scheme.note": {"fr": "Note", "en": "Note"},
    "scheme.open_ended": {"fr": "(sans terme)", "en": "(open-ended)"},
    "scheme.rules_from": {
        "fr": "Règles en vigueur à partir du {date}",
        "en": "Rules in force from {date}",
    },
    "scheme.rules_on": {
        "fr": "Règles en vigueur au {date} (version du {version})",
        "en": "Rules in force on {date} (version of {version})",
    },
    "scheme.criteria": {"fr": "Critères d'éligibilité", "en": "Eligibility criteria"},
    "scheme.rule": {"fr": "Règle", "en": "Rule"},
    "scheme.applies": {"fr": "S'applique", "en": "Applies"},
    "scheme.always": {"fr": "toujours", "en": "always"},
    "scheme.when": {"fr": "lorsque {condition}", "en": "when {condition}"},
    "scheme.exceptions": {"fr": "Exceptions", "en": "Exceptions"},
    "scheme.if_failed": {"fr": "Message en cas d'échec", "en": "Message when not met"},
    "scheme.amounts": {"fr": "Montants", "en": "Amounts"},
    "scheme.award": {"fr": "montant de l'aide", "en": "the award"},
    "scheme.rounding": {"fr": "Arrondi", "en": "Rounding"},
    "scheme.no_rounding": {"fr": "aucun (calcul exact)", "en": "none (exact)"},
    "scheme.derived": {"fr": "Valeurs calculées", "en": "Derived values"},
    "scheme.invariants": {"fr": "Invariants de financement", "en": "Funding invariants"},
    "scheme.statement": {"fr": "Énoncé", "en": "Statement"},
    "scheme.obligations": {"fr": "Obligations du bénéficiaire", "en": "Beneficiary's duties"},
    "scheme.parameters": {"fr": "Paramètres", "en": "Parameters"},
    "scheme.from": {"fr": "À partir du", "en": "From"},
    "scheme.unit": {"fr": "Unité", "en": "Unit"},
    "scheme.until": {"fr": "En vigueur jusqu'au {date}.", "en": "In force until {date}."},
    "scheme.open_questions": {"fr": "Questions ouvertes", "en": "Open questions"},
    "scheme.condition": {"fr": "Condition", "en": "Condition"},
    "unit.EUR": {"fr": "euros", "en": "euros"},
    "unit.rate": {"fr": "taux", "en": "rate"},
    "unit.count": {"fr": "nombre", "en": "count"},
    "unit.years": {"fr": "années", "en": "years"},
    "unit.days": {"fr": "jours", "en": "days"},
    "unit.bool": {"fr": "oui ou non", "en": "yes or no"},
    "unit.text": {"fr": "texte", "en": "text"},
    "unit.date": {"fr": "date", "en": "date"},
    "unit.date_range": {"fr": "période", "en": "period"},
    "unit.codes": {"fr": "liste de codes", "en": "list of codes"},
    # Command line
    "cli.problems": {
        "fr": "{source} : dossier invalide ({count} problème(s))",
        "en": "{source}: invalid application ({count} problem(s))",
    },
    "cli.line_invalid": {
        "fr": "Ligne {line} : dossier invalide",
        "en": "Line {line}: invalid application",
    },
    "cli.line_error": {"fr": "Ligne {line} : {message}", "en": "Line {line}: {message}"},
    "cli.lines_invalid": {
        "fr": "{bad} ligne(s) invalide(s) sur {total}",
        "en": "{bad} of {total} lines are invalid",
    },
    "cli.progress": {
        "fr": "{count} ligne(s) traitée(s) ({rate} par seconde)",
        "en": "{count} lines processed ({rate} per second)",
    },
    "cli.directory": {
        "fr": "{path} est un dossier : attendu un fichier .json ou .jsonl",
        "en": "{path} is a directory: expected a .json or .jsonl file",
    },
    "cli.unreadable": {
        "fr": "impossible de lire {path} : {reason}",
        "en": "cannot read {path}: {reason}",
    },
    "cli.no_schemes": {"fr": "Aucun dispositif installé.", "en": "No scheme installed."},
    "cli.scheme_broken": {
        "fr": "le dispositif {scheme} ne peut pas être chargé : {reason}",
        "en": "the scheme {scheme} cannot be loaded: {reason}",
    },
}


def french_spaces(text: str) -> str:
    r"""French typography: a no-break space before « : ; ? ! » and inside « », so that a
    line never breaks between a word and its colon.

    >>> french_spaces("Verdict : « éligible » ; fin")
    'Verdict\xa0: «\xa0éligible\xa0»\xa0; fin'
    """
    return _BEFORE.sub("\u00a0\\1", text).replace("« ", "«\u00a0").replace(" »", "\u00a0»")


_BEFORE = re.compile(r" ([:;?!])")

#: Every message, by key, in every language of :data:`LANGS`; ``{name}`` are placeholders.
MESSAGES: Mapping[str, Mapping[str, str]] = {
    key: {lang: french_spaces(text) if lang == "fr" else text for lang, text in texts.items()}
    for key, texts in _WRITTEN.items()
}


def message(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``.

    Raises:
        InvalidArgument: ``lang`` is not one of :data:`LANGS`.
        KeyError: ``key`` is not a message of grantrules (a bug in the caller).

    >>> message("decision.award", "en", award="€60,000.00")
    'Award: €60,000.00'
    """
    text = MESSAGES[key][check_lang(lang)]
    return text.format(**values) if values else text


def default_lang() -> str:
    """The language of the command line when no ``--lang`` is given.

    ``GRANTRULES_LANG`` (``fr`` or ``en``) when set, else French.  The system locale is
    deliberately not read: a report must not change language with the machine it runs on.

    >>> default_lang() in LANGS
    True
    """
    chosen = os.environ.get("GRANTRULES_LANG", "")
    return chosen if chosen in LANGS else DEFAULT_LANG
