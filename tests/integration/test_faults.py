"""Faults, for real: builds killed at random moments, a read-only or full disk while
publishing, a dev server facing clients that vanish, dawdle or crowd in, and two builds of one
output folder at once. Every test is bounded in time; the whole file runs in about a minute."""

from __future__ import annotations

import errno
import hashlib
import http.client
import os
import pathlib
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import gtm.publish.output
from gtm.dev.server import CLIENT_PATH, EVENTS_PATH, DevServer, SiteState
from tests.conftest import EXAMPLE_EPOCH, ROOT, MakeProject, RunGtm, serving

Tree = dict[str, str]
"""Every file of a folder: relative path → sha256 of its bytes."""


def tree(folder: Path) -> Tree:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() or path.is_symlink()
    }


def leftovers(output_dir: Path) -> list[str]:
    """Staging (or set-aside) folders gtm made beside the output folder."""
    return sorted(p.name for p in output_dir.parent.glob(f".{output_dir.name}.*"))


def set_title(root: Path, title: str) -> None:
    """The site title is on every page, so two titles give two sites that differ everywhere."""
    config = root / "gtm.toml"
    text = config.read_text(encoding="utf-8")
    lines = [
        f'title = "{title}"' if line.startswith("title = ") else line for line in text.split("\n")
    ]
    config.write_text("\n".join(lines), encoding="utf-8")


# 1. A build killed at any moment ----------------------------------------------------------


def build_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "gtm", "build", "--no-pdf", "--quiet", "--project", str(root)]


def build_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": EXAMPLE_EPOCH}


