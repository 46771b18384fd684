"""JSON Schemas: valid draft-07, made from the models, so they accept what `gtm check` accepts
and reject unknown fields and wrong choices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator

from gtm.cli import main
from gtm.content.kinds import KINDS
from gtm.content.model import Persona
from gtm.content.schema import DRAFT_07, all_schemas, kind_schema, write_schemas

SCHEMAS = all_schemas()


def errors(name: str, data: object) -> list[str]:
    return [e.message for e in Draft7Validator(SCHEMAS[name]).iter_errors(data)]


def test_one_schema_per_kind_brand_and_config() -> None:
    assert set(SCHEMAS) == {f"{kind}.schema.json" for kind in KINDS} | {
        "brand.schema.json",
        "gtm.toml.schema.json",
    }


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_schema_is_valid_draft_07(name: str) -> None:
    schema = SCHEMAS[name]
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT_07
    assert "$defs" not in json.dumps(schema), "draft-07 uses definitions"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_reference_resolves(name: str) -> None:
    schema = SCHEMAS[name]
    text = json.dumps(schema)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
        assert ref.startswith("#/definitions/")
        assert ref.removeprefix("#/definitions/") in schema["definitions"]


def test_kind_schema_fields_are_the_models() -> None:
    schema = kind_schema("personas")
    assert set(schema["properties"]) == set(Persona.model_fields)
    assert set(schema["required"]) == {"name", "role", "buying_role", "goals", "pains"}
    assert schema["additionalProperties"] is False


def test_a_valid_persona_passes() -> None:
    data = {
        "name": "Dana",
        "role": "Head",
        "buying_role": "champion",
        "goals": ["a"],
        "pains": ["b"],
        "reviewed": "2026-11-01",
        "owner": None,
    }
    assert errors("personas.schema.json", data) == []


def test_unknown_field_wrong_choice_and_missing_field_are_rejected() -> None:
    base = {"name": "Dana", "role": "Head", "buying_role": "champion", "goals": ["a"]}
    assert errors("personas.schema.json", {**base, "pains": ["b"], "paint": ["x"]})
    assert errors("personas.schema.json", {**base, "pains": ["b"], "buying_role": "boss"})
    assert errors("personas.schema.json", base)
    assert errors("personas.schema.json", {**base, "pains": []}), "at least one"


def test_text_fields_accept_what_yaml_makes_of_unquoted_words() -> None:
    """An editor's YAML reads `quote: NO` as false and `segment: 1.10` as 1.1; gtm keeps the
    text, so the schema must not flag them."""
    data = {
        "name": 2026,
        "role": True,
        "buying_role": "user",
        "goals": [1.1],
        "pains": ["b"],
        "quote": False,
    }
    assert errors("personas.schema.json", data) == []


def test_pages_take_title_or_name() -> None:
    assert errors("pages.schema.json", {"title": "FAQ"}) == []
    assert errors("pages.schema.json", {"name": "FAQ", "order": 2}) == []
    assert errors("pages.schema.json", {"order": 1})
    assert errors("pages.schema.json", {"title": "FAQ", "titel": "x"})


def test_references_must_be_slugs() -> None:
    data = {
        "name": "P",
        "product": "Acme Relay",
        "target": ["dana"],
        "need": "n",
        "key_benefit": "k",
        "differentiators": ["d"],
    }
    assert errors("positioning.schema.json", data)
    assert errors("positioning.schema.json", {**data, "product": "relay"}) == []


def test_launch_tier_and_dates() -> None:
    data = {
        "name": "L",
        "product": "relay",
        "tier": 1,
        "date": "2027-02-16",
        "goals": [{"metric": "m", "target": 3.2}],
    }
    assert errors("launches.schema.json", data) == []
    assert errors("launches.schema.json", {**data, "tier": 4})
    assert errors("launches.schema.json", {**data, "date": "16.02.2027"})


def test_brand_schema() -> None:
    assert errors("brand.schema.json", {"terms": [{"use": "A", "avoid": ["B"]}]}) == []
    assert errors("brand.schema.json", {"terms": [{"avoid": ["B"]}]})
    assert errors("brand.schema.json", {"name": "brand"})


def test_config_schema() -> None:
    assert errors("gtm.toml.schema.json", {}) == []
    assert errors("gtm.toml.schema.json", {"build": {"audience": "public"}}) == []
    assert errors("gtm.toml.schema.json", {"build": {"audience": "everyone"}})
    assert errors("gtm.toml.schema.json", {"sitee": {}})
    assert errors("gtm.toml.schema.json", {"pdf": {"page_size": "A5"}})


def test_write_schemas(tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "schemas"
    written = write_schemas(folder)
    assert sorted(p.name for p in written) == sorted(SCHEMAS)
    for path in written:
        assert json.loads(path.read_text(encoding="utf-8")) == SCHEMAS[path.name]
        assert path.read_text(encoding="utf-8").endswith("}\n")


def test_schemas_are_stable() -> None:
    assert json.dumps(all_schemas(), sort_keys=True) == json.dumps(SCHEMAS, sort_keys=True)


def test_gtm_schema_makes_the_folders_it_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["schema", "a/b/c"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "a/b/c").iterdir()) == sorted(SCHEMAS)
    assert result.output.splitlines()[0] == "wrote 9 schemas to a/b/c"


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("notes.txt/schemas", "'notes.txt' is a file, not a folder"),
        ("notes.txt/a/b", "'notes.txt' is a file, not a folder"),
        ("taken/personas.schema.json/x", "'taken/personas.schema.json' is a file, not a folder"),
        ("blocked", "'blocked/personas.schema.json' is a folder"),
    ],
)
def test_a_place_that_cannot_be_written_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, why: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("not a folder\n", encoding="utf-8")
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken/personas.schema.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "blocked/personas.schema.json").mkdir(parents=True)
    result = CliRunner().invoke(main, ["schema", target])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"gtm: cannot write the schemas into '{target}': {why}\n"
