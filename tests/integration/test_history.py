"""What changed, from git, end to end: the example imported into a fresh repository and
committed, then a persona's pains and a battlecard's pricing edited in a second commit with a
subject. The changes page and the Atom feed name both artifacts and their fields, the
battlecard says what changed since its review (page and PDF), a public build shows no subject,
and a shallow clone or a project outside git still builds and says what is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
from pypdf import PdfReader

from tests.conftest import RunGtm, copy_example

SUBJECT = "PageStorm raised prices; Dana's new pain"


def git(root: Path, *args: str, when: str = "2026-11-02T10:00:00Z") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Quinn Committer",
        "GIT_AUTHOR_EMAIL": "quinn@acme.example",
        "GIT_COMMITTER_NAME": "Quinn Committer",
        "GIT_COMMITTER_EMAIL": "quinn@acme.example",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root),
    }
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.fail("git is needed for the history tests")
    root = copy_example(tmp_path / "gtm")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import the GTM content")
    content = root / "content"
    edit(
        content / "competitors/pagestorm.md",
        "Professional $25 and Business $45",
        "Professional $27 and Business $49",
    )
    edit(
        content / "personas/devops-dana.md",
        "pains:\n",
        "pains:\n  - Pages for alerts her team does not own\n",
    )
    git(root, "commit", "-q", "-am", SUBJECT, when="2026-11-20T09:00:00Z")
    return root


def build(run_gtm: RunGtm, root: Path, *flags: str) -> str:
    result = run_gtm("build", *flags, project=root)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_changes_page_and_feed_name_both_artifacts_and_their_fields(
    repo: Path, run_gtm: RunGtm
) -> None:
    build(run_gtm, repo, "--no-pdf")
    page = (repo / "output/changes/index.html").read_text(encoding="utf-8")
    week = page[page.index("Week of") : page.index("Week of", page.index("Week of") + 1)]
    assert "16 Nov 2026" in week
    assert 'href="../competitors/pagestorm/index.html">PageStorm</a>' in week
    assert "changed pricing</span>" in week
    assert 'href="../personas/devops-dana/index.html">DevOps Dana</a>' in week
    assert "changed pains</span>" in week
    assert week.count(SUBJECT.replace("'", "&#39;")) == 2
    feed = feedparser.parse((repo / "output/changes.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Acme GTM Portal: what changed"
    first = feed.entries[:2]
    assert [e.title for e in first] == ["PageStorm: changed pricing", "DevOps Dana: changed pains"]
    assert all(e.updated == "2026-11-20T09:00:00Z" and e.id.startswith("urn:uuid:") for e in first)
    assert first[0].link == "competitors/pagestorm/index.html"
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_the_battlecard_says_what_changed_since_its_review(repo: Path, run_gtm: RunGtm) -> None:
    build(run_gtm, repo)
    page = (repo / "output/competitors/pagestorm/index.html").read_text(encoding="utf-8")
    assert "What changed since" in page and "9 Nov 2026</time>:</strong> pricing." in page
    assert (
        "Updated</dt><dd>" in page and '<span class="badge badge--updated">Updated</span>' in page
    )
    history = page[page.index('aria-label="History"') :]
    assert "Created <time" in history and "changed pricing" in history and SUBJECT[:20] in history
    pdf = PdfReader(repo / "output/pdf/battlecards/pagestorm.pdf")
    assert len(pdf.pages) == 1
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "CHANGED SINCE pricing" in text
    alertly = (repo / "output/competitors/alertly/index.html").read_text(encoding="utf-8")
    assert "What changed since" not in alertly


def test_a_public_build_shows_its_own_history_without_subjects(repo: Path, run_gtm: RunGtm) -> None:
    build(run_gtm, repo, "--audience", "public", "--no-pdf")
    output = repo / "output"
    for path in output.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".js"}:
            text = path.read_text(encoding="utf-8")
            assert "Dana&#39;s new pain" not in text and "Dana's new pain" not in text, path
            assert "Import the GTM content" not in text and "Quinn" not in text, path
    page = (output / "changes/index.html").read_text(encoding="utf-8")
    assert "DevOps Dana" in page and "changed pains" in page
    assert "PageStorm" not in page, "an internal battlecard's change is not in a public build"


def test_uncommitted_edits_do_not_count_and_builds_repeat(repo: Path, run_gtm: RunGtm) -> None:
    build(run_gtm, repo, "--no-pdf")
    first = {p: (repo / "output" / p).read_bytes() for p in ("changes.xml", "changes/index.html")}
    build(run_gtm, repo, "--no-pdf")
    assert {p: (repo / "output" / p).read_bytes() for p in first} == first
    edit(repo / "content/competitors/alertly.yaml", "threat: medium", "threat: high")
    build(run_gtm, repo, "--no-pdf")
    assert (repo / "output/changes.xml").read_bytes() == first["changes.xml"]
    page = (repo / "output/competitors/alertly/index.html").read_text(encoding="utf-8")
    assert "changed threat" not in page


def test_a_removed_artifact_is_listed_in_internal_builds_and_a_removed_draft_with_drafts(
    repo: Path, run_gtm: RunGtm
) -> None:
    """Drafts have no history in a build that leaves them out: not even their removal."""
    competitors = repo / "content/competitors"
    (competitors / "zeta.yaml").write_text("name: Zeta\nstrengths: [cheap]\n", encoding="utf-8")
    secret = "name: SecretCo\nstatus: draft\nstrengths: [x]\n"
    (competitors / "secretco.yaml").write_text(secret, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Zeta enters", when="2026-11-21T09:00:00Z")
    git(repo, "rm", "-q", "content/competitors/zeta.yaml", "content/competitors/secretco.yaml")
    git(repo, "commit", "-q", "-m", "Zeta left the market", when="2026-11-22T09:00:00Z")
    build(run_gtm, repo, "--no-pdf")
    page = (repo / "output/changes/index.html").read_text(encoding="utf-8")
    assert '<span class="change__name">zeta</span>' in page
    assert "removed</span>" in page and "Zeta left the market" in page
    for name in ("changes/index.html", "changes.xml", "index.html"):
        assert "secretco" not in (repo / "output" / name).read_text(encoding="utf-8").lower()
    build(run_gtm, repo, "--no-pdf", "--audience", "public")
    public = (repo / "output/changes/index.html").read_text(encoding="utf-8")
    assert "zeta" not in public.lower() and "secretco" not in public.lower()
    build(run_gtm, repo, "--no-pdf", "--drafts")
    page = (repo / "output/changes/index.html").read_text(encoding="utf-8")
    assert '<span class="change__name">secretco</span>' in page


def test_a_renamed_file_keeps_its_history(repo: Path, run_gtm: RunGtm) -> None:
    git(repo, "mv", "content/pages/faq.md", "content/pages/questions.md")
    git(repo, "commit", "-q", "-m", "Rename", when="2026-11-21T09:00:00Z")
    build(run_gtm, repo, "--no-pdf")
    page = (repo / "output/questions/index.html").read_text(encoding="utf-8")
    history = page[page.index('aria-label="History"') :]
    assert 'Created <time datetime="2026-11-02">' in history
    assert "renamed</span>" in history and "added</span>" in history


def test_a_shallow_clone_builds_and_says_history_is_partial(
    repo: Path, run_gtm: RunGtm, tmp_path: Path
) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(shallow))
    output = build(run_gtm, shallow, "--no-pdf")
    assert output.count("history is partial") == 1, output


def test_outside_git_the_build_says_so_once_and_shows_no_history(
    tmp_path: Path, run_gtm: RunGtm
) -> None:
    root = copy_example(tmp_path / "plain")
    output = build(run_gtm, root, "--no-pdf")
    assert [line for line in output.splitlines() if "history" in line] == [
        "gtm: no history: the project is not in a git repository"
    ]
    page = (root / "output/competitors/pagestorm/index.html").read_text(encoding="utf-8")
    assert 'aria-label="History"' not in page and "What changed since" not in page
    changes = (root / "output/changes/index.html").read_text(encoding="utf-8")
    assert "No history: the project is not in a git repository." in changes


def test_a_repository_another_user_owns_says_the_command_with_its_folder_as_spelt(
    tmp_path: Path, run_gtm: RunGtm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git's safe.directory refusal, in words, with a command that works as pasted: the
    folder's capitals kept on the changes page too; a public portal names no build folder."""
    root = copy_example(tmp_path / "MyRepo")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Import"]):
        git(root, *args)
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")  # git's own test switch
    output = build(run_gtm, root, "--no-pdf")
    command = f"git config --global --add safe.directory {root.resolve()}"
    assert f"gtm: no history: git does not read {root.resolve()}" in output
    assert command in output
    changes = (root / "output/changes/index.html").read_text(encoding="utf-8")
    assert "No history: git does not read" in changes and command in changes
    output = build(run_gtm, root, "--no-pdf", "--audience", "public")
    assert command in output, "the terminal still says what to do"
    for path in (root / "output").rglob("*.html"):
        assert str(root) not in path.read_text(encoding="utf-8"), "no build folder in a public page"
    changes = (root / "output/changes/index.html").read_text(encoding="utf-8")
    assert "No history: git could not be read when this portal was built." in changes


