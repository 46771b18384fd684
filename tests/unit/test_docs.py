"""The documentation: docs/content-model.md is what docs/generate.py makes from the models now,
names every kind, field and configuration key, and gives every field a meaning; the README and
docs/ link only to files inside the repository."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType
from urllib.parse import unquote

import pytest
from pydantic import BaseModel

from gtm.content.config import Config
from gtm.content.fields import field_shapes
from gtm.content.kinds import KINDS
from gtm.content.model import Artifact, Brand, Claim
from gtm.site.views import Portal

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"
CONTENT_MODEL = DOCS / "content-model.md"
USER_DOCS = sorted([ROOT / "README.md", *DOCS.glob("*.md")])


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _generator()


def _sections(text: str, level: int) -> dict[str, str]:
    """Heading of `level` → the text under it, up to the next heading of that level or higher;
    lines in fenced code are never headings."""
    found: dict[str, str] = {}
    current: str | None = None
    fenced = False
    for line in text.splitlines():
        fenced = fenced != line.startswith("```")
        heading = None if fenced else re.match(r"^(#{1,6}) (.+)$", line)
        if heading and len(heading.group(1)) <= level:
            current = heading.group(2).strip() if len(heading.group(1)) == level else None
            if current is not None:
                found[current] = ""
        elif current is not None:
            found[current] += line + "\n"
    return found


def test_content_model_is_what_the_generator_makes_now() -> None:
    current = CONTENT_MODEL.read_text(encoding="utf-8")
    assert current == generate.render(), (
        "docs/content-model.md is out of date with the models: run `python docs/generate.py`"
    )


def test_every_field_has_a_meaning() -> None:
    missing = generate.missing_meanings()
    assert not missing, (
        f"these fields have no description: {missing}; give them one in the model "
        "(Field(description=...)) or in MEANINGS in docs/generate.py"
    )


def test_no_meaning_names_a_field_that_does_not_exist() -> None:
    assert not generate.unused_meanings(), "remove these keys from docs/generate.py"


def _fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, type[BaseModel]]]:
    found = []
    for shape in field_shapes(model):
        found.append((prefix + shape.name, model))
        if shape.record is not None and shape.record is not Claim:
            found.extend(_fields(shape.record, f"{prefix}{shape.name}."))
    return found


"""Every field of a model, records within; a claim's fields have a section of their own."""


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_and_each_of_its_fields_is_in_the_doc(kind: str) -> None:
    sections = _sections(CONTENT_MODEL.read_text(encoding="utf-8"), 3)
    assert kind in sections, f"docs/content-model.md has no section '### {kind}'"
    section = sections[kind]
    common = set(Artifact.model_fields)
    for path, _ in _fields(KINDS[kind].model):
        if path in common:
            continue
        assert f"`{path.split('.')[-1]}`" in section, f"{kind}: `{path}` is not documented"
        if "." in path:
            assert f"Each item of `{path.split('.')[0]}`" in section, f"{kind}: `{path}`"


def test_the_common_fields_and_the_brand_file_are_in_the_doc() -> None:
    sections = _sections(CONTENT_MODEL.read_text(encoding="utf-8"), 2)
    for name in Claim.model_fields:
        assert f"| `{name}` |" in sections["Proof points and claims"], name
    for name in Artifact.model_fields:
        assert f"| `{name}` |" in sections["Fields every kind has"], name
    for path, _ in _fields(Brand):
        assert f"| `{path.split('.')[-1]}` |" in sections["brand.yaml"], path


def test_every_configuration_key_is_in_the_doc() -> None:
    sections = _sections(CONTENT_MODEL.read_text(encoding="utf-8"), 3)
    for table, info in Config.model_fields.items():
        assert f"[{table}]" in sections, f"no section for [{table}]"
        owner = info.annotation
        assert isinstance(owner, type) and issubclass(owner, BaseModel)
        for key in owner.model_fields:
            assert f"| `{key}` |" in sections[f"[{table}]"], f"[{table}] {key}"


def test_the_documented_defaults_are_the_configs_defaults() -> None:
    documented = tomllib.loads(generate.defaults_toml())
    assert Config.model_validate(documented) == Config()
    assert generate.defaults_toml() in CONTENT_MODEL.read_text(encoding="utf-8")


def test_every_template_of_the_default_theme_is_in_the_theme_guide() -> None:
    guide = (DOCS / "themes.md").read_text(encoding="utf-8")
    templates = ROOT / "themes" / "default" / "templates"
    for path in sorted(templates.rglob("*.html")):
        name = path.relative_to(templates).as_posix()
        assert f"`{name}`" in guide, f"docs/themes.md does not mention {name}"


def test_everything_the_portal_offers_templates_is_in_the_theme_guide() -> None:
    guide = (DOCS / "themes.md").read_text(encoding="utf-8")
    public = [name for name in dir(Portal) if not name.startswith("_")]
    public += [name for name in Portal.__dataclass_fields__ if not name.startswith("_")]
    missing = sorted({name for name in public if f"`{name}" not in guide})
    assert not missing, f"docs/themes.md does not mention site.{missing}"


LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@pytest.mark.parametrize("doc", USER_DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_links_lead_to_files_inside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        path = (doc.parent / unquote(target.split("#")[0])).resolve()
        assert path.is_relative_to(ROOT), f"{doc.name} links outside the repository: {target}"
        assert path.exists(), f"{doc.name} links to a file that does not exist: {target}"


@pytest.mark.parametrize("doc", USER_DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_docs_speak_of_the_product_not_of_how_it_was_made(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    for pattern in (r"[Ss]ession [0-9]", r"\.\./shared", r"the issue.s targets", r"^> Status:"):
        assert not re.search(pattern, text, re.MULTILINE), f"{doc.name}: {pattern}"


def test_the_readme_fits_on_a_few_screens() -> None:
    assert (ROOT / "README.md").stat().st_size <= 12 * 1024
