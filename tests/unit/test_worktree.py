"""The content files git has not committed, which `gtm serve` marks on their pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtm.content.worktree import uncommitted_files
from tests.unit.test_history import Repo


def test_changed_staged_new_and_deleted_content_files_are_uncommitted(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo", "site")
    repo.commit(
        "Add",
        content__personas__dana_DOT_yaml="name: Dana\n",
        content__personas__kept_DOT_yaml="name: Kept\n",
        content__personas__gone_DOT_yaml="name: Gone\n",
        content__pages__staged_DOT_md="---\ntitle: S\n---\n",
    )
    content = repo.root / "content"
    (content / "personas/dana.yaml").write_text("name: Dana\nrole: SRE\n")
    (content / "pages/staged.md").write_text("---\ntitle: Staged\n---\n")
    repo.git("add", "site/content/pages/staged.md", cwd=repo.top)
    (content / "pages/new guide.md").write_text("---\ntitle: New\n---\n")
    (content / "personas/gone.yaml").unlink()
    (content / "personas/notes.txt").write_text("not content\n")
    (repo.root / "gtm.toml").write_text("# outside the content folder\n")
    assert uncommitted_files(repo.root, content) == {
        "content/personas/dana.yaml",
        "content/pages/staged.md",
        "content/pages/new guide.md",
        "content/personas/gone.yaml",
    }


def test_nothing_is_uncommitted_after_a_commit_or_outside_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("Add", content__personas__dana_DOT_yaml="name: Dana\n")
    assert uncommitted_files(repo.root, repo.root / "content") == frozenset()
    outside = tmp_path / "plain"
    (outside / "content/personas").mkdir(parents=True)
    (outside / "content/personas/dana.yaml").write_text("name: Dana\n")
    assert uncommitted_files(outside, outside / "content") == frozenset()


def test_a_program_the_repository_names_as_its_file_system_monitor_is_never_run(
    tmp_path: Path,
) -> None:
    """`git status` would start `core.fsmonitor`, which a repository unpacked from an archive
    can set in its own configuration: gtm sets it off."""
    repo = Repo(tmp_path / "repo")
    repo.commit("Add", content__personas__dana_DOT_yaml="name: Dana\n")
    ran = tmp_path / "ran"
    monitor = tmp_path / "monitor.sh"
    monitor.write_text(f"#!/bin/sh\ntouch {ran}\n")
    monitor.chmod(0o755)
    repo.git("config", "core.fsmonitor", str(monitor))
    (repo.root / "content/personas/dana.yaml").write_text("name: Dana\nrole: R\n")
    assert uncommitted_files(repo.root, repo.root / "content") == {"content/personas/dana.yaml"}
    assert not ran.exists()


def test_a_repository_git_refuses_marks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("Add", content__personas__dana_DOT_yaml="name: Dana\n")
    (repo.root / "content/personas/dana.yaml").write_text("name: Dana\nrole: R\n")
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    assert uncommitted_files(repo.root, repo.root / "content") == frozenset()
