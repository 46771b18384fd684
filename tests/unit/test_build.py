"""The orchestrator: one run reads, validates, links and checks everything and returns every
problem, sorted, without writing anything."""

from __future__ import annotations

from pathlib import Path

from gtm.check import Checker
from gtm.content.model import BannedWord, Brand
from gtm.content.project import open_project
from tests.conftest import ROOT, MakeProject
from tests.unit.helpers import check, lines, options, persona


def test_a_clean_project(make_project: MakeProject) -> None:
    result = check(make_project({"content/personas/dana.yaml": persona()}))
    assert result.diagnostics == []
    assert result.files == 2
    assert set(result.site.items["personas"]) == {"dana"}
    assert set(result.site.items["products"]) == {"relay"}


def test_every_stage_reports_in_one_run_sorted(make_project: MakeProject) -> None:
    root = make_project(
        {
            "content/personas/dana.yaml": persona() + "paint: [x]\n",
            "content/pages/a.md": "no front matter\n",
            "content/positioning/p.yaml": (
                "name: P\nproduct: rellay\ntarget: [old]\nneed: n\nkey_benefit: k\n"
                "differentiators: [d]\n"
            ),
            "content/launches/l.yaml": "name: L\nname: again\n",
            "content/personas/old.yaml": persona() + "reviewed: 2026-01-01\n",
            "content/stuff/x.yaml": "a: 1\n",
        }
    )
    result = check(root)
    assert [(d.path, d.line, d.code) for d in result.diagnostics] == [
        ("content/launches/l.yaml", 1, "missing-field"),
        ("content/launches/l.yaml", 1, "missing-field"),
        ("content/launches/l.yaml", 1, "missing-field"),
        ("content/launches/l.yaml", 1, "missing-field"),
        ("content/launches/l.yaml", 2, "yaml-duplicate-key"),
        ("content/pages/a.md", 1, "front-matter-missing"),
        ("content/personas/dana.yaml", 6, "unknown-field"),
        ("content/personas/old.yaml", 6, "stale"),
        ("content/positioning/p.yaml", 2, "unknown-reference"),
        ("content/stuff", 1, "unknown-folder"),
    ]
    assert result.diagnostics == sorted(result.diagnostics)


def test_brand_is_read(make_project: MakeProject) -> None:
    result = check(make_project({"content/brand.yaml": "banned: [synergy]\n"}))
    assert isinstance(result.site.brand, Brand)
    assert result.site.brand.banned == [BannedWord(word="synergy")]


def test_check_writes_nothing(make_project: MakeProject) -> None:
    root = make_project({"content/personas/dana.yaml": persona() + "paint: [x]\n"})
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    check(root)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert not (root / "output").exists()


def test_the_example_project_has_only_its_intended_warnings() -> None:
    result = Checker(open_project(ROOT), options()).check()
    assert {d.severity for d in result.diagnostics} == {"warning"}
    assert len(result.diagnostics) == 6


def test_options_decide_what_the_site_shows(make_project: MakeProject) -> None:
    root: Path = make_project(
        {
            "content/personas/dana.yaml": persona() + "visibility: public\n",
            "content/personas/dan.yaml": persona() + "status: draft\nvisibility: public\n",
        }
    )
    project = open_project(root)
    public = Checker(project, options(audience="public")).check()
    assert set(public.site.items["personas"]) == {"dana"}
    assert public.site.items["products"] == {}
    drafts = Checker(project, options(audience="public", drafts=True)).check()
    assert set(drafts.site.items["personas"]) == {"dana", "dan"}
    assert lines(drafts) == []


def test_a_reference_to_a_file_with_errors_is_not_called_unknown(
    make_project: MakeProject,
) -> None:
    """dana.yaml exists; its own error is the one to fix, not a second 'does not exist'."""
    root = make_project(
        {
            "content/personas/dana.yaml": persona() + "paint: [x]\n",
            "content/positioning/p.yaml": (
                "name: P\nproduct: relay\ntarget: [dana]\nneed: n\nkey_benefit: k\n"
                "differentiators: [d]\n"
            ),
        }
    )
    assert lines(check(root)) == [
        "content/personas/dana.yaml:6:1: error: unknown field 'paint' (did you mean 'pains'?)"
    ]
