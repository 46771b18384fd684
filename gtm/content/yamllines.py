"""YAML mistakes of layout, in a product marketer's words: a tab in the indentation, a line indented
unlike its neighbours, a text with a `: ` in it, a line that is no field."""

from __future__ import annotations

import re
from itertools import islice

import yaml

from gtm.content.yamlfailure import (
    Explanation,
    Failure,
    content_lines,
    indent_of,
    is_item,
    open_brackets,
    quoted,
    stray,
    without_comment,
)


def explain_tab(failure: Failure) -> Explanation | None:
    """A tab in the indentation: libyaml words it several ways and places it differently, so
    the text is read for it, on the line where libyaml stopped."""
    if failure.text[failure.index : failure.index + 1] == "\t":
        tab = failure.index
    else:
        tab = _tab_in_indentation(*failure.line_at(failure.index))
        if tab < 0 and "tab" in failure.problem:
            for _, start, line in islice(content_lines(failure, failure.index), 2):
                tab = _tab_in_indentation(start, line)
                if tab >= 0:
                    break
        # Between brackets a tab is allowed anywhere, so one there is not the mistake.
        if tab < 0 or any(closed is None for _, closed in open_brackets(failure.tokens)):
            return None
    number = failure.line_number(tab)
    return tab, f"YAML indents with spaces; line {number} has a tab: replace it with spaces"


def _tab_in_indentation(start: int, line: str) -> int:
    """Where the first tab before the text of a line is (in its indentation or after its list
    dash), or -1; `start` is where the line starts in the text."""
    lead = line[: len(line) - len(line.lstrip(" \t-"))]
    return start + lead.index("\t") if "\t" in lead else -1


def explain_colon_in_text(failure: Failure) -> Explanation | None:
    """A ': ' inside a text, which YAML reads as the start of a new field; also a field line
    without its ': ', which YAML runs into the next line."""
    if not failure.problem.startswith("mapping values are not allowed"):
        return None
    scalars = [t for t in failure.tokens if isinstance(t, yaml.ScalarToken)]
    if not scalars or not scalars[-1].plain:
        return None
    scalar = scalars[-1]
    if failure.text[scalar.end_mark.index : failure.index].strip():
        return None
    begins = scalar.start_mark.index
    start, line = failure.line_at(begins)
    prefix = line[: begins - start]
    at_key = not prefix.strip()
    if failure.line_number(begins) == failure.line_number(failure.index):
        if at_key:
            return None
        written = without_comment(line[begins - start :])
        like = (prefix + quoted(written)).lstrip()
        after = failure.text[failure.index + 1 : failure.index + 2]
        what = "ends with ':'" if after in ("", "\n") else "has a ': ' in it"
        return begins, (
            f"this text {what}, so YAML reads it as a new field: put the whole text in quotes, "
            f"like {like}"
        )
    if at_key:
        return _not_a_field(failure, begins)
    here_start, here = failure.line_at(failure.index)
    first = here_start + indent_of(here)
    return first, (
        f"YAML reads this line as more of the text that starts on line "
        f"{failure.line_number(begins)} (it is indented more), and its ': ' as a new field: "
        "line it up with the field above if it is a field, or put the whole text in quotes"
    )


_FIELD_NAME = re.compile(r"[\w-]+:(?=\S)")


def _not_a_field(failure: Failure, at: int) -> Explanation:
    """A line where a field should be that has no ': ' in it."""
    start, line = failure.line_at(at)
    content = line[at - start :]
    no_space = _FIELD_NAME.match(content)
    if no_space:
        fixed = content[: no_space.end()] + " " + without_comment(content[no_space.end() :])
        return at, f"a field needs a space after its ':': write {fixed}"
    return at, (
        "this line is not a field: write it as 'field: value' (a ':' and a space after the "
        "field name), or indent it if it is text of the field above"
    )


def explain_missing_colon(failure: Failure) -> Explanation | None:
    """A line with no ': ' where YAML expects a field, as libyaml sees it when the next line
    does not go on with it."""
    if failure.problem != "could not find expected ':'" or failure.context_index is None:
        return None
    return _not_a_field(failure, failure.context_index)


def explain_misplaced_line(failure: Failure) -> Explanation | None:
    """A line indented so that it belongs nowhere: a '- ' item out of line with the others, a
    list item among fields, a field among list items, or a field out of line."""
    start, line = failure.line_at(failure.index)
    if not stray(failure) or line[: failure.index - start].strip():
        return None
    content = line.strip()
    indent = indent_of(line)
    earlier: list[tuple[int, int, str]] = []
    for found in content_lines(failure, failure.index):
        earlier.append(found)
        if not indent_of(found[2]):
            break  # the lines above one that is not indented cannot change where this one goes
    if is_item(content):
        for number, _, other in earlier:
            if is_item(other.strip()):
                if indent_of(other) == indent:
                    return None
                return failure.index, (
                    "this line is indented differently from the ones around it: line up its "
                    f"'-' with the '-' on line {number}"
                )
        return failure.index, (
            "this '- ' list item is mixed in with fields: put the list under a field of its "
            "own, with its '- ' items indented below it"
        )
    items = [other for _, _, other in earlier if is_item(other.strip())]
    if failure.problem == "did not find expected '-' indicator" and (
        items and indent_of(items[0]) == indent
    ):
        message = (
            "this line is lined up with the '- ' items above it but does not start with '- ': "
            "add '- ' if it is an item"
        )
        owner = next((number for number, _, other in earlier if indent_of(other) < indent), None)
        if owner is not None:
            message += f", or line it up with line {owner} if it is a field of its own"
        return failure.index, message
    deeper, shallower = _neighbours(earlier, indent)
    places = [f"line {number}" for number in (deeper, shallower) if number is not None]
    if not places:
        return None
    return failure.index, (
        "this line is indented differently from the ones around it: line it up with "
        + " or with ".join(places)
    )


def _neighbours(earlier: list[tuple[int, int, str]], indent: int) -> tuple[int | None, int | None]:
    """The nearest lines above, one indented more and one less, whose indentation a line at
    `indent` could take: the levels still open where the line stands."""
    levels: list[tuple[int, int]] = []
    for number, _, line in reversed(earlier):
        depth = indent_of(line)
        while levels and levels[-1][0] > depth:
            levels.pop()
        if levels and levels[-1][0] == depth:
            levels[-1] = (depth, number)
        else:
            levels.append((depth, number))
        content = line.strip()
        if is_item(content) and content[1:].strip():
            # The fields of a '- ' item line up with the text after its dash.
            levels.append((depth + len(content) - len(content[1:].lstrip()), number))
    deeper = [number for depth, number in levels if depth > indent]
    shallower = [number for depth, number in levels if depth < indent]
    return (deeper[0] if deeper else None), (shallower[-1] if shallower else None)
