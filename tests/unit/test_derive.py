"""Derived facts: the generated positioning statement exactly per the spec's template,
launch readiness, overdue milestones, staleness, tier gaps and the health lists."""

from __future__ import annotations

from datetime import date

import pytest

from gtm.content.config import Config, TierRule
from gtm.content.model import Launch
from gtm.site.facts import (
    at_risk,
    derive_facts,
    display_name,
    health,
    join_names,
    overdue_milestones,
    positioning_statement,
    readiness,
    tier_gap,
)
from tests.conftest import MakeProject
from tests.unit.helpers import LAUNCH, TODAY, check, competitor, persona

PRODUCT = "name: Acme Relay\nstage: growth\ncategory: {category}\n"


def buyer(name: str, role: str, segment: str | None = "Mid-market SaaS") -> str:
    text = persona(name).replace("role: Head of Platform", f"role: {role}")
    return text + (f"segment: {segment}\n" if segment else "")


def statement(
    make_project: MakeProject,
    positioning: str,
    category: str = "paging tool",
    carla_segment: str | None = "Mid-market SaaS",
) -> str:
    files = {
        "content/products/relay.yaml": PRODUCT.format(category=category),
        "content/personas/dana.yaml": buyer("DevOps Dana", "Head of Platform Engineering"),
        "content/personas/victor.yaml": buyer("VP Eng Victor", "VP of Engineering"),
        "content/personas/carla.yaml": buyer("CFO Carla", "Chief Financial Officer", carla_segment),
        "content/competitors/pagestorm.yaml": competitor("PageStorm"),
        "content/competitors/alertly.yaml": competitor("Alertly"),
        "content/positioning/relay.yaml": positioning,
    }
    result = check(make_project(files))
    assert [d.format() for d in result.diagnostics] == []
    item = result.site.known[("positioning", "relay")]
    return positioning_statement(item, result.site)


POSITIONING = """\
name: P
product: relay
target: [dana, victor]
need: lose the first fifteen minutes of every incident
key_benefit: routes every alert to the owner
alternatives: [pagestorm, alertly]
differentiators:
  - builds routing from your service catalog
  - second one
"""


def test_statement_follows_the_template_exactly(make_project: MakeProject) -> None:
    assert statement(make_project, POSITIONING) == (
        "For the Head of Platform Engineering and the VP of Engineering at mid-market SaaS "
        "companies who lose the first fifteen minutes of every incident, Acme Relay is a paging "
        "tool that routes every alert to the owner. "
        "Unlike PageStorm and Alertly, Acme Relay builds routing from your service catalog."
    )


def test_statement_with_three_targets_and_one_alternative(make_project: MakeProject) -> None:
    text = POSITIONING.replace("[dana, victor]", "[dana, victor, carla]").replace(
        "[pagestorm, alertly]", "[pagestorm]"
    )
    assert statement(make_project, text).startswith(
        "For the Head of Platform Engineering, the VP of Engineering and the Chief Financial "
        "Officer at mid-market SaaS companies who "
    )
    assert statement(make_project, text, carla_segment="Enterprise").startswith(
        "For the Head of Platform Engineering, the VP of Engineering and the Chief Financial "
        "Officer who "
    ), "a segment is named only when every target shares it"
    assert " Unlike PageStorm, Acme Relay builds " in statement(make_project, text)


def test_category_defaults_to_the_products(make_project: MakeProject) -> None:
    assert " is a paging tool that " in statement(make_project, POSITIONING, "paging tool")


def test_own_category_wins_over_the_products(make_project: MakeProject) -> None:
    text = POSITIONING + "category: response platform\n"
    assert " is a response platform that " in statement(make_project, text, "paging tool")


@pytest.mark.parametrize(
    ("category", "noun"),
    [
        ("Financial close automation", "a financial close automation platform"),
        ("incident response", "an incident response platform"),
        ("paging and incident response platform", "a paging and incident response platform"),
        ("CRM", "a CRM"),
        ("AIOps tool", "an AIOps tool"),
    ],
)
def test_the_category_reads_as_a_noun(make_project: MakeProject, category: str, noun: str) -> None:
    assert f" is {noun} that " in statement(make_project, POSITIONING, category)


def test_an_before_a_vowel(make_project: MakeProject) -> None:
    assert " is an incident tool that " in statement(make_project, POSITIONING, "incident tool")


