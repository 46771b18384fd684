"""Turns each `Source` into a typed `Artifact`, or into diagnostics at the exact key or value:
pydantic does the checking, this module says it in words a product marketer reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ValidationError

from gtm.content.fields import Leaf, field_shapes, iter_leaves
from gtm.content.kinds import KINDS
from gtm.content.model import PROOF_TAGS, Artifact, Brand
from gtm.content.sources import Source
from gtm.content.yamldoc import PathKey
from gtm.diagnostics import Diagnostics, did_you_mean
from gtm.memo import Reported, reported

ITEM_NOUNS = {
    "features": "feature",
    "pricing": "price",
    "why_we_win": "why_we_win point",
    "objections": "objection",
    "wins": "win",
    "pillars": "pillar",
    "persona_messages": "persona message",
    "goals": "goal",
    "channels": "channel",
    "milestones": "milestone",
    "assets": "asset",
    "risks": "risk",
    "terms": "term",
}


@dataclass(frozen=True)
class Item:
    """A validated content file: its typed fields and the source that places every value.
    An item that is not `complete` failed validation: only its references are still checked."""

    kind: str
    id: str
    fields: Artifact
    source: Source
    complete: bool = True

    @property
    def path(self) -> str:
        return self.source.path

    @cached_property
    def leaves(self) -> tuple[Leaf, ...]:
        """Every value of the fields with its shape, walked once: links, rules and search all
        read them."""
        return tuple(iter_leaves(self.fields))

    def at(self, path: PathKey, key: bool = False) -> tuple[int, int]:
        """Line and column of a value (or of its key) for a diagnostic."""
        span = self.source.span(path)
        return (span.key_line, span.key_column) if key else (span.line, span.column)


Validated = Reported[Item | Brand | None]
"""Validation by file and digest, so `gtm serve` validates again only the files that changed."""


def validate_source(
    source: Source, diagnostics: Diagnostics, memo: Validated | None = None
) -> Item | Brand | None:
    """The typed artifact of a source, with its problems reported; a source that fails comes
    back as an incomplete item so its references can still be checked."""
    if memo is None:
        return _validate(source, diagnostics)
    key = (source.kind, source.path, source.digest)
    return reported(memo, key, diagnostics, lambda found: _validate(source, found))


def _validate(source: Source, diagnostics: Diagnostics) -> Item | Brand | None:
    empty: set[PathKey] = set()
    data = _drop_empty(source.data, (), empty)
    if source.kind == "pages" and "title" in data:
        if "name" in data:
            span = source.spans[("title",)]
            diagnostics.error(
                source.path,
                span.key_line,
                span.key_column,
                "name-and-title",
                "give 'name' or 'title', not both",
            )
            del data["title"]
        else:
            data["name"] = data.pop("title")
            empty.discard(("name",))
    model: type[BaseModel] = Brand if source.kind == "brand" else KINDS[source.kind].model
    try:
        fields = model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            _report(source, model, error, empty, diagnostics)
        if model is Brand:
            return None
        unchecked = model.model_construct(**data)
        assert isinstance(unchecked, Artifact)
        return Item(source.kind, source.id, unchecked, source, complete=False)
    if isinstance(fields, Brand):
        return fields
    assert isinstance(fields, Artifact)
    return Item(source.kind, source.id, fields, source)


def _drop_empty(value: Any, path: PathKey, empty: set[PathKey]) -> Any:
    """Fields written with no value (`owner:`) count as not given; the paths are kept so that a
    required one is reported as empty rather than missing."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if item is None:
                empty.add((*path, key))
            else:
                result[key] = _drop_empty(item, (*path, key), empty)
        return result
    if isinstance(value, list):
        return [_drop_empty(item, (*path, i), empty) for i, item in enumerate(value)]
    return value


def _report(
    source: Source,
    model: type[BaseModel],
    error: Any,
    empty: set[PathKey],
    diagnostics: Diagnostics,
) -> None:
    loc = _source_path(source, tuple(error["loc"]))
    span = source.span(loc)
    code, message, at_key = _explain(source, model, error, loc, empty)
    line, column = (span.key_line, span.key_column) if at_key else (span.line, span.column)
    diagnostics.error(source.path, line, column, code, message)


