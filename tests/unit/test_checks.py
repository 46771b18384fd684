"""The rules beyond one field: word limits, unique ids, message houses, milestone order and
cycles, tier rules, staleness, overdue milestones, public battlecards, brand and placeholders."""

from __future__ import annotations

import pytest

from gtm.site.rules import count_words
from tests.conftest import MakeProject
from tests.unit.helpers import LAUNCH, PRODUCT, check, competitor, lines, persona

RELAY = "content/products/relay.yaml"
LAUNCH_PATH = "content/launches/relay.yaml"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("one", 1),
        ("Hello, world!", 2),
        ("a — b - c ... d", 4),
        ("200-2,000 employees", 2),
        ("  spaced\n\tout  words ", 3),
        ("$140k a year", 3),
    ],
)
def test_word_counting(text: str, count: int) -> None:
    assert count_words(text) == count


def test_word_limits_are_warnings_at_the_value(make_project: MakeProject) -> None:
    eleven = " ".join(["word"] * 11)
    ten = " ".join(["word"] * 10)
    product = PRODUCT + f"tagline: {eleven}\n"
    house = f"""\
        name: House
        product: relay
        core_message: C
        taglines:
          - {ten}
          - {eleven}
        pillars:
          - {{id: a, name: A, message: M}}
          - {{id: b, name: B, message: M}}
        """
    root = make_project({RELAY: product, "content/messaging/relay.yaml": house})
    result = check(root)
    assert lines(result) == [
        "content/messaging/relay.yaml:6:5: warning: taglines item 2 has 11 words (limit 10)",
        "content/products/relay.yaml:9:10: warning: tagline has 11 words (limit 10)",
    ]
    assert {d.code for d in result.diagnostics} == {"word-limit"}


def test_word_limit_in_a_folded_value(make_project: MakeProject) -> None:
    words = " ".join(["word"] * 20)
    text = persona() + f"quote: >-\n  {words}\n  {words}\n  and one\n"
    root = make_project({"content/personas/dana.yaml": text})
    assert lines(check(root)) == [
        "content/personas/dana.yaml:6:8: warning: quote has 42 words (limit 40)"
    ]


def test_duplicate_record_ids(make_project: MakeProject) -> None:
    product = PRODUCT + "  - id: routing\n    name: Again\n"
    root = make_project({RELAY: product})
    result = check(root)
    (diagnostic,) = result.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == (RELAY, 9, 9)
    assert (diagnostic.severity, diagnostic.code) == ("error", "duplicate-id")
    assert "id 'routing' is used twice" in diagnostic.message


HOUSE = """\
name: House
product: relay
core_message: C
pillars:
  - id: speed
    name: Speed
    message: M
    features: [routing, noize]
  - id: cost
    name: Cost
    message: M
persona_messages:
  - persona: dana
    headline: H
    pillars: [speed, costs]
  - persona: dana
    headline: Again
"""


def test_message_house_rules(make_project: MakeProject) -> None:
    root = make_project(
        {RELAY: PRODUCT, "content/personas/dana.yaml": persona(), "content/messaging/h.yaml": HOUSE}
    )
    result = check(root)
    assert lines(result) == [
        "content/messaging/h.yaml:8:25: error: product 'relay' has no feature 'noize' "
        "(did you mean 'noise'?)",
        "content/messaging/h.yaml:15:22: error: this house has no pillar 'costs' "
        "(did you mean 'cost'?)",
        "content/messaging/h.yaml:16:14: error: persona 'dana' already has a message in this house",
    ]
    assert [d.code for d in result.diagnostics] == [
        "unknown-feature",
        "unknown-pillar",
        "duplicate-persona-message",
    ]


def milestones(*entries: str) -> str:
    return LAUNCH + "milestones:\n" + "".join(entries)


def ms(ident: str, day: str, depends: str = "", done: str = "") -> str:
    text = f"  - id: {ident}\n    name: {ident.title()}\n    date: {day}\n"
    if depends:
        text += f"    depends_on: [{depends}]\n"
    if done:
        text += f"    done: {done}\n"
    return text


