"""Validation: pydantic's errors said in plain words at the exact key or value."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtm.content.model import Brand, Page, Persona
from gtm.content.validate import Item
from tests.unit.helpers import complete, formatted, validate

DANA = "content/personas/dana.yaml"


def persona_text(**override: str) -> str:
    fields = {
        "name": "Dana",
        "role": "Head",
        "buying_role": "champion",
        "goals": "[fewer pages]",
        "pains": "[alert storms]",
    }
    fields.update(override)
    return "".join(f"{k}: {v}\n" if v is not None else f"{k}:\n" for k, v in fields.items())


def test_valid_persona_becomes_an_item(tmp_path: Path) -> None:
    item, diagnostics = validate(tmp_path, DANA, persona_text(quote="NO"))
    assert formatted(diagnostics) == []
    assert isinstance(item, Item)
    assert (item.kind, item.id, item.path) == ("personas", "dana", DANA)
    assert isinstance(item.fields, Persona)
    assert item.fields.quote == "NO"
    assert item.at(("quote",)) == (6, 8)
    assert item.at(("quote",), key=True) == (6, 1)


def test_unknown_field_at_its_key_with_did_you_mean(tmp_path: Path) -> None:
    text = persona_text() + "paint:\n  - x\n"
    _, diagnostics = validate(tmp_path, DANA, text)
    assert formatted(diagnostics) == [
        f"{DANA}:6:1: error: unknown field 'paint' (did you mean 'pains'?)"
    ]
    assert diagnostics.items[0].code == "unknown-field"


def test_unknown_field_inside_a_record(tmp_path: Path) -> None:
    text = "name: Relay\nstage: growth\nfeatures:\n  - id: a\n    nmae: A\n"
    _, diagnostics = validate(tmp_path, "content/products/relay.yaml", text)
    assert formatted(diagnostics) == [
        "content/products/relay.yaml:4:5: error: feature 1: missing required field 'name'",
        "content/products/relay.yaml:5:5: error: feature 1: unknown field 'nmae' "
        "(did you mean 'name'?)",
    ]


def test_missing_required_field(tmp_path: Path) -> None:
    text = "name: Dana\nbuying_role: user\ngoals: [a]\npains: [b]\n"
    _, diagnostics = validate(tmp_path, DANA, text)
    assert formatted(diagnostics) == [f"{DANA}:1:1: error: missing required field 'role'"]
    assert diagnostics.items[0].code == "missing-field"


def test_required_field_left_empty_is_empty_not_missing(tmp_path: Path) -> None:
    _, diagnostics = validate(tmp_path, DANA, persona_text(role=None))  # type: ignore[arg-type]
    assert formatted(diagnostics) == [f"{DANA}:2:1: error: 'role' is empty"]


@pytest.mark.parametrize("empty", ["", " ~", " null"])
def test_optional_field_left_empty_is_not_given(tmp_path: Path, empty: str) -> None:
    item, diagnostics = validate(tmp_path, DANA, persona_text() + f"owner:{empty}\n")
    assert formatted(diagnostics) == []
    assert isinstance(item, Item) and item.fields.owner is None


def test_invalid_choice_at_the_value_with_did_you_mean(tmp_path: Path) -> None:
    _, diagnostics = validate(tmp_path, DANA, persona_text(buying_role="champoin"))
    assert formatted(diagnostics) == [
        f"{DANA}:3:14: error: buying_role 'champoin' is not one of: decision_maker, "
        "economic_buyer, champion, influencer, user (did you mean 'champion'?)"
    ]
    assert diagnostics.items[0].code == "invalid-choice"


def test_invalid_tier(tmp_path: Path) -> None:
    text = (
        "name: L\nproduct: relay\ntier: 4\ndate: 2027-01-01\ngoals:\n  - metric: m\n    target: 1\n"
    )
    _, diagnostics = validate(tmp_path, "content/launches/l.yaml", text)
    assert formatted(diagnostics) == [
        "content/launches/l.yaml:3:7: error: tier '4' is not one of: 1, 2, 3"
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reviewed", "2026-02-30", "reviewed '2026-02-30' is not a real date"),
        ("reviewed", "30.11.2026", "reviewed '30.11.2026' is not a date: write YYYY-MM-DD"),
    ],
)
def test_invalid_values_at_the_value(tmp_path: Path, field: str, value: str, message: str) -> None:
    _, diagnostics = validate(tmp_path, DANA, persona_text(**{field: value}))
    assert formatted(diagnostics) == [f"{DANA}:6:11: error: {message}"]
    assert diagnostics.items[0].code == "invalid-value"


def test_invalid_boolean_in_a_record(tmp_path: Path) -> None:
    text = (
        "name: L\nproduct: relay\ntier: 1\ndate: 2027-01-01\ngoals:\n  - metric: m\n"
        "    target: 1\nmilestones:\n  - id: a\n    name: A\n    date: 2027-01-01\n"
        "    done: yes\n"
    )
    _, diagnostics = validate(tmp_path, "content/launches/l.yaml", text)
    assert formatted(diagnostics) == [
        "content/launches/l.yaml:12:11: error: done 'yes' is not true or false"
    ]


def test_wrong_type(tmp_path: Path) -> None:
    text = persona_text(goals="fewer pages") + "owner:\n  team: x\n"
    _, diagnostics = validate(tmp_path, DANA, text)
    assert formatted(diagnostics) == [
        f"{DANA}:4:8: error: goals should be a list (one '- ' line per item), not 'fewer pages'",
        f"{DANA}:7:3: error: owner should be text, not a set of fields",
    ]
    assert {d.code for d in diagnostics.items} == {"invalid-type"}


def test_list_item_of_the_wrong_type(tmp_path: Path) -> None:
    _, diagnostics = validate(tmp_path, DANA, persona_text(pains="\n  - ok\n  - [a, b]"))
    assert formatted(diagnostics) == [f"{DANA}:7:5: error: pains item 2 should be text, not a list"]


def test_list_too_short_at_the_key(tmp_path: Path) -> None:
    _, diagnostics = validate(tmp_path, DANA, persona_text(goals="[]"))
    assert formatted(diagnostics) == [f"{DANA}:4:1: error: goals needs at least 1 (has 0)"]
    assert diagnostics.items[0].code == "list-length"


def test_too_many_pillars(tmp_path: Path) -> None:
    pillars = "".join(f"  - id: p{i}\n    name: P\n    message: M\n" for i in range(6))
    text = f"name: H\nproduct: relay\ncore_message: C\npillars:\n{pillars}"
    _, diagnostics = validate(tmp_path, "content/messaging/h.yaml", text)
    assert formatted(diagnostics) == [
        "content/messaging/h.yaml:4:1: error: pillars may have at most 5 (has 6)"
    ]


def test_every_problem_of_a_file_at_once(tmp_path: Path) -> None:
    text = "name: Dana\nrole: [x]\nbuying_role: boss\ngoals: []\npains: [b]\nvisibilty: public\n"
    _, diagnostics = validate(tmp_path, DANA, text)
    assert [(d.line, d.code) for d in diagnostics.sorted()] == [
        (2, "invalid-type"),
        (3, "invalid-choice"),
        (4, "list-length"),
        (6, "unknown-field"),
    ]


def test_positions_inside_front_matter(tmp_path: Path) -> None:
    text = "---\nname: Dana\nrole: Head\nbuying_role: boss\ngoals: [a]\npains: [b]\n---\nBody\n"
    item, diagnostics = validate(tmp_path, "content/personas/dana.md", text)
    assert not complete(item)
    assert [(d.line, d.column) for d in diagnostics.items] == [(4, 14)]


def test_body_of_a_markdown_file_is_the_body_field(tmp_path: Path) -> None:
    text = "---\nname: Dana\nrole: Head\nbuying_role: user\ngoals: [a]\npains: [b]\n---\nHi\n"
    item, diagnostics = validate(tmp_path, "content/personas/dana.md", text)
    assert formatted(diagnostics) == []
    assert isinstance(item, Item) and item.fields.body == "Hi\n"
    assert item.at(("body",)) == (8, 1)


def test_page_title_is_its_name(tmp_path: Path) -> None:
    item, diagnostics = validate(tmp_path, "content/pages/faq.md", "---\ntitle: FAQ\n---\nx\n")
    assert formatted(diagnostics) == []
    assert isinstance(item, Item) and isinstance(item.fields, Page)
    assert item.fields.name == "FAQ"


def test_page_with_name_and_title(tmp_path: Path) -> None:
    text = "---\nname: A\ntitle: B\n---\nx\n"
    _, diagnostics = validate(tmp_path, "content/pages/faq.md", text)
    assert formatted(diagnostics) == [
        "content/pages/faq.md:3:1: error: give 'name' or 'title', not both"
    ]
    assert diagnostics.items[0].code == "name-and-title"


def test_page_title_problems_point_at_title(tmp_path: Path) -> None:
    _, diagnostics = validate(tmp_path, "content/pages/faq.md", "---\norder: 1\ntitle: [a]\n---\n")
    assert [(d.line, d.column, d.code) for d in diagnostics.items] == [(3, 8, "invalid-type")]
    assert diagnostics.items[0].message.startswith("title ")


def test_title_suggested_for_a_page(tmp_path: Path) -> None:
    _, diagnostics = validate(tmp_path, "content/pages/faq.md", "---\nname: F\ntitel: B\n---\n")
    assert formatted(diagnostics) == [
        "content/pages/faq.md:3:1: error: unknown field 'titel' (did you mean 'title'?)"
    ]


def test_title_is_only_for_pages(tmp_path: Path) -> None:
    _, diagnostics = validate(tmp_path, DANA, persona_text() + "title: Dana\n")
    assert [d.code for d in diagnostics.items] == ["unknown-field"]


def test_page_order(tmp_path: Path) -> None:
    item, _ = validate(tmp_path, "content/pages/faq.md", "---\ntitle: F\norder: 1.10\n---\n")
    assert isinstance(item, Item) and item.fields.order == 1.1  # type: ignore[union-attr]
    _, diagnostics = validate(tmp_path, "content/pages/faq.md", "---\ntitle: F\norder: ten\n---\n")
    assert formatted(diagnostics) == [
        "content/pages/faq.md:3:8: error: order 'ten' is not a number"
    ]


def test_brand_file(tmp_path: Path) -> None:
    text = "terms:\n  - use: Acme Relay\n    avoid: [AcmeRelay]\nbanned: [synergy]\n"
    brand, diagnostics = validate(tmp_path, "content/brand.yaml", text)
    assert formatted(diagnostics) == []
    assert isinstance(brand, Brand)
    _, diagnostics = validate(tmp_path, "content/brand.yaml", "terms:\n  - avoid: [x]\nname: B\n")
    assert [(d.line, d.code) for d in diagnostics.sorted()] == [
        (2, "missing-field"),
        (3, "unknown-field"),
    ]
    assert "term 1: missing required field 'use'" in diagnostics.sorted()[0].message


def test_long_values_are_shortened_in_messages(tmp_path: Path) -> None:
    _, diagnostics = validate(tmp_path, DANA, persona_text(buying_role="x" * 100))
    (diagnostic,) = diagnostics.items
    assert "x" * 39 + "…" in diagnostic.message
    assert "x" * 41 not in diagnostic.message


def test_an_empty_name_beside_a_title_is_not_given(tmp_path: Path) -> None:
    """`name:` with nothing after it means "not given" (README), so the title is the name."""
    item, diagnostics = validate(tmp_path, "content/pages/faq.md", "---\nname:\ntitle: FAQ\n---\n")
    assert formatted(diagnostics) == []
    assert complete(item)
    assert isinstance(item, Item) and item.fields.name == "FAQ"
