"""Theme lookup: the project's theme first, then the built-in one, nothing else; the built-in
one is found through importlib.resources, also when gtm is imported from a zip."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

import gtm.render.theme
from gtm.errors import ProjectError
from gtm.render.theme import BUILTIN_NAME, builtin_themes, installed_themes, load_theme
from tests.conftest import ROOT, MakeProject, RunGtm

SOURCE = ROOT / "themes" / BUILTIN_NAME


def test_builtin_default_theme_is_found() -> None:
    theme = load_theme(Path("/nonexistent-project"), "default")
    assert theme.folders == (builtin_themes() / "default",)
    assert (builtin_themes() / "default" / "templates").is_dir()


def test_the_builtin_themes_are_the_package_gtm_themes_with_every_file() -> None:
    """The package importlib.resources finds, not a guessed folder next to gtm/."""
    assert isinstance(installed_themes(), Path), "an install on disk is used where it is"
    found = builtin_themes() / BUILTIN_NAME
    for name in ("templates/base.html", "templates/print/base.html", "static/print.css"):
        assert (found / name).read_bytes() == (SOURCE / name).read_bytes()


def test_project_theme_comes_first_and_inherits_the_default(tmp_path: Path) -> None:
    own = tmp_path / "themes" / "acme"
    (own / "templates").mkdir(parents=True)
    (own / "static").mkdir()
    (own / "static" / "style.css").write_text("body{}")
    theme = load_theme(tmp_path, "acme")
    assert theme.folders == (own, builtin_themes() / "default")
    assert theme.template_dirs[0] == own / "templates"
    assert theme.static_files()["style.css"] == own / "static" / "style.css"
    assert theme.builtin_template_dir == builtin_themes() / "default" / "templates"


def test_project_can_override_the_default_theme(tmp_path: Path) -> None:
    own = tmp_path / "themes" / "default"
    (own / "templates").mkdir(parents=True)
    theme = load_theme(tmp_path, "default")
    assert theme.folders[0] == own
    assert theme.folders[-1] == builtin_themes() / "default"
    assert theme.builtin_template_dir == builtin_themes() / "default" / "templates"


def test_unknown_theme_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no theme 'fancy'"):
        load_theme(tmp_path, "fancy")


@pytest.fixture
def zipped_gtm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """gtm's themes as importlib.resources gives them when gtm is imported from a zip."""
    archive = tmp_path / "gtm.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(SOURCE.rglob("*")):
            if path.is_file():
                zipped.write(path, f"gtm/themes/default/{path.relative_to(SOURCE).as_posix()}")

    def in_the_zip() -> Traversable:
        return zipfile.Path(archive, "gtm/themes/")

    monkeypatch.setattr(gtm.render.theme, "installed_themes", in_the_zip)
    return archive


def _same_files(copy: Path) -> None:
    copied = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    source = sorted(p.relative_to(SOURCE).as_posix() for p in SOURCE.rglob("*") if p.is_file())
    assert copied == source
    for name in copied:
        assert (copy / name).read_bytes() == (SOURCE / name).read_bytes()


def test_a_zipped_gtms_theme_is_copied_out_for_as_long_as_the_callers_stack(
    zipped_gtm: Path, tmp_path: Path
) -> None:
    own = tmp_path / "project" / "themes" / "acme"
    (own / "templates").mkdir(parents=True)
    with ExitStack() as stack:
        builtin = builtin_themes(stack) / BUILTIN_NAME
        theme = load_theme(tmp_path / "project", "acme", builtin.parent)
        assert theme.folders == (own, builtin)
        assert builtin.is_dir() and zipped_gtm not in builtin.parents
        _same_files(builtin)
        assert theme.static_files()["print.css"] == builtin / "static" / "print.css"
        assert theme.builtin_template_dir == builtin / "templates"
        assert builtin.parent.name == "themes", "template errors name themes/<name>/..."
    assert not builtin.exists()


def test_a_zipped_gtms_theme_lasts_until_exit_when_the_caller_owns_no_stack(
    zipped_gtm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_exit: list[Callable[[], object]] = []
    monkeypatch.setattr(gtm.render.theme.atexit, "register", at_exit.append)
    builtin = load_theme(Path("/nonexistent-project"), "default").folders[-1]
    _same_files(builtin)
    assert len(at_exit) == 1
    at_exit[0]()
    assert not builtin.exists()


def test_a_site_builds_from_a_zipped_gtms_theme(
    zipped_gtm: Path, make_project: MakeProject, run_gtm: RunGtm
) -> None:
    """Jinja's loader, `default:` templates and the static files all work from the copy."""
    root = make_project(
        {
            "themes/default/templates/base.html": (
                '{% extends "default:base.html" %}{% block title %}Zipped{% endblock %}'
            ),
        }
    )
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 0, result.output
    assert "<title>Zipped</title>" in (root / "output/index.html").read_text(encoding="utf-8")
    style = (root / "output/static/style.css").read_bytes()
    assert style == (SOURCE / "static/style.css").read_bytes()


def test_a_gtm_copied_without_its_themes_is_a_project_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No guess at a folder next to gtm/ (which is how a wheel once failed): a clear error."""
    monkeypatch.setattr(gtm.render.theme, "BUILTIN_PACKAGE", "gtm.no_such_themes")
    with pytest.raises(ProjectError, match=r"built-in themes \(gtm.no_such_themes\)"):
        load_theme(Path("/nonexistent-project"), "default")
