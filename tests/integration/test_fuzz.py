"""The fuzz targets run for a bounded time on every CI run, seeded with the example's files;
any crash fails the test and leaves its input for a regression case."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SECONDS = os.environ.get("GTM_FUZZ_SECONDS", "10")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeds")
    for n, path in enumerate(sorted((ROOT / "content").rglob("*.*"))):
        if path.suffix in (".yaml", ".md"):
            shutil.copy(path, folder / f"seed-{n}{path.suffix}")
    return folder


@pytest.mark.parametrize("target", ["loader", "markdown"])
def test_fuzzing_finds_no_crash(target: str, seeds: Path, tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds, corpus)
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "fuzz" / "fuzz_content.py"),
            target,
            f"-max_total_time={SECONDS}",
            "-max_len=4096",
            "-rss_limit_mb=1024",
            f"-artifact_prefix={tmp_path}/",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=int(SECONDS) * 5 + 60,
        check=False,
    )
    crashes = [p.name for p in tmp_path.glob("crash-*")] + [p.name for p in tmp_path.glob("oom-*")]
    assert result.returncode == 0 and not crashes, (crashes, result.stderr[-3000:])
    assert "Done" in result.stderr or "DONE" in result.stderr or "pulse" in result.stderr
