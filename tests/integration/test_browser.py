"""The built example portal in a real browser (Chromium through Playwright): the home page, the
header search, following a result, search opened straight from disk, and a phone-sized page.

One build, one HTTP server and one browser serve the whole module. Every test saves a
screenshot into its tmp_path; with GTM_UPDATE_SCREENSHOTS=1 they also replace the PNGs in
docs/screenshots/ of the repository."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    expect,
)

from tests.conftest import (
    ROOT,
    build_example,
    serve_folder,
)

SCREENSHOTS = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000  # a local static site: anything slower is a failure, not a slow machine

SITE_TITLE = "Acme GTM Portal"
PERSONA_NAME = "DevOps Dana"
PERSONA_PATH = "personas/devops-dana/index.html"


@pytest.fixture(scope="module", autouse=True)
def browser_first(chromium_installed: str) -> str:
    """First of all: skipped without Chromium, but a failure in CI."""
    return chromium_installed


@dataclass
class Problems:
    """Everything that went wrong in a page while a test drove it."""

    items: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.items.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.items.append(f"console error: {message.text} ({message.location})")

    def _failed(self, request: Request) -> None:
        self.items.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=DESKTOP)
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


def screenshot(page: Page, tmp_path: Path, name: str, *, publish: bool = True) -> Path:
    """Saves a full-page `name` into tmp_path, and with GTM_UPDATE_SCREENSHOTS=1 (and
    `publish`) into docs/screenshots/ of the repository too."""
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    assert path.stat().st_size > 0
    if publish and os.environ.get("GTM_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / name)
    return path


def test_header_search_finds_and_opens_a_persona(
    context: BrowserContext, base_url: str, tmp_path: Path
) -> None:
    page = context.new_page()
    problems = Problems()
    problems.watch(page)

    response = page.goto(base_url + "index.html")
    assert response is not None and response.ok
    expect(page).to_have_title(SITE_TITLE)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text(SITE_TITLE)
    screenshot(page, tmp_path, "home.png")

    header_box = page.locator("header.site-header").get_by_role(
        "searchbox", name="Search the portal"
    )
    header_box.fill(PERSONA_NAME)
    header_box.press("Enter")
    page.wait_for_url(re.compile(r"/search/index\.html\?q=DevOps(\+|%20)Dana$"))

    results = page.locator("[data-search-results] > li")
    expect(results.first).to_be_visible()
    first = results.first
    expect(first.locator(".result__kind")).to_have_text("Persona")
    first_link = first.get_by_role("link")
    expect(first_link).to_have_text(PERSONA_NAME)
    expect(page.locator("[data-search-status]")).to_contain_text(f"for “{PERSONA_NAME}”")
    expect(page.locator("#search-q")).to_have_value(PERSONA_NAME)
    screenshot(page, tmp_path, "search.png")

    # The keyboard path the search help promises: ↓ from the box to the first result, Enter.
    page.locator("#search-q").focus()
    page.keyboard.press("ArrowDown")
    expect(first_link).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(PERSONA_PATH) + "$"))
    assert page.url == base_url + PERSONA_PATH
    expect(page.get_by_role("heading", level=1)).to_have_text(PERSONA_NAME)
    expect(page).to_have_title(f"{PERSONA_NAME} · {SITE_TITLE}")
    page.wait_for_load_state("load")
    screenshot(page, tmp_path, "persona.png")

    assert problems.items == []


def test_a_served_portal_searches_the_full_text_and_one_on_disk_names_tags_and_summaries(
    context: BrowserContext, base_url: str, site: Path
) -> None:
    """ "Brightmoor" is only in the text of three artifacts (a proof point), never in a name,
    summary or tag: found over HTTP (search-index.json), not from disk (search-index.js, a
    fifth of the size, which the page says)."""
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.rsplit("/", 1)[-1]))
    page.goto(base_url + "search/index.html?q=Brightmoor")
    results = page.locator("[data-search-results] > li")
    expect(results.first).to_be_visible()
    assert results.count() == 3
    expect(page.locator("[data-search-status]")).not_to_contain_text("names, tags and summaries")
    assert "search-index.json" in fetched and "search-index.js" not in fetched

    page.goto((site / "search" / "index.html").as_uri() + "?q=Brightmoor")
    expect(page.locator("[data-search-status]")).to_contain_text(
        "No results for “Brightmoor” in names, tags and summaries"
    )
    assert results.count() == 0
    sizes = [(site / name).stat().st_size for name in ("search-index.js", "search-index.json")]
    assert sizes[0] * 4 < sizes[1]


def _search(page: Page, url: str) -> list[str]:
    page.goto(url)
    expect(page.locator("[data-search-status]")).to_contain_text("result")
    return page.locator("[data-search-results] .result__title").all_inner_texts()


def test_a_large_portal_searches_its_index_in_pieces(
    browser: Browser,
    base_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Built as a portal past `WHOLE_INDEX_LIMIT` is, the search page fetches only the pieces a
    query needs, never `search-index.json`, and finds what the whole index finds for a word of
    the body text, for its beginning, and for two words; a name still ranks first."""
    monkeypatch.setattr("gtm.render.shards.WHOLE_INDEX_LIMIT", 0)
    build_example(tmp_path / "large", "--no-pdf")
    site = tmp_path / "large" / "output"
    meta = json.loads((site / "search-index" / "meta.json").read_bytes())
    assert meta["whole"] is False and meta["docs"] > 8
    whole = browser.new_context(viewport=DESKTOP)
    whole.set_default_timeout(TIMEOUT_MS)
    expected = _search(whole.new_page(), base_url + "search/index.html?q=Brightmoor")
    whole.close()
    assert len(expected) == 3
    with serve_folder(site) as pieces_url:
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        problems = Problems()
        problems.watch(page)
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url[len(pieces_url) :]))
        search = pieces_url + "search/index.html?q="
        assert sorted(_search(page, search + "Brightmoor")) == sorted(expected)
        notes = page.locator("[data-search-results] .result__snippet").all_inner_texts()
        assert notes == ["Found in the full text."] * 3
        assert sorted(_search(page, search + "brightm")) == sorted(expected)
        both = _search(page, search + "Brightmoor%20incident")
        assert 0 < len(both) <= len(expected)
        assert _search(page, search + "DevOps%20Dana")[0] == PERSONA_NAME
        assert _search(page, search + "pagestorm%20battlecard")[0] == "PageStorm"
        assert _search(page, search + "devop")[0] == PERSONA_NAME
        marks = page.locator("[data-search-results] .result__title mark").all_inner_texts()
        assert marks and {mark.lower() for mark in marks} == {"devop"}
        page.goto(search)
        page.get_by_role("searchbox", name="Search the portal").last.press_sequentially("xq zz")
        expect(page.locator("[data-search-status]")).to_contain_text(
            "No results for “xq zz”. Type three letters or more of a word"
        )
        context.close()
    assert "search-index.json" not in fetched and "search-index.js" not in fetched
    pieces = f"search-index/{meta['pieces']}/"
    assert "search-index/meta.json" in fetched and pieces + "words/bri.json" in fetched
    assert any(name.startswith(pieces + "docs/") for name in fetched)
    assert problems.items == []


