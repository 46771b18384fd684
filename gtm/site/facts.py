"""What is derived from the content and the date, computed once per build in `derive_facts` and
read everywhere: staleness, launch readiness, overdue milestones and tier gaps (by the rules,
the pages, the PDFs and the health page), positioning statements and GTM health."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from gtm.content.config import Config
from gtm.content.model import (
    Claim,
    Competitor,
    Launch,
    Messaging,
    Milestone,
    Persona,
    Pillar,
    Positioning,
    Product,
)
from gtm.content.validate import Item
from gtm.diagnostics import Diagnostic
from gtm.site.claims import ProofAt, stale_claims
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
    """The written statement, or the classic one generated from the positioning's fields,
    worded as copy: the buyers by their roles and segment, the category as a noun."""
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
    noun = category_noun(category)
    text = (
        f"For {audience(site, fields.target)} who {_clause(fields.need)}, {product_name} is "
        f"{_article(noun)} {noun} that {_clause(fields.key_benefit)}."
    )
    differentiator = _clause(fields.differentiators[0]) if fields.differentiators else ""
    if fields.alternatives and differentiator:
        rivals = join_names([display_name(site, "competitors", c) for c in fields.alternatives])
        text += f" Unlike {rivals}, {product_name} {differentiator}."
    elif differentiator:
        text += f" {product_name} {differentiator}."
    return text


ORGANISATIONS = {"companies", "company", "teams", "organizations", "organisations", "businesses"}
ACTIVITY_ENDINGS = ("tion", "ment", "ing", "ics", "ity", "ence", "ance", "ness", "nse")


def audience(site: Site, targets: list[str]) -> str:
    """Who the statement speaks to as a copywriter names them: "the Chief Financial Officer
    and the VP of Engineering at mid-market SaaS companies", from the personas' roles and
    their shared segment; a persona the build leaves out is named, nothing more."""
    roles: list[str] = []
    segments: set[str | None] = set()
    for ident in targets:
        shown = site.get("personas", ident)
        persona = shown.fields if shown else None
        if isinstance(persona, Persona):
            role = f"the {' '.join(persona.role.split())}"
            segments.add(persona.segment)
        else:
            role = display_name(site, "personas", ident)
            segments.add(None)
        if role not in roles:
            roles.append(role)
    (segment,) = segments if len(segments) == 1 else (None,)
    if not segment:
        return join_names(roles)
    words = _lower_first(" ".join(segment.split()))
    if words.split()[-1].lower() not in ORGANISATIONS:
        words += " companies"
    return f"{join_names(roles)} at {words}"


def category_noun(category: str) -> str:
    """A category that reads after "a": "Financial close automation" becomes "financial close
    automation platform"; one that already ends in a noun is kept."""
    words = _lower_first(" ".join(category.split()))
    if words.lower().endswith(ACTIVITY_ENDINGS):
        words += " platform"
    return words


def _lower_first(text: str) -> str:
    """Lower case for the first letter of a phrase set inside a sentence, but not of an
    acronym or a name written in capitals ("SaaS", "AIOps", "CRM")."""
    first = text.split()[0] if text.split() else ""
    if len(first) > 1 and any(c.isupper() for c in first[1:]):
        return text
    return text[:1].lower() + text[1:]


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
    stale_claims: tuple[ProofAt, ...] = ()
    """Claims whose `as_of` is older than `[claims] max_age_days`, with their paths."""


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
            claims = stale_claims(fields, config, today)
            facts[key] = ItemFacts(days, stale, stale_claims=claims)
    return facts


