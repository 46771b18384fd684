"""Calendar text rules of RFC 5545 (escaping, folding at 75 octets) and the search words."""

from __future__ import annotations

from pathlib import Path

from gtm.feeds import SearchRecord, _fold, _text, search_records
from gtm.project import open_project
from gtm.views import make_portal
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
    portal = make_portal(check(root).site, config, options().today, "internal", False)
    return search_records(portal, known=known)


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
