"""`gtm check --owner NAME`: only the problems in the artifacts that person or team owns, so
each owner can run their own list; a name nobody has is a usage error that says who does."""

from __future__ import annotations

import json

from gtm.check import owner_key
from tests.conftest import ROOT, RunGtm


def test_an_owner_sees_only_their_artifacts_problems(run_gtm: RunGtm) -> None:
    everything = json.loads(run_gtm("check", "--format", "json", project=ROOT).stdout)
    mine = run_gtm("check", "--owner", "Maya Chen", "--format", "json", project=ROOT)
    assert mine.exit_code == 0, mine.output
    found = json.loads(mine.stdout)
    assert {d["path"] for d in found} == {
        "content/launches/relay-2.md",
        "content/launches/relay-slack-app.yaml",
        "content/messaging/relay.yaml",
    }
    assert found == [d for d in everything if d["path"] in {d["path"] for d in found}]
    assert len(found) < len(everything)


def test_the_summary_and_exit_code_count_only_the_owners_problems(run_gtm: RunGtm) -> None:
    text = run_gtm("check", "--owner", "  sofia   ALVAREZ ", "--strict", project=ROOT)
    assert text.exit_code == 1
    assert text.output.splitlines()[-1] == "0 errors, 2 warnings in what sofia   ALVAREZ owns"
    clean = run_gtm("check", "--owner", "Tom Becker", "--strict", project=ROOT)
    assert clean.exit_code == 0, clean.output
    assert clean.output.splitlines() == ["0 errors, 0 warnings in what Tom Becker owns"]


def test_a_name_nobody_has_is_a_usage_error_naming_who_does(run_gtm: RunGtm) -> None:
    typo = run_gtm("check", "--owner", "Sofia Alvarz", project=ROOT)
    assert typo.exit_code == 2
    assert (
        typo.stderr
        == "gtm: no artifact is owned by 'Sofia Alvarz' (did you mean 'Sofia Alvarez'?)\n"
    )
    nobody = run_gtm("check", "--owner", "Nobody", project=ROOT)
    assert nobody.exit_code == 2
    assert "(owners: Jordan Reyes, Maya Chen, Priya Natarajan, Sofia Alvarez, Tom Becker)" in (
        nobody.stderr
    )


def test_owner_names_compare_without_case_spacing_or_team() -> None:
    assert owner_key("Sofia Alvarez (Competitive Intelligence)") == owner_key(" sofia  alvarez")
    assert owner_key("Growth (EMEA) team") == "growth (emea) team"
    assert owner_key("Sofia") != owner_key("Sofia Alvarez")
