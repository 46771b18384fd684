"""Diagnostics: the one-line form, the order users read them in, the summary and the exit rule."""

from __future__ import annotations

import json

from gtm.diagnostics import (
    Diagnostic,
    Diagnostics,
    did_you_mean,
    fails,
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
