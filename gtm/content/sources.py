"""Finds content files in sorted order and reads each into a `Source`: its fields as plain data
with a span for every key and value, and its Markdown body. Every problem is a diagnostic."""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import stat
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gtm.content.kinds import KINDS
from gtm.content.model import SLUG, slug_for
from gtm.content.project import is_within
from gtm.content.yamldoc import PathKey, Span, YamlMemo, parse_yaml
from gtm.diagnostics import Diagnostics, bad_byte_position, did_you_mean
from gtm.files import regular_files
from gtm.memo import PerFile, Reported, reported

MAX_FILE_BYTES = 1024 * 1024
CONTENT_SUFFIXES = (".yaml", ".yml", ".md")
BRAND_FILES = ("brand.yaml", "brand.yml")
ASSETS_DIR = "assets"
FRONT_MATTER = re.compile(r"^---[ \t]*$")
FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


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


def discover(content_dir: Path, root: Path, diagnostics: Diagnostics) -> list[tuple[str, Path]]:
    """(kind, file) for every content file in sorted order; stray files are warnings."""
    if not content_dir.is_dir():
        diagnostics.error(
            _rel(content_dir, root), 1, 1, "content-missing", "the content folder does not exist"
        )
        return []
    found: list[tuple[str, Path]] = []
    for entry in sorted(content_dir.iterdir()):
        if is_ignored(entry.name):
            continue
        rel = _rel(entry, root)
        if entry.is_dir():
            if entry.name in KINDS:
                found.extend((entry.name, f) for f in _kind_files(entry, root, diagnostics))
            elif entry.name != ASSETS_DIR:
                hint = did_you_mean(entry.name, [*KINDS, ASSETS_DIR])
                diagnostics.warning(
                    rel, 1, 1, "unknown-folder", f"folder '{entry.name}' is not read{hint}"
                )
        elif entry.name in BRAND_FILES:
            found.append(("brand", entry))
        else:
            diagnostics.warning(
                rel, 1, 1, "unknown-file", "not read: content files belong in a kind folder"
            )
    return found


def _kind_files(folder: Path, root: Path, diagnostics: Diagnostics) -> list[Path]:
    files = []
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        if is_ignored(entry.name):
            continue
        if entry.is_file() and entry.name.endswith(CONTENT_SUFFIXES):
            files.append(folder / entry.name)
        else:
            diagnostics.warning(
                _rel(folder / entry.name, root),
                1,
                1,
                "unknown-file",
                "not read: a content file is a .yaml, .yml or .md file directly in its folder",
            )
    return files


def is_ignored(name: str) -> bool:
    """Hidden files and the temporary files editors leave beside the ones being edited."""
    return (
        name.startswith((".", "#", "~$"))
        or name.endswith(("~", ".swp", ".swx", ".tmp", ".bak"))
        or name in ("__pycache__", "4913")
    )


def _rel(path: Path, root: Path) -> str:
    text, top = str(path), str(root)
    if text.startswith(top) and text[len(top) : len(top) + 1] == os.sep:
        return text[len(top) + 1 :].replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class ContentFile:
    """One content file as read from disk: its bytes and their digest, not parsed yet."""

    kind: str
    path: Path
    rel: str
    raw: bytes
    digest: str

    def markdown_body(self) -> str | None:
        """The body of a `.md` file as its source will hold it, found without parsing the
        fields, so that its Markdown can be worked on while they are parsed."""
        if self.path.suffix != ".md":
            return None
        ignored = Diagnostics()
        text = _decode(self.raw, self.rel, ignored)
        split = _split_front_matter(text, self.rel, ignored) if text is not None else None
        body = text[split[4] :] if text is not None and split is not None else ""
        return body if body.strip() else None


@dataclass
class SourceMemo:
    """What reading and parsing found, for the next build of the same session: each parse by
    its file's digest, and the YAML documents. With `reads` (`gtm serve`), each file's last
    read too, with the stat it was read at."""

    parsed: Reported[Source | None] = field(default_factory=lambda: PerFile(limit=16_384))
    yaml: YamlMemo = field(default_factory=YamlMemo)
    reads: dict[str, tuple[tuple[int, ...], ContentFile]] | None = None

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


