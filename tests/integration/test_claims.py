"""Proof points that carry their source: a proof is text or a claim record; a record is
validated at the author's lines, shown with who backs it and when, and a public build does not
name an internal source."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from gtm.build import build_site
from gtm.content.project import open_project, run_options
from tests.conftest import MakeProject, RunGtm
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
    assert "Kestrel Pay cut overnight pages" in house
    assert 'per shift<sup class="fn"><a href="#sources-messaging-house-1"' in house
    assert (
        '<li id="sources-messaging-house-1">Beta cohort<span class="sources__meta">, customer, '
        'as of <time datetime="2026-10-01">1 Oct 2026</time></span>'
    ) in house


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


CHECKED_CARD = """\
name: PageStorm
owner: Sofia Alvarez
visibility: {visibility}
strengths: [big]
weaknesses: [slow]
quick_dismiss: Relay is the fastest way off PageStorm.
why_we_win:
  - point: Routing from the catalog
    proof:
      claim: Brightmoor retired 212 escalation policies
      source: Brightmoor case study
      url: https://acme.example/customers/brightmoor
      as_of: 2026-09-30
  - point: Quiet nights
    proof:
      claim: Kestrel Pay cut overnight pages from 41 to 9
      source: Kestrel Pay interview
      as_of: 2025-08-20
      kind: {stale_kind}
"""


def checked_card(
    make_project: MakeProject, visibility: str = "internal", kind: str = "customer"
) -> Path:
    text = CHECKED_CARD.format(visibility=visibility, stale_kind=kind)
    return make_project({"content/competitors/pagestorm.yaml": text})


def test_a_sourced_claim_a_stale_claim_and_an_unsourced_superlative(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    """The issue's own check: two warnings at their lines, the sources as numbered notes with
    their dates on the page and in the one-page PDF, the stale claim under its owner."""
    root = checked_card(make_project)
    result = run_gtm("build", project=root)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if ": warning: " in line]
    assert warnings == [
        "content/competitors/pagestorm.yaml:6:29: warning: 'fastest' is a claim: back it with "
        "a sourced proof point in this file, or reword",
        "content/competitors/pagestorm.yaml:18:14: warning: claim last verified 460 days ago "
        "(limit 365): verify it and update 'as_of'",
    ]
    page = (root / "output/competitors/pagestorm/index.html").read_text()
    assert 'policies<sup class="fn"><a href="#sources-competitors-pagestorm-1"' in page
    assert 'to 9<sup class="fn"><a href="#sources-competitors-pagestorm-2"' in page
    notes = page[page.index('<h2 id="sources">') :]
    assert 'id="sources-competitors-pagestorm-1"><a href="https://acme.example/customers/' in notes
    assert '<time datetime="2026-09-30">30 Sep 2026</time>' in notes
    assert "Kestrel Pay interview" in notes and "Verify before use" in notes
    reader = PdfReader(root / "output/pdf/battlecards/pagestorm.pdf")
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert (
        "SOURCES 1 Brightmoor case study, acme.example/customers/brightmoor, customer, "
        "as of 30 Sep 2026" in text
    )
    assert "2 Kestrel Pay interview, customer, as of 20 Aug 2025 VERIFY BEFORE USE" in text
    health = (root / "output/health/index.html").read_text()
    owner = health[health.index('id="by-owner"') :]
    owner = owner[owner.index("Sofia Alvarez") :]
    listed = owner[: owner.index("</ul>")]
    assert '<a class="owner__check" href="#stale-claims">Claims to verify</a>' in listed
    assert "(Kestrel Pay cut overnight pages from 41 to 9)" in listed


def test_a_public_build_names_no_internal_source_and_check_says_so(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    root = checked_card(make_project, visibility="public", kind="internal")
    checked = run_gtm("check", "--audience", "public", project=root)
    assert (
        "content/competitors/pagestorm.yaml:19:13: warning: an internal claim in a public "
        "artifact: the public build shows it without its source; back it with a public source "
        "or leave it out"
    ) in checked.output
    internal = run_gtm("check", project=root)
    assert "an internal claim" not in internal.output
    result = run_gtm("build", "--audience", "public", project=root)
    assert result.exit_code == 0, result.output
    for path in (root / "output").rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".js", ".xml", ".txt"}:
            assert "Kestrel Pay interview" not in path.read_text(), path
    page = (root / "output/competitors/pagestorm/index.html").read_text()
    assert "Kestrel Pay cut overnight pages from 41 to 9</p>" in page
    assert "sources-competitors-pagestorm-2" not in page
    pdf = PdfReader(root / "output/pdf/battlecards/pagestorm.pdf")
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Kestrel Pay cut overnight pages" in text and "Kestrel Pay interview" not in text


def test_claims_that_share_a_source_share_a_number(make_project: MakeProject) -> None:
    house = HOUSE.replace(
        "      - Kestrel Pay cut overnight pages from 41 to 9\n",
        "      - claim: 41 to 9 pages a week\n        source: Beta cohort\n"
        "        as_of: 2026-10-01\n",
    )
    root = make_project({"content/messaging/house.yaml": house})
    built = pages(root)["messaging/house/index.html"]
    assert built.count('<a href="#sources-messaging-house-1"') == 2
    assert "sources-messaging-house-2" not in built
