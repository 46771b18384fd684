"""The dev server over real HTTP: only the output folder, only to loopback names, the client
injected into pages it serves, and the state pages are told through server-sent events."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import gtm.dev.server
from gtm.dev.server import CLIENT_PATH, DevServer, Handler, SiteState, check_host
from gtm.diagnostics import Diagnostic
from gtm.errors import UsageError
from tests.conftest import serving


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[DevServer, Path]]:
    root = tmp_path / "output"
    (root / "personas" / "dana").mkdir(parents=True)
    (root / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
    (root / "personas" / "dana" / "index.html").write_text("<html><body>Dana</body></html>")
    (root / "404.html").write_text("<html><body>Not here</body></html>")
    (root / "launches.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    (root / "search-index.json").write_text("[]")
    (tmp_path / "secret.txt").write_text("top secret")
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    state = SiteState()
    state.published()
    server = DevServer("127.0.0.1", 0, root, state)
    with serving(server):
        yield server, root


def get(server: DevServer, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    headers = {"Host": host} if host else {}
    connection.putrequest("GET", path, skip_host=bool(host))
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def test_pages_are_served_with_the_reload_client(served: tuple[DevServer, Path]) -> None:
    server, root = served
    status, headers, body = get(server, "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store", "a page carries the build it came from"
    assert body.endswith(b"</script></body></html>")
    generation = server.state.generation
    client = f'<script src="{CLIENT_PATH}" data-generation="{generation}" data-page="index.html">'
    assert client.encode() in body
    assert b"__gtm__" not in (root / "index.html").read_bytes()
    assert b'data-page="personas/dana/index.html"' in get(server, "/personas/dana/")[2]
    assert b'data-page=""' in get(server, "/gone/")[2], "the not-found page is no output file"


def get_if_changed(server: DevServer, path: str, etag: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    connection.request("GET", path, headers={"If-None-Match": etag})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


@pytest.mark.parametrize("path", ["/search-index.json", "/launches.ics", CLIENT_PATH])
def test_files_other_than_pages_are_revalidated_by_their_bytes(
    served: tuple[DevServer, Path], path: str
) -> None:
    server, root = served
    status, headers, body = get(server, path)
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    etag = headers["ETag"]
    assert get_if_changed(server, path, etag)[:1] == (304,)
    assert get_if_changed(server, path, etag)[2] == b""
    assert get_if_changed(server, path, f'"other", W/{etag}')[0] == 304
    assert get_if_changed(server, path, '"other"')[0] == 200
    if path != CLIENT_PATH:
        (root / path.lstrip("/")).write_text("changed")
        status, headers, body = get_if_changed(server, path, etag)
        assert (status, body) == (200, b"changed") and headers["ETag"] != etag


def test_events_name_the_files_a_build_changed(tmp_path: Path) -> None:
    state = SiteState()
    state.published()
    assert state.snapshot()["changed"] is None, "a first build changes everything"
    before = state.generation
    state.published(["personas/dana/index.html", "api/index.json"])
    snapshot = state.snapshot()
    assert snapshot["changed"] == ["api/index.json", "personas/dana/index.html"]
    assert snapshot["after"] == before
    many = [f"pages/{n}/index.html" for n in range(gtm.dev.server.NAMED_CHANGES + 1)]
    state.published(many)
    assert state.snapshot()["changed"] is None, "too many to name: every page updates"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/launches.ics", "text/calendar; charset=utf-8"),
        ("/search-index.json", "application/json"),
        (CLIENT_PATH, "text/javascript; charset=utf-8"),
    ],
)
def test_content_types(served: tuple[DevServer, Path], path: str, content_type: str) -> None:
    status, headers, _ = get(served[0], path)
    assert (status, headers["Content-Type"]) == (200, content_type)


def test_a_folder_without_its_slash_is_redirected(served: tuple[DevServer, Path]) -> None:
    status, headers, _ = get(served[0], "/personas/dana")
    assert (status, headers["Location"]) == (301, "/personas/dana/")
    status, _, body = get(served[0], "/personas/dana/")
    assert status == 200 and b"Dana" in body


def test_no_directory_listing(served: tuple[DevServer, Path]) -> None:
    status, _, body = get(served[0], "/personas/")
    assert status == 404
    assert b"Not here" in body and b"dana" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/personas/..%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/link.txt",
        "/index.html%00.txt",
    ],
)
def test_nothing_outside_the_output_folder_is_served(
    served: tuple[DevServer, Path], path: str
) -> None:
    status, _, body = get(served[0], path)
    assert status == 404
    assert b"top secret" not in body and b"root:" not in body


@pytest.mark.parametrize("host", ["evil.example.com", "evil.example.com:8000", "127.0.0.1.nip.io"])
def test_a_foreign_host_name_is_refused(served: tuple[DevServer, Path], host: str) -> None:
    status, _, body = get(served[0], "/", host=host)
    assert status == 421
    assert b"Home" not in body


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
def test_loopback_names_are_served(served: tuple[DevServer, Path], host: str) -> None:
    assert get(served[0], "/", host=host)[0] == 200


def test_events_tell_the_generation_and_the_problems(served: tuple[DevServer, Path]) -> None:
    server, _ = served
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    connection.request("GET", "/__gtm__/events")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"

    def next_event() -> dict:
        while True:
            line = response.fp.readline().decode()
            if line.startswith("data: "):
                return json.loads(line[6:])

    first = next_event()
    assert first["problems"] == []
    problem = Diagnostic("content/personas/x.yaml", 2, 3, "error", "yaml-syntax", "bad")
    server.state.failed([problem])
    broken = next_event()
    assert broken["generation"] == first["generation"]
    assert broken["problems"][0]["text"] == "content/personas/x.yaml:2:3: error: bad"
    server.state.published()
    fixed = next_event()
    assert fixed["problems"] == [] and fixed["generation"] != first["generation"]
    connection.close()


def test_shutdown_ends_open_event_streams(tmp_path: Path) -> None:
    server = DevServer("127.0.0.1", 0, tmp_path, SiteState())
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    connection.request("GET", "/__gtm__/events")
    response = connection.getresponse()
    response.fp.readline()
    server.shutdown()
    server.server_close()
    assert response.read() is not None


def test_before_a_first_good_build_every_url_shows_the_problems(tmp_path: Path) -> None:
    """What is in the folder is not this session's build: nothing of it is served, and the
    problems (escaped: they quote the content) stand in for every page."""
    (tmp_path / "index.html").write_text("<html><body>an old build</body></html>")
    state = SiteState()
    state.failed([Diagnostic("content/x.yaml", 1, 2, "error", "yaml-syntax", "bad <script>")])
    server = DevServer("127.0.0.1", 0, tmp_path, state)
    with serving(server):
        for path in ("/", "/index.html", "/x/y/", "/static/style.css"):
            status, _, body = get(server, path)
            assert status == 503, path
            assert b"an old build" not in body
            assert b"content/x.yaml:1:2: error: bad &lt;script&gt;" in body
            assert b"<script>" not in body.replace(b'<script src="/__gtm__/client.js"', b"")
        assert get(server, CLIENT_PATH)[0] == 200
        state.published()
        assert get(server, "/")[0] == 200


# Links inside the output folder, bad bytes, idle sockets, HEAD and the host (issue 16) ------


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[DevServer]:
    """An output folder whose links all lead to a secret: a folder's index.html, the 404 page,
    a folder linked inside the output folder, and one linked outside it."""
    root, outside = tmp_path / "output", tmp_path / "outside"
    (root / "personas" / "dana").mkdir(parents=True)
    (root / "leak").mkdir()
    outside.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    (root / "index.html").write_text("<html><body>Home</body></html>")
    (root / "personas" / "dana" / "index.html").write_text("<html><body>Dana</body></html>")
    (outside / "index.html").write_text("top secret")
    os.symlink(secret, root / "leak" / "index.html")
    os.symlink(secret, root / "404.html")
    os.symlink(root / "personas", root / "alias")
    os.symlink(outside, root / "outside")
    state = SiteState()
    state.published()
    server = DevServer("127.0.0.1", 0, root, state)
    with serving(server):
        yield server


@pytest.mark.parametrize(
    "path",
    ["/leak/", "/leak/index.html", "/alias/dana/", "/alias/dana/index.html", "/outside/",
     "/outside/index.html", "/no-such-page"],
)  # fmt: skip
def test_only_regular_files_reached_without_a_link_are_served(linked: DevServer, path: str) -> None:
    status, _, body = get(linked, path)
    assert status == 404
    assert b"top secret" not in body and b"Dana" not in body
    assert get(linked, "/personas/dana/")[0] == 200


@pytest.mark.parametrize("path", ["/%ff", "/%c3%28/index.html", "/personas/%ff/"])
def test_a_path_that_is_not_utf8_is_not_found(
    served: tuple[DevServer, Path], path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, body = get(served[0], path)
    assert status == 404 and b"Not here" in body
    assert get(served[0], "/")[0] == 200
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err + printed.out


def read_until_closed(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes; the socket's timeout bounds each wait."""
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    return received


