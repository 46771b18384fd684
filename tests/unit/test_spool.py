"""The spool holds a build's files like a dict, in memory up to its budget and on disk past it,
and leaves nothing behind."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gtm.spool import SpooledFiles


def _spool_folders(parent: Path) -> list[Path]:
    return sorted(parent.glob("spool-*")) if parent.is_dir() else []


def test_files_past_the_budget_go_to_disk_and_read_back_the_same(tmp_path: Path) -> None:
    with SpooledFiles(tmp_path, budget=10) as files:
        files["b.html"] = b"12345678"
        files["a.html"] = b"abcdefgh"
        files["c/d.json"] = b"{}"
        assert files.spilled == 1 and files.held_bytes == 10
        assert files["a.html"] == b"abcdefgh" and files["b.html"] == b"12345678"
        assert list(files) == ["a.html", "b.html", "c/d.json"]
        assert dict(files) == {"a.html": b"abcdefgh", "b.html": b"12345678", "c/d.json": b"{}"}
        (folder,) = _spool_folders(tmp_path)
        assert [p.read_bytes() for p in folder.iterdir()] == [b"abcdefgh"]
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert _spool_folders(tmp_path) == []
    assert len(files) == 0


def test_replacing_or_deleting_a_spilled_file_removes_its_bytes_from_disk(tmp_path: Path) -> None:
    with SpooledFiles(tmp_path, budget=0) as files:
        files["a"] = b"one"
        files["a"] = b"two"
        (folder,) = _spool_folders(tmp_path)
        assert [p.read_bytes() for p in folder.iterdir()] == [b"two"]
        del files["a"]
        assert "a" not in files and list(folder.iterdir()) == []
        with pytest.raises(KeyError):
            del files["a"]
        with pytest.raises(KeyError):
            files["a"]


def test_a_small_build_never_touches_the_disk(tmp_path: Path) -> None:
    with SpooledFiles(tmp_path / "cache") as files:
        files.update({f"page-{n}.html": b"x" * 1000 for n in range(100)})
        assert files.spilled == 0
    assert not (tmp_path / "cache").exists()


def test_a_spool_that_cannot_write_holds_the_files_in_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    with SpooledFiles(blocker, budget=0) as files:
        files["a.html"] = b"kept anyway"
        assert files.spilled == 0 and files["a.html"] == b"kept anyway"


def test_leftovers_of_a_killed_build_are_removed_after_a_day(tmp_path: Path) -> None:
    old = tmp_path / "spool-old"
    recent = tmp_path / "spool-recent"
    mine = tmp_path / "other"
    for folder in (old, recent, mine):
        folder.mkdir()
        (folder / "1").write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    os.utime(mine, (day_ago, day_ago))
    with SpooledFiles(tmp_path, budget=0) as files:
        files["a"] = b"spilled"
        assert not old.exists() and recent.is_dir() and mine.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "spool-recent"]


def test_a_spilled_file_is_copied_into_place_and_a_held_one_is_not(tmp_path: Path) -> None:
    staging = tmp_path / "staging"
    staging.mkdir()
    with SpooledFiles(tmp_path / "cache", budget=4) as files:
        files["held"] = b"1234"
        files["spilled"] = b"56789"
        assert files.copy_to("spilled", staging / "spilled")
        assert not files.copy_to("held", staging / "held")
        assert not files.copy_to("spilled", staging / "missing" / "spilled")
        (folder,) = _spool_folders(tmp_path / "cache")
        spooled = next(folder.iterdir())
        assert spooled.stat().st_ino != (staging / "spilled").stat().st_ino, "a copy, not a link"
    assert sorted(p.name for p in staging.iterdir()) == ["spilled"]
    assert (staging / "spilled").read_bytes() == b"56789"
