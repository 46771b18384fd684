"""The built example checked by the tools that read it out there, not by gtm's own idea of it:
html5lib's strict HTML5 parser and the Nu HTML checker (vnu) on every page, icalendar on the
launch calendar, the sitemap protocol, poppler on every PDF, and axe-core in headless Chromium.

One build of the example (with its PDFs) serves the whole module. axe-core and vnu come from
the npm registry (never a CDN), installed once per session into a temporary folder; like every
system program they are skipped where npm, java or Chromium are missing, but fail in CI."""

from __future__ import annotations

import json
import os
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import html5lib
import icalendar
import pytest
import yaml
from playwright.sync_api import Page

from tests.conftest import (
    ROOT,
    RunGtm,
    build_example,
    chromium,
    require_program,
    serve_folder,
)

TIMEOUT_MS = 10_000
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FULL_BASE_URL = "https://gtm.example.com/portal"  # no trailing slash: gtm must add it
NPM_TIMEOUT_S = 120

# The home page, a list page, one page of every kind, and the special pages.
AXE_PAGES = [
    "index.html",
    "personas/index.html",
    "products/relay/index.html",
    "personas/devops-dana/index.html",
    "competitors/pagestorm/index.html",
    "positioning/relay/index.html",
    "messaging/relay/index.html",
    "launches/relay-2/index.html",
    "faq/index.html",
    "health/index.html",
    "search/index.html",
    "search/index.html?q=relay",  # results, with the matches marked
    "downloads/index.html",
    "404.html",
]
AXE_FAILING_IMPACTS = ("critical", "serious")
# The portal follows the system's colour scheme (prefers-color-scheme): axe checks both palettes.
COLOR_SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with its PDFs, built once for this module: its output folder."""
    root = tmp_path_factory.mktemp("validators") / "example"
    build_example(root)
    output = root / "output"
    assert list(output.glob("pdf/**/*.pdf")), "the build wrote no PDF"
    return output


def html_pages(output: Path) -> list[Path]:
    pages = sorted(output.rglob("*.html"))
    assert pages, "the build wrote no HTML page"
    return pages


def npm_install(package: str, prefix: Path) -> Path:
    """`npm install --prefix PREFIX PACKAGE`: skipped outside CI when the registry cannot be
    reached, a failure in CI (like a missing program)."""
    require_program("npm")
    try:
        done = subprocess.run(
            ["npm", "install", "--prefix", str(prefix), package, "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
        )
        problem = "" if done.returncode == 0 else done.stderr.strip()[-2000:]
    except subprocess.TimeoutExpired:
        problem = f"timed out after {NPM_TIMEOUT_S} s"
    if problem:
        message = f"npm install {package} failed: {problem}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return prefix / "node_modules"


# --- HTML ------------------------------------------------------------------------------------


def test_every_page_parses_as_strict_html5(built: Path) -> None:
    problems: list[str] = []
    for page in html_pages(built):
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(page.read_bytes())
        for (line, column), code, data in parser.errors:
            name = page.relative_to(built).as_posix()
            problems.append(f"{name}:{line}:{column}: {code} {data or ''}".rstrip())
    assert not problems, "html5lib parse errors:\n" + "\n".join(problems)


# --- launches.ics ----------------------------------------------------------------------------


def source_launches() -> dict[str, dict[str, Any]]:
    """The example's launches as written: {id: fields} from YAML files and front matter."""
    launches: dict[str, dict[str, Any]] = {}
    for path in sorted((ROOT / "content" / "launches").iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            text = text.split("---\n", 2)[1]
        launches[path.stem] = yaml.safe_load(text)
    assert launches
    return launches


def test_the_launch_calendar_is_valid_icalendar(built: Path) -> None:
    raw = (built / "launches.ics").read_bytes()
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b""), "a bare line feed in launches.ics"
    long = [line for line in raw.split(b"\r\n") if len(line) > 75]
    assert not long, f"lines over 75 octets: {long}"

    calendar = icalendar.Calendar.from_ical(raw)
    assert calendar.get("VERSION") == "2.0" and calendar.get("PRODID")
    events = list(calendar.walk("VEVENT"))
    uids = [str(event["UID"]) for event in events]
    assert len(uids) == len(set(uids)), f"duplicate UIDs: {uids}"

    wanted: dict[str, date] = {}
    for launch_id, launch in source_launches().items():
        wanted[f"launch-{launch_id}@gtm"] = launch["date"]
        for milestone in launch.get("milestones") or []:
            wanted[f"launch-{launch_id}-{milestone['id']}@gtm"] = milestone["date"]
    assert sorted(uids) == sorted(wanted)

    for event in events:
        uid = str(event["UID"])
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        # datetime is a subclass of date: an all-day event's values are dates, not times.
        assert isinstance(start, date) and not isinstance(start, datetime), (uid, start)
        assert isinstance(end, date) and not isinstance(end, datetime), (uid, end)
        assert event["DTSTART"].params.get("VALUE") == "DATE", uid
        assert start == wanted[uid], uid
        assert end == start + timedelta(days=1), uid
        assert event.get("DTSTAMP") and event.get("SUMMARY"), uid