def test_unknown_dependency_with_suggestion(make_project: MakeProject) -> None:
    root = make_project(
        {LAUNCH_PATH: milestones(ms("pricing", "2027-01-01"), ms("deck", "2027-01-02", "pricng"))}
    )
    assert lines(check(root)) == [
        "content/launches/relay.yaml:15:18: error: milestone 'deck' depends on 'pricng', "
        "which does not exist (did you mean 'pricing'?)"
    ]


def test_milestone_dated_before_its_dependency(make_project: MakeProject) -> None:
    root = make_project(
        {LAUNCH_PATH: milestones(ms("pricing", "2027-01-10"), ms("deck", "2027-01-02", "pricing"))}
    )
    result = check(root)
    assert lines(result) == [
        "content/launches/relay.yaml:14:11: error: milestone 'deck' (2027-01-02) is dated before "
        "'pricing' (2027-01-10), which it depends on"
    ]
    assert result.diagnostics[0].code == "milestone-order"


def test_same_day_dependency_is_fine(make_project: MakeProject) -> None:
    root = make_project(
        {LAUNCH_PATH: milestones(ms("pricing", "2027-01-02"), ms("deck", "2027-01-02", "pricing"))}
    )
    assert lines(check(root)) == []


def test_each_cycle_is_reported_once(make_project: MakeProject) -> None:
    text = milestones(
        ms("a", "2027-01-01", "b"),
        ms("b", "2027-01-01", "c"),
        ms("c", "2027-01-01", "a"),
        ms("self", "2027-01-01", "self"),
        ms("e", "2027-01-01", "f, a"),
        ms("f", "2027-01-01", "e"),
    )
    root = make_project({LAUNCH_PATH: text})
    result = check(root)
    assert lines(result) == [
        "content/launches/relay.yaml:12:17: error: milestones depend on each other in a circle: "
        "a → b → c → a",
        "content/launches/relay.yaml:24:17: error: milestones depend on each other in a circle: "
        "self → self",
        "content/launches/relay.yaml:28:17: error: milestones depend on each other in a circle: "
        "e → f → e",
    ]
    assert {d.code for d in result.diagnostics} == {"milestone-cycle"}


def test_a_cycle_found_from_its_middle_starts_at_its_first_milestone(
    make_project: MakeProject,
) -> None:
    text = milestones(
        ms("start", "2027-01-01", "b"),
        ms("a", "2027-01-01", "b"),
        ms("b", "2027-01-01", "a"),
    )
    result = check(make_project({LAUNCH_PATH: text}))
    (diagnostic,) = result.diagnostics
    assert diagnostic.message.endswith(": a → b → a")
    assert diagnostic.line == 16


def test_tier_rules(make_project: MakeProject) -> None:
    text = LAUNCH.replace("tier: 3", "tier: 2") + (
        "channels:\n  - channel: Blog\nassets:\n  - name: Brief\n    type: launch-brief\n"
    )
    result = check(make_project({LAUNCH_PATH: text}))
    assert lines(result) == [
        "content/launches/relay.yaml:8:1: warning: a tier 2 launch needs the channel 'email' "
        "([launch.tiers.2] in gtm.toml)"
    ]
    assert result.diagnostics[0].code == "tier-channel"


def test_tier_rules_without_channels_point_at_the_tier(make_project: MakeProject) -> None:
    text = LAUNCH.replace("tier: 3", "tier: 2")
    result = check(make_project({LAUNCH_PATH: text}))
    assert [(d.line, d.column, d.code) for d in result.diagnostics] == [
        (3, 7, "tier-asset"),
        (3, 7, "tier-channel"),
        (3, 7, "tier-channel"),
    ]


def test_tier_rules_come_from_gtm_toml(make_project: MakeProject) -> None:
    toml = '[launch.tiers.3]\nchannels = ["changelog"]\nassets = ["release-notes"]\n'
    result = check(make_project({"gtm.toml": toml, LAUNCH_PATH: LAUNCH}))
    assert sorted(d.message for d in result.diagnostics) == [
        "a tier 3 launch needs an asset of type 'release-notes' ([launch.tiers.3] in gtm.toml)",
        "a tier 3 launch needs the channel 'changelog' ([launch.tiers.3] in gtm.toml)",
    ]


