"""A Pagefind bundle (`pagefind/`) made from gtm's search records (`search-index.json`), for
`search_bundle.py`: what search at portal scale would cost with Pagefind. Pagefind indexes in its
own program (the `pagefind_bin` wheel), run as a service, as its Python API does."""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

SearchRecord = dict[str, object]

BUNDLE_DIR = "pagefind"
FILTERS = False
"""With a filter by kind, Pagefind 1.5.2 writes its filter file in a different order on each
run (and so names it, and the files naming it, differently): a build would not be reproducible."""
LEFT_OUT = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
"""Pagefind's ready-made search interfaces and the index of unknown languages: the portal's
search page has its own interface, and one language."""


class SearchBundleUnavailable(Exception):
    """Pagefind's program is missing or failed; the portal keeps its full index."""


def search_bundle(records: Sequence[SearchRecord], language: str) -> dict[str, bytes]:
    """Every file of the bundle by output path (`pagefind/...`): the engine, its WebAssembly
    for `language` and the index, each record with its title, kind, summary, tags and page as
    metadata and its kind as a filter."""
    lang = language.split("-")[0].lower() or "en"
    with tempfile.TemporaryDirectory(prefix="gtm-search-") as folder:
        try:
            with _Service() as service:
                index = service.ask({"type": "NewIndex", "config": {"force_language": lang}})
                service.ask_all(_record(index["index_id"], r, lang) for r in records)
                service.ask(
                    {"type": "WriteFiles", "index_id": index["index_id"], "output_path": folder}
                )
        except (OSError, ValueError, KeyError) as exc:
            raise SearchBundleUnavailable(f"{type(exc).__name__}: {exc}") from exc
        root = Path(folder)
        return {
            f"{BUNDLE_DIR}/{path.relative_to(root).as_posix()}": path.read_bytes()
            for path in sorted(root.rglob("*"))
            if path.is_file() and not path.name.startswith((*LEFT_OUT, "wasm.unknown"))
        }


def _record(index_id: int, record: SearchRecord, language: str) -> dict[str, Any]:
    tags = [str(tag) for tag in record["tags"]] if isinstance(record["tags"], list) else []
    title, summary = str(record["title"]), str(record["summary"])
    return {
        "type": "AddRecord",
        "index_id": index_id,
        "url": str(record["url"]),
        "content": "\n".join([title, summary, " ".join(tags), str(record["text"])]),
        "language": language,
        "meta": {
            "title": title,
            "kind": str(record["kind"]),
            "summary": summary,
            "tags": "\n".join(tags),
            "url": str(record["url"]),
        },
        "filters": {"kind": [str(record["kind"])]} if FILTERS else None,
        "sort": None,
    }


class _Service:
    """`pagefind --service`: requests and answers as base64 JSON, each followed by a comma.
    Pagefind's own Python wrapper waits 0.1 s before reading each answer, 100 s for 1,000
    records; here every request is written at once by a thread while the answers are read."""

    def __init__(self) -> None:
        from pagefind_bin import get_executable

        self.process = subprocess.Popen(
            [str(get_executable()), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.sent = 0
        self.buffer = bytearray()

    def __enter__(self) -> _Service:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        [answer] = self.ask_all([payload])
        return answer

    def ask_all(self, payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Sends every request, then gives the answers in order; an error answer raises."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        messages = []
        for payload in payloads:
            self.sent += 1
            request = {"message_id": self.sent, "payload": payload}
            messages.append(base64.b64encode(json.dumps(request).encode()) + b",")
        writer = threading.Thread(target=_write, args=(stdin, messages), daemon=True)
        writer.start()
        answers: dict[int, dict[str, Any]] = {}
        while len(answers) < len(messages):
            answer = json.loads(base64.b64decode(self._next(stdout)))
            payload = answer["payload"]
            if payload.get("type") == "Error":
                raise ValueError(f"pagefind: {payload.get('message')}")
            answers[int(answer["message_id"])] = payload
        writer.join()
        return [answers[key] for key in sorted(answers)]

    def _next(self, stream: IO[bytes]) -> bytes:
        """The next answer from the program's output, without its comma."""
        while b"," not in self.buffer:
            chunk = stream.read1(1 << 16)  # type: ignore[attr-defined]
            if not chunk:
                raise ValueError("pagefind stopped before answering")
            self.buffer += chunk
        at = self.buffer.index(b",")
        message = bytes(self.buffer[:at])
        del self.buffer[: at + 1]
        return message


def _write(stream: IO[bytes], messages: list[bytes]) -> None:
    try:
        for message in messages:
            stream.write(message)
        stream.flush()
    except OSError:
        pass  # the program stopped: reading its answers says why