# --- sitemap.xml -----------------------------------------------------------------------------


def sitemap_locations(output: Path) -> list[str]:
    root = ET.fromstring((output / "sitemap.xml").read_bytes())
    assert root.tag == f"{SITEMAP_NS}urlset"
    urls = list(root)
    assert urls and all(url.tag == f"{SITEMAP_NS}url" for url in urls)
    locations = [url.findtext(f"{SITEMAP_NS}loc") or "" for url in urls]
    assert len(locations) == len(set(locations)), f"duplicate locations: {locations}"
    return locations


def expected_locations(output: Path, base: str) -> set[str]:
    """Every page but the not-found page and the cards to embed, as a folder URL under
    `base`."""
    base = base if base.endswith("/") else base + "/"
    return {
        base + page.relative_to(output).as_posix().removesuffix("index.html")
        for page in html_pages(output)
        if page.name != "404.html" and not page.is_relative_to(output / "embed")
    }


def test_the_sitemap_lists_every_page_under_the_configured_base_url(built: Path) -> None:
    """The example's base_url is "/": its sitemap is right for it, but its locations are
    root-relative (the README says to set a full address for crawlers; see the next test)."""
    config = tomllib.loads((ROOT / "gtm.toml").read_text(encoding="utf-8"))
    base = config["site"]["base_url"]
    locations = sitemap_locations(built)
    assert all(location.startswith(base) for location in locations)
    assert set(locations) == expected_locations(built, base)


def test_with_a_full_base_url_every_sitemap_location_is_absolute(
    example_project: Path, run_gtm: RunGtm
) -> None:
    root = example_project
    config = root / "gtm.toml"
    text = config.read_text(encoding="utf-8")
    assert 'base_url = "/"' in text
    config.write_text(text.replace('base_url = "/"', f'base_url = "{FULL_BASE_URL}"'), "utf-8")
    result = run_gtm("build", "--no-pdf", "--quiet", project=root)
    assert result.exit_code == 0, result.output
    output = root / "output"
    locations = sitemap_locations(output)
    for location in locations:
        parts = urlsplit(location)
        assert parts.scheme == "https" and parts.netloc == "gtm.example.com", location
        assert location.startswith(FULL_BASE_URL + "/"), location
        assert not parts.query and not parts.fragment, location
    assert set(locations) == expected_locations(output, FULL_BASE_URL)


# --- PDFs ------------------------------------------------------------------------------------


def pdfs(output: Path) -> list[Path]:
    found = sorted(output.glob("pdf/**/*.pdf"))
    assert found
    return found


def test_poppler_reads_every_pdf_without_a_complaint(built: Path) -> None:
    require_program("pdfinfo")
    problems: list[str] = []
    for pdf in pdfs(built):
        done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=30)
        if done.returncode != 0 or done.stderr.strip():
            name = pdf.relative_to(built).as_posix()
            problems.append(f"{name}: exit {done.returncode}\n{done.stderr.strip()}")
    assert not problems, "pdfinfo:\n" + "\n".join(problems)


def test_every_font_in_every_pdf_is_embedded(built: Path) -> None:
    require_program("pdffonts")
    problems: list[str] = []
    for pdf in pdfs(built):
        name = pdf.relative_to(built).as_posix()
        done = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=30)
        if done.returncode != 0 or done.stderr.strip():
            problems.append(f"{name}: exit {done.returncode}\n{done.stderr.strip()}")
            continue
        # name, type (may hold spaces), encoding, then: emb sub uni object-number generation
        fonts = done.stdout.splitlines()[2:]
        if not fonts:
            problems.append(f"{name}: no fonts at all")
        problems += [f"{name}: not embedded: {line}" for line in fonts if line.split()[-5] != "yes"]
    assert not problems, "pdffonts:\n" + "\n".join(problems)


# --- accessibility: axe-core in Chromium -----------------------------------------------------


