"""A battlecard is designed for one printed page: one that WeasyPrint lays out on two is a
`battlecard-length` warning at the competitor's `name` that names the sections to trim, again
when the PDF comes from the cache, and an error under --strict."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from tests.conftest import MakeProject, RunGtm

ANSWER = (
    "Ask what the current setup costs them in pages, engineer time and renewals, walk the "
    "buyer through the three-year total, and show the side-by-side migration plan. "
)

QUESTION = (
    "how many escalation policies do you keep by hand today, who updates them after every "
    "re-org, and what happens when they are wrong?"
)


def dense_competitor() -> str:
    """A card with twenty objections and eight long landmines: two pages on any paper."""
    lines = [
        "# More than a rep can read before a call",
        "name: Densely",
        "strengths: [Brand]",
        "weaknesses: [Price]",
        "why_we_win:",
        "  - point: Routing from the service catalog",
        "landmines:",
        *[f"  - Question {n}, {QUESTION}" for n in range(8)],
        "objections:",
    ]
    for n in range(20):
        lines += [f"  - objection: Objection {n} goes on for a while", f"    response: {ANSWER}"]
    return "\n".join(lines) + "\n"


LEAN = """\
name: Leanly
strengths: [Brand]
weaknesses: [Price]
why_we_win:
  - point: Routing from the service catalog
objections:
  - objection: They are cheaper.
    response: Compare the plan they will need in a year.
"""

WARNING = (
    "content/competitors/densely.yaml:2:1: warning: pdf/battlecards/densely.pdf runs to 2 pages, "
    "and a battlecard is designed for one: trim objections or landmines"
)


def test_a_card_that_runs_to_two_pages_is_a_warning_even_from_the_cache(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    root = make_project(
        {
            "content/competitors/densely.yaml": dense_competitor(),
            "content/competitors/leanly.yaml": LEAN,
        }
    )
    for unchanged in (0, 3):  # the page count comes back with a PDF from the cache
        result = run_gtm("build", project=root)
        assert result.exit_code == 0, result.output
        assert f"3 PDFs ({unchanged} unchanged)" in result.output
        assert [line for line in result.output.splitlines() if "designed for" in line] == [WARNING]
    pages = PdfReader(io.BytesIO((root / "output/pdf/battlecards/densely.pdf").read_bytes())).pages
    assert len(pages) == 2
    lean = (root / "output/pdf/battlecards/leanly.pdf").read_bytes()
    assert len(PdfReader(io.BytesIO(lean)).pages) == 1


def test_under_strict_a_long_card_fails_the_build(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    root = make_project({"content/competitors/densely.yaml": dense_competitor()})
    result = run_gtm("build", "--strict", project=root)
    assert result.exit_code == 1, result.output
    assert WARNING in result.output
    assert not (root / "output").exists(), "nothing is published"
    as_json = run_gtm("build", "--format", "json", "--quiet", project=root)
    assert as_json.exit_code == 0, as_json.output
    [found] = [d for d in json.loads(as_json.output) if d["code"] == "battlecard-length"]
    assert (found["path"], found["line"], found["column"]) == (
        "content/competitors/densely.yaml",
        2,
        1,
    )


def test_a_long_card_with_sources_says_they_need_room(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    sourced = dense_competitor().replace(
        "  - point: Routing from the service catalog\n",
        "  - point: Routing from the service catalog\n"
        "    proof: {claim: 212 policies retired, source: Brightmoor, as_of: 2026-10-01}\n",
    )
    root = make_project({"content/competitors/densely.yaml": sourced})
    result = run_gtm("build", project=root)
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if "designed for" in line]
    assert line.endswith(", so that its source fits at the foot of the page"), line
