"""Pages through the theme: one Jinja environment per build (autoescape, StrictUndefined, a loader
that reaches only the theme), the plan of every page, and template errors as diagnostics at the
template's file and line."""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import CodeType
from typing import Any

from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.bccache import Bucket
from markupsafe import Markup

from gtm.content.commonmark import LinkTarget, Resolver, html_text, resolve_links
from gtm.content.kinds import KINDS
from gtm.content.markdown import MarkdownMemo, compile_markdown, render_markdown
from gtm.diagnostics import Diagnostic, Diagnostics
from gtm.render.pagecache import RenderCache
from gtm.render.theme import Theme
from gtm.site.entries import Key, recording_reads
from gtm.site.routes import HOME, PORTAL_PAGES, relative_url
from gtm.site.views import Portal
from gtm.workers import ForkPool


class TimeElements(dict[date, Markup]):
    """`time_element(d)`, the theme's `date` macro: a date as people read it ("4 Mar 2026") in a
    `<time>` element, made once per day; a changes page or a history list shows the same few
    days thousands of times, and a Jinja macro call costs more than the rest of its line."""

    def __call__(self, day: date) -> Markup:
        made = self.get(day)
        if made is None:
            text = f"{day.day} {day.strftime('%b')} {day.year}"
            made = self[day] = Markup(f'<time datetime="{day.isoformat()}">{text}</time>')
        return made


@dataclass(frozen=True)
class PageInfo:
    path: str
    title: str


EMBED_TEMPLATE = "embed/battlecard.html"


@dataclass(frozen=True)
class PlannedPage:
    """One HTML page of the build: where it goes, which template, what else it receives."""

    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)


def plan_pages(portal: Portal) -> list[PlannedPage]:
    """Every HTML page of the portal, in a stable order."""
    pages = [PlannedPage(HOME, "index.html", portal.title)]
    for name, kind in KINDS.items():
        entries = portal.kinds[name]
        context = {"kind": name, "entries": entries, "title": kind.title}
        pages.append(PlannedPage(kind.list_path(), kind.list_template, kind.title, context))
        pages += (
            PlannedPage(kind.page_path(entry.id), kind.template, entry.name, {"entry": entry})
            for entry in entries
        )
        pages += (
            PlannedPage(entry.embed, EMBED_TEMPLATE, entry.name, {"entry": entry})
            for entry in entries
            if entry.embed is not None
        )
    downloads = {"downloads/index.html": {"entries": portal.pdfs()}}
    for path, (template, title) in PORTAL_PAGES.items():
        pages.append(PlannedPage(path, template, title, downloads.get(path, {})))
    return pages


PAGE_TEMPLATES = (
    *sorted({kind.template for kind in KINDS.values()}),
    *sorted({kind.list_template for kind in KINDS.values()}),
    "index.html",
    *(template for template, _ in PORTAL_PAGES.values()),
    EMBED_TEMPLATE,
)


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in this process, by template file and source, so `gtm serve`
    compiles only the templates a save changed. Never on disk: Jinja loads a bytecode cache on
    disk with marshal, so a file planted there would run as code."""

    def __init__(self) -> None:
        self.compiled: dict[str, tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.compiled.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.compiled[bucket.key] = (bucket.checksum, bucket.code)


def template_environment(theme: Theme, compiled: CompiledTemplates | None = None) -> Environment:
    """One build's Jinja environment. Templates are not checked for changes during a build;
    they are compiled in memory only, and kept in `compiled` from one build to the next."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader([str(d) for d in theme.template_dirs]),
                PrefixLoader(
                    {"default": FileSystemLoader(str(theme.builtin_template_dir))},
                    delimiter=":",
                ),
            ]
        ),
        autoescape=True,
        auto_reload=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=compiled,
    )
    env.globals["time_element"] = TimeElements()
    return env


def compile_templates(env: Environment, names: Iterable[str] = PAGE_TEMPLATES) -> None:
    """Compiles templates ahead of rendering (a cold build's Markdown workers leave this
    process idle); a broken template is reported later, when a page uses it."""
    for name in names:
        with contextlib.suppress(TemplateError):
            env.get_template(name)


