"""Print HTML → PDF with WeasyPrint: a URL fetcher confined to the build's own theme and asset
files, a time limit per document, worker processes, and a cache keyed by exactly what goes into
each PDF. WeasyPrint is imported only here, and only when a PDF is rendered; `pdflibs` finds out
beforehand whether it can start."""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import os
import posixpath
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from gtm.files import read_regular_file
from gtm.render.images import oversized_image

ROOT_URL = "file:///__gtm__/"
"""Where a document believes it lives: relative URLs resolve under this root, and the fetcher
maps it onto the build's files. Nothing is ever read from this path on disk."""
TIME_LIMIT = 60.0
UNAVAILABLE = "WeasyPrint cannot start: "
OUTSIDE = "a PDF may use only files of the theme and of content/assets/"
PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF/UA: a screen reader follows the structure, language and title of the HTML, and a
reader's search and copy keep the reading order."""


@dataclass(frozen=True)
class PdfJob:
    """One document to render: its output path, its HTML, and the path its URLs are relative to."""

    path: str
    html: str
    base_path: str
    sections: int = 1
    """How many one-page documents' worth it holds (the sales kit: every battlecard and
    persona): its time limit grows with it, and it starts first."""


@dataclass
class PdfResult:
    """A rendered document, or why it could not be rendered, with what it fetched and refused."""

    path: str
    data: bytes | None = None
    error: str | None = None
    refused: list[tuple[str, str]] = field(default_factory=list)
    """(url, why) for every load a document asked for and did not get."""
    fetched: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    cached: bool = False
    pages: int = 0
    """How many pages the document ran to, as laid out: a page budget is checked against it,
    so the cache keeps it beside the PDF."""


class RenderTimeout(BaseException):
    """A BaseException, so that no `except Exception` inside WeasyPrint can swallow it."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Confinement:
    """What a document may load: the build's theme and asset files, by output path. Everything
    else (other files, the network, attachments), and an image too large to draw, is refused
    and remembered for a warning."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.fetched: dict[str, str] = {}
        self.refused: list[tuple[str, str]] = []
        self.oversized: set[str] = set()
        self.closed = False

    def read(self, url: str) -> tuple[bytes, str] | None:
        """The bytes and media type behind `url`, or None when it is not the build's to give,
        or is an image too large for WeasyPrint, which would leave it out without a word."""
        if self.closed or not url.startswith(ROOT_URL):
            return None
        relative = posixpath.normpath(unquote(urlsplit(url).path)[len("/__gtm__/") :])
        real = self.files.get(relative)
        if real is None:
            return None
        try:
            data = read_regular_file(real)
        except OSError:
            return None
        self.fetched[relative] = _digest(data)
        media_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        too_large = oversized_image(data, media_type)
        if too_large is not None:
            self.oversized.add(relative)
            self.refused.append((relative, too_large))
            return None
        return data, media_type

    def refuse(self, url: str) -> None:
        shown = url[len(ROOT_URL) :] if url.startswith(ROOT_URL) else url
        if shown in self.oversized and not self.closed:
            return  # refused already, with its size
        why = "a PDF carries no attachments" if self.closed else OUTSIDE
        if (shown, why) not in self.refused:
            self.refused.append((shown, why))


