"""Problems as data: every stage appends `Diagnostic`s to a collector and keeps going."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem at a 1-based line and column of a project-relative path."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


@dataclass
class Diagnostics:
    """The collector that every stage writes to; it never raises."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, column: int, code: str, message: str) -> None:
        self.items.append(Diagnostic(path, line, column, "error", code, message))

    def warning(self, path: str, line: int, column: int, code: str, message: str) -> None:
        self.items.append(Diagnostic(path, line, column, "warning", code, message))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.items.extend(items)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.items if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.items if d.severity == "warning")

    def sorted(self) -> list[Diagnostic]:
        return sort_diagnostics(self.items)


def sort_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by path, line and column, without repeats: the order users read them in."""
    return sorted(set(items))


def fails(items: Sequence[Diagnostic], strict: bool) -> bool:
    """Whether these diagnostics make the run fail: any error, or any warning under --strict."""
    return any(d.severity == "error" or strict for d in items)


def summary(items: Sequence[Diagnostic]) -> str:
    """`2 errors, 1 warning`: the closing line of every check."""
    errors = sum(1 for d in items if d.severity == "error")
    warnings = len(items) - errors
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def to_json(items: Sequence[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in items], indent=2, ensure_ascii=False)


def bad_byte_position(raw: bytes, error: UnicodeDecodeError) -> tuple[int, int]:
    """1-based line and column (in characters) of the first byte that is not UTF-8."""
    line_start = raw.rfind(b"\n", 0, error.start) + 1
    column = len(raw[line_start : error.start].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, error.start) + 1, column


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest choices, or nothing when none is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"'{c}'" for c in close) + "?)"
