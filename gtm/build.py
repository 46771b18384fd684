"""The whole pipeline: check (`gtm.check`) → render → verify links. A build returns files and
diagnostics and writes nothing but its caches; the CLI publishes through `publish.output`, and
`gtm serve` keeps one `Memos` for its session and tells each build what changed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

from gtm.cache import BuildCache
from gtm.changes import ChangeSet
from gtm.check import MARKDOWN_CACHE, YAML_CACHE, Checker, CheckMemos, CheckResult
from gtm.content.history import History, read_history
from gtm.content.project import Project, RunOptions
from gtm.content.sources import locate
from gtm.content.worktree import read_uncommitted_ahead
from gtm.diagnostics import Diagnostic, Diagnostics, fails
from gtm.files import read_regular_file
from gtm.publish.linkcheck import FollowedLinks, KnownLinks, broken_links
from gtm.render.api import api_files
from gtm.render.atom import changes_feed, feed_key
from gtm.render.documents import PdfBatch, make_collateral, prepare_collateral
from gtm.render.feeds import (
    FeedMemo,
    launches_calendar,
    search_index,
    search_index_taking,
    search_records,
    search_titles_script,
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
from gtm.render.shards import WHOLE_META, loads_whole, search_shards
from gtm.site.entries import KeptEntries
from gtm.site.link import Site
from gtm.site.routes import SEARCH_META, absolute_prefix
from gtm.site.views import Portal, make_portal
from gtm.workers import InBackground, return_freed_memory

Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) as a long build goes on, so the terminal can show it."""


PAGES_CACHE = "pages.json"
LINKS_CACHE = "links.json"
SEARCH_CACHE = "search.json"
FEED_CACHE = "changes-feed.json"


@dataclass
class Memos(CheckMemos):
    """Everything a `gtm serve` session keeps from one build to the next: the check's memos,
    and the entries, pages, templates, data files and links of the last build."""

    entries: KeptEntries = field(default_factory=KeptEntries)
    feeds: FeedMemo = field(default_factory=FeedMemo)
    followed: FollowedLinks = field(default_factory=FollowedLinks)
    templates: CompiledTemplates = field(default_factory=CompiledTemplates)
    pages: RenderCache = field(default_factory=RenderCache)

    def forget_config(self) -> None:
        super().forget_config()
        self.entries = KeptEntries()
        self.pages = RenderCache()


@dataclass(frozen=True)
class BuildResult:
    """The files of a build (output path → bytes) and every problem met on the way."""

    files: Mapping[str, bytes]
    diagnostics: list[Diagnostic]
    pages: int
    checked_files: int
    documents: list[PdfResult] = field(default_factory=list)
    pending: PdfBatch | None = None
    """PDFs left for later (`gtm serve` renders them after the pages are live)."""
    reused: int = 0
    """Pages taken unchanged from the last build instead of rendered again."""
    history_note: str | None = None
    """What history from git is missing (outside git, a shallow clone), said once."""


