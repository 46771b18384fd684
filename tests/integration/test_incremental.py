"""`gtm serve` renders again only the pages whose entries changed. Whatever the edit, the pages
it keeps must be byte for byte what a full build writes: every content file of the example is
edited in turn (its words, its summary, its name, a reference) and both builds are compared."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from gtm.build import PAGES_CACHE, BuildResult, Memos, build_site
from gtm.check import YAML_CACHE
from gtm.content import yamldoc
from gtm.content.project import open_project, run_options
from gtm.publish.output import publish
from gtm.render.pagecache import page_digest
from gtm.render.pages import CompiledTemplates
from gtm.spool import SpooledFiles

Edit = Callable[[str], str]


def _words(text: str) -> str:
    if text.startswith("---"):
        return text + "\nOne more sentence a reader would see.\n"
    return re.sub(r"^(summary: )(.+)$", r"\1\2 Now sharper.", text, count=1, flags=re.M)


def _rename(text: str) -> str:
    return re.sub(r"^(name|title): (.+)$", r"\1: \2 Renamed", text, count=1, flags=re.M)


def _retarget(text: str) -> str:
    """Points the first persona reference somewhere else, so backlinks move."""
    swapped = text.replace("devops-dana", "@@").replace("sre-sam", "devops-dana")
    return swapped.replace("@@", "sre-sam")


def _summary_only(text: str) -> str:
    changed = re.sub(r"^(summary: )(.+)$", r"\1Rewritten.", text, count=1, flags=re.M)
    return changed if changed != text else text + "\n# only a comment changed\n"


def _make_stale(text: str) -> str:
    """An old review date: the item needs attention, so the count in every page's menu moves."""
    if re.search(r"^reviewed: ", text, flags=re.M):
        return re.sub(r"^reviewed: .*$", "reviewed: 2020-01-01", text, count=1, flags=re.M)
    return text


def _recategorize(text: str) -> str:
    """A product's category: the positioning statements generated from it change with it."""
    return re.sub(r"^(category: )(.+)$", r"\1cloud \2", text, count=1, flags=re.M)


EDITS: tuple[Edit, ...] = (_words, _rename, _retarget, _summary_only, _make_stale, _recategorize)


def _build(root: Path, session: Memos | None) -> BuildResult:
    """A build of a `gtm serve` session, or a one-off one without `session`."""
    project = open_project(root)
    return build_site(project, run_options(project, pdf=False), session=session)


def _content_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "content").rglob("*") if p.suffix in (".yaml", ".md"))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import ROOT

    root = tmp_path_factory.mktemp("incremental")
    (root / "gtm.toml").write_bytes((ROOT / "gtm.toml").read_bytes())
    for path in (ROOT / "content").rglob("*"):
        if path.is_file():
            target = root / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return root


def test_a_kept_page_is_what_a_full_build_writes_after_any_edit(example: Path) -> None:
    """The full build starts from nothing but its compiled templates (the edits change content
    only, and compiling the theme for each would take most of the test); what is compared is
    the pages."""
    session, templates = Memos(), CompiledTemplates()
    original = _build(example, session)
    assert original.files and not [d for d in original.diagnostics if d.severity == "error"]
    compared = reused = 0
    edits = [(path, edit) for path in _content_files(example) for edit in EDITS]
    for path, edit in edits:
        before = path.read_text(encoding="utf-8")
        edited = edit(before)
        if edited == before:
            continue
        path.write_text(edited, encoding="utf-8")
        try:
            incremental = _build(example, session)
            reused += session.pages.reused
            full = _build(example, Memos(templates=templates))
        finally:
            path.write_text(before, encoding="utf-8")
        assert incremental.diagnostics == full.diagnostics, path
        changed = sorted(k for k in full.files if full.files[k] != incremental.files.get(k))
        assert changed == [], f"{path.name}, {edit.__name__}: stale pages: {changed}"
        compared += 1
        restored = _build(example, session)
        assert restored.files == original.files, path
    assert compared >= 50
    assert reused > compared * 5, "the cache kept almost nothing: it is not working"


def test_an_edit_renders_again_the_pages_that_show_it_not_those_that_only_link_to_it(
    example: Path,
) -> None:
    linking = example / "content" / "pages" / "who-signs.md"
    linking.write_text(
        "---\ntitle: Who signs\nsummary: The people who approve the purchase.\n"
        "owner: Maya Chen\nreviewed: 2026-11-12\n---\n"
        "Ask [Sam](gtm:personas/sre-sam) before the pilot.\n",
        encoding="utf-8",
    )
    persona = example / "content" / "personas" / "sre-sam.yaml"
    before = persona.read_text(encoding="utf-8")
    session = Memos()
    kept = session.pages
    try:
        _build(example, session)
        linking_page, persona_page = (
            kept.pages["who-signs/index.html"],
            kept.pages["personas/sre-sam/index.html"],
        )
        persona.write_text(_summary_only(before), encoding="utf-8")
        result = _build(example, session)
    finally:
        persona.write_text(before, encoding="utf-8")
        linking.unlink()
    assert b"../personas/sre-sam/index.html" in result.files["who-signs/index.html"]
    assert kept.pages["who-signs/index.html"] is linking_page
    assert kept.pages["personas/sre-sam/index.html"] is not persona_page