class Renderer:
    """Renders planned pages; a template problem becomes a diagnostic, not a traceback."""

    def __init__(
        self,
        theme: Theme,
        portal: Portal,
        root: Path,
        diagnostics: Diagnostics,
        env: Environment | None = None,
        pages: RenderCache | None = None,
        markdown: MarkdownMemo | None = None,
    ) -> None:
        self.portal = portal
        self.markdown = markdown
        self.pages = pages
        if pages is not None:
            pages.begin(portal, theme)
        self.theme = theme
        self.root = root
        self.diagnostics = diagnostics
        self.allow_html = portal.config.markdown.allow_html
        base = portal.config.site.base_url
        self.print_links = base if base.startswith(("https://", "http://")) else ""
        """How a PDF links to the portal: under an absolute base_url, else not at all (a
        relative link means nothing in a PDF that sales attaches to an e-mail)."""
        self.targets = {
            (entry.kind, entry.id): entry.path for kind in portal.kinds.values() for entry in kind
        }
        self.env = env or template_environment(theme)

    def render(self, page: PlannedPage) -> str | None:
        """The page's HTML, or None after reporting a template problem; a page that read no
        change since the last build is not rendered again."""
        kept = self.pages.get(page.path) if self.pages is not None else None
        data = kept if kept is not None else self.render_fresh(page)
        return data.decode() if data is not None else None

    def render_fresh(self, page: PlannedPage) -> bytes | None:
        """Renders without asking the cache, and keeps the page there with what it read."""
        data, reads = self.render_recorded(page)
        if data is not None and self.pages is not None:
            self.pages.keep(page.path, data, reads)
        return data

    def render_apart(self, page: PlannedPage) -> tuple[bytes | None, set[Key], list[Diagnostic]]:
        """`render_recorded` with the problems it met beside it: a forked worker's own
        diagnostics never reach the build, so they travel back with the page."""
        own, self.diagnostics = self.diagnostics, Diagnostics()
        try:
            data, reads = self.render_recorded(page)
            return data, reads, self.diagnostics.items
        finally:
            self.diagnostics = own

    def render_recorded(self, page: PlannedPage) -> tuple[bytes | None, set[Key]]:
        """The page as written to the output and the entries it read while rendering. Encoded
        at once, so that a large build holds each page once."""
        with recording_reads() as reads:
            html = self._render(page)
        return (html.encode() if html is not None else None), reads

    def _render(self, page: PlannedPage) -> str | None:
        def url(path: str) -> str:
            return relative_url(page.path, path)

        links = self.print_links if page.path.endswith(".pdf") else None

        def md(text: str | None) -> Markup:
            if not text:
                return Markup("")
            resolve = self._resolver(page.path, links)
            return Markup(render_markdown(text, resolve, self.allow_html, self.markdown))

        context = {
            "site": self.portal,
            "page": PageInfo(page.path, page.title),
            "url": url,
            "md": md,
            **page.context,
        }
        try:
            return self.env.get_template(page.template).render(context)
        except TemplateSyntaxError as exc:
            self._report(exc.filename, exc.lineno, exc.message or str(exc))
        except TemplateNotFound as exc:
            self._report(None, 1, f"template '{exc.name}' was not found in the theme")
        except (TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            filename, line = _template_frame(exc)
            self._report(filename, line, f"while rendering {page.path}: {exc}")
        return None

    def markdown_apart(self, absolute: str) -> Callable[[str], tuple[str, str]]:
        """Markdown for a file that is not a page (the API's JSON): safe HTML whose `gtm:` links
        lead from the portal's root, or under `absolute` when given, and its plain words."""
        resolve = self._resolver(HOME, absolute or None)

        def convert(text: str) -> tuple[str, str]:
            compiled = compile_markdown(text, self.allow_html, self.markdown)
            html = resolve_links(compiled.html, resolve) if compiled.links else compiled.html
            return html, html_text(compiled.html)

        return convert

    def _resolver(self, from_path: str, absolute: str | None) -> Resolver:
        """Where a `gtm:` link of a page leads: relative to the page, or under `absolute`, or
        nowhere (plain text) when `absolute` is ""."""

        def resolve(target: LinkTarget) -> str | None:
            path = self.targets.get((target.kind, target.id))
            if path is None or absolute == "":
                return None
            path += f"#{target.fragment}" if target.fragment else ""
            if absolute is not None:
                return absolute.rstrip("/") + "/" + path
            return relative_url(from_path, path)

        return resolve

    def _report(self, filename: str | None, line: int, message: str) -> None:
        where = f"themes/{self.theme.name}/templates"
        path = _relative(filename, self.root) if filename else where
        self.diagnostics.error(path, line or 1, 1, "template", message)


PARALLEL_MIN_PAGES = 200
"""Below this many pages, starting worker processes costs more than it saves."""

PAGES_PER_SLICE = 50
"""Workers send pages back in slices of about this many, so the slices in flight stay small."""


def render_pages(
    renderer: Renderer,
    pages: list[PlannedPage],
    into: MutableMapping[str, bytes],
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Every page's bytes into `into` as each arrives (none where a template failed). Pages the
    renderer's cache keeps are taken from it; when many are left, `jobs` forked workers share
    them, inheriting the renderer with its compiled templates and Markdown, while this process
    does `meanwhile` (the data files), which it otherwise does first."""
    kept = renderer.pages
    todo = []
    for index, page in enumerate(pages):
        found = kept.get(page.path) if kept else None
        if found is None:
            todo.append(index)
        else:
            into[page.path] = found
    if len(todo) < PARALLEL_MIN_PAGES:
        jobs = 1
    else:
        compile_templates(renderer.env, sorted({pages[index].template for index in todo}))
    done = len(pages) - len(todo)

    def render(index: int) -> tuple[bytes | None, set[Key], list[Diagnostic]]:
        return renderer.render_apart(pages[index])

    with ForkPool(render, jobs) as pool:
        least = jobs * 4 if pool.start() else 1
        pool.give(todo, max(least, len(todo) // PAGES_PER_SLICE))
        if meanwhile is not None:
            meanwhile()
        for part, rendered in pool.done():
            for index, (data, reads, problems) in zip(part, rendered, strict=True):
                if data is not None:
                    into[pages[index].path] = data
                    if kept is not None:
                        kept.keep(pages[index].path, data, reads)
                renderer.diagnostics.extend(problems)
            done += len(part)
            if progress:
                progress(done)


def _template_frame(exc: BaseException) -> tuple[str | None, int]:
    """The innermost template file and line of a rendering error (Jinja rewrites tracebacks
    so template frames carry the template's own file name and line)."""
    found: tuple[str | None, int] = (None, 1)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt", ".css")):
            found = (frame.filename, frame.lineno or 1)
    return found


def _relative(filename: str, root: Path) -> str:
    path = Path(filename)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        parts = path.parts
        return "/".join(parts[parts.index("themes") :]) if "themes" in parts else path.name
