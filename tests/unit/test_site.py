"""Linking: every reference and `gtm:` link resolved or reported where it is written, and what
a build shows decided by status, visibility and the flags."""

from __future__ import annotations

import pytest

from tests.conftest import MakeProject
from tests.unit.helpers import PRODUCT, check, competitor, lines, persona

POSITIONING = """\
name: Relay positioning
product: {product}
target: [{target}]
need: lose time
key_benefit: routes alerts
alternatives: [{alternatives}]
differentiators: [builds routing from the catalog]
"""


def positioning(product: str = "relay", target: str = "dana", alternatives: str = "") -> str:
    return POSITIONING.format(product=product, target=target, alternatives=alternatives)


def base(**extra: str) -> dict[str, str]:
    return {
        "content/products/relay.yaml": PRODUCT,
        "content/personas/dana.yaml": persona("DevOps Dana"),
        "content/competitors/pagestorm.yaml": competitor("PageStorm"),
        **extra,
    }


def test_resolved_references_and_backlinks(make_project: MakeProject) -> None:
    root = make_project(base(**{"content/positioning/relay.yaml": positioning()}))
    result = check(root)
    assert lines(result) == []
    site = result.site
    assert site.get("positioning", "relay") is not None
    assert {r.target for r in site.references} == {("products", "relay"), ("personas", "dana")}
    assert site.backlinks[("products", "relay")] == (("positioning", "relay"),)
    assert site.backlinks[("personas", "dana")] == (("positioning", "relay"),)


def test_unknown_reference_at_the_value_with_suggestion(make_project: MakeProject) -> None:
    root = make_project(base(**{"content/positioning/relay.yaml": positioning(product="rellay")}))
    assert lines(check(root)) == [
        "content/positioning/relay.yaml:2:10: error: product 'rellay' does not exist "
        "(did you mean 'relay'?)"
    ]


def test_unknown_reference_in_a_list_at_its_item(make_project: MakeProject) -> None:
    text = positioning(target="dana, dnaa", alternatives="pagestorm, pagestrom, nobody")
    root = make_project(base(**{"content/positioning/relay.yaml": text}))
    result = check(root)
    assert lines(result) == [
        "content/positioning/relay.yaml:3:16: error: persona 'dnaa' does not exist "
        "(did you mean 'dana'?)",
        "content/positioning/relay.yaml:6:27: error: competitor 'pagestrom' does not exist "
        "(did you mean 'pagestorm'?)",
        "content/positioning/relay.yaml:6:38: error: competitor 'nobody' does not exist",
    ]
    assert {d.code for d in result.diagnostics} == {"unknown-reference"}


def test_references_inside_records(make_project: MakeProject) -> None:
    house = """\
        name: House
        product: relay
        core_message: One page, the right owner
        pillars:
          - {id: a, name: A, message: M}
          - {id: b, name: B, message: M}
        persona_messages:
          - persona: dnaa
            headline: H
        """
    root = make_project(base(**{"content/messaging/relay.yaml": house}))
    assert lines(check(root)) == [
        "content/messaging/relay.yaml:8:14: error: persona 'dnaa' does not exist "
        "(did you mean 'dana'?)"
    ]


def test_links_in_bodies_and_markdown_fields(make_project: MakeProject) -> None:
    page = """\
        ---
        title: Guide
        summary: gtm:personas/nope is plain text here
        ---
        Meet [Dana](gtm:personas/dana) and [Sam](gtm:personas/sam).

        Also [x](gtm:persons/dana), [y](gtm:Personas/dana) and [z](gtm:pages/guide).
        """
    product = PRODUCT + "description: See [the card](gtm:competitors/pagestrom).\n"
    root = make_project(
        base(**{"content/pages/guide.md": page, "content/products/relay.yaml": product})
    )
    result = check(root)
    assert lines(result) == [
        "content/pages/guide.md:5:42: error: link 'gtm:personas/sam': persona 'sam' does not exist",
        "content/pages/guide.md:7:10: error: link 'gtm:persons/dana': there is no kind 'persons' "
        "(did you mean 'personas'?)",
        "content/pages/guide.md:7:33: error: link 'gtm:Personas/dana' should look like "
        "gtm:<kind>/<id>, e.g. gtm:personas/devops-dana",
        "content/products/relay.yaml:9:29: error: link 'gtm:competitors/pagestrom': "
        "competitor 'pagestrom' does not exist (did you mean 'pagestorm'?)",
    ]
    assert [d.code for d in result.diagnostics] == [
        "unknown-link",
        "unknown-link",
        "bad-link",
        "unknown-link",
    ]
    assert ("pages", "guide") in result.site.backlinks[("personas", "dana")]
    assert ("pages", "guide") not in result.site.backlinks.get(("pages", "guide"), ())


