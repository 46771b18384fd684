"""Markdown: `gtm:` links found in links and images but not in code, and read as kind/id."""

from __future__ import annotations

import pytest

from gtm.markdown import LinkTarget, find_gtm_links, parse_link, parser


def test_links_and_images_in_order() -> None:
    text = (
        "See [Dana](gtm:personas/devops-dana) and ![logo](gtm:products/relay).\n\n"
        "- [battlecard](gtm:competitors/pagestorm#pricing)\n"
        "- [web](https://acme.example) and [mail](mailto:a@b.example)\n"
    )
    assert list(find_gtm_links(text)) == [
        "gtm:personas/devops-dana",
        "gtm:products/relay",
        "gtm:competitors/pagestorm#pricing",
    ]


def test_reference_links_autolinks_and_tables() -> None:
    text = (
        "A [ref][dana] and <gtm:products/relay>.\n\n"
        "| who | link |\n|---|---|\n| x | [y](gtm:personas/y) |\n\n"
        "[dana]: gtm:personas/devops-dana\n"
    )
    assert list(find_gtm_links(text)) == [
        "gtm:personas/devops-dana",
        "gtm:products/relay",
        "gtm:personas/y",
    ]


def test_code_is_not_searched() -> None:
    text = (
        "Write `[x](gtm:personas/a)` like this:\n\n"
        "```\n[x](gtm:personas/b)\n```\n\n"
        "    [x](gtm:personas/c)\n"
    )
    assert list(find_gtm_links(text)) == []


def test_plain_text_is_not_a_link() -> None:
    assert list(find_gtm_links("gtm:personas/devops-dana in a sentence")) == []
    assert list(find_gtm_links("")) == []


@pytest.mark.parametrize(
    ("href", "target"),
    [
        ("gtm:personas/devops-dana", LinkTarget("personas", "devops-dana")),
        ("gtm:competitors/pagestorm#pricing", LinkTarget("competitors", "pagestorm", "pricing")),
        ("gtm:pages/faq", LinkTarget("pages", "faq")),
    ],
)
def test_parse_link(href: str, target: LinkTarget) -> None:
    assert parse_link(href) == target


@pytest.mark.parametrize(
    "href",
    ["gtm:personas", "gtm:personas/", "gtm:Personas/x", "gtm:personas/a/b", "gtm:/x", "gtm:"],
)
def test_malformed_links(href: str) -> None:
    assert parse_link(href) is None


def test_raw_html_is_escaped_unless_allowed() -> None:
    assert "<script>" not in parser().render("<script>alert(1)</script>\n")
    assert "<b>x</b>" in parser(allow_html=True).render("<b>x</b>\n")


def test_github_style_extensions_are_on() -> None:
    html = parser().render("| a |\n|---|\n| b |\n\n~~gone~~\n")
    assert "<table>" in html
    assert "<s>gone</s>" in html


def test_one_shared_parser() -> None:
    assert parser() is parser()
