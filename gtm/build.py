"""The orchestrator: check (`gtm.check`) → render → verify links. It returns files and
diagnostics and writes nothing; the CLI publishes through `output` and decides how to exit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from gtm.check import MARKDOWN_CACHE, YAML_CACHE, check_project
from gtm.content.markdown import (
    Give,
    compile_all,
    forget_compiled,
    stored_payload,
)
from gtm.content.project import Project, RunOptions
from gtm.content.sources import PerFile, locate
from gtm.content.validate import Item
from gtm.content.yamldoc import forget_documents, stored_documents
from gtm.diagnostics import Diagnostic, Diagnostics, fails
from gtm.files import read_regular_file
from gtm.publish.linkcheck import KnownLinks, broken_links
from gtm.render.documents import PdfBatch, make_collateral, prepare_collateral
from gtm.render.feeds import (
    SearchRecord,
    launches_calendar,
    search_index,
    search_index_script,
    search_records,
    sitemap,
)
from gtm.render.pagecache import RenderCache
from gtm.render.pages import (
    CompiledTemplates,
    PlannedPage,
    Renderer,
    compile_templates,
    plan_pages,
    render_pages,
    template_environment,
)
from gtm.render.pdf import PdfResult
from gtm.render.theme import load_theme
from gtm.site.link import markdown_texts
from gtm.site.views import Portal, make_portal
from gtm.workers import return_freed_memory

Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) as a long build goes on, so the terminal can show it."""


PAGES_CACHE = "pages.json"
LINKS_CACHE = "links.json"
SEARCH_CACHE = "search.json"


@dataclass(frozen=True)
class BuildResult:
    """The files of a build (output path → bytes) and every problem met on the way."""

    files: dict[str, bytes]
    diagnostics: list[Diagnostic]
    pages: int
    checked_files: int
    documents: list[PdfResult] = field(default_factory=list)
    pending: PdfBatch | None = None
    """PDFs left for later (`gtm serve` renders them after the pages are live)."""
    reused: int = 0
    """Pages taken unchanged from the last build instead of rendered again."""


def build_site(
    project: Project,
    options: RunOptions,
    progress: Progress | None = None,
    defer_pdfs: bool = False,
    kept: RenderCache | None = None,
    compiled: CompiledTemplates | None = None,
) -> BuildResult:
    """Checks, then renders every output in memory and verifies its links; only the caches
    are written. `kept` holds the pages of the last build in `gtm serve`, and `compiled` its
    compiled templates; without `kept`, the pages come from the project's cache and go back to
    it."""
    session = kept is not None
    theme = load_theme(project.root, project.config.build.theme)
    env = template_environment(theme, compiled)
    allow_html = project.config.markdown.allow_html

    def compile_content(bodies: list[str], load: Callable[[], list[Item]]) -> None:
        """The Markdown, for the links and the pages: the bodies while the fields are parsed,
        then the rest while the templates are compiled; in `gtm serve`, only the Markdown of
        the files a save changed."""

        def meanwhile(give: Give) -> None:
            items = load()
            give(markdown_texts(_not_compiled(items, allow_html) if session else items))
            compile_templates(env)

        compile_all(bodies, allow_html, options.jobs, meanwhile)

    checked = check_project(project, options, stored=not session, markdown=compile_content)
    diagnostics = Diagnostics(list(checked.diagnostics))
    if not session:
        project.write_cache(YAML_CACHE, stored_documents())  # parsing does not fail a build
        forget_documents()
        return_freed_memory()
    if fails(checked.diagnostics, options.strict):
        return BuildResult({}, checked.diagnostics, 0, checked.files)
    portal = make_portal(
        checked.site, project.config, options.today, options.audience, options.pdf, session
    )
    if kept is None:
        kept = RenderCache.from_payload(project.read_cache(PAGES_CACHE), project.output_dir)
    renderer = Renderer(theme, portal, project.root, diagnostics, env, kept)
    pages = plan_pages(portal)

    def rendered(done: int) -> None:
        if progress:
            progress("pages", done, len(pages))

    written = render_pages(renderer, pages, options.jobs, rendered)
    files = {page.path: data for page, data in zip(pages, written, strict=True) if data is not None}
    files["launches.ics"] = launches_calendar(portal)
    files["sitemap.xml"] = sitemap(portal, [p.path for p in pages])
    servable = {f"static/{name}": path for name, path in theme.static_files().items()}
    servable.update(checked.assets)
    for name, path in servable.items():
        try:
            files[name] = read_regular_file(path)
        except OSError as exc:  # changed into a link, or gone, since it was listed
            diagnostics.error(project.relative(path), 1, 1, "unreadable", f"cannot be read: {exc}")
    documents: list[PdfResult] = []
    batch = None
    if options.pdf and not fails(diagnostics.sorted(), strict=False):
        stamp = options.stamp or datetime.combine(options.today, time(), UTC)
        batch = prepare_collateral(portal, renderer, servable, stamp)
        if not defer_pdfs:
            documents = make_collateral(batch, project, options.jobs, diagnostics, progress)
            files.update((d.path, d.data) for d in documents if d.data is not None)
            batch = None
    if not session and not fails(diagnostics.sorted(), strict=False):
        project.write_cache(MARKDOWN_CACHE, stored_payload())
    records = _search_records(portal, None if session else project)
    if not session:
        forget_compiled()  # a one-off build needs no more Markdown: room for the last steps
        return_freed_memory()
    files["search-index.json"] = search_index(records, remember=session)
    files["search-index.js"] = search_index_script(files["search-index.json"])
    listed = {"search-index.json": [str(record["url"]) for record in records]}
    del records
    if not fails(diagnostics.sorted(), strict=False):
        promised = {job.path for job in batch.jobs} if batch else set()
        cache = None if session else project
        _check_links(files, promised, listed, pages, portal, theme.name, diagnostics, cache)
    if not session and not fails(diagnostics.sorted(), strict=False):
        project.write_cache(PAGES_CACHE, kept.payload())
    return BuildResult(
        dict(sorted(files.items())),
        diagnostics.sorted(),
        len(pages),
        checked.files,
        documents,
        batch,
        kept.reused,
    )


