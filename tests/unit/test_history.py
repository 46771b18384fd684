"""What changed, read from git: real repositories in temporary folders, with fixed dates."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gtm.cache import BuildCache
from gtm.content import gitlog, history, revisions
from gtm.content.history import History, Removed, read_history

START = 1_767_225_600  # 2026-01-01 00:00 UTC
PERSONA = "name: Dana\nsummary: Runs platform.\npains:\n  - Pages at night\n  - Manual routing\n"


class Repo:
    """A git repository with a project in `project` (the top, or a folder of it); each commit
    is an hour after the one before, so every order is fixed."""

    def __init__(self, top: Path, project: str = "") -> None:
        self.top, self.root = top, top / project if project else top
        self.when = START
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, cwd: Path | None = None) -> str:
        environment = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_DATE": f"@{self.when} +0000",
            "GIT_COMMITTER_DATE": f"@{self.when} +0000",
        }
        command = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args]
        done = subprocess.run(
            command, cwd=cwd or self.top, env=environment, capture_output=True, check=True
        )
        return done.stdout.decode()

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, subject: str, **files: str | None) -> str:
        """Writes (or, for None, deletes) files named with `__` for `/`, and commits all."""
        for name, text in files.items():
            rel = name.replace("__", "/").replace("_DOT_", ".")
            if text is None:
                (self.root / rel).unlink()
            else:
                self.write(rel, text)
        self.when += 3600
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", subject)
        return self.git("rev-parse", "HEAD").strip()

    def read(self, limit: int = 20, cache: BuildCache | None = None) -> History:
        return read_history(self.root, self.root / "content", limit, cache)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def changes(result: History, path: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(r.change, r.path, r.fields) for r in result.files[path].revisions]


def test_added_modified_renamed_and_deleted(repo: Repo) -> None:
    first = repo.commit("Add Dana", content__personas__dana_DOT_yaml=PERSONA)
    repo.commit("Guide", content__pages__guide_DOT_md="---\ntitle: G\n---\nText.\n")
    repo.commit("Pains", content__personas__dana_DOT_yaml=PERSONA.replace("night", "3am"))
    repo.git("mv", "content/personas/dana.yaml", "content/personas/devops-dana.yaml")
    repo.commit("Rename Dana")
    gone = repo.commit("Drop the guide", content__pages__guide_DOT_md=None)
    result = repo.read()
    assert result.state == "complete" and result.note is None
    assert result.head == repo.git("rev-parse", "HEAD").strip()
    assert list(result.files) == ["content/personas/devops-dana.yaml"]
    assert changes(result, "content/personas/devops-dana.yaml") == [
        ("renamed", "content/personas/devops-dana.yaml", ()),
        ("modified", "content/personas/dana.yaml", ("pains",)),
        ("added", "content/personas/dana.yaml", ()),
    ]
    file = result.files["content/personas/devops-dana.yaml"]
    assert (file.created, file.updated) == (START + 3600, START + 4 * 3600)
    revision = file.revisions[-1]
    assert (revision.commit, revision.subject, revision.author) == (first, "Add Dana", "T")
    assert str(revision.date) == "2026-01-01"
    assert result.removed == (
        Removed("content/pages/guide.md", gone, START + 5 * 3600, "Drop the guide", "T"),
    )


def test_a_removed_file_says_whether_its_last_version_was_a_draft(
    repo: Repo, tmp_path: Path
) -> None:
    """A build that leaves drafts out must not name a removed one: the removal carries the
    draft status of the version it removed, from git and from the cache alike."""
    draft = "---\ntitle: Secret\nstatus: draft\n---\nText.\n"
    repo.commit(
        "Add",
        content__pages__secret_DOT_md=draft,
        content__pages__was_DOT_md=draft,
        content__personas__dana_DOT_yaml="name: Dana\nstatus: 'draft' # for now\n",
        content__personas__kept_DOT_yaml="name: Kept\n",
        content__products__p_DOT_yaml="name: P\nstatus: approved\n",
        content__products__flow_DOT_yaml="{name: Flow, status: draft}\n",
        content__products__broken_DOT_yaml="name: [Broken\n",
    )
    repo.commit("Publish", content__pages__was_DOT_md=draft.replace("draft", "approved"))
    repo.commit(
        "Drop",
        content__pages__secret_DOT_md=None,
        content__pages__was_DOT_md=None,
        content__personas__dana_DOT_yaml=None,
        content__products__p_DOT_yaml=None,
        content__products__flow_DOT_yaml=None,
        content__products__broken_DOT_yaml=None,
    )
    expected = {
        "content/pages/secret.md": True,
        "content/pages/was.md": False,
        "content/personas/dana.yaml": True,
        "content/products/p.yaml": False,
        "content/products/flow.yaml": True,
        "content/products/broken.yaml": True,
    }
    assert {removed.path: removed.draft for removed in repo.read().removed} == expected
    cache = BuildCache(tmp_path / "cache")
    repo.read(cache=cache)
    assert {removed.path: removed.draft for removed in repo.read(cache=cache).removed} == expected


def test_fields_are_named_in_file_order_and_the_body_is_text(repo: Repo) -> None:
    page = "---\ntitle: G\nsummary: S\n---\n## Body\n\nText.\n"
    body = "name: P\nbody: |\n  Line one.\n  Line two.\n"
    repo.commit("Add", content__pages__g_DOT_md=page, content__products__p_DOT_yaml=body)
    repo.commit("Body", content__pages__g_DOT_md=page.replace("Text.", "More text."))
    repo.commit(
        "Both",
        content__pages__g_DOT_md=page.replace("S\n", "Short\n").replace("G\n", "Guide\n"),
        content__products__p_DOT_yaml=body.replace("two", "2") + "owner: Maya\n",
    )
    result = repo.read()
    assert [r.fields for r in result.files["content/pages/g.md"].revisions] == [
        ("title", "summary", "text"),
        ("text",),
        (),
    ]
    assert [r.fields for r in result.files["content/products/p.yaml"].revisions] == [
        ("text", "owner"),
        (),
    ]


def test_a_removed_field_comes_after_the_changed_ones(repo: Repo) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\nrole: R\nsummary: S\n")
    repo.commit("Edit", content__personas__d_DOT_yaml="summary: T\nname: D\n")
    result = repo.read()
    assert result.files["content/personas/d.yaml"].revisions[0].fields == ("summary", "role")


def test_a_change_that_changes_no_value_is_not_a_revision(repo: Repo) -> None:
    folded = "name: D\nsummary: >-\n  One two\n  three four.\npains: [a, b]\n"
    repo.commit("Add", content__personas__d_DOT_yaml=folded)
    same = "name: D  # who\nsummary: >-\n  One two three\n  four.\n\npains:\n  - a\n  - b\n"
    last = repo.commit("Reflow", content__personas__d_DOT_yaml=same)
    result = repo.read()
    file = result.files["content/personas/d.yaml"]
    assert changes(result, "content/personas/d.yaml") == [("added", "content/personas/d.yaml", ())]
    assert file.updated == START + 2 * 3600
    assert last != file.revisions[0].commit


def test_a_changed_folded_value_is_a_change(repo: Repo) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="summary: >-\n  One two\n  three.\n")
    repo.commit("Edit", content__personas__d_DOT_yaml="summary: >-\n  One two\n  four.\n")
    result = repo.read()
    assert result.files["content/personas/d.yaml"].revisions[0].fields == ("summary",)


def test_the_limit_counts_revisions_that_changed_something(repo: Repo) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\nrole: R0\n")
    for number in range(1, 5):
        repo.commit(f"Role {number}", content__personas__d_DOT_yaml=f"name: D\nrole: R{number}\n")
    repo.commit("Comment", content__personas__d_DOT_yaml="# note\nname: D\nrole: R4\n")
    result = repo.read(limit=3)
    file = result.files["content/personas/d.yaml"]
    assert [r.subject for r in file.revisions] == ["Role 4", "Role 3", "Role 2"]
    assert (file.created, file.updated) == (START + 3600, START + 6 * 3600)
    assert repo.read(limit=0).files["content/personas/d.yaml"].revisions == ()
    assert repo.read(limit=-1) == repo.read(limit=0)


def test_a_file_deleted_and_added_again_keeps_its_history(repo: Repo) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\n")
    repo.commit("Remove", content__personas__d_DOT_yaml=None)
    repo.commit("Back", content__personas__d_DOT_yaml="name: Dee\n")
    result = repo.read()
    assert [r.change for r in result.files["content/personas/d.yaml"].revisions] == [
        "added",
        "deleted",
        "added",
    ]
    assert result.files["content/personas/d.yaml"].created == START + 3600
    assert result.removed == ()


def test_only_content_files_in_kind_folders_count(repo: Repo) -> None:
    repo.commit(
        "Add",
        content__brand_DOT_yaml="terms: []\n",
        content__assets__a_DOT_yaml="x: 1\n",
        content__personas__nested__n_DOT_yaml="name: N\n",
        content__personas___DOT_hidden_DOT_yaml="name: H\n",
        content__personas__notes_DOT_txt="x\n",
        content__personas__d_DOT_yml="name: D\n",
        other__personas__o_DOT_yaml="name: O\n",
    )
    repo.git("mv", "content/personas/d.yml", "content/archive.yml")
    moved = repo.commit("Archive D")
    result = repo.read()
    assert list(result.files) == []
    assert [(r.path, r.commit) for r in result.removed] == [("content/personas/d.yml", moved)]


def test_a_project_in_a_folder_of_the_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo", "site/portal")
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\n")
    repo.commit("Code", **{"../../src/x_DOT_py": "x = 1\n"})
    result = repo.read()
    assert list(result.files) == ["content/personas/d.yaml"]
    assert result.files["content/personas/d.yaml"].updated == START + 3600


def test_uncommitted_edits_do_not_count(repo: Repo) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\n")
    before = repo.read()
    repo.write("content/personas/d.yaml", "name: Changed\n")
    repo.write("content/personas/new.yaml", "name: New\n")
    repo.git("add", "content/personas/new.yaml")
    assert repo.read() == before


def test_paths_with_spaces_and_unicode(repo: Repo) -> None:
    repo.commit("Add", **{"content__pages__my page é_DOT_md": "---\ntitle: A\n---\nx\n"})
    repo.git("mv", "content/pages/my page é.md", "content/pages/ünï côdé.md")
    repo.commit("Rename")
    result = repo.read()
    assert changes(result, "content/pages/ünï côdé.md") == [
        ("renamed", "content/pages/ünï côdé.md", ()),
        ("added", "content/pages/my page é.md", ()),
    ]


def test_outside_a_repository(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    result = read_history(tmp_path, tmp_path / "content")
    assert (result.state, result.files, result.removed, result.head) == (
        "no-repository",
        {},
        (),
        None,
    )
    assert result.note == "no history: the project is not in a git repository"


def test_a_repository_with_no_commit(repo: Repo) -> None:
    assert repo.read() == History("complete", {}, (), None, None)


def test_without_git(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\n")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    result = repo.read()
    assert (result.state, result.files, result.head) == ("no-git", {}, None)
    assert result.note == "no history: git is not installed"


def test_when_git_fails(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\n")
    real = gitlog.log_command
    monkeypatch.setattr(gitlog, "log_command", lambda *a: [*real(*a), "--no-such-option"])
    result = repo.read()
    assert (result.state, result.files) == ("error", {})
    assert result.note is not None and result.note.startswith("no history: git failed: ")


def test_a_repository_another_user_owns(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """git refuses it (its safe.directory rule): the note says so in words and gives the
    command that trusts it, rather than git's first line."""
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\n")
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")  # git's own test switch
    result = repo.read()
    assert (result.state, result.files, result.head) == ("error", {}, None)
    top = str(repo.top.resolve())
    assert result.note == (
        f"no history: git does not read {top}, which another user owns; if you trust it,"
        f" run: git config --global --add safe.directory {shlex.quote(top)}"
    )


