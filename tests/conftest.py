"""Shared fixtures: small real projects in temporary folders, the CLI, and a fixed today."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gtm.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_TODAY = "2026-11-23"
EXAMPLE_EPOCH = str(int(datetime(2026, 11, 23, 12, tzinfo=UTC).timestamp()))

MINIMAL_FILES = {
    "gtm.toml": '[site]\ntitle = "Test"\n',
    "content/products/relay.yaml": "name: Acme Relay\nstage: growth\ncategory: incident tool\n",
}


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


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A copy of the repository's example project, safe to change."""
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(ROOT / "gtm.toml", root / "gtm.toml")
    shutil.copytree(ROOT / "content", root / "content")
    return root


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
