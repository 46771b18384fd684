"""Proof points that carry their source: a proof is text or a claim record; a record is
validated at the author's lines, shown with who backs it and when, and a public build does not
name an internal source."""

from __future__ import annotations

from pathlib import Path

from gtm.build import build_site
from gtm.content.project import open_project, run_options
from tests.conftest import MakeProject
from tests.unit.helpers import check, lines

CARD = """\
name: PageStorm
strengths: [big]
weaknesses: [slow]
visibility: {visibility}
why_we_win:
  - point: Faster to value
    proof:
      claim: First alert on day 3
      source: Relay 2 beta cohort
      url: https://example.com/beta
      as_of: 2026-10-31
      kind: {kind}
  - point: Cheaper
    proof: A third less per seat
"""

HOUSE = """\
name: House
product: relay
core_message: Fewer pages.
pillars:
  - id: quiet
    name: Quiet nights
    message: Fewer pages at night.
    proof_points:
      - Kestrel Pay cut overnight pages from 41 to 9
      - claim: 58% fewer pages per shift
        source: Beta cohort
        as_of: 2026-10-01
  - id: owned
    name: Owned routing
    message: The owner is paged.
"""


def card(make_project: MakeProject, kind: str = "benchmark", visibility: str = "internal") -> Path:
    return make_project(
        {
            "content/competitors/pagestorm.yaml": CARD.format(kind=kind, visibility=visibility),
            "content/messaging/house.yaml": HOUSE,
        }
    )


def pages(root: Path, audience: str = "internal") -> dict[str, str]:
    project = open_project(root)
    result = build_site(project, run_options(project, pdf=False, audience=audience))  # type: ignore[arg-type]
    assert not [d for d in result.diagnostics if d.severity == "error"], result.diagnostics
    return {path: data.decode() for path, data in result.files.items() if path.endswith(".html")}


def test_text_and_claims_both_check_clean(make_project: MakeProject) -> None:
    assert lines(check(card(make_project))) == []


def test_a_claim_without_its_source_or_date_is_an_error_at_the_claim(
    make_project: MakeProject,
) -> None:
    root = card(make_project)
    path = root / "content" / "competitors" / "pagestorm.yaml"
    text = path.read_text().replace("      source: Relay 2 beta cohort\n", "")
    path.write_text(text.replace("      as_of: 2026-10-31\n", "      as_of: soon\n"))
    found = lines(check(root))
    assert any(
        line.startswith("content/competitors/pagestorm.yaml:8:7: error:")
        and "missing required field 'source'" in line
        for line in found
    ), found
    assert any(
        line.startswith("content/competitors/pagestorm.yaml:10:14: error:") for line in found
    ), found
    assert not any("text-proof" in line or "claim-record" in line for line in found), found


def test_an_unknown_field_in_a_claim_is_named(make_project: MakeProject) -> None:
    root = card(make_project)
    path = root / "content" / "competitors" / "pagestorm.yaml"
    path.write_text(path.read_text().replace("      kind: benchmark\n", "      sorce: x\n"))
    found = lines(check(root))
    assert any(":12:7: error:" in line and "unknown field 'sorce'" in line for line in found), found


def test_pages_show_who_backs_a_claim_and_when(make_project: MakeProject) -> None:
    built = pages(card(make_project))
    competitor = built["competitors/pagestorm/index.html"]
    assert "First alert on day 3" in competitor
    assert (
        '<a href="https://example.com/beta" rel="noopener noreferrer">Relay 2 beta cohort</a>'
        in competitor
    )
    assert '<time datetime="2026-10-31">31 Oct 2026</time>' in competitor
    assert "A third less per seat" in competitor
    house = built["messaging/house/index.html"]
    assert "Beta cohort, as of" in house and "Kestrel Pay cut overnight pages" in house


def test_a_public_build_shows_an_internal_claim_without_its_source(
    make_project: MakeProject,
) -> None:
    internal = pages(card(make_project, kind="internal", visibility="public"), "public")
    competitor = internal["competitors/pagestorm/index.html"]
    assert "First alert on day 3" in competitor
    assert "Relay 2 beta cohort" not in competitor
    shared = pages(card(make_project, kind="benchmark", visibility="public"), "public")
    assert "Relay 2 beta cohort" in shared["competitors/pagestorm/index.html"]


def test_a_stale_claim_warns_at_its_date_and_is_marked_and_listed(
    make_project: MakeProject,
) -> None:
    root = card(make_project)
    path = root / "content" / "competitors" / "pagestorm.yaml"
    path.write_text(path.read_text().replace("as_of: 2026-10-31", "as_of: 2025-11-22"))
    found = lines(check(root))
    assert found == [
        "content/competitors/pagestorm.yaml:11:14: warning: claim last verified 366 days ago "
        "(limit 365): verify it and update 'as_of'"
    ]
    built = pages(root)
    assert "Verify before use" in built["competitors/pagestorm/index.html"]
    assert "Verify before use" not in built["messaging/house/index.html"]
    health = built["health/index.html"]
    listed = health[health.index('id="stale-claims"') : health.index('id="unreviewed"')]
    assert "First alert on day 3" in listed and "366 days since verified" in listed


def test_the_age_limit_comes_from_the_config(make_project: MakeProject) -> None:
    root = card(make_project)
    (root / "gtm.toml").write_text("[claims]\nmax_age_days = 30\n")
    found = lines(check(root))
    assert [line.split(": warning: ")[0] for line in found] == [
        "content/messaging/house.yaml:12:16"
    ], "53 days is over 30; the card's claim is 23 days old"


def test_require_source_makes_a_bare_proof_a_warning(make_project: MakeProject) -> None:
    root = card(make_project)
    (root / "gtm.toml").write_text("[claims]\nrequire_source = true\n")
    found = lines(check(root))
    assert [line.split(": warning: ")[0] for line in found] == [
        "content/competitors/pagestorm.yaml:14:12",
        "content/messaging/house.yaml:9:9",
    ]
    assert all("this proof has no source" in line for line in found)
