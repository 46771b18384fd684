"""`gtm serve` for real: a server on a free port, edits on disk, pages fetched over HTTP, a
browser that reloads by itself, and Ctrl-C."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gtm.cli import main
from gtm.content.project import Audience, open_project
from gtm.dev.session import DevSession, Flags
from gtm.diagnostics import Diagnostic
from tests.conftest import ROOT, MakeProject, chromium, copy_example

PRODUCT = "content/products/relay.yaml"


class Running:
    """A DevSession serving in a thread, and what it reported."""

    def __init__(self, root: Path, pdf: bool = False, audience: Audience | None = None) -> None:
        self.root = root
        self.reports: list[tuple[list[Diagnostic], str]] = []
        flags = Flags(audience=audience, drafts=False, strict=False, pdf=pdf, jobs=1)
        self.session = DevSession(
            open_project(root), flags, "127.0.0.1", 0, lambda d, s: self.reports.append((d, s))
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.session.serve, kwargs={"stop": self.stop})
        self.thread.start()
        wait_for(lambda: self.session.state.builds >= 1 or bool(self.session.state.problems))

    @property
    def port(self) -> int:
        return int(self.session.server.server_address[1])

    def get(self, path: str) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, body

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


@pytest.fixture
def running(make_project: MakeProject) -> Iterator[Running]:
    served = Running(make_project({}))
    yield served
    served.close()


def test_an_edit_reaches_the_served_page(running: Running) -> None:
    page = running.get("/products/relay/index.html")[1]
    assert "Acme Relay" in page
    assert f"Source: <code>{PRODUCT}</code>" in page, "while serving, pages name their file"
    (running.root / PRODUCT).write_text("name: Acme Beacon\nstage: growth\n")
    wait_for(lambda: "Acme Beacon" in running.get("/products/relay/index.html")[1])
    assert running.session.state.builds >= 2


def commit_all(root: Path, subject: str = "Import") -> None:
    """Everything in the project committed (the project made a repository the first time)."""
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    first = [["init", "-q"]] if not (root / ".git").exists() else []
    for args in [*first, ["add", "-A"], ["commit", "-q", "-m", subject]]:
        command = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args]
        subprocess.run(command, cwd=root, env=environment, capture_output=True, check=True)


def test_serve_marks_the_pages_of_files_git_has_not_committed(
    make_project: MakeProject,
) -> None:
    """The page's history comes from commits only: an edit saved but not committed says so on
    its page while serving, and a file not in git yet too, until a commit (with no save after
    it) takes the marks away; a built portal never shows them."""
    root = make_project({})
    commit_all(root)
    served = Running(root)
    try:
        page = served.get("/products/relay/index.html")[1]
        assert "badge--uncommitted" not in page
        (root / PRODUCT).write_text("name: Acme Beacon\nstage: growth\n")
        wait_for(lambda: "Acme Beacon" in served.get("/products/relay/index.html")[1])
        page = served.get("/products/relay/index.html")[1]
        assert '<span class="badge badge--uncommitted"' in page and "Edits not committed" in page
        new = "name: Acme Pager\nstage: introduction\ncategory: paging\n"
        (root / "content/products/pager.yaml").write_text(new)
        wait_for(lambda: served.get("/products/pager/index.html")[0] == 200)
        assert "Not in git yet" in served.get("/products/pager/index.html")[1]
        commit_all(root, "Beacon and Pager")

        def committed(path: str) -> bool:
            page = served.get(path)[1]
            return "badge--uncommitted" not in page and "Beacon and Pager" in page

        wait_for(lambda: committed("/products/relay/index.html"))
        wait_for(lambda: committed("/products/pager/index.html"))
    finally:
        served.close()
    result = CliRunner().invoke(main, ["build", "--no-pdf", "--quiet", "--project", str(root)])
    assert result.exit_code == 0, result.output
    built = (root / "output/products/relay/index.html").read_text(encoding="utf-8")
    assert "Acme Beacon" in built and "badge--uncommitted" not in built


def test_a_broken_edit_keeps_the_last_good_page_and_the_fix_clears_it(running: Running) -> None:
    product = running.root / PRODUCT
    product.write_text("name: [Acme\nstage: growth\n")
    wait_for(lambda: bool(running.session.state.problems))
    [problem] = running.session.state.problems
    assert problem["path"] == PRODUCT and problem["code"] == "yaml-syntax"
    status, page = running.get("/products/relay/index.html")
    assert status == 200 and "Acme Relay" in page
    builds = running.session.state.builds
    product.write_text("name: Acme Fixed\nstage: growth\n")
    wait_for(lambda: running.session.state.builds > builds)
    assert running.session.state.problems == []
    assert "Acme Fixed" in running.get("/products/relay/index.html")[1]


def test_a_first_build_that_fails_shows_its_problems_at_every_url(
    make_project: MakeProject,
) -> None:
    """No portal has been built in this session yet: every URL says so and shows the problems
    (an old output folder is not passed off as the last good build), the terminal says the
    same, and the first good save brings the portal."""
    root = make_project({PRODUCT: "name: An Old Build\nstage: growth\n"})
    built = CliRunner().invoke(main, ["build", "--no-pdf", "--project", str(root)])
    assert built.exit_code == 0, built.output
    (root / PRODUCT).write_text("name: [Acme\nstage: growth\n")
    served = Running(root)
    try:
        assert served.session.state.builds == 0
        for path in ("/", "/products/relay/index.html", "/no/such/page", "/static/style.css"):
            status, page = served.get(path)
            assert status == 503, path
            assert "The portal could not be built yet" in page
            assert "An Old Build" not in page
            assert "/__gtm__/client.js" in page
        assert f"{PRODUCT}:1:" in served.get("/")[1]  # listed for a browser without script
        [(problems, note)] = served.reports
        assert [p.code for p in problems] == ["yaml-syntax"]
        assert "no portal yet" in note and "last good build" not in note
        assert served.session.state.snapshot()["live"] is False

        (root / PRODUCT).write_text("name: Acme Relay\nstage: growth\n")
        wait_for(lambda: served.session.state.builds >= 1)
        status, page = served.get("/products/relay/index.html")
        assert status == 200 and "Acme Relay" in page
        assert served.session.state.snapshot()["live"] is True
    finally:
        served.close()


def test_the_server_survives_deletions_renames_and_theme_errors(running: Running) -> None:
    root = running.root
    (root / "themes" / "default" / "templates").mkdir(parents=True)
    (root / "themes" / "default" / "templates" / "product.html").write_text("{% if %}")
    wait_for(lambda: any(p["code"] == "template" for p in running.session.state.problems))
    (root / "themes" / "default" / "templates" / "product.html").unlink()
    wait_for(lambda: not running.session.state.problems)
    os.rename(root / "content" / "products", root / "content" / "product")
    wait_for(lambda: running.get("/products/relay/index.html")[0] == 404)
    wait_for(
        lambda: any(
            "did you mean 'products'" in d.message for report, _ in running.reports for d in report
        )
    )
    (root / "gtm.toml").write_text("[site\n")
    wait_for(lambda: any(p["path"] == "gtm.toml" for p in running.session.state.problems))
    assert running.get("/")[0] == 200
    (root / "gtm.toml").write_text("")
    os.rename(root / "content" / "product", root / "content" / "products")
    wait_for(lambda: not running.session.state.problems)
    assert running.get("/products/relay/index.html")[0] == 200


def test_ctrl_c_stops_the_server_within_a_second(make_project: MakeProject) -> None:
    root = make_project({})
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gtm", "serve", "--port", "0", "--no-pdf", "--project", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("serving output/ on http://127.0.0.1:")
        port = int(first.rsplit(":", 1)[1].strip().rstrip("/"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/__gtm__/events")
        events = connection.getresponse()
        assert events.status == 200
        wait_for(lambda: (root / "output" / "index.html").is_file())
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        process.wait(timeout=5)
        assert time.monotonic() - started < 1.0
        assert process.returncode == 0
    finally:
        process.kill()


def test_ctrl_c_during_the_first_build_stops_at_once(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C can land before the server loop has started; closing must not wait for it."""
    root = make_project({})
    flags = Flags(audience=None, drafts=False, strict=False, pdf=False, jobs=1)
    session = DevSession(open_project(root), flags, "127.0.0.1", 0, lambda d, s: None)

    def interrupted() -> bool:
        raise KeyboardInterrupt

    monkeypatch.setattr(session, "rebuild", interrupted)
    stopped: list[BaseException] = []

    def serve() -> None:
        try:
            session.serve()
        except KeyboardInterrupt as exc:
            stopped.append(exc)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive(), "serve hung on Ctrl-C during the first build"
    assert len(stopped) == 1


