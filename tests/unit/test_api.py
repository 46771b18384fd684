"""The API's files (gtm/render/api.py) and their schema (gtm/render/apischema.py): the schema
holds every field of every kind's model, urls are absolute under a full base_url, a reference
to an artifact the build leaves out keeps only its name, and Markdown pastes as text."""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator

from gtm.content.commonmark import html_text
from gtm.content.config import Config
from gtm.content.kinds import KINDS
from gtm.render.api import api_files
from gtm.render.apischema import api_schema
from gtm.site.views import make_portal
from tests.conftest import MakeProject
from tests.unit.helpers import PRODUCT, TODAY, check

POSITIONING = """\
name: Relay positioning
visibility: public
product: relay
target: [dana]
need: fewer pages
category: incident tool
key_benefit: quiet nights
differentiators: [routing from the catalog]
body: See [Relay](gtm:products/relay).
"""


def files(make_project: MakeProject, audience: str, base_url: str = "/") -> dict[str, Any]:
    root = make_project(
        {
            "content/products/relay.yaml": PRODUCT + "visibility: public\n",
            "content/personas/dana.yaml": "name: Dana\nrole: Lead\nbuying_role: champion\n"
            "goals: [a]\npains: [b]\n",
            "content/positioning/relay.yaml": POSITIONING,
        }
    )
    site = check(root, audience=audience).site
    config = Config.model_validate({"site": {"base_url": base_url}})
    portal = make_portal(site, config, TODAY, audience, pdf=True)
    made = api_files(portal, lambda text: (f"<p>{text}</p>", text))
    return {path: json.loads(data) for path, data in made}


def test_the_schema_holds_every_field_of_every_kind() -> None:
    schema = api_schema("Acme")
    Draft202012Validator.check_schema(schema)
    for kind in KINDS.values():
        fields = schema["$defs"][kind.name]["properties"]["fields"]
        assert set(fields["properties"]) == set(kind.model.model_fields), kind.name
        assert fields["required"] == list(kind.model.model_fields)


def test_urls_are_absolute_under_a_full_base_url(make_project: MakeProject) -> None:
    made = files(make_project, "internal", "https://gtm.acme.example/portal")
    card = made["api/positioning/relay.json"]
    assert card["url"] == "https://gtm.acme.example/portal/positioning/relay/"
    assert card["pdf"] is None
    assert card["fields"]["product"]["url"] == "https://gtm.acme.example/portal/products/relay/"
    index = made["api/index.json"]
    assert {a["json"] for a in index["artifacts"]} == {
        f"https://gtm.acme.example/portal/{path}" for path in made if path.count("/") == 2
    }
    product = made["api/products/relay.json"]
    assert product["pdf"] is None or product["pdf"].startswith("https://")


def test_a_public_build_names_what_it_leaves_out_and_nothing_more(
    make_project: MakeProject,
) -> None:
    made = files(make_project, "public")
    assert "api/personas/dana.json" not in made
    card = made["api/positioning/relay.json"]
    assert card["fields"]["target"] == [{"name": "Dana"}]
    assert card["fields"]["product"]["url"] == "products/relay/index.html"
    assert card["fields"]["body"] == {
        "html": "<p>See [Relay](gtm:products/relay).</p>",
        "text": "See [Relay](gtm:products/relay).",
    }
    assert [a["id"] for a in made["api/index.json"]["artifacts"]] == ["relay", "relay"]


def test_markdown_pastes_as_text_with_its_paragraphs_lists_and_tables() -> None:
    html = (
        "<h2>Talk track</h2>\n<p>Open with the\ncustomer's <em>last</em> incident &amp; cost.</p>"
        "<ul>\n<li>one</li>\n<li><p>two</p>\n</li>\n</ul>\n"
        "<table><tr><th>A</th>\n<th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
        "<p>end<br>\nline</p>"
    )
    assert html_text(html) == (
        "Talk track\n\nOpen with the customer's last incident & cost.\n\n- one\n- two\n\n"
        "A | B\n1 | 2\n\nend\nline"
    )