def test_a_cancelled_launch_has_no_tier_or_overdue_warnings(make_project: MakeProject) -> None:
    text = milestones(ms("late", "2026-01-01")).replace("tier: 3", "tier: 1")
    text += "state: cancelled\n"
    assert lines(check(make_project({LAUNCH_PATH: text}))) == []


def test_overdue_milestones(make_project: MakeProject) -> None:
    text = milestones(
        ms("late", "2026-11-22"),
        ms("today", "2026-11-23"),
        ms("done", "2026-01-01", done="true"),
    )
    result = check(make_project({LAUNCH_PATH: text}))
    assert lines(result) == [
        "content/launches/relay.yaml:11:11: warning: milestone 'late' was due 2026-11-22 "
        "and is not done"
    ]
    assert result.diagnostics[0].code == "overdue-milestone"


def test_stale_at_the_reviewed_date(make_project: MakeProject) -> None:
    root = make_project(
        {
            "content/personas/old.yaml": persona() + "reviewed: 2026-06-02\n",
            "content/personas/new.yaml": persona() + "reviewed: 2026-08-25\n",
        }
    )
    result = check(root)
    assert lines(result) == [
        "content/personas/old.yaml:6:11: warning: last reviewed 174 days ago (limit 90): "
        "review it and update 'reviewed'"
    ]
    assert result.diagnostics[0].code == "stale"


def test_freshness_comes_from_gtm_toml(make_project: MakeProject) -> None:
    root = make_project(
        {
            "gtm.toml": "[build]\nfreshness_days = 200\n",
            "content/personas/old.yaml": persona() + "reviewed: 2026-06-02\n",
        }
    )
    assert lines(check(root)) == []


def test_public_competitor(make_project: MakeProject) -> None:
    root = make_project({"content/competitors/x.yaml": competitor() + "visibility: public\n"})
    result = check(root)
    assert [(d.line, d.column, d.code, d.severity) for d in result.diagnostics] == [
        (6, 13, "public-competitor", "warning")
    ]


def test_rules_apply_to_drafts_too(make_project: MakeProject) -> None:
    text = persona() + "status: draft\nreviewed: 2026-01-01\n"
    result = check(make_project({"content/personas/dana.yaml": text}))
    assert [d.code for d in result.diagnostics] == ["stale"]


BRAND = """\
terms:
  - use: Acme Relay
    avoid: [AcmeRelay, Relay App]
  - use: postmortem
    avoid: [post-mortem]
banned: [synergy, best-of-breed]
superlatives: []
"""


def brand_lines(make_project: MakeProject, files: dict[str, str]) -> list[str]:
    return lines(check(make_project({"content/brand.yaml": BRAND, **files})))


def test_brand_terms_and_banned_words_at_their_place(make_project: MakeProject) -> None:
    page = """\
        ---
        title: Guide
        summary: The relay app, with SYNERGY.
        ---
        Use AcmeRelay for a post-mortem.
        """
    assert brand_lines(make_project, {"content/pages/guide.md": page}) == [
        "content/pages/guide.md:3:14: warning: 'relay app' is not our term: write 'Acme Relay'",
        "content/pages/guide.md:3:30: warning: 'SYNERGY' is a banned word (brand.yaml)",
        "content/pages/guide.md:5:5: warning: 'AcmeRelay' is not our term: write 'Acme Relay'",
        "content/pages/guide.md:5:21: warning: 'post-mortem' is not our term: write 'postmortem'",
    ]


def test_brand_matches_whole_words_only(make_project: MakeProject) -> None:
    page = "---\ntitle: G\n---\nRelay Apps, AcmeRelays, synergyx, non-synergy and best-of-breeds.\n"
    assert brand_lines(make_project, {"content/pages/guide.md": page}) == []


def test_brand_codes(make_project: MakeProject) -> None:
    page = "---\ntitle: G\n---\nAcmeRelay synergy\n"
    result = check(make_project({"content/brand.yaml": BRAND, "content/pages/guide.md": page}))
    assert [d.code for d in result.diagnostics] == ["brand-term", "banned-word"]
    assert {d.severity for d in result.diagnostics} == {"warning"}


