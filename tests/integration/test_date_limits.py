"""The first and last dates there are (0001-01-01, 9999-12-31) pass `gtm check`, so `gtm build`
must take them too: the calendar (an all-day event ends the next day, which 9999-12-31 does not
have), the launches page's month grid, staleness and the launch brief PDF."""

from __future__ import annotations

from datetime import date

import icalendar

from tests.conftest import MakeProject, RunGtm

LAUNCH = """\
name: {name}
product: relay
tier: 3
date: {day}
reviewed: {reviewed}
state: {state}
goals:
  - metric: Sign-ups
    target: 10
milestones:
  - id: first
    name: First step
    date: 0001-01-01
    done: true
  - id: last
    name: Last step
    date: 9999-12-31
    depends_on: [first]
"""
PERSONA = """\
name: Future Fran
role: Planner
buying_role: champion
reviewed: 9999-12-31
goals: [Plan ahead]
pains: [Time]
"""


def test_a_build_takes_the_first_and_last_dates(make_project: MakeProject, run_gtm: RunGtm) -> None:
    root = make_project(
        {
            "content/launches/far.yaml": LAUNCH.format(
                name="Far", day="9999-12-31", reviewed="0001-01-01", state="planned"
            ),
            "content/launches/early.yaml": LAUNCH.format(
                name="Early", day="0001-01-01", reviewed="9999-12-31", state="launched"
            ),
            "content/personas/fran.yaml": PERSONA,
        }
    )
    result = run_gtm("build", project=root)
    assert result.exit_code == 0, result.output
    stale = "content/launches/far.yaml:5:11: warning: last reviewed 739942 days ago"
    assert any(line.startswith(stale) for line in result.output.splitlines()), result.output
    output = root / "output"
    for pdf in ("pdf/launch-briefs/far.pdf", "pdf/launch-briefs/early.pdf"):
        assert (output / pdf).read_bytes().startswith(b"%PDF-"), pdf
    page = (output / "launches/index.html").read_text(encoding="utf-8")
    assert len(page) < 200_000  # the month grid of 120,000 months is drawn coarser
    calendar = icalendar.Calendar.from_ical((output / "launches.ics").read_bytes())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert sorted(events) == [
        "launch-early-first@gtm",
        "launch-early-last@gtm",
        "launch-early@gtm",
        "launch-far-first@gtm",
        "launch-far-last@gtm",
        "launch-far@gtm",
    ]
    assert events["launch-far@gtm"].decoded("DTSTART") == date.max
    assert "DTEND" not in events["launch-far@gtm"]
    assert events["launch-early@gtm"].decoded("DTSTART") == date.min
    assert events["launch-early@gtm"].decoded("DTEND") == date(1, 1, 2)
