"""Superlatives and banned words with a replacement (gtm/site/voice.py): a word that makes a
claim is a warning at the word, unless a sourced claim in the same file backs it."""

from __future__ import annotations

import re

from gtm.content.model import SUPERLATIVES, Brand
from gtm.site.voice import SUPERLATIVE, brand_patterns, phrase_pattern
from tests.conftest import MakeProject
from tests.unit.helpers import check, lines

PAGE = "content/pages/guide.md"

CARD = """\
name: PageStorm
strengths: [big]
weaknesses: [slow]
quick_dismiss: Relay is the fastest way off PageStorm.
why_we_win:
  - point: Faster to value
    proof:
      claim: Fastest rollout we measured, day 3 on median
      source: Relay 2 beta cohort
      as_of: 2026-10-31
"""


def page(text: str) -> dict[str, str]:
    return {PAGE: f"---\ntitle: Guide\n---\n{text}\n"}


def warned(make_project: MakeProject, files: dict[str, str]) -> list[str]:
    return lines(check(make_project(files)))


def test_a_superlative_is_a_warning_at_the_word_in_any_case(make_project: MakeProject) -> None:
    found = warned(make_project, page("We are the Fastest, and #1 for teams."))
    assert found == [
        f"{PAGE}:4:12: warning: " + SUPERLATIVE.format(hit="Fastest"),
        f"{PAGE}:4:25: warning: " + SUPERLATIVE.format(hit="#1"),
    ]
    assert SUPERLATIVE.format(hit="fastest") == (
        "'fastest' is a claim: back it with a sourced proof point in this file, or reword"
    )


def test_a_sourced_claim_in_the_same_file_backs_the_word(make_project: MakeProject) -> None:
    assert warned(make_project, {"content/competitors/pagestorm.yaml": CARD}) == []


def test_a_claim_in_another_file_does_not_back_it(make_project: MakeProject) -> None:
    files = {"content/competitors/pagestorm.yaml": CARD, **page("Relay is the fastest.")}
    assert warned(make_project, files) == [
        f"{PAGE}:4:14: warning: " + SUPERLATIVE.format(hit="fastest")
    ]


def test_text_proof_does_not_back_a_superlative(make_project: MakeProject) -> None:
    card = CARD.replace(
        "    proof:\n      claim: Fastest rollout we measured, day 3 on median\n"
        "      source: Relay 2 beta cohort\n      as_of: 2026-10-31\n",
        "    proof: Fastest rollout we measured\n",
    )
    found = warned(make_project, {"content/competitors/pagestorm.yaml": card})
    assert [line.split(": warning: ")[0] for line in found] == [
        "content/competitors/pagestorm.yaml:4:29",
        "content/competitors/pagestorm.yaml:7:12",
    ]


def test_whole_words_and_compounds(make_project: MakeProject) -> None:
    quiet = "Bestow the mostly first ten minutes on #12, misleading no one, and the onlyness."
    assert warned(make_project, page(quiet)) == []
    loud = "A best-in-class, industry-leading tool."
    found = warned(make_project, page(loud))
    assert [line.split("warning: ")[1].split(" is a claim")[0] for line in found] == [
        "'best'",
        "'leading'",
    ]


def test_code_and_addresses_are_not_claims(make_project: MakeProject) -> None:
    text = "Run `relay --fastest` or read https://acme.example/best and best.example.com."
    assert warned(make_project, page(text)) == []


def test_the_brand_file_sets_the_list_or_turns_it_off(make_project: MakeProject) -> None:
    text = "The fastest and the greatest."
    custom = {"content/brand.yaml": "superlatives: [greatest]\n", **page(text)}
    assert [line.split(": ")[0] for line in warned(make_project, custom)] == [f"{PAGE}:4:21"]
    off = {"content/brand.yaml": "superlatives: []\n", **page(text)}
    assert warned(make_project, off) == []
    defaults = {"content/brand.yaml": "banned: [synergy]\n", **page(text)}
    assert len(warned(make_project, defaults)) == 1


def test_a_banned_word_names_its_replacement(make_project: MakeProject) -> None:
    brand = "banned:\n  - synergy\n  - word: leverage\n    use: use\n"
    files = {"content/brand.yaml": brand, **page("Leverage the synergy.")}
    assert warned(make_project, files) == [
        f"{PAGE}:4:1: warning: 'Leverage' is a banned word (brand.yaml): write 'use'",
        f"{PAGE}:4:14: warning: 'synergy' is a banned word (brand.yaml)",
    ]


def test_a_banned_record_is_checked_like_any_record(make_project: MakeProject) -> None:
    files = {"content/brand.yaml": "banned:\n  - wrd: synergy\n", **page("Fine.")}
    assert [line for line in warned(make_project, files) if ": error: " in line] == [
        "content/brand.yaml:2:5: error: banned item 1: missing required field 'word'",
        "content/brand.yaml:2:5: error: banned item 1: unknown field 'wrd' (did you mean 'word'?)",
    ]


def test_default_list_and_patterns() -> None:
    assert {"best", "fastest", "#1", "leading", "guaranteed", "unmatched", "10x"} <= set(
        SUPERLATIVES
    )
    rules = brand_patterns(Brand()).rules
    assert [rule.code for rule in rules] == ["superlative"] * len(SUPERLATIVES)
    assert all(rule.superlative for rule in rules)
    assert phrase_pattern("the  most", compounds=True).search("THE\nMOST loved")
    assert not phrase_pattern("cutting-edge").search("cutting-edges")
    assert isinstance(phrase_pattern("10x"), re.Pattern)


def test_other_peoples_words_are_not_our_claims(make_project: MakeProject) -> None:
    card = (
        CARD.replace("quick_dismiss: Relay is the fastest way off PageStorm.\n", "")
        + "their_pitch: The leading platform.\n"
        + "objections:\n  - objection: We want the best tool.\n    response: The best fit.\n"
    )
    found = warned(make_project, {"content/competitors/pagestorm.yaml": card})
    assert found == [
        "content/competitors/pagestorm.yaml:13:19: warning: " + SUPERLATIVE.format(hit="best")
    ]
