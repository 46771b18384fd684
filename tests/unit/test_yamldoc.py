"""YAML with positions: values stay as written, every key and value is placed exactly, and
anchors, aliases, tags, duplicate keys, deep nesting and extra documents are reported."""

from __future__ import annotations

import json
import time

import pytest

from gtm import yamldoc
from gtm.yamldoc import MAX_DEPTH, parse_yaml, stored_documents, use_stored_documents


def codes(text: str) -> list[str]:
    return [p.code for p in parse_yaml(text).problems]


@pytest.mark.parametrize(
    "written", ["NO", "no", "on", "Yes", "1.10", "10:00", "0o17", "0x1F", "1e3", "2026-11-23"]
)
def test_scalars_stay_the_text_they_were_written_as(written: str) -> None:
    document = parse_yaml(f"value: {written}\n")
    assert document.data == {"value": written}
    assert document.problems == ()


def test_nulls_and_quoted_nulls() -> None:
    document = parse_yaml("a:\nb: ~\nc: null\nd: 'null'\ne: \"\"\nf: NULL\n")
    assert document.data == {"a": None, "b": None, "c": None, "d": "null", "e": "", "f": None}


def test_block_scalars_and_nested_data() -> None:
    document = parse_yaml("a: |\n  one\n  two\nb:\n  - x\n  - c: 1\n")
    assert document.data == {"a": "one\ntwo\n", "b": ["x", {"c": "1"}]}


def test_key_and_value_positions_are_one_based() -> None:
    document = parse_yaml("name: Dana\ngoals:\n  - fewer pages\n  - id: x\n    name:   far\n")
    spans = document.spans
    assert (spans[("name",)].key_line, spans[("name",)].key_column) == (1, 1)
    assert (spans[("name",)].line, spans[("name",)].column) == (1, 7)
    assert (spans[("goals",)].key_line, spans[("goals",)].key_column) == (2, 1)
    assert (spans[("goals", 0)].line, spans[("goals", 0)].column) == (3, 5)
    assert (spans[("goals", 1, "id")].key_line, spans[("goals", 1, "id")].key_column) == (4, 5)
    assert (spans[("goals", 1, "name")].line, spans[("goals", 1, "name")].column) == (5, 13)


def test_flow_sequence_item_positions() -> None:
    spans = parse_yaml("tags: [a, bb, ccc]\n").spans
    assert [spans[("tags", i)].column for i in range(3)] == [8, 11, 15]


def test_spans_carry_character_ranges() -> None:
    text = "name: Acme Relay\nrole: x\n"
    span = parse_yaml(text).spans[("name",)]
    assert text[span.start : span.end] == "Acme Relay"


def test_offsets_place_a_front_matter_inside_its_file() -> None:
    file_text = "---\nname: Dana\nrole:  Head\n---\nbody\n"
    front = "name: Dana\nrole:  Head\n"
    document = parse_yaml(front, line_offset=1, index_offset=4)
    span = document.spans[("role",)]
    assert (span.key_line, span.key_column, span.line, span.column) == (3, 1, 3, 8)
    assert file_text[span.start : span.end] == "Head"


def test_problems_inside_a_front_matter_are_placed_in_the_file() -> None:
    document = parse_yaml("a: 1\na: 2\n", line_offset=1)
    (problem,) = document.problems
    assert (problem.line, problem.column, problem.code) == (3, 1, "yaml-duplicate-key")
    assert "first on line 2" in problem.message


def test_anchor_and_alias_are_reported_where_written() -> None:
    document = parse_yaml("a: &x 1\nb: *x\n")
    problems = [(p.line, p.column, p.code) for p in document.problems]
    assert problems == [(1, 4, "yaml-anchor"), (2, 4, "yaml-alias")]
    assert "'&x'" in document.problems[0].message
    assert "'*x'" in document.problems[1].message
    assert document.data == {"a": "1", "b": None}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a: !!str 1\n", "'!!str'"),
        ("a: !!python/object:os.system x\n", "'!!python/object:os.system'"),
        ("a: !custom x\n", "'!custom'"),
        ("a: !!map {b: 1}\n", "'!!map'"),
    ],
)
def test_tags_are_reported(text: str, shown: str) -> None:
    (problem,) = parse_yaml(text).problems
    assert (problem.line, problem.column, problem.code) == (1, 4, "yaml-tag")
    assert shown in problem.message


def test_duplicate_key_points_at_the_second_and_names_the_first() -> None:
    document = parse_yaml("name: a\nrole: x\nname: b\n")
    (problem,) = document.problems
    assert (problem.line, problem.column, problem.code) == (3, 1, "yaml-duplicate-key")
    assert problem.message == "field 'name' appears twice (first on line 1)"
    assert document.data == {"name": "a", "role": "x"}


