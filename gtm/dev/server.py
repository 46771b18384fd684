"""The development server of `gtm serve`: the output folder over HTTP on loopback, and a small
live-reload client, injected into served pages only, that reloads after each rebuild and lays
the diagnostics over the page while the content is broken."""

from __future__ import annotations

import hashlib
import html
import ipaddress
import json
import mimetypes
import os
import secrets
import socket
import stat
import sys
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from gtm.diagnostics import Diagnostic
from gtm.errors import ProjectError, UsageError
from gtm.publish.paths import safe_output_path

CLIENT_PATH = "/__gtm__/client.js"
EVENTS_PATH = "/__gtm__/events"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
HEARTBEAT = 10.0
NAMED_CHANGES = 200
"""At most this many changed files are named to open pages; a bigger build says "everything"
and every page fetches itself again."""
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
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
CLIENT = resources.files("gtm.dev").joinpath("client.js").read_text(encoding="utf-8")
"""The live-reload client: package data, read through importlib.resources so a zipped gtm has
it too."""


def check_host(host: str) -> None:
    """Refuses an address other computers can reach: the portal holds internal content
    (battlecards, pricing), and a preview is no way to publish it."""
    name = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if name.lower() == "localhost":
        return
    try:
        if ipaddress.ip_address(name).is_loopback:
            return
    except ValueError:
        pass
    raise UsageError(
        f"--host {host} would let everyone on the network read the portal, internal "
        "battlecards included: gtm serve only listens on this computer (127.0.0.1, localhost "
        "or ::1); to share the portal, run gtm build and publish the output folder"
    )


@dataclass
class SiteState:
    """What open pages are told: which build is live, and the problems of the latest attempt.
    `generation` changes with every published build and with every server start."""

    token: str = field(default_factory=lambda: secrets.token_hex(4))
    builds: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    changed: list[str] | None = None
    """The output files the last published build changed or removed (None: too many to name,
    or the first build); a page open on the build before it (`after` in the snapshot) refreshes
    only what it shows of them."""
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

    def published(self, changed: Sequence[str] | None = None) -> None:
        with self.condition:
            self.builds += 1
            self.problems = []
            named = changed is not None and len(changed) <= NAMED_CHANGES
            self.changed = sorted(changed) if named and changed is not None else None
            self._changed()

    def failed(self, diagnostics: Sequence[Diagnostic]) -> None:
        """The last good site stays live; open pages show what stopped the new one."""
        with self.condition:
            self.problems = [{**asdict(d), "text": d.format()} for d in diagnostics]
            self._changed()

    def close(self) -> None:
        with self.condition:
            self.closing = True
            self._changed()

    def snapshot(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "problems": self.problems,
            "live": self.live,
            "changed": self.changed,
            "after": f"{self.token}-{self.builds - 1}",
        }

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
        check_host(host)
        self.root = root.resolve()
        self.state = state
        self.allowed_hosts = LOOPBACK_NAMES | {host.strip("[]").lower()}
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), Handler)

    def shutdown(self) -> None:
        self.state.close()
        super().shutdown()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that leaves a page or cancels a download is not an error worth a
        traceback in the terminal, which is kept for diagnostics."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: DevServer
    server_version = "gtm"
    protocol_version = "HTTP/1.1"
    timeout = 15.0
    """Seconds a connection may sit without sending its next request (and a write may stall)
    before it is closed: idle keep-alive sockets must not pile up until the server runs out of
    file descriptors. An event stream waits for changes, not on its socket, so it stays open;
    its heartbeat is written every 10 s."""

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
            self._events(head)
            return
        if path == CLIENT_PATH:
            self._send_validated(CLIENT.encode(), CONTENT_TYPES[".js"], head)
            return
        with self.server.state.swap:  # the files and their generation, of one build
            status, data, content_type = self._read(path)
        if status == HTTPStatus.OK and not content_type.startswith("text/html"):
            self._send_validated(data, content_type, head)
            return
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
        data = _read_file(target) if target is not None else None
        if target is None or data is None:
            not_found = self._target("/404.html")
            found = _read_file(not_found) if isinstance(not_found, Path) else None
            data = self._with_client(found) if found is not None else b"not found\n"
            return HTTPStatus.NOT_FOUND, data, CONTENT_TYPES[".html"]
        content_type = _content_type(target)
        if content_type.startswith("text/html"):
            data = self._with_client(data, target.relative_to(self.server.root).as_posix())
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
        """The file behind a URL path, a redirect to add a slash, or None: a path that passes
        the output folder's one check (`safe_output_path`: no `..` in any encoding, no
        symbolic link anywhere on the way) to a real folder's index.html or a regular file."""
        if "\\" in path or "\0" in path:
            return None
        try:
            decoded = unquote(path, errors="strict")
        except UnicodeDecodeError:  # not UTF-8: no file gtm writes has such a name
            return None
        parts = [part for part in decoded.split("/") if part]
        root = self.server.root
        try:
            target = safe_output_path(root, "/".join(parts)) if parts else root
            mode = os.lstat(target).st_mode
            if stat.S_ISDIR(mode):
                if not path.endswith("/"):
                    return path + "/"
                target = safe_output_path(root, "/".join([*parts, "index.html"]))
                mode = os.lstat(target).st_mode
        except (ProjectError, OSError):
            return None
        return target if stat.S_ISREG(mode) else None

    def _with_client(self, markup: bytes, page: str = "") -> bytes:
        """The page with the live-reload client, told the build it came from and which output
        file it is (none for the not-found page: any build may be the one that makes it)."""
        generation = self.server.state.generation
        tag = (
            f'<script src="{CLIENT_PATH}" data-generation="{generation}" '
            f'data-page="{html.escape(page)}"></script>'
        ).encode()
        at = markup.rfind(b"</body>")
        return markup[:at] + tag + markup[at:] if at >= 0 else markup + tag

    def _send(
        self,
        status: HTTPStatus,
        data: bytes,
        content_type: str,
        head: bool,
        cache: str = "no-store",
        etag: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)
        if etag is not None:
            self.send_header("ETag", etag)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _send_validated(self, data: bytes, content_type: str, head: bool) -> None:
        """A file other than a page: the browser keeps it and asks whether it changed (an
        ETag of its bytes), so a reload after a save downloads only what the save changed.
        Pages stay `no-store`: they carry the build they came from."""
        etag = f'"{hashlib.blake2b(data, digest_size=12).hexdigest()}"'
        asked = self.headers.get("If-None-Match", "")
        if etag in (tag.strip().removeprefix("W/") for tag in asked.split(",")):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return
        self._send(HTTPStatus.OK, data, content_type, head, cache="no-cache", etag=etag)

    def _events(self, head: bool) -> None:
        """Server-sent events: the state now, then again after every change; the browser's
        EventSource reconnects by itself when the server restarts. A HEAD request gets the
        headers alone: a stream without end has no body to leave out."""
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        if head:
            self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
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


def _read_file(path: Path) -> bytes | None:
    """The bytes of a regular file, opened without following a link in its last part (the
    folders before it were checked): None when it is gone or is anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with open(fd, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return stream.read()
        except OSError:
            return None


def _content_type(path: Path) -> str:
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed = mimetypes.guess_type(path.name)[0]
    return guessed or "application/octet-stream"
