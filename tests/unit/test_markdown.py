"""Markdown: `gtm:` links found in links and images but not in code, and read as kind/id."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from gtm.content.commonmark import (
    LinkTarget,
    TextLinks,
    compile_text,
    parse_link,
    parser,
    parser_for,
    scan_text,
)
from gtm.content.markdown import (
    MarkdownMemo,
    MarkdownPass,
    anchor_ids,
    find_gtm_links,
    find_links,
)

ROOT = Path(__file__).resolve().parents[2]


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


def test_links_into_the_portal_are_found_beside_gtm_links() -> None:
    """`gtm check` follows relative and root-relative links, anchors and images itself, so it
    reports the broken ones the build's crawler would."""
    text = (
        "See [setup](setup.md), [up](../nowhere/), [here](#no-such-heading) and [root](/x/).\n\n"
        "![logo](assets/missing.png) [web](https://acme.example) [mail](mailto:a@b.example)\n\n"
        "[by ref][r] and [Dana](gtm:personas/devops-dana#pains)\n\n[r]: ../faq/index.html\n"
    )
    found = find_links(text)
    assert found.gtm == ("gtm:personas/devops-dana#pains",)
    assert found.local == (
        "setup.md",
        "../nowhere/",
        "#no-such-heading",
        "/x/",
        "assets/missing.png",
        "../faq/index.html",
    )
    assert find_links("no links [here] at all, just brackets") == TextLinks(())


def test_raw_html_links_count_only_where_raw_html_is_allowed() -> None:
    text = 'Read <a href="../guide/">the guide</a>.\n\n<div><img src="assets/x.png"></div>\n'
    assert find_links(text).local == ()
    assert find_links(text, allow_html=True).local == ("../guide/", "assets/x.png")


def test_anchor_ids_are_the_ids_the_html_carries() -> None:
    text = "## Why we win\n\nText.[^1]\n\n### Why we win\n\n[^1]: A note.\n"
    assert anchor_ids(text) == {"why-we-win", "why-we-win-1", "fn1", "fnref1"}


def test_plain_text_is_not_a_link() -> None:
    assert list(find_gtm_links("gtm:personas/devops-dana in a sentence")) == []
    assert list(find_gtm_links("")) == []


TRICKY = [
    "[a][r] and [b][R]\n\n[r]: gtm:personas/x\n[R]: gtm:personas/y",
    "[a](gtm&#58;personas/x) and [b](gtm\\:personas/y) beside gtm:",
    "<gtm:personas/x> and `[a](gtm:personas/code)`",
    "    [a](gtm:personas/indented-code)\n\n> quoted [a](gtm:personas/q)\n",
    "- [ ] task [a](gtm:personas/t)\n- [x] done",
    "Note[^1].\n\n[^1]: see [a](gtm:personas/footnote)",
    "![logo](gtm:products/relay) and [![i](gtm:products/a)](gtm:products/b)",
    "| a |\n|---|\n| [x](gtm:personas/cell) |",
    "<div>\n[a](gtm:personas/in-html)\n</div>\n\n[b](gtm:personas/after)",
    "[outer [inner](gtm:personas/i)](gtm:personas/o)",
]


def _markdown_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("allow_html", [False, True])
def test_scanning_finds_exactly_the_links_compiling_finds(allow_html: bool) -> None:
    """`gtm check` scans for links without making HTML; it must see what the build resolves."""
    content = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "content").rglob("*.yaml"))
    texts = TRICKY + [_markdown_of(path) for path in content]
    assert sum("gtm:" in text for text in texts) > 10
    for text in texts:
        assert scan_text(text, allow_html) == compile_text(text, allow_html).found, text[:80]


def test_a_scan_in_workers_finds_what_one_process_finds() -> None:
    texts = [f"{text}\n\n{'filler words ' * 2000}" for text in TRICKY]
    memo = MarkdownMemo()
    for expected in (len(texts), 0):
        with MarkdownPass(memo, compile=False, jobs=2) as scan:
            scan.give(texts)
            assert scan.finish() == expected
    found = [find_gtm_links(text, memo=memo) for text in texts]
    assert memo.compiled == {}
    assert found == [compile_text(text, False).links for text in texts]
    assert found[0] == ("gtm:personas/x", "gtm:personas/x")  # labels ignore case


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


LINES = ["a [x](gtm:p/q)", "- a", "1. a", "2. b", "  b", "    c", "> q", "", "* x", "| a | b |"]
UNDERLINES = ["---", "===", "  -- ", "a\r\n===\r\n", "|---|---|", "- - -", "--"]


def _tokens(text: str, md: MarkdownIt) -> list[tuple[object, ...]]:
    tokens = md.parse(text, {})
    return [(t.type, t.map, t.content, t.markup, t.meta, t.attrs) for t in tokens]


def test_the_lighter_parsers_give_the_same_tokens() -> None:
    """Every three-line text of these lines, and each with an underline or a table after it:
    the parser chosen for a text gives the tokens of the full one, parent types included."""
    full = parser(False, True, True)
    texts = ["\n".join(lines) for lines in itertools.product(LINES, repeat=3)]
    texts += [f"{text}\n{line}\n" for text in texts[::7] for line in UNDERLINES]
    texts += TRICKY
    for text in texts:
        assert _tokens(text, parser_for(text, False)) == _tokens(text, full), text
    assert parser_for("| a |\n|---|\n\nb\n===", False) is full
    assert parser_for("a [x](gtm:p/q)\n\n- b", False) is not full


def test_one_shared_parser() -> None:
    assert parser() is parser()
