"""The one writer: whole-site swaps, a manifest, and nobody else's files lost."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from gtm.errors import ProjectError
from gtm.publish.output import publish, update
from gtm.publish.paths import MANIFEST, check_output_dir, read_manifest
from tests.conftest import MakeProject, RunGtm


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
    with pytest.raises(ProjectError, match=r"refusing '\.\./escape\.html'"):
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
        ("content/assets", "inside the content folder"),
        ("content", "contain the content folder"),
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


# The one path check, and what it keeps gtm from deleting, writing or reading (issue 16) ----


@pytest.mark.parametrize(
    "name",
    ["../x.html", "a/../../x.html", "/etc/passwd", "a//b.html", "./a.html", "a/./b.html", "a/",
     "", ".", "a\\..\\b.html", "a\0.html"],
)  # fmt: skip
def test_the_path_check_refuses_names_that_leave_the_output_folder(
    tmp_path: Path, name: str
) -> None:
    from gtm.publish.paths import safe_output_path

    with pytest.raises(ProjectError, match="refusing"):
        safe_output_path(tmp_path / "output", name)


def test_the_path_check_refuses_a_link_anywhere_on_the_way(tmp_path: Path) -> None:
    from gtm.publish.paths import safe_output_path

    out, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    (out / "personas").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "page.html").write_text("not gtm's")
    (out / "linked").symlink_to(elsewhere)
    (out / "personas" / "page.html").symlink_to(elsewhere / "page.html")
    assert safe_output_path(out, "personas/dana/index.html") == out / "personas/dana/index.html"
    for name, link in [
        ("linked/page.html", "output/linked"),
        ("linked/deeper/new.html", "output/linked"),
        ("personas/page.html", "output/personas/page.html"),
    ]:
        with pytest.raises(ProjectError, match=f"{link} is a symbolic link"):
            safe_output_path(out, name)


def planted_manifest(out: Path, files: list[str]) -> None:
    manifest = {"generator": "gtm", "files": files}
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_update_never_deletes_what_a_planted_manifest_names_outside(tmp_path: Path) -> None:
    """A manifest is a file anybody can edit: one naming `../..` or an absolute path is not
    gtm's, so it vouches for nothing, and nothing it names is deleted."""
    out = tmp_path / "project" / "output"
    publish(out, {"a.html": b"a"})
    secret, absolute = tmp_path / "secret.txt", tmp_path / "absolute.txt"
    secret.write_text("keep me")
    absolute.write_text("keep me too")
    planted_manifest(out, ["a.html", "../../secret.txt", str(absolute)])

    updated = update(out, {"b.html": b"b"})

    assert secret.read_text() == "keep me"
    assert absolute.read_text() == "keep me too"
    assert updated.removed == ()
    assert (out / "a.html").read_bytes() == b"a", "a manifest that is not gtm's vouches for none"
    assert read_manifest(out) == {"b.html"}


def test_update_never_writes_or_deletes_through_a_linked_folder(tmp_path: Path) -> None:
    """`gtm serve` with `output/personas` made a link to a folder elsewhere: nothing is written
    or deleted there (or anywhere), and the message names the link."""
    out, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    publish(out, {"index.html": b"v1", "personas/dana.html": b"v1", "personas/old.html": b"v1"})
    (out / "personas").rename(elsewhere)
    (out / "personas").symlink_to(elsewhere)
    before = tree(elsewhere), tree(out)

    with pytest.raises(ProjectError, match="output/personas is a symbolic link"):
        update(out, {"index.html": b"v2", "personas/dana.html": b"v2"})

    assert (tree(elsewhere), tree(out)) == before
    with pytest.raises(ProjectError, match="output/personas is a symbolic link"):
        update(out, {"index.html": b"v2"})  # personas/old.html would be deleted
    assert (tree(elsewhere), tree(out)) == before


def test_update_never_writes_through_a_link_planted_as_its_temporary_file(
    tmp_path: Path,
) -> None:
    out, victim = tmp_path / "output", tmp_path / "victim.txt"
    publish(out, {"a.html": b"v1"})
    victim.write_text("mine")
    (out / ".a.html.gtm-tmp").symlink_to(victim)
    with pytest.raises(ProjectError, match="symbolic link"):
        update(out, {"a.html": b"v2"})
    assert victim.read_text() == "mine"
    assert (out / "a.html").read_bytes() == b"v1" and not (out / "a.html").is_symlink()


def test_publish_refuses_to_merge_gtm_files_into_somebody_elses_linked_folder(
    tmp_path: Path,
) -> None:
    out, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    publish(out, {"index.html": b"v1"})
    elsewhere.mkdir()
    (out / "personas").symlink_to(elsewhere)
    with pytest.raises(ProjectError, match="output/personas was not written by gtm"):
        publish(out, {"index.html": b"v2", "personas/dana.html": b"v2"})
    assert list(elsewhere.iterdir()) == []
    assert (out / "index.html").read_bytes() == b"v1"
    assert not list(tmp_path.glob(".output.*"))


# One writer at a time, and what a killed one leaves behind ---------------------------------

DEAD_PID = 2**22 + 1
"""Above Linux's highest possible pid (2**22), so no process has it."""


