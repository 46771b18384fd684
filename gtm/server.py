"""The development server of `gtm serve`: the output folder over HTTP on loopback, and a small
live-reload client, injected into served pages only, that reloads after each rebuild and lays
the diagnostics over the page while the content is broken."""

from __future__ import annotations

import html
import json
import mimetypes
import secrets
import sys
import threading
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from gtm.diagnostics import Diagnostic

CLIENT_PATH = "/__gtm__/client.js"
EVENTS_PATH = "/__gtm__/events"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
HEARTBEAT = 10.0
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
}
CLIENT = resources.files("gtm").joinpath("client.js").read_text(encoding="utf-8")
"""The live-reload client: package data, read through importlib.resources so a zipped gtm has
it too."""


@dataclass
class SiteState:
    """What open pages are told: which build is live, and the problems of the latest attempt.
    `generation` changes with every published build and with every server start."""

    token: str = field(default_factory=lambda: secrets.token_hex(4))
    builds: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    changes: int = 0
    closing: bool = False
    condition: threading.Condition = field(default_factory=threading.Condition)
    swap: threading.Lock = field(default_factory=threading.Lock)
    """Held while a build's files are written and published, and while a request reads them:
    a page is served either with the files and generation of the last build or of the new
    one, never new files under the old generation (which reloads a page twice)."""

    @property
    def generation(self) -> str:
        return f"{self.token}-{self.builds}"

    @property
    def live(self) -> bool:
        """Whether a build of this session is being served; until then, every URL shows the
        problems that stopped the first one."""
        return self.builds > 0

    def published(self) -> None:
        with self.condition:
            self.builds += 1
            self.problems = []
            self._changed()

    def failed(self, diagnostics: list[Diagnostic]) -> None:
        """The last good site stays live; open pages show what stopped the new one."""
        with self.condition:
            self.problems = [{**asdict(d), "text": d.format()} for d in diagnostics]
            self._changed()

    def close(self) -> None:
        with self.condition:
            self.closing = True
            self._changed()

    def snapshot(self) -> dict[str, Any]:
        return {"generation": self.generation, "problems": self.problems, "live": self.live}

    def wait(self, seen: int, timeout: float) -> int:
        """Blocks until the state changes past `seen` (or `timeout`); returns the change count."""
        with self.condition:
            self.condition.wait_for(lambda: self.changes != seen or self.closing, timeout)
            return self.changes

    def _changed(self) -> None:
        self.changes += 1
        self.condition.notify_all()


