"""`gtm init` and `gtm new`: files that load and check, and refusals that protect work."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from gtm.content.kinds import KINDS
from gtm.content.project import open_project
from gtm.content.sources import read_source
from gtm.content.validate import Item, validate_source
from gtm.diagnostics import Diagnostics
from gtm.errors import UsageError
from gtm.scaffold import (
    KIND_ALIASES,
    init_project,
    new_artifact,
    resolve_kind,
    starter_files,
)
from gtm.site.facts import derive_facts, health
from gtm.site.views import KIND_LABELS, KIND_TITLES
from tests.unit.helpers import TODAY, check

WORDS = {
    "products": "product",
    "personas": "persona",
    "competitors": "competitor",
    "positioning": "positioning",
    "messaging": "messaging",
    "launches": "launch",
    "pages": "page",
}


@pytest.fixture
def started(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    init_project(root)
    return root


def test_init_writes_a_project_that_checks_clean(started: Path) -> None:
    assert (started / "gtm.toml").is_file()
    result = check(started)
    assert [d.format() for d in result.diagnostics] == []
    for kind in KINDS:
        assert result.site.items[kind], f"the starter has an example of {kind}"


def test_init_writes_exactly_the_starter(tmp_path: Path) -> None:
    written = init_project(tmp_path / "p")
    names = sorted(p.relative_to(tmp_path / "p").as_posix() for p in written)
    assert names == sorted([*starter_files(), ".gitignore"])
    assert "gtm.toml" in names


def test_init_keeps_generated_files_out_of_git_and_keeps_an_existing_gitignore(
    tmp_path: Path,
) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/\n/output/")
    init_project(tmp_path)
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["node_modules/", "/output/"]
    assert lines.count("/output/") == 1
    assert "/.gtm-cache/" in lines


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "content").mkdir(parents=True)
    (root / "gtm.toml").write_text("# mine\n")
    with pytest.raises(UsageError) as info:
        init_project(root)
    assert "gtm.toml" in info.value.message
    assert info.value.exit_code == 2
    assert (root / "gtm.toml").read_text() == "# mine\n"
    assert list((root / "content").iterdir()) == []


def test_init_into_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine")
    init_project(tmp_path)
    assert (tmp_path / "README.md").read_text() == "mine"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_new_writes_a_file_that_validates_with_only_placeholder_warnings(
    tmp_path: Path, kind: str
) -> None:
    (tmp_path / "gtm.toml").write_text("")
    project = open_project(tmp_path)
    path = new_artifact(project, WORDS[kind], "my-new-one", TODAY)
    suffix = ".md" if kind in ("launches", "pages") else ".yaml"
    assert path == project.content_dir / kind / f"my-new-one{suffix}"
    diagnostics = Diagnostics()
    source = read_source(kind, path, project.root, diagnostics)
    assert source is not None
    item = validate_source(source, diagnostics)
    assert [d.format() for d in diagnostics.items] == []
    assert isinstance(item, Item)
    assert item.fields.status == "draft"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_new_in_a_started_project_checks_with_only_placeholder_warnings(
    started: Path, kind: str
) -> None:
    new_artifact(open_project(started), WORDS[kind], "my-new-one", TODAY)
    result = check(started)
    assert {d.code for d in result.diagnostics} <= {"placeholder"}
    assert all(d.severity == "warning" for d in result.diagnostics)
    if kind != "products":
        assert result.diagnostics, "a new file is visibly unfinished"


def test_new_refers_to_existing_artifacts(started: Path) -> None:
    path = new_artifact(open_project(started), "positioning", "second", TODAY)
    assert "\nproduct: beacon\n" in path.read_text()


def test_new_uses_today_for_dates(started: Path) -> None:
    path = new_artifact(open_project(started), "launch", "next", TODAY)
    assert "\ndate: 2026-11-23\n" in path.read_text()


def test_new_explains_every_field(started: Path) -> None:
    text = new_artifact(open_project(started), "persona", "x", TODAY).read_text()
    for field in ("role", "buying_role", "goals", "pains", "quote", "triggers"):
        assert f"\n{field}:" in text
    assert "# Job title; required" in text
    assert "one of: decision_maker, economic_buyer, champion, influencer, user" in text


def test_new_adds_the_schema_line_when_schemas_exist(started: Path) -> None:
    (started / "schemas").mkdir()
    (started / "schemas" / "personas.schema.json").write_text("{}")
    text = new_artifact(open_project(started), "persona", "x", TODAY).read_text()
    assert text.splitlines()[0] == (
        "# yaml-language-server: $schema=../../schemas/personas.schema.json"
    )
    other = new_artifact(open_project(started), "persona", "y", TODAY).read_text()
    assert other.startswith("# yaml-language-server:")


def test_new_without_schemas_has_no_schema_line(started: Path) -> None:
    text = new_artifact(open_project(started), "persona", "x", TODAY).read_text()
    assert "yaml-language-server" not in text


@pytest.mark.parametrize("existing", ["dana.yaml", "dana.yml", "dana.md"])
def test_new_refuses_an_existing_id(started: Path, existing: str) -> None:
    folder = started / "content" / "personas"
    (folder / existing).write_text("name: mine\n")
    with pytest.raises(UsageError) as info:
        new_artifact(open_project(started), "persona", "dana", TODAY)
    assert "already exists" in info.value.message
    assert (folder / existing).read_text() == "name: mine\n"


@pytest.mark.parametrize("ident", ["Dana", "devops_dana", "-x", "a" * 65, "../x", "x/y", ""])
def test_new_refuses_a_bad_slug(started: Path, ident: str) -> None:
    before = sorted(started.rglob("*"))
    with pytest.raises(UsageError):
        new_artifact(open_project(started), "persona", ident, TODAY)
    assert sorted(started.rglob("*")) == before


def test_new_refuses_an_unknown_kind_with_a_suggestion(started: Path) -> None:
    with pytest.raises(UsageError) as info:
        new_artifact(open_project(started), "persnoa", "x", TODAY)
    assert "did you mean 'persona'" in info.value.message


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("persona", "personas"),
        ("Personas", "personas"),
        ("battlecard", "competitors"),
        ("launch", "launches"),
        ("page", "pages"),
        ("messaging", "messaging"),
        ("product", "products"),
    ],
)
def test_kind_words(word: str, kind: str) -> None:
    assert resolve_kind(word) == kind


def test_every_name_the_portal_and_the_pdfs_use_is_a_kind_word() -> None:
    """A marketer types what the portal shows: `gtm new battlecard`, `gtm new guides`."""
    documents = {name: kind.document.label for name, kind in KINDS.items() if kind.document}
    names = [*KIND_LABELS.items(), *KIND_TITLES.items(), *documents.items()]
    for kind, name in names:
        assert resolve_kind(name) == kind, name
        assert resolve_kind(name.lower().replace(" ", "-")) == kind, name


def test_a_bad_id_suggests_the_slug(started: Path) -> None:
    with pytest.raises(UsageError) as info:
        new_artifact(open_project(started), "persona", "Dev Ops Dana", TODAY)
    assert "like 'dev-ops-dana'" in info.value.message


def test_a_new_project_needs_no_attention(started: Path) -> None:
    """A fresh project checks clean and its health page lists nothing to fix."""
    result = check(started)
    project = open_project(started)
    assert health(result.site, derive_facts(result.site, project.config, TODAY)).problems == 0


def test_every_kind_has_its_plural_as_a_word() -> None:
    for kind in KINDS:
        assert KIND_ALIASES[kind] == kind


def test_new_refuses_a_page_id_the_portal_uses(started: Path) -> None:
    """`gtm check` rejects such a page (reserved-id), so `gtm new` must not write one."""
    for ident in ("search", "health", "personas", "index"):
        with pytest.raises(UsageError):
            new_artifact(open_project(started), "page", ident, TODAY)
        assert not (started / "content" / "pages" / f"{ident}.md").exists()


def test_a_reserved_word_is_fine_for_other_kinds(started: Path) -> None:
    path = new_artifact(open_project(started), "persona", "search", TODAY)
    assert path.is_file()


def test_the_starter_is_package_data_read_the_same_from_a_zip(tmp_path: Path) -> None:
    """A zipped gtm (zipapp, a wheel on sys.path) has no starter folder on disk; the starter
    is read through importlib.resources, so it is the same project there."""
    on_disk = starter_files()
    assert {"gtm.toml", "content/brand.yaml"} <= set(on_disk)
    archive = tmp_path / "gtm.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, data in on_disk.items():
            zipped.writestr(f"gtm/starter/{name}", data)
    assert starter_files(zipfile.Path(archive, "gtm/starter/")) == on_disk


def test_a_file_in_the_way_of_a_folder_is_a_clear_refusal(tmp_path: Path) -> None:
    """A file where gtm puts a folder stops init and new with a sentence, not a traceback, and
    init writes nothing at all."""
    (tmp_path / "p").mkdir()
    (tmp_path / "p/content").write_text("a note")
    with pytest.raises(UsageError) as info:
        init_project(tmp_path / "p")
    assert "'" + str(tmp_path / "p/content") + "' is a file where gtm init puts a folder" in (
        info.value.message
    )
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["content"]

    root = tmp_path / "q"
    init_project(root)
    (root / "content/personas").rename(root / "personas-old")
    (root / "content/personas").write_text("")
    with pytest.raises(UsageError) as info:
        new_artifact(open_project(root), "persona", "dana", TODAY)
    assert info.value.message == "'content/personas' is a file where gtm new puts a folder"
