"""Print HTML → PDF with WeasyPrint: a URL fetcher confined to the build's own theme and asset
files, a time limit per document, worker processes, and a cache keyed by exactly what goes into
each PDF. WeasyPrint is imported only here, and only when a PDF is rendered; `pdflibs` finds out
beforehand whether it can start."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import mimetypes
import multiprocessing
import os
import posixpath
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from gtm.files import read_regular_file

ROOT_URL = "file:///__gtm__/"
"""Where a document believes it lives: relative URLs resolve under this root, and the fetcher
maps it onto the build's files. Nothing is ever read from this path on disk."""
TIME_LIMIT = 60.0
UNAVAILABLE = "WeasyPrint cannot start: "
OUTSIDE = "a PDF may use only files of the theme and of content/assets/"


@dataclass(frozen=True)
class PdfJob:
    """One document to render: its output path, its HTML, and the path its URLs are relative to."""

    path: str
    html: str
    base_path: str


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


TOO_LARGE = "too large for a PDF"
"""In the reason an image was refused: `documents` reports those as `pdf-image`."""


def oversized_image(data: bytes, media_type: str = "") -> str | None:
    """Why an image is too large to draw, or None: WeasyPrint leaves out, without a word, an
    image that Pillow's decompression-bomb guard stops, so gtm refuses any over Pillow's limit
    itself and says why. The size comes from the header; no pixel is decoded. Pillow is asked
    only about files named as raster images in a format `image_size` does not read."""
    try:
        from PIL import Image
    except ImportError:
        return None
    limit = Image.MAX_IMAGE_PIXELS
    if not limit:
        return None
    advice = f"{TOO_LARGE}: use one under {limit // 1_000_000} megapixels"
    size = image_size(data)
    if size is None:
        if not media_type.startswith("image/") or media_type == "image/svg+xml":
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with Image.open(io.BytesIO(data)) as image:
                    size = image.size
        except Image.DecompressionBombError:
            return f"is more than {2 * limit // 1_000_000} megapixels, {advice}"
        except Exception:  # not an image Pillow can read; WeasyPrint will say no more
            return None
    width, height = size
    if width * height <= limit:
        return None
    return f"is {width:,}×{height:,} pixels, {advice}"


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the header of a PNG, GIF, JPEG or WebP image, or None for any
    other data. Pillow's `Image.open` refuses to tell the size of an image over twice its
    limit, which is exactly the size a warning needs to give."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The size in a JPEG's start-of-frame segment, found by walking the segments before it."""
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD9)):  # markers without a length
            index += 2
            continue
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if index + 9 > len(data):
                return None
            height = int.from_bytes(data[index + 5 : index + 7], "big")
            width = int.from_bytes(data[index + 7 : index + 9], "big")
            return width, height
        index += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """The canvas size of a lossy (VP8), lossless (VP8L) or extended (VP8X) WebP image."""
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        return width, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        return width, int.from_bytes(data[28:30], "little") & 0x3FFF
    return None


def _fetcher(confinement: Confinement) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ConfinedFetcher(URLFetcher):  # type: ignore[misc]
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
            result.data = document.write_pdf(pdf_identifier=True)
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
        if entry is None or _digest(data) != entry[2]:
            return None
        fetched, refused, _ = entry
        for relative, digest in fetched.items():
            real = files.get(relative)
            try:
                if real is None or _digest(read_regular_file(real)) != digest:
                    return None
            except OSError:
                return None
        return PdfResult(job.path, data, None, refused, fetched, 0.0, True)

    def put(self, job: PdfJob, result: PdfResult) -> None:
        """Keeps a rendered PDF; a cache that cannot be written (a read-only or full disk, a
        folder that cannot be made) is skipped, since it only saves time."""
        if result.data is None:
            return
        key = self.key(job)
        meta = {"fetched": result.fetched, "refused": result.refused, "pdf": _digest(result.data)}
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