def test_a_link_is_placed_where_it_is_a_link_not_where_it_is_quoted_in_code(
    make_project: MakeProject,
) -> None:
    page = """\
        ---
        title: Guide
        ---
        Write `[Dana](gtm:personas/nope)` to link a persona.
        Then [Dana](gtm:personas/nope) is checked.
        """
    root = make_project(base(**{"content/pages/guide.md": page}))
    assert lines(check(root)) == [
        "content/pages/guide.md:5:13: error: link 'gtm:personas/nope': "
        "persona 'nope' does not exist"
    ]


def test_the_same_link_twice_is_reported_twice_at_each_place(make_project: MakeProject) -> None:
    page = "---\ntitle: G\n---\n[a](gtm:personas/no) and\n[b](gtm:personas/no)\n"
    root = make_project(base(**{"content/pages/guide.md": page}))
    assert [(d.line, d.column) for d in check(root).diagnostics] == [(4, 5), (5, 5)]


@pytest.mark.parametrize(
    "ident",
    [
        *("search", "health", "downloads", "pdf", "assets", "static", "personas", "index"),
        *("api", "embed", "search-index"),
    ],
)
def test_reserved_page_ids(make_project: MakeProject, ident: str) -> None:
    root = make_project({f"content/pages/{ident}.md": "---\ntitle: P\n---\n"})
    result = check(root)
    assert [(d.path, d.line, d.column, d.code) for d in result.diagnostics] == [
        (f"content/pages/{ident}.md", 1, 1, "reserved-id")
    ]


def test_drafts_are_left_out_and_referring_to_one_warns(make_project: MakeProject) -> None:
    draft_persona = persona("Draft Dan") + "status: draft\n"
    root = make_project(
        base(
            **{
                "content/personas/dan.yaml": draft_persona,
                "content/positioning/relay.yaml": positioning(target="dana, dan"),
            }
        )
    )
    result = check(root)
    assert lines(result) == [
        "content/positioning/relay.yaml:3:16: warning: persona 'dan' is a draft: "
        "this build shows only its name"
    ]
    assert result.diagnostics[0].code == "draft-reference"
    assert result.site.get("personas", "dan") is None
    assert ("personas", "dan") in result.site.known
    with_drafts = check(root, drafts=True)
    assert lines(with_drafts) == []
    assert with_drafts.site.get("personas", "dan") is not None


def test_a_draft_referring_to_a_draft_is_quiet(make_project: MakeProject) -> None:
    root = make_project(
        base(
            **{
                "content/personas/dan.yaml": persona("Dan") + "status: draft\n",
                "content/positioning/relay.yaml": positioning(target="dan") + "status: draft\n",
            }
        )
    )
    assert lines(check(root)) == []


def test_a_public_build_shows_only_public_items(make_project: MakeProject) -> None:
    root = make_project(
        base(**{"content/positioning/relay.yaml": positioning() + "visibility: public\n"})
    )
    internal = check(root)
    assert lines(internal) == []
    public = check(root, audience="public")
    assert lines(public) == [
        "content/positioning/relay.yaml:2:10: warning: product 'relay' is internal: "
        "this build shows only its name",
        "content/positioning/relay.yaml:3:10: warning: persona 'dana' is internal: "
        "this build shows only its name",
    ]
    assert {d.code for d in public.diagnostics} == {"internal-reference"}
    assert list(public.site.items["positioning"]) == ["relay"]
    assert public.site.items["products"] == {}
    assert public.site.backlinks[("personas", "dana")] == (("positioning", "relay"),)


def test_reference_fields_of_the_wrong_shape_give_only_their_own_errors(
    make_project: MakeProject,
) -> None:
    text = (
        "name: P\nproduct: [relay]\ntarget: dana\nneed: n\nkey_benefit: k\n"
        "alternatives: [{id: pagestorm}]\ndifferentiators: [d]\n"
    )
    root = make_project(base(**{"content/positioning/relay.yaml": text}))
    assert [(d.line, d.code) for d in check(root).diagnostics] == [
        (2, "invalid-type"),
        (3, "invalid-type"),
        (6, "invalid-type"),
    ]


def test_a_file_with_errors_still_has_its_references_checked(make_project: MakeProject) -> None:
    text = positioning(product="rellay") + "paint: x\n"
    root = make_project(base(**{"content/positioning/relay.yaml": text}))
    assert [(d.line, d.code) for d in check(root).diagnostics] == [
        (2, "unknown-reference"),
        (8, "unknown-field"),
    ]
