"""The build's own crawler: every relative link and anchor in the files a build is about to
publish must land on a file and an id of that same build, so a broken link is a diagnostic for
the author, not a 404 for a reader."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from gtm.render.pagecache import page_digest
from gtm.site.routes import Destination, link_problem, resolve_link

ATTRIBUTE = re.compile(r'\s(href|src|id|name)="([^"]*)"')


@dataclass(frozen=True)
class BrokenLink:
    """A link on `page` (an output path) whose target the build does not hold."""

    page: str
    url: str
    reason: str


@dataclass
class FollowedLinks:
    """For `gtm serve`: what each page links to, by its bytes; the pages whose every link led
    somewhere, and the files and ids they were checked against. While those stay the same, such
    a page is neither scanned nor followed again."""

    scanned: dict[str, tuple[bytes, tuple[str, ...], frozenset[str]]] = field(default_factory=dict)
    clean: dict[str, bytes] = field(default_factory=dict)
    world: dict[str, object] = field(default_factory=dict)
    destinations: dict[tuple[str, str], Destination] = field(default_factory=dict)
    """Where each link leads from each page: the same links stand on thousands of pages."""

    def destination(self, page: str, url: str) -> Destination:
        key = (page, url)
        if key not in self.destinations:
            if len(self.destinations) >= 200_000:
                self.destinations.clear()
            self.destinations[key] = resolve_link(page, url)
        return self.destinations[key]

    def scan(self, path: str, data: bytes) -> tuple[tuple[str, ...], frozenset[str]]:
        """`_scan`, kept until the page's bytes change."""
        kept = self.scanned.get(path)
        if kept is not None and (kept[0] is data or kept[0] == data):
            return kept[1], kept[2]
        found = _scan(data, {})
        if len(self.scanned) > 50_000:
            self.scanned.clear()
        self.scanned[path] = (data, *found)
        return found


def broken_links(
    files: Mapping[str, bytes],
    promised: Set[str] = frozenset(),
    listed: Mapping[str, Iterable[str]] | None = None,
    remember: FollowedLinks | None = None,
    known: KnownLinks | None = None,
) -> list[BrokenLink]:
    """Every link in the HTML pages, and every URL `listed` by a file that is not HTML (the
    search index), that leads nowhere, in page order; `promised` files are not written yet but
    will be. Links to other sites and `mailto:`-style links are left to the reader's browser.
    `remember` keeps what each page links to for the next build of a `gtm serve` session; a
    one-off build starts from what the last one found, `known`, and leaves its own there."""
    links: dict[str, tuple[str, ...]] = {}
    anchors: dict[str, frozenset[str]] = {}
    digests: dict[str, str] = {}
    same: dict[str, str] = {}
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        if remember is not None:
            links[path], anchors[path] = remember.scan(path, data)
        elif known is not None:
            digests[path] = page_digest(data)
            links[path], anchors[path] = known.scan(path, digests[path], data, same)
        else:
            links[path], anchors[path] = _scan(data, same)
    for path, urls in (listed or {}).items():
        links[path] = tuple(dict.fromkeys(urls))
    broken: list[BrokenLink] = []
    exists = files.keys() | promised
    resolve = remember.destination if remember is not None else resolve_link
    clean_pages = remember.clean if remember is not None else {}
    world = remember.world if remember is not None else {}
    if world.get("exists") != exists or world.get("anchors") != anchors:
        clean_pages.clear()
    if known is not None:
        known.enter(exists, anchors)
    for page, urls in links.items():
        page_data = files[page] if remember is not None and page in anchors else None
        clean = clean_pages.get(page)
        if clean is not None and (clean is page_data or clean == page_data):
            continue
        if known is not None and known.clean(page, digests.get(page)):
            continue
        found = [
            BrokenLink(page, url, reason)
            for url in urls
            if (reason := _problem(page, resolve(page, url), exists, anchors))
        ]
        broken.extend(found)
        if remember is not None and page_data is not None and not found:
            clean_pages[page] = page_data
        if known is not None and page in digests and not found:
            known.clean_pages.add(page)
    world.update(exists=exists, anchors=anchors)
    return broken


class KnownLinks:
    """What one-off builds found on each page, by the digest of its bytes, and which pages had
    every link land in which world (the files and ids of a build): the next build scans and
    follows only the pages that changed, unless the world did. A link cache of `gtm build`."""

    def __init__(self) -> None:
        self.world = ""
        self.pages: dict[str, tuple[str, tuple[str, ...], frozenset[str]]] = {}
        self.clean_pages: set[str] = set()

    def scan(
        self, path: str, digest: str, data: bytes, same: dict[str, str]
    ) -> tuple[tuple[str, ...], frozenset[str]]:
        kept = self.pages.get(path)
        if kept is None or kept[0] != digest:
            self.clean_pages.discard(path)
            kept = self.pages[path] = (digest, *_scan(data, same))
        return kept[1], kept[2]

    def enter(self, exists: Set[str], anchors: Mapping[str, frozenset[str]]) -> None:
        """Notes this build's world; the pages found clean in another one are not any more."""
        text = repr((sorted(exists), sorted((path, sorted(ids)) for path, ids in anchors.items())))
        world = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        if world != self.world:
            self.world, self.clean_pages = world, set()
        self.pages = {path: kept for path, kept in self.pages.items() if path in anchors}

    def clean(self, page: str, digest: str | None) -> bool:
        """Whether every link of the page, as it is now, landed in this same world before."""
        kept = self.pages.get(page)
        return page in self.clean_pages and kept is not None and kept[0] == digest

    def payload(self) -> dict[str, Any]:
        """The links as JSON data, each page's made as it is written."""
        pages = (
            (path, [digest, urls, sorted(ids), path in self.clean_pages])
            for path, (digest, urls, ids) in self.pages.items()
        )
        return {"world": self.world, "pages": pages}

    @classmethod
    def from_payload(cls, payload: Any) -> KnownLinks:
        """Links from `payload()` data; anything of the wrong shape gives an empty start."""
        known = cls()
        same: dict[str, str] = {}  # pages share most of their URLs: each is held once
        try:
            pages = {
                str(path): (
                    str(digest),
                    tuple(same.setdefault(url, url) for url in map(str, urls)),
                    frozenset(map(str, ids)),
                    bool(clean),
                )
                for path, (digest, urls, ids, clean) in payload["pages"].items()
            }
            world = str(payload["world"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return known
        known.world = world
        known.pages = {path: entry[:3] for path, entry in pages.items()}
        known.clean_pages = {path for path, entry in pages.items() if entry[3]}
        return known


def _scan(data: bytes, same: dict[str, str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The distinct URLs and the ids of a page. Pages at one depth share most of their URLs,
    so equal texts are kept once through `same`."""
    urls: list[str] = []
    ids: set[str] = set()
    for attribute, raw in ATTRIBUTE.findall(data.decode("utf-8", "replace")):
        value = html.unescape(raw)
        value = same.setdefault(value, value)
        if attribute in ("id", "name"):
            ids.add(value)
        else:
            urls.append(value)
    return tuple(dict.fromkeys(urls)), frozenset(ids)


def _problem(
    page: str, destination: Destination, exists: Set[str], anchors: dict[str, frozenset[str]]
) -> str | None:
    return link_problem(page, destination, exists, lambda path: anchors.get(path, frozenset()))
