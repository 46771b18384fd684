"""Pages through the theme: one Jinja environment per build (autoescape, StrictUndefined, a loader
that reaches only the theme), the plan of every page, and template errors as diagnostics at the
template's file and line."""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from markupsafe import Markup

from gtm.diagnostics import Diagnostics
from gtm.markdown import LinkTarget, render_markdown
from gtm.model import KINDS
from gtm.routes import item_path, list_path, relative_url
from gtm.theme import Theme
from gtm.views import KIND_TITLES, Portal

KIND_TEMPLATES = {
    "products": "product.html",
    "personas": "persona.html",
    "competitors": "competitor.html",
    "positioning": "positioning.html",
    "messaging": "messaging.html",
    "launches": "launch.html",
    "pages": "page.html",
}


@dataclass(frozen=True)
class PageInfo:
    path: str
    title: str


@dataclass(frozen=True)
class PlannedPage:
    """One HTML page of the build: where it goes, which template, what else it receives."""

    path: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)


def plan_pages(portal: Portal) -> list[PlannedPage]:
    """Every HTML page of the portal, in a stable order."""
    pages = [PlannedPage("index.html", "index.html", portal.title)]
    for kind in KINDS:
        entries = portal.kinds[kind]
        if kind == "launches":
            pages.append(
                PlannedPage(
                    list_path(kind),
                    "launches.html",
                    "Launches",
                    {"entries": entries, "title": "Launches"},
                )
            )
        else:
            title = KIND_TITLES[kind]
            context = {"kind": kind, "entries": entries, "title": title}
            pages.append(PlannedPage(list_path(kind), "list.html", title, context))
        template = KIND_TEMPLATES[kind]
        for entry in entries:
            path = item_path(kind, entry.id)
            pages.append(PlannedPage(path, template, entry.name, {"entry": entry}))
    pdfs = portal.pdfs()
    pages += [
        PlannedPage("health/index.html", "health.html", "GTM health"),
        PlannedPage("search/index.html", "search.html", "Search"),
        PlannedPage("downloads/index.html", "downloads.html", "Downloads", {"entries": pdfs}),
        PlannedPage("404.html", "404.html", "Page not found"),
    ]
    return pages


class Renderer:
    """Renders planned pages; a template problem becomes a diagnostic, not a traceback."""

    def __init__(
        self,
        theme: Theme,
        portal: Portal,
        root: Path,
        diagnostics: Diagnostics,
        cache_dir: Path | None = None,
    ) -> None:
        self.portal = portal
        self.theme = theme
        self.root = root
        self.diagnostics = diagnostics
        self.allow_html = portal.config.markdown.allow_html
        base = portal.config.site.base_url
        self.print_links = base if base.startswith(("https://", "http://")) else ""
        """How a PDF links to the portal: under an absolute base_url, else not at all (a
        relative link means nothing in a PDF that sales attaches to an e-mail)."""
        self.targets = _register(
            frozenset(
                (entry.kind, entry.id, entry.path)
                for kind in portal.kinds.values()
                for entry in kind
            )
        )
        template_dirs = [str(d) for d in theme.template_dirs]
        self.env = Environment(
            loader=ChoiceLoader(
                [
                    FileSystemLoader(template_dirs),
                    PrefixLoader(
                        {"default": FileSystemLoader(str(theme.builtin_template_dir))},
                        delimiter=":",
                    ),
                ]
            ),
            autoescape=True,
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=_bytecode_cache(cache_dir),
        )

    def render(self, page: PlannedPage) -> str | None:
        def url(path: str) -> str:
            return relative_url(page.path, path)

        links = self.print_links if page.path.endswith(".pdf") else None

        def md(text: str | None) -> Markup:
            if not text:
                return Markup("")
            return Markup(_markdown(text, page.path, self.allow_html, self.targets, links))

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

    def _report(self, filename: str | None, line: int, message: str) -> None:
        where = f"themes/{self.theme.name}/templates"
        path = _relative(filename, self.root) if filename else where
        self.diagnostics.error(path, line or 1, 1, "template", message)


_TARGETS: dict[str, dict[tuple[str, str], str]] = {}


def _register(targets: frozenset[tuple[str, str, str]]) -> str:
    """A short key for the set of link targets of a build, so that the Markdown cache compares
    a digest, not a thousand paths, on every lookup."""
    key = hashlib.sha1(repr(sorted(targets)).encode()).hexdigest()
    if key not in _TARGETS:
        if len(_TARGETS) > 8:
            _TARGETS.clear()
        _TARGETS[key] = {(kind, ident): path for kind, ident, path in targets}
    return key


@lru_cache(maxsize=8192)
def _markdown(
    text: str,
    from_path: str,
    allow_html: bool,
    targets: str,
    absolute: str | None = None,
) -> str:
    """Markdown as HTML for one page; cached by everything the HTML depends on, so `gtm serve`
    renders again only the texts that changed (or all, when an artifact comes or goes).
    `gtm:` links are relative, or under `absolute`, or plain text when `absolute` is ""."""
    paths = _TARGETS[targets]

    def resolve(target: LinkTarget) -> str | None:
        path = paths.get((target.kind, target.id))
        if path is None or absolute == "":
            return None
        path += f"#{target.fragment}" if target.fragment else ""
        if absolute is not None:
            return absolute.rstrip("/") + "/" + path
        return relative_url(from_path, path)

    return render_markdown(text, resolve, allow_html)


def _bytecode_cache(folder: Path | None) -> FileSystemBytecodeCache | None:
    """Compiled templates on disk, keyed by each template's source: compiling the theme costs
    more than rendering every page of a small portal."""
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))


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