def test_no_alternatives_drops_the_unlike_clause(make_project: MakeProject) -> None:
    text = POSITIONING.replace("alternatives: [pagestorm, alertly]\n", "")
    assert statement(make_project, text).endswith(
        "routes every alert to the owner. Acme Relay builds routing from your service catalog."
    )
    assert "Unlike" not in statement(make_project, text)


def test_full_stops_and_folded_lines_sit_inside_the_sentence(make_project: MakeProject) -> None:
    text = """\
name: P
product: relay
target: [dana]
need: >-
  lose the first fifteen minutes
  of every incident.
key_benefit: routes every alert.
alternatives: [pagestorm]
differentiators: [builds routing from your catalog.]
"""
    assert statement(make_project, text) == (
        "For the Head of Platform Engineering at mid-market SaaS companies who lose the first "
        "fifteen minutes of every incident, Acme Relay is a paging tool that routes every "
        "alert. Unlike PageStorm, Acme Relay builds routing from your catalog."
    )


def test_a_written_statement_is_kept(make_project: MakeProject) -> None:
    text = POSITIONING + "statement: Our own words.\n"
    assert statement(make_project, text) == "Our own words."


def test_join_names() -> None:
    assert join_names([]) == ""
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B"]) == "A and B"
    assert join_names(["A", "B", "C"]) == "A, B and C"


def launch(**fields: object) -> Launch:
    data: dict[str, object] = {
        "name": "L",
        "product": "relay",
        "tier": "1",
        "date": "2027-02-16",
        "goals": [{"metric": "m", "target": "1"}],
    }
    data.update(fields)
    return Launch.model_validate(data)


def milestone(ident: str, day: str, done: str = "false") -> dict[str, str]:
    return {"id": ident, "name": ident, "date": day, "done": done}


def test_readiness_is_the_share_of_milestones_done_and_assets_ready() -> None:
    assert readiness(launch()) is None
    plan = launch(
        milestones=[milestone("a", "2027-01-01", "true"), milestone("b", "2027-01-02")],
        assets=[
            {"name": "deck", "type": "deck", "ready": "true"},
            {"name": "brief", "type": "launch-brief"},
        ],
    )
    assert readiness(plan) == 0.5
    assert readiness(launch(assets=[{"name": "x", "type": "deck", "ready": "true"}])) == 1.0


def test_a_tier_gap_counts_as_not_ready_and_post_launch_milestones_do_not_count() -> None:
    tier2 = launch(
        tier="2",
        channels=[{"channel": "blog"}, {"channel": "email"}],
        milestones=[
            milestone("ship", "2027-02-10", "true"),
            milestone("review", "2027-03-15"),  # after launch day
        ],
        assets=[{"name": "deck", "type": "deck", "ready": "true"}],
    )
    gap = tier_gap(tier2, Config())
    assert gap.assets == ("launch-brief",)
    assert readiness(tier2) == 1.0
    assert readiness(tier2, gap) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("day", "ready", "overdue", "state", "expected"),
    [
        ("2026-12-14", 0.79, False, "planned", True),  # 21 days out, below 80%
        ("2026-12-14", 0.80, False, "planned", False),
        ("2026-12-15", 0.10, False, "planned", False),  # 22 days out
        ("2027-04-01", 0.90, True, "in_progress", True),  # an overdue milestone
        ("2026-11-30", None, False, "planned", True),  # nothing tracked, a week out
        ("2026-11-30", 0.10, True, "launched", False),
        ("2026-11-30", 0.10, True, "cancelled", False),
    ],
)
def test_at_risk_is_close_and_behind_or_overdue(
    day: str, ready: float | None, overdue: bool, state: str, expected: bool
) -> None:
    plan = launch(date=day, state=state, milestones=[milestone("late", "2026-11-01")])
    late = plan.milestones if overdue else []
    assert at_risk(plan, ready, late, Config(), TODAY) is expected


def test_at_risk_thresholds_come_from_the_config() -> None:
    config = Config.model_validate({"launch": {"at_risk_days": 60, "at_risk_readiness": 50}})
    plan = launch(date="2027-01-20")  # 58 days out
    assert at_risk(plan, 0.49, [], config, TODAY)
    assert not at_risk(plan, 0.50, [], config, TODAY)
    assert not at_risk(plan, 0.10, [], Config(), TODAY)


def test_overdue_is_not_done_and_dated_before_today() -> None:
    plan = launch(
        milestones=[
            milestone("late", "2026-11-22"),
            milestone("today", "2026-11-23"),
            milestone("done", "2026-01-01", "true"),
            milestone("future", "2027-01-01"),
        ]
    )
    assert [m.id for m in overdue_milestones(plan, TODAY)] == ["late"]


