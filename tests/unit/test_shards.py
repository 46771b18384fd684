"""The search index in pieces: every word of every record can be found from the file its first
letters name, with the fields it is in, and the records come back in name order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gtm.render import shards
from gtm.render.feeds import SearchRecord
from gtm.render.shards import WHOLE_META, loads_whole, search_shards, shard_name, words


def _record(
    title: str, url: str, text: str = "", summary: str = "", tags: tuple[str, ...] = ()
) -> SearchRecord:
    return {
        "title": title,
        "kind": "persona",
        "summary": summary,
        "tags": list(tags),
        "text": text,
        "url": url,
    }


RECORDS = [
    _record("Zed Pager", "products/zed/index.html", text="Incident routing for night shifts."),
    _record("Ana Café", "personas/ana/index.html", summary="Runs incidents", tags=("SRE",)),
    _record("Mid Incident", "pages/mid/index.html", text="ñandú and café, again café"),
]


def _pieces(records: list[SearchRecord] = RECORDS) -> dict[str, Any]:
    """The pieces by their names inside the folder `meta.json` names; `meta.json` itself."""
    made = dict(search_shards(records))
    meta = json.loads(made.pop("search-index/meta.json"))
    folder = f"search-index/{meta['pieces']}/"
    assert all(name.startswith(folder) for name in made)
    return {"meta.json": meta} | {
        name[len(folder) :]: json.loads(data) for name, data in made.items()
    }


def _lookup(pieces: dict[str, object], word: str) -> dict[int, int]:
    """Record number → field bits, for one word, as search.js decodes it."""
    listed = pieces[f"words/{shard_name(word[:3])}.json"]
    assert isinstance(listed, dict)
    found, number = {}, 0
    for entry in listed[word]:
        number += entry >> 5
        found[number] = entry & 31
    return found


def test_records_are_numbered_by_name_and_kept_eight_to_a_file() -> None:
    pieces = _pieces()
    assert pieces["docs/0.json"] == [
        ["personas/ana/index.html", "Ana Café", "persona", "Runs incidents", ["SRE"]],
        ["pages/mid/index.html", "Mid Incident", "persona", "", []],
        ["products/zed/index.html", "Zed Pager", "persona", "", []],
    ]
    many = [_record(f"Item {n:02}", f"items/{n}/index.html") for n in range(20)]
    names = sorted(name for name in _pieces(many) if name.startswith("docs/"))
    assert names == [f"docs/{n}.json" for n in range(3)]


def test_every_word_lists_the_records_and_fields_that_hold_it() -> None:
    pieces = _pieces()
    assert _lookup(pieces, "incident") == {1: 8, 2: 1}, "Mid Incident's title, Zed's text"
    assert _lookup(pieces, "incidents") == {0: 2}
    assert _lookup(pieces, "sre") == {0: 4}
    assert _lookup(pieces, "cafe") == {0: 8, 1: 1}, "folded: no accents, lower case"
    assert _lookup(pieces, "nandu") == {1: 1}
    assert "incident" in pieces["words/inc.json"]


def test_the_kind_as_the_portal_names_it_is_a_word_of_every_record() -> None:
    """A rep searches for "pagestorm battlecard": a competitor is a battlecard in the portal."""
    records = [*RECORDS, {**_record("PageStorm", "c/index.html"), "kind": "competitor"}]
    pieces = _pieces(records)
    assert _lookup(pieces, "persona") == {0: 16, 1: 16, 3: 16}
    assert _lookup(pieces, "battlecard") == {2: 16}
    assert "words/com.json" not in pieces, "the kind's folder name is not a word"


def test_words_are_two_letters_or_more_and_a_short_word_has_a_file_of_its_own() -> None:
    assert words("A CFO, an SRE: 24/7 on-call.") == {"cfo", "an", "sre", "24", "on", "call"}
    pieces = set(_pieces([_record("An on-call CFO", "a/index.html")]))
    assert {"words/an.json", "words/on.json", "words/cal.json", "words/cfo.json"} <= pieces


def test_a_key_that_is_not_plain_ascii_names_its_file_by_its_bytes() -> None:
    assert shard_name("caf") == "caf"
    assert shard_name("ñan") == "_" + "ñan".encode().hex()
    assert shard_name("東京都") == "_e69db1e4baace983bd"


def test_the_same_records_in_any_order_give_the_same_bytes() -> None:
    assert dict(search_shards(RECORDS)) == dict(search_shards(list(reversed(RECORDS))))


def test_a_small_portal_loads_the_whole_index_and_a_large_one_its_pieces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert loads_whole(RECORDS)
    assert json.loads(WHOLE_META) == {"whole": True}
    monkeypatch.setattr(shards, "WHOLE_INDEX_LIMIT", 10)
    assert not loads_whole(RECORDS)
    pieces = _pieces()
    names = sorted(n[len("words/") : -len(".json")] for n in pieces if n.startswith("words/"))
    meta = pieces["meta.json"]
    assert meta == {
        "whole": False,
        "pieces": meta["pieces"],
        "docs": 3,
        "chunk": 8,
        "key": 3,
        "shift": 5,
        "fields": {"title": 8, "tags": 4, "summary": 2, "text": 1, "kind": 16},
        "words": names,
    }
    assert {"caf", "nan", "inc"} <= set(names), "folded: café, ñandú"


def test_the_pieces_folder_changes_with_any_record() -> None:
    """A page left open across a new build must not read one build's word lists with another's
    records: each build's pieces are in a folder of their own."""
    folder = _pieces()["meta.json"]["pieces"]
    assert len(folder) == 16 and int(folder, 16) >= 0
    assert _pieces(list(reversed(RECORDS)))["meta.json"]["pieces"] == folder
    renamed = [_record("Ana Cafe", "personas/ana/index.html"), *RECORDS[1:]]
    assert _pieces(renamed)["meta.json"]["pieces"] != folder


def test_text_without_spaces_between_words_keeps_the_whole_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chinese, Japanese or Thai runs are one "word" to the pieces, which would find them only
    by their start: such a portal searches its whole index, which finds text anywhere."""
    monkeypatch.setattr(shards, "WHOLE_INDEX_LIMIT", 10)
    assert not loads_whole(RECORDS)
    for text in ("東京都庁の情報", "カタカナ", "ภาษาไทย", "漢字"):
        assert loads_whole([*RECORDS, _record("Tokyo", "t/index.html", text=text)]), text
    assert not loads_whole([*RECORDS, _record("Zürich", "z/index.html", text="Grüße, ñandú")])