def output_files(root: Path) -> dict[str, bytes]:
    folder = root / "output"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_rebuild_after_a_new_commit_equals_a_build_from_nothing(
    repo: Path, run_gtm: RunGtm, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The history, the changes page, the home page and the feed are kept from the last build
    while what they show is the same; after a new commit, and after a new title that no commit
    holds, what is kept must be what a build from nothing makes."""
    build(run_gtm, repo, "--no-pdf")
    before = (repo / "output/changes.xml").read_bytes()
    edit(repo / "content/personas/devops-dana.md", "her team does not own", "nobody owns")
    git(repo, "commit", "-q", "-am", "Dana: ownerless alerts", when="2026-11-21T09:00:00Z")
    config, cache = repo / "gtm.toml", os.environ["GTM_CACHE_DIR"]
    for step in ("commit", "title"):
        if step == "title":
            edit(config, 'title = "Acme GTM Portal"', 'title = "Acme Field Portal"')
        build(run_gtm, repo, "--no-pdf")
        kept = output_files(repo)
        monkeypatch.setenv("GTM_CACHE_DIR", str(tmp_path / f"fresh-{step}"))
        shutil.rmtree(repo / "output")
        build(run_gtm, repo, "--no-pdf")
        assert output_files(repo) == kept, step
        monkeypatch.setenv("GTM_CACHE_DIR", cache)
    feed = kept["changes.xml"].decode()
    assert feed != before.decode() and "Dana: ownerless alerts" in feed
    assert "<title>Acme Field Portal: what changed</title>" in feed
    home = kept["index.html"].decode()
    recent = home[home.index('<ul class="recent-list">') :]
    assert recent.index("21 Nov 2026</time> · changed pains") < recent.index("20 Nov 2026")
