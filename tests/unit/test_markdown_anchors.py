"""Heading ids: gtm's own rule gives exactly the ids mdit-py-plugins' anchors plugin gave (links
written against them keep working), without the plugin's count from `-1` for every repeat,
which made 20,000 identical headings take most of a minute."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins import anchors
from mdit_py_plugins.anchors import anchors_plugin

from gtm.content.commonmark import compile_text, parser, parser_for, slugify
from gtm.content.sources import read_sources
from gtm.content.validate import Item, validate_source
from gtm.diagnostics import Diagnostics
from gtm.site.link import markdown_texts
from tests.conftest import ROOT

IDS = re.compile(r'<h[1-6] id="([^"]*)"')


@cache
def plugin_parser(allow_html: bool, tables: bool, setext: bool) -> MarkdownIt:
    """gtm's parser as it was before: the same configuration, with the plugin's anchors rule
    where gtm's own is (both are the last core rule)."""
    md = parser.__wrapped__(allow_html, tables, setext)  # type: ignore[attr-defined]
    md.core.ruler.disable("anchor")
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
    return md


def as_plugin_renders(text: str, allow_html: bool = False) -> str:
    """The HTML the plugin gives, with the parser that gtm picks for this text."""
    chosen = parser_choice(text)
    return plugin_parser(allow_html, *chosen).render(text)


def parser_choice(text: str) -> tuple[bool, bool]:
    for tables in (False, True):
        for setext in (False, True):
            if parser_for(text, False) is parser(False, tables, setext):
                return tables, setext
    raise AssertionError("parser_for chose a parser that parser() does not make")


def ids(html: str) -> list[str]:
    return IDS.findall(html)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## a\n## a\n## a\n", ["a", "a-1", "a-2"]),
        ("## a\n## a\n## a-1\n", ["a", "a-1", "a-1-1"]),
        ("## a-1\n## a\n## a\n## a\n", ["a-1", "a", "a-2", "a-3"]),
        ("## a\n## a-2\n## a\n## a\n## a\n", ["a", "a-2", "a-1", "a-3", "a-4"]),
        (
            "## Why we win\n### Why we win\n#### Why we win\n",
            ["why-we-win", "why-we-win-1", "why-we-win-2"],
        ),
        ("# Title\n## Title\n##### Title\n", ["title"]),
        (
            "## `code` and *em*\n## ¿Qué?\n## !!!\n## !!!\n",
            ["code-and-em", "que", "section", "section-1"],
        ),
        ("- ## in a list\n> ## in a quote\n", ["in-a-list", "in-a-quote"]),
    ],
)
def test_ids_are_the_plugins(text: str, expected: list[str]) -> None:
    html = compile_text(text, False).html
    assert ids(html) == expected
    assert html == as_plugin_renders(text)


def test_the_plugins_quadratic_search_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """`unique_slug` counts up from `-1` for each repeat of a heading; gtm no longer calls it."""

    def refuse(slug: str, slugs: set[str]) -> str:
        raise AssertionError("the anchors plugin's unique_slug was called")

    monkeypatch.setattr(anchors.index, "unique_slug", refuse)
    assert ids(compile_text("## a\n\n" * 3 + "## b\n", False).html) == ["a", "a-1", "a-2", "b"]


def test_many_identical_headings_get_every_suffix_once() -> None:
    html = compile_text("## a\n\n" * 5000, False).html
    assert ids(html) == ["a", *(f"a-{n}" for n in range(1, 5000))]


HEADING_TEXTS = st.sampled_from(
    ["a", "a-1", "a-2", "a-1-1", "b", "A", "a 1", "a--1", "", "é", "`a`"]
)
LINES = st.one_of(
    st.builds(lambda level, text: f"{'#' * level} {text}", st.integers(1, 6), HEADING_TEXTS),
    st.sampled_from(["", "text", "- ## a", "> ## a-1", "a\n---", "a\n===", "| a |\n|---|"]),
)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(LINES, max_size=30).map("\n".join))
def test_ids_match_the_plugin_and_are_unique(text: str) -> None:
    html = compile_text(text, False).html
    assert html == as_plugin_renders(text)
    found = ids(html)
    assert len(found) == len(set(found))


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=200))
def test_any_text_gets_the_plugins_html(text: str) -> None:
    assert compile_text(text, False).html == as_plugin_renders(text)


def example_texts() -> Iterator[str]:
    diagnostics = Diagnostics()
    sources = read_sources(ROOT / "content", ROOT, diagnostics)
    items = [item for s in sources if isinstance(item := validate_source(s, diagnostics), Item)]
    assert len(items) > 10
    yield from markdown_texts(items)


def test_every_markdown_text_of_the_example_gets_the_plugins_html() -> None:
    texts = list(example_texts())
    assert sum(1 for text in texts if "\n## " in text) > 5
    for text in texts:
        for allow_html in (False, True):
            assert compile_text(text, allow_html).html == as_plugin_renders(text, allow_html)
