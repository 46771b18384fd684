"""YAML with positions: values stay as written, every key and value is placed exactly, and
anchors, aliases, tags, duplicate keys, deep nesting and extra documents are reported; a file
YAML cannot read gets one problem that says, in plain words, what to fix and where."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from gtm.cli import main
from gtm.content import yamldoc, yamlfailure
from gtm.content.yamldoc import (
    MAX_DEPTH,
    YamlMemo,
    parse_yaml,
)
from gtm.content.yamlmistakes import explain_syntax_error


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


def test_syntax_error_is_positioned_at_the_text_to_fix() -> None:
    (problem,) = parse_yaml("name: x\nrole: b: c\n").problems
    assert (problem.line, problem.column, problem.code) == (2, 7, "yaml-syntax")
    assert problem.message.startswith("this text has a ': ' in it")


def test_syntax_error_in_front_matter_is_placed_in_the_file() -> None:
    (problem,) = parse_yaml("name: x\nrole: b: c\n", line_offset=1).problems
    assert (problem.line, problem.column) == (3, 7)


def test_tab_indentation_is_a_syntax_error() -> None:
    assert codes("a:\n\t- x\n") == ["yaml-syntax"]


def syntax_problem(text: str, line_offset: int = 0) -> tuple[int, int, str]:
    (problem,) = parse_yaml(text, line_offset=line_offset).problems
    assert problem.code == "yaml-syntax"
    return problem.line, problem.column, problem.message


TAB = "YAML indents with spaces; line {} has a tab: replace it with spaces"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("goals:\n\t- Fewer pages\n", 2, 1),  # libyaml: cannot start any token
        ("links:\n  a: 1\n\tb: 2\n", 3, 1),  # libyaml: a tab that violates indentation
        ("goals:\n  - a\n  \t- b\n", 3, 3),  # after spaces
        ("a:\n  b:\n  \tc: 1\n", 3, 3),
        ("summary: |\n  one\n\ttwo\n", 3, 1),  # in a block text
        ("a: 1\n\t# note\nb: 2\n", 2, 1),  # before a comment
        ("a: 1\n\t\t\n", 2, 1),  # a line of nothing but tabs
        ("goals:\n  -\tFewer pages\n", 2, 4),  # after a dash
        ("\tname: x\n", 1, 1),
    ],
)
def test_a_tab_in_the_indentation_is_named_however_libyaml_words_it(
    text: str, line: int, column: int
) -> None:
    assert syntax_problem(text) == (line, column, TAB.format(line))


def test_a_tab_in_a_front_matter_names_the_line_of_the_file() -> None:
    front = "title: FAQ\ntags:\n  - billing\n\t- onboarding\n"
    assert syntax_problem(front, line_offset=1) == (5, 1, TAB.format(5))


def test_a_tab_between_brackets_is_not_blamed() -> None:
    assert parse_yaml("tags: [a,\n\tb]\n").problems == ()
    (_, _, message) = syntax_problem("tags: [a,\n\tb: c: d]\n")
    assert "tab" not in message


def test_a_persona_with_a_tab_gives_exactly_one_error_that_names_the_tab(
    tmp_path: Path,
) -> None:
    persona = tmp_path / "content" / "personas" / "devops-dana.yaml"
    persona.parent.mkdir(parents=True)
    (tmp_path / "gtm.toml").write_text("")
    persona.write_text(
        "name: DevOps Dana\nrole: Head of Platform\nbuying_role: champion\n"
        "goals:\n\t- Fewer pages\npains:\n  - Alert noise\n"
    )
    result = CliRunner().invoke(main, ["check", "--project", str(tmp_path)], env={"NO_COLOR": "1"})
    assert result.output.splitlines() == [
        f"content/personas/devops-dana.yaml:5:1: error: {TAB.format(5)}",
        "1 error, 0 warnings",
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "name: x\ntagline: Fast: really\n",
            2,
            10,
            "this text has a ': ' in it, so YAML reads it as a new field: put the whole text "
            'in quotes, like tagline: "Fast: really"',
        ),
        (
            "quote: Our promise: no pages # from the deck\n",
            1,
            8,
            "this text has a ': ' in it, so YAML reads it as a new field: put the whole text "
            'in quotes, like quote: "Our promise: no pages"',
        ),
        (
            "goals:\n  - id: a: b\n",
            2,
            9,
            "this text has a ': ' in it, so YAML reads it as a new field: put the whole text "
            'in quotes, like - id: "a: b"',
        ),
        (
            'quote: He said "no": twice\n',
            1,
            8,
            "this text has a ': ' in it, so YAML reads it as a new field: put the whole text "
            """in quotes, like quote: 'He said "no": twice'""",
        ),
        (
            "tagline: Fast:\n",
            1,
            10,
            "this text ends with ':', so YAML reads it as a new field: put the whole text in "
            'quotes, like tagline: "Fast:"',
        ),
        (
            "name: x\n role: y\n",
            2,
            2,
            "YAML reads this line as more of the text that starts on line 1 (it is indented "
            "more), and its ': ' as a new field: line it up with the field above if it is a "
            "field, or put the whole text in quotes",
        ),
        (
            "role Head of Platform\nname: x\n",
            1,
            1,
            "this line is not a field: write it as 'field: value' (a ':' and a space after the "
            "field name), or indent it if it is text of the field above",
        ),
        ("role:Head\nname: x\n", 1, 1, "a field needs a space after its ':': write role: Head"),
        (
            "name: x\nsome words\nrole: y\n",
            2,
            1,
            "this line is not a field: write it as 'field: value' (a ':' and a space after the "
            "field name), or indent it if it is text of the field above",
        ),
    ],
)
def test_a_colon_in_text_and_a_line_that_is_not_a_field(
    text: str, line: int, column: int, message: str
) -> None:
    assert syntax_problem(text) == (line, column, message)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            'name: "Acme Relay\nstage: growth\n',
            1,
            7,
            'the quote (") that opens this text is never closed: add a closing " at the end of '
            'the text, like name: "Acme Relay"',
        ),
        (
            "name: x\nsummary: 'One\n  two\n  three\n",
            2,
            10,
            "the quote (') that opens this text is never closed: add a closing ' at the end of "
            "the text, like summary: 'One'",
        ),
        (
            'tags: ["a, b]\n',
            1,
            8,
            'the quote (") that opens this text is never closed: add a closing " at the end of '
            "the text",
        ),
        (
            'name: "Acme\nstage: "growth"\n',
            1,
            7,
            'the quote (") that opens this text is not closed on its line, so the text runs on '
            'to the " on line 2: add a closing " at the end of this line, like name: "Acme"',
        ),
        (
            "summary: 'We're great'\n",
            1,
            10,
            "the quote (') at column 13 ends the quoted text, so YAML cannot read the rest of "
            """the line: quote the whole text like this: summary: "We're great\"""",
        ),
        (
            'name: "Acme" Relay\n',
            1,
            7,
            'the quote (") at column 12 ends the quoted text, so YAML cannot read the rest of '
            """the line: quote the whole text like this: name: '"Acme" Relay'""",
        ),
        (
            'path: "C:\\plans"\n',
            1,
            10,
            "a '\\' inside double quotes starts a special code: write it twice ('\\\\') or "
            "put the text in single quotes",
        ),
    ],
)
def test_quotes_are_reported_where_they_open(
    text: str, line: int, column: int, message: str
) -> None:
    assert syntax_problem(text) == (line, column, message)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "tags: [paging, on-call\nstage: growth\n",
            1,
            7,
            "the ']' to close this '[' is missing: add ']' after the last item",
        ),
        (
            "tags: [a, [b, c\n",
            1,
            11,
            "the ']' to close this '[' is missing: add ']' after the last item",
        ),
        (
            "tags: [a, [b, c]\nx: y\n",
            1,
            7,
            "the ']' to close this '[' is missing: add ']' after the last item",
        ),
        ("links: {\n", 1, 8, "the '}' to close this '{' is missing: add '}' after the last field"),
        ("tags: [a, b]]\n", 1, 13, "this ']' closes nothing: remove it, or put the text in quotes"),
        ("summary: ] x\n", 1, 10, "this ']' closes nothing: remove it, or put the text in quotes"),
        (
            "summary: [Beta] Paging\n",
            1,
            10,
            "a text that starts with '[' must be in quotes: write summary: \"[Beta] Paging\"",
        ),
        (
            "summary: {{product}} is great\n",
            1,
            10,
            "a text that starts with '{' must be in quotes: write summary: "
            '"{{product}} is great"',
        ),
    ],
)
def test_brackets_are_reported_where_they_open(
    text: str, line: int, column: int, message: str
) -> None:
    assert syntax_problem(text) == (line, column, message)


