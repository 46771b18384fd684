"""Copy buttons on artifact pages (static/copy.js), in Chromium: every section heading with an
id gets a button, reachable from the keyboard, that puts the section's text and a link back to
it on the clipboard, as text for chat and as HTML for rich editors, over HTTP and from file://."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import serve_folder

CARD = "competitors/pagestorm/index.html"


@contextmanager
def opened(browser: Browser, url: str) -> Iterator[Page]:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(url)
        yield page
    finally:
        context.close()


def copy_with_the_keyboard(page: Page, section: str) -> None:
    button = page.locator(f"#{section} .copy-button")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.querySelector('#{section} .copy-button').textContent === 'Copied'"
    )


@pytest.mark.parametrize("where", ["http", "file"])
def test_a_section_copies_as_text_with_a_link_back_to_it(
    site: Path, browser: Browser, where: str
) -> None:
    with serve_folder(site) as base:
        url = base + CARD if where == "http" else (site / CARD).as_uri()
        with opened(browser, url) as page:
            headings = page.locator("main section[aria-labelledby] > h2[id]")
            assert page.locator(".copy-button").count() == headings.count() >= 8
            copy_with_the_keyboard(page, "why-we-win")
            text = page.evaluate("navigator.clipboard.readText()")
    lines = text.splitlines()
    assert lines[0] == "*Why we win* (PageStorm battlecard)"
    assert lines[1] == "1. Routing comes from the service catalog, not from escalation policies"
    assert "Proof Brightmoor Health retired 212 PageStorm escalation policies" in text
    assert "Copy" not in text and "PROOF" not in text and "Git.1" not in text
    assert lines[-1] == url + "#why-we-win"
    assert page_has_the_anchor(site, "why-we-win")


def page_has_the_anchor(site: Path, anchor: str) -> bool:
    return f'id="{anchor}"' in (site / CARD).read_text(encoding="utf-8")


def test_rich_editors_get_html_with_the_link(site: Path, browser: Browser) -> None:
    with serve_folder(site) as base, opened(browser, base + CARD) as page:
        copy_with_the_keyboard(page, "landmines")
        html = page.evaluate(
            """async () => {
                const [item] = await navigator.clipboard.read();
                return await (await item.getType("text/html")).text();
            }"""
        )
        link = f'<a href="{base}{CARD}#landmines">PageStorm battlecard</a>'
    assert "<strong>Landmines" in html and link in html
    assert "How many escalation policies do you have today" in html
    assert "copy-button" not in html and "<h2" not in html