@dataclass(frozen=True)
class Health:
    """The GTM health page: what needs a product marketer's attention now."""

    stale: tuple[Item, ...]
    stale_claims: tuple[tuple[Item, Claim], ...]
    """Claims to verify again before a rep repeats them."""
    unreviewed: tuple[Item, ...]
    """Guides and launches with no `reviewed` date: freshness cannot tell when they age."""
    overdue: tuple[tuple[Item, Milestone], ...]
    at_risk: tuple[Item, ...]
    personas_without_message: tuple[Item, ...]
    competitors_without_objections: tuple[Item, ...]
    pillars_without_proof: tuple[tuple[Item, Pillar], ...]
    without_owner: tuple[Item, ...]
    brand: tuple[tuple[Item, Diagnostic], ...]
    """Brand terms, banned words and unbacked superlatives that `gtm check` warns about: the
    text is still printed (it is the author's), so the health page lists where."""
    tier_gaps: tuple[tuple[Item, TierGap], ...]

    @property
    def problems(self) -> int:
        return sum(len(found) for found in self._lists().values())

    def _lists(self) -> dict[str, tuple[Any, ...]]:
        return {name: getattr(self, name) for name in HEALTH_LISTS}

    def by_owner(self) -> list[tuple[str | None, list[OwnerTask]]]:
        """Every problem under the owner of its artifact (a milestone's own owner first),
        owners by name and the unowned last, so each owner sees their own list."""
        tasks: dict[str | None, list[OwnerTask]] = {}
        for name, found in self._lists().items():
            for problem in found:
                item, detail = problem if isinstance(problem, tuple) else (problem, None)
                owner = getattr(detail, "owner", None) or item.fields.owner
                tasks.setdefault(owner, []).append(OwnerTask(name, item, detail))
        return sorted(tasks.items(), key=lambda pair: (pair[0] is None, (pair[0] or "").lower()))


HEALTH_LISTS = (
    "stale",
    "stale_claims",
    "unreviewed",
    "overdue",
    "at_risk",
    "personas_without_message",
    "competitors_without_objections",
    "pillars_without_proof",
    "without_owner",
    "brand",
    "tier_gaps",
)
"""The lists of `Health`, in the order the page shows them."""


@dataclass(frozen=True)
class OwnerTask:
    """One problem in an owner's list: which check found it, on what, and the detail (the
    milestone, pillar, brand finding or tier gap) when the check has one."""

    check: str
    item: Item
    detail: object


UNREVIEWED_KINDS = frozenset({"pages", "launches"})
BRAND_CODES = frozenset({"brand-term", "banned-word", "superlative"})


def health(site: Site, facts: Facts, findings: Iterable[Diagnostic] = ()) -> Health:
    """What needs attention among the artifacts the build shows; `findings` are the check's
    diagnostics, of which the brand warnings are listed."""
    items = list(site.all_items())
    by_path = {item.path: item for item in items}
    messaged = {
        pm.persona
        for item in site.items["messaging"].values()
        if isinstance(item.fields, Messaging)
        for pm in item.fields.persona_messages
    }
    launches = [(item, facts[(item.kind, item.id)]) for item in site.items["launches"].values()]
    return Health(
        stale=tuple(i for i in items if facts[(i.kind, i.id)].stale),
        stale_claims=tuple(
            (i, claim)
            for i in items
            for _, claim in facts[(i.kind, i.id)].stale_claims
            if isinstance(claim, Claim)
        ),
        unreviewed=tuple(
            i for i in items if i.kind in UNREVIEWED_KINDS and i.fields.reviewed is None
        ),
        overdue=tuple((item, ms) for item, found in launches for ms in found.overdue),
        at_risk=tuple(item for item, found in launches if found.at_risk),
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
        pillars_without_proof=tuple(
            (item, pillar)
            for item in site.items["messaging"].values()
            if isinstance(item.fields, Messaging)
            for pillar in item.fields.pillars
            if not pillar.proof_points
        ),
        without_owner=tuple(i for i in items if not i.fields.owner),
        brand=tuple(
            (by_path[d.path], d) for d in findings if d.code in BRAND_CODES and d.path in by_path
        ),
        tier_gaps=tuple(
            (item, found.gap) for item, found in launches if found.gap.channels or found.gap.assets
        ),
    )
