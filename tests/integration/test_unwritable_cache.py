"""gtm's cache only saves time: a cache folder that cannot be made (GTM_CACHE_DIR under a regular
file) or that sits on a read-only file system is skipped, and the build still succeeds, with no
traceback. Tests run as root here, where chmod stops no write, so the read-only file system is
every write under the cache folder failing with EROFS, as it does on a read-only mount."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gtm.content.project import open_project
from tests.conftest import MakeProject, RunGtm

PERSONA = """\
name: DevOps Dana
role: Head of Platform Engineering
buying_role: champion
goals: [Fewer pages]
pains: [Alert noise]
"""


def dana_project(make_project: MakeProject) -> Path:
    return make_project({"content/personas/dana.yaml": PERSONA})


def built_files(root: Path) -> set[str]:
    return {p.relative_to(root / "output").as_posix() for p in (root / "output").rglob("*.pdf")}


def test_a_cache_folder_that_cannot_be_made_is_skipped(
    make_project: MakeProject, run_gtm: RunGtm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go\n", encoding="utf-8")
    monkeypatch.setenv("GTM_CACHE_DIR", str(blocker / "caches"))
    root = dana_project(make_project)
    for _ in range(2):  # the second build finds no cache either
        result = run_gtm("build", project=root)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        assert built_files(root) == {"pdf/personas/dana.pdf", "pdf/sales-kit.pdf"}
    assert blocker.read_text(encoding="utf-8") == "a file where the cache folder would go\n"


def read_only_below(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every write, replace, removal and new folder under `folder` fails as on a read-only
    mount; returns what was refused, so the test can tell the cache was tried."""
    refused: list[str] = []

    def below(path: Any) -> bool:
        return os.path.abspath(os.fspath(path)).startswith(str(folder) + os.sep)

    def refuse(path: Any) -> None:
        refused.append(os.fspath(path))
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))

    def guard(owner: Any, name: str, writes: Callable[..., bool]) -> None:
        original = getattr(owner, name)

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if below(args[0]) and writes(*args, **kwargs):
                refuse(args[0])
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, guarded)

    always: Callable[..., bool] = lambda *args, **kwargs: True  # noqa: E731

    def writing(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> bool:
        return any(flag in mode for flag in "wax+")

    guard(Path, "open", writing)
    for name in ("write_bytes", "write_text", "unlink", "mkdir", "touch"):
        guard(Path, name, always)
    guard(os, "replace", always)
    guard(os, "rename", always)
    return refused


def test_a_read_only_cache_is_skipped(
    make_project: MakeProject, run_gtm: RunGtm, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = dana_project(make_project)
    assert run_gtm("build", project=root).exit_code == 0  # fills the cache
    cache = open_project(root).cache_dir
    pdfs = cache / "pdf"
    assert any(pdfs.glob("*.pdf"))
    for n in range(8):  # old entries, more than a build keeps, so it tries to prune them
        (pdfs / f"{n:064x}.json").write_text("{}", encoding="utf-8")
        (pdfs / f"{n:064x}.pdf").write_bytes(b"%PDF-")
        os.utime(pdfs / f"{n:064x}.json", (0, 0))
    (root / "content/personas/dana.yaml").write_text(
        PERSONA.replace("Alert noise", "Pager fatigue"), encoding="utf-8"
    )
    before = sorted(p.name for p in cache.rglob("*"))
    refused = read_only_below(cache, monkeypatch)
    result = run_gtm("build", project=root)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert refused  # the cache was written to, and every write failed
    assert any(name.endswith(".json.tmp") for name in refused)  # the JSON caches
    assert any(name.endswith(".pdf.tmp") or name.endswith(".json") for name in refused)  # PDFs
    assert sorted(p.name for p in cache.rglob("*")) == before
    assert built_files(root) == {"pdf/personas/dana.pdf", "pdf/sales-kit.pdf"}
    assert "Pager fatigue" in (root / "output/personas/dana/index.html").read_text("utf-8")
