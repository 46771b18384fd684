"""gtm's build cache on disk: JSON files in the project's cache folder (outside the project), each
bound to this very program by a digest of its code and libraries. Nothing read from here is
ever executed; a file that is missing, malformed or another program's is simply not used."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TextIO


@dataclass(frozen=True)
class BuildCache:
    """One project's cache folder: JSON files a build reads back in the next one."""

    folder: Path

    def read(self, name: str) -> Any:
        """The payload of a JSON cache file, or None when it is missing, unreadable, malformed
        or was written by another version of gtm or its libraries."""
        key = program_digest()
        try:
            stored = json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not key or not isinstance(stored, dict) or stored.get("key") != key:
            return None
        return stored.get("payload")

    def write(self, name: str, payload: Any) -> None:
        """Replaces a JSON cache file whole; a cache that cannot be written is simply not kept."""
        key = program_digest()
        if not key:
            return
        path = self.folder / name
        temporary = path.with_name(f".{name}.tmp")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with temporary.open("w", encoding="utf-8") as stream:
                stream.write(f'{{"key": {json.dumps(key)}, "payload": ')
                _write_json(stream, payload)
                stream.write("}")
            os.replace(temporary, path)
        except (OSError, ValueError, TypeError):
            with suppress(OSError):  # the folder may be what could not be made
                temporary.unlink(missing_ok=True)


def _write_json(stream: TextIO, payload: Any) -> None:
    """A mapping, or an iterator of (name, value) pairs made as they are written, is written
    entry by entry as an object, and so are the mappings and iterators in it, so a large cache
    never sits in memory twice, once as data and once as text."""
    if isinstance(payload, dict):
        payload = iter(payload.items())
    if not isinstance(payload, Iterator):
        stream.write(json.dumps(payload))
        return
    stream.write("{")
    for index, (name, value) in enumerate(payload):
        stream.write(f"{', ' if index else ''}{json.dumps(str(name))}: ")
        _write_json(stream, value)
    stream.write("}")


@cache
def program_digest() -> str:
    """A digest of gtm's own code and the versions of the libraries that shape its pages; ""
    (so no JSON cache is read or written) when gtm's modules cannot be read, wherever gtm was
    imported from (a folder, a wheel, a zip)."""
    digest = hashlib.sha256()
    for name in ("jinja2", "markdown-it-py", "mdit-py-plugins", "markupsafe"):
        digest.update(f"{name}={_version(name)}\0".encode())
    try:
        modules = sorted(_modules(resources.files("gtm"), ""))
        for name, module in modules:
            digest.update(name.encode() + b"\0" + module.read_bytes())
    except OSError:
        return ""
    return digest.hexdigest()[:32] if modules else ""


def _modules(folder: Traversable, prefix: str) -> Iterator[tuple[str, Traversable]]:
    """gtm's own modules, in its stage packages too, by their path in the package."""
    for entry in folder.iterdir():
        if entry.name.endswith(".py"):
            yield f"{prefix}{entry.name}", entry
        elif entry.is_dir() and entry.name not in ("__pycache__", "starter"):
            yield from _modules(entry, f"{prefix}{entry.name}/")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"