def serve_at_once(*args: str) -> subprocess.CompletedProcess[str]:
    """`gtm serve` in a process of its own, for the refusals that end it before it serves."""
    return subprocess.run(
        [sys.executable, "-m", "gtm", "serve", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
        timeout=30,
        check=False,
    )


def test_a_busy_port_is_a_usage_error(running: Running) -> None:
    result = serve_at_once("--port", str(running.port), "--project", str(running.root))
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{running.port}" in result.stderr


def test_the_browser_updates_in_place_and_shows_problems(running: Running) -> None:
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{running.port}/products/relay/index.html")
        page.wait_for_function("document.querySelector('h1') !== null")
        page.evaluate("window.__same_document = true")
        page.wait_for_timeout(200)

        (running.root / PRODUCT).write_text("name: Acme Updated\nstage: growth\n")
        page.wait_for_function("document.querySelector('h1').textContent.includes('Updated')")
        assert page.evaluate("window.__same_document === true"), "updated without a reload"
        assert "Acme Updated" in page.title()

        (running.root / PRODUCT).write_text("name: [broken\nstage: growth\n")
        overlay = page.locator("gtm-problems")
        overlay.wait_for(state="attached", timeout=10_000)
        text = page.evaluate("document.querySelector('gtm-problems').shadowRoot.textContent")
        assert f"{PRODUCT}:" in text and "error:" in text
        assert "Acme Updated" in page.locator("h1").inner_text()

        (running.root / PRODUCT).write_text("name: Acme Mended\nstage: growth\n")
        page.wait_for_function(
            "document.querySelector('h1') && document.querySelector('h1').textContent"
            ".includes('Mended')",
            timeout=10_000,
        )
        assert page.locator("gtm-problems").count() == 0
        browser.close()


def test_an_update_in_place_takes_the_whole_new_head(make_project: MakeProject) -> None:
    """A public build's head names the page many times (title, Open Graph and Twitter cards):
    after an update in place it holds exactly what a reload gives."""
    public = "name: Acme Relay\nstage: growth\nvisibility: public\n"
    served = Running(make_project({PRODUCT: public}), audience="public")
    head = "Array.from(document.head.children, e => e.outerHTML).sort().join('\\n')"
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{served.port}/products/relay/")
            page.evaluate("window.__same_document = true")
            (served.root / PRODUCT).write_text(public.replace("Relay", "Renamed"))
            page.wait_for_function("document.querySelector('h1').textContent.includes('Renamed')")
            assert page.evaluate("window.__same_document === true")
            morphed = page.evaluate(head)
            page.reload()
            page.wait_for_function("document.querySelector('h1') !== null")
            assert morphed == page.evaluate(head)
            assert morphed.count("Acme Renamed") >= 3 and "Acme Relay" not in morphed
    finally:
        served.close()


def test_an_update_in_place_keeps_the_scroll_and_runs_the_page_scripts_once(
    tmp_path: Path,
) -> None:
    """The example's longest page, scrolled down: after a save its new text is in place, the
    scroll position is where the reader left it, and copy.js made one button per section."""
    served = Running(copy_example(tmp_path / "example"))
    card = served.root / "content" / "competitors" / "pagestorm.md"
    try:
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 700})
            page.goto(f"http://127.0.0.1:{served.port}/competitors/pagestorm/")
            page.wait_for_function("document.querySelectorAll('.copy-button').length > 3")
            buttons = page.locator(".copy-button").count()
            page.evaluate("window.scrollTo(0, 900); window.__same_document = true")
            page.wait_for_timeout(200)
            text = card.read_text(encoding="utf-8")
            card.write_text(text.replace("name: PageStorm", "name: PageStorm Cloud", 1))
            page.wait_for_function("document.querySelector('h1').textContent.includes('Cloud')")
            page.wait_for_timeout(300)  # the page's scripts have run again
            assert page.evaluate("window.__same_document === true")
            assert page.evaluate("window.scrollY") == 900
            assert page.locator(".copy-button").count() == buttons
            assert page.locator("main [role=status]").count() == 1
    finally:
        served.close()


