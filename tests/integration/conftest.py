"""Fixtures of the browser tests: the example portal built once per module, served over real
HTTP, and one headless Chromium per module (skipped without it, a failure in CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import CHROMIUM, build_example, chromium, require_program, serve_folder

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def chromium_installed() -> str:
    """Asked first by a browser module (autouse there): skipped without Chromium outside CI."""
    return require_program(CHROMIUM)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once for the module, without PDFs: its output folder."""
    root = tmp_path_factory.mktemp("site") / "example"
    build_example(root, "--no-pdf")
    output = root / "output"
    assert (output / "index.html").is_file()
    assert (output / "search-index.js").is_file()
    return output


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The built portal served over real HTTP on a free port of 127.0.0.1."""
    with serve_folder(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium_installed: str) -> Iterator[Browser]:
    with chromium() as launched:
        yield launched
