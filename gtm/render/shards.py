"""The search index in pieces, for a large portal on a web server: the search page fetches the
word lists that a query's words start with and the few records it shows, a few tens of KB,
instead of the whole `search-index.json` (20 MB at 5,000 artifacts) before its first result.
A small portal's page still loads the whole index, which also finds words inside words and
shows where in the text they matched."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from array import array
from collections.abc import Iterator, Sequence

from gtm.content.kinds import KINDS
from gtm.render.feeds import SearchRecord
from gtm.site.routes import SEARCH_META

FOLDER = SEARCH_META.rpartition("/")[0]
WHOLE_INDEX_LIMIT = 2_000_000
"""Characters of text in every record together up to which the search page loads the whole
index (about 450 artifacts with long bodies; the example holds a tenth of it)."""
KEY_LENGTH = 3
DOCS_PER_CHUNK = 8
FIELDS = (("text", 1), ("summary", 2), ("tags", 4), ("title", 8))
"""Each field a record's word is found in, as one bit of its entry in a word list; the text,
which holds most words, first."""
KIND_BIT = 16
"""The words of the record's kind as the portal names it ("Battlecard"): a rep searches for
"pagestorm battlecard"."""
SHIFT = 5
"""An entry is (record number − the last one's) << SHIFT | its bits."""
LABELS = {kind.singular: kind.label for kind in KINDS.values()}

_WORD = re.compile(r"[^\W_]{2,}")
_MARKS = re.compile("[\u0300-\u036f]")
_PLAIN_KEY = re.compile(r"[a-z0-9]+")
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
"""Thai, Lao, Myanmar, Khmer, kana and CJK ideographs."""


def loads_whole(records: Sequence[SearchRecord]) -> bool:
    """Whether the search page loads the whole index rather than its pieces: a small portal's,
    and one with text in a script written without spaces between words (Chinese, Japanese,
    Thai…), where the pieces would find a word only at the start of a run of text."""
    size = sum(len(str(r["text"])) + len(str(r["summary"])) for r in records)
    if size <= WHOLE_INDEX_LIMIT:
        return True
    fields = ("title", "summary", "text")
    return any(_UNSPACED.search(str(r[field])) for r in records for field in fields)


WHOLE_META = b'{"whole":true}'
"""`search-index/meta.json` of a portal whose search page loads the whole index; the page reads
it first. A portal in pieces has it from `search_shards`."""


def search_shards(records: Sequence[SearchRecord]) -> Iterator[tuple[str, bytes]]:
    """The pieces: records are numbered in order of their names (so equal scores list by name)
    and kept `DOCS_PER_CHUNK` to a file; every word of two letters or more is listed, with the
    numbers of the records that hold it and the fields it is in, in the file of its first
    `KEY_LENGTH` letters (a shorter word in a file of its own). They go in a folder named by
    their digest, so a page left open across a new build never mixes two builds' pieces (it
    finds its own gone and says so); last, `meta.json` names the folder, the layout and the
    word files, so the page never asks for one that does not exist."""
    order = sorted(records, key=lambda r: (fold(str(r["title"])), str(r["url"])))
    by_name = {shard_name(key): listed for key, listed in _word_lists(order).items()}
    names = sorted(by_name)
    pieces = {f"words/{name}.json": _encode(by_name.pop(name)) for name in names}
    for start in range(0, len(order), DOCS_PER_CHUNK):
        chunk = [
            [r["url"], r["title"], r["kind"], r["summary"], r["tags"]]
            for r in order[start : start + DOCS_PER_CHUNK]
        ]
        pieces[f"docs/{start // DOCS_PER_CHUNK}.json"] = _encode(chunk)
    digest = hashlib.blake2b(digest_size=8)
    for name in sorted(pieces):
        digest.update(name.encode() + b"\0" + pieces[name] + b"\0")
    folder = digest.hexdigest()
    for name in sorted(pieces):
        yield f"{FOLDER}/{folder}/{name}", pieces.pop(name)
    fields = {field: bit for field, bit in FIELDS} | {"kind": KIND_BIT}
    layout: dict[str, object] = {"docs": len(order), "chunk": DOCS_PER_CHUNK, "key": KEY_LENGTH}
    layout.update(shift=SHIFT, fields=fields)
    yield SEARCH_META, _encode({"whole": False, "pieces": folder, **layout, "words": names})


def _word_lists(order: Sequence[SearchRecord]) -> dict[str, dict[str, list[int]]]:
    """Each word's list by the file it goes in: (record number − the last one's) × 32 + the
    bits of the fields the word is in (and of the kind's name), the text read first."""
    postings: dict[str, array[int]] = {}
    for number, record in enumerate(order):
        found = dict.fromkeys(words(str(record["text"])), 1)
        for field, bit in FIELDS[1:]:
            value = record[field]
            text = " ".join(map(str, value)) if isinstance(value, list) else str(value)
            for word in words(text):
                found[word] = found.get(word, 0) | bit
        kind = str(record["kind"])
        for word in words(LABELS.get(kind, kind)):
            found[word] = found.get(word, 0) | KIND_BIT
        for word, bits in found.items():
            postings.setdefault(word, array("I")).append(number << SHIFT | bits)
    by_key: dict[str, dict[str, list[int]]] = {}
    for word in sorted(postings):
        by_key.setdefault(word[:KEY_LENGTH], {})[word] = _deltas(postings.pop(word))
    return by_key


def fold(text: str) -> str:
    """Lower case without accents, as `search.js` folds a query."""
    text = text.lower()
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> set[str]:
    """The distinct words of two letters or more, folded: runs of letters and digits."""
    return set(_WORD.findall(fold(text)))


def shard_name(key: str) -> str:
    """A key's file name: itself when plain ASCII, else `_` and its UTF-8 bytes in hex."""
    return key if _PLAIN_KEY.fullmatch(key) else "_" + key.encode("utf-8").hex()


def _deltas(numbers: array[int]) -> list[int]:
    """Each entry as (record number − the last one's) × 32 + its field bits: small numbers,
    so the lists stay short in JSON."""
    listed, last = [], 0
    for value in numbers:
        listed.append(value - (last << SHIFT))
        last = value >> SHIFT
    return listed


def _encode(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