@pytest.mark.parametrize(
    ("text", "sign", "written"),
    [
        ("tagline: @here, always\n", "@", 'tagline: "@here, always"'),
        ("name: `relay`\n", "`", 'name: "`relay`"'),
        ("summary: *New* paging\n", "*", 'summary: "*New* paging"'),
        ("summary: & more\n", "&", 'summary: "& more"'),
        ("summary: > 50% fewer pages\n", ">", 'summary: "> 50% fewer pages"'),
        ("summary: | pipes\n", "|", 'summary: "| pipes"'),
        ("summary: %x\n", "%", 'summary: "%x"'),
        ("summary: - one\n", "- ", 'summary: "- one"'),
        ("goals:\n  - @team\n", "@", '- "@team"'),
    ],
)
def test_a_text_that_starts_with_a_sign_yaml_keeps_must_be_quoted(
    text: str, sign: str, written: str
) -> None:
    (_, _, message) = syntax_problem(text)
    assert message == f"a text that starts with '{sign}' must be in quotes: write {written}"


def test_a_field_name_that_starts_with_a_sign_gets_no_example() -> None:
    assert syntax_problem("name: x\n@team: y\n") == (
        2,
        1,
        "a text that starts with '@' must be in quotes",
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "goals:\n  - a\n  - b\n - c\n",
            4,
            2,
            "this line is indented differently from the ones around it: line up its '-' with "
            "the '-' on line 3",
        ),
        (
            "name: x\ntags: a\n- b\n",
            3,
            1,
            "this '- ' list item is mixed in with fields: put the list under a field of its "
            "own, with its '- ' items indented below it",
        ),
        (
            "goals:\n  - a\n  role: y\n",
            3,
            3,
            "this line is lined up with the '- ' items above it but does not start with '- ': "
            "add '- ' if it is an item, or line it up with line 1 if it is a field of its own",
        ),
        (
            "links:\n    a: 1\n  b: 2\n",
            3,
            3,
            "this line is indented differently from the ones around it: line it up with line 2 "
            "or with line 1",
        ),
        (
            "items:\n  - id: a\n    name: x\n   bad: y\n",
            4,
            4,
            "this line is indented differently from the ones around it: line it up with line 3 "
            "or with line 2",
        ),
        (
            'name: "x"\n\n  # note\n role: y\n',
            4,
            2,
            "this line is indented differently from the ones around it: line it up with line 1",
        ),
    ],
)
def test_lines_out_of_line(text: str, line: int, column: int, message: str) -> None:
    assert syntax_problem(text) == (line, column, message)


