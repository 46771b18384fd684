"""Problems as data: every stage appends `Diagnostic`s to a collector and keeps going."""

from __future__ import annotations

import difflib
import json
import re
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
        """The compiler form, one line whatever the path and message hold."""
        head = f"{printable(self.path)}:{self.line}:{self.column}:"
        return f"{head} {self.severity}: {printable(self.message)}"


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
    """The diagnostics as a JSON list. json escapes C0 controls itself; the characters it
    leaves raw that a terminal or a UTF-8 encoder would trip on are written as `\\uXXXX` too,
    which only a JSON string can hold, so the data stays the same."""
    text = json.dumps([asdict(d) for d in items], indent=2, ensure_ascii=False)
    return JSON_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_NOT_C0 = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
UNPRINTABLE = re.compile(f"[\x00-\x1f{_NOT_C0}]")
"""What must not reach a terminal raw: C0 and C1 controls and DEL (escape sequences that clear
the screen, set the title or write the clipboard; line breaks that split a diagnostic and can
fake a CI annotation), Unicode line separators, bidi overrides that make text read backwards,
and the lone surrogates a file name that is not UTF-8 turns into."""
JSON_UNPRINTABLE = re.compile(f"[{_NOT_C0}]")


def printable(text: str) -> str:
    """`text` for one terminal line: every `UNPRINTABLE` character as the escape a Python
    string would show (`\\n`, `\\x1b`, `\\u202e`), so nothing a file holds can act on the
    terminal, yet a reader still sees exactly what is there."""
    return UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    code = ord(char)
    return named or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


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