def test_a_second_writer_waits_for_the_first_and_says_whom_it_waits_for(tmp_path: Path) -> None:
    from gtm.publish.lock import output_lock

    out = tmp_path / "output"
    told: list[str] = []
    done = threading.Event()

    def second() -> None:
        publish(out, {"index.html": b"second"}, told.append)
        done.set()

    with output_lock(out):
        writer = threading.Thread(target=second)
        writer.start()
        for _ in range(200):
            if told:
                break
            time.sleep(0.02)
        assert told == [f"waiting for another gtm build of output/ (pid {os.getpid()}) to finish"]
        assert not done.is_set() and not out.exists(), "it wrote while the lock was held"
    writer.join(timeout=10)
    assert done.is_set()
    assert tree(out)["index.html"] == b"second"
    assert not list(tmp_path.glob(".output.*")), "the lock file goes with its holder"


def test_a_writer_gives_up_after_the_bound_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gtm.publish.lock

    out = tmp_path / "output"
    publish(out, {"index.html": b"v1"})
    monkeypatch.setattr(gtm.publish.lock, "LOCK_WAIT", 0.2)
    with gtm.publish.lock.output_lock(out):
        with pytest.raises(ProjectError, match=r"gave up after waiting 0 s for another gtm build"):
            publish(out, {"index.html": b"v2"})
        with pytest.raises(ProjectError, match=rf"output/ \(pid {os.getpid()}\)"):
            update(out, {"index.html": b"v2"})
    assert (out / "index.html").read_bytes() == b"v1"


@pytest.mark.parametrize("flock", [True, False], ids=["flock", "exclusive-file"])
def test_a_lock_left_by_a_dead_process_does_not_stop_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flock: bool
) -> None:
    import gtm.publish.lock

    if not flock:  # as on Windows: the lock is a file created only if absent
        monkeypatch.setattr(gtm.publish.lock, "fcntl", None)
    monkeypatch.setattr(gtm.publish.lock, "LOCK_WAIT", 5.0)
    out = tmp_path / "output"
    (tmp_path / ".output.lock").write_text(f"{DEAD_PID}\n")
    publish(out, {"index.html": b"v1"})
    assert (out / "index.html").read_bytes() == b"v1"
    assert not (tmp_path / ".output.lock").exists()


def test_without_flock_a_live_holder_is_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gtm.publish.lock

    monkeypatch.setattr(gtm.publish.lock, "fcntl", None)
    monkeypatch.setattr(gtm.publish.lock, "LOCK_WAIT", 0.2)
    (tmp_path / ".output.lock").write_text(f"{os.getppid()}\n")
    with pytest.raises(ProjectError, match=rf"output/ \(pid {os.getppid()}\)"):
        publish(tmp_path / "output", {"index.html": b"v1"})
    assert (tmp_path / ".output.lock").read_text() == f"{os.getppid()}\n"


def test_leftovers_of_gone_builds_are_removed_and_nothing_else(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    publish(out, {"index.html": b"v1"})
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep")
    dead = [f".output.staging-{DEAD_PID}-0123abcd", f".output.old-{DEAD_PID}-89abcdef"]
    live = f".output.staging-{os.getppid()}-0123abcd"  # pytest's parent: a running process
    others = [".output.staging-mine", ".output.staging-1-2-3", ".outputs.staging-1-0123abcd"]
    for name in [*dead, live, *others]:
        (tmp_path / name / "half").mkdir(parents=True)
    linked = f".output.staging-{DEAD_PID}-fedcba98"
    (tmp_path / linked).symlink_to(elsewhere)

    publish(out, {"index.html": b"v2"})

    assert sorted(p.name for p in tmp_path.glob(".output*")) == sorted([live, linked, *others])
    assert (elsewhere / "keep.txt").read_text() == "keep"
    assert (out / "index.html").read_bytes() == b"v2"


def test_an_output_folder_a_killed_build_left_aside_is_put_back(tmp_path: Path) -> None:
    """Killed between the two renames of the fallback swap: output/ is missing and the old
    site waits beside it; the next build puts it back, so others' files there survive."""
    out = tmp_path / "output"
    publish(out, {"index.html": b"v1"})
    (out / "CNAME").write_text("portal.example.com\n")
    out.rename(tmp_path / f".output.old-{DEAD_PID}-0123abcd")
    (tmp_path / f".output.staging-{DEAD_PID}-89abcdef").mkdir()

    publish(out, {"index.html": b"v2"})

    assert (out / "CNAME").read_text() == "portal.example.com\n"
    assert (out / "index.html").read_bytes() == b"v2"
    assert not list(tmp_path.glob(".output.*"))


def test_two_writers_in_threads_never_mix_their_sites(tmp_path: Path) -> None:
    out = tmp_path / "output"
    sites = [{f"p{i}/index.html": f"site {s}".encode() for i in range(30)} for s in range(2)]
    errors: list[BaseException] = []

    def write(site: dict[str, bytes]) -> None:
        try:
            for _ in range(5):
                publish(out, site)
        except BaseException as exc:  # reported below
            errors.append(exc)

    writers = [threading.Thread(target=write, args=(site,)) for site in sites]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    assert errors == []
    files = tree(out)
    del files[MANIFEST]
    assert files in sites
    assert not list(tmp_path.glob(".output.*"))


def test_a_lock_file_planted_as_a_link_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (tmp_path / ".output.lock").symlink_to(victim)
    with pytest.raises(ProjectError, match="cannot write output/"):
        publish(tmp_path / "output", {"index.html": b"v1"})
    assert victim.read_text() == "keep"
    assert not (tmp_path / "output").exists()


def test_build_refuses_an_output_folder_inside_the_content_folder(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    root = make_project({"gtm.toml": '[build]\noutput_dir = "content/assets"\n'})
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 2
    assert "gtm: the output folder cannot be inside the content folder" in result.output
    assert not (root / "content" / "assets").exists()