_COMPILED_FILES: PerFile[bool] = PerFile()
"""The files whose Markdown `gtm serve` compiled, by digest. A text let go of since is compiled
again when a page shows it."""


def _not_compiled(items: list[Item], allow_html: bool) -> Iterator[Item]:
    for item in items:
        key = (item.path, item.source.digest, allow_html)
        if key not in _COMPILED_FILES:
            _COMPILED_FILES.get(key, lambda: True)
            yield item


def _search_records(portal: Portal, cache: Project | None) -> list[SearchRecord]:
    """The search records; a one-off build takes each entry's words from the project's cache
    when its file is unchanged, and leaves this build's there. `gtm serve` (no cache) keeps
    them in memory."""
    if cache is None:
        return search_records(portal, remember=True)
    payload = cache.read_cache(SEARCH_CACHE)
    stored = payload.items() if isinstance(payload, dict) else ()
    known = {str(key): text for key, text in stored if isinstance(text, str)}
    records = search_records(portal, known=known)
    cache.write_cache(SEARCH_CACHE, known)
    return records


def _check_links(
    files: dict[str, bytes],
    promised: set[str],
    listed: dict[str, list[str]],
    pages: list[PlannedPage],
    portal: Portal,
    theme_name: str,
    diagnostics: Diagnostics,
    cache: Project | None,
) -> None:
    """A broken link is reported where an author can fix it: at the link in the content file
    when it is written there, else at the template that wrote the page. A one-off build keeps
    what each page links to in the project's `cache`; `gtm serve` (no cache), in memory."""
    entries = {entry.path: entry for kind in portal.kinds.values() for entry in kind}
    templates = {page.path: page.template for page in pages}
    known = KnownLinks.from_payload(cache.read_cache(LINKS_CACHE)) if cache else None
    broken = broken_links(files, promised, listed, remember=known is None, known=known)
    if cache is not None and known is not None:
        cache.write_cache(LINKS_CACHE, known.payload())
    for link in broken:
        message = f"link '{link.url}' {link.reason}"
        entry = entries.get(link.page)
        if entry is not None:
            fragment = link.url.partition("#")[2]
            source = portal.linked_site.known[(entry.kind, entry.id)].source
            path, line, column = locate([source], [f"#{fragment}" if fragment else link.url])
            if (line, column) != (1, 1):
                diagnostics.error(path, line, column, "broken-link", message)
                continue
        template = templates.get(link.page)
        where = f"themes/{theme_name}/templates/{template}" if template else link.page
        diagnostics.error(where, 1, 1, "broken-link", f"{message} (on {link.page})")
