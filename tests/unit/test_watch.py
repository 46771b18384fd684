"""The watcher: saves become one change set per burst; output, cache and editor files never
start a rebuild."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gtm.changes import ChangeSet
from gtm.content.project import open_project
from gtm.dev.watch import Watcher
from tests.conftest import MakeProject


@pytest.fixture
def watched(make_project: MakeProject) -> Iterator[tuple[Watcher, Path]]:
    root = make_project({"themes/mine/templates/base.html": "x"})
    (root / "output").mkdir()
    watcher = Watcher(open_project(root))
    watcher.start()
    yield watcher, root
    watcher.stop()


def changed(watcher: Watcher) -> ChangeSet | None:
    return watcher.next_change(timeout=2)


def test_a_save_in_content_is_one_change(watched: tuple[Watcher, Path]) -> None:
    watcher, root = watched
    persona = root / "content" / "products" / "relay.yaml"
    for n in range(5):
        persona.write_text(f"name: Acme Relay {n}\nstage: growth\n")
    change = changed(watcher)
    assert change is not None and change.paths == {persona}
    assert watcher.next_change(timeout=0.3) is None


def test_save_through_a_temporary_file_and_rename(watched: tuple[Watcher, Path]) -> None:
    watcher, root = watched
    target = root / "content" / "products" / "relay.yaml"
    temporary = root / "content" / "products" / ".relay.yaml.swp"
    temporary.write_text("name: Relay\nstage: growth\n")
    os.replace(temporary, target)
    change = changed(watcher)
    assert change is not None and change.paths == {target}


def test_config_and_theme_changes_are_seen(watched: tuple[Watcher, Path]) -> None:
    watcher, root = watched
    (root / "gtm.toml").write_text('[site]\ntitle = "Renamed"\n')
    change = changed(watcher)
    assert change is not None and change.config
    (root / "themes" / "mine" / "templates" / "base.html").write_text("y")
    change = changed(watcher)
    assert change is not None
    assert change.templates == {root / "themes" / "mine" / "templates" / "base.html"}
    assert not change.config and not change.content


def test_output_cache_and_editor_files_are_ignored(watched: tuple[Watcher, Path]) -> None:
    watcher, root = watched
    (root / "output" / "index.html").write_text("built")
    (root / ".gtm-cache").mkdir()
    (root / ".gtm-cache" / "x.pdf").write_text("cached")
    (root / "content" / "products" / "relay.yaml~").write_text("backup")
    (root / "content" / "products" / "#relay.yaml#").write_text("emacs")
    (root / "content" / "products" / "4913").write_text("vim")
    (root / "notes.txt").write_text("not read by a build")
    assert watcher.next_change(timeout=0.5) is None


def test_a_deleted_file_is_a_change(watched: tuple[Watcher, Path]) -> None:
    watcher, root = watched
    target = root / "content" / "products" / "relay.yaml"
    target.unlink()
    change = changed(watcher)
    assert change is not None and target in change.paths