class Builder(Checker):
    """Check, then render every output in memory and verify its links; only the caches are
    written. A one-off build (no `memos`) takes the pages, links and search words of the last
    one from the build cache and leaves its own there; `gtm serve` hands in its session's."""

    memos: Memos

    def __init__(
        self,
        project: Project,
        options: RunOptions,
        session: Memos | None = None,
        progress: Progress | None = None,
        ahead: InBackground | None = None,
        into: MutableMapping[str, bytes] | None = None,
    ) -> None:
        super().__init__(project, options, session)
        self.progress = progress
        self.ahead = ahead
        self.into = into
        self.cache: BuildCache | None = None if session is not None else project.cache

    def new_memos(self) -> Memos:
        return Memos()

    def build(self, change: ChangeSet | None = None, defer_pdfs: bool = False) -> BuildResult:
        """Every output in memory, and every problem, after `change` (what a `gtm serve` burst
        of saves touched); `defer_pdfs` leaves the PDFs for the caller to render after the
        pages are live."""
        memos, options = self.memos, self.options
        if change is not None:
            memos.apply(change)
        uncommitted = read_uncommitted_ahead(self.project) if options.authoring else None
        with self.markdown_pass(compile=True) as markdown:
            loaded = self.load(markdown)
            env = template_environment(loaded.theme, memos.templates)
            compile_templates(env)  # while the workers compile the Markdown
            markdown.finish()
        checked = self.link(loaded)
        self._keep_parsed()
        if fails(checked.diagnostics, options.strict):
            return BuildResult({}, checked.diagnostics, 0, checked.files)
        diagnostics = Diagnostics(list(checked.diagnostics))
        history = self._read_history()
        unsaved = uncommitted.result() if uncommitted else frozenset()
        portal = self._portal(checked, history, unsaved)
        renderer = Renderer(
            checked.theme,
            portal,
            self.project.root,
            diagnostics,
            env,
            self._pages(),
            memos.markdown,
        )
        pages = plan_pages(portal)
        files: MutableMapping[str, bytes] = {} if self.into is None else self.into
        self._render(
            renderer, pages, files, lambda: self._data_files(portal, pages, renderer, files)
        )
        servable = self._servable(checked, diagnostics, files)
        documents, batch = self._collateral(
            portal, checked.site, renderer, servable, diagnostics, defer_pdfs
        )
        files.update((d.path, d.data) for d in documents if d.data is not None)
        searched = self._search(portal, checked.site, diagnostics, files)
        if not fails(diagnostics.sorted(), strict=False):
            promised = {job.path for job in batch.jobs} if batch else set()
            listed = {"search-index.json": searched}
            self._check_links(files, promised, listed, pages, portal, checked, diagnostics)
        if self.cache is not None and not fails(diagnostics.sorted(), strict=False):
            self.cache.write(PAGES_CACHE, renderer.pages.payload() if renderer.pages else {})
        return BuildResult(
            dict(sorted(files.items())) if isinstance(files, dict) else files,
            diagnostics.sorted(),
            len(pages),
            checked.files,
            documents,
            batch,
            renderer.pages.reused if renderer.pages else 0,
            history.note,
        )

    def _portal(
        self, checked: CheckResult, history: History, uncommitted: frozenset[str]
    ) -> Portal:
        """The portal of the checked site for this build's audience, with its history and, in
        `gtm serve`, the files git has not committed; a session keeps its entries."""
        options = self.options
        return make_portal(
            checked.site,
            self.project.config,
            options.today,
            options.audience,
            options.pdf,
            self.memos.entries if self.cache is None else None,
            checked.facts,
            findings=checked.diagnostics,
            authoring=options.authoring,
            history=history,
            drafts=options.drafts,
            uncommitted=uncommitted,
        )

    def _read_history(self) -> History:
        """The history from git: from the build cache, where `ahead` has put it when the build
        was started with it."""
        if self.ahead is not None:
            self.ahead.wait()
        limit = self.project.config.changes.history_limit
        return read_history(self.project.root, self.project.content_dir, limit, self.project.cache)

    def _keep_parsed(self) -> None:
        """A one-off build leaves its parsed YAML in the cache (parsing does not fail a build)
        and lets go of it."""
        if self.cache is None:
            return
        yaml = self.memos.sources.yaml
        self.cache.write(YAML_CACHE, yaml.payload())
        yaml.made.clear()
        return_freed_memory()

    def _pages(self) -> RenderCache:
        """The pages of the last build: the session's, or those the build cache holds."""
        if self.cache is None:
            return self.memos.pages
        payload = self.cache.read(PAGES_CACHE)
        return RenderCache.from_payload(payload, self.project.output_dir)

    def _render(
        self,
        renderer: Renderer,
        pages: list[PlannedPage],
        files: MutableMapping[str, bytes],
        meanwhile: Callable[[], None],
    ) -> None:
        def rendered(done: int) -> None:
            if self.progress:
                self.progress("pages", done, len(pages))

        render_pages(renderer, pages, files, self.options.jobs, rendered, meanwhile)

    def _data_files(
        self,
        portal: Portal,
        pages: list[PlannedPage],
        renderer: Renderer,
        files: MutableMapping[str, bytes],
    ) -> None:
        feeds = self.memos.feeds if self.cache is None else None
        markdown = renderer.markdown_apart(absolute_prefix(portal.config.site.base_url))
        files["launches.ics"] = launches_calendar(portal, feeds)
        files["changes.xml"] = self._changes_feed(portal)
        files["sitemap.xml"] = sitemap(portal, [page.path for page in pages])
        files.update(api_files(portal, markdown, renderer.pages))

    def _changes_feed(self, portal: Portal) -> bytes:
        """The Atom feed, kept from the last build (the session's, or the build cache's) while
        what it shows is the same: a busy repository's feed holds thousands of entries."""
        key = feed_key(portal)
        if self.cache is None:
            kept = self.memos.feeds.changes
            if key not in kept:
                kept.clear()
                kept[key] = changes_feed(portal)
            return kept[key]
        stored = self.cache.read(FEED_CACHE)
        if isinstance(stored, dict) and stored.get("key") == key:
            text = stored.get("feed")
            if isinstance(text, str):
                return text.encode()
        feed = changes_feed(portal)
        self.cache.write(FEED_CACHE, {"key": key, "feed": feed.decode()})
        return feed

    def _servable(
        self, checked: CheckResult, diagnostics: Diagnostics, files: MutableMapping[str, bytes]
    ) -> dict[str, Path]:
        """The theme's static files and the project's assets, read into `files`."""
        servable = {f"static/{name}": path for name, path in checked.theme.static_files().items()}
        servable.update(checked.assets)
        for name, path in servable.items():
            try:
                files[name] = read_regular_file(path)
            except OSError as exc:  # changed into a link, or gone, since it was listed
                where = self.project.relative(path)
                diagnostics.error(where, 1, 1, "unreadable", f"cannot be read: {exc}")
        return servable

    def _collateral(
        self,
        portal: Portal,
        site: Site,
        renderer: Renderer,
        servable: dict[str, Path],
        diagnostics: Diagnostics,
        defer: bool,
    ) -> tuple[list[PdfResult], PdfBatch | None]:
        """The PDFs, or the batch of them left for later; none after a problem."""
        options = self.options
        if not options.pdf or fails(diagnostics.sorted(), strict=False):
            return [], None
        stamp = options.stamp or datetime.combine(options.today, time(), UTC)
        batch = prepare_collateral(portal, site, renderer, servable, stamp)
        if defer:
            return [], batch
        documents = make_collateral(batch, self.project, options.jobs, diagnostics, self.progress)
        return documents, None

    def _search(
        self,
        portal: Portal,
        site: Site,
        diagnostics: Diagnostics,
        files: MutableMapping[str, bytes],
    ) -> list[str]:
        """The search index into `files`, and the pages it lists: whole, and for a large portal
        built once also in pieces (`render.shards`); `gtm serve`'s search page loads it whole
        (quick on loopback, and the pieces would cost every save). A one-off build takes each
        entry's words from the build cache when its file is unchanged, and leaves this build's
        there; before that, it lets go of its Markdown, which it needs no more, and it lets go of
        each record as soon as it is written: room for the last steps."""
        memos = self.memos
        if self.cache is None:
            records = search_records(portal, site, memos.feeds, markdown=memos.markdown)
        else:
            if not fails(diagnostics.sorted(), strict=False):
                self.cache.write(MARKDOWN_CACHE, memos.markdown.payload())
            payload = self.cache.read(SEARCH_CACHE)
            stored = payload.items() if isinstance(payload, dict) else ()
            known = {str(key): text for key, text in stored if isinstance(text, str)}
            del payload, stored
            records = search_records(portal, site, known=known, markdown=memos.markdown)
            self.cache.write(SEARCH_CACHE, known)
            del known
            memos.markdown.forget()
            return_freed_memory()
        urls = [str(record["url"]) for record in records]
        if self.cache is None or loads_whole(records):
            files[SEARCH_META] = WHOLE_META
        else:
            files.update(search_shards(records))
        if self.cache is None:
            files["search-index.js"] = search_titles_script(records, memos.feeds)
            files["search-index.json"] = search_index(records, memos.feeds)
        else:
            files["search-index.js"] = search_titles_script(records)
            files["search-index.json"] = search_index_taking(records)
        return urls

    def _check_links(
        self,
        files: Mapping[str, bytes],
        promised: set[str],
        listed: dict[str, list[str]],
        pages: list[PlannedPage],
        portal: Portal,
        checked: CheckResult,
        diagnostics: Diagnostics,
    ) -> None:
        """A broken link is reported where an author can fix it: at the link in the content
        file when it is written there, else at the template that wrote the page. A one-off
        build keeps what each page links to in the build cache; `gtm serve`, in its memos."""
        entries = {entry.path: entry for kind in portal.kinds.values() for entry in kind}
        templates = {page.path: page.template for page in pages}
        if self.cache is None:
            broken = broken_links(files, promised, listed, remember=self.memos.followed)
        else:
            known = KnownLinks.from_payload(self.cache.read(LINKS_CACHE))
            broken = broken_links(files, promised, listed, known=known)
            self.cache.write(LINKS_CACHE, known.payload())
        theme = checked.theme.name
        for link in broken:
            message = f"link '{link.url}' {link.reason}"
            entry = entries.get(link.page)
            if entry is not None:
                fragment = link.url.partition("#")[2]
                source = checked.site.known[(entry.kind, entry.id)].source
                path, line, column = locate([source], [f"#{fragment}" if fragment else link.url])
                if (line, column) != (1, 1):
                    diagnostics.error(path, line, column, "broken-link", message)
                    continue
            template = templates.get(link.page)
            where = f"themes/{theme}/templates/{template}" if template else link.page
            diagnostics.error(where, 1, 1, "broken-link", f"{message} (on {link.page})")


def build_site(
    project: Project,
    options: RunOptions,
    progress: Progress | None = None,
    defer_pdfs: bool = False,
    session: Memos | None = None,
    change: ChangeSet | None = None,
    ahead: InBackground | None = None,
    into: MutableMapping[str, bytes] | None = None,
) -> BuildResult:
    """One build: a one-off one, or a `gtm serve` session's with its memos and what changed;
    `ahead` is the history's read when it was started before (`read_history_ahead`); `into`
    receives the output files as they are made (a `SpooledFiles`), else a dict does."""
    return Builder(project, options, session, progress, ahead, into).build(change, defer_pdfs)
