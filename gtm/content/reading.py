"""Finding the content files of a project in sorted order and reading their bytes, without parsing
them: every file that cannot be read as content is a diagnostic. A link on the way out of the
project, or in `content/assets/`, is never followed."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from gtm.content.kinds import KINDS
from gtm.content.project import is_within
from gtm.diagnostics import Diagnostics, bad_byte_position, did_you_mean
from gtm.files import regular_files

MAX_FILE_BYTES = 1024 * 1024


CONTENT_SUFFIXES = (".yaml", ".yml", ".md")


BRAND_FILES = ("brand.yaml", "brand.yml")


ASSETS_DIR = "assets"


FRONT_MATTER = re.compile(r"^---[ \t]*$")


FRONT_MATTER_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


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
        text = decode_text(self.raw, self.rel, ignored)
        split = split_front_matter(text, self.rel, ignored) if text is not None else None
        body = text[split[4] :] if text is not None and split is not None else ""
        return body if body.strip() else None


def read_file(
    kind: str, path: Path, root: Path, diagnostics: Diagnostics, reads: Reads | None = None
) -> ContentFile | None:
    """Reads one content file; None when it cannot be read as content at all. The file sits in
    a kind folder of a content folder that `open_project` found inside the project, so only a
    link on the way can lead out, and only then is the whole path resolved. A file whose size,
    times and inode are those of its last read in `reads` (`gtm serve`) is not read again."""
    name = str(path)
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

Reads = dict[str, tuple[tuple[int, ...], "ContentFile"]]
"""The last read of each file, with the stat it was read at."""


def decode_text(raw: bytes, rel: str, diagnostics: Diagnostics) -> str | None:
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


def split_front_matter(
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


def read_files(
    content_dir: Path, root: Path, diagnostics: Diagnostics, reads: Reads | None = None
) -> list[ContentFile]:
    """Every content file of the project, read but not parsed."""
    found = (
        read_file(kind, path, root, diagnostics, reads)
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
