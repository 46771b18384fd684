"""The portal that templates receive, and the entries `gtm serve` keeps from one save to the
next."""

from __future__ import annotations

from pathlib import Path

from gtm.content.project import open_project
from gtm.site.views import Portal, make_portal
from tests.conftest import MakeProject
from tests.unit.helpers import LAUNCH, PRODUCT, check, options, persona, write


def _portal(root: Path, remember: bool) -> Portal:
    config = open_project(root).config
    return make_portal(check(root).site, config, options().today, "internal", False, remember)


def _relay(portal: Portal) -> tuple[str, ...]:
    entry = portal.entry("products", "relay")
    assert entry is not None
    return tuple(link.name for link in entry.backlinks)


def test_serve_makes_again_only_the_entries_a_save_changed(make_project: MakeProject) -> None:
    root = make_project(
        {
            "content/products/relay.yaml": PRODUCT,
            "content/launches/relay-launch.yaml": LAUNCH,
            "content/personas/dana.yaml": persona(),
        }
    )
    first = _portal(root, remember=True)
    write(root, "content/personas/dana.yaml", persona("Platform Dana"))
    second = _portal(root, remember=True)
    assert second.entry("products", "relay") is first.entry("products", "relay")
    assert second.entry("personas", "dana") is not first.entry("personas", "dana")
    assert [e.name for e in second.kinds["personas"]] == ["Platform Dana"]


def test_renaming_an_artifact_renames_it_where_others_list_it(make_project: MakeProject) -> None:
    root = make_project(
        {"content/products/relay.yaml": PRODUCT, "content/launches/relay-launch.yaml": LAUNCH}
    )
    assert _relay(_portal(root, remember=True)) == ("Relay launch",)
    write(root, "content/launches/relay-launch.yaml", LAUNCH.replace("Relay launch", "Relay GA"))
    assert _relay(_portal(root, remember=True)) == ("Relay GA",)
    write(
        root, "content/launches/relay-launch.yaml", LAUNCH.replace("product: relay", "product: x")
    )
    assert _relay(_portal(root, remember=True)) == ()


def test_a_one_off_build_keeps_no_entry(make_project: MakeProject) -> None:
    root = make_project({"content/products/relay.yaml": PRODUCT})
    first, second = _portal(root, remember=False), _portal(root, remember=False)
    assert first.entry("products", "relay") is not second.entry("products", "relay")
