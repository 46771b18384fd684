"""The built example portal on a phone (390 px wide) and in dark mode, in a real browser
(Chromium through Playwright): nothing is wider than the screen, every navigation link can be
reached, the home page's tiles keep their words whole, launches at risk say so, and the dark
palette is the one in use when the system asks for it.

One build, one HTTP server and one browser serve the whole module; every test saves a
screenshot into its tmp_path (it shows what failed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.integration.test_browser import DESKTOP, PHONE, TIMEOUT_MS, Problems, screenshot

# The pages a rep opens on a phone: the home page, the launch calendar, a launch plan, a
# message house, a battlecard and the health report (with a persona and a product, whose
# objections and features tables must fit too).
PHONE_PAGES = {
    "home": "index.html",
    "launches": "launches/index.html",
    "launch": "launches/relay-2/index.html",
    "messaging": "messaging/relay/index.html",
    "competitor": "competitors/pagestorm/index.html",
    "health": "health/index.html",
    "persona": "personas/devops-dana/index.html",
    "product": "products/relay/index.html",
}
# The example's navigation: Home, each kind with entries, then Health and Downloads.
NAV_LINKS = [
    "Home",
    "Products",
    "Personas",
    "Battlecards",
    "Positioning",
    "Messaging",
    "Launches",
    "Guides",
    "Health",
    "Downloads",
    "Changes",
]
AT_RISK = "Acme Relay 2 launch"  # 85 days out with an overdue milestone
NOT_AT_RISK = "Acme Relay for Slack launch"

# Every element the reader can see whose box reaches past either side of the viewport. An
# element that is not rendered, has no box, or sits inside a visually hidden one (clipped to
# nothing, for screen readers) is not seen.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const hidden = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") return true;
      if (style.position === "absolute" && style.clip === "rect(0px, 0px, 0px, 0px)") return true;
    }
    return false;
  };
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right <= width + 1 && box.left >= -1) continue;
    if (hidden(element)) continue;
    const name = element.tagName.toLowerCase()
      + (element.className && typeof element.className === "string"
         ? "." + element.className.trim().split(/\\s+/).join(".") : "");
    const text = (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    found.push(`${name} [${Math.round(box.left)}, ${Math.round(box.right)}] "${text}"`);
  }
  return {
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    inner: window.innerWidth,
    found,
  };
}"""

# Each word of each stat tile's label: how many boxes (lines) it takes, and whether the label
# reaches past its tile. A word broken over two lines has two boxes.
TILE_WORDS = """() => [...document.querySelectorAll(".stat-tile__label")].map((label) => {
  const text = label.firstChild;
  const words = [];
  for (const match of text.textContent.matchAll(/\\S+/g)) {
    const range = document.createRange();
    range.setStart(text, match.index);
    range.setEnd(text, match.index + match[0].length);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    words.push({word: match[0], lines: lines.size});
  }
  const tile = label.closest(".stat-tile").getBoundingClientRect();
  const box = label.getBoundingClientRect();
  return {label: text.textContent, words, inside: box.right <= tile.right + 0.5,
          fits: label.scrollWidth <= label.clientWidth + 1};
})"""

# The colour of the page and of its text, as relative luminance (0 black, 1 white).
LUMINANCE = """() => {
  const luminance = (colour) => {
    const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const body = getComputedStyle(document.body);
  const card = document.querySelector(".hero") || document.querySelector(".artifact-head");
  return {
    dark: matchMedia("(prefers-color-scheme: dark)").matches,
    background: luminance(body.backgroundColor),
    text: luminance(body.color),
    surface: luminance(getComputedStyle(card).backgroundColor),
    scheme: getComputedStyle(document.documentElement).colorScheme,
  };
}"""


@pytest.fixture(scope="module", autouse=True)
def browser_first(chromium_installed: str) -> str:
    """First of all: skipped without Chromium, but a failure in CI."""
    return chromium_installed


Scheme = Literal["light", "dark"]


