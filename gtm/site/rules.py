"""The content rules beyond a single field: word limits, unique record ids, pillar features,
milestone dependencies, tier rules, staleness, overdue milestones, public battlecards, brand.
Each rule is a small function that reports diagnostics and returns nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from gtm.content.config import Config
from gtm.content.model import (
    Brand,
    Claim,
    Competitor,
    Feature,
    Launch,
    Messaging,
    Milestone,
    Pillar,
    Product,
)
from gtm.content.validate import ITEM_NOUNS, Item
from gtm.diagnostics import Diagnostics, did_you_mean
from gtm.memo import PerFile, Reported, reported
from gtm.site.claims import proofs, shows_source
from gtm.site.facts import Facts, derive_facts
from gtm.site.link import Site
from gtm.site.voice import BrandPatterns, brand_patterns, voice_hits


@dataclass
class ItemContext:
    """What an item rule may read: the brand's terms. It needs no other file, so it runs as
    soon as its item is validated, while the Markdown is still being parsed."""

    diagnostics: Diagnostics
    brand_patterns: BrandPatterns = field(default_factory=BrandPatterns)

    def error(self, item: Item, where: tuple[int, int], code: str, message: str) -> None:
        self.diagnostics.error(item.path, where[0], where[1], code, message)

    def warning(self, item: Item, where: tuple[int, int], code: str, message: str) -> None:
        self.diagnostics.warning(item.path, where[0], where[1], code, message)


@dataclass(kw_only=True)
class RuleContext(ItemContext):
    """What a site rule may read besides: the linked site, the config, today and the facts."""

    site: Site
    config: Config
    today: date
    facts: Facts = field(default_factory=dict)
    audience: str = "internal"


ItemRule = Callable[[Item, ItemContext], None]
SiteRule = Callable[[Item, RuleContext], None]


def check_word_limits(item: Item, ctx: ItemContext) -> None:
    for leaf in item.leaves:
        if leaf.shape.words is None:
            continue
        count = count_words(leaf.value)
        if count > leaf.shape.words.limit:
            name = str(leaf.path[0])
            if len(leaf.path) > 1 and isinstance(leaf.path[1], int):
                name += f" item {leaf.path[1] + 1}"
            ctx.warning(
                item,
                item.at(leaf.path),
                "word-limit",
                f"{name} has {count} words (limit {leaf.shape.words.limit})",
            )


def count_words(text: str) -> int:
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def check_unique_ids(item: Item, ctx: ItemContext) -> None:
    fields = item.fields
    lists: dict[str, Sequence[Feature | Pillar | Milestone]] = {}
    if isinstance(fields, Product):
        lists["features"] = fields.features
    elif isinstance(fields, Messaging):
        lists["pillars"] = fields.pillars
    elif isinstance(fields, Launch):
        lists["milestones"] = fields.milestones
    for name, records in lists.items():
        seen: set[str] = set()
        for index, record in enumerate(records):
            ident = record.id
            if ident in seen:
                ctx.error(
                    item,
                    item.at((name, index, "id")),
                    "duplicate-id",
                    f"{ITEM_NOUNS[name]} id '{ident}' is used twice: each needs its own id",
                )
            seen.add(ident)


def check_message_house(item: Item, ctx: RuleContext) -> None:
    house = item.fields
    if not isinstance(house, Messaging):
        return
    product_item = ctx.site.known.get(("products", house.product))
    if product_item is not None and isinstance(product_item.fields, Product):
        features = [f.id for f in product_item.fields.features]
        for p, pillar in enumerate(house.pillars):
            for f, feature in enumerate(pillar.features):
                if feature not in features:
                    ctx.error(
                        item,
                        item.at(("pillars", p, "features", f)),
                        "unknown-feature",
                        f"product '{house.product}' has no feature '{feature}'"
                        + did_you_mean(feature, features),
                    )
    pillar_ids = [p.id for p in house.pillars]
    seen: set[str] = set()
    for m, message in enumerate(house.persona_messages):
        if message.persona in seen:
            ctx.error(
                item,
                item.at(("persona_messages", m, "persona")),
                "duplicate-persona-message",
                f"persona '{message.persona}' already has a message in this house",
            )
        seen.add(message.persona)
        for p, pillar_id in enumerate(message.pillars):
            if pillar_id not in pillar_ids:
                ctx.error(
                    item,
                    item.at(("persona_messages", m, "pillars", p)),
                    "unknown-pillar",
                    f"this house has no pillar '{pillar_id}'" + did_you_mean(pillar_id, pillar_ids),
                )


def check_milestones(item: Item, ctx: ItemContext) -> None:
    launch = item.fields
    if not isinstance(launch, Launch):
        return
    by_id = {m.id: (i, m) for i, m in reversed(list(enumerate(launch.milestones)))}
    for index, milestone in enumerate(launch.milestones):
        for d, dependency in enumerate(milestone.depends_on):
            where = item.at(("milestones", index, "depends_on", d))
            if dependency not in by_id:
                ctx.error(
                    item,
                    where,
                    "unknown-milestone",
                    f"milestone '{milestone.id}' depends on '{dependency}', which does not exist"
                    + did_you_mean(dependency, by_id),
                )
            elif by_id[dependency][1].date > milestone.date:
                before = by_id[dependency][1]
                ctx.error(
                    item,
                    item.at(("milestones", index, "date")),
                    "milestone-order",
                    f"milestone '{milestone.id}' ({milestone.date}) is dated before "
                    f"'{before.id}' ({before.date}), which it depends on",
                )
    for cycle in _cycles(launch.milestones):
        first = by_id[cycle[0]][0]
        ctx.error(
            item,
            item.at(("milestones", first, "depends_on")),
            "milestone-cycle",
            "milestones depend on each other in a circle: " + " → ".join([*cycle, cycle[0]]),
        )


def _cycles(milestones: Sequence[Milestone]) -> Iterator[list[str]]:
    """Each dependency cycle once, starting at its first milestone in file order. Iterative,
    so a chain of thousands of milestones cannot exhaust the stack."""
    graph = {m.id: [d for d in m.depends_on] for m in reversed(milestones)}
    order = {m.id: i for i, m in reversed(list(enumerate(milestones)))}
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()
    for root in order:
        if root in state:
            continue
        trail: list[str] = [root]
        stack = [iter(graph[root])]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[trail.pop()] = 2
                stack.pop()
            elif nxt in graph and state.get(nxt) == 1:
                cycle = trail[trail.index(nxt) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    start = min(range(len(cycle)), key=lambda i: order[cycle[i]])
                    yield cycle[start:] + cycle[:start]
            elif nxt in graph and nxt not in state:
                state[nxt] = 1
                trail.append(nxt)
                stack.append(iter(graph[nxt]))


def check_tier(item: Item, ctx: RuleContext) -> None:
    launch = item.fields
    if not isinstance(launch, Launch) or launch.state == "cancelled":
        return
    gap = ctx.facts[(item.kind, item.id)].gap
    rule = f"[launch.tiers.{launch.tier}]"
    for channel in gap.channels:
        where = item.at(("channels",), key=True) if launch.channels else item.at(("tier",))
        ctx.warning(
            item,
            where,
            "tier-channel",
            f"a tier {launch.tier} launch needs the channel '{channel}' ({rule} in gtm.toml)",
        )
    for asset in gap.assets:
        where = item.at(("assets",), key=True) if launch.assets else item.at(("tier",))
        ctx.warning(
            item,
            where,
            "tier-asset",
            f"a tier {launch.tier} launch needs an asset of type '{asset}' ({rule} in gtm.toml)",
        )


def check_dates(item: Item, ctx: RuleContext) -> None:
    facts = ctx.facts[(item.kind, item.id)]
    days, limit = facts.days_since_review, ctx.config.build.freshness_days
    if facts.stale:
        ctx.warning(
            item,
            item.at(("reviewed",)),
            "stale",
            f"last reviewed {days} days ago (limit {limit}): review it and update 'reviewed'",
        )
    if isinstance(item.fields, Launch):
        overdue = {id(m) for m in facts.overdue}
        for index, milestone in enumerate(item.fields.milestones):
            if id(milestone) in overdue:
                ctx.warning(
                    item,
                    item.at(("milestones", index, "date")),
                    "overdue-milestone",
                    f"milestone '{milestone.id}' was due {milestone.date} and is not done",
                )


def check_claims(item: Item, ctx: RuleContext) -> None:
    """Stale claims, at their `as_of`; internal claims in a public build's artifacts; with
    `[claims] require_source`, proofs with no source."""
    rules = ctx.config.claims
    for path, claim in ctx.facts[(item.kind, item.id)].stale_claims:
        if isinstance(claim, Claim):
            days = (ctx.today - claim.as_of).days
            ctx.warning(
                item,
                item.at((*path, "as_of")),
                "stale-claim",
                f"claim last verified {days} days ago (limit {rules.max_age_days}): "
                "verify it and update 'as_of'",
            )
    public = ctx.audience == "public" and ctx.site.get(item.kind, item.id) is item
    for path, proof in proofs(item.fields):
        if public and isinstance(proof, Claim) and not shows_source(proof, ctx.audience):
            ctx.warning(
                item,
                item.at((*path, "kind")),
                "internal-claim",
                "an internal claim in a public artifact: the public build shows it without "
                "its source; back it with a public source or leave it out",
            )
        if rules.require_source and isinstance(proof, str):
            ctx.warning(
                item,
                item.at(path),
                "unsourced-proof",
                "this proof has no source: write it as a claim with 'claim', 'source' and "
                "'as_of' ([claims] require_source in gtm.toml)",
            )


def check_public_competitor(item: Item, ctx: ItemContext) -> None:
    if isinstance(item.fields, Competitor) and item.fields.visibility == "public":
        ctx.warning(
            item,
            item.at(("visibility",)),
            "public-competitor",
            "battlecards are for sales only: a public competitor appears in public builds",
        )


def check_brand(item: Item, ctx: ItemContext) -> None:
    for where, code, message in voice_hits(item, ctx.brand_patterns):
        ctx.warning(item, where, code, message)


def check_placeholders(item: Item, ctx: ItemContext) -> None:
    for leaf in item.leaves:
        if leaf.shape.prose is not None and leaf.value.strip().startswith("TODO"):
            ctx.warning(
                item,
                item.at(leaf.path),
                "placeholder",
                f"{leaf.path[-1] if isinstance(leaf.path[-1], str) else leaf.path[0]} "
                "still has its TODO placeholder",
            )


ITEM_RULES: tuple[ItemRule, ...] = (
    check_word_limits,
    check_unique_ids,
    check_milestones,
    check_public_competitor,
    check_brand,
    check_placeholders,
)
"""Rules that read only the item and the brand terms, so their findings are kept by the item's
file digest: `gtm serve` runs them again only on the files that changed."""
SITE_RULES: tuple[SiteRule, ...] = (check_message_house, check_tier, check_dates, check_claims)

ItemFindings = Reported[None]
"""What the item rules found in each file, by its digest and the brand's terms."""


