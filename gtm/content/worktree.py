"""What the working tree holds that git has not committed. The history is read from commits
only, so `gtm serve` marks the pages of artifacts whose saved text is not committed yet: the
author sees why their edit is not in the page's history."""

from __future__ import annotations

from pathlib import Path

from gtm.content import gitlog
from gtm.content.history import content_folder, content_paths


def uncommitted_files(root: Path, content_dir: Path) -> frozenset[str]:
    """The project paths of the content files that differ from HEAD: changed, staged, or not
    in git yet (a deleted file has no page to mark). Empty outside git, without git or when git
    fails: a mark, never a problem."""
    try:
        repository = gitlog.locate(root)
        folder = content_folder(repository, content_dir)
        if folder is None:
            return frozenset()
        inside = f"{folder}/" if folder else ""
        args = ("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
        _, out = gitlog.run_git(repository.top, *args, "--", inside or ".")
    except (gitlog.GitMissing, gitlog.NotARepository, gitlog.NotTrusted, gitlog.GitFailed):
        return frozenset()
    locate = content_paths(repository.prefix, folder)
    found = set()
    for entry in out.split(b"\0"):
        status, path = entry[:2], entry[3:].decode("utf-8", "surrogateescape")
        if path and b"D" not in status and path.startswith(inside):
            project_path = locate(path[len(inside) :])
            if project_path is not None:
                found.add(project_path)
    return frozenset(found)
