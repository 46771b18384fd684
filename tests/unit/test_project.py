"""The project: found upwards from a folder, configured from gtm.toml, today from
SOURCE_DATE_EPOCH, and colour only on a terminal without NO_COLOR."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from gtm.errors import ProjectError
from gtm.project import (
    Project,
    find_root,
    open_project,
    run_options,
    source_date_epoch,
    today,
    use_color,
)
from tests.conftest import EXAMPLE_EPOCH


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
    project.write_cache("some.json", payload)
    assert project.read_cache("some.json") == payload
    assert [p.name for p in project.cache_dir.iterdir()] == ["some.json"]


def test_a_cache_that_cannot_be_written_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").write_text("")
    project = open_project(tmp_path)
    project.write_cache("some.json", {"good": 1})
    project.write_cache("some.json", {"bad": object()})
    assert project.read_cache("some.json") == {"good": 1}
    assert [p.name for p in project.cache_dir.iterdir()] == ["some.json"]