def test_a_stylesheet_change_swaps_the_stylesheet_and_a_new_page_loads(
    make_project: MakeProject,
) -> None:
    root = make_project({"themes/default/static/style.css": "h1 { color: rgb(1, 2, 3); }"})
    served = Running(root)
    color = "getComputedStyle(document.querySelector('h1')).color"
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{served.port}/products/relay/")
            assert page.evaluate(color) == "rgb(1, 2, 3)"
            page.evaluate("window.__same_document = true")
            (root / "themes/default/static/style.css").write_text("h1 { color: rgb(4, 5, 6); }")
            page.wait_for_function(f"{color} === 'rgb(4, 5, 6)'", timeout=10_000)
            assert page.evaluate("window.__same_document === true")
            assert page.locator("link[rel=stylesheet]").count() == 1

            missing = browser.new_page()
            missing.goto(f"http://127.0.0.1:{served.port}/products/beacon/")
            assert "Acme Beacon" not in missing.content()
            (root / "content/products/beacon.yaml").write_text("name: Acme Beacon\nstage: growth\n")
            missing.wait_for_function(
                "document.querySelector('h1') && document.querySelector('h1').textContent"
                ".includes('Acme Beacon')",
                timeout=10_000,
            )
    finally:
        served.close()


def test_the_browser_shows_a_failed_first_build_and_turns_into_the_portal(
    make_project: MakeProject,
) -> None:
    root = make_project({PRODUCT: "name: [Acme\nstage: growth\n"})
    served = Running(root)
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{served.port}/products/relay/index.html")
            page.locator("gtm-problems").wait_for(state="attached", timeout=10_000)
            text = page.evaluate("document.querySelector('gtm-problems').shadowRoot.textContent")
            assert "The portal could not be built: 1 problem" in text
            assert f"{PRODUCT}:1:7: error:" in text
            assert "last good build" not in text

            (root / PRODUCT).write_text("name: Acme Arrived\nstage: growth\n")
            page.wait_for_function(
                "document.querySelector('h1') && document.querySelector('h1').textContent"
                ".includes('Acme Arrived')",
                timeout=10_000,
            )
            assert page.locator("gtm-problems").count() == 0
    finally:
        served.close()


