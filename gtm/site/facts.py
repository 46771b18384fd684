"""What is derived from the content and the date, computed once per build in `derive_facts` and
read everywhere: staleness, launch readiness, overdue milestones and tier gaps (by the rules,
the pages, the PDFs and the health page), positioning statements and GTM health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gtm.content.config import Config
from gtm.content.model import (
    Competitor,
    Launch,
    Messaging,
    Milestone,
    Persona,
    Positioning,
    Product,
)
from gtm.content.validate import Item
from gtm.site.link import Site


def join_names(names: list[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def display_name(site: Site, kind: str, ident: str) -> str:
    """The name of any validated artifact, shown or not; the id when it does not exist."""
    item = site.known.get((kind, ident))
    return item.fields.name if item else ident


def positioning_statement(item: Item, site: Site) -> str:
    """The written statement, or the classic one generated from the positioning's fields."""
    fields = item.fields
    assert isinstance(fields, Positioning)
    if fields.statement:
        return fields.statement
    product_name = display_name(site, "products", fields.product)
    # Only a name may cross from an artifact the build leaves out; its category may not.
    shown = site.get("products", fields.product)
    product = shown.fields if shown else None
    category = fields.category or (
        product.category if isinstance(product, Product) and product.category else "product"
    )
    targets = join_names([display_name(site, "personas", p) for p in fields.target])
    text = (
        f"For {targets} who {_clause(fields.need)}, {product_name} is "
        f"{_article(category)} {category} that {_clause(fields.key_benefit)}."
    )
    differentiator = _clause(fields.differentiators[0]) if fields.differentiators else ""
    if fields.alternatives and differentiator:
        rivals = join_names([display_name(site, "competitors", c) for c in fields.alternatives])
        text += f" Unlike {rivals}, {product_name} {differentiator}."
    elif differentiator:
        text += f" {product_name} {differentiator}."
    return text


def _clause(text: str) -> str:
    """A field written as a sentence, made to sit inside one: no final full stop."""
    text = " ".join(text.split())
    return text[:-1] if text.endswith(".") else text


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


@dataclass(frozen=True)
class TierGap:
    """What a launch lacks that its tier's rule in gtm.toml asks for."""

    channels: tuple[str, ...]
    assets: tuple[str, ...]


def tier_gap(launch: Launch, config: Config) -> TierGap:
    rule = config.tier_rule(launch.tier)
    if rule is None:
        return TierGap((), ())
    have_channels = {c.channel.strip().lower() for c in launch.channels}
    have_assets = {a.type.strip().lower() for a in launch.assets}
    return TierGap(
        channels=tuple(c for c in rule.channels if c.lower() not in have_channels),
        assets=tuple(a for a in rule.assets if a.lower() not in have_assets),
    )


def readiness(launch: Launch, gap: TierGap | None = None) -> float | None:
    """The share of milestones done and assets ready, or None when there are neither. A channel
    or asset type the tier asks for and the launch lacks counts as an item not ready, so a
    launch with a tier gap is never 100% ready; milestones after launch day do not count."""
    milestones = [m for m in launch.milestones if m.date <= launch.date]
    missing = len(gap.channels) + len(gap.assets) if gap else 0
    total = len(milestones) + len(launch.assets) + missing
    if total == 0:
        return None
    done = sum(m.done for m in milestones) + sum(a.ready for a in launch.assets)
    return done / total


def at_risk(
    launch: Launch, ready: float | None, overdue: list[Milestone], config: Config, today: date
) -> bool:
    """Not launched or cancelled, and either an overdue milestone, or launch day within
    `[launch] at_risk_days` (or past) with readiness below `at_risk_readiness` percent."""
    if launch.state in ("launched", "cancelled"):
        return False
    rule = config.launch
    close = (launch.date - today).days <= rule.at_risk_days
    behind = ready is None or ready * 100 < rule.at_risk_readiness
    return bool(overdue) or (close and behind)


def overdue_milestones(launch: Launch, today: date) -> list[Milestone]:
    """Milestones not done and dated before today; a cancelled launch has none."""
    if launch.state == "cancelled":
        return []
    return [m for m in launch.milestones if not m.done and m.date < today]


def days_since_review(item: Item, today: date) -> int | None:
    reviewed = item.fields.reviewed
    return None if reviewed is None else (today - reviewed).days


@dataclass(frozen=True)
class ItemFacts:
    """What one artifact's fields and today make of it."""

    days_since_review: int | None
    stale: bool
    """Reviewed longer ago than `build.freshness_days`."""
    readiness: float | None = None
    overdue: tuple[Milestone, ...] = ()
    gap: TierGap = TierGap((), ())
    at_risk: bool = False
    """A launch close to its day and behind, or with an overdue milestone (`at_risk`)."""


Facts = dict[tuple[str, str], ItemFacts]
"""Every validated artifact's facts, by (kind, id)."""


def derive_facts(site: Site, config: Config, today: date) -> Facts:
    """The facts of every validated artifact, shown in this build or not."""
    facts: Facts = {}
    for key, item in site.known.items():
        days = days_since_review(item, today)
        stale = days is not None and days > config.build.freshness_days
        fields = item.fields
        if isinstance(fields, Launch):
            overdue = overdue_milestones(fields, today)
            gap = tier_gap(fields, config)
            ready = readiness(fields, gap)
            risky = at_risk(fields, ready, overdue, config, today)
            facts[key] = ItemFacts(days, stale, ready, tuple(overdue), gap, risky)
        else:
            facts[key] = ItemFacts(days, stale)
    return facts


@dataclass(frozen=True)
class Health:
    """The GTM health page: what needs a product marketer's attention now."""

    stale: tuple[Item, ...]
    overdue: tuple[tuple[Item, Milestone], ...]
    personas_without_message: tuple[Item, ...]
    competitors_without_objections: tuple[Item, ...]
    tier_gaps: tuple[tuple[Item, TierGap], ...]

    @property
    def problems(self) -> int:
        return (
            len(self.stale)
            + len(self.overdue)
            + len(self.personas_without_message)
            + len(self.competitors_without_objections)
            + len(self.tier_gaps)
        )


def health(site: Site, facts: Facts) -> Health:
    """What needs attention among the artifacts the build shows."""
    items = list(site.all_items())
    messaged = {
        pm.persona
        for item in site.items["messaging"].values()
        if isinstance(item.fields, Messaging)
        for pm in item.fields.persona_messages
    }
    launches = [facts[(item.kind, item.id)] for item in site.items["launches"].values()]
    launch_items = list(site.items["launches"].values())
    return Health(
        stale=tuple(i for i in items if facts[(i.kind, i.id)].stale),
        overdue=tuple(
            (item, milestone)
            for item, found in zip(launch_items, launches, strict=True)
            for milestone in found.overdue
        ),
        personas_without_message=tuple(
            i
            for i in site.items["personas"].values()
            if isinstance(i.fields, Persona) and i.id not in messaged
        ),
        competitors_without_objections=tuple(
            i
            for i in site.items["competitors"].values()
            if isinstance(i.fields, Competitor) and not i.fields.objections
        ),
        tier_gaps=tuple(
            (item, found.gap)
            for item, found in zip(launch_items, launches, strict=True)
            if found.gap.channels or found.gap.assets
        ),
    )
