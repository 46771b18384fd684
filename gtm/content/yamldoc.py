"""Safe YAML with positions: values stay as written (every scalar is text) and every node keeps
its line and column, so a validation error can point at the exact key or value."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from gtm.content.yamlfailure import not_valid_yaml, place
from gtm.content.yamlmistakes import explain_syntax_error

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]  # same API, other class

MAX_DEPTH = 32
NULLS = frozenset({"", "~", "null", "Null", "NULL"})

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node stands: its value's line and column, its key's, and its character range."""

    line: int
    column: int
    key_line: int
    key_column: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class YamlProblem:
    line: int
    column: int
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain data (dicts, lists, str, None) with a span for every path, and the problems seen."""

    data: Any
    spans: dict[PathKey, Span]
    problems: tuple[YamlProblem, ...]


class _Builder:
    """Turns a libyaml event stream into plain data; offsets move positions into the file."""

    def __init__(self, text: str, line_offset: int, index_offset: int) -> None:
        self.text = text
        self.line_offset = line_offset
        self.index_offset = index_offset
        self.spans: dict[PathKey, Span] = {}
        self.problems: list[YamlProblem] = []

    def problem(self, mark: Any, code: str, message: str) -> None:
        self.problems.append(
            YamlProblem(mark.line + 1 + self.line_offset, mark.column + 1, code, message)
        )

    def span(self, event: Any, key_event: Any | None) -> Span:
        key = key_event or event
        return Span(
            line=event.start_mark.line + 1 + self.line_offset,
            column=event.start_mark.column + 1,
            key_line=key.start_mark.line + 1 + self.line_offset,
            key_column=key.start_mark.column + 1,
            start=event.start_mark.index + self.index_offset,
            end=event.end_mark.index + self.index_offset,
        )

    def check_node(self, event: Any) -> None:
        if getattr(event, "anchor", None):
            self.problem(
                event.start_mark,
                "yaml-anchor",
                f"YAML anchors are not allowed ('&{event.anchor}'): write the value out",
            )
        tag = getattr(event, "tag", None)
        if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
            self.problem(
                event.start_mark,
                "yaml-tag",
                f"YAML tags are not allowed ('{_short_tag(tag)}'): remove it",
            )

    def node(self, events: Any, event: Any, path: PathKey, key_event: Any, depth: int) -> Any:
        if isinstance(event, yaml.AliasEvent):
            self.problem(
                event.start_mark,
                "yaml-alias",
                f"YAML aliases are not allowed ('*{event.anchor}'): write the value out",
            )
            self.spans[path] = self.span(event, key_event)
            return None
        self.check_node(event)
        self.spans[path] = self.span(event, key_event)
        if isinstance(event, yaml.ScalarEvent):
            if event.style in (None, "") and event.value in NULLS:
                return None
            return event.value
        if depth >= MAX_DEPTH:
            self.problem(
                event.start_mark, "yaml-too-deep", f"nesting is deeper than {MAX_DEPTH} levels"
            )
            self.skip(events)
            return None
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            for child in _until(events, yaml.SequenceEndEvent):
                items.append(self.node(events, child, (*path, len(items)), None, depth + 1))
            return items
        return self.mapping(events, path, depth)

    def mapping(self, events: Any, path: PathKey, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_event in _until(events, yaml.MappingEndEvent):
            if not isinstance(key_event, yaml.ScalarEvent):
                self.problem(key_event.start_mark, "yaml-key", "a field name must be plain text")
                if _opens(key_event):
                    self.skip(events)
                if _opens(next(events)):
                    self.skip(events)
                continue
            value_event = next(events)
            self.check_node(key_event)
            key = key_event.value
            if key in result:
                first = self.spans[(*path, key)]
                self.problem(
                    key_event.start_mark,
                    "yaml-duplicate-key",
                    f"field '{key}' appears twice (first on line {first.key_line})",
                )
                self.node(events, value_event, (*path, "\0dup"), key_event, depth + 1)
                continue
            result[key] = self.node(events, value_event, (*path, key), key_event, depth + 1)
        return result

    def skip(self, events: Any) -> None:
        """Consumes the rest of the collection just opened, however deep."""
        level = 1
        for event in events:
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                level += 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                level -= 1
                if level == 0:
                    return


def _opens(event: Any) -> bool:
    return isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))


def _until(events: Any, end: type) -> Any:
    for event in events:
        if isinstance(event, end):
            return
        yield event


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml") else tag


@dataclass
class YamlMemo:
    """Parsed documents by a digest of their text and place: those the last build parsed (from
    the build cache, taken as they are used) and those of this run, for the next one."""

    stored: dict[str, Any] = field(default_factory=dict)
    made: dict[str, YamlDocument] = field(default_factory=dict)

    @classmethod
    def from_payload(cls, payload: Any) -> YamlMemo:
        """The documents an earlier build parsed (`payload()`): a one-off build after a
        one-file change then parses only that file. A payload of the wrong shape is ignored."""
        return cls(stored=dict(payload) if isinstance(payload, dict) else {})

    def payload(self) -> Iterator[tuple[str, list[Any]]]:
        """Every document of this run as JSON data, one at a time as the cache file is
        written."""
        for key, document in self.made.items():
            spans = [[list(path), *_span_numbers(span)] for path, span in document.spans.items()]
            problems = [[p.line, p.column, p.code, p.message] for p in document.problems]
            yield key, [document.data, spans, problems]


MADE_LIMIT = 16_384
"""The documents of this run kept for the cache; the sources that hold them are kept as long."""


def parse_yaml(
    text: str, line_offset: int = 0, index_offset: int = 0, memo: YamlMemo | None = None
) -> YamlDocument:
    """Parses one YAML document; `line_offset` and `index_offset` place it inside a larger file.
    A document an earlier build parsed (in the memo's `stored`) is taken as it was."""
    if memo is None:
        return _parse(text, line_offset, index_offset)
    key = hashlib.sha1(f"{line_offset}:{index_offset}:{text}".encode()).hexdigest()
    document = _from_payload(memo.stored.pop(key, None))
    if document is None:
        document = _parse(text, line_offset, index_offset)
    if len(memo.made) >= MADE_LIMIT:
        memo.made.clear()
    memo.made[key] = document
    return document


def _span_numbers(span: Span) -> tuple[int, ...]:
    return (span.line, span.column, span.key_line, span.key_column, span.start, span.end)


def _from_payload(stored: Any) -> YamlDocument | None:
    try:
        data, spans, problems = stored
        places: dict[PathKey, Span] = {}
        for path, *numbers in spans:
            if len(numbers) != 6 or not all(type(n) is int for n in numbers):
                return None
            if not all(type(part) in (str, int) for part in path):
                return None
            places[tuple(path)] = Span(*numbers)
        return YamlDocument(data, places, tuple(YamlProblem(*problem) for problem in problems))
    except (TypeError, ValueError):
        return None


def _parse(text: str, line_offset: int, index_offset: int) -> YamlDocument:
    builder = _Builder(text, line_offset, index_offset)
    data: Any = None
    events = iter(yaml.parse(text, Loader=_Loader))
    try:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                if data is not None or builder.spans:
                    builder.problem(
                        event.start_mark,
                        "yaml-documents",
                        "only one YAML document is allowed per file",
                    )
                    break
                data = builder.node(events, next(events), (), None, 0)
    except yaml.YAMLError as exc:
        # A file YAML cannot read gets one problem, the first one: what was found before it
        # is set aside until the file reads again, so the fix is never buried in a cascade.
        builder.problems[:] = [_unreadable(text, exc, line_offset)]
    return YamlDocument(data, builder.spans, tuple(builder.problems))


def _unreadable(text: str, exc: yaml.YAMLError, line_offset: int) -> YamlProblem:
    """The one problem of a file YAML cannot read, placed in the file."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None and "maximum nesting depth" in (exc.problem or ""):
            line, column = place(text, mark.index)
            message = f"nesting is deeper than {MAX_DEPTH} levels"
            return YamlProblem(line + line_offset, column, "yaml-too-deep", message)
        if mark is not None:
            line, column, message = explain_syntax_error(text, exc, line_offset)
            return YamlProblem(line, column, "yaml-syntax", message)
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml counts this position in bytes, not characters; the first such character in
        # the text is the one the reader stopped at.
        character = exc.character if isinstance(exc.character, int) else ord(exc.character[0])
        found = text.find(chr(character))
        line, column = place(text, found if found >= 0 else min(exc.position, len(text)))
        message = (
            f"there is an invisible character here (U+{character:04X}) that YAML does not "
            "allow: delete it"
        )
        return YamlProblem(line + line_offset, column, "yaml-syntax", message)
    return YamlProblem(1 + line_offset, 1, "yaml-syntax", not_valid_yaml(str(exc).splitlines()[0]))
