"""YAML mistakes in a product marketer's words: for a file libyaml could not read, what the
mistake is, how to fix it, and the place to fix it (an unclosed quote where it opened, not where
the file ends). It runs only for a file that failed to parse, so it may read the text again;
libyaml's own words come last, and only when no plain explanation fits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


@dataclass(frozen=True)
class _Failure:
    """Where libyaml stopped and what it said, with the tokens it read before stopping."""

    text: str
    index: int
    problem: str
    context: str
    context_index: int | None
    line_offset: int

    @cached_property
    def tokens(self) -> tuple[Any, ...]:
        """The tokens libyaml read before it stopped: they say where each quoted text and each
        bracket opened and closed. Read again only when an explanation needs them, as it is
        the costliest part of an explanation."""
        tokens: list[Any] = []
        try:
            for token in yaml.scan(self.text, Loader=_Loader):
                if token.start_mark.index >= self.index:
                    break
                tokens.append(token)
        except yaml.YAMLError:
            pass
        return tuple(tokens)

    def line_number(self, index: int) -> int:
        """The line in the file (not in the front matter) that holds `index`."""
        return self.text.count("\n", 0, index) + 1 + self.line_offset

    def line_at(self, index: int) -> tuple[int, str]:
        """The start of the line that holds `index`, and the line's text."""
        start = self.text.rfind("\n", 0, index) + 1
        end = self.text.find("\n", index)
        return start, self.text[start : len(self.text) if end < 0 else end]


_Explanation = tuple[int, str]
"""Where in the text the mistake is, and what to tell the person who made it."""


def explain_syntax_error(
    text: str, error: yaml.MarkedYAMLError, line_offset: int = 0
) -> tuple[int, int, str]:
    """A `yaml-syntax` problem that says what is wrong in plain words and how to fix it, at the
    place to fix (an unclosed quote is reported where it opened, not where the file ends)."""
    mark = error.problem_mark or error.context_mark
    index = min(mark.index, len(text)) if mark is not None else 0
    context_index = None
    if error.context_mark is not None and error.context:
        context_index = min(error.context_mark.index, len(text))
    failure = _Failure(
        text=text,
        index=index,
        problem=(error.problem or "").strip(),
        context=(error.context or "").strip(),
        context_index=context_index,
        line_offset=line_offset,
    )
    explained = None
    for explain in _EXPLANATIONS:
        explained = explain(failure)
        if explained is not None:
            break
    if explained is None:
        explained = index, not_valid_yaml(_said(failure))
    at, message = explained
    line, column = place(text, at)
    return line + line_offset, column, message