@pytest.fixture(scope="session")
def axe_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """axe-core 4 from the npm registry."""
    modules = npm_install("axe-core@4", tmp_path_factory.mktemp("axe"))
    script = modules / "axe-core" / "axe.min.js"
    assert script.is_file(), f"axe-core installed no {script}"
    return script


@pytest.fixture(scope="module")
def base_url(built: Path) -> Iterator[str]:
    """The built portal served over real HTTP on a free port of 127.0.0.1."""
    with serve_folder(built) as url:
        yield url


@pytest.fixture(scope="module")
def axe_pages(axe_script: Path) -> Iterator[dict[str, Page]]:
    """A Chromium tab for each colour scheme, for the module: every page is opened in each in
    turn."""
    with chromium() as browser:
        pages: dict[str, Page] = {}
        for scheme in COLOR_SCHEMES:
            context = browser.new_context(
                viewport={"width": 1280, "height": 800}, color_scheme=scheme
            )
            context.set_default_timeout(TIMEOUT_MS)
            pages[scheme] = context.new_page()
        yield pages


def describe(violation: dict[str, Any]) -> str:
    nodes = violation["nodes"]
    targets = ", ".join(" ".join(map(str, node["target"])) for node in nodes[:5])
    more = f" (+{len(nodes) - 5} more)" if len(nodes) > 5 else ""
    return (
        f"[{violation['impact']}] {violation['id']}: {violation['help']}\n"
        f"    {violation['helpUrl']}\n    on: {targets}{more}"
    )


@pytest.mark.parametrize("path", AXE_PAGES)
@pytest.mark.parametrize("scheme", COLOR_SCHEMES)
def test_axe_finds_no_serious_accessibility_violation(
    axe_pages: dict[str, Page], base_url: str, axe_script: Path, scheme: str, path: str
) -> None:
    axe_page = axe_pages[scheme]
    response = axe_page.goto(base_url + path)
    assert response is not None and response.status == 200, path
    if "?q=" in path:
        axe_page.locator("[data-search-results] mark").first.wait_for()
    # The page is drawn in this scheme's palette (the stylesheet sets color-scheme with it), so
    # the contrast axe measures is that palette's.
    used = axe_page.evaluate("() => getComputedStyle(document.documentElement).colorScheme")
    assert used == scheme, f"{path} is drawn in {used!r}, not {scheme!r}"
    axe_page.add_script_tag(path=str(axe_script))
    results = axe_page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => ({violations: r.violations, version: r.testEngine.version}))"
    )
    violations: list[dict[str, Any]] = results["violations"]
    failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
    others = [v for v in violations if v["impact"] not in AXE_FAILING_IMPACTS]
    assert not failing, (
        f"axe-core {results['version']} on {path} ({scheme}):\n"
        + "\n".join(map(describe, failing))
        + ("\nalso (moderate/minor):\n" + "\n".join(map(describe, others)) if others else "")
    )


# --- optional: the Nu HTML checker ---------------------------------------------------------


@pytest.fixture(scope="session")
def vnu_jar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_program("java")
    modules = npm_install("vnu-jar@26", tmp_path_factory.mktemp("vnu"))
    jar = modules / "vnu-jar" / "build" / "dist" / "vnu.jar"
    assert jar.is_file(), f"vnu-jar installed no {jar}"
    return jar


def test_every_page_passes_the_nu_html_checker(built: Path, vnu_jar: Path) -> None:
    nu_html_check(built, vnu_jar)


def test_a_public_build_with_social_cards_passes_the_nu_html_checker(
    tmp_path: Path, vnu_jar: Path
) -> None:
    """Open Graph's `property` attributes and the canonical link of a public build too."""
    root = tmp_path / "example"
    build_example(root, "--no-pdf", "--audience", "public", base_url="https://gtm.acme.example/")
    assert 'property="og:title"' in (root / "output/index.html").read_text(encoding="utf-8")
    nu_html_check(root / "output", vnu_jar)


def nu_html_check(built: Path, vnu_jar: Path) -> None:
    pages = [str(page.relative_to(built)) for page in html_pages(built)]
    done = subprocess.run(
        ["java", "-jar", str(vnu_jar), "--errors-only", "--format", "json", *pages],
        cwd=built,
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [
        f"{m.get('url', '?').rsplit(str(built), 1)[-1]}:{m.get('lastLine', '?')}: "
        f"{m['message']}\n    {m.get('extract', '')!r}"
        for m in messages
    ]
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(errors)
    assert done.returncode == 0, done.stderr
