"""The pages, files and anchors a link written in the content may lead to, known before anything
is rendered: `gtm check` follows every such link against them, so it reports each broken link
the build's crawler would. The default theme renders exactly these ids (a test holds it to
them); a theme that renders fewer is caught by that crawler, at build time."""

from __future__ import annotations

from collections.abc import Callable, Set

from gtm.content.markdown import MarkdownMemo, anchor_ids
from gtm.content.model import Launch, Messaging, Product
from gtm.content.validate import Item
from gtm.diagnostics import Diagnostics
from gtm.site.claims import source_keys, sources_anchor
from gtm.site.link import Site, markdown_texts
from gtm.site.routes import Destination, item_path, link_problem, resolve_link

Shown = Callable[[Item, Site], bool]
"""Whether an item's page has a section: most sections are there when their field has a
value."""


def _always(item: Item, site: Site) -> bool:
    return True


def _has(*names: str) -> Shown:
    return lambda item, site: any(getattr(item.fields, name, None) for name in names)


def _has_kit(item: Item, site: Site) -> bool:
    """A product's go-to-market kit: the positioning, message houses and launches of it."""
    return any(
        getattr(other.fields, "product", None) == item.id
        for kind in ("positioning", "messaging", "launches")
        for other in site.items.get(kind, {}).values()
    )


SECTION_ANCHORS: dict[str, tuple[tuple[str, Shown], ...]] = {
    "products": (
        ("description", _has("description")),
        ("gtm-kit", _has_kit),
        ("features", _has("features")),
        ("pricing", _has("pricing")),
    ),
    "personas": (
        ("goals", _always),
        ("pains", _always),
        ("objections", _has("objections")),
        ("triggers", _has("triggers")),
        ("channels", _has("channels")),
        ("what-to-say", _always),
    ),
    "competitors": (
        ("their-pitch", _has("their_pitch")),
        ("quick-dismiss", _has("quick_dismiss")),
        ("overview", _has("overview")),
        ("sw", _always),
        ("why-we-win", _always),
        ("landmines", _has("landmines")),
        ("objections", _always),
        ("wins", _has("wins")),
        ("their-pricing", _has("pricing")),
    ),
    "positioning": (
        ("statement", _always),
        ("canvas", _always),
        ("differentiators", _always),
        ("proof", _always),
    ),
    "messaging": (
        ("house", _always),
        ("matrix", _always),
        ("copy", _has("elevator_pitch", "boilerplate", "taglines")),
    ),
    "launches": (
        ("goals", _always),
        ("who-what", _always),
        ("tier-check", _always),
        ("milestones", _has("milestones")),
        ("channels", _has("channels")),
        ("assets", _has("assets")),
        ("risks", _has("risks")),
        ("brief", _has("body")),
    ),
    "pages": (),
}
"""Each kind's sections, by the id of the heading that starts them: a link such as
`gtm:competitors/pagestorm#objections` points at one."""

PAGE_ANCHORS: dict[str, frozenset[str]] = {
    "health/index.html": frozenset(
        {"stale", "stale-claims", "unreviewed", "overdue", "at-risk", "personas-without-message"}
        | {"competitors-without-objections", "pillars-without-proof", "without-owner"}
        | {"brand", "tier-gaps", "by-owner"}
    ),
}
"""The ids of the portal's own pages beyond `main`, the start of every page's content."""


def page_anchors(
    item: Item,
    site: Site,
    allow_html: bool = False,
    markdown: MarkdownMemo | None = None,
    audience: str = "internal",
) -> frozenset[str]:
    """The ids of an artifact's page: its sections, one per milestone, feature or pillar, its
    list of sources and each source, and the headings and footnotes of its Markdown."""
    ids = {"main"}
    ids.update(name for name, shown in SECTION_ANCHORS[item.kind] if shown(item, site))
    sources = source_keys(item.fields, audience)
    if sources:
        anchor = sources_anchor(item.kind, item.id)
        ids.update({"sources", *(f"{anchor}-{n}" for n in range(1, len(sources) + 1))})
    fields = item.fields
    if isinstance(fields, Launch):
        ids.update(f"milestone-{milestone.id}" for milestone in fields.milestones)
    elif isinstance(fields, Product):
        ids.update(f"feature-{feature.id}" for feature in fields.features)
    elif isinstance(fields, Messaging):
        ids.update(f"pillar-{pillar.id}" for pillar in fields.pillars)
    for text in markdown_texts([item]):
        ids.update(anchor_ids(text, allow_html, markdown))
    return frozenset(ids)


def check_written_links(
    site: Site,
    exists: Set[str],
    allow_html: bool,
    diagnostics: Diagnostics,
    markdown: MarkdownMemo | None = None,
    audience: str = "internal",
) -> None:
    """Every link written in the Markdown of the shown items must lead to one of the files
    that `exists` in the build and, on a page, to one of its ids: `broken-link` where not."""
    pages = {item_path(item.kind, item.id): item for item in site.all_items()}
    known: dict[str, frozenset[str]] = {}

    def ids(path: str) -> frozenset[str]:
        if path not in known:
            item = pages.get(path)
            found = (
                page_anchors(item, site, allow_html, markdown, audience)
                if item
                else PAGE_ANCHORS.get(path)
            )
            known[path] = found or frozenset({"main"})
        return known[path]

    for link in site.written:
        page = item_path(link.source.kind, link.source.id)
        destination: Destination
        if link.target is not None:
            if site.get(*link.target) is None:
                continue  # the page shows the target's name, not a link
            destination = (item_path(*link.target), link.fragment)
        else:
            destination = resolve_link(page, link.href)
        problem = link_problem(page, destination, exists, ids)
        if problem is not None:
            source = link.source
            message = f"link '{link.href}' {problem}"
            diagnostics.error(source.path, link.line, link.column, "broken-link", message)