def _cache_entry(meta: Any) -> tuple[dict[str, str], list[tuple[str, str]], str] | None:
    """What a PDF cache entry's JSON records (the files it loaded with their digests, the loads
    it refused, the PDF's digest), or None when it has any other shape."""
    if not isinstance(meta, dict):
        return None
    fetched, refused, pdf = meta.get("fetched"), meta.get("refused"), meta.get("pdf")
    if not (isinstance(fetched, dict) and isinstance(refused, list) and isinstance(pdf, str)):
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
    return fetched, pairs, pdf


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


class Renders:
    """The PDF worker pools running now, so that `gtm serve` can stop them all at once when it
    is stopped (Ctrl-C) while PDFs render in the background."""

    def __init__(self) -> None:
        self.pools: set[ProcessPoolExecutor] = set()

    def cancel(self) -> None:
        """Stops every render in progress at once."""
        for executor in list(self.pools):
            _kill(executor)
            executor.shutdown(wait=False, cancel_futures=True)


def render_documents(
    jobs: list[PdfJob],
    files: dict[str, str],
    cache: PdfCache | None,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    time_limit: float = TIME_LIMIT,
    running: Renders | None = None,
) -> list[PdfResult]:
    """Every job's result in job order: cached ones first looked up, the rest rendered in
    `workers` processes (a pool of one still isolates a crash or a hang from the build)."""
    results: dict[str, PdfResult] = {}
    todo: list[PdfJob] = []
    for job in jobs:
        hit = cache.get(job, files) if cache else None
        if hit is not None:
            results[job.path] = hit
        else:
            todo.append(job)
    done = len(results)
    if progress:
        progress(done, len(jobs))
    for result in _render_all(todo, files, workers, time_limit, running or Renders()):
        results[result.path] = result
        done += 1
        if progress:
            progress(done, len(jobs))
    if cache:
        for job in todo:
            cache.put(job, results[job.path])
        cache.prune({cache.key(job) for job in jobs}, spare=2 * len(jobs))
    return [results[job.path] for job in jobs]


def _render_all(
    jobs: list[PdfJob], files: dict[str, str], workers: int, time_limit: float, running: Renders
) -> Iterator[PdfResult]:
    if not jobs:
        return
    workers = max(1, min(workers, len(jobs)))
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_process_context())
    running.pools.add(executor)
    futures: dict[Future[PdfResult], PdfJob] = {
        executor.submit(render_pdf, job, files, time_limit): job for job in jobs
    }
    # A worker stuck in C code ignores its alarm; past this deadline the pool is torn down.
    deadline = time.monotonic() + time_limit * (len(jobs) / workers + 1) + 10
    pending = set(futures)
    try:
        while pending:
            finished, pending = wait(pending, timeout=max(0.0, deadline - time.monotonic()))
            if not finished:
                break
            for future in finished:
                job = futures[future]
                try:
                    yield future.result()
                except Exception as exc:  # A worker that died (a crash in a C library).
                    yield PdfResult(job.path, error=f"the PDF worker stopped: {exc}")
        for future in pending:
            yield PdfResult(futures[future].path, error="rendering did not finish in time")
    finally:
        running.pools.discard(executor)
        if pending:
            _kill(executor)
        executor.shutdown(wait=not pending, cancel_futures=True)


def _kill(executor: ProcessPoolExecutor) -> None:
    processes = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()


def _start_forkserver_off_the_working_folder() -> None:
    """The fork server starts as `python -c ...`, which puts the working folder first on its
    sys.path before it preloads WeasyPrint and gtm.render.pdf (Python 3.11 ignores the sys.path
    it is handed), so a folder called weasyprint/ or gtm/ where gtm runs would be imported
    instead. PYTHONSAFEPATH keeps it off there, and so off every worker forked from it."""
    from multiprocessing import forkserver

    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before


def _process_context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one: workers start from a clean process that has WeasyPrint
    loaded already, which is quick and safe even when the caller runs threads (gtm serve)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", "gtm.render.pdf"])
        _start_forkserver_off_the_working_folder()
        return context
    return multiprocessing.get_context("spawn")
