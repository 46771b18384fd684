"""`gtm check`, and the first half of every build: read → validate → link → check. It never
renders, so it imports no template engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gtm.checks import run_checks
from gtm.diagnostics import Diagnostic, Diagnostics
from gtm.markdown import GTM_SCHEME, Give, scan_all, use_stored
from gtm.model import Brand
from gtm.project import Project, RunOptions
from gtm.site import Site, link_site, markdown_texts
from gtm.sources import Source, parse_sources, read_files
from gtm.validate import Item, validate_source
from gtm.yamldoc import use_stored_documents


@dataclass(frozen=True)
class CheckResult:
    """The linked site and every problem found on the way, sorted as users read them."""

    site: Site
    diagnostics: list[Diagnostic]
    files: int


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
    files = read_files(project.content_dir, project.root, diagnostics, remember=not stored)
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
    (markdown or _link_scan(options))(bodies, load)
    site = link_site(items, brands[-1] if brands else None, options, diagnostics)
    run_checks(site, project.config, options.today, diagnostics)
    return CheckResult(site, diagnostics.sorted(), len(sources))


def _link_scan(options: RunOptions) -> MarkdownPass:
    def scan(bodies: list[str], load: Callable[[], list[Item]]) -> None:
        def meanwhile(give: Give) -> None:
            give(text for text in markdown_texts(load()) if GTM_SCHEME in text)

        linking = [text for text in bodies if GTM_SCHEME in text]
        scan_all(linking, jobs=options.jobs, meanwhile=meanwhile)

    return scan
