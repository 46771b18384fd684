"""The portal's content as JSON (`api/`), built from the example: every file validates against
`api/schema.json`, a script with only the standard library lists the competitors over HTTP and
prints a quick dismiss, Markdown comes as HTML and as text to paste, references lead to pages
the build has, and a public build holds only its own artifacts, by name where it refers to
others."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import build_example, serve_folder

README = Path(__file__).parents[2] / "README.md"
README_SCRIPT = (
    "import sys\n" + README.read_text(encoding="utf-8").split("```python\n")[1].split("```")[0]
)
"""The README's example, run as it is written (but for the portal's address)."""


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def internal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("api") / "example"
    build_example(root, "--no-pdf")
    return root / "output"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("api-public") / "example"
    build_example(root, "--no-pdf", "--audience", "public")
    return root / "output"


def validator(output: Path, definition: str) -> Draft202012Validator:
    schema = load(output / "api/schema.json")
    return Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]})


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_every_file_validates_against_the_schema(
    audience: str, request: pytest.FixtureRequest
) -> None:
    output: Path = request.getfixturevalue(audience)
    schema = load(output / "api/schema.json")
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["api_version"] == 1
    whole = Draft202012Validator(schema)
    files = sorted((output / "api").rglob("*.json"))
    checked = 0
    for path in files:
        if path.name == "schema.json":
            continue
        data = load(path)
        assert data["api_version"] == 1, path
        definition = "index" if path.name == "index.json" else data["kind"]
        errors = [e.message for e in validator(output, definition).iter_errors(data)]
        assert errors == [], f"{path}: {errors[:3]}"
        assert whole.is_valid(data)
        checked += 1
    index = load(output / "api/index.json")
    assert checked == len(index["artifacts"]) + 1
    assert index["audience"] == audience


def test_the_index_lists_every_page_of_the_build_and_where_its_json_is(internal: Path) -> None:
    index = load(internal / "api/index.json")
    listed = {(a["kind"], a["id"]) for a in index["artifacts"]}
    files = {(p.parent.name, p.stem) for p in (internal / "api").glob("*/*.json")}
    content = internal.parent / "content"
    written = {
        (p.parent.name, p.stem)
        for p in content.glob("*/*")
        if p.suffix in (".md", ".yaml") and "\nstatus: draft" not in p.read_text(encoding="utf-8")
    }
    assert listed == files == written  # every artifact but the drafts
    for artifact in index["artifacts"]:
        assert (internal / artifact["url"]).is_file(), artifact["url"]
        assert (internal / artifact["json"]).is_file()
    pagestorm = next(a for a in index["artifacts"] if a["id"] == "pagestorm")
    assert pagestorm["url"] == "competitors/pagestorm/index.html"
    assert pagestorm["summary"].startswith("The incumbent in on-call paging")


def test_a_standard_library_script_lists_competitors_and_prints_a_quick_dismiss(
    internal: Path, tmp_path: Path
) -> None:
    script = tmp_path / "competitors.py"
    script.write_text(
        README_SCRIPT.replace('"https://gtm.acme.example/"', "sys.argv[1]"),
        encoding="utf-8",
    )
    with serve_folder(internal) as base:
        done = subprocess.run(
            [sys.executable, "-I", str(script), base],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    lines = done.stdout.splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["Alertly", "PageStorm", "SirenWorks"]
    assert lines[1].startswith("PageStorm - ") and len(lines[1]) > 40


def test_markdown_comes_as_html_with_its_links_placed_and_as_text_to_paste(
    internal: Path,
) -> None:
    dana = load(internal / "api/personas/devops-dana.json")
    body = dana["fields"]["body"]
    assert 'href="products/relay/index.html">Acme Relay</a>' in body["html"]
    assert (internal / "products/relay/index.html").is_file()
    text = body["text"]
    assert text.startswith("A week in Dana's on-call\n\nDana leads a platform team")
    assert "\n- A Monday review of last week's pages" in text
    assert "<" not in text and "&#39;" not in text
    pagestorm = load(internal / "api/competitors/pagestorm.json")
    table = pagestorm["fields"]["body"]["text"]
    assert "PageStorm concept | Acme Relay equivalent | Effort\n" in table


def test_claims_references_facts_and_history_as_the_page_shows_them(internal: Path) -> None:
    card = load(internal / "api/competitors/pagestorm.json")
    proof = card["fields"]["why_we_win"][0]["proof"]
    assert proof["source"] == "Brightmoor case study" and proof["footnote"] == 1
    assert card["sources"][0]["number"] == 1
    assert card["facts"]["stale"] is False and card["facts"]["days_since_review"] == 14
    assert card["history"] == {"created": None, "updated": None, "changes": []}  # no git here
    positioning = load(internal / "api/positioning/relay.json")
    assert positioning["fields"]["product"] == {
        "kind": "products",
        "id": "relay",
        "name": "Acme Relay",
        "url": "products/relay/index.html",
    }
    assert positioning["facts"]["statement"]
    referrers = {(r["kind"], r["id"]) for r in card["referenced_by"]}
    assert ("launches", "relay-2") in referrers


def test_a_public_build_holds_only_its_own_artifacts_and_names_the_rest(
    public: Path, internal: Path
) -> None:
    listed = {(a["kind"], a["id"]) for a in load(public / "api/index.json")["artifacts"]}
    assert ("competitors", "pagestorm") not in listed
    assert not (public / "api/competitors").exists()
    assert ("positioning", "relay") in listed
    targets = load(public / "api/positioning/relay.json")["fields"]["target"]
    shown = {t["id"] for t in targets if "id" in t}
    hidden = [t for t in targets if "id" not in t]
    assert shown == {p for k, p in listed if k == "personas"} & shown
    assert hidden and all(set(t) == {"name"} for t in hidden)
    everything = {(a["kind"], a["id"]) for a in load(internal / "api/index.json")["artifacts"]}
    assert listed < everything


def test_the_same_content_gives_the_same_bytes(
    internal: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("api-again") / "example"
    build_example(root, "--no-pdf")
    again = root / "output"
    for path in sorted((internal / "api").rglob("*.json")):
        assert path.read_bytes() == (again / path.relative_to(internal)).read_bytes(), path
