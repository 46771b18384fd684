"""The portal that templates receive, and the entries `gtm serve` keeps from one save to the
next."""

from __future__ import annotations

from pathlib import Path

from gtm.check import Checker, CheckMemos
from gtm.content.project import open_project
from gtm.site.entries import KeptEntries
from gtm.site.views import Portal, make_portal
from tests.conftest import MakeProject
from tests.unit.helpers import LAUNCH, PRODUCT, options, persona, write


class Session:
    """What a `gtm serve` session keeps between saves: the check's memos and the entries."""

    def __init__(self) -> None:
        self.memos = CheckMemos()
        self.entries = KeptEntries()


def _portal(root: Path, session: Session | None) -> Portal:
    project = open_project(root)
    memos, kept = (session.memos, session.entries) if session else (None, None)
    site = Checker(project, options(), memos).check().site
    return make_portal(site, project.config, options().today, "internal", False, kept)


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
    session = Session()
    first = _portal(root, session)
    write(root, "content/personas/dana.yaml", persona("Platform Dana"))
    second = _portal(root, session)
    assert second.entry("products", "relay") is first.entry("products", "relay")
    assert second.entry("personas", "dana") is not first.entry("personas", "dana")
    assert [e.name for e in second.kinds["personas"]] == ["Platform Dana"]


def test_renaming_an_artifact_renames_it_where_others_list_it(make_project: MakeProject) -> None:
    root = make_project(
        {"content/products/relay.yaml": PRODUCT, "content/launches/relay-launch.yaml": LAUNCH}
    )
    session = Session()
    assert _relay(_portal(root, session)) == ("Relay launch",)
    write(root, "content/launches/relay-launch.yaml", LAUNCH.replace("Relay launch", "Relay GA"))
    assert _relay(_portal(root, session)) == ("Relay GA",)
    write(
        root, "content/launches/relay-launch.yaml", LAUNCH.replace("product: relay", "product: x")
    )
    assert _relay(_portal(root, session)) == ()


def test_a_one_off_build_keeps_no_entry(make_project: MakeProject) -> None:
    root = make_project({"content/products/relay.yaml": PRODUCT})
    first, second = _portal(root, None), _portal(root, None)
    assert first.entry("products", "relay") is not second.entry("products", "relay")
