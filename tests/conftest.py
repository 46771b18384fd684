"""Shared fixtures: small real projects in temporary folders, the CLI, and a fixed today."""

from __future__ import annotations

import functools
import os
import shutil
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import BaseServer
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result

from gtm.cli import main

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_TODAY = "2026-11-23"
EXAMPLE_EPOCH = str(int(datetime(2026, 11, 23, 12, tzinfo=UTC).timestamp()))

MINIMAL_FILES = {
    "gtm.toml": '[site]\ntitle = "Test"\n',
    "content/products/relay.yaml": "name: Acme Relay\nstage: growth\ncategory: incident tool\n",
}


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
"""Debian's Chromium, headless as root, with nothing that reaches for the network."""


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium driven by Playwright: skipped without it, a failure in CI."""
    require_program(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def require_program(path: str) -> str:
    """A system program a test needs: skipped where it is missing, but never in CI, where
    `.ci/run` installs it and a missing one is a failure."""
    if shutil.which(path) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI: .ci/run should have installed it")
        pytest.skip(f"{path} is not installed (CI installs it)")
    return path


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs on 2026-11-23 unless it says otherwise, and without colour."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EXAMPLE_EPOCH)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture(scope="session", autouse=True)
def gtm_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """gtm's build cache goes to a temporary folder (GTM_CACHE_DIR, which the gtm processes a
    test starts inherit), never to the machine's ~/.cache. Set for the whole session, so that
    module-scoped fixtures that build are covered too; each test's project is in a folder of its
    own, so its cache is too (`open_project(root).cache_dir`)."""
    folder = tmp_path_factory.mktemp("gtm-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GTM_CACHE_DIR", str(folder))
        yield folder


MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Writes a project from {relative path: text}; text is dedented. gtm.toml is added."""

    def make(files: dict[str, str | bytes], *, minimal: bool = True) -> Path:
        root = tmp_path / "project"
        all_files: dict[str, str | bytes] = {**(MINIMAL_FILES if minimal else {}), **files}
        if "gtm.toml" not in all_files:
            all_files["gtm.toml"] = ""
        for name, content in all_files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        return root

    return make


def copy_example(root: Path) -> Path:
    """The repository's example project (gtm.toml and content/) copied to `root`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "gtm.toml", root / "gtm.toml")
    shutil.copytree(ROOT / "content", root / "content")
    return root


def build_example(root: Path, *flags: str, base_url: str | None = None) -> Result:
    """`gtm build FLAGS` on a copy of the example made at `root` (with another `base_url` when
    given), on the example's date: for module-scoped fixtures, which run before the autouse
    `fixed_today` applies."""
    copy_example(root)
    if base_url is not None:
        config = root / "gtm.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('base_url = "/"', f'base_url = "{base_url}"'))
    env = {"SOURCE_DATE_EPOCH": EXAMPLE_EPOCH, "NO_COLOR": "1"}
    result = CliRunner(env=env).invoke(
        main, ["build", *flags, "--project", str(root)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A copy of the repository's example project, safe to change."""
    return copy_example(tmp_path / "example")


RunGtm = Callable[..., Result]


@pytest.fixture
def run_gtm() -> RunGtm:
    """Runs the CLI in-process: run_gtm('check', project=path) → click Result."""

    def run(*args: str, project: Path | None = None) -> Result:
        argv = list(args)
        if project is not None:
            argv += ["--project", str(project)]
        return CliRunner().invoke(main, argv, catch_exceptions=False)

    return run


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """A built portal over real HTTP on a free port of 127.0.0.1 (a plain static host, as a
    reader's would be); yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_address[1]}/"


@contextmanager
def serving(server: BaseServer) -> Iterator[None]:
    """`server` answering in a thread of its own until the block ends, then closed."""
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
