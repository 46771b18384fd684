"""JSON Schema (draft-07) for every kind, brand.yaml and gtm.toml, made from the same models
that validate content, so editors complete and check exactly what `gtm check` accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from gtm.content.config import Config
from gtm.content.kinds import KINDS
from gtm.content.model import Brand
from gtm.errors import UsageError

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def to_draft_07(model: type[BaseModel], title: str) -> dict[str, Any]:
    """Pydantic writes 2020-12 `$defs`; editors' YAML and TOML servers read draft-07 best."""
    schema = model.model_json_schema(ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", None)
    result: dict[str, Any] = {"$schema": DRAFT_07, **schema, "title": title}
    if definitions:
        result["definitions"] = definitions
    return result


def _allow_empty(schema: dict[str, Any]) -> None:
    """gtm reads `field:` with no value as "not given", so every optional field accepts null."""
    for definition in [schema, *schema.get("definitions", {}).values()]:
        required = set(definition.get("required", []))
        for name, prop in definition.get("properties", {}).items():
            if name in required or _allows_null(prop):
                continue
            keep = {k: prop[k] for k in ("title", "description", "default") if k in prop}
            rest = {k: v for k, v in prop.items() if k not in keep}
            definition["properties"][name] = {**keep, "anyOf": [rest, {"type": "null"}]}


def _allows_null(prop: dict[str, Any]) -> bool:
    return any(option.get("type") == "null" for option in prop.get("anyOf", []))


def kind_schema(kind: str) -> dict[str, Any]:
    schema = to_draft_07(KINDS[kind].model, f"gtm {kind}")
    _allow_empty(schema)
    if kind == "pages":
        properties = schema["properties"]
        properties["title"] = {**properties["name"], "title": "Title"}
        schema["required"] = [r for r in schema.get("required", []) if r != "name"]
        schema["anyOf"] = [{"required": ["name"]}, {"required": ["title"]}]
    return schema


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name → schema: one per kind, `brand.schema.json` and `gtm.toml.schema.json`."""
    schemas = {f"{kind}.schema.json": kind_schema(kind) for kind in KINDS}
    schemas["brand.schema.json"] = to_draft_07(Brand, "gtm brand.yaml")
    schemas["gtm.toml.schema.json"] = to_draft_07(Config, "gtm.toml")
    return schemas


def write_schemas(folder: Path) -> list[Path]:
    """Writes every schema into `folder`, made with its parents as `mkdir -p` would; a place
    that cannot be written is a `UsageError` that says why, not a traceback."""
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, schema in all_schemas().items():
            path = folder / name
            path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise UsageError(f"cannot write the schemas into '{folder}': {_why(exc, folder)}") from None
    return written


def _why(exc: OSError, folder: Path) -> str:
    """What went wrong, in words: the file that stands where a folder has to be, else the
    system's reason and the path it failed on."""
    for path in (folder, *folder.parents):
        if path.is_symlink() or path.exists():
            if not path.is_dir():
                return f"'{path}' is a file, not a folder"
            break
    if isinstance(exc, IsADirectoryError) and exc.filename is not None:
        return f"'{exc.filename}' is a folder"
    reason = (exc.strerror or str(exc)).lower()
    return f"{reason} ('{exc.filename}')" if exc.filename is not None else reason
