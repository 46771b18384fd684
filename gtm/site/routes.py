"""Every output path and every URL between pages. Links are relative and name `index.html`
explicitly, so the portal works under any sub-path, on any static host and from the disk."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping, Set
from functools import lru_cache
from urllib.parse import unquote

from gtm.content.commonmark import EXTERNAL
from gtm.content.kinds import KINDS
from gtm.diagnostics import did_you_mean

SALES_KIT = "pdf/sales-kit.pdf"
SALES_KIT_KINDS = ("competitors", "personas")
HOME = "index.html"
PORTAL_PAGES = {
    "health/index.html": ("health.html", "GTM health"),
    "search/index.html": ("search.html", "Search"),
    "downloads/index.html": ("downloads.html", "Downloads"),
    "changes/index.html": ("changes.html", "What changed"),
    "404.html": ("404.html", "Page not found"),
}
"""The portal's own pages beside the home page, one page per artifact and one list page per
kind: output path → (template, title)."""
SEARCH_META = "search-index/meta.json"
"""Which way the search page searches (`render.shards`); beside it, a large portal's index
in pieces."""
DATA_FILES = (
    "launches.ics",
    "changes.xml",
    "sitemap.xml",
    "search-index.json",
    "search-index.js",
    SEARCH_META,
)
OUT_OF_PORTAL = "leads out of the portal"
FRAME_ANCHORS = frozenset({"main", "site-search-q", "backlinks-title"})
"""Ids of every page's frame (where its content starts, the search box): never what a link
to a missing heading meant."""


def item_path(kind: str, ident: str) -> str:
    """`personas/devops-dana/index.html`; pages live at the top: `faq/index.html`."""
    return KINDS[kind].page_path(ident)


def embed_path(ident: str) -> str:
    """A battlecard without the portal around it, for a CRM side panel or an iframe."""
    return f"embed/battlecards/{ident}.html"


def api_path(kind: str, ident: str) -> str:
    """An artifact as JSON, for other tools."""
    return f"api/{kind}/{ident}.json"


API_FILES = ("api/index.json", "api/schema.json")
EMBEDDED_KINDS = ("competitors",)
"""The kinds with an embeddable card (`embed_path`)."""


def list_path(kind: str) -> str:
    return KINDS[kind].list_path()


def pdf_path(kind: str, ident: str) -> str | None:
    """Where an artifact's PDF goes, or None for kinds that have none."""
    return KINDS[kind].pdf_path(ident)


def absolute_prefix(base_url: str) -> str:
    """`base_url` ending in "/" when it is a full address (http or https), for files read away
    from the portal (the feed, the API), which link with it; else ""."""
    if not base_url.startswith(("https://", "http://")):
        return ""
    return base_url if base_url.endswith("/") else base_url + "/"


def page_url(prefix: str, path: str) -> str:
    """A page's address in such a file: under a full base_url without "index.html", else its
    path from the portal's root."""
    return prefix + path.removesuffix("index.html") if prefix else path


def relative_url(from_path: str, to_path: str) -> str:
    """The link from the page at `from_path` to the file at `to_path`, both output paths."""
    if to_path.startswith("#"):
        return to_path
    target, _, fragment = to_path.partition("#")
    url = _relative(posixpath.dirname(from_path), target)
    return f"{url}#{fragment}" if fragment else url


@lru_cache(maxsize=4096)
def _relative(folder: str, target: str) -> str:
    """`posixpath.relpath` for two clean output paths, without its trips to the file system's
    idea of the current folder: a large portal computes tens of thousands of these."""
    here = folder.split("/") if folder else []
    there = target.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    parts = [".."] * (len(here) - common) + there[common:]
    url = "/".join(parts) or "."
    return url + "/" if target.endswith("/") and not url.endswith("/") else url


def portal_paths(ids: Mapping[str, Iterable[str]], pdf: bool) -> set[str]:
    """Every page, data file and PDF a build with the artifacts `ids` (kind → ids shown)
    writes, without the theme's static files and the project's assets."""
    paths = {HOME, *PORTAL_PAGES, *DATA_FILES, *API_FILES}
    for kind, idents in ids.items():
        paths.add(list_path(kind))
        for ident in idents:
            paths.add(item_path(kind, ident))
            paths.add(api_path(kind, ident))
            if kind in EMBEDDED_KINDS:
                paths.add(embed_path(ident))
            document = pdf_path(kind, ident) if pdf else None
            if document is not None:
                paths.add(document)
                if kind in SALES_KIT_KINDS:
                    paths.add(SALES_KIT)
    return paths


def resolve_link(page: str, url: str) -> Destination:
    """Where a link on `page` leads, as (file, fragment); a reason when it cannot lead anywhere
    in the portal; None when it leads out of it on purpose."""
    url = url.strip()
    if not url or EXTERNAL.match(url):
        return None
    if url.startswith("/"):
        return "starts at the site root, so it breaks when the portal is published under a path"
    base, _, fragment = url.partition("#")
    path = unquote(base.partition("?")[0])
    if not path:
        return page, unquote(fragment)
    folder = page.rpartition("/")[0]
    while path.startswith("../") and len(path) > 3:
        if not folder:
            return OUT_OF_PORTAL
        folder, path = folder.rpartition("/")[0], path[3:]
    target = _target(folder, path)
    return (target, unquote(fragment)) if target is not None else OUT_OF_PORTAL


Destination = str | tuple[str, str] | None
"""Where a link leads: (file, fragment), a reason it leads nowhere, or None for elsewhere."""


def link_problem(
    page: str, destination: Destination, exists: Set[str], ids: Callable[[str], Set[str]]
) -> str | None:
    """Why a link on `page` that leads to `destination` is broken, or None: the file must be
    one of `exists`, and a fragment on a page one of the page's `ids`."""
    if destination is None or isinstance(destination, str):
        return destination
    target, fragment = destination
    if target not in exists:
        return f"leads to {target}, a page or file this build does not have" + _nearest(
            page, target, exists
        )
    if fragment and target.endswith(".html"):
        found = ids(target)
        if fragment not in found:
            hint = did_you_mean(fragment, sorted(found - FRAME_ANCHORS))
            return f"points at a heading '#{fragment}' that {target} does not have{hint}"
    return None


def _nearest(page: str, target: str, exists: Set[str]) -> str:
    """A hint for a link that climbs too little or too far: the file it names from another
    folder, when the build has it (`assets/logo.svg` written on a guide at the top)."""
    parts = target.split("/")
    for start in range(1, len(parts) - 1):
        shorter = "/".join(parts[start:])
        if shorter in exists:
            return f" (did you mean '{relative_url(page, shorter)}'?)"
    return ""


@lru_cache(maxsize=65_536)
def _target(folder: str, path: str) -> str | None:
    """The file `path` names from `folder`. Most links of a portal climb to its top first, so
    after the climb they name the same file from every page: worked out once."""
    parts = folder.split("/") if folder else []
    for segment in path.split("/"):
        if segment == "..":
            if not parts:
                return None
            parts.pop()
        elif segment not in ("", "."):
            parts.append(segment)
    target = "/".join(parts)
    if not target or path.endswith("/"):
        target = f"{target}/index.html" if target else "index.html"
    return target