def read_file(
    kind: str, path: Path, root: Path, diagnostics: Diagnostics, memo: SourceMemo | None = None
) -> ContentFile | None:
    """Reads one content file; None when it cannot be read as content at all. The file sits in
    a kind folder of a content folder that `open_project` found inside the project, so only a
    link on the way can lead out, and only then is the whole path resolved. A file whose size,
    times and inode are those of its last read in the memo's `reads` is not read again."""
    name = str(path)
    reads = memo.reads if memo is not None else None
    try:
        status = os.lstat(name)
        if stat.S_ISLNK(status.st_mode) or os.path.islink(os.path.dirname(name)):
            if not is_within(path, root):
                message = "is a link to a file outside the project: not read"
                diagnostics.error(_rel(path, root), 1, 1, "outside-project", message)
                return None
            status = os.stat(name)
        signature = (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
        last = reads.get(name) if reads is not None else None
        if last is not None and last[0] == signature and last[1].kind == kind:
            return last[1]
        raw = path.read_bytes() if status.st_size <= MAX_FILE_BYTES else b""
    except OSError as exc:
        diagnostics.error(_rel(path, root), 1, 1, "unreadable", f"cannot be read: {exc.strerror}")
        return None
    rel = _rel(path, root)
    size = max(status.st_size, len(raw))
    if size > MAX_FILE_BYTES:
        diagnostics.error(
            rel, 1, 1, "file-too-large", f"is {size:,} bytes; a content file may be at most 1 MiB"
        )
        return None
    file = ContentFile(kind, path, rel, raw, hashlib.sha256(raw).hexdigest())
    if reads is not None:
        if len(reads) >= READS_LIMIT:
            reads.clear()
        reads[name] = (signature, file)
    return file


READS_LIMIT = 16_384


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
    ident = path.stem
    text = _decode(raw, rel, diagnostics)
    if text is None:
        return None
    if not text.strip():
        diagnostics.error(rel, 1, 1, "file-empty", "the file is empty")
        return None
    if kind != "brand" and not SLUG.match(ident):
        diagnostics.error(
            rel,
            1,
            1,
            "bad-id",
            f"'{path.name}' is not a valid file name: use lower-case letters, digits and '-' "
            f"(like '{slug_for(ident)}{path.suffix}')",
        )
    line_starts = array("I", [0])
    line_starts.extend(m.end() for m in re.finditer("\n", text))
    body_span = None
    if path.suffix == ".md":
        split = _split_front_matter(text, rel, diagnostics)
        if split is None:
            return None
        front, front_line, front_index, body_line, body_index = split
        document = parse_yaml(front, front_line - 1, front_index, yaml)
        body_span = Span(body_line, 1, body_line, 1, body_index, len(text))
    else:
        document = parse_yaml(text, memo=yaml)
    for problem in document.problems:
        diagnostics.error(rel, problem.line, problem.column, problem.code, problem.message)
    if any(p.code in ("yaml-syntax", "yaml-too-deep") for p in document.problems):
        return None
    data = document.data
    if data is None and path.suffix == ".md" and not document.problems:
        data = {}
    if not isinstance(data, dict):
        if not document.problems:
            where = document.spans.get((), Span(1, 1, 1, 1, 0, 0))
            diagnostics.error(
                rel,
                where.line,
                where.column,
                "not-a-mapping",
                "expected fields ('name: …' lines), found " + _describe(data),
            )
        return None
    if body_span is not None:
        body = text[body_span.start :]
        if "body" in data:
            span = document.spans[("body",)]
            diagnostics.error(
                rel,
                span.key_line,
                span.key_column,
                "body-twice",
                "'body' is given in the front matter and after it: keep one",
            )
        if body.strip():
            data = {**data, "body": body}
            text = text[: body_span.start]
        else:
            body = ""
    else:
        body = ""
    return Source(
        rel, kind, ident, text, data, document.spans, digest, body_span, line_starts, tail=body
    )


def _decode(raw: bytes, rel: str, diagnostics: Diagnostics) -> str | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = bad_byte_position(raw, exc)
        diagnostics.error(
            rel,
            line,
            column,
            "encoding",
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}): save the file as UTF-8",
        )
        return None
    if "\x00" in text:
        index = text.index("\x00")
        line = text.count("\n", 0, index) + 1
        column = index - text.rfind("\n", 0, index)
        diagnostics.error(
            rel, line, column, "encoding", "contains a NUL character: not a text file"
        )
        return None
    return text.replace("\r\n", "\n")


def _split_front_matter(
    text: str, rel: str, diagnostics: Diagnostics
) -> tuple[str, int, int, int, int] | None:
    """(front matter, its first line, its offset, body line, body offset) of a .md file."""
    lines = text.split("\n")
    if not FRONT_MATTER.match(lines[0]):
        diagnostics.error(
            rel,
            1,
            1,
            "front-matter-missing",
            "a .md file starts with a '---' line, its fields, and another '---' line",
        )
        return None
    offset = len(lines[0]) + 1
    front_start = offset
    for number, line in enumerate(lines[1:], start=2):
        if FRONT_MATTER_END.match(line):
            body_index = min(offset + len(line) + 1, len(text))
            return text[front_start:offset], 2, front_start, number + 1, body_index
        offset += len(line) + 1
    diagnostics.error(
        rel,
        1,
        1,
        "front-matter-unclosed",
        "the front matter is not closed: add a '---' line after the fields",
    )
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    return f"the text '{str(value)[:40]}'"


def read_files(
    content_dir: Path, root: Path, diagnostics: Diagnostics, memo: SourceMemo | None = None
) -> list[ContentFile]:
    """Every content file of the project, read but not parsed."""
    found = (
        read_file(kind, path, root, diagnostics, memo)
        for kind, path in discover(content_dir, root, diagnostics)
    )
    return [file for file in found if file is not None]


def find_assets(content_dir: Path, root: Path, diagnostics: Diagnostics) -> dict[str, Path]:
    """`content/assets/` by output path: regular files only, found without following a link.
    A link, and a pipe, socket or device, is a warning and is left out."""
    walk = regular_files(content_dir / ASSETS_DIR)
    for path in walk.links:
        diagnostics.warning(_rel(path, root), 1, 1, "asset-link", ASSET_LINK)
    for path in walk.special:
        diagnostics.warning(_rel(path, root), 1, 1, "asset-special", ASSET_SPECIAL)
    for path, why in walk.unreadable:
        message = f"cannot be read ({why}): its files are not published"
        diagnostics.warning(_rel(path, root), 1, 1, "unreadable", message)
    return {f"{ASSETS_DIR}/{name}": path for name, path in walk.files.items()}


ASSET_LINK = (
    "is a link: gtm publishes only real files from content/assets/; copy the file here instead"
)
ASSET_SPECIAL = (
    "is not a regular file (a pipe, socket or device): gtm publishes only real files from "
    "content/assets/"
)


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