def run_item_checks(
    items: Iterable[Item],
    brand: Brand | None,
    diagnostics: Diagnostics,
    memo: ItemFindings | None = None,
) -> None:
    """Runs the item rules on every item that validated, shown in this build or not; what
    they found in a file is kept by its digest and the brand's terms."""
    memo = memo if memo is not None else PerFile()
    patterns = brand_patterns(brand)
    terms = hashlib.sha1(repr(brand).encode()).hexdigest()
    for item in items:

        def item_rules(found: Diagnostics, item: Item = item) -> None:
            own = ItemContext(found, patterns)
            for rule in ITEM_RULES:
                rule(item, own)

        reported(memo, (item.path, item.source.digest, terms), diagnostics, item_rules)


def run_site_checks(
    site: Site,
    config: Config,
    today: date,
    diagnostics: Diagnostics,
    facts: Facts | None = None,
    audience: str = "internal",
) -> None:
    """Runs the site rules, which read other items, the config or the day, on every item
    that validated; `facts` are the build's derived facts (`derive_facts`), worked out here
    when not given."""
    facts = facts if facts is not None else derive_facts(site, config, today)
    ctx = RuleContext(
        diagnostics, site=site, config=config, today=today, facts=facts, audience=audience
    )
    for item in site.known.values():
        for rule in SITE_RULES:
            rule(item, ctx)
