"""Which pages of the last build `gtm serve` can keep: each page remembers the entries it read
while rendering, and renders again only when one of them changed, or when the site's shape
(names, paths, config, theme, the date) did. Nothing is listed by hand, so a theme can read
whatever it likes and still never show a stale page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gtm.content.kinds import KINDS
from gtm.render.theme import Theme
from gtm.site.entries import CHANGES, EVERYTHING, Key
from gtm.site.views import Portal


@dataclass(frozen=True)
class RenderedPage:
    """A page as rendered, or, from the disk cache, only the digest of the bytes that the
    output folder should still hold."""

    data: bytes | None
    digest: str
    reads: frozenset[Key]


class RenderCache:
    """Pages by output path, with what each read, from one build to the next. `gtm serve` keeps
    their bytes in memory; `gtm build` keeps only digests on disk and takes an unchanged page
    back from the output folder it published, when the bytes there still match."""

    def __init__(self, output_dir: Path | None = None) -> None:
        self.shape = ""
        self.digests: dict[Key, str] = {}
        self.keys: dict[Key, Key] = {}
        self.pages: dict[str, RenderedPage] = {}
        self.changed: set[Key] = set()
        self.reused = 0
        self.output_dir = output_dir

    def begin(self, portal: Portal, theme: Theme) -> None:
        """Compares a new build with the last one: a new shape forgets every page, otherwise the
        entries whose digest changed (or that came or went) are noted."""
        shape = site_shape(portal, theme)
        digests = {(e.kind, e.id): e.digest for kind in portal.kinds.values() for e in kind}
        digests[CHANGES] = portal.changes_digest
        if shape != self.shape:
            self.pages.clear()
        old = self.digests
        self.changed = {k for k in digests.keys() | old.keys() if digests.get(k) != old.get(k)}
        self.shape, self.digests, self.reused = shape, digests, 0
        self.keys = {key: key for key in digests} | {EVERYTHING: EVERYTHING}

    def get(self, path: str, counted: bool = True) -> bytes | None:
        """The page as last rendered, if nothing it read has changed since; `counted` adds it
        to the pages `reused` (a data file is not a page)."""
        page = self.pages.get(path)
        if page is None:
            return None
        if self.changed and (EVERYTHING in page.reads or not page.reads.isdisjoint(self.changed)):
            del self.pages[path]
            return None
        data = page.data if page.data is not None else self._published(path, page.digest)
        if data is None:
            del self.pages[path]
            return None
        self.reused += counted
        return data

    def _published(self, path: str, digest: str) -> bytes | None:
        if self.output_dir is None:
            return None
        try:
            data = (self.output_dir / path).read_bytes()
        except OSError:
            return None
        return data if page_digest(data) == digest else None

    def keep(self, path: str, data: bytes, reads: set[Key]) -> None:
        """Keeps a page; the keys it read are the cache's own, not the copies a worker process
        sent back, so thousands of pages hold them once. `gtm build` keeps the bytes only of
        print pages, which its output folder does not hold."""
        shared = frozenset(self.keys.get(key, key) for key in reads)
        held = data if self.output_dir is None or path.endswith(".pdf") else None
        self.pages[path] = RenderedPage(held, page_digest(data), shared)

    def payload(self) -> dict[str, Any]:
        """The cache as JSON data, for the next `gtm build` to start from: a page's digest when
        the output folder holds it, its text when only the cache does (the print pages)."""

        def page(path: str, kept: RenderedPage) -> list[Any]:
            text = None
            if path.endswith(".pdf") and kept.data is not None:
                text = kept.data.decode()
            return [kept.digest, sorted(kept.reads), text]

        pages = ((path, page(path, kept)) for path, kept in self.pages.items())
        return {
            "shape": self.shape,
            "digests": [[kind, ident, digest] for (kind, ident), digest in self.digests.items()],
            "pages": pages,
        }

    @classmethod
    def from_payload(cls, payload: Any, output_dir: Path | None = None) -> RenderCache:
        """A cache from `payload()` data; anything of the wrong shape gives an empty cache."""
        cache = cls(output_dir)
        try:
            shape = payload["shape"]
            digests = {(str(k), str(i)): str(d) for k, i, d in payload["digests"]}
            pages = {
                str(path): RenderedPage(
                    text.encode() if isinstance(text, str) else None,
                    str(digest),
                    frozenset((str(k), str(i)) for k, i in reads),
                )
                for path, (digest, reads, text) in payload["pages"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            return cache
        cache.shape, cache.digests, cache.pages = str(shape), digests, pages
        return cache


def page_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def site_shape(portal: Portal, theme: Theme) -> str:
    """A digest of everything every page may show without reading an entry's content: the
    config, the date, the count of items that need attention, every entry's name, place and
    order, the names of left-out items (pages
    name them) and the templates."""
    parts: list[object] = [
        portal.config,
        portal.today,
        portal.audience,
        portal.authoring,
        portal.health_problems,
        portal.shape,
        [(e.kind, e.id, e.name, e.path, e.pdf) for k in KINDS for e in portal.kinds[k]],
    ]
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16)
    for folder in theme.template_dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.as_posix().encode() + b"\0" + _read(path) + b"\0")
    return digest.hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