class DevServer(ThreadingHTTPServer):
    """A threading HTTP server over one folder; each event stream holds one thread."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: str, port: int, root: Path, state: SiteState) -> None:
        self.root = root.resolve()
        self.state = state
        self.allowed_hosts = LOOPBACK_NAMES | ({host} if host not in ("0.0.0.0", "::") else set())
        super().__init__((host, port), Handler)

    def shutdown(self) -> None:
        self.state.close()
        super().shutdown()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that leaves a page or cancels a download is not an error worth a
        traceback in the terminal, which is kept for diagnostics."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: DevServer
    server_version = "gtm"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is for diagnostics, not for a line per request."""

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        if not self._host_allowed():
            self._send(HTTPStatus.MISDIRECTED_REQUEST, b"unknown host\n", "text/plain", head)
            return
        path = urlsplit(self.path).path
        if path == EVENTS_PATH:
            self._events()
            return
        if path == CLIENT_PATH:
            self._send(HTTPStatus.OK, CLIENT.encode(), CONTENT_TYPES[".js"], head)
            return
        with self.server.state.swap:  # the files and their generation, of one build
            status, data, content_type = self._read(path)
        if status == HTTPStatus.MOVED_PERMANENTLY:
            self.send_response(status)
            self.send_header("Location", data.decode())
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(status, data, content_type, head)

    def _read(self, path: str) -> tuple[HTTPStatus, bytes, str]:
        """What a URL answers with: a page with the reload client, a file, a redirect (the
        new location as data), the not-found page, or the problems of a first build."""
        state = self.server.state
        if not state.live:
            page = self._with_client(_not_built_page(state.problems))
            return HTTPStatus.SERVICE_UNAVAILABLE, page, CONTENT_TYPES[".html"]
        target = self._target(path)
        if isinstance(target, str):
            return HTTPStatus.MOVED_PERMANENTLY, target.encode(), ""
        if target is None:
            page = self.server.root / "404.html"
            data = self._with_client(page.read_bytes()) if page.is_file() else b"not found\n"
            return HTTPStatus.NOT_FOUND, data, CONTENT_TYPES[".html"]
        data = target.read_bytes()
        content_type = _content_type(target)
        if content_type.startswith("text/html"):
            data = self._with_client(data)
        return HTTPStatus.OK, data, content_type

    def _host_allowed(self) -> bool:
        """Refuses requests made to another name (DNS rebinding): a page on a foreign site
        cannot read the portal through a name that resolves to 127.0.0.1."""
        host = self.headers.get("Host")
        if host is None:
            return True
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host[1:].split("]")[0]
        return name.lower() in self.server.allowed_hosts

    def _target(self, path: str) -> Path | str | None:
        """The file behind a URL path, a redirect to add a slash, or None: no `..`, no encoded
        separators or dots that turn into them, no symbolic link that leads out."""
        if "\\" in path or "\0" in path:
            return None
        decoded = unquote(path, errors="strict")
        if "\\" in decoded or "\0" in decoded:
            return None
        parts = [part for part in decoded.split("/") if part]
        if any(part in (".", "..") for part in parts):
            return None
        candidate = self.server.root.joinpath(*parts)
        try:
            real = candidate.resolve(strict=True)
            real.relative_to(self.server.root)
        except (OSError, ValueError):
            return None
        if real.is_dir():
            if not path.endswith("/"):
                return path + "/"
            real = real / "index.html"
        return real if real.is_file() else None

    def _with_client(self, html: bytes) -> bytes:
        tag = (
            f'<script src="{CLIENT_PATH}" data-generation="{self.server.state.generation}">'
            "</script>"
        ).encode()
        at = html.rfind(b"</body>")
        return html[:at] + tag + html[at:] if at >= 0 else html + tag

    def _send(self, status: HTTPStatus, data: bytes, content_type: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _events(self) -> None:
        """Server-sent events: the state now, then again after every change; the browser's
        EventSource reconnects by itself when the server restarts."""
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not state.closing:
                changes = state.wait(seen, HEARTBEAT)
                if changes != seen:
                    seen = changes
                    message = json.dumps(state.snapshot(), sort_keys=True)
                    self.wfile.write(f"retry: 500\ndata: {message}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except OSError:
            return


def _not_built_page(problems: list[dict[str, Any]]) -> bytes:
    """What every URL shows while the first build of a session has failed: there is no portal
    to show yet. The live-reload client lays the problems over it, and reloads into the portal
    once a save fixes them; without script, the list is in the page."""
    items = "".join(f"<li>{html.escape(problem['text'])}</li>" for problem in problems)
    count = len(problems)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>The portal could not be built yet</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem;color:#1f1f24}"
        "main{max-width:44rem}li{font-family:ui-monospace,monospace;font-size:14px;"
        "white-space:pre-wrap;word-break:break-word;margin:.4rem 0}</style></head>"
        "<body><main><h1>The portal could not be built yet</h1>"
        f"<p>gtm found {count} {'problem' if count == 1 else 'problems'} in the project. "
        "Fix the files and save: this page turns into the portal by itself.</p>"
        f"<noscript><ul>{items}</ul></noscript></main></body></html>\n"
    ).encode()


def _content_type(path: Path) -> str:
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed = mimetypes.guess_type(path.name)[0]
    return guessed or "application/octet-stream"
