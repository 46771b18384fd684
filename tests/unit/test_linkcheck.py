"""The build's link check: relative links and anchors must land inside the same build."""

from __future__ import annotations

import io
import json

import pytest

from gtm.cache import _write_json
from gtm.publish import linkcheck
from gtm.publish.linkcheck import FollowedLinks, KnownLinks, broken_links
from gtm.site.routes import resolve_link


def page(*links: str, ids: tuple[str, ...] = ()) -> bytes:
    anchors = "".join(f'<h2 id="{i}">x</h2>' for i in ids)
    return ("<main>" + anchors + "".join(f'<a href="{u}">x</a>' for u in links)).encode()


FILES = {
    "index.html": page(ids=("top",)),
    "personas/dana/index.html": page(ids=("pains", "goals")),
    "static/style.css": b"",
}


def reasons(files: dict[str, bytes]) -> list[tuple[str, str, str]]:
    return [(b.page, b.url, b.reason) for b in broken_links(files)]


@pytest.mark.parametrize(
    "url",
    [
        "../index.html",
        "../index.html#top",
        "#pains",
        "index.html#goals",
        "../",
        "../static/style.css",
        "https://example.com/x",
        "mailto:sales@example.com",
        "//cdn.example.com/x.js",
        "#",
        "",
    ],
)
def test_links_that_land_are_not_reported(url: str) -> None:
    files = {**FILES, "personas/index.html": page(url, ids=("pains", "goals"))}
    assert reasons(files) == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nothing/index.html", "leads to personas/nothing/index.html, a page or file"),
        ("../../../up.html", "leads out of the portal"),
        ("/index.html", "starts at the site root"),
        ("dana/index.html#pain", "a heading '#pain' that personas/dana/index.html does not have"),
        ("#nowhere", "a heading '#nowhere' that personas/index.html does not have"),
    ],
)
def test_broken_links_are_reported_with_a_reason(url: str, expected: str) -> None:
    files = {**FILES, "personas/index.html": page(url)}
    [(where, found, reason)] = reasons(files)
    assert (where, found) == ("personas/index.html", url)
    assert expected in reason


def test_a_near_miss_anchor_gets_a_suggestion() -> None:
    files = {**FILES, "personas/index.html": page("dana/index.html#pain")}
    assert "(did you mean 'pains'?)" in reasons(files)[0][2]


def test_escaped_and_percent_encoded_urls_are_read_as_a_browser_reads_them() -> None:
    files = {
        **FILES,
        "a b/index.html": page(ids=("x&y",)),
        "index.html": page("a%20b/index.html#x&amp;y"),
    }
    assert reasons(files) == []


def test_each_broken_url_is_reported_once_per_page() -> None:
    files = {**FILES, "index.html": page("gone.html", "gone.html")}
    assert len(reasons(files)) == 1


def test_search_index_urls_are_checked_too() -> None:
    urls = ["personas/dana/index.html", "personas/gone/index.html"]
    files = {**FILES, "search-index.json": b"[]"}
    found = broken_links(files, listed={"search-index.json": urls})
    assert [(b.page, b.url) for b in found] == [("search-index.json", "personas/gone/index.html")]


def test_data_attributes_are_not_mistaken_for_ids() -> None:
    files = {**FILES, "index.html": b'<div data-id="top"></div><a href="#top">x</a>'}
    assert len(reasons(files)) == 1


def test_a_session_that_remembers_pages_sees_what_a_one_off_build_sees() -> None:
    """`gtm serve` keeps each page's links between builds; a page whose bytes change is
    scanned again, so a link broken by the edit is caught on the next build."""
    files = {**FILES, "personas/index.html": page("dana/index.html#pains")}
    session = FollowedLinks()
    assert broken_links(files, remember=session) == broken_links(files) == []
    edited = {**files, "personas/index.html": page("dana/index.html#pain")}
    remembered = [(b.page, b.url) for b in broken_links(edited, remember=session)]
    assert remembered == [(b.page, b.url) for b in broken_links(edited)]
    assert remembered == [("personas/index.html", "dana/index.html#pain")]


