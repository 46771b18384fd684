"""The content model: the spec's fields, values taken as written, and the markers that drive
references, word limits and brand checks."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from gtm.content.fields import field_shapes, iter_leaves
from gtm.content.kinds import KINDS
from gtm.content.model import (
    Brand,
    Competitor,
    Feature,
    Launch,
    Messaging,
    Milestone,
    Page,
    Persona,
    Positioning,
    Product,
)
from gtm.content.scalars import RECORD_ID, SLUG


def shape(model: type, name: str):  # type: ignore[no-untyped-def]
    return next(s for s in field_shapes(model) if s.name == name)


def persona(**fields: object) -> dict[str, object]:
    return {
        "name": "Dana",
        "role": "Head",
        "buying_role": "champion",
        "goals": ["g"],
        "pains": ["p"],
        **fields,
    }


def test_kinds_are_the_specs_folders() -> None:
    assert set(KINDS) == {
        "products",
        "personas",
        "competitors",
        "positioning",
        "messaging",
        "launches",
        "pages",
    }


COMMON = {"name", "owner", "status", "visibility", "reviewed", "tags", "summary", "body"}


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Product, {"tagline", "category", "stage", "description", "features", "pricing"}),
        (
            Persona,
            {
                "role",
                "buying_role",
                "segment",
                "company_size",
                "industries",
                "goals",
                "pains",
                "objections",
                "channels",
                "triggers",
                "quote",
            },
        ),
        (
            Competitor,
            {
                "website",
                "threat",
                "overview",
                "their_pitch",
                "pricing",
                "strengths",
                "weaknesses",
                "why_we_win",
                "landmines",
                "objections",
                "quick_dismiss",
                "wins",
            },
        ),
        (
            Positioning,
            {
                "product",
                "target",
                "need",
                "category",
                "key_benefit",
                "alternatives",
                "differentiators",
                "proof_points",
                "statement",
            },
        ),
        (
            Messaging,
            {
                "product",
                "core_message",
                "elevator_pitch",
                "boilerplate",
                "taglines",
                "pillars",
                "persona_messages",
            },
        ),
        (
            Launch,
            {
                "product",
                "tier",
                "date",
                "state",
                "goals",
                "audiences",
                "competitors",
                "messaging",
                "channels",
                "milestones",
                "assets",
                "risks",
            },
        ),
        (Page, {"order"}),
    ],
)
def test_fields_are_the_specs(model: type, fields: set[str]) -> None:
    assert set(model.model_fields) == COMMON | fields


def test_defaults_of_the_common_fields() -> None:
    p = Persona.model_validate(persona())
    assert (p.status, p.visibility, p.tags, p.owner, p.reviewed) == (
        "approved",
        "internal",
        [],
        None,
        None,
    )


def test_kind_defaults() -> None:
    competitor = Competitor.model_validate(
        {"name": "X", "strengths": ["a"], "weaknesses": ["b"], "why_we_win": [{"point": "p"}]}
    )
    assert competitor.threat == "medium"
    milestone = Milestone.model_validate({"id": "a", "name": "A", "date": "2026-01-01"})
    assert milestone.done is False
    assert milestone.date == date(2026, 1, 1)


def test_unknown_fields_are_errors() -> None:
    with pytest.raises(ValidationError) as info:
        Persona.model_validate(persona(paint=["x"]))
    assert info.value.errors()[0]["type"] == "extra_forbidden"


@pytest.mark.parametrize("value", ["true", "True", "TRUE", "false", "False", "FALSE"])
def test_booleans_accept_their_spellings(value: str) -> None:
    milestone = Milestone.model_validate(
        {"id": "a", "name": "A", "date": "2026-01-01"} | {"done": value}
    )
    assert milestone.done is (value.lower() == "true")


@pytest.mark.parametrize("value", ["yes", "on", "1", "no", "y"])
def test_other_boolean_spellings_are_reported(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        Milestone.model_validate({"id": "a", "name": "A", "date": "2026-01-01", "done": value})
    assert info.value.errors()[0]["type"] == "gtm_bool"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("2026-02-30", "gtm_date"),
        ("26-01-01", "gtm_date"),
        ("2026-1-1", "gtm_date"),
        ("2026-01-01T10:00", "gtm_date"),
    ],
)
def test_dates_are_exactly_yyyy_mm_dd_and_real(value: str, kind: str) -> None:
    with pytest.raises(ValidationError) as info:
        Milestone.model_validate({"id": "a", "name": "A", "date": value})
    assert info.value.errors()[0]["type"] == kind


@pytest.mark.parametrize(("value", "tier"), [("1", 1), ("2", 2), ("3", 3)])
def test_tier_is_written_as_digits(value: str, tier: int) -> None:
    fields = {
        "name": "L",
        "product": "relay",
        "tier": value,
        "date": "2027-01-01",
        "goals": [{"metric": "m", "target": "3"}],
    }
    assert Launch.model_validate(fields).tier == tier


@pytest.mark.parametrize("value", ["4", "0", "one"])
def test_other_tiers_are_reported(value: str) -> None:
    fields = {
        "name": "L",
        "product": "relay",
        "tier": value,
        "date": "2027-01-01",
        "goals": [{"metric": "m", "target": "3"}],
    }
    with pytest.raises(ValidationError):
        Launch.model_validate(fields)


def test_page_order_is_a_number() -> None:
    assert Page.model_validate({"name": "P", "order": "2"}).order == 2
    assert Page.model_validate({"name": "P", "order": "1.5"}).order == 1.5
    with pytest.raises(ValidationError):
        Page.model_validate({"name": "P", "order": "ten"})


@pytest.mark.parametrize("url", ["https://acme.example", "http://a.b/c?d=1"])
def test_website_accepts_web_addresses(url: str) -> None:
    fields = {
        "name": "X",
        "website": url,
        "strengths": ["a"],
        "weaknesses": ["b"],
        "why_we_win": [{"point": "p"}],
    }
    assert Competitor.model_validate(fields).website == url


@pytest.mark.parametrize("url", ["acme.example", "ftp://acme.example", "https://", "https:// x"])
def test_website_rejects_other_text(url: str) -> None:
    fields = {
        "name": "X",
        "website": url,
        "strengths": ["a"],
        "weaknesses": ["b"],
        "why_we_win": [{"point": "p"}],
    }
    with pytest.raises(ValidationError):
        Competitor.model_validate(fields)


def test_text_values_stay_as_written() -> None:
    p = Persona.model_validate(persona(quote="NO", segment="1.10", company_size="10:00"))
    assert (p.quote, p.segment, p.company_size) == ("NO", "1.10", "10:00")


def test_list_lengths() -> None:
    with pytest.raises(ValidationError):
        Persona.model_validate(persona(goals=[]))
    pillar = {"id": "a", "name": "A", "message": "m"}
    house = {"name": "H", "product": "relay", "core_message": "c"}
    with pytest.raises(ValidationError):
        Messaging.model_validate({**house, "pillars": [pillar]})
    with pytest.raises(ValidationError):
        Messaging.model_validate({**house, "pillars": [pillar] * 6})
    assert len(Messaging.model_validate({**house, "pillars": [pillar] * 5}).pillars) == 5


@pytest.mark.parametrize("slug", ["relay", "relay-2", "2fa", "a" * 64])
def test_slugs(slug: str) -> None:
    assert SLUG.match(slug)


@pytest.mark.parametrize("slug", ["Relay", "-relay", "relay_2", "a" * 65, "../x", "", "é"])
def test_not_slugs(slug: str) -> None:
    assert not SLUG.match(slug)


@pytest.mark.parametrize("ident", ["routing", "Beta_1", "v1.2"])
def test_record_ids(ident: str) -> None:
    assert RECORD_ID.match(ident)
    assert Feature.model_validate({"id": ident, "name": "x"}).id == ident


@pytest.mark.parametrize("ident", ["a b", "-a", "a/b"])
def test_bad_record_ids(ident: str) -> None:
    with pytest.raises(ValidationError):
        Feature.model_validate({"id": ident, "name": "x"})


def test_markers_drive_references_word_limits_and_prose() -> None:
    assert shape(Positioning, "product").ref.kind == "products"
    assert shape(Positioning, "target").ref.kind == "personas"
    assert shape(Positioning, "target").is_list
    assert shape(Positioning, "alternatives").ref.kind == "competitors"
    assert shape(Launch, "messaging").ref.kind == "messaging"
    assert shape(Product, "tagline").words.limit == 10
    assert shape(Persona, "quote").words.limit == 40
    assert shape(Competitor, "quick_dismiss").words.limit == 30
    assert shape(Messaging, "elevator_pitch").words.limit == 50
    assert shape(Messaging, "boilerplate").words.limit == 100
    assert shape(Messaging, "taglines").words.limit == 10
    assert shape(Product, "description").prose.markdown
    assert not shape(Product, "tagline").prose.markdown
    assert shape(Product, "stage").prose is None
    assert shape(Product, "features").record is Feature


def test_iter_leaves_walks_records_in_field_order() -> None:
    product = Product.model_validate(
        {
            "name": "Relay",
            "stage": "growth",
            "tags": ["a", "b"],
            "features": [{"id": "x", "name": "X", "benefit": "fast"}],
        }
    )
    leaves = [(leaf.path, leaf.value) for leaf in iter_leaves(product)]
    assert leaves == [
        (("name",), "Relay"),
        (("status",), "approved"),
        (("visibility",), "internal"),
        (("tags", 0), "a"),
        (("tags", 1), "b"),
        (("stage",), "growth"),
        (("features", 0, "id"), "x"),
        (("features", 0, "name"), "X"),
        (("features", 0, "benefit"), "fast"),
    ]


def test_brand_has_terms_and_banned_only() -> None:
    brand = Brand.model_validate(
        {"terms": [{"use": "Acme Relay", "avoid": ["AcmeRelay"]}], "banned": ["synergy"]}
    )
    assert brand.terms[0].avoid == ["AcmeRelay"]
    with pytest.raises(ValidationError):
        Brand.model_validate({"name": "brand"})


def test_models_are_frozen() -> None:
    p = Persona.model_validate(persona())
    with pytest.raises(ValidationError):
        p.name = "x"  # type: ignore[misc]
