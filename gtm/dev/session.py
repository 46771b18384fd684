"""`gtm serve`: a first build, then one rebuild per burst of saves. Pages go live first and open
browsers reload; the PDFs a change touched follow in the background. A broken save keeps the
last good portal live and shows its diagnostics in every open page; nothing here ever stops the
server but Ctrl-C."""

from __future__ import annotations

import sys
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from gtm.build import Memos, build_site
from gtm.changes import ChangeSet
from gtm.content.project import Audience, Project, RunOptions, open_project, run_options
from gtm.dev.server import DevServer, SiteState
from gtm.dev.watch import Watcher
from gtm.diagnostics import Diagnostic, Diagnostics, fails
from gtm.errors import GtmError
from gtm.publish.output import update
from gtm.publish.paths import check_output_dir
from gtm.render.documents import PdfBatch, make_collateral
from gtm.render.pdflibs import PdfLibraries, PdfUnavailable, find_pdf_libraries
from gtm.render.pdfworkers import Renders
from gtm.workers import keep_out_of_collections


@dataclass(frozen=True)
class Flags:
    """The command-line choices a rebuild needs again after gtm.toml changes."""

    audience: Audience | None
    drafts: bool
    strict: bool
    pdf: bool | None
    jobs: int | None


Report = Callable[[Sequence[Diagnostic], str], None]
"""Told every rebuild's diagnostics and a one-line summary, for the terminal."""