def test_built_files_never_carry_the_reload_client(running: Running) -> None:
    for page in (running.root / "output").rglob("*.html"):
        assert "__gtm__" not in page.read_text()
    assert json.loads((running.root / "output" / "search-index.json").read_text())


def test_a_bug_in_a_rebuild_does_not_stop_the_server(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gtm.dev.session

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(gtm.dev.session, "build_site", broken)
    (running.root / PRODUCT).write_text("name: Acme Boom\nstage: growth\n")
    wait_for(lambda: any(p["code"] == "internal" for p in running.session.state.problems))
    assert "RuntimeError: boom" in running.session.state.problems[0]["message"]
    assert running.get("/products/relay/index.html")[0] == 200
    monkeypatch.undo()
    (running.root / PRODUCT).write_text("name: Acme Calm\nstage: growth\n")
    wait_for(lambda: "Acme Calm" in running.get("/products/relay/index.html")[1])


def test_pdfs_follow_the_pages_in_the_background(make_project: MakeProject) -> None:
    persona = "name: Dana\nrole: Head of Platform\nbuying_role: champion\ngoals: [g]\npains: [p]\n"
    served = Running(make_project({"content/personas/dana.yaml": persona}), pdf=True)
    try:
        pdf = served.root / "output" / "pdf" / "personas" / "dana.pdf"
        wait_for(pdf.is_file, timeout=60)
        before = pdf.read_bytes()
        page = "/personas/dana/index.html"
        assert 'href="../../pdf/personas/dana.pdf"' in served.get(page)[1]
        (served.root / "content/personas/dana.yaml").write_text(persona.replace("Dana", "Dora"))
        wait_for(lambda: "Dora" in served.get(page)[1])
        wait_for(lambda: pdf.read_bytes() != before, timeout=60)
        assert served.get("/pdf/personas/dana.pdf")[0] == 200
        assert any(summary.startswith("; PDFs: ") for _, summary in served.reports)
        # Each report is one line: the summary, then what follows it after "; ".
        assert all(note.startswith("; ") for _, note in served.reports)
    finally:
        served.close()


def test_serve_never_writes_through_a_linked_folder_in_the_output(running: Running) -> None:
    """`output/products` made a link to a folder elsewhere: a save writes nothing there, and
    the terminal and every open page say why."""
    output, elsewhere = running.root / "output", running.root.parent / "elsewhere"
    (output / "products").rename(elsewhere)
    (output / "products").symlink_to(elsewhere)
    before = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    (running.root / PRODUCT).write_text("name: Acme Beacon\nstage: growth\n")
    wait_for(lambda: bool(running.session.state.problems))
    [problem] = running.session.state.problems
    assert "output/products is a symbolic link" in problem["message"]
    assert any("output/products is a symbolic link" in note for _, note in running.reports)
    assert {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before
    assert running.get("/products/relay/index.html")[0] == 404, "nothing served through it"
    (output / "products").unlink()
    (running.root / PRODUCT).write_text("name: Acme Mended\nstage: growth\n")
    wait_for(lambda: "Acme Mended" in running.get("/products/relay/index.html")[1])


def test_serve_waits_for_a_build_that_is_publishing(
    running: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    from gtm.publish.lock import output_lock

    printed = ""
    with output_lock(running.root / "output"):
        (running.root / PRODUCT).write_text("name: Acme Patient\nstage: growth\n")
        for _ in range(1500):
            printed += capsys.readouterr().err
            if "waiting for another gtm build" in printed:
                break
            time.sleep(0.02)
        assert f"gtm: waiting for another gtm build of output/ (pid {os.getpid()})" in printed
        assert "Acme Patient" not in (running.root / "output/products/relay/index.html").read_text()
    wait_for(lambda: "Acme Patient" in running.get("/products/relay/index.html")[1])


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20"])
def test_serving_to_the_network_is_refused_with_the_way_to_share(
    make_project: MakeProject, host: str
) -> None:
    root = make_project({})
    result = serve_at_once("--host", host, "--port", "0", "--no-pdf", "--project", str(root))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"gtm: --host {host} would let everyone on the network")
    assert "gtm serve only listens on this computer" in result.stderr
    assert "run gtm build and publish the output folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "output").exists()
