"""The project: found upwards from a folder, configured from gtm.toml, today from
SOURCE_DATE_EPOCH, and colour only on a terminal without NO_COLOR."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from gtm.cache import program_digest
from gtm.content.project import (
    Project,
    cache_folder_name,
    find_root,
    open_project,
    run_options,
    source_date_epoch,
    today,
    use_color,
)
from gtm.errors import ProjectError
from tests.conftest import EXAMPLE_EPOCH, ROOT


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_today_comes_from_source_date_epoch() -> None:
    assert today() == date(2026, 11, 23)
    assert source_date_epoch() == int(EXAMPLE_EPOCH)


def test_today_is_taken_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86399")  # 1970-01-01 23:59:59 UTC
    assert today() == date(1970, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert today() == date(1970, 1, 2)


def test_without_source_date_epoch_today_is_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs((today() - date.today()).days) <= 1
    assert source_date_epoch() is None


@pytest.mark.parametrize("epoch", ["abc", "1.5", "2026-11-23", "1e9", "99999999999999999999"])
def test_an_invalid_epoch_is_a_project_error(monkeypatch: pytest.MonkeyPatch, epoch: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(ProjectError) as info:
        today()
    assert info.value.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in info.value.message


def test_find_root_walks_upwards(tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").write_text("")
    deep = tmp_path / "content" / "personas"
    deep.mkdir(parents=True)
    assert find_root(deep) == tmp_path.resolve()
    assert find_root(tmp_path) == tmp_path.resolve()


def test_find_root_takes_the_nearest(tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").write_text("")
    inner = tmp_path / "inner"
    (inner / "sub").mkdir(parents=True)
    (inner / "gtm.toml").write_text("")
    assert find_root(inner / "sub") == inner.resolve()


def test_a_folder_named_gtm_toml_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").mkdir()
    with pytest.raises(ProjectError):
        find_root(tmp_path)


def test_no_gtm_toml_anywhere_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError) as info:
        find_root(tmp_path)
    assert "gtm init" in info.value.message
    assert info.value.exit_code == 2


def test_open_project_from_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "gtm.toml").write_text('[build]\ncontent_dir = "src"\n')
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    project = open_project(None)
    assert project.root == tmp_path.resolve()
    assert project.content_dir == tmp_path.resolve() / "src"
    assert project.output_dir == tmp_path.resolve() / "output"


def test_open_project_on_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectError):
        open_project(tmp_path / "missing")


def test_a_broken_config_stops_with_its_diagnostics(tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").write_text('[site]\ntitel = "x"\n')
    with pytest.raises(ProjectError) as info:
        open_project(tmp_path)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.format().startswith("gtm.toml:2:1: error: unknown key 'site.titel'")


def test_relative_paths_are_posix_and_project_relative(tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").write_text("")
    project = open_project(tmp_path)
    path = project.root / "content" / "personas" / "dana.yaml"
    assert project.relative(path) == "content/personas/dana.yaml"


def test_flags_win_over_the_config(tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").write_text('[build]\naudience = "public"\n[pdf]\nenabled = false\n')
    project = open_project(tmp_path)
    defaults = run_options(project)
    assert (defaults.audience, defaults.pdf, defaults.drafts, defaults.strict) == (
        "public",
        False,
        False,
        False,
    )
    assert defaults.today == date(2026, 11, 23)
    assert defaults.jobs >= 1
    flags = run_options(project, audience="internal", pdf=True, drafts=True, strict=True, jobs=3)
    assert (flags.audience, flags.pdf, flags.drafts, flags.strict, flags.jobs) == (
        "internal",
        True,
        True,
        True,
        3,
    )


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not use_color(Terminal()), "NO_COLOR is set by the fixture"
    monkeypatch.delenv("NO_COLOR")
    assert use_color(Terminal())
    assert not use_color(io.StringIO())
    assert not use_color(object())


def test_project_is_a_plain_value(tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").write_text("")
    project = open_project(tmp_path)
    assert isinstance(project, Project)
    assert project == open_project(tmp_path)


def test_a_content_folder_outside_the_project_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (root / "gtm.toml").write_text('[build]\ncontent_dir = "../elsewhere"\n')
    with pytest.raises(ProjectError) as info:
        open_project(root)
    assert "content_dir" in info.value.message


@pytest.mark.parametrize(
    "payload",
    [{"a": ["<p>x</p>", ["gtm:personas/dana"]], 'b"\n': None}, {}, ["list", 1], "text", None],
)
def test_a_cache_file_reads_back_what_was_written(tmp_path: Path, payload: object) -> None:
    (tmp_path / "gtm.toml").write_text("")
    project = open_project(tmp_path)
    project.cache.write("some.json", payload)
    assert project.cache.read("some.json") == payload
    assert [p.name for p in project.cache_dir.iterdir()] == ["some.json"]


def test_a_cache_that_cannot_be_written_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").write_text("")
    project = open_project(tmp_path)
    project.cache.write("some.json", {"good": 1})
    project.cache.write("some.json", {"bad": object()})
    assert project.cache.read("some.json") == {"good": 1}
    assert [p.name for p in project.cache_dir.iterdir()] == ["some.json"]


def _project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "gtm.toml").write_text("")
    return root


def test_the_cache_is_one_folder_per_project_under_gtm_cache_dir(
    tmp_path: Path, gtm_cache: Path
) -> None:
    first = open_project(_project(tmp_path / "a" / "my portal"))
    second = open_project(_project(tmp_path / "b" / "my portal"))
    assert first.cache_dir.parent == second.cache_dir.parent == gtm_cache
    assert first.cache_dir.name.startswith("my-portal-")
    assert second.cache_dir.name.startswith("my-portal-")
    assert first.cache_dir != second.cache_dir, "the same folder name elsewhere is another project"
    assert open_project(tmp_path / "a" / "my portal").cache_dir == first.cache_dir


def test_a_cache_folder_name_is_readable_and_safe(tmp_path: Path) -> None:
    assert cache_folder_name(tmp_path / "..").startswith(tmp_path.parent.name[:40])
    for odd in ("../../etc", ".hidden", "a/b", "...", "Ünïcode portal"):
        name = cache_folder_name(tmp_path / odd)
        assert "/" not in name and not name.startswith((".", "-")), name


def test_the_option_wins_over_the_variable(tmp_path: Path, gtm_cache: Path) -> None:
    root = _project(tmp_path / "project")
    chosen = tmp_path / "ci-cache"
    project = open_project(root, chosen)
    assert project.cache_dir.parent == chosen
    assert not chosen.exists(), "opening a project writes nothing"


@pytest.mark.parametrize(
    ("platform", "variables", "expected"),
    [
        ("linux", {"XDG_CACHE_HOME": "/xdg"}, "/xdg/gtm"),
        ("linux", {"XDG_CACHE_HOME": "relative/ignored"}, "{home}/.cache/gtm"),
        ("linux", {}, "{home}/.cache/gtm"),
        ("darwin", {"XDG_CACHE_HOME": "/xdg"}, "{home}/Library/Caches/gtm"),
        ("win32", {"LOCALAPPDATA": "/appdata/local"}, "/appdata/local/gtm/Cache"),
        ("win32", {}, "{home}/AppData/Local/gtm/Cache"),
    ],
)
def test_without_an_override_the_cache_is_in_the_users_cache_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    platform: str,
    variables: dict[str, str],
    expected: str,
) -> None:
    home = tmp_path / "home"
    for name in ("GTM_CACHE_DIR", "XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "platform", platform)
    project = open_project(_project(tmp_path / "project"))
    assert project.cache_dir.parent == Path(expected.format(home=home))


def test_without_a_home_folder_the_cache_must_be_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "project")
    monkeypatch.delenv("GTM_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home(cls: type[Path]) -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", classmethod(no_home))
    with pytest.raises(ProjectError) as info:
        open_project(root)
    assert info.value.exit_code == 2
    assert "GTM_CACHE_DIR" in info.value.message and "--cache-dir" in info.value.message
    assert open_project(root, tmp_path / "named").cache_dir.parent == tmp_path / "named"


@pytest.mark.parametrize("where", [".gtm-cache", ".", "content/cache", "link-to-inside"])
def test_a_cache_folder_inside_the_project_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    root = _project(tmp_path / "project")
    (root / "content").mkdir()
    (tmp_path / "link-to-inside").symlink_to(root / "content")
    monkeypatch.chdir(tmp_path if where == "link-to-inside" else root)
    monkeypatch.setenv("GTM_CACHE_DIR", where)
    with pytest.raises(ProjectError) as info:
        open_project(root)
    assert info.value.exit_code == 2
    assert info.value.message.startswith("GTM_CACHE_DIR '")
    assert "is inside the project" in info.value.message
    with pytest.raises(ProjectError) as info:
        open_project(root, Path(where))
    assert info.value.message.startswith("--cache-dir '")


def test_a_cache_restored_into_another_folder_is_read(tmp_path: Path) -> None:
    """A CI cache comes back as new files in a new folder: still this program's, still read."""
    root = _project(tmp_path / "project")
    written = open_project(root, tmp_path / "run-1")
    written.cache.write("some.json", {"a": 1})
    shutil.copytree(tmp_path / "run-1", tmp_path / "run-2")
    assert open_project(root, tmp_path / "run-2").cache.read("some.json") == {"a": 1}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "\udcff",
        "[1, 2]",
        '"a string"',
        "null",
        '{"payload": {"a": 1}}',
        '{"key": "another program", "payload": {"a": 1}}',
        '{"key": null, "payload": {"a": 1}}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_a_corrupt_or_foreign_cache_file_is_ignored(tmp_path: Path, text: str) -> None:
    project = open_project(_project(tmp_path / "project"))
    project.cache_dir.mkdir(parents=True)
    (project.cache_dir / "some.json").write_text(text, encoding="utf-8", errors="surrogateescape")
    assert project.cache.read("some.json") is None
    project.cache.write("some.json", {"a": 1})
    assert project.cache.read("some.json") == {"a": 1}