def new_context(
    browser: Browser, *, phone: bool = True, scheme: Scheme = "light"
) -> BrowserContext:
    if phone:
        ctx = browser.new_context(
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
            color_scheme=scheme,
        )
    else:
        ctx = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
    ctx.set_default_timeout(TIMEOUT_MS)
    return ctx


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    ctx = new_context(browser)
    try:
        yield ctx
    finally:
        ctx.close()


def open_page(ctx: BrowserContext, url: str) -> tuple[Page, Problems]:
    page = ctx.new_page()
    problems = Problems()
    problems.watch(page)
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("load")
    return page, problems


@pytest.mark.parametrize("name", list(PHONE_PAGES))
def test_nothing_is_wider_than_a_phone(
    phone: BrowserContext, base_url: str, tmp_path: Path, name: str
) -> None:
    page, problems = open_page(phone, base_url + PHONE_PAGES[name])
    screenshot(page, tmp_path, f"phone-{name}.png", publish=False)
    result: dict[str, Any] = page.evaluate(OVERFLOWING)
    assert result["inner"] == PHONE["width"], f"the phone zooms out: {result}"
    assert result["scroll"] <= result["client"] + 1, f"{name} scrolls sideways: {result}"
    assert result["found"] == [], f"{name}: wider than the screen:\n" + "\n".join(result["found"])
    assert problems.items == []


def test_tables_become_cards_with_their_column_names_on_a_phone(
    phone: BrowserContext, base_url: str
) -> None:
    page, _ = open_page(phone, base_url + PHONE_PAGES["launches"])
    row = page.locator(".table--calendar tbody tr").filter(has_text=AT_RISK)
    expect(row).to_have_count(1)
    assert row.evaluate("r => getComputedStyle(r).display") == "flex"
    # The column headings are for screen readers; each cell shows its own.
    head = page.locator(".table--calendar thead").first.bounding_box()
    assert head is not None and head["width"] <= 1 and head["height"] <= 1, head
    state = row.locator("td[data-label='State']")
    label = state.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"State"'
    # The launch's name heads the card, above the date that comes first in the row.
    name_box = row.get_by_role("link", name=AT_RISK).bounding_box()
    date_box = row.locator("td[data-label='Date']").bounding_box()
    assert name_box is not None and date_box is not None
    assert name_box["y"] < date_box["y"]

    page.goto(base_url + PHONE_PAGES["messaging"])
    persona = page.locator(".matrix tbody tr").first
    assert persona.evaluate("r => getComputedStyle(r).display") == "flex"
    used = persona.locator(".matrix__cell--on")
    assert used.count() >= 1
    # A pillar the persona's message uses is a visible chip with the pillar's name.
    pillar = used.first.get_attribute("data-label")
    assert pillar
    chip = used.first.locator(".matrix__uses")
    expect(chip).to_be_visible()
    expect(chip).to_contain_text(pillar)
    chip_box = chip.bounding_box()
    assert chip_box is not None and chip_box["width"] > 20, (
        f"the pillar's name is hidden: {chip_box}"
    )