class DevSession:
    """The server, the watcher and the builder of one `gtm serve`."""

    def __init__(
        self,
        project: Project,
        flags: Flags,
        host: str,
        port: int,
        report: Report,
        find_libraries: Callable[[], PdfLibraries] = find_pdf_libraries,
    ):
        self.project = project
        self.flags = flags
        self.report = report
        self.state = SiteState()
        check_output_dir(project.root, project.output_dir, project.content_dir)
        self.server = DevServer(host, port, project.output_dir, state=self.state)
        self.watcher = Watcher(project)
        self.lock = threading.Lock()
        self.pdfs: dict[str, bytes] = {}
        self.site: Mapping[str, bytes] = {}
        self.written: dict[str, bytes] | None = None
        self.builds = 0
        self.history_note: str | None = None
        """What the terminal was last told about missing history, so it is said once."""
        self.memos = Memos()
        """What the session's builds keep from one to the next: a save works out again only
        what it changed."""
        self.renders = Renders()
        self.serving = False
        self.find_libraries = find_libraries
        self.pdfs_possible: bool | None = None
        """Whether WeasyPrint's libraries load; None until a build first wants PDFs."""

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        if not isinstance(host, str):  # getsockname() gives text; the stubs allow bytes too
            host = bytes(host).decode("ascii")
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def rebuild(self, change: ChangeSet | None = None) -> bool:
        """One build after `change` (the first has none); True when it went live. Whatever
        goes wrong, the server keeps serving the last good build and says why, in the terminal
        and in every open page."""
        try:
            return self._rebuild(change)
        except GtmError as exc:
            problems = exc.diagnostics or [
                Diagnostic("gtm.toml", 1, 1, "error", "project", exc.message)
            ]
            self._failed(problems, f"; {exc.message}")
        except OSError as exc:
            self._failed([Diagnostic("gtm.toml", 1, 1, "error", "io", str(exc))], "")
        except Exception as exc:  # A bug in gtm must not take the server down with it.
            traceback.print_exc()
            message = f"gtm failed unexpectedly ({type(exc).__name__}: {exc}); please report it"
            self._failed([Diagnostic("gtm.toml", 1, 1, "error", "internal", message)], "")
        return False

    def _failed(self, problems: Sequence[Diagnostic], note: str) -> None:
        self.state.failed(problems)
        self.report(problems, f"{note}{self._serving_note()}")

    def _serving_note(self) -> str:
        """What a failed build leaves open pages with, for the terminal: never "the last good
        build" when this session has none."""
        if self.state.live:
            return "; still serving the last good build"
        return "; no portal yet: every page shows these problems until they are fixed"

    def _rebuild(self, change: ChangeSet | None) -> bool:
        started = time.perf_counter()
        self.project = open_project(self.project.root, self.project.cache_root)
        options = self._options()
        result = build_site(
            self.project, options, defer_pdfs=True, session=self.memos, change=change
        )
        if fails(result.diagnostics, options.strict):
            shown = [d for d in result.diagnostics if d.severity == "error" or options.strict]
            self.state.failed(shown)
            self.report(result.diagnostics, self._serving_note())
            return False
        with self.lock:
            self.builds += 1
            build = self.builds
            self.site = result.files
            pending = {job.path for job in result.pending.jobs} if result.pending else set()
            self.pdfs = {k: v for k, v in self.pdfs.items() if k in pending}
            files = {**result.files, **self.pdfs}
            with self.state.swap:
                updated = update(self.project.output_dir, files, self.written, _waiting)
                self.state.published([*updated.written, *updated.removed])
            self.written = files
        elapsed = time.perf_counter() - started
        said = f"; live in {elapsed:.2f} s: {len(updated.written)} files changed"
        if result.history_note != self.history_note:
            self.history_note = result.history_note
            said += f"; {result.history_note}" if result.history_note else ""
        self.report(result.diagnostics, said)
        if result.pending and result.pending.jobs:
            threading.Thread(
                target=self._render_pdfs, args=(build, result.pending, options), daemon=True
            ).start()
        return True

    def _options(self) -> RunOptions:
        flags = self.flags
        options = run_options(
            self.project,
            audience=flags.audience,
            drafts=flags.drafts,
            strict=flags.strict,
            pdf=flags.pdf,
            jobs=flags.jobs,
        )
        options = replace(options, authoring=True)
        if options.pdf and not self._pdfs_possible():
            return replace(options, pdf=False)
        return options

    def _pdfs_possible(self) -> bool:
        """Asked once, at the first build that wants PDFs: without WeasyPrint's libraries the
        portal is served as with --no-pdf, so no page links to a PDF that cannot come, and the
        terminal is told why, once."""
        if self.pdfs_possible is None:
            try:
                self.find_libraries()
                self.pdfs_possible = True
            except PdfUnavailable as exc:
                self.pdfs_possible = False
                advice = f"{exc.remedy} and start gtm serve again"
                _tell(f"gtm: serving without PDFs: {exc.problem}; {advice}")
        return self.pdfs_possible

    def _render_pdfs(self, build: int, batch: PdfBatch, options: RunOptions) -> None:
        diagnostics = Diagnostics()
        try:
            results = make_collateral(
                batch,
                self.project,
                options.jobs,
                diagnostics,
                find_libraries=self.find_libraries,
                running=self.renders,
            )
            with self.lock:
                if build != self.builds:
                    return
                self.pdfs = {r.path: r.data for r in results if r.data is not None}
                files = {**self.site, **self.pdfs}
                update(self.project.output_dir, files, self.written, _waiting)
                self.written = files
        except PdfUnavailable as exc:  # a library gone since the first build, or not in a worker
            _tell(f"gtm: the PDFs were not updated: {exc.problem}; {exc.remedy}")
            return
        except (GtmError, OSError) as exc:
            _tell(f"gtm: the PDFs were not updated: {exc}")
            return
        rendered = sum(1 for r in results if not r.cached)
        problems = diagnostics.sorted()
        if rendered or problems:
            self.report(
                problems, f"; PDFs: {rendered} rendered, {len(results) - rendered} unchanged"
            )

    def serve(self, open_browser: bool = False, stop: threading.Event | None = None) -> None:
        """Serves until `stop` is set or Ctrl-C; the first build happens before the first
        request is answered."""
        stop = stop or threading.Event()
        self.watcher.start()  # first, so a save during the first build is not missed
        try:
            self.rebuild()
            keep_out_of_collections()  # what the first build made lives on
            thread = threading.Thread(target=self.server.serve_forever, args=(0.1,), daemon=True)
            thread.start()
            self.serving = True
            if open_browser:
                webbrowser.open(self.url)
            while not stop.is_set():
                change = self.watcher.next_change(timeout=0.1)
                if change is not None:
                    self.rebuild(change)
        finally:
            self.close()

    def close(self) -> None:
        """Stops watching and serving; a Ctrl-C during the first build, before the server
        loop started, must not wait for that loop to end."""
        self.watcher.stop()
        self.renders.cancel()
        if self.serving:
            self.server.shutdown()
        self.server.server_close()


def _tell(line: str) -> None:
    """A line for the terminal that is no build's report, so it carries no problem count."""
    print(line, file=sys.stderr, flush=True)


def _waiting(line: str) -> None:
    """Says why a rebuild pauses: a `gtm build` of the same output folder is publishing."""
    _tell(f"gtm: {line}")