def full_build(root: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        build_command(root), env=build_env(), capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return time.perf_counter() - started


def test_a_killed_build_leaves_the_old_site_or_the_new_one(
    example_project: Path, run_gtm: RunGtm
) -> None:
    root = example_project
    output = root / "output"
    titles = ("Acme GTM Portal", "Acme GTM Portal, rebuilt")
    set_title(root, titles[0])
    duration = full_build(root)
    sites = [tree(output)]
    set_title(root, titles[1])
    duration = max(duration, full_build(root))
    sites.append(tree(output))
    assert sites[0] != sites[1]
    assert set(sites[0]) == set(sites[1])
    assert all(sites[0][name] != sites[1][name] for name in sites[0] if name.endswith(".html"))

    runs = 10
    rng = random.Random(20261123)
    current = 1
    outcomes: list[tuple[float, str]] = []
    for run in range(runs):
        # Spread the kills over the whole build, from interpreter start to just past the end.
        delay = duration * 1.1 * (run + rng.random()) / runs
        target = 1 - current
        set_title(root, titles[target])
        process = subprocess.Popen(
            build_command(root),
            env=build_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

        after = tree(output)
        if after == sites[current]:
            outcomes.append((delay, "old"))
        elif after == sites[target]:
            outcomes.append((delay, "new"))
        else:
            names = set(after) | set(sites[current]) | set(sites[target])
            like_old = sorted(n for n in names if after.get(n) == sites[current].get(n))
            like_new = sorted(n for n in names if after.get(n) == sites[target].get(n))
            neither = sorted(names - set(like_old) - set(like_new))
            mixed = f"{len(like_old)} old, {len(like_new)} new, neither: {neither[:10]}"
            pytest.fail(f"killed after {delay:.3f} s: output/ mixes the sites: {mixed}")

        # Whatever the kill left beside output/ must not stop the next build.
        result = run_gtm("build", "--no-pdf", "--quiet", project=root)
        assert result.exit_code == 0, result.output
        assert tree(output) == sites[target], f"the build after a kill at {delay:.3f} s"
        assert leftovers(output) == []
        current = target

    assert len(outcomes) == runs


# 2. A read-only or full disk while publishing ---------------------------------------------


def _raise(code: int) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


def swap_fails(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(gtm.publish.output, "_swap", _raise(errno.EROFS))
    return errno.EROFS


def rename_fails(call: int) -> Callable[[pytest.MonkeyPatch], int]:
    """No renameat2 (as on macOS), and the `call`-th of the two renames fails."""

    def arrange(monkeypatch: pytest.MonkeyPatch) -> int:
        real = os.rename
        calls = [0]

        def rename(src: object, dst: object, *args: object, **kwargs: object) -> None:
            calls[0] += 1
            if calls[0] == call:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(src), None, str(dst))
            real(src, dst, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(gtm.publish.output, "_exchange", lambda a, b: False)
        monkeypatch.setattr(os, "rename", rename)
        return errno.EROFS

    return arrange


def disk_fills(monkeypatch: pytest.MonkeyPatch) -> int:
    """The third file written into the staging folder gets half its bytes, then ENOSPC."""
    real = pathlib.Path.write_bytes
    calls = [0]

    def write_bytes(self: Path, data: bytes) -> int:  # type: ignore[override]
        if any(part.startswith(".output.staging-") for part in self.parts):
            calls[0] += 1
            if calls[0] == 3:
                real(self, bytes(data)[: len(data) // 2])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
    return errno.ENOSPC


@pytest.mark.parametrize(
    "arrange",
    [swap_fails, rename_fails(1), rename_fails(2), disk_fills],
    ids=["swap-erofs", "rename-aside-erofs", "rename-into-place-erofs", "write-enospc"],
)
def test_a_failed_publish_says_why_and_keeps_the_old_site(
    make_project: MakeProject,
    run_gtm: RunGtm,
    monkeypatch: pytest.MonkeyPatch,
    arrange: Callable[[pytest.MonkeyPatch], int],
) -> None:
    root = make_project({"content/pages/about.md": "---\ntitle: About\n---\nAbout us.\n"})
    output = root / "output"
    first = run_gtm("build", "--no-pdf", project=root)
    assert first.exit_code == 0, first.output
    (output / "CNAME").write_text("portal.example.com\n")  # somebody else's file
    old = tree(output)
    assert len(old) >= 4
    set_title(root, "Test, rebuilt")

    code = arrange(monkeypatch)
    escaped: BaseException | None = None
    result = None
    try:
        result = run_gtm("build", "--no-pdf", project=root)
    except OSError as exc:  # run_gtm does not catch: this is what the user sees as a traceback
        escaped = exc
    monkeypatch.undo()

    assert output.is_dir(), f"output/ is gone; beside it: {leftovers(output)}"
    assert tree(output) == old, "the old output was changed"
    assert leftovers(output) == [], "a staging folder was left behind"
    assert escaped is None, f"gtm build let {escaped!r} escape: the user gets a traceback"
    assert result is not None
    assert result.exit_code not in (0, None)
    assert "Traceback" not in result.output
    messages = [line for line in result.output.splitlines() if line.startswith("gtm:")]
    assert len(messages) == 1, result.output
    assert os.strerror(code) in messages[0]


# 3. The dev server under rude clients -----------------------------------------------------

BIG = 16 * 1024 * 1024
SMALL = 40


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[DevServer, dict[str, bytes]]]:
    """A DevServer in a thread over a folder of a big file, a page and many small files;
    yields the server and {url path: expected body} of the files that are not pages."""
    root = tmp_path / "output"
    root.mkdir()
    rng = random.Random(7)
    files = {"/big.bin": rng.randbytes(BIG), "/mid.bin": rng.randbytes(512 * 1024)}
    files |= {f"/small/{i}.txt": f"file {i}\n".encode() * (i + 1) for i in range(SMALL)}
    for url, data in files.items():
        path = root / url.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
    state = SiteState()
    state.published()
    server = DevServer("127.0.0.1", 0, root, state)
    with serving(server):
        yield server, files


def port(server: DevServer) -> int:
    return int(server.server_address[1])


def get(server: DevServer, path: str, timeout: float = 5) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port(server), timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def connect(server: DevServer, timeout: float = 5) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port(server)), timeout=timeout)


def request_bytes(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def test_clients_that_hang_up_mid_response_do_not_hurt_the_server(
    site: tuple[DevServer, dict[str, bytes]],
) -> None:
    server, files = site
    for attempt in range(12):
        client = connect(server)
        if attempt % 2:  # half of them reset the connection instead of closing it politely
            client.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        client.sendall(request_bytes("/big.bin"))
        assert client.recv(64).startswith(b"HTTP/1.1 200")
        client.close()
    started = time.perf_counter()
    assert get(server, "/small/3.txt") == (200, files["/small/3.txt"])
    assert get(server, "/big.bin", timeout=10) == (200, files["/big.bin"])
    assert time.perf_counter() - started < 5


def test_a_client_hanging_up_prints_no_traceback(
    site: tuple[DevServer, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    """The terminal of `gtm serve` is for diagnostics (Handler.log_message): a browser that
    cancels a download is no error of the site and must not print a traceback there."""
    server, files = site
    for _ in range(3):
        client = connect(server)
        client.sendall(request_bytes("/big.bin"))
        assert client.recv(64).startswith(b"HTTP/1.1 200")
        client.close()
    assert get(server, "/small/1.txt") == (200, files["/small/1.txt"])
    time.sleep(0.2)  # let the handler threads notice the closed sockets
    printed = capsys.readouterr()
    assert "Traceback" not in printed.err + printed.out, printed.err[-1500:]


def test_a_slow_client_does_not_hold_up_the_others(
    site: tuple[DevServer, dict[str, bytes]],
) -> None:
    server, files = site
    slow = connect(server, timeout=10)
    request = request_bytes("/small/7.txt")
    latencies: list[float] = []

    def dawdle() -> None:
        for byte in request:
            slow.sendall(bytes([byte]))
            time.sleep(0.03)

    sender = threading.Thread(target=dawdle)
    sender.start()
    index = 0
    while sender.is_alive():
        path = f"/small/{index % SMALL}.txt"
        started = time.perf_counter()
        assert get(server, path, timeout=2) == (200, files[path])
        latencies.append(time.perf_counter() - started)
        index += 1
        time.sleep(0.02)
    sender.join()
    response = http.client.HTTPResponse(slow)
    response.begin()
    assert (response.status, response.read()) == (200, files["/small/7.txt"])
    slow.close()
    assert len(latencies) >= 10
    assert max(latencies) < 0.5, f"served while a client dawdled, slowest {max(latencies):.3f} s"


def test_two_hundred_concurrent_requests_all_succeed(
    site: tuple[DevServer, dict[str, bytes]],
) -> None:
    server, files = site
    paths = [f"/small/{i % SMALL}.txt" for i in range(180)] + ["/mid.bin"] * 15 + ["/"] * 5

    def fetch(path: str) -> tuple[str, int, bytes]:
        status, body = get(server, path, timeout=10)
        return path, status, body

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(fetch, paths))
    elapsed = time.perf_counter() - started

    assert len(results) == 200
    for path, status, body in results:
        assert status == 200, path
        if path == "/":
            assert body.startswith(b"<html><body><h1>Home</h1>")
            assert f'<script src="{CLIENT_PATH}"'.encode() in body
        else:
            assert body == files[path], path
    assert elapsed < 10, f"200 requests took {elapsed:.2f} s"


def test_open_event_streams_all_close_when_the_server_stops(
    site: tuple[DevServer, dict[str, bytes]],
) -> None:
    server, _ = site
    streams = [connect(server) for _ in range(20)]
    for stream in streams:
        stream.sendall(request_bytes(EVENTS_PATH))
    for stream in streams:
        received = b""
        while b"\n\n" not in received.partition(b"data: ")[2]:
            chunk = stream.recv(4096)
            assert chunk, "an event stream closed before its first event"
            received += chunk
        assert received.startswith(b"HTTP/1.1 200")
        assert b"Content-Type: text/event-stream" in received

    started = time.perf_counter()
    stopper = threading.Thread(target=server.shutdown)
    stopper.start()
    deadline = started + 2
    still_open = []
    for stream in streams:
        stream.settimeout(max(deadline - time.perf_counter(), 0.01))
        try:
            while stream.recv(4096):
                pass
        except TimeoutError:
            still_open.append(stream)
        finally:
            stream.close()
    stopper.join(timeout=max(deadline - time.perf_counter(), 0.01))
    assert not stopper.is_alive(), "shutdown() did not return within 2 s"
    assert still_open == [], f"{len(still_open)} of 20 event streams still open after 2 s"
    assert time.perf_counter() - started < 2


# 4. Two builds of one output folder at once -----------------------------------------------


def start_build(root: Path, *flags: str) -> subprocess.Popen[str]:
    command = [*build_command(root)[:-3], *flags, "--project", str(root)]
    return subprocess.Popen(
        command, env=build_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_two_builds_at_once_both_succeed_and_leave_one_whole_site(example_project: Path) -> None:
    """Each build stages in a folder of its own and publishes under the output folder's lock:
    both succeed, and what is left is one whole site, the same as a single build's."""
    root = example_project
    output = root / "output"
    bulk = root / "content" / "assets" / "bulk"
    bulk.mkdir(parents=True)
    for index in range(1500):  # publishing becomes much of a build: the two overlap there
        (bulk / f"{index}.txt").write_text(f"file {index}\n")
    full_build(root)
    single = tree(output)
    for round in range(5):
        builds = [start_build(root, "--no-pdf", "--quiet") for _ in range(2)]
        for build in builds:
            out, err = build.communicate(timeout=120)
            assert build.returncode == 0, f"round {round}: {out}{err}"
            assert "Traceback" not in out + err
        assert tree(output) == single, f"round {round}: output/ is not one whole site"
        assert leftovers(output) == [], f"round {round}"
    full_build(root)
    assert tree(output) == single
    assert leftovers(output) == []


def test_a_build_waits_while_another_publishes_and_says_so(example_project: Path) -> None:
    from gtm.publish.lock import output_lock

    root = example_project
    output = root / "output"
    full_build(root)
    single = tree(output)
    with output_lock(output):
        build = start_build(root, "--no-pdf")
        try:
            assert build.stderr is not None
            line = build.stderr.readline()
            expected = (
                f"gtm: waiting for another gtm build of output/ (pid {os.getpid()}) to finish"
            )
            assert line.rstrip("\n") == expected
            assert build.poll() is None, "it went on while the output folder was locked"
            assert tree(output) == single
        except BaseException:
            build.kill()
            raise
    out, err = build.communicate(timeout=60)
    assert build.returncode == 0, out + err
    assert "Traceback" not in err
    assert tree(output) == single
    assert leftovers(output) == []


def test_a_build_killed_while_publishing_does_not_stop_the_next(example_project: Path) -> None:
    """A writer killed with SIGKILL holding the lock and a half-written staging folder: the
    kernel lets go of the lock, and the next build removes what the dead one left."""
    root = example_project
    output = root / "output"
    full_build(root)
    single = tree(output)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys, time\n"
            "from pathlib import Path\n"
            "from gtm.publish.lock import output_lock\n"
            "out = Path(sys.argv[1])\n"
            "with output_lock(out):\n"
            "    staging = out.with_name(f'.output.staging-{os.getpid()}-0123abcd')\n"
            "    (staging / 'personas').mkdir(parents=True)\n"
            "    (staging / 'personas' / 'half.html').write_text('half')\n"
            "    print('locked', flush=True)\n"
            "    time.sleep(60)\n",
            str(output),
        ],
        env=build_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "locked\n"
        assert sorted(leftovers(output)) == [
            ".output.lock",
            f".output.staging-{holder.pid}-0123abcd",
        ]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    full_build(root)
    assert tree(output) == single
    assert leftovers(output) == []