def test_a_theme_change_renders_every_page_again(example: Path) -> None:
    session = Memos()
    _build(example, session)
    theme = example / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    from gtm.render.theme import builtin_themes

    base = (builtin_themes() / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    (theme / "base.html").write_text(base.replace("</body>", "<!-- new -->\n</body>"))
    try:
        result = _build(example, session)
    finally:
        (theme / "base.html").unlink()
        theme.rmdir()
        theme.parent.rmdir()
        theme.parent.parent.rmdir()
    assert session.pages.reused == 0
    framed = [n for n in result.files if n.endswith(".html") and not n.startswith("embed/")]
    assert framed and all(b"<!-- new -->" in result.files[name] for name in framed)


def _publish(root: Path) -> BuildResult:
    """What `gtm build` does: build with the caches on disk, then publish the output."""
    project = open_project(root)
    result = build_site(project, run_options(project, pdf=False))
    publish(project.output_dir, result.files)
    return result


def test_a_build_from_the_disk_cache_writes_what_a_fresh_build_does(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    shutil.copytree(example, project)
    first = _publish(project)
    assert first.reused == 0
    cache = open_project(project).cache_dir
    assert (cache / PAGES_CACHE).is_file()
    assert (cache / YAML_CACHE).is_file()
    assert sorted(p.name for p in project.iterdir()) == ["content", "gtm.toml", "output"]
    persona = project / "content/personas/devops-dana.md"
    persona.write_text(_words(persona.read_text(encoding="utf-8")), encoding="utf-8")
    other = project / "content/personas/sre-sam.yaml"
    other.write_text(_summary_only(other.read_text(encoding="utf-8")), encoding="utf-8")
    parsed: list[str] = []
    parse = yamldoc._parse
    monkeypatch.setattr(
        yamldoc, "_parse", lambda text, *at: parsed.append(text) or parse(text, *at)
    )
    from_cache = _publish(project)
    assert len(parsed) == 1 and "Rewritten." in parsed[0], "only changed YAML is parsed again"
    assert 0 < from_cache.reused < from_cache.pages, "unchanged pages come from the output"
    shutil.rmtree(cache)
    fresh = _build(project, None)
    assert from_cache.files == fresh.files
    assert b"One more sentence" in fresh.files["personas/devops-dana/index.html"]


def test_a_build_spooled_to_disk_publishes_what_a_build_in_memory_does(
    example: Path, tmp_path: Path
) -> None:
    """A build whose every file goes to disk (a budget of 0 bytes), from the disk cache after an
    edit, gives the same files and the same output folder as a build held in memory."""
    spooled, held = tmp_path / "spooled", tmp_path / "held"
    shutil.copytree(example, spooled)
    _publish(spooled)
    persona = spooled / "content/personas/devops-dana.md"
    persona.write_text(_words(persona.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(spooled / "content", held / "content")
    shutil.copy(spooled / "gtm.toml", held)
    project = open_project(spooled)
    parent = tmp_path / "spool"
    with SpooledFiles(parent, budget=0) as files:
        result = build_site(project, run_options(project, pdf=False), into=files)
        assert result.files is files and files.spilled == len(files) > 50
        assert 0 < result.reused < result.pages
        publish(project.output_dir, result.files)
    assert list(parent.iterdir()) == []
    fresh = _publish(held)
    assert dict(result.files) == {} and fresh.files
    assert _tree(spooled / "output") == _tree(held / "output")
    assert b"One more sentence" in (spooled / "output/personas/devops-dana/index.html").read_bytes()


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_page_changed_in_the_output_folder_is_rendered_again(
    example: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(example, project)
    first = _publish(project)
    (project / "output/faq/index.html").write_text("somebody was here", encoding="utf-8")
    (project / "output/how-to-use-battlecards/index.html").unlink()
    again = _publish(project)
    assert again.files == first.files
    assert again.reused == first.pages - 2


def test_a_cache_that_comes_with_a_checkout_is_never_read(example: Path, tmp_path: Path) -> None:
    """A `.gtm-cache/` committed to a repository (where gtm once kept its cache) could put
    pages in the portal that no source holds; gtm's cache is outside the project, one folder
    per project, so a copy of a project never reads another's, nor one inside itself."""
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(example, first)
    _publish(first)
    cache = open_project(first).cache_dir
    page = first / "output/faq/index.html"
    planted = page.read_bytes().replace(b"</main>", b"<p>planted</p></main>")
    page.write_bytes(planted)
    stored = json.loads((cache / PAGES_CACHE).read_text(encoding="utf-8"))
    stored["payload"]["pages"]["faq/index.html"][0] = page_digest(planted)
    (cache / PAGES_CACHE).write_text(json.dumps(stored), encoding="utf-8")
    shutil.copytree(first, second)
    shutil.copytree(cache, second / ".gtm-cache")
    assert open_project(second).cache_dir != cache
    assert b"planted" not in _publish(second).files["faq/index.html"]
    assert b"planted" in _publish(first).files["faq/index.html"], "its own cache is trusted"