def _explain(
    source: Source, model: type[BaseModel], error: Any, loc: PathKey, empty: set[PathKey]
) -> tuple[str, str, bool]:
    """A pydantic error in words: its code, its message, and whether it is placed at the key
    (an unknown or empty field, a list's length) rather than at the value."""
    kind, value, name = error["type"], error.get("input"), _label(loc)
    if kind == "missing":
        if loc in empty:
            return "missing-field", f"{_owner(loc)}'{loc[-1]}' is empty", True
        return "missing-field", f"{_owner(loc)}missing required field '{loc[-1]}'", False
    if kind == "extra_forbidden":
        return "unknown-field", _unknown_field(source, model, loc), True
    if kind == "literal_error":
        expected = error["ctx"]["expected"]
        choices = re.findall(r"'([^']*)'", expected) or re.findall(r"\d+", expected)
        hint = did_you_mean(str(value), choices)
        message = f"{name} '{_show(value)}' is not one of: {', '.join(choices)}{hint}"
        return "invalid-choice", message, False
    if kind in ("too_short", "too_long"):
        ctx = error["ctx"]
        if kind == "too_short":
            rule = f"needs at least {ctx['min_length']}"
        else:
            rule = f"may have at most {ctx['max_length']}"
        return "list-length", f"{name} {rule} (has {ctx['actual_length']})", True
    if kind.startswith("gtm_"):
        return "invalid-value", f"{name} {error['msg']}", False
    return "invalid-type", f"{name} should be {_expected(kind)}, not {_describe(value)}", False


def _unknown_field(source: Source, model: type[BaseModel], loc: PathKey) -> str:
    """An unknown field, with the closest field not given yet (else the closest of all)."""
    present = set(_mapping_at(source.data, loc[:-1]))
    known = [f.name for f in field_shapes(_model_at(model, loc[:-1]))]
    if source.kind == "pages" and len(loc) == 1:
        known.append("title")
    unused = [name for name in known if name not in present]
    hint = did_you_mean(str(loc[-1]), unused) or did_you_mean(str(loc[-1]), known)
    return f"{_owner(loc)}unknown field '{loc[-1]}'{hint}"


def _source_path(source: Source, loc: tuple[Any, ...]) -> PathKey:
    """Pydantic's location of a page's `name` is where the author wrote `title`."""
    renamed = ("title",) in source.spans and ("name",) not in source.spans
    if source.kind == "pages" and loc[:1] == ("name",) and renamed:
        return ("title", *loc[1:])
    return tuple(part for part in loc if isinstance(part, (str, int)) and part not in PROOF_TAGS)


def _label(loc: PathKey) -> str:
    """`pains`, `tags item 2`: how a message names the value it is about."""
    if not loc:
        return "the file"
    if isinstance(loc[-1], int):
        return f"{loc[-2]} item {loc[-1] + 1}" if len(loc) > 1 else f"item {loc[-1] + 1}"
    return str(loc[-1])


def _owner(loc: PathKey) -> str:
    """`milestone 2: ` for a field inside a list record, nothing at the top level."""
    if len(loc) >= 3 and isinstance(loc[-2], int):
        noun = ITEM_NOUNS.get(str(loc[-3]), f"{loc[-3]} item")
        return f"{noun} {loc[-2] + 1}: "
    return ""


def _mapping_at(data: Any, loc: PathKey) -> dict[str, Any]:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return {}
    return data if isinstance(data, dict) else {}


def _model_at(model: type[BaseModel], loc: PathKey) -> type[BaseModel]:
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        shape = next((f for f in field_shapes(current) if f.name == part), None)
        if shape is None or shape.record is None:
            return current
        current = shape.record
    return current


def _expected(kind: str) -> str:
    return {
        "string_type": "text",
        "list_type": "a list (one '- ' line per item)",
        "model_type": "a set of fields ('name: value' lines)",
        "model_attributes_type": "a set of fields ('name: value' lines)",
        "dict_type": "a set of fields ('name: value' lines)",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "int_type": "a whole number",
        "float_type": "a number",
    }.get(kind, "something else")


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"'{_show(value)}'"


def _show(value: Any) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"
