"""The example portal as a reader meets it: a crawler from the home page that follows every link,
golden files for a few pages and the feeds, and a broken link stopping the build."""

from __future__ import annotations

import os
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import ROOT, RunGtm, build_example

GOLDEN = ROOT / "tests" / "golden"
GOLDEN_FILES = [
    "personas/devops-dana/index.html",
    "messaging/relay/index.html",
    "competitors/pagestorm/index.html",
    "launches.ics",
    "sitemap.xml",
    "search-index.json",
]


class PageLinks(HTMLParser):
    """Every URL a browser would follow or load from one page, and every anchor it offers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in ("href", "src") or (tag == "form" and name == "action"):
                self.urls.append(value)


def read_page(path: Path) -> PageLinks:
    parser = PageLinks()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def crawl(output: Path) -> tuple[set[str], list[str]]:
    """Pages reached from index.html, and every link that does not land."""
    seen: set[str] = set()
    queue = ["index.html"]
    broken: list[str] = []
    wanted_anchors: list[tuple[str, str, str]] = []
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        for url in read_page(output / current).urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            assert not url.startswith("/"), f"{current}: root-relative link {url}"
            target = current
            if parts.path:
                target = posixpath.normpath(
                    posixpath.join(posixpath.dirname(current), unquote(parts.path))
                )
                if parts.path.endswith("/"):
                    target += "/index.html"
            if target.startswith("..") or not (output / target).is_file():
                broken.append(f"{current}: {url}")
                continue
            if parts.fragment:
                wanted_anchors.append((current, target, unquote(parts.fragment)))
            if target.endswith(".html"):
                queue.append(target)
    for page, target, fragment in wanted_anchors:
        if fragment not in read_page(output / target).ids:
            broken.append(f"{page}: {target}#{fragment}")
    return seen, broken


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built once for this module, on the example's fixed date."""
    root = tmp_path_factory.mktemp("portal") / "example"
    build_example(root, "--no-pdf")
    return root / "output"


def test_every_link_from_the_home_page_lands(portal: Path) -> None:
    _, broken = crawl(portal)
    assert broken == []


def test_every_page_can_be_reached_from_the_home_page(portal: Path) -> None:
    reached, _ = crawl(portal)
    pages = {p.relative_to(portal).as_posix() for p in portal.rglob("*.html")}
    assert pages - reached == {"404.html"}


@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_output_matches_its_golden_file(portal: Path, name: str) -> None:
    """Set GTM_UPDATE_GOLDEN=1 to accept a change on purpose, then review the diff in git."""
    built = (portal / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("GTM_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(built, encoding="utf-8")
    assert golden.is_file(), f"no golden file yet: run with GTM_UPDATE_GOLDEN=1 ({name})"
    assert built == golden.read_text(encoding="utf-8")


def test_a_broken_link_in_content_stops_the_build_at_the_link(
    example_project: Path, run_gtm: RunGtm
) -> None:
    assert run_gtm("build", "--no-pdf", project=example_project).exit_code == 0
    before = (example_project / "output" / "faq" / "index.html").read_bytes()
    faq = example_project / "content" / "pages" / "faq.md"
    text = faq.read_text(encoding="utf-8")
    link = "See [pains](gtm:personas/devops-dana#pains) and [more](gtm:personas/devops-dana#pain)."
    faq.write_text(f"{text}\n{link}\n", "utf-8")
    line, column = text.count("\n") + 2, link.index("gtm:personas/devops-dana#pain)") + 1

    result = run_gtm("build", "--no-pdf", project=example_project)

    assert result.exit_code == 1
    assert (
        f"content/pages/faq.md:{line}:{column}: error: "
        "link 'gtm:personas/devops-dana#pain' "
        "points at a heading '#pain' that personas/devops-dana/index.html does not have "
        "(did you mean 'pains'?)"
    ) in result.output
    assert (example_project / "output" / "faq" / "index.html").read_bytes() == before


def test_a_broken_link_in_a_template_is_reported_at_the_template(
    example_project: Path, run_gtm: RunGtm
) -> None:
    templates = example_project / "themes" / "mine" / "templates"
    templates.mkdir(parents=True)
    (templates / "404.html").write_text(
        '{% extends "default:404.html" %}{% block content %}<a href="{{ url(\'gone.html\') }}">'
        "x</a>{% endblock %}",
        encoding="utf-8",
    )
    toml = example_project / "gtm.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('theme = "default"', 'theme = "mine"'), "utf-8"
    )

    result = run_gtm("build", "--no-pdf", project=example_project)

    assert result.exit_code == 1
    assert (
        "themes/mine/templates/404.html:1:1: error: link 'gone.html' leads to gone.html, "
        "a page or file this build does not have (on 404.html)"
    ) in result.output