def test_a_search_page_open_across_a_new_build_says_to_reload(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pieces it read the layout of are gone (a new build put its own in another folder):
    the page asks for a reload rather than show one build's records for another's words."""
    monkeypatch.setattr("gtm.render.shards.WHOLE_INDEX_LIMIT", 0)
    build_example(tmp_path / "large", "--no-pdf")
    site = tmp_path / "large" / "output"
    meta = json.loads((site / "search-index" / "meta.json").read_bytes())
    with serve_folder(site) as url:
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto(url + "search/index.html")
        expect(page.locator("[data-search-status]")).to_contain_text("Type to search")
        shutil.rmtree(site / "search-index" / meta["pieces"])
        page.get_by_role("searchbox", name="Search the portal").last.fill("brightmoor")
        expect(page.locator("[data-search-status]")).to_contain_text(
            "could not be loaded (it may have been updated since this page opened). Reload"
        )
        assert page.locator("[data-search-results] > li").count() == 0
        context.close()


FAIL_LATER_RECORD_FILES = """
(() => {
  const real = window.fetch;
  let armed = false, closed = false;
  window.fetch = function (url, options) {
    if (String(url).includes("/docs/")) {
      if (closed) return Promise.reject(new TypeError("Failed to fetch"));
      if (!armed) { armed = true; setTimeout(() => { closed = true; }, 0); }
    }
    return real.call(this, url, options);
  };
})();
"""
"""The record files a query asks for at once arrive; any asked for later (results 11 to 50)
fail, as on a connection that drops."""


def test_search_in_pieces_says_when_only_the_first_results_could_be_loaded(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Results 11 to 50 come in a second fetch: when it fails, the ten shown stay and the
    status says how many of how many are shown, not "Top 50". One record to a file, so the
    example's fourteen records lie in fourteen files."""
    monkeypatch.setattr("gtm.render.shards.WHOLE_INDEX_LIMIT", 0)
    monkeypatch.setattr("gtm.render.shards.DOCS_PER_CHUNK", 1)
    build_example(tmp_path / "large", "--no-pdf")
    with serve_folder(tmp_path / "large" / "output") as url:
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(FAIL_LATER_RECORD_FILES)
        page = context.new_page()
        page.goto(url + "search/index.html?q=the")
        status = page.locator("[data-search-status]")
        expect(status).to_contain_text("the rest could not be loaded")
        shown = page.locator("[data-search-results] > li").count()
        assert shown == 10
        total = int(re.search(r"of (\d+) results", status.inner_text())[1])  # type: ignore[index]
        assert total > 10
        assert status.inner_text().startswith(f"Showing 10 of {total} results for “the”")
        context.close()


def test_search_works_when_opened_from_disk(
    context: BrowserContext, site: Path, tmp_path: Path
) -> None:
    page = context.new_page()
    problems = Problems()
    problems.watch(page)

    url = (site / "search" / "index.html").as_uri() + "?q=battlecard"
    page.goto(url)
    assert page.url.startswith("file://")
    results = page.locator("[data-search-results] > li")
    expect(results.first).to_be_visible()
    assert results.count() >= 1
    expect(page.locator("[data-search-status]")).to_contain_text("for “battlecard”")
    expect(page.locator("[data-search-status]")).to_contain_text("in names, tags and summaries")
    expect(page.locator("[data-search-status]")).not_to_contain_text("cannot load")
    first_href = results.first.get_by_role("link").get_attribute("href")
    assert first_href is not None and (site / "search" / first_href).resolve().is_file()
    screenshot(page, tmp_path, "search-file.png", publish=False)

    assert problems.items == []


def test_a_persona_page_fits_a_phone(browser: Browser, base_url: str, tmp_path: Path) -> None:
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        page = ctx.new_page()
        problems = Problems()
        problems.watch(page)
        page.goto(base_url + PERSONA_PATH)
        expect(page.get_by_role("heading", level=1)).to_have_text(PERSONA_NAME)
        page.wait_for_load_state("load")
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth, inner: window.innerWidth})"
        )
        screenshot(page, tmp_path, "phone.png")  # before the checks: it shows what failed
        assert widths["client"] == PHONE["width"], widths
        assert widths["scroll"] <= widths["client"] + 1, f"scrolls sideways: {widths}"
        assert widths["inner"] == PHONE["width"], f"the phone zooms out: {widths}"
        assert problems.items == []
    finally:
        ctx.close()