def test_a_cache_file_of_another_gtm_is_ignored(tmp_path: Path) -> None:
    project = open_project(_project(tmp_path / "project"))
    project.cache.write("some.json", {"a": 1})
    path = project.cache_dir / "some.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["key"] == program_digest()
    path.write_text(json.dumps({**stored, "key": "0" * 32}), encoding="utf-8")
    assert project.cache.read("some.json") is None


def test_the_program_digest_reads_gtms_modules_from_a_zip_too(tmp_path: Path) -> None:
    """Imported from a zip, gtm's modules are not files in a folder; the digest must still
    cover them, or a cache of other code would be trusted."""
    folder, archive = tmp_path / "folder", tmp_path / "gtm.zip"
    shutil.copytree(ROOT / "gtm", folder / "gtm", ignore=shutil.ignore_patterns("__pycache__"))
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted((folder / "gtm").rglob("*")):
            zipped.write(path, path.relative_to(folder).as_posix())
    code = "import gtm.cache as p; print(p.program_digest(), p.__file__)"

    def digest(where: Path) -> tuple[str, str]:
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONPATH": str(where), "PYTHONSAFEPATH": "1"},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        found, file = result.stdout.split()
        return found, file

    from_folder, folder_file = digest(folder)
    from_zip, zip_file = digest(archive)
    assert folder_file.startswith(str(folder)) and zip_file.startswith(str(archive))
    assert len(from_zip) == 32 and from_zip == from_folder
    (folder / "gtm" / "views.py").write_text("# changed\n", encoding="utf-8")
    assert digest(folder)[0] != from_folder, "the digest covers every module"


def test_a_cache_folder_that_cannot_be_made_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    project = open_project(_project(tmp_path / "project"), blocker / "caches")
    project.cache.write("some.json", {"a": 1})
    assert project.cache.read("some.json") is None
    assert blocker.read_text() == "not a folder"
