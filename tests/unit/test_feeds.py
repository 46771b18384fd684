"""Calendar text rules of RFC 5545: escaping and folding at 75 octets."""

from __future__ import annotations

from gtm.feeds import _fold, _text


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