def test_a_cancelled_launch_has_no_overdue_milestones() -> None:
    plan = launch(state="cancelled", milestones=[milestone("late", "2026-01-01")])
    assert overdue_milestones(plan, TODAY) == []


def test_tier_gap_from_the_config_ignoring_case_and_spaces() -> None:
    plan = launch(
        channels=[{"channel": " PR "}, {"channel": "Blog"}],
        assets=[{"name": "d", "type": "Deck"}],
    )
    gap = tier_gap(plan, Config())
    assert gap.channels == ("email", "sales")
    assert gap.assets == ("battlecard", "launch-brief")


def test_no_rule_for_the_tier_no_gap() -> None:
    assert tier_gap(launch(tier="3"), Config()).channels == ()
    custom = Config.model_validate({"launch": {"tiers": {"3": {"channels": ["changelog"]}}}})
    assert tier_gap(launch(tier="3"), custom).channels == ("changelog",)
    assert tier_gap(launch(tier="1"), custom).channels == ()
    assert isinstance(custom.tier_rule(3), TierRule)


def test_staleness_boundary(make_project: MakeProject) -> None:
    root = make_project(
        {
            "content/personas/fresh.yaml": persona() + "reviewed: 2026-08-25\n",  # 90 days
            "content/personas/stale.yaml": persona() + "reviewed: 2026-08-24\n",  # 91 days
        }
    )
    result = check(root)
    facts = derive_facts(result.site, Config(), TODAY)
    assert result.facts == facts, "the check derives the facts once, for every stage"
    assert not facts[("personas", "fresh")].stale
    assert facts[("personas", "stale")].stale
    assert facts[("personas", "stale")].days_since_review == 91
    assert not facts[("products", "relay")].stale


def test_health_lists(make_project: MakeProject) -> None:
    house = """\
        name: House
        product: relay
        core_message: C
        pillars:
          - {id: a, name: A, message: M}
          - {id: b, name: B, message: M}
        persona_messages:
          - {persona: dana, headline: H}
        """
    root = make_project(
        {
            "content/personas/dana.yaml": persona("Dana"),
            "content/personas/sam.yaml": persona("Sam") + "reviewed: 2026-01-01\n",
            "content/personas/draft.yaml": persona("Draft") + "status: draft\n",
            "content/competitors/pagestorm.yaml": competitor("PageStorm"),
            "content/competitors/alertly.yaml": competitor("Alertly")
            + "objections:\n  - {objection: pricey, response: not really}\n",
            "content/messaging/relay.yaml": house,
            "content/launches/relay.yaml": LAUNCH.replace("tier: 3", "tier: 2")
            + "milestones:\n  - {id: a, name: A, date: 2026-11-01}\n",
        }
    )
    result = check(root)
    report = health(result.site, derive_facts(result.site, Config(), TODAY))
    assert [i.id for i in report.stale] == ["sam"]
    assert [(i.id, m.id) for i, m in report.overdue] == [("relay", "a")]
    assert sorted(i.id for i in report.personas_without_message) == ["sam"]
    assert [i.id for i in report.competitors_without_objections] == ["pagestorm"]
    ((launch_item, gap),) = report.tier_gaps
    assert launch_item.id == "relay"
    assert (gap.channels, gap.assets) == (("blog", "email"), ("launch-brief",))
    assert [i.id for i in report.at_risk] == ["relay"], "an overdue milestone puts it at risk"
    assert [(i.id, p.id) for i, p in report.pillars_without_proof] == [
        ("relay", "a"),
        ("relay", "b"),
    ]
    assert len(report.without_owner) == 7, "nobody owns anything here"
    assert [i.id for i in report.unreviewed] == ["relay"], "a launch with no reviewed date"
    assert report.problems == 16
    assert display_name(result.site, "personas", "draft") == "Draft", "left out, still named"
    assert display_name(result.site, "personas", "nobody") == "nobody"


@pytest.mark.parametrize("freshness", [300, 400])
def test_health_uses_the_configured_freshness(make_project: MakeProject, freshness: int) -> None:
    root = make_project({"content/personas/sam.yaml": persona("Sam") + "reviewed: 2026-01-01\n"})
    result = check(root)
    config = Config.model_validate({"build": {"freshness_days": freshness}})
    stale = [i.id for i in health(result.site, derive_facts(result.site, config, TODAY)).stale]
    assert stale == (["sam"] if (TODAY - date(2026, 1, 1)).days > freshness else [])
