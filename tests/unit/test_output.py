"""The one writer: whole-site swaps, a manifest, and nobody else's files lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gtm.errors import ProjectError
from gtm.output import MANIFEST, check_output_dir, publish, read_manifest, update


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_publish_writes_files_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "output"
    result = publish(out, {"index.html": b"home", "personas/dana/index.html": b"dana"})
    assert result.written == 2
    assert tree(out) == {
        "index.html": b"home",
        "personas/dana/index.html": b"dana",
        MANIFEST: (out / MANIFEST).read_bytes(),
    }
    assert read_manifest(out) == {"index.html", "personas/dana/index.html"}
    assert not list(tmp_path.glob(".output.*")), "staging folders are cleaned up"


def test_republish_removes_only_files_gtm_wrote(tmp_path: Path) -> None:
    out = tmp_path / "output"
    publish(out, {"index.html": b"v1", "old/index.html": b"gone soon"})
    (out / "CNAME").write_text("portal.example\n")
    result = publish(out, {"index.html": b"v2"})
    assert result.kept == ("CNAME",)
    assert tree(out) == {
        "CNAME": b"portal.example\n",
        "index.html": b"v2",
        MANIFEST: (out / MANIFEST).read_bytes(),
    }


def test_refuses_to_overwrite_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.mkdir()
    (out / "index.html").write_text("hand made")
    with pytest.raises(ProjectError, match="not written by gtm"):
        publish(out, {"index.html": b"generated"})
    assert (out / "index.html").read_text() == "hand made"
    assert not list(tmp_path.glob(".output.*"))


def test_a_failure_while_staging_leaves_the_old_output(tmp_path: Path) -> None:
    out = tmp_path / "output"
    publish(out, {"index.html": b"v1"})
    before = tree(out)
    with pytest.raises(ValueError):
        publish(out, {"index.html": b"v2", "../escape.html": b"x"})
    assert tree(out) == before
    assert not (tmp_path / "escape.html").exists()


def test_republish_links_unchanged_files_and_writes_changed_ones(tmp_path: Path) -> None:
    out = tmp_path / "output"
    publish(out, {"same.html": b"same", "changed.html": b"v1", "edited.html": b"v1"})
    same, changed = (out / "same.html").stat(), (out / "changed.html").stat()
    (out / "edited.html").write_bytes(b"v9")  # somebody edited a file gtm wrote
    publish(out, {"same.html": b"same", "changed.html": b"v2", "edited.html": b"v1"})
    assert (out / "same.html").stat().st_ino == same.st_ino
    assert (out / "same.html").stat().st_mtime_ns == same.st_mtime_ns
    assert (out / "changed.html").stat().st_ino != changed.st_ino
    assert tree(out) == {
        "changed.html": b"v2",
        "edited.html": b"v1",
        "same.html": b"same",
        MANIFEST: (out / MANIFEST).read_bytes(),
    }
    assert (out / "same.html").stat().st_nlink == 1, "the old output is gone"


def test_republish_never_links_through_a_symlink(tmp_path: Path) -> None:
    out = tmp_path / "output"
    secret = tmp_path / "secret.txt"
    same = b"x" * len(str(secret))  # as long as the link itself, so only the type tells
    secret.write_bytes(same)
    publish(out, {"a.html": same})
    (out / "a.html").unlink()
    (out / "a.html").symlink_to(secret)
    publish(out, {"a.html": same})
    assert not (out / "a.html").is_symlink()
    assert (out / "a.html").stat().st_ino != secret.stat().st_ino
    assert secret.stat().st_nlink == 1


def test_swap_keeps_the_folder_identity_readers_see(tmp_path: Path) -> None:
    out = tmp_path / "output"
    publish(out, {"a.html": b"1"})
    publish(out, {"a.html": b"2"})
    assert (out / "a.html").read_bytes() == b"2"
    assert json.loads((out / MANIFEST).read_text())["files"] == ["a.html"]


@pytest.mark.parametrize(
    ("output", "message"),
    [
        (".", "project folder itself"),
        ("..", "contain the content folder"),
        ("content/..", "project folder itself"),
        ("/tmp/gtm-elsewhere", "outside the project"),
    ],
)
def test_unsafe_output_folders_are_refused(tmp_path: Path, output: str, message: str) -> None:
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    with pytest.raises(ProjectError, match=message):
        check_output_dir(root, root / output, root / "content")


def test_output_containing_content_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "site" / "content").mkdir(parents=True)
    with pytest.raises(ProjectError, match="contain the content"):
        check_output_dir(root, root / "site", root / "site" / "content")


def test_outside_output_allowed_when_asked(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    check_output_dir(root, tmp_path / "public", root / "content", allow_outside=True)
    check_output_dir(root, root / "output", root / "content")


def test_update_writes_only_changed_files_and_removes_what_gtm_no_longer_makes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "output"
    publish(out, {"a.html": b"a", "b.html": b"b", "old/c.html": b"c"})
    (out / "CNAME").write_text("portal.example.com")
    before = (out / "a.html").stat().st_ino

    updated = update(out, {"a.html": b"a", "b.html": b"B", "d.html": b"d"})

    assert updated.written == ("b.html", "d.html")
    assert updated.removed == ("old/c.html",)
    assert (out / "a.html").stat().st_ino == before
    assert (out / "b.html").read_bytes() == b"B"
    assert not (out / "old" / "c.html").exists()
    assert (out / "CNAME").read_text() == "portal.example.com"
    assert read_manifest(out) == {"a.html", "b.html", "d.html"}
    assert not list(out.rglob("*.gtm-tmp"))


def test_update_refuses_to_replace_a_file_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "output"
    publish(out, {"a.html": b"a"})
    (out / "robots.txt").write_text("mine")
    with pytest.raises(ProjectError):
        update(out, {"a.html": b"a", "robots.txt": b"gtm's"})
    assert (out / "robots.txt").read_text() == "mine"