def test_a_session_checks_an_unchanged_page_again_when_what_it_links_to_changes() -> None:
    """A page whose links all landed is skipped while its bytes, the files of the build and
    every page's ids stay the same; a target page losing a heading or a file going away
    brings back the links that now break."""
    linking = page("../dana/index.html#pains", "../../static/style.css")
    files = {**FILES, "personas/sam/index.html": linking}
    session = FollowedLinks()
    assert broken_links(files, remember=session) == []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            linkcheck, "_problem", lambda *a: pytest.fail("an unchanged page was followed")
        )
        assert broken_links(dict(files), remember=session) == []
    lost_heading = {**files, "personas/dana/index.html": page(ids=("goals",))}
    assert [(b.page, b.url) for b in broken_links(lost_heading, remember=session)] == [
        ("personas/sam/index.html", "../dana/index.html#pains")
    ]
    assert broken_links(files, remember=session) == []
    no_style = {name: data for name, data in files.items() if name != "static/style.css"}
    assert [(b.page, b.url) for b in broken_links(no_style, remember=session)] == [
        ("personas/sam/index.html", "../../static/style.css")
    ]
    assert broken_links(files, remember=session) == []


@pytest.mark.parametrize(
    ("page", "url", "expected"),
    [
        ("a/b/index.html", "../", ("a/index.html", "")),
        ("a/b/index.html", "../#top", ("a/index.html", "top")),
        ("a/b/index.html", "../../", ("index.html", "")),
        ("a/b/index.html", "../../x/y.html#f", ("x/y.html", "f")),
        ("a/b/index.html", "../../../x.html", "leads out of the portal"),
        ("a/b/index.html", "./../c/", ("a/c/index.html", "")),
        ("a/b/index.html", "x/../../y.html", ("a/y.html", "")),
        ("a/b/index.html", "#pains", ("a/b/index.html", "pains")),
        ("index.html", "..", "leads out of the portal"),
    ],
)
def test_where_a_relative_link_leads(page: str, url: str, expected: object) -> None:
    """Pages share the work of resolving links that climb to the top first; the answer must
    still be the one a browser gives from that page."""
    assert resolve_link(page, url) == expected


def _through_the_cache(files: dict[str, bytes], known: KnownLinks) -> list[tuple[str, str]]:
    """One one-off build's link check starting from `known` as the last build left it on disk."""
    found = broken_links(files, known=known)
    written = io.StringIO()
    _write_json(written, known.payload())
    after = KnownLinks.from_payload(json.loads(written.getvalue()))
    known.__dict__.update(after.__dict__)
    return [(b.page, b.url) for b in found]


def test_the_link_cache_of_builds_finds_what_a_full_check_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A build after a one-file change neither scans nor follows the pages that did not change,
    unless a file or an id of the build did: then those come back."""
    linking = page("../dana/index.html#pains", "../../static/style.css")
    files = {**FILES, "personas/sam/index.html": linking}
    known = KnownLinks()
    assert _through_the_cache(files, known) == []
    scanned: list[bytes] = []
    scan = linkcheck._scan
    monkeypatch.setattr(
        linkcheck, "_scan", lambda data, same: scanned.append(data) or scan(data, same)
    )
    monkeypatch.setattr(
        linkcheck, "_problem", lambda *a: pytest.fail("an unchanged page was followed")
    )
    assert _through_the_cache(dict(files), known) == []
    assert scanned == []
    monkeypatch.undo()
    edited = {**files, "index.html": page("personas/dana/index.html#goal", ids=("top",))}
    assert _through_the_cache(edited, known) == [("index.html", "personas/dana/index.html#goal")]
    lost_heading = {**files, "personas/dana/index.html": page(ids=("goals",))}
    assert _through_the_cache(lost_heading, known) == [
        ("personas/sam/index.html", "../dana/index.html#pains")
    ]
    no_style = {name: data for name, data in files.items() if name != "static/style.css"}
    assert _through_the_cache(no_style, known) == [
        ("personas/sam/index.html", "../../static/style.css")
    ]
    assert _through_the_cache(files, known) == []
    assert KnownLinks.from_payload({"pages": "not pages"}).pages == {}