@pytest.mark.parametrize(
    "name", ["home", "launches", "launch", "messaging", "competitor", "health"]
)
def test_every_navigation_link_can_be_reached_on_a_phone(
    phone: BrowserContext, base_url: str, tmp_path: Path, name: str
) -> None:
    page, problems = open_page(phone, base_url + PHONE_PAGES[name])
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.locator("summary")
    if menu.count() and menu.first.is_visible():
        menu.first.click()
    links = nav.get_by_role("link")
    names = [text.split()[0] for text in links.all_inner_texts()]
    assert names == NAV_LINKS
    # All in sight as the page opens: none hides at the end of a bar that scrolls sideways.
    clipping = nav.evaluate(
        "n => [n, ...n.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1"
        " && getComputedStyle(e).overflowX !== 'visible'"
        " && getComputedStyle(e).clip !== 'rect(0px, 0px, 0px, 0px)')"  # visually hidden text
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert clipping == [], f"the navigation scrolls or clips sideways: {clipping}"
    for index, expected in enumerate(NAV_LINKS):
        link = links.nth(index)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, expected
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, (expected, box)
        # Its whole name shows ("Battlec…" would scroll or clip), and nothing covers it.
        assert link.evaluate("a => a.scrollWidth <= a.clientWidth + 1"), expected
        on_top = link.evaluate(
            "a => { const r = a.getBoundingClientRect();"
            " const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
            " return hit !== null && a.contains(hit); }"
        )
        assert on_top, f"{expected} is covered"
    screenshot(page, tmp_path, f"phone-nav-{name}.png", publish=False)

    # And a tap follows it: the one the old sideways-scrolling bar cut off.
    links.nth(NAV_LINKS.index("Battlecards")).tap()
    page.wait_for_url(base_url + "competitors/index.html")
    expect(page.get_by_role("heading", level=1)).to_have_text("Battlecards")
    assert problems.items == []


def test_home_page_tiles_keep_their_words_whole_on_a_phone(
    phone: BrowserContext, base_url: str
) -> None:
    page, _ = open_page(phone, base_url + PHONE_PAGES["home"])
    labels: list[dict[str, Any]] = page.evaluate(TILE_WORDS)
    assert [label["label"] for label in labels][:3] == ["Products", "Personas", "Battlecards"]
    for label in labels:
        broken = [w["word"] for w in label["words"] if w["lines"] != 1]
        assert not broken, f"{label['label']!r} breaks inside {broken}"
        assert label["inside"] and label["fits"], f"{label['label']!r} overflows its tile"


@pytest.mark.parametrize("name", ["home", "launches"])
def test_a_launch_at_risk_says_so_on_a_phone(
    phone: BrowserContext, base_url: str, tmp_path: Path, name: str
) -> None:
    page, _ = open_page(phone, base_url + PHONE_PAGES[name])
    if name == "home":
        places = [page.locator(".launch-item")]
    else:
        places = [page.locator(".timeline__row"), page.locator(".table--calendar tbody tr")]
    for place in places:
        risky = place.filter(has_text=AT_RISK)
        expect(risky).to_have_count(1)
        badge = risky.locator(".badge--risk")
        expect(badge).to_have_count(1)
        badge.scroll_into_view_if_needed()
        expect(badge).to_be_visible()
        expect(badge).to_have_text("At risk")
        expect(place.filter(has_text=NOT_AT_RISK).locator(".badge--risk")).to_have_count(0)
    if name == "launches":
        expect(page.locator(".timeline__row--risk")).to_have_count(1)
        expect(page.locator(".timeline__bar--risk")).to_have_count(1)
        expect(page.locator(".timeline__legend")).to_contain_text("At risk")
    screenshot(page, tmp_path, f"phone-risk-{name}.png", publish=False)


@pytest.mark.parametrize("phone_sized", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_palette_follows_the_system_colour_scheme(
    browser: Browser, base_url: str, tmp_path: Path, scheme: Scheme, phone_sized: bool
) -> None:
    ctx = new_context(browser, phone=phone_sized, scheme=scheme)
    try:
        page, problems = open_page(ctx, base_url + PHONE_PAGES["home"])
        colours = page.evaluate(LUMINANCE)
        size = "phone" if phone_sized else "desktop"
        screenshot(page, tmp_path, f"home-{scheme}-{size}.png", publish=False)
        assert colours["dark"] == (scheme == "dark")
        if scheme == "dark":
            assert colours["scheme"] == "dark", colours
            assert colours["background"] < 0.05 and colours["surface"] < 0.05, colours
            assert colours["text"] > 0.6, colours
        else:
            assert colours["background"] > 0.8 and colours["surface"] > 0.8, colours
            assert colours["text"] < 0.05, colours
        assert problems.items == []
    finally:
        ctx.close()