def _fetcher(confinement: Confinement) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint is untyped: base is Any
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:") and not confinement.closed:
                return super().fetch(url, headers)
            found = confinement.read(url)
            if found is None:
                confinement.refuse(url)
                raise PermissionError(f"gtm does not let PDFs load {url}")
            data, media_type = found
            return URLFetcherResponse(url, data, {"Content-Type": media_type})

    return ConfinedFetcher(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """SIGALRM interrupts a render that runs too long; only possible on the main thread."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        # Ask again in a while in case a C callback swallows this one; not sooner, so the
        # next alarm does not land in the clean-up that this one sets off.
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        raise RenderTimeout

    def quiet(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, RenderTimeout):
            hook(unraisable)

    hook = sys.unraisablehook
    sys.unraisablehook = quiet  # an alarm that lands in a destructor is not worth a traceback
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        while True:
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                break
            except RenderTimeout:
                continue
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = hook


def render_pdf(job: PdfJob, files: dict[str, str], time_limit: float = TIME_LIMIT) -> PdfResult:
    """Renders one document; never raises, so one bad document cannot stop the others."""
    started = time.perf_counter()
    confinement = Confinement(files)
    result = PdfResult(job.path)
    try:
        try:
            import weasyprint
        except (ImportError, OSError) as exc:
            result.error = UNAVAILABLE + str(exc).splitlines()[0]
            return result
        logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
        with _time_limit(time_limit):
            html = weasyprint.HTML(
                string=job.html,
                base_url=ROOT_URL + job.base_path,
                url_fetcher=_fetcher(confinement),
            )
            document = html.render()
            confinement.closed = True  # what is fetched from here on would be attached
            result.pages = len(document.pages)
            result.data = document.write_pdf(pdf_identifier=True, pdf_variant=PDF_VARIANT)
    except RenderTimeout:
        result.error = f"rendering took longer than {time_limit:g} s and was stopped"
    except Exception as exc:  # WeasyPrint raises many kinds; each becomes one diagnostic.
        result.error = f"{type(exc).__name__}: {exc}"
    result.refused = confinement.refused
    result.fetched = confinement.fetched
    result.seconds = time.perf_counter() - started
    return result


class PdfCache:
    """Rendered PDFs on disk, keyed by their HTML and by the versions of everything that draws
    them (gtm's own code included); an entry counts only while every file it fetched still has
    the same bytes, so a changed logo or stylesheet renders again, and so does everything after
    an upgrade."""

    def __init__(self, folder: Path, versions: Mapping[str, str]) -> None:
        self.folder = folder
        self.versions = json.dumps(dict(versions), sort_keys=True)

    def key(self, job: PdfJob) -> str:
        text = "\0".join([self.versions, job.base_path, job.html])
        return _digest(text.encode("utf-8"))

    def get(self, job: PdfJob, files: dict[str, str]) -> PdfResult | None:
        """The cached PDF, or None, never an error, for an entry that does not verify: missing,
        unreadable, malformed, a PDF whose digest is not the recorded one, or a file it loaded
        that has changed since; the PDF is then rendered again."""
        key = self.key(job)
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            data = (self.folder / f"{key}.pdf").read_bytes()
        except (OSError, ValueError, RecursionError):
            return None
        entry = _cache_entry(meta)
        if entry is None or _digest(data) != entry.pdf:
            return None
        fetched = entry.fetched
        for relative, digest in fetched.items():
            real = files.get(relative)
            try:
                if real is None or _digest(read_regular_file(real)) != digest:
                    return None
            except OSError:
                return None
        return PdfResult(job.path, data, None, entry.refused, fetched, 0.0, True, entry.pages)

    def put(self, job: PdfJob, result: PdfResult) -> None:
        """Keeps a rendered PDF; a cache that cannot be written (a read-only or full disk, a
        folder that cannot be made) is skipped, since it only saves time."""
        if result.data is None:
            return
        key = self.key(job)
        meta = {
            "fetched": result.fetched,
            "refused": result.refused,
            "pdf": _digest(result.data),
            "pages": result.pages,
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.folder / f"{key}.pdf", result.data)
            _write_atomic(self.folder / f"{key}.json", json.dumps(meta, sort_keys=True).encode())
        except OSError:
            pass  # A cache that cannot be written only costs time.

    def prune(self, keep: set[str], spare: int) -> None:
        """Drops the oldest entries beyond `spare` that this build did not use."""
        try:
            entries = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return
        unused = [p for p in entries if p.stem not in keep]
        for meta in unused[: max(0, len(unused) - spare)]:
            for path in (meta, meta.with_suffix(".pdf")):
                with suppress(OSError):  # a read-only cache keeps its old entries
                    path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _CacheEntry:
    """What a PDF cache entry's JSON records: the files it loaded with their digests, the loads
    it refused, the PDF's digest and how many pages it has."""

    fetched: dict[str, str]
    refused: list[tuple[str, str]]
    pdf: str
    pages: int


def _cache_entry(meta: Any) -> _CacheEntry | None:
    """The entry a cache file's JSON records, or None when it has any other shape (one written
    before page counts were kept included)."""
    if not isinstance(meta, dict):
        return None
    fetched, refused, pdf = meta.get("fetched"), meta.get("refused"), meta.get("pdf")
    pages = meta.get("pages")
    if not (isinstance(fetched, dict) and isinstance(refused, list) and isinstance(pdf, str)):
        return None
    if not isinstance(pages, int) or isinstance(pages, bool) or pages < 1:
        return None
    if not all(isinstance(digest, str) for digest in fetched.values()):
        return None
    pairs: list[tuple[str, str]] = []
    for load in refused:
        if not isinstance(load, list) or len(load) != 2:
            return None
        url, why = load
        if not isinstance(url, str) or not isinstance(why, str):
            return None
        pairs.append((url, why))
    return _CacheEntry(fetched, pairs, pdf, pages)


def _write_atomic(path: Path, data: bytes) -> None:
    """Writes `path` whole or not at all; a write that fails part way leaves nothing behind."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise
