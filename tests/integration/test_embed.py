"""A battlecard to embed (`embed/battlecards/<id>.html`), built from the example with its PDFs:
what a rep needs before a call and links to the full card and PDF, no script, out of the
sitemap and of search engines, and no horizontal scrolling at 400 or 320 px in Chromium, light
or dark."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.conftest import build_example


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("embed") / "example"
    build_example(root)
    return root / "output"


def card(output: Path, ident: str) -> str:
    return (output / f"embed/battlecards/{ident}.html").read_text(encoding="utf-8")


def test_every_battlecard_has_an_embed_with_what_a_rep_needs(output: Path) -> None:
    competitors = {p.name for p in (output / "competitors").iterdir() if p.is_dir()}
    embeds = {p.stem for p in (output / "embed/battlecards").glob("*.html")}
    assert embeds == competitors == {"alertly", "pagestorm", "sirenworks"}
    page = card(output, "pagestorm")
    for heading in ("Quick dismiss", "Why we win", "Landmines to lay", "Top objections"):
        assert f">{heading}</h2>" in page, heading
    assert "PageStorm pages people." in page
    assert page.count("<dt>") == 3  # the top three of its objections
    assert "<script" not in page and "<iframe" not in page
    assert '<meta name="robots" content="noindex">' in page
    links = re.findall(r'<a href="([^"]+)" target="_blank" rel="noopener">', page)
    assert links == [
        "../../competitors/pagestorm/index.html",
        "../../pdf/battlecards/pagestorm.pdf",
    ]
    for link in links:
        assert (output / "embed/battlecards" / link).resolve().is_file(), link
    assert "embed/" not in (output / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("width", "scheme"), [(400, "light"), (320, "dark")])
def test_an_embed_fits_a_side_panel_without_scrolling_sideways(
    output: Path, browser: Browser, width: int, scheme: str
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
    try:
        for ident in ("alertly", "pagestorm", "sirenworks"):
            page.goto((output / f"embed/battlecards/{ident}.html").as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= width, ident
            style = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert (style == "rgb(255, 255, 255)") == (scheme == "light"), style
            assert page.locator("h1").inner_text() and page.locator(".card__foot a").count() == 2
    finally:
        page.close()
