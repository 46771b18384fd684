"""Finds content files in sorted order and reads each into a `Source`: its fields as plain data
with a span for every key and value, and its Markdown body. Every problem is a diagnostic."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gtm.content.reading import (
    ContentFile,
    Reads,
    decode_text,
    read_file,
    read_files,
    split_front_matter,
)
from gtm.content.scalars import SLUG, slug_for
from gtm.content.yamldoc import PathKey, Span, YamlDocument, YamlMemo, parse_yaml
from gtm.diagnostics import Diagnostics
from gtm.memo import PerFile, Reported, reported

Mask = re.Pattern[str] | None
Needle = re.Pattern[str] | str
Finder = Callable[[Needle, int], tuple[int, int] | None]
"""A search in one value: a regex or a literal text, and which occurrence of it."""


@dataclass(frozen=True)
class Source:
    """One content file as read: data with spans, body, and enough text to place any hit."""

    path: str
    kind: str
    id: str
    head: str
    """The file's text; for a .md file with a body, the text before the body."""
    data: dict[str, Any]
    spans: dict[PathKey, Span]
    digest: str
    body_span: Span | None = None
    line_starts: Sequence[int] = field(default_factory=list, repr=False, compare=False)
    tail: str = field(default="", repr=False, compare=False)
    """The body of a .md file, the very string in `data["body"]`: a large portal's bodies
    are tens of megabytes, so the file's text is not kept twice."""

    @property
    def text(self) -> str:
        """The whole text of the file, put together again."""
        return self.head + self.tail if self.tail else self.head

    @property
    def size(self) -> int:
        return len(self.head) + len(self.tail)

    def raw(self, start: int, end: int) -> str:
        """The file's text from offset `start` to `end`."""
        cut = len(self.head)
        if end <= cut or not self.tail:
            return self.head[start:end]
        if start >= cut:
            return self.tail[start - cut : end - cut]
        return self.head[start:] + self.tail[: end - cut]

    def position(self, index: int) -> tuple[int, int]:
        """The 1-based line and column of a character offset in the file."""
        line = bisect.bisect_right(self.line_starts, index)
        return line, index - self.line_starts[line - 1] + 1

    def span(self, path: PathKey) -> Span:
        """The span of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            body = path[:end] == ("body",) and self.body_span is not None
            found = self.body_span if body else self.spans.get(path[:end])
            if found is not None:
                return found
        return Span(1, 1, 1, 1, 0, 0)

    def find(
        self, path: PathKey, pattern: Needle, occurrence: int = 0, mask: Mask = None
    ) -> tuple[int, int] | None:
        """Line and column of the `occurrence`-th match of `pattern` (a regex, or a text taken
        literally) in the raw text of the value at `path`, with `mask` matches blanked; the raw
        text may fold lines the value joins."""
        return self.finder(path, mask)(pattern, occurrence)

    def finder(self, path: PathKey, mask: Mask = None, ends: str | None = None) -> Finder:
        """`find` for many searches in one value: its raw text is cut and blanked once, and
        asking for the next occurrence of a text goes on from the last one. With `ends`, a
        literal text counts only where one of those characters (or the end) follows it, so a
        link is not found inside a longer one."""
        span = self.span(path)
        raw = self.raw(span.start, span.end if span.end > span.start else self.size)
        if mask is not None:
            raw = blank(mask, raw)
        last: dict[str, tuple[int, int]] = {}

        def find_text(needle: str, occurrence: int) -> int:
            count, index = last.get(needle, (-1, -len(needle)))
            if count > occurrence:
                count, index = -1, -len(needle)
            while count < occurrence:
                index = raw.find(needle, index + max(len(needle), 1))
                if index < 0:
                    return -1
                after = index + len(needle)
                if ends is None or after == len(raw) or raw[after] in ends:
                    count += 1
            last[needle] = (count, index)
            return index

        def find(pattern: Needle, occurrence: int = 0) -> tuple[int, int] | None:
            if isinstance(pattern, str):
                index = find_text(pattern, occurrence)
                return self.position(span.start + index) if index >= 0 else None
            for index, match in enumerate(pattern.finditer(raw)):
                if index == occurrence:
                    return self.position(span.start + match.start())
            return None

        return find


def blank(mask: re.Pattern[str], text: str) -> str:
    """`text` with every `mask` match replaced by spaces, so offsets stay where they were."""
    return mask.sub(lambda m: " " * len(m.group()), text)


@dataclass
class SourceMemo:
    """What reading and parsing found, for the next build of the same session: each parse by
    its file's digest, and the YAML documents. With `reads` (`gtm serve`), each file's last
    read too, with the stat it was read at."""

    parsed: Reported[Source | None] = field(default_factory=lambda: PerFile(limit=16_384))
    yaml: YamlMemo = field(default_factory=YamlMemo)
    reads: Reads | None = None

    def forget_reads(self, paths: Iterable[Path]) -> None:
        """Reads the given files, or the files in the given folders, again next time, whatever
        their stat says: two saves within one tick of the file system's clock can leave the
        same size and times."""
        if self.reads is None:
            return
        for changed in map(str, paths):
            under = changed + os.sep
            for name in [name for name in self.reads if name == changed or name.startswith(under)]:
                del self.reads[name]


def parse_file(
    file: ContentFile, diagnostics: Diagnostics, memo: SourceMemo | None = None
) -> Source | None:
    """The file's fields and body as a Source; None when they cannot be read as content."""
    if memo is None:
        return _parse(file.kind, file.rel, file.path, file.raw, file.digest, diagnostics, None)
    key = (file.kind, file.rel, file.path.name, file.digest)
    return reported(
        memo.parsed,
        key,
        diagnostics,
        lambda found: _parse(
            file.kind, file.rel, file.path, file.raw, file.digest, found, memo.yaml
        ),
    )


