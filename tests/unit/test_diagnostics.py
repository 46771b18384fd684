"""Diagnostics: the one-line form, the order users read them in, the summary and the exit rule."""

from __future__ import annotations

import json
import re

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtm.console import format_line
from gtm.diagnostics import (
    Diagnostic,
    Diagnostics,
    did_you_mean,
    fails,
    printable,
    sort_diagnostics,
    summary,
    to_json,
)


def error(path: str, line: int, column: int, message: str = "m") -> Diagnostic:
    return Diagnostic(path, line, column, "error", "code", message)


def warning(path: str, line: int, column: int, message: str = "m") -> Diagnostic:
    return Diagnostic(path, line, column, "warning", "code", message)


def test_format_is_the_compiler_form() -> None:
    d = Diagnostic("content/personas/dana.yaml", 12, 3, "error", "unknown-field", "unknown")
    assert d.format() == "content/personas/dana.yaml:12:3: error: unknown"


def test_collector_counts_and_keeps_going() -> None:
    diagnostics = Diagnostics()
    diagnostics.error("a.yaml", 1, 1, "x", "one")
    diagnostics.warning("a.yaml", 2, 1, "y", "two")
    diagnostics.warning("a.yaml", 3, 1, "y", "three")
    assert (diagnostics.errors, diagnostics.warnings) == (1, 2)
    assert [d.severity for d in diagnostics.items] == ["error", "warning", "warning"]


def test_sorted_by_path_then_line_then_column_numerically() -> None:
    items = [
        error("b.yaml", 1, 1),
        error("a.yaml", 10, 1),
        error("a.yaml", 2, 5),
        error("a.yaml", 2, 12),
        warning("a.yaml", 9, 1),
    ]
    ordered = [(d.path, d.line, d.column) for d in sort_diagnostics(items)]
    assert ordered == [
        ("a.yaml", 2, 5),
        ("a.yaml", 2, 12),
        ("a.yaml", 9, 1),
        ("a.yaml", 10, 1),
        ("b.yaml", 1, 1),
    ]


def test_sorting_drops_exact_repeats_only() -> None:
    items = [error("a.yaml", 1, 1, "same"), error("a.yaml", 1, 1, "same"), error("a.yaml", 1, 1)]
    assert len(sort_diagnostics(items)) == 2


def test_summary_counts_and_plurals() -> None:
    assert summary([]) == "0 errors, 0 warnings"
    assert summary([error("a", 1, 1)]) == "1 error, 0 warnings"
    assert summary([error("a", 1, 1), error("a", 2, 1), warning("a", 3, 1)]) == (
        "2 errors, 1 warning"
    )


def test_fails_on_errors_and_on_warnings_only_when_strict() -> None:
    assert not fails([], strict=True)
    assert not fails([warning("a", 1, 1)], strict=False)
    assert fails([warning("a", 1, 1)], strict=True)
    assert fails([error("a", 1, 1)], strict=False)


def test_json_has_exactly_the_documented_keys() -> None:
    items = [Diagnostic("a.yaml", 4, 17, "warning", "word-limit", "Ünïcode kept")]
    data = json.loads(to_json(items))
    assert data == [
        {
            "path": "a.yaml",
            "line": 4,
            "column": 17,
            "severity": "warning",
            "code": "word-limit",
            "message": "Ünïcode kept",
        }
    ]
    assert "Ünïcode" in to_json(items), "JSON is written as UTF-8, not escaped"


def test_did_you_mean_suggests_close_words_only() -> None:
    assert did_you_mean("paint", ["pains", "goals"]) == " (did you mean 'pains'?)"
    assert did_you_mean("zzz", ["pains", "goals"]) == ""
    both = did_you_mean("rely", ["relay", "reply", "x"])
    assert both in (" (did you mean 'relay' or 'reply'?)", " (did you mean 'reply' or 'relay'?)")


HOSTILE = [
    ("\x1b]52;c;ZWNobyBoaQ==\x07", "\\x1b]52;c;ZWNobyBoaQ==\\x07"),  # writes the clipboard
    ("\x1b]0;title\x07\x1b[2J", "\\x1b]0;title\\x07\\x1b[2J"),  # sets the title, clears
    ("a\n::error::fake", "a\\n::error::fake"),  # a second line, a fake CI annotation
    ("a\rb\tc\x00\x7f", "a\\rb\\tc\\x00\\x7f"),
    ("\x9b2J\x85", "\\x9b2J\\x85"),  # C1 controls: CSI and NEL
    ("\u202eevil\u202c \u2066x\u2069", "\\u202eevil\\u202c \\u2066x\\u2069"),  # bidi
    ("a\u2028b\u2029", "a\\u2028b\\u2029"),
    ("c\udcff.yaml", "c\\udcff.yaml"),  # a file name that is not UTF-8
    ("Ünïcode, ✓ and 日本", "Ünïcode, ✓ and 日本"),  # printable text stays as it is
]


@pytest.mark.parametrize(("raw", "shown"), HOSTILE)
def test_printable_escapes_what_would_act_on_a_terminal(raw: str, shown: str) -> None:
    assert printable(raw) == shown


UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.mark.parametrize("color", [False, True])
@pytest.mark.parametrize(("raw", "shown"), HOSTILE)
def test_a_diagnostic_is_one_safe_line_coloured_or_not(raw: str, shown: str, color: bool) -> None:
    diagnostic = Diagnostic(f"content/{raw}.yaml", 3, 1, "error", "bad-id", f"'{raw}' is bad")
    line = click.unstyle(format_line(diagnostic, color))
    assert line == f"content/{shown}.yaml:3:1: error: '{shown}' is bad"
    assert not UNSAFE.search(line)
    assert diagnostic.format() == line


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_any_text_prints_on_one_line_and_encodes_as_utf8(text: str) -> None:
    shown = printable(text)
    assert len(shown.splitlines()) <= 1 and not UNSAFE.search(shown)
    shown.encode("utf-8")
    line = Diagnostic(text, 1, 1, "warning", "x", text).format()
    assert len(line.splitlines()) == 1


def test_json_escapes_what_json_leaves_raw_and_keeps_the_data() -> None:
    raw = "\x1b\x7f\x9b\u202e\u2028\udcff\n"
    items = [Diagnostic(f"content/{raw}.yaml", 1, 1, "error", "bad-id", raw)]
    text = to_json(items)
    assert not UNSAFE.search(text.replace("\n", ""))  # only the JSON's own line breaks
    text.encode("utf-8")
    assert json.loads(text)[0]["message"] == raw
