"""YAML mistakes in a product marketer's words: for a file libyaml could not read, what the
mistake is, how to fix it, and the place to fix it (an unclosed quote where it opened, not where
the file ends). It runs only for a file that failed to parse, so it may read the text again;
libyaml's own words come last, and only when no plain explanation fits."""

from __future__ import annotations

import yaml

from gtm.content.yamlfailure import (
    Explanation,
    Failure,
    is_item,
    not_valid_yaml,
    open_brackets,
    place,
    quoted,
    said,
    stray,
    without_comment,
)
from gtm.content.yamllines import (
    explain_colon_in_text,
    explain_misplaced_line,
    explain_missing_colon,
    explain_tab,
)


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
    failure = Failure(
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
        explained = index, not_valid_yaml(said(failure))
    at, message = explained
    line, column = place(text, at)
    return line + line_offset, column, message


def _unclosed_quote(failure: Failure) -> Explanation | None:
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


def _closed_like(failure: Failure, opening: int) -> str:
    """The line with its quote closed, when the quote opens the value of a field or an item
    (inside brackets the end of the line is not the end of the text)."""
    start, line = failure.line_at(opening)
    if not _opens_value(line[: opening - start]):
        return ""
    return f", like {(line.rstrip() + failure.text[opening]).lstrip()}"


def _opens_value(prefix: str) -> bool:
    """Whether what stands before a position on its line is a field name or a list dash."""
    return prefix.rstrip().endswith(":") or is_item(prefix.strip())


def _unknown_escape(failure: Failure) -> Explanation | None:
    """A backslash in double quotes, as in a Windows path or a stray `\\`."""
    if failure.problem != "found unknown escape character":
        return None
    start = failure.line_at(failure.index)[0]
    backslash = failure.text.rfind("\\", start, failure.index + 1)
    return (backslash if backslash >= 0 else failure.index), (
        "a '\\' inside double quotes starts a special code: write it twice ('\\\\') or put "
        "the text in single quotes"
    )


def _quote_ends_early(failure: Failure) -> Explanation | None:
    """More text after a closing quote: `name: "Acme" Relay`, `summary: 'We're great'`, or a
    quote left open that runs on to the next quote in the file."""
    if not stray(failure) or not failure.tokens:
        return None
    last = failure.tokens[-1]
    if not isinstance(last, yaml.ScalarToken) or last.style not in ("'", '"'):
        return None
    if failure.text[last.end_mark.index : failure.index].strip(" \t"):
        return None
    if any(closed is None for _, closed in open_brackets(failure.tokens)):
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
    like = (prefix + quoted(written)).lstrip()
    column = closing - start + 1
    return opening, (
        f"the quote ({quote}) at column {column} ends the quoted text, so YAML cannot read the "
        f"rest of the line: quote the whole text like this: {like}"
    )


def _closes_nothing(failure: Failure) -> Explanation | None:
    """A ']' or '}' with no '[' or '{' open: one too many, or a text that starts with one."""
    sign = failure.text[failure.index : failure.index + 1]
    if sign not in ("]", "}") or any(closed is None for _, closed in open_brackets(failure.tokens)):
        return None
    return failure.index, f"this '{sign}' closes nothing: remove it, or put the text in quotes"


def _bracket_ends_early(failure: Failure) -> Explanation | None:
    """More text after a closing bracket: `summary: [Beta] new`."""
    if not stray(failure) or not failure.tokens:
        return None
    last = failure.tokens[-1]
    if not isinstance(last, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
        return None
    if failure.text[last.end_mark.index : failure.index].strip(" \t"):
        return None
    pairs = open_brackets(failure.tokens)
    opened = next((token for token, closed in pairs if closed is last), None)
    if opened is None or any(closed is None for _, closed in pairs):
        return None
    opening = opened.start_mark.index
    if failure.line_number(opening) != failure.line_number(failure.index):
        return None
    return _needs_quotes(failure, opening, failure.text[opening])


def _needs_quotes(failure: Failure, at: int, sign: str) -> Explanation:
    """A text that starts with a sign YAML keeps for itself must be quoted."""
    start, line = failure.line_at(at)
    prefix = line[: at - start]
    message = f"a text that starts with '{sign}' must be in quotes"
    if _opens_value(prefix):
        written = without_comment(line[at - start :])
        message += f": write {(prefix + quoted(written)).lstrip()}"
    return at, message


def _unclosed_bracket(failure: Failure) -> Explanation | None:
    """A '[' or '{' never closed: libyaml stops at a later line or at the end of the file; the
    place to fix is where it opened."""
    still_open = [token for token, closed in open_brackets(failure.tokens) if closed is None]
    if not still_open:
        return None
    opening = still_open[-1].start_mark.index
    at_end = not failure.text[failure.index :].strip()
    if not at_end and failure.line_number(opening) == failure.line_number(failure.index):
        return None
    if failure.text[opening] == "[":
        return opening, "the ']' to close this '[' is missing: add ']' after the last item"
    return opening, "the '}' to close this '{' is missing: add '}' after the last field"


def _sign_at_start(failure: Failure) -> Explanation | None:
    """A text that starts with '@', a backtick, '*', '&', '|', '>', '%', '- ' or '? '."""
    problem, context = failure.problem, failure.context
    at: int | None
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


_EXPLANATIONS = (
    explain_tab,
    _unclosed_quote,
    _unknown_escape,
    _quote_ends_early,
    _closes_nothing,
    _bracket_ends_early,
    _unclosed_bracket,
    _sign_at_start,
    explain_colon_in_text,
    explain_missing_colon,
    explain_misplaced_line,
)
"""Tried in order; the first that recognises the mistake explains it."""
