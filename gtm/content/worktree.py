"""What the working tree holds that git has not committed. The history is read from commits
only, so `gtm serve` marks the pages of artifacts whose saved text is not committed yet: the
author sees why their edit is not in the page's history."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from gtm.content import gitlog
from gtm.content.history import content_folder, content_paths
from gtm.content.project import Project
from gtm.workers import InThread

GIT_PROBLEMS = (
    gitlog.GitMissing,
    gitlog.NotARepository,
    gitlog.NotTrusted,
    gitlog.GitFailed,
    OSError,
)
"""What keeps git from answering: the marks are a help, so then there are none."""


def git_state_files(root: Path) -> frozenset[Path]:
    """The files git rewrites when what is committed or staged changes (its index, and HEAD):
    `gtm serve` watches them, so that a commit made while it runs updates the history and the
    marks of uncommitted files at once. Empty outside git."""
    try:
        _, out = gitlog.run_git(root, "rev-parse", "--git-path", "index", "--git-path", "HEAD")
    except GIT_PROBLEMS:
        return frozenset()
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    return frozenset(Path(os.path.normpath(root / line)) for line in lines if line)


def read_uncommitted_ahead(project: Project) -> InThread[frozenset[str]]:
    """`uncommitted_files` asked of git in a thread, while a `gtm serve` rebuild goes on: git
    takes a few milliseconds that the save would otherwise wait for. Never in a process that
    may fork (a one-off build): a lock held by a thread would stay locked in the child."""
    return InThread(partial(uncommitted_files, project.root, project.content_dir))


def uncommitted_files(root: Path, content_dir: Path) -> frozenset[str]:
    """The project paths of the content files that differ from HEAD: changed, staged, not in
    git yet, or deleted (which has no page to mark). Empty outside git, without git or when git
    fails: a mark, never a problem. Submodules are not asked (their settings are not ours)."""
    try:
        repository = gitlog.locate(root)
        folder = content_folder(repository, content_dir)
        if folder is None:
            return frozenset()
        inside = f"{folder}/" if folder else ""
        args = ("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
        options = ("--ignore-submodules=all",)
        _, out = gitlog.run_git(repository.top, *args, *options, "--", inside or ".")
    except (*GIT_PROBLEMS, ValueError):
        return frozenset()
    locate = content_paths(repository.prefix, folder)
    found = set()
    for entry in out.split(b"\0"):
        path = entry[3:].decode("utf-8", "surrogateescape")
        if path and path.startswith(inside):
            project_path = locate(path[len(inside) :])
            if project_path is not None:
                found.add(project_path)
    return frozenset(found)
