"""A content file's changes, from the log: each file of HEAD followed back through its renames,
and the top-level fields each change changed, named by comparing the two versions block by
block. Works on what `gitlog` reads; `history` makes the public records of it."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import yaml

from gtm.content import gitlog

Change = Literal["added", "modified", "renamed", "deleted"]

CHANGES: Mapping[str, Change] = MappingProxyType(
    {"A": "added", "M": "modified", "T": "modified", "R": "renamed", "D": "deleted"}
)
PARSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it: only its events are read, nothing is constructed."""
FRONT_MATTER = re.compile(rb"---[ \t]*\n")
FRONT_MATTER_END = re.compile(rb"\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
SCALAR = re.compile(rb"([A-Za-z_][\w-]*+):[ \t]++([\w(][^\n:#]*+)")
ITEMS = re.compile(rb"([A-Za-z_][\w-]*+):[ \t]*+((?:\n *+- [\w(][^\n:#]*+)++)")
BLOCK_TEXT = re.compile(rb"([A-Za-z_][\w-]*):[ \t]+([|>])[-+]?[ \t]*\n(( +)\S.*)", re.S)
FOLDED_LINES = re.compile(rb"\n+")
OPEN = (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.MappingStartEvent, None, None, None)
SEQUENCE = (yaml.SequenceStartEvent, None, None, None)
CLOSE = (yaml.MappingEndEvent, yaml.DocumentEndEvent, yaml.StreamEndEvent)
TOP_LEVEL = re.compile(rb"\n(?=[^\s#\-.%])")
KEY_START = re.compile(rb"[^\s#\-.%]")
KEY = re.compile(rb"""["']?([^:\n]*?)["']?[ \t]*:(?:[ \t]|$)""", re.M)


class Event(NamedTuple):
    """A change to a file as the walk meets it: its commit (by index in the log), its project
    paths after and before, and the blob ids of both versions."""

    commit: int
    change: Change
    path: str
    old_path: str
    old_blob: str
    new_blob: str
    edit: bool
    """Whether it has two different versions to compare (a modification or a rename)."""


@dataclass(slots=True)
class Lineage:
    """One file of HEAD followed back through the log: the walk's working record of it."""

    path: str
    events: list[Event] = field(default_factory=list)
    created: int | None = None
    updated: int | None = None


@dataclass
class Walk:
    """The walk's state between commits."""

    lineages: dict[str, Lineage]
    state: dict[str, Lineage | None]
    """Whose file each path held before the commits walked so far: a file of HEAD, or None for
    a path whose older versions belong to none. A path not in it has not been met yet."""
    reborn: dict[str, Lineage]
    """Paths where a file of HEAD was added: a deletion met next continues that file."""
    removed: list[tuple[int, str, str]]
    """The files deleted for good: the commit's number, the path and the blob it last held."""

    @classmethod
    def of(cls, current: Iterable[str]) -> Walk:
        lineages = {path: Lineage(path) for path in sorted(current)}
        return cls(lineages, dict(lineages), {}, [])


def follow(
    walk: Walk,
    index: int,
    commit: gitlog.Commit,
    locate: Callable[[str], str | None],
    boundary: frozenset[str],
) -> Iterator[Lineage]:
    """Follows every file of HEAD one commit further back (the log is newest first), giving the
    files it found a change of: a rename hands the older path over to the file, its addition
    ends it unless the same path was deleted before, and the deletion of a path no later commit
    holds is a removal."""
    for change in commit.changes:
        step = _normalized(change, locate)
        if step is not None:
            lineage = _step(walk, index, commit.timestamp, step, change, commit.sha in boundary)
            if lineage is not None:
                yield lineage


def _normalized(
    change: gitlog.Change, locate: Callable[[str], str | None]
) -> tuple[str, str, str] | None:
    """(status, old path, new path) in the project of a change to a content file: a rename into
    the kind folders counts as an addition, one out of them as a deletion, a copy as an
    addition."""
    old, new = locate(change.old), locate(change.new)
    if change.status == "C" or (change.status == "R" and old is None):
        return None if new is None else ("A", new, new)
    if change.status == "R" and new is None:
        return None if old is None else ("D", old, old)
    return None if old is None or new is None else (change.status, old, new)


def _step(
    walk: Walk, index: int, when: int, step: tuple[str, str, str], change: gitlog.Change, cut: bool
) -> Lineage | None:
    """One file of one commit: see `follow`. `cut` is a shallow clone's oldest commit, whose
    files all look added: it touches them, and they have no known creation."""
    status, old, new = step
    state = walk.state
    if status == "D" and old not in state:
        walk.removed.append((index, old, change.old_blob))
        state[old] = None
        return None
    if status == "D":
        target = state[old] = state[old] or walk.reborn.pop(old, None)
    else:
        target = state.get(new)
    if target is None:
        state.setdefault(old, None)
        state.setdefault(new, None)
        return None
    if target.updated is None:
        target.updated = when
    if cut:
        target.created, state[new] = None, None
        return None
    kind = CHANGES.get(status, "modified")
    edit = kind in ("modified", "renamed") and change.old_blob != change.new_blob
    target.events.append(Event(index, kind, new, old, change.old_blob, change.new_blob, edit))
    if kind == "added":
        target.created, state[new], walk.reborn[new] = when, None, target
    elif kind == "renamed":
        state[new], state[old] = None, target
        walk.reborn.pop(old, None)
    return target


class Kept(NamedTuple):
    """A change that changed something, with the fields it changed (see `_fields`)."""

    event: Event
    fields: tuple[str, ...]


@dataclass(slots=True)
class _Compared:
    """What comparing one file's versions keeps between its changes: the blob last asked for
    and the version read last, the older of one change and the newer of the next."""

    asked: tuple[str, str] = ("", "")
    version: _Version | None = None


class Compare:
    """Names the fields of each file's changes as the walk finds them: asks `cat-file` for the
    versions of a change at once and compares them AHEAD changes later, when their answers
    come, so git reads while this compares. A file gets its newest `limit` changes first and,
    for each that changed nothing, one more at the end, until it has `limit` or no more."""

    def __init__(self, reader: gitlog.BlobReader, limit: int) -> None:
        self._reader, self._limit = reader, limit
        self._kept: dict[str, list[Kept]] = {}
        self._fed: dict[str, int] = {}
        self._files: dict[str, _Compared] = {}
        self._queue: deque[tuple[Lineage, Event, bool]] = deque()

    def offer(self, lineage: Lineage, upto: int) -> None:
        """Takes the file's changes not taken yet, up to `upto` in all."""
        path, events = lineage.path, lineage.events
        fed, end = self._fed.get(path, 0), min(upto, len(events))
        while fed < end:
            event, fresh = events[fed], False
            fed += 1
            if event.edit:
                compared = self._files.get(path) or self._files.setdefault(path, _Compared())
                fresh = (event.new_blob, event.path) != compared.asked
                if fresh:
                    self._reader.ask(event.new_blob, event.old_blob)
                else:
                    self._reader.ask(event.old_blob)
                compared.asked = (event.old_blob, event.old_path)
            self._queue.append((lineage, event, fresh))
            if len(self._queue) > gitlog.AHEAD:
                self._settle()
        self._fed[path] = fed

    def finish(self, lineages: Iterable[Lineage]) -> dict[str, list[Kept]]:
        """Every file's changes that changed something, newest first, with their fields, after
        the rounds that make up for those that changed nothing."""
        while self._queue:
            self._settle()
        todo = [lineage for lineage in lineages if self._lacks(lineage)]
        while todo:
            for lineage in todo:
                fed, kept = self._fed.get(lineage.path, 0), self._kept.get(lineage.path, [])
                self.offer(lineage, fed + self._limit - len(kept))
            while self._queue:
                self._settle()
            todo = [lineage for lineage in todo if self._lacks(lineage)]
        return self._kept

    def _lacks(self, lineage: Lineage) -> bool:
        kept = len(self._kept.get(lineage.path, []))
        return kept < self._limit and self._fed.get(lineage.path, 0) < len(lineage.events)

    def _settle(self) -> None:
        """Compares the versions of the oldest change taken, and keeps it if it changed any."""
        lineage, event, fresh = self._queue.popleft()
        fields: tuple[str, ...] | None = ()
        if event.edit:
            compared = self._files[lineage.path]
            new = _version(self._reader.answer(), event.path) if fresh else compared.version
            compared.version = _version(self._reader.answer(), event.old_path)
            fields = _fields(compared.version, new)
        if fields or event.change != "modified":
            self._kept.setdefault(lineage.path, []).append(Kept(event, fields or ()))


@dataclass(slots=True)
class _Version:
    """A version of a file: its YAML (a `.md` file's front matter), cut into its top-level
    blocks when first compared with a different one, and a `.md` file's body."""

    text: bytes
    body: bytes | None
    cut: list[bytes] | None = None
    values: dict[bytes, object] = field(default_factory=dict)
    """The values of its blocks worked out so far (see `_value`)."""

    def blocks(self) -> list[bytes]:
        """The blocks in file order: each starts at a line that begins, in the first column,
        with none of space, `#`, `-`, `.`, `%` (so, with a key)."""
        if self.cut is None:
            parts = TOP_LEVEL.split(self.text)
            self.cut = parts if KEY_START.match(self.text) else parts[1:]
        return self.cut


def _version(data: bytes | None, path: str) -> _Version | None:
    """A version read: its text as UTF-8 with LF line ends, a `.md` file's front matter and
    body apart (its body without the blank lines around it)."""
    if data is None:
        return None
    text = data.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in text:
        text = text.replace(b"\r\n", b"\n")
    if not path.endswith(".md"):
        return _Version(text, None)
    end = FRONT_MATTER_END.search(text, 3) if FRONT_MATTER.match(text) else None
    if end is None:
        return _Version(b"", text.lstrip(b"\n").rstrip())
    start = text.find(b"\n") + 1
    return _Version(text[start : end.start() + 1], text[end.end() :].lstrip(b"\n").rstrip())


def yaml_text(data: bytes | None, path: str) -> bytes | None:
    """A version's YAML (a `.md` file's front matter), as `_version` reads it; None for none."""
    version = _version(data, path)
    return version.text if version is not None else None


def _fields(old: _Version | None, new: _Version | None) -> tuple[str, ...] | None:
    """The fields whose values differ, the new version's in file order, then the removed ones;
    None when a version could not be read. Only the blocks whose text changed are looked at."""
    if old is None or new is None:
        return None
    changed = []
    if old.text != new.text:
        olds, news = old.blocks(), new.blocks()
        if len(olds) == len(news):  # most often, the blocks in the same places differ
            pairs = [
                (block, other) for block, other in zip(olds, news, strict=True) if block != other
            ]
            gone, came = _named(block for block, _ in pairs), _named(other for _, other in pairs)
        else:
            old_set, new_set = set(olds), set(news)
            gone = _named(block for block in olds if block not in new_set)
            came = _named(block for block in news if block not in old_set)
        names = dict.fromkeys([*came, *gone])
        changed = [name for name in names if not _same(gone.get(name), came.get(name), old, new)]
    if old.body != new.body and "text" not in changed:
        changed.append("text")
    return tuple(changed)


def _named(blocks: Iterable[bytes]) -> dict[str, bytes]:
    """Blocks in file order by the field each sets, as written ("text" for `body`), a repeated
    key's joined."""
    named: dict[str, bytes] = {}
    for block in blocks:
        key = KEY.match(block)
        name = (key[1] if key else block.split(b"\n", 1)[0]).decode("utf-8", "replace")
        name = "text" if name == "body" else name
        named[name] = named[name] + b"\n" + block if name in named else block
    return named


def _same(old: bytes | None, new: bytes | None, before: _Version, after: _Version) -> bool:
    """Whether two texts of a block (of the versions `before` and `after`) hold the same value:
    the same text or the same YAML events (a folded text reflowed, a comment, flow or block
    style), never when either does not parse. Events, not values: no alias is expanded."""
    if old == new:
        return True
    if old is None or new is None:
        return False
    value = _value(old, before.values)
    return value is not None and value == _value(new, after.values)


def _value(block: bytes, values: dict[bytes, object]) -> object:
    """A block's YAML events, without positions and styles, worked out once per text."""
    if block not in values:
        text = block.rstrip()
        values[block] = _plain(text) or _parsed(text)
    return values[block]


def _parsed(block: bytes) -> tuple[object, ...] | None:
    """The events of libyaml's parser: each one's class and, for a node, value, tag, anchor."""
    events: list[object] = []
    try:
        parser = PARSER(block)
        while (event := parser.get_event()) is not None:
            events.append(event.__class__)
            if isinstance(event, yaml.NodeEvent):
                events += (getattr(event, "value", None), getattr(event, "tag", None))
                events.append(event.anchor)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    return tuple(events)


def _plain(block: bytes) -> tuple[object, ...] | None:
    """The events `_parsed` gives, worked out without a parser for the blocks most fields are:
    a plain one-line text, a list of them at one indentation (neither with `:` or `#`, so with
    no other YAML in them) or a literal or folded text (`|`, `>`). None for any other
    block."""
    try:
        if scalar := SCALAR.fullmatch(block):
            return (*OPEN, *_scalar(scalar[1]), *_scalar(scalar[2].rstrip()), *CLOSE)
        if items := ITEMS.fullmatch(block):
            lines = items[2].split(b"\n")[1:]
            indent = len(lines[0]) - len(lines[0].lstrip(b" "))
            if any(len(line) - len(line.lstrip(b" ")) != indent for line in lines):
                return None
            texts = [part for line in lines for part in _scalar(line[indent + 2 :].strip())]
            return (*OPEN, *_scalar(items[1]), *SEQUENCE, *texts, yaml.SequenceEndEvent, *CLOSE)
        if scalar := BLOCK_TEXT.fullmatch(block):
            text = _literal(scalar[3], len(scalar[4]))
            if text is not None and scalar[2] == b">":
                text = _folded(text)
            return None if text is None else (*OPEN, *_scalar(scalar[1]), *_scalar(text), *CLOSE)
    except UnicodeDecodeError:
        return None
    return None


def _literal(text: bytes, indent: int) -> bytes | None:
    """A literal text's value: its lines less the indentation of the first. None when a line
    is less indented without being empty (the parser then decides)."""
    if re.search(rb"\n {0,%d}(?:[^ \n]|(?<= )(?:\n|\Z))" % (indent - 1), text):
        return None
    return text[indent:].replace(b"\n" + b" " * indent, b"\n")


def _folded(text: bytes) -> bytes | None:
    """A folded text's value from its lines less the indentation: a line break becomes a
    space, and each empty line one line break. None when a line is more indented (it would
    keep its line breaks) or has a tab at its start."""
    if text[:1] in (b" ", b"\t") or b"\n " in text or b"\n\t" in text:
        return None
    return FOLDED_LINES.sub(lambda breaks: breaks[0][1:] or b" ", text)


def _scalar(text: bytes) -> tuple[object, ...]:
    return (yaml.ScalarEvent, text.decode("utf-8"), None, None)
