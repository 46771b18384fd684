"""The orchestrator: load → validate → link → check → render. It returns files and
diagnostics and writes nothing; the CLI publishes through `output` and decides how to exit."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from gtm.checks import run_checks
from gtm.diagnostics import Diagnostic, Diagnostics, fails
from gtm.feeds import launches_calendar, search_index, search_index_script, sitemap
from gtm.linkcheck import broken_links
from gtm.model import Brand
from gtm.project import Project, RunOptions, is_within
from gtm.render import PlannedPage, Renderer, plan_pages
from gtm.site import Site, link_site
from gtm.sources import read_sources
from gtm.theme import load_theme
from gtm.validate import Item, validate_source
from gtm.views import Portal, make_portal

Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) as a long build goes on, so the terminal can show it."""


@dataclass(frozen=True)
class CheckResult:
    """The linked site and every problem found on the way, sorted as users read them."""

    site: Site
    diagnostics: list[Diagnostic]
    files: int


def check_project(project: Project, options: RunOptions) -> CheckResult:
    """Reads, validates, links and checks the whole project, collecting every problem."""
    diagnostics = Diagnostics()
    sources = read_sources(project.content_dir, project.root, diagnostics)
    items: list[Item] = []
    brand: Brand | None = None
    for source in sources:
        result = validate_source(source, diagnostics)
        if isinstance(result, Brand):
            brand = result
        elif result is not None:
            items.append(result)
    site = link_site(items, brand, options, diagnostics)
    run_checks(site, project.config, options.today, diagnostics)
    return CheckResult(site, diagnostics.sorted(), len(sources))


@dataclass(frozen=True)
class BuildResult:
    """The files of a build (output path → bytes) and every problem met on the way."""

    files: dict[str, bytes]
    diagnostics: list[Diagnostic]
    pages: int
    checked_files: int


def build_site(
    project: Project, options: RunOptions, progress: Progress | None = None
) -> BuildResult:
    """Checks, then renders every output in memory and verifies its links; nothing is written."""
    checked = check_project(project, options)
    diagnostics = Diagnostics(list(checked.diagnostics))
    if fails(checked.diagnostics, options.strict):
        return BuildResult({}, checked.diagnostics, 0, checked.files)
    theme = load_theme(project.root, project.config.build.theme)
    # PDFs arrive with their own stage; until then no page links to one.
    portal = make_portal(checked.site, project.config, options.today, options.audience, pdf=False)
    renderer = Renderer(theme, portal, project.root, diagnostics)
    files: dict[str, bytes] = {}
    pages = plan_pages(portal)
    for done, page in enumerate(pages, 1):
        html = renderer.render(page)
        if html is not None:
            files[page.path] = html.encode("utf-8")
        if progress:
            progress("pages", done, len(pages))
    index = search_index(portal)
    files["search-index.json"] = index
    files["search-index.js"] = search_index_script(index)
    files["launches.ics"] = launches_calendar(portal)
    files["sitemap.xml"] = sitemap(portal, [p.path for p in pages])
    for name, path in theme.static_files().items():
        files[f"static/{name}"] = path.read_bytes()
    files.update(_assets(project, diagnostics))
    if not fails(diagnostics.sorted(), strict=False):
        _check_links(files, pages, portal, theme.name, diagnostics)
    return BuildResult(dict(sorted(files.items())), diagnostics.sorted(), len(pages), checked.files)


def _check_links(
    files: dict[str, bytes],
    pages: list[PlannedPage],
    portal: Portal,
    theme_name: str,
    diagnostics: Diagnostics,
) -> None:
    """A broken link is reported where an author can fix it: at the link in the content file
    when it is written there, else at the template that wrote the page."""
    entries = {entry.path: entry for kind in portal.kinds.values() for entry in kind}
    templates = {page.path: page.template for page in pages}
    for link in broken_links(files):
        message = f"link '{link.url}' {link.reason}"
        entry = entries.get(link.page)
        if entry is not None:
            source = portal.site.known[(entry.kind, entry.id)].source
            fragment = link.url.partition("#")[2]
            needle = re.escape(f"#{fragment}" if fragment else link.url)
            found = re.search(needle + r"(?![\w-])", source.text)
            if found:
                line, column = source.position(found.start())
                diagnostics.error(entry.source_path, line, column, "broken-link", message)
                continue
        template = templates.get(link.page)
        where = f"themes/{theme_name}/templates/{template}" if template else link.page
        diagnostics.error(where, 1, 1, "broken-link", f"{message} (on {link.page})")


def _assets(project: Project, diagnostics: Diagnostics) -> dict[str, bytes]:
    """`content/assets/` copied as it is; a file that leads outside the project is refused."""
    folder = project.content_dir / "assets"
    files: dict[str, bytes] = {}
    if not folder.is_dir():
        return files
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if not is_within(path, project.root):
            diagnostics.error(
                project.relative(path), 1, 1, "outside-project", "links outside the project"
            )
            continue
        files[f"assets/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    return files