def test_a_shallow_clone(repo: Repo, tmp_path: Path) -> None:
    repo.commit("Add", content__personas__old_DOT_yaml="name: Old\n")
    repo.commit("Add D", content__personas__d_DOT_yaml="name: D\nrole: R\n")
    repo.commit("Role", content__personas__d_DOT_yaml="name: D\nrole: S\n")
    repo.commit("New", content__personas__new_DOT_yaml="name: New\n")
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "3", f"file://{repo.top}", str(clone))
    result = read_history(clone, clone / "content")
    assert result.state == "shallow"
    assert result.note == history.NOTES["shallow"]
    old, dana, new = (result.files[f"content/personas/{n}.yaml"] for n in ("old", "d", "new"))
    assert (old.revisions, old.created, old.updated) == ((), None, START + 2 * 3600)
    assert ([r.fields for r in dana.revisions], dana.created) == ([("role",)], None)
    assert ([r.change for r in new.revisions], new.created) == (["added"], START + 4 * 3600)


class Recorder:
    """The git commands a read runs, by subcommand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.commands: list[list[str]] = []
        real = subprocess.Popen
        recorder = self

        class Recording(real):  # type: ignore[type-arg, misc]
            def __init__(self, args: Any, *rest: Any, **options: Any) -> None:
                recorder.commands.append([str(arg) for arg in args])
                super().__init__(args, *rest, **options)

        monkeypatch.setattr(subprocess, "Popen", Recording)

    def subcommands(self) -> list[str]:
        return [next(a for a in c[1:] if not a.startswith("-") and "=" not in a) for c in self]

    def __iter__(self) -> Iterator[list[str]]:
        return iter(self.commands)


def test_the_cache_answers_for_the_same_head(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml=PERSONA, content__pages__g_DOT_md="x\n")
    repo.commit("Pains", content__personas__d_DOT_yaml=PERSONA.replace("night", "dawn"))
    repo.commit("Gone", content__pages__g_DOT_md=None)
    cache = BuildCache(tmp_path / "cache")
    first = repo.read(cache=cache)
    recorder = Recorder(monkeypatch)
    assert repo.read(cache=cache) == first
    assert recorder.subcommands() == ["rev-parse"]
    recorder.commands.clear()
    assert repo.read(limit=1, cache=cache) == repo.read(limit=1)
    assert "log" in recorder.subcommands()


def test_the_cache_of_an_ancestor_is_continued(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml=PERSONA, content__pages__g_DOT_md="x\n")
    dawn = PERSONA.replace("night", "dawn")
    base = repo.commit("Pains", content__personas__d_DOT_yaml=dawn)
    cache = BuildCache(tmp_path / "cache")
    repo.read(limit=2, cache=cache)
    repo.git("mv", "content/personas/d.yaml", "content/personas/dana.yaml")
    repo.commit("Rename")
    repo.commit("Summary", content__personas__dana_DOT_yaml=dawn.replace("Runs", "Leads"))
    repo.commit("Gone", content__pages__g_DOT_md=None)
    recorder = Recorder(monkeypatch)
    continued = repo.read(limit=2, cache=cache)
    logs = [command for command in recorder if "log" in command]
    assert len(logs) == 1 and f"{base}..{continued.head}" in logs[0]
    assert continued == repo.read(limit=2)
    assert changes(continued, "content/personas/dana.yaml") == [
        ("modified", "content/personas/dana.yaml", ("summary",)),
        ("renamed", "content/personas/dana.yaml", ()),
    ]
    assert continued.files["content/personas/dana.yaml"].created == START + 3600


def test_a_merged_branch_older_than_the_cache_is_read_again(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\nrole: R\n")
    repo.git("branch", "side")
    repo.commit("Main", content__personas__e_DOT_yaml="name: E\n")
    cache = BuildCache(tmp_path / "cache")
    repo.read(cache=cache)
    repo.git("checkout", "-q", "side")
    repo.commit("Side", content__personas__d_DOT_yaml="name: D\nrole: S\n")
    repo.git("checkout", "-q", "main")
    repo.when += 3600
    repo.git("merge", "-q", "--no-edit", "side")
    recorder = Recorder(monkeypatch)
    merged = repo.read(cache=cache)
    logs = [command for command in recorder if "log" in command]
    assert len(logs) == 1 and not any(".." in argument for argument in logs[0])
    assert merged == repo.read()
    assert [r.subject for r in merged.files["content/personas/d.yaml"].revisions] == [
        "Side",
        "Add",
    ]


def test_a_path_removed_before_the_cache_and_renamed_into_is_read_again(
    repo: Repo, tmp_path: Path
) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\n", content__pages__e_DOT_md="e\n")
    repo.commit("Remove", content__personas__d_DOT_yaml=None)
    cache = BuildCache(tmp_path / "cache")
    assert [r.path for r in repo.read(cache=cache).removed] == ["content/personas/d.yaml"]
    repo.git("mv", "content/pages/e.md", "content/personas/d.yaml")
    repo.commit("Move")
    assert repo.read(cache=cache) == repo.read()
    assert repo.read().removed == ()


def test_a_path_removed_before_the_cache_and_added_again_is_read_again(
    repo: Repo, tmp_path: Path
) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\n")
    repo.commit("Remove", content__personas__d_DOT_yaml=None, content__pages__g_DOT_md="x\n")
    cache = BuildCache(tmp_path / "cache")
    assert [r.path for r in repo.read(cache=cache).removed] == ["content/personas/d.yaml"]
    repo.commit("Back", content__personas__d_DOT_yaml="name: D2\n")
    again = repo.read(cache=cache)
    assert again == repo.read()
    assert again.removed == ()
    assert [r.change for r in again.files["content/personas/d.yaml"].revisions] == [
        "added",
        "deleted",
        "added",
    ]


def test_a_damaged_cache_is_not_used(repo: Repo, tmp_path: Path) -> None:
    repo.commit("Add", content__personas__d_DOT_yaml="name: D\n")
    cache = BuildCache(tmp_path / "cache")
    fresh = repo.read(cache=cache)
    stored = cache.read(history.CACHE_FILE)
    cache.write(history.CACHE_FILE, {**stored, "files": [["x", None]]})
    assert repo.read(cache=cache) == fresh


def test_the_same_repository_gives_the_same_history(repo: Repo, tmp_path: Path) -> None:
    for number in range(6):
        files = {f"content__personas__p{number % 3}_DOT_yaml": f"name: P\nrole: {number}\n"}
        repo.commit(f"Commit {number}", **files)
    cache = BuildCache(tmp_path / "cache")
    first = repo.read(cache=cache)
    assert repo.read() == first == repo.read(cache=cache)
    assert list(first.files) == sorted(first.files)


@pytest.mark.parametrize(
    "block",
    [
        b"key: value",
        b"key:\tvalue  (b), c/d 1.10",
        b"key:\n  - a\n  - b c",
        b"key:\n- a\n- b",
        b"key:\n  - a\n    - b",
        b"key: a # comment",
        b"body: |\n  x\n\n  y\n   z",
        b"body: |-\n  ## h\n  **b** [x](y) # not a comment",
        b"body: |\n  x\n \n  y",
        b"body: |\n    x\n  y",
        b"body: |\n  x\n# after",
        b"summary: >-\n  a b\n  c\n\n\n  d",
        b"summary: >\n  a  \n  b",
        b"summary: >\n  a\n    b",
        b"summary: >\n  a\n  - b: c",
        b"name: caf\xc3\xa9",
    ],
)
def test_blocks_compared_without_a_parser_compare_as_parsed(block: bytes) -> None:
    """The plain blocks that `_plain` works out alone give the events libyaml gives."""
    plain = revisions._plain(block)
    assert plain is None or plain == revisions._parsed(block)
