"""Change sets: what a burst of saves touched, sorted by what it asks of the next build, and
the only way `gtm serve` tells the builder anything."""

from __future__ import annotations

from pathlib import Path

from gtm.build import Memos, build_site
from gtm.changes import ChangeSet
from gtm.content.project import open_project, run_options
from tests.conftest import MakeProject


def test_each_path_is_sorted_by_what_it_asks_of_the_build(make_project: MakeProject) -> None:
    root = make_project({})
    project = open_project(root)
    persona = root / "content" / "personas" / "cfo.yaml"
    asset = root / "content" / "assets" / "logo.png"
    template = root / "themes" / "mine" / "templates" / "base.html"
    settings = root / "themes" / "mine" / "theme.toml"
    style = root / "themes" / "mine" / "static" / "site.css"
    change = ChangeSet.of(project, [persona, asset, template, settings, style, root / "gtm.toml"])
    assert change.content == {persona}
    assert change.templates == {template, settings}
    assert change.static == {asset, style}
    assert change.config
    assert change.paths == {persona, asset, template, settings, style}
    assert not ChangeSet.of(project, [persona]).config


def test_a_save_the_clock_cannot_tell_apart_is_read_again(make_project: MakeProject) -> None:
    """Two saves within one tick of the file system's clock leave the same size and times: only
    the change set tells the session's builder that the file is new."""
    root = make_project({})
    product = root / "content" / "products" / "relay.yaml"
    memos = Memos()

    def build(change: ChangeSet | None) -> bytes:
        project = open_project(root)
        options = run_options(project, pdf=False)
        result = build_site(project, options, session=memos, change=change)
        return result.files["products/relay/index.html"]

    assert b"Acme Relay" in build(None)
    product.write_text(product.read_text().replace("Acme Relay", "Acme Rolay"))
    reads = memos.sources.reads
    assert reads is not None
    status = product.stat()
    _, last_read = reads[str(product)]
    reads[str(product)] = (
        (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns),
        last_read,
    )  # what the session sees when both saves fall within one tick
    assert b"Acme Relay" in build(None)
    assert b"Acme Rolay" in build(ChangeSet.of(open_project(root), [product]))


def test_a_new_configuration_is_validated_again(make_project: MakeProject) -> None:
    root = make_project({})
    memos = Memos()
    project = open_project(root)
    build_site(project, run_options(project, pdf=False), session=memos)
    validated = memos.validated
    memos.apply(ChangeSet.of(project, [root / "content" / "products" / "relay.yaml"]))
    assert memos.validated is validated
    memos.apply(ChangeSet.of(project, [Path(root / "gtm.toml")]))
    assert memos.validated is not validated
