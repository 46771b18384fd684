"""The field types of the content model: text and Markdown (brand-checked), dates, booleans,
numbers, web addresses, record ids and references to other artifacts, each with the check that
says what is wrong in words, and the JSON Schema it gives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
RECORD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def slug_for(name: str) -> str:
    """The id a name would have: `Dev Ops Dana` → `dev-ops-dana`, for a hint when an id is not
    a slug."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:64].rstrip("-") or "my-artifact"


@dataclass(frozen=True)
class Prose:
    """Marks a field of words: `markdown` fields also hold links; both are brand-checked."""

    markdown: bool = False


@dataclass(frozen=True)
class Ref:
    """Marks a field that names an artifact of another kind by its id."""

    kind: str


@dataclass(frozen=True)
class Words:
    """A word limit: over it is a warning (an error under --strict)."""

    limit: int


def _as_date(value: Any) -> Any:
    if isinstance(value, str):
        if not DATE.match(value):
            raise PydanticCustomError(
                "gtm_date", "'{value}' is not a date: write YYYY-MM-DD", {"value": value}
            )
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "gtm_date", "'{value}' is not a real date", {"value": value}
            ) from None
    return value


def _as_bool(value: Any) -> Any:
    if isinstance(value, str):
        if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return value.lower() == "true"
        raise PydanticCustomError("gtm_bool", "'{value}' is not true or false", {"value": value})
    return value


def _as_number(value: Any) -> Any:
    if isinstance(value, str):
        if not NUMBER.match(value):
            raise PydanticCustomError("gtm_number", "'{value}' is not a number", {"value": value})
        return float(value) if "." in value else int(value)
    return value


def _as_url(value: Any) -> Any:
    if isinstance(value, str) and not URL.match(value):
        raise PydanticCustomError(
            "gtm_url", "'{value}' is not a web address: write http(s)://…", {"value": value}
        )
    return value


def _as_record_id(value: Any) -> Any:
    if isinstance(value, str) and not RECORD_ID.match(value):
        raise PydanticCustomError(
            "gtm_id",
            "'{value}' is not a valid id: use letters, digits, '-', '_' or '.'",
            {"value": value},
        )
    return value


_SCALAR_JSON = {"type": ["string", "number", "boolean"]}

Text = Annotated[str, Prose(), WithJsonSchema(_SCALAR_JSON)]
Markdown = Annotated[str, Prose(markdown=True), WithJsonSchema({"type": "string"})]
Date = Annotated[
    date,
    BeforeValidator(_as_date),
    WithJsonSchema({"type": "string", "pattern": DATE.pattern, "format": "date"}),
]
Bool = Annotated[bool, BeforeValidator(_as_bool), WithJsonSchema({"type": "boolean"})]
Number = Annotated[float, BeforeValidator(_as_number), WithJsonSchema({"type": "number"})]
Url = Annotated[str, BeforeValidator(_as_url), WithJsonSchema({"type": "string", "format": "uri"})]
RecordId = Annotated[
    str,
    BeforeValidator(_as_record_id),
    WithJsonSchema({"type": "string", "pattern": RECORD_ID.pattern}),
]
Tier = Annotated[Literal[1, 2, 3], BeforeValidator(_as_number), WithJsonSchema({"enum": [1, 2, 3]})]


_SLUG_JSON = WithJsonSchema({"type": "string", "pattern": SLUG.pattern})


def ref(kind: str) -> Any:
    """A field naming an artifact of `kind` by its id, built at run time. The aliases below are
    spelt out instead, so a type checker sees each one as a type (`str`)."""
    return Annotated[str, Ref(kind), _SLUG_JSON]


ProductRef = Annotated[str, Ref("products"), _SLUG_JSON]
PersonaRef = Annotated[str, Ref("personas"), _SLUG_JSON]
CompetitorRef = Annotated[str, Ref("competitors"), _SLUG_JSON]
MessagingRef = Annotated[str, Ref("messaging"), _SLUG_JSON]
