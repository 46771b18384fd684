"""`api/schema.json`: the JSON Schema (2020-12) of the files in `api/`, made from the same models
that validate the content, so a field added to a kind is in the API's schema the day it exists.
Fields are written as the page shows them: Markdown as `{html, text}`, a reference as
`{kind, id, name, url}` (or `{name}`), a claim with its source."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from gtm.content.fields import FieldShape, field_shapes
from gtm.content.kinds import KINDS
from gtm.content.model import Claim

API_VERSION = 1
DIALECT = "https://json-schema.org/draft/2020-12/schema"

_STRING: dict[str, Any] = {"type": "string"}
_NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
_DATE: dict[str, Any] = {"type": "string", "format": "date"}
_VERSION: dict[str, Any] = {"const": API_VERSION}

SHARED: dict[str, dict[str, Any]] = {
    "markdown": {
        "description": "Markdown as the page shows it: safe HTML, and its words as plain text",
        "type": "object",
        "properties": {"html": _STRING, "text": _STRING},
        "required": ["html", "text"],
        "additionalProperties": False,
    },
    "reference": {
        "description": "An artifact this one names: with its page when the build shows it, "
        "else only its name (an internal artifact in a public build, or a draft)",
        "type": "object",
        "properties": {"kind": _STRING, "id": _STRING, "name": _STRING, "url": _STRING},
        "required": ["name"],
        "additionalProperties": False,
    },
    "claim": {
        "description": "A proof point with its source; `footnote` is its number in `sources`",
        "type": "object",
        "properties": {
            "claim": _STRING,
            "source": _STRING,
            "url": _NULLABLE_STRING,
            "as_of": _DATE,
            "kind": _STRING,
            "stale": {"type": "boolean"},
            "footnote": {"type": ["integer", "null"]},
        },
        "required": ["claim", "source", "url", "as_of", "kind", "stale", "footnote"],
        "additionalProperties": False,
    },
    "source": {
        "type": "object",
        "properties": {
            "number": {"type": "integer"},
            "source": _STRING,
            "url": _NULLABLE_STRING,
            "as_of": _DATE,
            "kind": _STRING,
            "stale": {"type": "boolean"},
        },
        "required": ["number", "source", "url", "as_of", "kind", "stale"],
        "additionalProperties": False,
    },
    "change": {
        "type": "object",
        "properties": {
            "date": _DATE,
            "change": {"enum": ["added", "modified", "renamed", "deleted"]},
            "fields": {"type": "array", "items": _STRING},
            "what": _STRING,
            "subject": _NULLABLE_STRING,
        },
        "required": ["date", "change", "fields", "what", "subject"],
        "additionalProperties": False,
    },
    "history": {
        "description": "From git; empty outside git. A public build has no commit subjects",
        "type": "object",
        "properties": {
            "created": {"anyOf": [_DATE, {"type": "null"}]},
            "updated": {"anyOf": [_DATE, {"type": "null"}]},
            "changes": {"type": "array", "items": {"$ref": "#/$defs/change"}},
        },
        "required": ["created", "updated", "changes"],
        "additionalProperties": False,
    },
    "facts": {
        "description": "What the build derives: staleness; a launch's readiness and risk; a "
        "positioning's statement",
        "type": "object",
        "properties": {
            "stale": {"type": "boolean"},
            "days_since_review": {"type": ["integer", "null"]},
            "readiness": {"type": ["number", "null"]},
            "at_risk": {"type": "boolean"},
            "overdue_milestones": {"type": "array", "items": _STRING},
            "stale_claims": {"type": "integer"},
            "statement": _NULLABLE_STRING,
        },
        "required": [
            "stale",
            "days_since_review",
            "readiness",
            "at_risk",
            "overdue_milestones",
            "stale_claims",
            "statement",
        ],
        "additionalProperties": False,
    },
}


def api_schema(title: str) -> dict[str, Any]:
    """The schema of `api/index.json` (`$defs/index`) and of each artifact's file (`$defs/<kind>`,
    one per kind), with the records and shared shapes they use."""
    definitions: dict[str, Any] = dict(SHARED)
    for kind in KINDS.values():
        definitions[kind.name] = _artifact(kind.name, kind.model, definitions)
    definitions["index"] = _index()
    return {
        "$schema": DIALECT,
        "api_version": API_VERSION,
        "title": f"{title}: data for other tools (api_version {API_VERSION})",
        "anyOf": [{"$ref": f"#/$defs/{name}"} for name in ("index", *KINDS)],
        "$defs": definitions,
    }


def _artifact(kind: str, model: type[BaseModel], definitions: dict[str, Any]) -> dict[str, Any]:
    entry = {
        "api_version": _VERSION,
        "kind": {"const": kind},
        "id": _STRING,
        "name": _STRING,
        "url": _STRING,
        "pdf": _NULLABLE_STRING,
        "fields": _record(model, definitions),
        "facts": {"$ref": "#/$defs/facts"},
        "sources": {"type": "array", "items": {"$ref": "#/$defs/source"}},
        "history": {"$ref": "#/$defs/history"},
        "referenced_by": {"type": "array", "items": {"$ref": "#/$defs/reference"}},
    }
    return _object(entry, f"One {kind} artifact as its page shows it")


def _index() -> dict[str, Any]:
    item = {
        "kind": _STRING,
        "id": _STRING,
        "name": _STRING,
        "summary": _NULLABLE_STRING,
        "url": _STRING,
        "pdf": _NULLABLE_STRING,
        "updated": {"anyOf": [_DATE, {"type": "null"}]},
        "json": _STRING,
    }
    listing = {
        "api_version": _VERSION,
        "title": _STRING,
        "audience": {"enum": ["internal", "public"]},
        "artifacts": {"type": "array", "items": _object(item)},
    }
    return _object(listing, "Every artifact in the build, with where its JSON is")


def _record(model: type[BaseModel], definitions: dict[str, Any]) -> dict[str, Any]:
    written = _properties(model.model_json_schema(ref_template="#/$defs/{model}"))
    properties = {}
    for shape in field_shapes(model):
        one = _value(shape, written.get(shape.name, {}), definitions)
        info = model.model_fields[shape.name]
        if shape.is_list:
            one = {"type": "array", "items": one}
        elif not info.is_required() and info.default is None:
            one = {"anyOf": [one, {"type": "null"}]}
        properties[shape.name] = one
    return _object(properties, model.__doc__.split("\n")[0] if model.__doc__ else None)


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    """The properties pydantic writes for a record (one that may be written as plain text has
    them in the object form of its `anyOf`)."""
    if "properties" in schema:
        return dict(schema["properties"])
    for option in schema.get("anyOf", ()):
        if "properties" in option:
            return dict(option["properties"])
    return {}


def _value(shape: FieldShape, written: dict[str, Any], definitions: dict[str, Any]) -> Any:
    """One value of a field (an item, for a list): its shape decides, else pydantic's schema."""
    if shape.record is Claim:
        return {"anyOf": [_STRING, {"$ref": "#/$defs/claim"}]}
    if shape.record is not None:
        name = shape.record.__name__
        if name not in definitions:
            definitions[name] = {}  # a record that holds itself stops here
            definitions[name] = _record(shape.record, definitions)
        return {"$ref": f"#/$defs/{name}"}
    if shape.ref is not None:
        return {"$ref": "#/$defs/reference"}
    if shape.prose is not None:
        return {"$ref": "#/$defs/markdown"} if shape.prose.markdown else _STRING
    leaf = written.get("items", written) if shape.is_list else written
    options = [part for part in leaf.get("anyOf", [leaf]) if part.get("type") != "null"]
    kept = {key: value for key, value in options[0].items() if key not in ("title", "default")}
    return kept if len(options) == 1 else {"anyOf": options}


def _object(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    made: dict[str, Any] = {"type": "object"}
    if description:
        made["description"] = description
    made |= {
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    return made