def place(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character, counting lines as the rest of gtm does."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def not_valid_yaml(said: str) -> str:
    return f"this line is not valid YAML: check its quotes, brackets and indentation ({said})"


def _said(failure: _Failure) -> str:
    """libyaml's own words, for the mistakes no plain explanation fits."""
    said = failure.problem or failure.context or "unknown problem"
    if failure.problem and failure.context and failure.context_index is not None:
        said += f" {failure.context} at line {failure.line_number(failure.context_index)}"
    return f"the YAML reader says: {said}"


def _quoted(value: str) -> str:
    """The text in the quotes that keep it exactly as written."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _without_comment(value: str) -> str:
    """A plain text as YAML reads it: a ' #' starts a comment."""
    return value.split(" #", 1)[0].rstrip()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_item(content: str) -> bool:
    """Whether a line (without its indentation) is a '- ' list item."""
    return content == "-" or content.startswith(("- ", "-\t"))


def _content_lines(failure: _Failure, before: int) -> Iterator[tuple[int, int, str]]:
    """(file line number, start, text) of every line above the one holding `before` that holds
    more than blanks and a comment, nearest first."""
    end = failure.text.rfind("\n", 0, before)
    number = failure.line_number(before)
    while end >= 0:
        start = failure.text.rfind("\n", 0, end) + 1
        number -= 1
        line = failure.text[start:end]
        content = line.strip()
        if content and not content.startswith("#"):
            yield number, start, line
        end = start - 1


def _tab(failure: _Failure) -> _Explanation | None:
    """A tab in the indentation: libyaml words it several ways and places it differently, so
    the text is read for it, on the line where libyaml stopped."""
    if failure.text[failure.index : failure.index + 1] == "\t":
        tab = failure.index
    else:
        tab = _tab_in_indentation(*failure.line_at(failure.index))
        if tab < 0 and "tab" in failure.problem:
            for _, start, line in islice(_content_lines(failure, failure.index), 2):
                tab = _tab_in_indentation(start, line)
                if tab >= 0:
                    break
        # Between brackets a tab is allowed anywhere, so one there is not the mistake.
        if tab < 0 or any(closed is None for _, closed in _open_brackets(failure.tokens)):
            return None
    number = failure.line_number(tab)
    return tab, f"YAML indents with spaces; line {number} has a tab: replace it with spaces"


def _tab_in_indentation(start: int, line: str) -> int:
    """Where the first tab before the text of a line is (in its indentation or after its list
    dash), or -1; `start` is where the line starts in the text."""
    lead = line[: len(line) - len(line.lstrip(" \t-"))]
    return start + lead.index("\t") if "\t" in lead else -1


def _unclosed_quote(failure: _Failure) -> _Explanation | None:
    """A quote that runs to the end of the file: libyaml stops at the end; the place to fix is
    where the quote opened."""
    ran_out = "end of stream" in failure.problem or "document indicator" in failure.problem
    opening = failure.context_index
    if failure.context != "while scanning a quoted scalar" or not ran_out or opening is None:
        return None
    quote = failure.text[opening]
    message = (
        f"the quote ({quote}) that opens this text is never closed: add a closing {quote} at the "
        "end of the text"
    )
    return opening, message + _closed_like(failure, opening)


def _closed_like(failure: _Failure, opening: int) -> str:
    """The line with its quote closed, when the quote opens the value of a field or an item
    (inside brackets the end of the line is not the end of the text)."""
    start, line = failure.line_at(opening)
    if not _opens_value(line[: opening - start]):
        return ""
    return f", like {(line.rstrip() + failure.text[opening]).lstrip()}"


def _opens_value(prefix: str) -> bool:
    """Whether what stands before a position on its line is a field name or a list dash."""
    return prefix.rstrip().endswith(":") or _is_item(prefix.strip())


def _unknown_escape(failure: _Failure) -> _Explanation | None:
    """A backslash in double quotes, as in a Windows path or a stray `\\`."""
    if failure.problem != "found unknown escape character":
        return None
    start = failure.line_at(failure.index)[0]
    backslash = failure.text.rfind("\\", start, failure.index + 1)
    return (backslash if backslash >= 0 else failure.index), (
        "a '\\' inside double quotes starts a special code: write it twice ('\\\\') or put "
        "the text in single quotes"
    )


def _stray(failure: _Failure) -> bool:
    """Whether libyaml found something it cannot place where a field or an item should be."""
    return failure.problem.startswith(("did not find expected key", "expected <block end>")) or (
        failure.problem == "did not find expected '-' indicator"
    )


def _open_brackets(tokens: tuple[Any, ...]) -> list[tuple[Any, Any | None]]:
    """Every '[' and '{' read, each with the token that closed it (None while open)."""
    pairs: list[tuple[Any, Any | None]] = []
    open_ones: list[int] = []
    for token in tokens:
        if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
            open_ones.append(len(pairs))
            pairs.append((token, None))
        elif open_ones and isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
            at = open_ones.pop()
            pairs[at] = (pairs[at][0], token)
    return pairs


def _quote_ends_early(failure: _Failure) -> _Explanation | None:
    """More text after a closing quote: `name: "Acme" Relay`, `summary: 'We're great'`, or a
    quote left open that runs on to the next quote in the file."""
    if not _stray(failure) or not failure.tokens:
        return None
    last = failure.tokens[-1]
    if not isinstance(last, yaml.ScalarToken) or last.style not in ("'", '"'):
        return None
    if failure.text[last.end_mark.index : failure.index].strip(" \t"):
        return None
    if any(closed is None for _, closed in _open_brackets(failure.tokens)):
        return None
    opening, closing = last.start_mark.index, last.end_mark.index - 1
    quote = failure.text[opening]
    start, line = failure.line_at(opening)
    prefix = line[: opening - start]
    if failure.line_number(closing) != failure.line_number(opening):
        return opening, (
            f"the quote ({quote}) that opens this text is not closed on its line, so the text "
            f"runs on to the {quote} on line {failure.line_number(closing)}: add a closing "
            f"{quote} at the end of this line" + _closed_like(failure, opening)
        )
    written = line[opening - start :].rstrip()
    if failure.text[closing + 1 : closing + 2].isalnum():
        # A quote inside a word (We're) was meant as part of the text, so the first quote was
        # meant to hold the whole text; otherwise the quotes are the text's own ("Acme" Relay).
        written = written[1:].removesuffix(quote)
    like = (prefix + _quoted(written)).lstrip()
    column = closing - start + 1
    return opening, (
        f"the quote ({quote}) at column {column} ends the quoted text, so YAML cannot read the "
        f"rest of the line: quote the whole text like this: {like}"
    )


def _closes_nothing(failure: _Failure) -> _Explanation | None:
    """A ']' or '}' with no '[' or '{' open: one too many, or a text that starts with one."""
    sign = failure.text[failure.index : failure.index + 1]
    if sign not in ("]", "}") or any(
        closed is None for _, closed in _open_brackets(failure.tokens)
    ):
        return None
    return failure.index, f"this '{sign}' closes nothing: remove it, or put the text in quotes"


def _bracket_ends_early(failure: _Failure) -> _Explanation | None:
    """More text after a closing bracket: `summary: [Beta] new`."""
    if not _stray(failure) or not failure.tokens:
        return None
    last = failure.tokens[-1]
    if not isinstance(last, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
        return None
    if failure.text[last.end_mark.index : failure.index].strip(" \t"):
        return None
    pairs = _open_brackets(failure.tokens)
    opened = next((token for token, closed in pairs if closed is last), None)
    if opened is None or any(closed is None for _, closed in pairs):
        return None
    opening = opened.start_mark.index
    if failure.line_number(opening) != failure.line_number(failure.index):
        return None
    return _needs_quotes(failure, opening, failure.text[opening])


def _needs_quotes(failure: _Failure, at: int, sign: str) -> _Explanation:
    """A text that starts with a sign YAML keeps for itself must be quoted."""
    start, line = failure.line_at(at)
    prefix = line[: at - start]
    message = f"a text that starts with '{sign}' must be in quotes"
    if _opens_value(prefix):
        written = _without_comment(line[at - start :])
        message += f": write {(prefix + _quoted(written)).lstrip()}"
    return at, message


def _unclosed_bracket(failure: _Failure) -> _Explanation | None:
    """A '[' or '{' never closed: libyaml stops at a later line or at the end of the file; the
    place to fix is where it opened."""
    still_open = [token for token, closed in _open_brackets(failure.tokens) if closed is None]
    if not still_open:
        return None
    opening = still_open[-1].start_mark.index
    at_end = not failure.text[failure.index :].strip()
    if not at_end and failure.line_number(opening) == failure.line_number(failure.index):
        return None
    if failure.text[opening] == "[":
        return opening, "the ']' to close this '[' is missing: add ']' after the last item"
    return opening, "the '}' to close this '{' is missing: add '}' after the last field"


def _sign_at_start(failure: _Failure) -> _Explanation | None:
    """A text that starts with '@', a backtick, '*', '&', '|', '>', '%', '- ' or '? '."""
    problem, context = failure.problem, failure.context
    if problem == "found character that cannot start any token":
        at = failure.index
    elif context in ("while scanning an alias", "while scanning an anchor") or (
        context == "while scanning a block scalar" and "comment or line break" in problem
    ):
        at = failure.context_index
    elif problem.startswith(("block sequence entries", "mapping keys")) and "context" in problem:
        at = failure.index
    else:
        return None
    if at is None or not failure.text[at : at + 1].strip():
        return None
    sign = failure.text[at]
    return _needs_quotes(failure, at, "- " if sign == "-" else "? " if sign == "?" else sign)


def _colon_in_text(failure: _Failure) -> _Explanation | None:
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
        written = _without_comment(line[begins - start :])
        like = (prefix + _quoted(written)).lstrip()
        after = failure.text[failure.index + 1 : failure.index + 2]
        what = "ends with ':'" if after in ("", "\n") else "has a ': ' in it"
        return begins, (
            f"this text {what}, so YAML reads it as a new field: put the whole text in quotes, "
            f"like {like}"
        )
    if at_key:
        return _not_a_field(failure, begins)
    here_start, here = failure.line_at(failure.index)
    first = here_start + _indent(here)
    return first, (
        f"YAML reads this line as more of the text that starts on line "
        f"{failure.line_number(begins)} (it is indented more), and its ': ' as a new field: "
        "line it up with the field above if it is a field, or put the whole text in quotes"
    )


_FIELD_NAME = re.compile(r"[\w-]+:(?=\S)")


def _not_a_field(failure: _Failure, at: int) -> _Explanation:
    """A line where a field should be that has no ': ' in it."""
    start, line = failure.line_at(at)
    content = line[at - start :]
    no_space = _FIELD_NAME.match(content)
    if no_space:
        fixed = content[: no_space.end()] + " " + _without_comment(content[no_space.end() :])
        return at, f"a field needs a space after its ':': write {fixed}"
    return at, (
        "this line is not a field: write it as 'field: value' (a ':' and a space after the "
        "field name), or indent it if it is text of the field above"
    )


def _missing_colon(failure: _Failure) -> _Explanation | None:
    """A line with no ': ' where YAML expects a field, as libyaml sees it when the next line
    does not go on with it."""
    if failure.problem != "could not find expected ':'" or failure.context_index is None:
        return None
    return _not_a_field(failure, failure.context_index)


def _misplaced_line(failure: _Failure) -> _Explanation | None:
    """A line indented so that it belongs nowhere: a '- ' item out of line with the others, a
    list item among fields, a field among list items, or a field out of line."""
    start, line = failure.line_at(failure.index)
    if not _stray(failure) or line[: failure.index - start].strip():
        return None
    content = line.strip()
    indent = _indent(line)
    earlier: list[tuple[int, int, str]] = []
    for found in _content_lines(failure, failure.index):
        earlier.append(found)
        if not _indent(found[2]):
            break  # the lines above one that is not indented cannot change where this one goes
    if _is_item(content):
        for number, _, other in earlier:
            if _is_item(other.strip()):
                if _indent(other) == indent:
                    return None
                return failure.index, (
                    "this line is indented differently from the ones around it: line up its "
                    f"'-' with the '-' on line {number}"
                )
        return failure.index, (
            "this '- ' list item is mixed in with fields: put the list under a field of its "
            "own, with its '- ' items indented below it"
        )
    items = [other for _, _, other in earlier if _is_item(other.strip())]
    if failure.problem == "did not find expected '-' indicator" and (
        items and _indent(items[0]) == indent
    ):
        message = (
            "this line is lined up with the '- ' items above it but does not start with '- ': "
            "add '- ' if it is an item"
        )
        owner = next((number for number, _, other in earlier if _indent(other) < indent), None)
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
        depth = _indent(line)
        while levels and levels[-1][0] > depth:
            levels.pop()
        if levels and levels[-1][0] == depth:
            levels[-1] = (depth, number)
        else:
            levels.append((depth, number))
        content = line.strip()
        if _is_item(content) and content[1:].strip():
            # The fields of a '- ' item line up with the text after its dash.
            levels.append((depth + len(content) - len(content[1:].lstrip()), number))
    deeper = [number for depth, number in levels if depth > indent]
    shallower = [number for depth, number in levels if depth < indent]
    return (deeper[0] if deeper else None), (shallower[-1] if shallower else None)


_EXPLANATIONS = (
    _tab,
    _unclosed_quote,
    _unknown_escape,
    _quote_ends_early,
    _closes_nothing,
    _bracket_ends_early,
    _unclosed_bracket,
    _sign_at_start,
    _colon_in_text,
    _missing_colon,
    _misplaced_line,
)
"""Tried in order; the first that recognises the mistake explains it."""