def read_source(kind: str, path: Path, root: Path, diagnostics: Diagnostics) -> Source | None:
    """Reads and parses one content file."""
    file = read_file(kind, path, root, diagnostics)
    return parse_file(file, diagnostics) if file is not None else None


def parse_bytes(
    kind: str, rel: str, name: str, raw: bytes, diagnostics: Diagnostics
) -> Source | None:
    """The bytes of one file as a Source, as if read from `rel`: for the fuzzer."""
    digest = hashlib.sha256(raw).hexdigest()
    return _parse(kind, rel, Path(name), raw, digest, diagnostics, None)


def _parse(
    kind: str,
    rel: str,
    path: Path,
    raw: bytes,
    digest: str,
    diagnostics: Diagnostics,
    yaml: YamlMemo | None,
) -> Source | None:
    text = decode_text(raw, rel, diagnostics)
    if text is None:
        return None
    if not text.strip():
        diagnostics.error(rel, 1, 1, "file-empty", "the file is empty")
        return None
    if kind != "brand" and not SLUG.match(path.stem):
        diagnostics.error(
            rel,
            1,
            1,
            "bad-id",
            f"'{path.name}' is not a valid file name: use lower-case letters, digits and '-' "
            f"(like '{slug_for(path.stem)}{path.suffix}')",
        )
    line_starts = array("I", [0])
    line_starts.extend(m.end() for m in re.finditer("\n", text))
    body_span = None
    if path.suffix == ".md":
        split = split_front_matter(text, rel, diagnostics)
        if split is None:
            return None
        front, front_line, front_index, body_line, body_index = split
        document = parse_yaml(front, front_line - 1, front_index, yaml)
        body_span = Span(body_line, 1, body_line, 1, body_index, len(text))
    else:
        document = parse_yaml(text, memo=yaml)
    data = _fields(document, rel, path.suffix == ".md", diagnostics)
    if data is None:
        return None
    body = ""
    if body_span is not None:
        body = _body(text, body_span, data, document, rel, diagnostics)
        if body:
            data, text = {**data, "body": body}, text[: body_span.start]
    return Source(
        rel, kind, path.stem, text, data, document.spans, digest, body_span, line_starts, body
    )


def _fields(
    document: YamlDocument, rel: str, markdown: bool, diagnostics: Diagnostics
) -> dict[str, Any] | None:
    """The document's fields, with its problems reported; None when it holds no fields to
    read (a syntax error, or a list or a text where fields belong)."""
    for problem in document.problems:
        diagnostics.error(rel, problem.line, problem.column, problem.code, problem.message)
    if any(p.code in ("yaml-syntax", "yaml-too-deep") for p in document.problems):
        return None
    data = document.data
    if data is None and markdown and not document.problems:
        data = {}
    if isinstance(data, dict):
        return data
    if not document.problems:
        where = document.spans.get((), Span(1, 1, 1, 1, 0, 0))
        message = "expected fields ('name: …' lines), found " + _describe(data)
        diagnostics.error(rel, where.line, where.column, "not-a-mapping", message)
    return None


def _body(
    text: str,
    body_span: Span,
    data: dict[str, Any],
    document: YamlDocument,
    rel: str,
    diagnostics: Diagnostics,
) -> str:
    """The Markdown after a front matter, or "" when there is none to speak of."""
    body = text[body_span.start :]
    if "body" in data:
        span = document.spans[("body",)]
        message = "'body' is given in the front matter and after it: keep one"
        diagnostics.error(rel, span.key_line, span.key_column, "body-twice", message)
    return body if body.strip() else ""


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    return f"the text '{str(value)[:40]}'"


def parse_sources(
    files: list[ContentFile], diagnostics: Diagnostics, memo: SourceMemo | None = None
) -> list[Source]:
    """The files parsed; duplicate ids in a folder are errors."""
    sources: list[Source] = []
    seen: dict[tuple[str, str], str] = {}
    for file in files:
        source = parse_file(file, diagnostics, memo)
        if source is None:
            continue
        key = (source.kind, source.id)
        if key in seen:
            diagnostics.error(
                source.path, 1, 1, "duplicate-id", f"id '{source.id}' is also used by {seen[key]}"
            )
            continue
        seen[key] = source.path
        sources.append(source)
    return sources


def read_sources(content_dir: Path, root: Path, diagnostics: Diagnostics) -> list[Source]:
    """Every content file of the project, read and parsed."""
    return parse_sources(read_files(content_dir, root, diagnostics), diagnostics)


def locate(sources: list[Source], needles: list[str]) -> tuple[str, int, int]:
    """Where the first of `needles` is written, as a whole word, in the first of `sources`
    that has it; else the start of the first source. Places problems found in output."""
    for needle in needles:
        pattern = re.compile(re.escape(needle) + r"(?![\w-])")
        for source in sources:
            found = pattern.search(source.text)
            if found:
                return (source.path, *source.position(found.start()))
    return (sources[0].path, 1, 1) if sources else ("gtm.toml", 1, 1)
