"""`gtm check`, and the first half of every build: read → validate → link → check. It never
renders, so it imports no template engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gtm.content.markdown import Give, may_link, scan_all, use_stored
from gtm.content.model import Brand
from gtm.content.project import Project, RunOptions
from gtm.content.sources import Source, discover, find_assets, parse_sources, read_file
from gtm.content.validate import Item, validate_source
from gtm.content.yamldoc import use_stored_documents
from gtm.diagnostics import Diagnostic, Diagnostics
from gtm.render.theme import load_theme
from gtm.site.anchors import check_written_links
from gtm.site.link import Site, link_site, markdown_texts
from gtm.site.routes import portal_paths
from gtm.site.rules import run_checks


@dataclass(frozen=True)
class CheckResult:
    """The linked site and every problem found on the way, sorted as users read them."""

    site: Site
    diagnostics: list[Diagnostic]
    files: int
    assets: dict[str, Path] = field(default_factory=dict)
    """The files of `content/assets/`, by output path."""


THEME_LINK = "is a link: gtm publishes only real files from a theme's static/; copy it here"
MARKDOWN_CACHE = "markdown.json"
YAML_CACHE = "yaml.json"


MarkdownPass = Callable[[list[str], Callable[[], list[Item]]], object]
"""Works through the Markdown bodies it is given, in worker processes when there are many,
while the callable it is given parses and validates the fields here; that returns the items,
whose other Markdown the same workers can then take."""


def check_project(
    project: Project,
    options: RunOptions,
    stored: bool = True,
    markdown: MarkdownPass | None = None,
) -> CheckResult:
    """Reads, validates, links and checks the whole project, collecting every problem.
    `stored` marks a one-off run, which takes what the last build parsed and compiled from
    the project's cache, and in which the `markdown` pass (by default, finding the links)
    works through the Markdown bodies while the fields are parsed and validated; `gtm serve`
    gives it no body, since its memos hold the Markdown of every file that did not change."""
    if stored:
        use_stored(project.read_cache(MARKDOWN_CACHE))
        use_stored_documents(project.read_cache(YAML_CACHE))
    diagnostics = Diagnostics()
    theme = load_theme(project.root, project.config.build.theme)
    static = theme.static_files()
    for link in theme.static_links():
        where = project.relative(link)
        diagnostics.warning(where, 1, 1, "theme-link", THEME_LINK)
    listed = discover(project.content_dir, project.root, diagnostics)
    found = (read_file(kind, path, project.root, diagnostics, not stored) for kind, path in listed)
    files = [file for file in found if file is not None]
    assets = find_assets(project.content_dir, project.root, diagnostics)
    sources: list[Source] = []
    items: list[Item] = []
    brands: list[Brand] = []

    def load() -> list[Item]:
        sources.extend(parse_sources(files, diagnostics))
        files.clear()  # the bytes, which the sources no longer need
        for source in sources:
            result = validate_source(source, diagnostics)
            if isinstance(result, Brand):
                brands.append(result)
            elif result is not None:
                items.append(result)
        return items

    bodies = (
        [body for file in files if (body := file.markdown_body()) is not None] if stored else []
    )
    allow_html = project.config.markdown.allow_html
    (markdown or _link_scan(options, allow_html))(bodies, load)
    unread = {(kind, path.stem) for kind, path in listed if kind != "brand"}
    unread -= {(item.kind, item.id) for item in items}
    brand = brands[-1] if brands else None
    site = link_site(items, brand, options, diagnostics, unread, allow_html)
    run_checks(site, project.config, options.today, diagnostics)
    check_written_links(site, _build_files(site, options, static, assets), allow_html, diagnostics)
    return CheckResult(site, diagnostics.sorted(), len(sources), assets)


def _build_files(
    site: Site, options: RunOptions, static: dict[str, Path], assets: dict[str, Path]
) -> set[str]:
    """The output paths of every file a build of this site writes."""
    shown = {kind: items.keys() for kind, items in site.items.items()}
    files = portal_paths(shown, options.pdf)
    files.update(f"static/{name}" for name in static)
    files.update(assets)
    return files


def _link_scan(options: RunOptions, allow_html: bool) -> MarkdownPass:
    def scan(bodies: list[str], load: Callable[[], list[Item]]) -> None:
        def meanwhile(give: Give) -> None:
            give(text for text in markdown_texts(load()) if may_link(text, allow_html))

        linking = [text for text in bodies if may_link(text, allow_html)]
        scan_all(linking, allow_html, jobs=options.jobs, meanwhile=meanwhile)

    return scan