def test_an_invisible_character_is_pointed_at() -> None:
    assert syntax_problem("name: x\nsummary: é\x07\n") == (
        2,
        11,
        "there is an invisible character here (U+0007) that YAML does not allow: delete it",
    )


def test_other_mistakes_lead_with_plain_words_and_end_with_the_readers() -> None:
    (line, column, message) = syntax_problem("name: x\n...\nrole: y\n")
    assert (line, column) == (3, 1)
    assert message.startswith("this line is not valid YAML: check its quotes, brackets and ")
    assert message.endswith("(the YAML reader says: did not find expected <document start>)")


def test_a_broken_file_gives_one_problem_not_a_cascade() -> None:
    text = "a: &x 1\na: 2\nb: !!str c\ntags: [x\nd: e: f\n\tg: h\n"
    (problem,) = parse_yaml(text).problems
    assert (problem.line, problem.column, problem.code) == (4, 7, "yaml-syntax")


def test_libyaml_nesting_limit_is_still_too_deep() -> None:
    text = "".join("  " * depth + f"k{depth}:\n" for depth in range(1100))
    (problem,) = parse_yaml(text).problems
    assert (problem.line, problem.code) == (1000, "yaml-too-deep")
    assert problem.message == f"nesting is deeper than {MAX_DEPTH} levels"


def test_explain_syntax_error_places_the_problem_in_the_file() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        list(yaml.parse("a:\n\t- x\n", Loader=yaml.CSafeLoader))
    explained = explain_syntax_error("a:\n\t- x\n", caught.value, line_offset=3)
    assert explained == (5, 1, TAB.format(5))


def test_a_file_that_parses_is_never_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfailure.Failure, "tokens", property(_never))
    monkeypatch.setattr(yamldoc, "explain_syntax_error", _never)
    assert parse_yaml("name: Dana\ngoals: [a, b]\nsummary: 'Fast: really'\n").problems == ()


LIBYAML_WORDS = ("did not", "mapping values", "found", "while", "could not", "expected")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab: -\n\t'\"[]{},#@`*&|>%?!\\\x07é")), max_size=40))
def test_any_broken_text_gives_one_problem_inside_the_text(text: str) -> None:
    document = parse_yaml(text, line_offset=2)
    if any(p.code in ("yaml-syntax", "yaml-too-deep") for p in document.problems):
        (problem,) = document.problems
        lines = text.split("\n")
        assert 3 <= problem.line <= len(lines) + 2
        assert 1 <= problem.column <= len(lines[problem.line - 3]) + 1
        # Plain words lead; libyaml's own, if any, come last.
        assert not problem.message.startswith(LIBYAML_WORDS)


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
    memo = YamlMemo()
    first = [parse_yaml(text, 3, 40, memo) for text in texts]
    payload = json.loads(json.dumps(dict(memo.payload())))
    assert len(payload) == len(texts)
    stored = YamlMemo.from_payload(payload)
    monkeypatch.setattr(yamldoc, "_parse", _never)
    again = [parse_yaml(text, 3, 40, stored) for text in texts]
    assert again == first
    assert [p.code for p in again[1].problems] == ["yaml-duplicate-key", "yaml-anchor"]


def test_a_stored_document_of_the_wrong_shape_is_parsed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    memo = YamlMemo()
    first = parse_yaml("name: Dana\n", memo=memo)
    [(key, stored)] = list(memo.payload())
    stored[1][0][1] = "one"
    again = YamlMemo.from_payload({key: stored, "other": "nonsense"})
    assert parse_yaml("name: Dana\n", memo=again) == first
    assert YamlMemo.from_payload(None).stored == {}


def _never(*args: object) -> object:
    raise AssertionError("parsed again")
