"""The resolved site that templates receive: every artifact as an `Entry` with its output path,
PDF, backlinks and derived facts, and references as `Link`s that are already resolved, so a
template cannot reach anything a build leaves out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gtm.config import Config
from gtm.derive import (
    Health,
    TierGap,
    days_since_review,
    health,
    is_stale,
    overdue_milestones,
    positioning_statement,
    readiness,
    tier_gap,
)
from gtm.model import KINDS, Artifact, Launch, Milestone, Page
from gtm.routes import item_path, list_path, pdf_path
from gtm.site import Site
from gtm.validate import Item

KIND_LABELS = {
    "products": "Product",
    "personas": "Persona",
    "competitors": "Battlecard",
    "positioning": "Positioning",
    "messaging": "Message house",
    "launches": "Launch",
    "pages": "Guide",
}
KIND_TITLES = {
    "products": "Products",
    "personas": "Personas",
    "competitors": "Battlecards",
    "positioning": "Positioning",
    "messaging": "Messaging",
    "launches": "Launches",
    "pages": "Guides",
}


@dataclass(frozen=True)
class Link:
    """A reference as a reader sees it: a name, and a page only when the build has one."""

    name: str
    path: str | None


@dataclass(frozen=True)
class Entry:
    """One artifact of the build, ready for a template."""

    kind: str
    id: str
    fields: Artifact
    path: str
    pdf: str | None
    source_path: str
    backlinks: tuple[Link, ...]
    stale: bool
    days_since_review: int | None

    @property
    def name(self) -> str:
        return self.fields.name

    @property
    def summary(self) -> str | None:
        return self.fields.summary


@dataclass(frozen=True)
class LaunchFacts:
    readiness: float | None
    overdue: tuple[Milestone, ...]
    gap: TierGap


@dataclass(frozen=True)
class Portal:
    """The whole build as templates see it."""

    title: str
    language: str
    primary_color: str
    logo: str | None
    audience: str
    today: date
    kinds: dict[str, tuple[Entry, ...]]
    health: Health
    site: Site
    config: Config

    @property
    def kind_labels(self) -> dict[str, str]:
        """How a reader names one artifact of each kind ("Battlecard" for a competitor)."""
        return KIND_LABELS

    @property
    def kind_titles(self) -> dict[str, str]:
        return KIND_TITLES

    @property
    def nav(self) -> list[Link]:
        return [Link(KIND_TITLES[k], list_path(k)) for k in KINDS if self.kinds[k]]

    def entry(self, kind: str, ident: str) -> Entry | None:
        return next((e for e in self.kinds.get(kind, ()) if e.id == ident), None)

    def link(self, kind: str, ident: str) -> Link:
        entry = self.entry(kind, ident)
        if entry is not None:
            return Link(entry.name, entry.path)
        item = self.site.known.get((kind, ident))
        return Link(item.fields.name if item else ident, None)

    def entry_of(self, item: Item) -> Entry | None:
        return self.entry(item.kind, item.id)

    def statement(self, entry: Entry) -> str:
        item = self.site.known[(entry.kind, entry.id)]
        return positioning_statement(item, self.site)

    def launch_facts(self, entry: Entry) -> LaunchFacts:
        launch = entry.fields
        assert isinstance(launch, Launch)
        return LaunchFacts(
            readiness=readiness(launch),
            overdue=tuple(overdue_milestones(launch, self.today)),
            gap=tier_gap(launch, self.config),
        )

    def upcoming_launches(self) -> list[Entry]:
        launches = [e for e in self.kinds["launches"] if isinstance(e.fields, Launch)]
        live = [e for e in launches if e.fields.state not in ("launched", "cancelled")]  # type: ignore[attr-defined]
        return sorted(live, key=lambda e: (e.fields.date, e.id))  # type: ignore[attr-defined]

    def recently_reviewed(self, count: int = 6) -> list[Entry]:
        reviewed = [e for k in KINDS for e in self.kinds[k] if e.fields.reviewed]
        return sorted(reviewed, key=lambda e: (e.fields.reviewed, e.path), reverse=True)[:count]

    def pdfs(self) -> list[Entry]:
        return [e for k in KINDS for e in self.kinds[k] if e.pdf]

    def neighbours(self, entry: Entry, count: int = 9) -> list[Entry]:
        """Up to `count` entries of the same kind around `entry`, in list order: a sidebar
        that stays short when a portal has hundreds of guides."""
        entries = self.kinds[entry.kind]
        index = next((i for i, e in enumerate(entries) if e.path == entry.path), 0)
        start = max(0, min(index - count // 2, len(entries) - count))
        return list(entries[start : start + count])

    def related(self, entry: Entry, kind: str) -> list[Entry]:
        """The entries of `kind` that refer to `entry` (what a product page gathers)."""
        paths = {link.path for link in entry.backlinks}
        return [e for e in self.kinds[kind] if e.path in paths]


def make_portal(site: Site, config: Config, today: date, audience: str, pdf: bool) -> Portal:
    kinds: dict[str, tuple[Entry, ...]] = {}
    for kind in KINDS:
        entries = [_entry(item, site, config, today, pdf) for item in site.items[kind].values()]
        kinds[kind] = tuple(sorted(entries, key=_order))
    logo = config.brand.logo
    return Portal(
        title=config.site.title,
        language=config.site.language,
        primary_color=config.brand.primary_color,
        logo=logo.lstrip("/") if logo else None,
        audience=audience,
        today=today,
        kinds=kinds,
        health=health(site, config, today),
        site=site,
        config=config,
    )


def _entry(item: Item, site: Site, config: Config, today: date, pdf: bool) -> Entry:
    backlinks = []
    for kind, ident in site.backlinks.get((item.kind, item.id), ()):
        source = site.get(kind, ident)
        if source is not None:
            backlinks.append(Link(source.fields.name, item_path(kind, ident)))
    return Entry(
        kind=item.kind,
        id=item.id,
        fields=item.fields,
        path=item_path(item.kind, item.id),
        pdf=pdf_path(item.kind, item.id) if pdf else None,
        source_path=item.path,
        backlinks=tuple(sorted(backlinks, key=lambda link: link.name.lower())),
        stale=is_stale(item, today, config.build.freshness_days),
        days_since_review=days_since_review(item, today),
    )


def _order(entry: Entry) -> tuple[float, str, str]:
    fields = entry.fields
    order = fields.order if isinstance(fields, Page) and fields.order is not None else 1e9
    return (order, entry.name.lower(), entry.id)
