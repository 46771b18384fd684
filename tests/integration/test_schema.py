"""`gtm schema` for editors: every example file of the repository passes its kind's schema
when read the way an editor's YAML language server reads it, and the schemas still catch an
unknown field or a wrong choice."""

from __future__ import annotations

import datetime
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from gtm.content.kinds import KINDS
from tests.conftest import ROOT, MakeProject, RunGtm

CONTENT = ROOT / "content"
EXAMPLES = sorted(
    path
    for path in CONTENT.rglob("*")
    if path.suffix in (".yaml", ".yml", ".md") and path.parent.name in (*KINDS, "content")
)


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    from click.testing import CliRunner

    from gtm.cli import main

    folder = tmp_path_factory.mktemp("schemas")
    result = CliRunner().invoke(main, ["schema", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")}


def as_editor_reads(value: Any) -> Any:
    """yaml.safe_load's dates become the ISO strings a JSON validator sees."""
    if isinstance(value, dict):
        return {key: as_editor_reads(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_editor_reads(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def load_like_an_editor(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        lines = text.split("\n")
        assert lines[0].strip() == "---"
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
        text = "\n".join(lines[1:end])
    return as_editor_reads(yaml.safe_load(text))


def schema_name(path: Path) -> str:
    if path.parent == CONTENT:
        return "brand.schema.json"
    return f"{path.parent.name}.schema.json"


def problems(schema: dict[str, Any], data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft7Validator(schema).iter_errors(data)
    ]


def test_gtm_schema_writes_one_file_per_kind_brand_and_config(
    schemas: dict[str, dict[str, Any]],
) -> None:
    assert set(schemas) == {f"{kind}.schema.json" for kind in KINDS} | {
        "brand.schema.json",
        "gtm.toml.schema.json",
    }
    for schema in schemas.values():
        Draft7Validator.check_schema(schema)


def test_the_example_covers_every_kind() -> None:
    assert {p.parent.name for p in EXAMPLES} == {*KINDS, "content"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_example_file_passes_its_schema(
    schemas: dict[str, dict[str, Any]], path: Path
) -> None:
    assert problems(schemas[schema_name(path)], load_like_an_editor(path)) == []


def test_the_example_gtm_toml_passes_its_schema(schemas: dict[str, dict[str, Any]]) -> None:
    data = tomllib.loads((ROOT / "gtm.toml").read_text(encoding="utf-8"))
    assert problems(schemas["gtm.toml.schema.json"], data) == []


def test_a_page_may_use_title(schemas: dict[str, dict[str, Any]]) -> None:
    pages = [p for p in EXAMPLES if p.parent.name == "pages"]
    assert any("title" in load_like_an_editor(p) for p in pages)
    assert problems(schemas["pages.schema.json"], {"title": "FAQ", "order": 1}) == []


def test_an_unknown_field_is_rejected(schemas: dict[str, dict[str, Any]]) -> None:
    data = load_like_an_editor(CONTENT / "personas" / "sre-sam.yaml")
    data["paint"] = ["typo"]
    found = problems(schemas["personas.schema.json"], data)
    assert len(found) == 1
    assert "paint" in found[0]


def test_a_wrong_choice_is_rejected(schemas: dict[str, dict[str, Any]]) -> None:
    data = load_like_an_editor(CONTENT / "personas" / "sre-sam.yaml")
    data["buying_role"] = "boss"
    found = problems(schemas["personas.schema.json"], data)
    assert found and all(f.startswith("buying_role: ") for f in found)


def test_a_wrong_config_value_is_rejected(schemas: dict[str, dict[str, Any]]) -> None:
    data = tomllib.loads((ROOT / "gtm.toml").read_text(encoding="utf-8"))
    data["pdf"]["page_size"] = "A5"
    data["site"]["titel"] = "typo"
    found = problems(schemas["gtm.toml.schema.json"], data)
    assert len(found) == 2


def test_a_file_written_by_gtm_new_passes_its_schema(
    run_gtm: RunGtm, make_project: MakeProject, schemas: dict[str, dict[str, Any]]
) -> None:
    """`gtm new` leaves optional fields empty (`visibility:`), which gtm reads as "not given";
    the editor must not mark a fresh file as wrong either."""
    root = make_project({})
    words = {
        "products": "product",
        "personas": "persona",
        "competitors": "competitor",
        "positioning": "positioning",
        "messaging": "messaging",
        "launches": "launch",
        "pages": "page",
    }
    found = {}
    for kind, word in words.items():
        assert run_gtm("new", word, "fresh", project=root).exit_code == 0
        path = next((root / "content" / kind).glob("fresh.*"))
        found[kind] = problems(schemas[f"{kind}.schema.json"], load_like_an_editor(path))
    assert found == {kind: [] for kind in words}
