"""Where libyaml stopped reading a file, and the small readings of its text that every explanation
of a YAML mistake uses: the lines before it, their indentation, the brackets still open."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]  # same API, other class


@dataclass(frozen=True)
class Failure:
    """Where libyaml stopped and what it said, with the tokens it read before stopping."""

    text: str
    index: int
    problem: str
    context: str
    context_index: int | None
    line_offset: int

    @cached_property
    def tokens(self) -> tuple[Any, ...]:
        """The tokens libyaml read before it stopped: they say where each quoted text and each
        bracket opened and closed. Read again only when an explanation needs them, as it is
        the costliest part of an explanation."""
        tokens: list[Any] = []
        try:
            for token in yaml.scan(self.text, Loader=_Loader):
                if token.start_mark.index >= self.index:
                    break
                tokens.append(token)
        except yaml.YAMLError:
            pass
        return tuple(tokens)

    def line_number(self, index: int) -> int:
        """The line in the file (not in the front matter) that holds `index`."""
        return self.text.count("\n", 0, index) + 1 + self.line_offset

    def line_at(self, index: int) -> tuple[int, str]:
        """The start of the line that holds `index`, and the line's text."""
        start = self.text.rfind("\n", 0, index) + 1
        end = self.text.find("\n", index)
        return start, self.text[start : len(self.text) if end < 0 else end]


Explanation = tuple[int, str]
"""Where in the text the mistake is, and what to tell the person who made it."""


def place(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character, counting lines as the rest of gtm does."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def not_valid_yaml(said: str) -> str:
    return f"this line is not valid YAML: check its quotes, brackets and indentation ({said})"


def said(failure: Failure) -> str:
    """libyaml's own words, for the mistakes no plain explanation fits."""
    said = failure.problem or failure.context or "unknown problem"
    if failure.problem and failure.context and failure.context_index is not None:
        said += f" {failure.context} at line {failure.line_number(failure.context_index)}"
    return f"the YAML reader says: {said}"


def quoted(value: str) -> str:
    """The text in the quotes that keep it exactly as written."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def without_comment(value: str) -> str:
    """A plain text as YAML reads it: a ' #' starts a comment."""
    return value.split(" #", 1)[0].rstrip()


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def is_item(content: str) -> bool:
    """Whether a line (without its indentation) is a '- ' list item."""
    return content == "-" or content.startswith(("- ", "-\t"))


def content_lines(failure: Failure, before: int) -> Iterator[tuple[int, int, str]]:
    """(file line number, start, text) of every line above the one holding `before` that holds
    more than blanks and a comment, nearest first."""
    end = failure.text.rfind("\n", 0, before)
    number = failure.line_number(before)
    while end >= 0:
        start = failure.text.rfind("\n", 0, end) + 1
        number -= 1
        line = failure.text[start:end]
        content = line.strip()
        if content and not content.startswith("#"):
            yield number, start, line
        end = start - 1


def stray(failure: Failure) -> bool:
    """Whether libyaml found something it cannot place where a field or an item should be."""
    return failure.problem.startswith(("did not find expected key", "expected <block end>")) or (
        failure.problem == "did not find expected '-' indicator"
    )


def open_brackets(tokens: tuple[Any, ...]) -> list[tuple[Any, Any | None]]:
    """Every '[' and '{' read, each with the token that closed it (None while open)."""
    pairs: list[tuple[Any, Any | None]] = []
    open_ones: list[int] = []
    for token in tokens:
        if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            open_ones.append(len(pairs))
            pairs.append((token, None))
        elif open_ones and isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            at = open_ones.pop()
            pairs[at] = (pairs[at][0], token)
    return pairs
