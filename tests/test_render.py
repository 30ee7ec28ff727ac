"""Tests of grantrules.render and grantrules.i18n: reports and règlements in fr and en."""

from __future__ import annotations

import datetime
import importlib
import itertools
import string
import sys
from pathlib import Path
from types import ModuleType

import attrs
import pytest
from markdown_it import MarkdownIt

from grantrules.basis import Basis
from grantrules.decision import Decision
from grantrules.errors import InvalidArgument
from grantrules.evaluate import evaluate
from grantrules.i18n import LANGS, MESSAGES, default_lang, message
from grantrules.money import Euro
from grantrules.registry import installed_schemes, load_scheme
from grantrules.render import decision_markdown, decision_text, scheme_markdown, scheme_text
from grantrules.render._blocks import Block, Bullets, Code, Heading, Link, Para, Table, to_markdown


def _import_sports() -> ModuleType:
    """tests/schemes/sports.py, the library's own test scheme (tests/ is not a package)."""
    folder = str(Path(__file__).parent / "schemes")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("sports")


sports = _import_sports()
SCHEME = sports.SCHEME
NNBSP, NBSP = "\u202f", "\u00a0"
needs_ami = pytest.mark.skipif(
    "ami-ia-hdf" not in installed_schemes(), reason="AMI scheme not installed"
)


def decide(lang: str = "fr", **applicant: object) -> Decision:
    app = sports.application()
    changed = sports.application(applicant=attrs.evolve(app.applicant, **applicant))
    return evaluate(SCHEME, changed, lang=lang)