def test_head_on_the_event_stream_answers_headers_and_closes(
    served: tuple[DevServer, Path],
) -> None:
    with socket.create_connection(("127.0.0.1", served[0].server_address[1]), timeout=5) as raw:
        raw.sendall(b"HEAD /__gtm__/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = read_until_closed(raw)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert b"Content-Type: text/event-stream" in head
    assert body == b""


def test_idle_connections_time_out_by_default() -> None:
    assert Handler.timeout is not None and 0 < Handler.timeout <= 60


def test_an_idle_connection_is_closed_by_the_server(
    served: tuple[DevServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Handler, "timeout", 0.3)
    port = served[0].server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as idle:
        assert idle.recv(4096) == b"", "closed by the server, not by the 5 s of the client"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as kept_alive:
        kept_alive.sendall(b"GET /search-index.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = read_until_closed(kept_alive)  # one answer, then closed for idling
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"[]")


def test_many_idle_sockets_do_not_stop_the_server(
    served: tuple[DevServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Handler, "timeout", 1.0)
    port = served[0].server_address[1]
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(50)]
    try:
        assert get(served[0], "/")[0] == 200
        assert all(connection.recv(1) == b"" for connection in idle), "all closed for idling"
        assert get(served[0], "/personas/dana/")[0] == 200
    finally:
        for connection in idle:
            connection.close()


def test_the_event_stream_outlives_the_idle_timeout(
    served: tuple[DevServer, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeout is for a socket that sends no request; an open stream waits for changes
    and writes a heartbeat, and is never cut by it."""
    monkeypatch.setattr(Handler, "timeout", 0.3)
    monkeypatch.setattr(gtm.dev.server, "HEARTBEAT", 0.1)
    server = served[0]
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    connection.request("GET", "/__gtm__/events")
    response = connection.getresponse()
    heartbeats = 0
    while heartbeats < 10:  # a second of heartbeats: over three idle timeouts
        line = response.fp.readline()
        assert line, "the stream was closed"
        heartbeats += line.startswith(b": still here")
    server.state.published()
    while not (line := response.fp.readline()).startswith(b"data: "):
        assert line, "the stream was closed"
    assert json.loads(line[6:])["generation"] == server.state.generation
    connection.close()


@pytest.mark.parametrize(
    "host", ["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "portal.example.com", "[::]"]
)
def test_the_dev_server_refuses_an_address_the_network_can_reach(tmp_path: Path, host: str) -> None:
    with pytest.raises(UsageError, match="gtm serve only listens on this computer") as refused:
        DevServer(host, 0, tmp_path, SiteState())
    assert "run gtm build and publish the output folder" in refused.value.message


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.0.0.2", "::1", "[::1]"])
def test_loopback_addresses_are_accepted(host: str) -> None:
    check_host(host)


def test_the_dev_server_listens_on_ipv6_loopback(tmp_path: Path) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    (tmp_path / "index.html").write_text("<html><body>Home</body></html>")
    state = SiteState()
    state.published()
    server = DevServer("::1", 0, tmp_path, state)
    with serving(server):
        connection = http.client.HTTPConnection("::1", server.server_address[1], timeout=5)
        connection.request("GET", "/")
        response = connection.getresponse()
        assert response.status == 200 and b"Home" in response.read()
        connection.close()