def test_brand_skips_urls_emails_and_code(make_project: MakeProject) -> None:
    page = """\
        ---
        title: G
        ---
        See https://acme.example/AcmeRelay, mail sales@acmerelay.io,
        or run `AcmeRelay --help`; [link](http://x.example/synergy).
        """
    assert brand_lines(make_project, {"content/pages/guide.md": page}) == []


def test_a_web_address_without_a_scheme_is_not_a_brand_hit(make_project: MakeProject) -> None:
    page = "---\ntitle: G\n---\nVisit acmerelay.com or www.acmerelay.com today.\n"
    assert brand_lines(make_project, {"content/pages/guide.md": page}) == []


def test_a_brand_hit_after_a_url_holding_the_same_word_is_placed_at_the_hit(
    make_project: MakeProject,
) -> None:
    product = PRODUCT + "description: See https://x.example/AcmeRelay and then AcmeRelay.\n"
    assert brand_lines(make_project, {RELAY: product}) == [
        "content/products/relay.yaml:9:55: warning: 'AcmeRelay' is not our term: write 'Acme Relay'"
    ]


def test_brand_in_every_text_field_and_records(make_project: MakeProject) -> None:
    product = PRODUCT.replace("name: Routing", "name: Relay App routing")
    lines_ = brand_lines(make_project, {RELAY: product})
    assert lines_ == [
        "content/products/relay.yaml:6:11: warning: 'Relay App' is not our term: write 'Acme Relay'"
    ]


def test_no_brand_file_no_terms_or_banned_words_but_the_default_superlatives(
    make_project: MakeProject,
) -> None:
    page = "---\ntitle: G\n---\nAcmeRelay synergy, the best.\n"
    assert [d.code for d in check(make_project({"content/pages/guide.md": page})).diagnostics] == [
        "superlative"
    ]


def test_placeholders(make_project: MakeProject) -> None:
    text = persona().replace("Head of Platform", "TODO") + 'segment: "TODO: which one?"\n'
    result = check(make_project({"content/personas/dana.yaml": text}))
    assert lines(result) == [
        "content/personas/dana.yaml:2:7: warning: role still has its TODO placeholder",
        "content/personas/dana.yaml:6:10: warning: segment still has its TODO placeholder",
    ]
    assert {d.code for d in result.diagnostics} == {"placeholder"}


def test_todo_inside_a_sentence_is_not_a_placeholder(make_project: MakeProject) -> None:
    text = persona().replace("Head of Platform", "Owns the TODO list")
    assert lines(check(make_project({"content/personas/dana.yaml": text}))) == []


def test_a_long_dependency_chain_is_checked_without_a_traceback(make_project: MakeProject) -> None:
    """Each milestone depends on the next one: 1,500 levels deep, well inside the 1 MiB limit."""
    count = 1500
    entries = [
        f"  - {{id: m{i}, name: M, date: 2027-01-01, done: true, depends_on: [m{i + 1}]}}\n"
        for i in range(count - 1)
    ]
    entries.append(f"  - {{id: m{count - 1}, name: M, date: 2027-01-01, depends_on: [m0]}}\n")
    result = check(make_project({LAUNCH_PATH: LAUNCH + "milestones:\n" + "".join(entries)}))
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "milestone-cycle"
    assert diagnostic.message.startswith("milestones depend on each other in a circle: m0 → m1 →")


def test_brand_hits_in_a_folded_value_are_placed_on_their_own_lines(
    make_project: MakeProject,
) -> None:
    product = PRODUCT + (
        "summary: >-\n  Try the Relay\n  App today, with synergy and\n  more synergy.\n"
    )
    assert brand_lines(make_project, {RELAY: product}) == [
        "content/products/relay.yaml:10:11: warning: 'Relay App' is not our term: "
        "write 'Acme Relay'",
        "content/products/relay.yaml:11:19: warning: 'synergy' is a banned word (brand.yaml)",
        "content/products/relay.yaml:12:8: warning: 'synergy' is a banned word (brand.yaml)",
    ]
