"""Theme lookup: the project's theme first, then the built-in one, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtm.errors import ProjectError
from gtm.theme import builtin_themes, load_theme


def test_builtin_default_theme_is_found() -> None:
    theme = load_theme(Path("/nonexistent-project"), "default")
    assert theme.folders == (builtin_themes() / "default",)
    assert (builtin_themes() / "default" / "templates").is_dir()


def test_project_theme_comes_first_and_inherits_the_default(tmp_path: Path) -> None:
    own = tmp_path / "themes" / "acme"
    (own / "templates").mkdir(parents=True)
    (own / "static").mkdir()
    (own / "static" / "style.css").write_text("body{}")
    theme = load_theme(tmp_path, "acme")
    assert theme.folders == (own, builtin_themes() / "default")
    assert theme.template_dirs[0] == own / "templates"
    assert theme.static_files()["style.css"] == own / "static" / "style.css"


def test_project_can_override_the_default_theme(tmp_path: Path) -> None:
    own = tmp_path / "themes" / "default"
    (own / "templates").mkdir(parents=True)
    theme = load_theme(tmp_path, "default")
    assert theme.folders[0] == own
    assert theme.folders[-1] == builtin_themes() / "default"


def test_unknown_theme_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no theme 'fancy'"):
        load_theme(tmp_path, "fancy")
