"""content/assets/ publishes real files only: a symbolic link there (to `.env`, to `.git/config`
in CI, to a draft, into the cache, or out of the project) is a warning and is never read, and
neither is a pipe, socket or device. Real links and a real pipe on disk, built for real."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from gtm.cli import main
from gtm.content.reading import find_assets
from gtm.diagnostics import Diagnostics
from tests.conftest import MakeProject, RunGtm

SECRET = "GTM_TEST_SECRET_5f1c9a"
LINK = "is a link: gtm publishes only real files from content/assets/; copy the file here instead"
SPECIAL = (
    "is not a regular file (a pipe, socket or device): gtm publishes only real files from "
    "content/assets/"
)
DRAFT = f"""\
---
name: Pricing draft
status: draft
---
Not for customers: {SECRET}-draft
"""


def hostile_project(make_project: MakeProject, tmp_path: Path, outside: bool = True) -> Path:
    """A project whose assets hold one real logo and links to everything that must stay in;
    without `outside`, only links that stay inside the project."""
    root = make_project(
        {
            "content/assets/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
            "content/pages/pricing-draft.md": DRAFT,
            ".env": f"TOKEN={SECRET}-env\n",
            ".git/config": f'[http]\n\textraheader = "AUTHORIZATION: basic {SECRET}-git"\n',
        }
    )
    assets = root / "content/assets"
    (assets / "env.txt").symlink_to("../../.env")
    (assets / "docs").mkdir()
    (assets / "docs/config.txt").symlink_to(root / ".git/config")
    (assets / "draft.md").symlink_to("../pages/pricing-draft.md")
    (assets / "project").symlink_to("../..", target_is_directory=True)
    if outside:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "key.txt").write_text(f"{SECRET}-outside\n", encoding="utf-8")
        (assets / "key.txt").symlink_to(elsewhere / "key.txt")
        (assets / "away").symlink_to(elsewhere, target_is_directory=True)
    return root


LINKS = [
    "content/assets/away",
    "content/assets/docs/config.txt",
    "content/assets/draft.md",
    "content/assets/env.txt",
    "content/assets/key.txt",
    "content/assets/project",
]


def test_links_in_assets_are_warnings_and_only_real_files_are_found(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = hostile_project(make_project, tmp_path)
    diagnostics = Diagnostics()
    found = find_assets(root / "content", root, diagnostics)
    assert found == {"assets/logo.svg": root / "content/assets/logo.svg"}
    assert [(d.path, d.severity, d.code, d.message) for d in diagnostics.sorted()] == [
        (path, "warning", "asset-link", LINK) for path in LINKS
    ]


def test_check_reports_every_link_in_assets(
    make_project: MakeProject, tmp_path: Path, run_gtm: RunGtm
) -> None:
    root = hostile_project(make_project, tmp_path)
    result = run_gtm("check", project=root)
    assert result.output.splitlines() == [
        *(f"{path}:1:1: warning: {LINK}" for path in LINKS),
        "0 errors, 6 warnings",
    ]
    assert result.exit_code == 0


@pytest.mark.parametrize("outside", [False, True])
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_no_linked_byte_reaches_the_output(
    make_project: MakeProject, tmp_path: Path, run_gtm: RunGtm, audience: str, outside: bool
) -> None:
    root = hostile_project(make_project, tmp_path, outside)
    result = run_gtm("build", "--no-pdf", "--audience", audience, project=root)
    assert result.exit_code == 0, result.output
    output = root / "output"
    for path in output.rglob("*"):
        assert not path.is_symlink(), path
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
    assert sorted(p.relative_to(output).as_posix() for p in (output / "assets").rglob("*")) == [
        "assets/logo.svg"
    ]
    assert result.output.count(LINK) == len(LINKS) - (0 if outside else 2)


def test_the_assets_folder_itself_may_not_be_a_link(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    root = make_project({".env": f"TOKEN={SECRET}\n"})
    (root / "content/assets").symlink_to("..", target_is_directory=True)
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 0, result.output
    assert f"content/assets:1:1: warning: {LINK}" in result.output.splitlines()
    assert not (root / "output/assets").exists()
    for path in (root / "output").rglob("*"):
        assert path.is_dir() or SECRET.encode() not in path.read_bytes(), path


def test_pipes_and_sockets_are_skipped_without_being_opened(
    make_project: MakeProject, run_gtm: RunGtm, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a pipe with no writer blocks for ever; gtm never opens one."""
    root = make_project({"content/assets/logo.svg": "<svg/>\n"})
    os.mkfifo(root / "content/assets/pipe")
    monkeypatch.chdir(root / "content/assets")  # a socket's path may be only ~100 bytes long
    listener = socket.socket(socket.AF_UNIX)
    try:
        listener.bind("sock")
        result = run_gtm("build", "--no-pdf", project=root)
    finally:
        listener.close()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"content/assets/pipe:1:1: warning: {SPECIAL}" in lines
    assert f"content/assets/sock:1:1: warning: {SPECIAL}" in lines
    assert sorted(p.name for p in (root / "output/assets").iterdir()) == ["logo.svg"]


def test_a_themes_static_links_are_left_out_with_a_warning(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    """A theme's static/ is published whole: a link there (to the project, to `.env`) would
    publish whatever it points at, so it is a warning and is never read."""
    root = make_project(
        {".env": f"TOKEN={SECRET}-env\n", "themes/default/static/own.css": "p{color:red}\n"}
    )
    static = root / "themes/default/static"
    (static / "env.txt").symlink_to("../../../.env")
    (static / "up").symlink_to("../../..", target_is_directory=True)

    result = run_gtm("build", "--no-pdf", project=root)

    assert result.exit_code == 0, result.output
    message = "is a link: gtm publishes only real files from a theme's static/; copy it here"
    for link in ("themes/default/static/env.txt", "themes/default/static/up"):
        assert f"{link}:1:1: warning: {message}" in result.output
    output = root / "output"
    assert (output / "static/own.css").is_file()
    for path in output.rglob("*"):
        assert not path.is_symlink()
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path


def test_a_theme_folder_that_is_a_link_is_refused(
    make_project: MakeProject, run_gtm: RunGtm, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere-theme"
    (elsewhere / "static").mkdir(parents=True)
    (elsewhere / "static/secret.txt").write_text(SECRET)
    root = make_project({"gtm.toml": '[build]\ntheme = "mine"\n'})
    (root / "themes").mkdir()
    (root / "themes/mine").symlink_to(elsewhere, target_is_directory=True)

    result = CliRunner().invoke(main, ["build", "--no-pdf", "--project", str(root)])

    assert result.exit_code == 2
    assert "themes/mine is a link: gtm reads a theme only from a real folder" in result.output
    assert not (root / "output").exists()