def test_duplicate_key_in_a_nested_record() -> None:
    (problem,) = parse_yaml("items:\n  - id: a\n    id: b\n").problems
    assert (problem.line, problem.column, problem.code) == (3, 5, "yaml-duplicate-key")


def test_nesting_up_to_the_limit_is_fine_and_deeper_is_reported() -> None:
    assert codes("[" * MAX_DEPTH + "]" * MAX_DEPTH) == []
    deeper = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    (problem,) = parse_yaml(deeper).problems
    assert (problem.line, problem.column, problem.code) == (1, MAX_DEPTH + 1, "yaml-too-deep")


def test_very_deep_nesting_does_not_recurse_forever() -> None:
    assert codes("a: " + "[" * 5000 + "]" * 5000 + "\n") == ["yaml-too-deep"]


def test_a_second_document_is_reported() -> None:
    document = parse_yaml("a: 1\n---\nb: 2\n")
    (problem,) = document.problems
    assert (problem.line, problem.column, problem.code) == (2, 1, "yaml-documents")
    assert document.data == {"a": "1"}


def test_explicit_single_document_markers_are_fine() -> None:
    document = parse_yaml("---\na: 1\n...\n")
    assert (document.data, document.problems) == ({"a": "1"}, ())


def test_syntax_error_is_positioned() -> None:
    (problem,) = parse_yaml("name: x\nrole: b: c\n").problems
    assert (problem.line, problem.column, problem.code) == (2, 8, "yaml-syntax")
    assert problem.message.startswith("invalid YAML: ")


def test_syntax_error_in_front_matter_is_placed_in_the_file() -> None:
    (problem,) = parse_yaml("name: x\nrole: b: c\n", line_offset=1).problems
    assert (problem.line, problem.column) == (3, 8)


def test_tab_indentation_is_a_syntax_error() -> None:
    assert codes("a:\n\t- x\n") == ["yaml-syntax"]


def test_an_alias_bomb_is_never_expanded() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    text = "\n".join(lines) + "\n"
    started = time.perf_counter()
    document = parse_yaml(text)
    assert time.perf_counter() - started < 2
    assert {"yaml-anchor", "yaml-alias"} == {p.code for p in document.problems}
    assert document.data["a9"] == [None] * 9


def test_a_collection_used_as_a_key_is_reported_without_shifting_what_follows() -> None:
    document = parse_yaml("? [a]\n: 1\nb: 2\n")
    assert [(p.line, p.column, p.code) for p in document.problems] == [(1, 3, "yaml-key")]
    assert document.data == {"b": "2"}


def test_a_mapping_used_as_a_key_is_reported_once() -> None:
    document = parse_yaml("? {x: 1}\n: [1, 2]\nb: 2\n")
    assert [p.code for p in document.problems] == ["yaml-key"]
    assert document.data == {"b": "2"}


def test_an_alias_used_as_a_key_is_reported() -> None:
    document = parse_yaml("*a : 1\nb: 2\n")
    assert [p.code for p in document.problems] == ["yaml-key"]
    assert document.data == {"b": "2"}


def test_empty_text_is_no_data() -> None:
    assert parse_yaml("").data is None
    assert parse_yaml("# only a comment\n").data is None


def test_documents_an_earlier_build_parsed_come_back_exactly_without_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [
        "name: Dana\nlist: [a, 1, {b: c}]\nempty:\n",
        "a: 1\na: 2\nb: &x 3\n",
        "key: [unclosed\n",
    ]
    monkeypatch.setattr(yamldoc, "_MADE", {})
    first = [parse_yaml(text, line_offset=3, index_offset=40) for text in texts]
    payload = json.loads(json.dumps(dict(stored_documents())))
    assert len(payload) == len(texts)
    use_stored_documents(payload)
    monkeypatch.setattr(yamldoc, "_parse", _never)
    again = [parse_yaml(text, line_offset=3, index_offset=40) for text in texts]
    assert again == first
    assert [p.code for p in again[1].problems] == ["yaml-duplicate-key", "yaml-anchor"]


def test_a_stored_document_of_the_wrong_shape_is_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yamldoc, "_MADE", {})
    first = parse_yaml("name: Dana\n")
    [(key, stored)] = list(stored_documents())
    stored[1][0][1] = "one"
    use_stored_documents({key: stored, "other": "nonsense"})
    assert parse_yaml("name: Dana\n") == first
    use_stored_documents(None)


def _never(*args: object) -> object:
    raise AssertionError("parsed again")
