"""Calendar text rules of RFC 5545 (escaping, folding at 75 octets) and the search words."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import icalendar
import pytest

from gtm.content.project import open_project
from gtm.render.feeds import (
    FeedMemo,
    SearchRecord,
    _event,
    _fold,
    _text,
    search_index,
    search_index_taking,
    search_records,
    search_titles_script,
)
from gtm.site.views import make_portal
from tests.conftest import MakeProject
from tests.unit.helpers import check, options, persona, write


def test_text_values_are_escaped() -> None:
    assert _text("a, b; c\\d\nnext") == "a\\, b\\; c\\\\d\\nnext"


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    line = "SUMMARY:" + "é" * 100
    folded = _fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_short_lines_stay_as_they_are() -> None:
    assert _fold("UID:launch-relay@gtm") == "UID:launch-relay@gtm"


def test_long_ascii_lines_fill_every_line_to_75_octets() -> None:
    line = "DESCRIPTION:" + "milestone, owner Maya; " * 20
    parts = _fold(line).split("\r\n")
    assert [len(part) for part in parts[:-1]] == [75] * (len(parts) - 1)
    assert 1 < len(parts[-1]) <= 75 and all(part.startswith(" ") for part in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def _records(root: Path, known: dict[str, str] | None) -> list[SearchRecord]:
    config = open_project(root).config
    site = check(root).site
    portal = make_portal(site, config, options().today, "internal", False)
    return search_records(portal, site, known=known)


def test_search_words_kept_between_builds_follow_every_edit(make_project: MakeProject) -> None:
    root = make_project(
        {"content/personas/dana.yaml": persona(), "content/personas/sam.yaml": persona("Sam")}
    )
    known: dict[str, str] = {}
    assert _records(root, known) == _records(root, None)
    assert len(known) == 3  # and the product every project has
    write(root, "content/personas/dana.yaml", persona().replace("alert storms", "pager fatigue"))
    kept = dict(known)
    records = _records(root, known)
    assert records == _records(root, None)
    assert "pager fatigue" in str(records[0]["text"])
    assert len(known.keys() - kept.keys()) == len(kept.keys() - known.keys()) == 1
    (root / "content/personas/sam.yaml").unlink()
    assert _records(root, known) == _records(root, None) and len(known) == 2


def _calendar_of(lines: list[str]) -> icalendar.Calendar:
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN", *lines])
    return icalendar.Calendar.from_ical(text + "\r\nEND:VCALENDAR\r\n")


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2027, 4, 13), "DTSTART;VALUE=DATE:20270413", "DTEND;VALUE=DATE:20270414"),
        (date(1, 1, 1), "DTSTART;VALUE=DATE:00010101", "DTEND;VALUE=DATE:00010102"),
        (date(999, 12, 31), "DTSTART;VALUE=DATE:09991231", "DTEND;VALUE=DATE:10000101"),
        (date(9999, 12, 30), "DTSTART;VALUE=DATE:99991230", "DTEND;VALUE=DATE:99991231"),
    ],
)
def test_an_all_day_event_ends_the_next_day_in_eight_digit_dates(
    day: date, start: str, end: str
) -> None:
    lines = _event("launch-x", "20261123T000000Z", day, "X", None)
    assert lines[3:5] == [start, end]
    event = _calendar_of(lines).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == day


def test_the_last_day_there_is_has_no_end_which_means_one_day() -> None:
    """9999-12-31 has no next day; RFC 5545 reads an all-day event without DTEND as one day."""
    lines = _event("launch-x", "20261123T000000Z", date.max, "X", "Milestone")
    assert "DTSTART;VALUE=DATE:99991231" in lines
    assert not any(line.startswith("DTEND") for line in lines)
    event = _calendar_of(lines).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == date.max and "DTEND" not in event


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_index_a_one_off_build_writes_is_the_same_json_and_lets_go_of_the_records(
    count: int,
) -> None:
    records: list[SearchRecord] = [
        {
            "title": f"T{n} \u2028 </script>",
            "kind": "persona",
            "summary": "",
            "tags": ["a"],
            "text": "words " * n,
            "url": f"personas/p{n}/index.html",
        }
        for n in range(count)
    ]
    expected = search_index(records)
    taken = list(records)
    assert search_index_taking(taken) == expected
    assert taken == [], "each record is let go of once written"


def test_the_titles_script_is_the_records_without_their_text_and_a_session_keeps_their_json() -> (
    None
):
    records: list[SearchRecord] = [
        {
            "title": f"T{n}",
            "kind": "persona",
            "summary": "s",
            "tags": [],
            "text": "long " * n,
            "url": f"personas/p{n}/index.html",
        }
        for n in range(3)
    ]
    script = search_titles_script(records)
    prefix, suffix = b"window.GTM_SEARCH_INDEX = ", b";\n"
    assert script.startswith(prefix) and script.endswith(suffix)
    short = [{key: value for key, value in r.items() if key != "text"} for r in records]
    assert json.loads(script[len(prefix) : -len(suffix)]) == short
    memo = FeedMemo()
    assert search_titles_script(records, memo) == script
    kept = dict(memo.titles)
    records[1] = {**records[1], "title": "Changed"}
    again = search_titles_script(records, memo)
    assert b'"Changed"' in again and b'"T1"' not in again
    assert memo.titles[id(records[0])][1] is kept[id(records[0])][1], "unchanged JSON is kept"
