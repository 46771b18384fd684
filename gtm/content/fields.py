"""The shape of each field of the model (text or Markdown, a reference, a word limit, a list, a
record), read once from the models, and a walk over every value of an artifact with its shape:
validation, links, rules and search all read the fields through it."""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel

from gtm.content.model import Record
from gtm.content.scalars import Prose, Ref, Words


@dataclass(frozen=True)
class FieldShape:
    """What a field holds, read once from its annotation: the markers and the record type."""

    name: str
    prose: Prose | None
    ref: Ref | None
    words: Words | None
    is_list: bool
    record: type[Record] | None


@cache
def field_shapes(model: type[BaseModel]) -> tuple[FieldShape, ...]:
    shapes = []
    for name, info in model.model_fields.items():
        markers: list[Any] = list(info.metadata)
        is_list = False
        record: type[Record] | None = None
        pending = [info.annotation]
        while pending:
            tp = pending.pop()
            origin = typing.get_origin(tp)
            if origin is Annotated:
                base, *extra = typing.get_args(tp)
                markers.extend(extra)
                pending.append(base)
            elif origin is list:
                is_list = True
                pending.extend(typing.get_args(tp))
            elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
                pending.extend(a for a in typing.get_args(tp) if a is not type(None))
            elif isinstance(tp, type) and issubclass(tp, Record):
                record = tp
        shapes.append(
            FieldShape(
                name=name,
                prose=next((m for m in markers if isinstance(m, Prose)), None),
                ref=next((m for m in markers if isinstance(m, Ref)), None),
                words=next((m for m in markers if isinstance(m, Words)), None),
                is_list=is_list,
                record=record,
            )
        )
    return tuple(shapes)


@dataclass(frozen=True, slots=True)
class Leaf:
    """One scalar value of an artifact with its path and the markers of its field."""

    path: tuple[str | int, ...]
    value: Any
    shape: FieldShape


def iter_leaves(
    item: BaseModel | dict[str, Any],
    prefix: tuple[str | int, ...] = (),
    model: type[BaseModel] | None = None,
) -> typing.Iterator[Leaf]:
    """Every scalar value of an artifact, records included, in field order. Unvalidated data
    (plain dicts) is walked too, by the model's shape; values of the wrong shape are skipped."""
    for shape in field_shapes(model or type(item)):
        source = item if isinstance(item, dict) else vars(item)
        value = source.get(shape.name)
        if value is None:
            continue
        if shape.is_list and not isinstance(value, list):
            continue
        values = list(enumerate(value)) if shape.is_list else [(None, value)]
        for index, element in values:
            path = (*prefix, shape.name) if index is None else (*prefix, shape.name, index)
            if shape.record is not None and isinstance(element, (BaseModel, dict)):
                yield from iter_leaves(element, path, shape.record)
            elif (shape.record is None or shape.prose is not None) and not isinstance(
                element, (BaseModel, dict, list)
            ):
                yield Leaf(path, element, shape)