def headings(markdown: str) -> list[int]:
    """Levels of the headings, checking that the Markdown holds no raw HTML."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]
    return [int(t.tag[1]) for t in tokens if t.type == "heading_open"]


def assert_well_nested(levels: list[int]) -> None:
    assert levels[0] == 1
    assert levels.count(1) == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


# --- decisions


def test_eligible_report_in_french() -> None:
    text = decision_text(decide(), "fr", scheme=SCHEME)
    assert text.startswith("Dossier SPORT-1\n===============\n")
    assert "Verdict : ÉLIGIBLE" in text
    assert f"Montant de l'aide : 5{NNBSP}000,00{NBSP}€" in text
    assert "Critères non remplis" not in text
    assert f"- award (la subvention) : 5{NNBSP}000,00{NBSP}€" in text
    assert (
        f"    Calcul : le plus petit des montants suivants : 50{NBSP}% du coût éligible "
        "(arrondi au centime inférieur)" in text
    )
    assert f"ceiling = 20{NNBSP}000,00{NBSP}€" in text
    assert "- size : large" in text
    assert "- publicity.logo : Apposer le logo de la ville" in text
    assert "Délibération du conseil municipal n° 2024-112, art. 8" in text


def test_ineligible_report_gives_each_reason_with_its_basis() -> None:
    text = decision_text(decide(members=3), "fr")
    assert "Verdict : NON ÉLIGIBLE" in text
    assert f"Montant de l'aide : 0,00{NBSP}€" in text
    section = text.split("Critères non remplis\n--------------------\n")[1].split("\n\n\n")[0]
    assert "- applicant.members (non rempli) : Le club compte 3 adhérents" in section
    assert "    Fondement : Délibération du conseil municipal n° 2024-112, art. 2" in section
    assert (
        "    Valeurs lues : applicant.members = 3 ; project.tags = [] ; min_members = 20" in section
    )
    assert "Exception appliquée : ineligible" in text
    assert "Obligations" not in text  # no duties without an award


def test_english_report() -> None:
    text = decision_text(decide("en", members=None), "en", scheme=SCHEME)
    assert "Verdict: NOT ELIGIBLE" in text
    assert "Award: €0.00" in text
    assert "- applicant.members (information missing): Information missing" in text
    assert "    Basis: Délibération du conseil municipal n° 2024-112, art. 2" in text
    assert "- award (the grant): €0.00" in text
    assert "computed = €5,000.00" in text


def test_warnings_have_their_own_section() -> None:
    app = sports.application()
    travel = sports.SportsCostLine(category="travel", label="Bus", amount_excl_vat=Euro("300.00"))
    decision = evaluate(SCHEME, sports.application(costs=(*app.costs, travel)))
    text = decision_text(decision, "fr")
    assert decision.eligible
    assert (
        "Points d'attention\n------------------\n\n- costs.travel (non rempli) : Les frais" in text
    )


def test_what_if_overrides_are_shown() -> None:
    decision = evaluate(SCHEME.with_parameters(grant_rate="40%"), sports.application())
    assert "Simulation : paramètres modifiés grant_rate = 40%" in decision_text(decision, "fr")


def test_provenance_names_the_distribution() -> None:
    scheme = attrs.evolve(SCHEME, distribution=("grantrules-sports", "1.2"))
    text = decision_text(evaluate(scheme, sports.application()), "en")
    assert "grantrules-sports 1.2" in text


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_report(lang: str) -> None:
    markdown = decision_markdown(decide(lang, members=3), lang, scheme=SCHEME)
    assert markdown.startswith("# ")
    assert_well_nested(headings(markdown))
    assert "`applicant.members`" in markdown
    assert "| `costs.travel` |" in markdown
    verdict = {"fr": "**Verdict : NON ÉLIGIBLE**", "en": "**Verdict: NOT ELIGIBLE**"}[lang]
    assert verdict in markdown


def test_reports_check_their_arguments() -> None:
    with pytest.raises(InvalidArgument):
        decision_text(decide(), "de")
    with pytest.raises(InvalidArgument):
        decision_text({"eligible": True}, "fr")  # type: ignore[arg-type]


# --- schemes


@pytest.mark.parametrize("lang", LANGS)
def test_reglement_is_deterministic_well_nested_markdown(lang: str) -> None:
    markdown = scheme_markdown(SCHEME, lang)
    assert markdown == scheme_markdown(SCHEME, lang)
    assert_well_nested(headings(markdown))


def test_reglement_in_french() -> None:
    markdown = scheme_markdown(SCHEME, "fr")
    assert markdown.startswith("# Aide à l'équipement sportif\n\n## Fiche du dispositif\n")
    assert "| `perimeter` | Exempleville (commune 99999) |" in markdown
    assert "| `subvention_rate_upper_bound` | 70\u00a0% |" in markdown
    assert "| 1er janvier 2025 | 31 décembre 2025 |" in markdown
    assert "| 1er janvier 2026 | (sans terme) |" in markdown
    assert "## Règles en vigueur à partir du 1er janvier 2026" in markdown
    assert "#### `applicant.insured`" in markdown
    assert "- Portée : avertissement" in markdown
    assert "- Exceptions : par exception (handisport), si 'handisport' figure parmi" in markdown
    assert "- Fondement : Délibération du conseil municipal n° 2024-112, art. 6" in markdown
    assert "#### `award` — la subvention (montant de l'aide)" in markdown
    assert "- Arrondi : arrondi au centime inférieur" in markdown
    assert (
        "- Calcul : le plus petit des montants suivants : le taux de subvention appliqué au "
        "coût éligible" in markdown
    )
    assert "#### `grant_rate` — le taux de subvention" in markdown
    assert (
        f"| 1er juillet 2025 | 40{NBSP}% | taux "
        "| Délibération du conseil municipal n° 2025-041, art. 1 |" in markdown
    )
    assert f"| 1er janvier 2025 | 20{NNBSP}000,00{NBSP}€ | euros |" in markdown
    assert "- `publicity.logo` : Apposer le logo" in markdown


def test_reglement_on_a_day_writes_parameter_values() -> None:
    markdown = scheme_markdown(SCHEME, "en", on=datetime.date(2025, 8, 1))
    assert "## Rules in force on 1 August 2025 (version of 1 January 2025)" in markdown
    assert (
        "- Computation: the least of 40% of the eligible cost (rounded down to the cent) and "
        "€20,000.00" in (markdown)
    )
    assert "applicant.insured" not in markdown  # a rule of the 2026 version
    assert_well_nested(headings(markdown))


def test_reglement_shows_reliability_links_notes_and_open_questions() -> None:
    metadata = attrs.evolve(
        SCHEME.metadata,
        description={"fr": "Soutenir les clubs *amateurs*.", "en": "Support clubs."},
        origin_url="https://example.org/aide",
        open_questions=({"fr": "Le plafond est-il annuel ?", "en": "Is the ceiling yearly?"},),
    )
    version = SCHEME.versions[0]
    criterion = attrs.evolve(
        version.criteria[0], basis=Basis("Code du sport", "art. L100-1", "https://x.org/a", "press")
    )
    scheme = attrs.evolve(
        SCHEME,
        metadata=metadata,
        versions=(attrs.evolve(version, criteria=(criterion,), note="first | rules"),),
    )
    markdown = scheme_markdown(scheme, "fr")
    assert "Soutenir les clubs \\*amateurs\\*." in markdown
    assert "| `origin_url` | [https://example.org/aide](https://example.org/aide) |" in markdown
    assert (
        "[Code du sport, art. L100-1](https://x.org/a) (fiabilité : presse uniquement)" in markdown
    )
    assert "| first \\| rules |" in markdown
    assert markdown.endswith("## Questions ouvertes\n\n- Le plafond est-il annuel ?\n")
    assert_well_nested(headings(markdown))


def test_plain_text_reglement() -> None:
    text = scheme_text(SCHEME, "en")
    assert text.startswith("Sports equipment grant\n======================\n")
    assert "Eligibility criteria\n~~~~~~~~~~~~~~~~~~~~" in text
    assert "- Rule: the legal category is one of (eligible_legal_categories)" in text
    assert "#" not in text.split("\n")[0]


def test_scheme_rendering_checks_its_arguments() -> None:
    with pytest.raises(InvalidArgument):
        scheme_markdown("sports-equipment")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument):
        scheme_markdown(SCHEME, "es")
    with pytest.raises(InvalidArgument):
        scheme_markdown(SCHEME, "fr", on="2025-01-01")  # type: ignore[arg-type]


@needs_ami
@pytest.mark.parametrize("lang", LANGS)
def test_reglement_of_the_ami(lang: str) -> None:
    scheme = load_scheme("ami-ia-hdf")
    markdown = scheme_markdown(scheme, lang)
    assert_well_nested(headings(markdown))
    assert scheme.metadata.open_questions
    assert ("## Questions ouvertes" if lang == "fr" else "## Open questions") in markdown


# --- Markdown escaping


def test_markdown_escapes_text_but_not_code_or_links() -> None:
    blocks: list[Block] = [
        Heading(1, ("Title *not* emphasis",)),
        Para(("a_b [c] <d> & e", Code("costs[].amount_excl_vat"), Link("t", "https://x.org/(a)"))),
        Bullets(((("- not a sub-list",), (("# not a heading",),)),)),
        Table(("h",), ((("a | b",),), ((Code("x|y"),),))),
    ]
    markdown = to_markdown(blocks)
    assert "# Title \\*not\\* emphasis" in markdown
    assert (
        "a\\_b \\[c\\] \\<d\\> \\& e`costs[].amount_excl_vat`[t](https://x.org/%28a%29)" in markdown
    )
    assert "- \\- not a sub-list\n  - \\# not a heading" in markdown
    assert "| a \\| b |" in markdown
    assert headings(markdown) == [1]


# --- i18n


def test_every_message_speaks_every_language_with_the_same_placeholders() -> None:
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert fields(texts["fr"]) == fields(texts["en"]), key


def test_message_and_default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    assert message("verdict.ineligible") == "NON ÉLIGIBLE"
    assert message("cli.lines_invalid", "fr", bad=1, total=3) == "1 ligne(s) invalide(s) sur 3"
    with pytest.raises(InvalidArgument):
        message("verdict.eligible", "de")
    monkeypatch.delenv("GRANTRULES_LANG", raising=False)
    assert default_lang() == "fr"
    monkeypatch.setenv("GRANTRULES_LANG", "en")
    assert default_lang() == "en"
    monkeypatch.setenv("GRANTRULES_LANG", "xx")
    assert default_lang() == "fr"
