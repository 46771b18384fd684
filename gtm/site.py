"""Links the validated items into the site: every reference and `gtm:` link resolved (or reported
with suggestions), drafts and, for a public build, internal items kept out, backlinks indexed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from gtm.diagnostics import Diagnostic, Diagnostics, did_you_mean
from gtm.markdown import CODE, GTM_SCHEME, find_gtm_links, parse_link, scan_all
from gtm.model import KINDS, SINGULAR, Brand
from gtm.project import RunOptions
from gtm.sources import PerFile, reported
from gtm.validate import Item
from gtm.yamldoc import PathKey

Key = tuple[str, str]


@dataclass(frozen=True)
class Reference:
    """One use of another artifact: from where (item and field path) to which (kind, id)."""

    source: Item
    path: PathKey
    target: Key
    line: int
    column: int
    link: bool = False


@dataclass(frozen=True)
class Site:
    """The linked content of one build. `items` holds what the build shows; `known` every item
    that validated, so a left-out one can still be named."""

    items: dict[str, dict[str, Item]]
    known: dict[Key, Item]
    brand: Brand | None
    references: tuple[Reference, ...]
    backlinks: dict[Key, tuple[Key, ...]] = field(default_factory=dict)

    def get(self, kind: str, ident: str) -> Item | None:
        return self.items.get(kind, {}).get(ident)

    def all_items(self) -> Iterator[Item]:
        for kind in KINDS:
            yield from self.items.get(kind, {}).values()


def shown(item: Item, options: RunOptions) -> bool:
    """Whether a build with these options contains the item."""
    if item.fields.status == "draft" and not options.drafts:
        return False
    return not (options.audience == "public" and item.fields.visibility != "public")


def link_site(
    items: list[Item], brand: Brand | None, options: RunOptions, diagnostics: Diagnostics
) -> Site:
    """Resolves every reference and `gtm:` link; problems are reported, never raised. Items
    that failed validation are not part of the site, but their references are still checked."""
    unlinked = (item for item in items if (item.path, item.source.digest) not in _REFERENCES)
    scan_all((text for text in markdown_texts(unlinked) if GTM_SCHEME in text), jobs=options.jobs)
    known = {(item.kind, item.id): item for item in items if item.complete}
    ids_by_kind: dict[str, set[str]] = defaultdict(set)
    for item in items:
        ids_by_kind[item.kind].add(item.id)
    _check_page_ids(items, diagnostics)
    shown_items: dict[str, dict[str, Item]] = {kind: {} for kind in KINDS}
    for item in known.values():
        if shown(item, options):
            shown_items[item.kind][item.id] = item
    references: list[Reference] = []
    backlinks: dict[Key, set[Key]] = defaultdict(set)
    for item in items:
        key = (item.path, item.source.digest)
        found = reported(
            _REFERENCES, key, diagnostics, lambda problems, i=item: tuple(_references(i, problems))
        )
        source = (item.kind, item.id)
        visible = item.complete and shown_items[item.kind].get(item.id) is item
        for reference in found:
            kind, ident = reference.target
            if ident not in ids_by_kind[kind]:
                _report_unknown(reference, ids_by_kind, diagnostics)
            elif item.complete and reference.target in known:
                references.append(reference)
                if visible and ident not in shown_items[kind]:
                    _report_left_out(reference, known[reference.target], options, diagnostics)
                if visible and source != reference.target:
                    backlinks[reference.target].add(source)
    return Site(
        items=shown_items,
        known=known,
        brand=brand,
        references=tuple(references),
        backlinks={key: tuple(sorted(value)) for key, value in sorted(backlinks.items())},
    )


RESERVED_PAGE_IDS = frozenset(
    {*KINDS, "search", "health", "downloads", "pdf", "assets", "static", "index", "404"}
)


def _check_page_ids(items: list[Item], diagnostics: Diagnostics) -> None:
    for item in items:
        if item.kind == "pages" and item.id in RESERVED_PAGE_IDS:
            diagnostics.error(
                item.path,
                1,
                1,
                "reserved-id",
                f"a page cannot be called '{item.id}': the portal uses that name; rename the file",
            )


def markdown_texts(items: Iterable[Item]) -> Iterator[str]:
    """Every Markdown field and body of the items, for compiling them all at once."""
    for item in items:
        yield from _markdown_texts(item)


_TEXTS: PerFile[tuple[str, ...]] = PerFile()
_REFERENCES: PerFile[tuple[tuple[Reference, ...], tuple[Diagnostic, ...]]] = PerFile()


def _markdown_texts(item: Item) -> tuple[str, ...]:
    def find() -> tuple[str, ...]:
        return tuple(
            leaf.value
            for leaf in item.leaves
            if leaf.shape.prose is not None
            and leaf.shape.prose.markdown
            and isinstance(leaf.value, str)
        )

    return _TEXTS.get((item.path, item.source.digest), find)


def _references(item: Item, diagnostics: Diagnostics) -> Iterator[Reference]:
    """Reference fields and `gtm:` links in every Markdown field and the body, in file order."""
    for leaf in item.leaves:
        if not isinstance(leaf.value, str):
            continue
        if leaf.shape.ref is not None:
            line, column = item.at(leaf.path)
            yield Reference(item, leaf.path, (leaf.shape.ref.kind, leaf.value), line, column)
        elif leaf.shape.prose is not None and leaf.shape.prose.markdown and "gtm:" in leaf.value:
            yield from _links(item, leaf.path, leaf.value, diagnostics)


def _links(item: Item, path: PathKey, text: str, diagnostics: Diagnostics) -> Iterator[Reference]:
    seen: dict[str, int] = {}
    find = item.source.finder(path, CODE)
    for href in find_gtm_links(text):
        occurrence = seen.get(href, 0)
        seen[href] = occurrence + 1
        found = find(href, occurrence)
        line, column = found or item.at(path)
        target = parse_link(href)
        if target is None:
            diagnostics.error(
                item.path,
                line,
                column,
                "bad-link",
                f"link '{href}' should look like gtm:<kind>/<id>, e.g. gtm:personas/devops-dana",
            )
        elif target.kind not in KINDS:
            hint = did_you_mean(target.kind, KINDS)
            diagnostics.error(
                item.path,
                line,
                column,
                "unknown-link",
                f"link '{href}': there is no kind '{target.kind}'{hint}",
            )
        else:
            yield Reference(item, path, (target.kind, target.id), line, column, link=True)


def _report_unknown(
    reference: Reference, ids_by_kind: dict[str, set[str]], diagnostics: Diagnostics
) -> None:
    kind, ident = reference.target
    item = reference.source
    hint = did_you_mean(ident, sorted(ids_by_kind.get(kind, ())))
    if reference.link:
        code, what = "unknown-link", f"link 'gtm:{kind}/{ident}': "
    else:
        code, what = "unknown-reference", ""
    message = f"{what}{SINGULAR[kind]} '{ident}' does not exist{hint}"
    diagnostics.error(item.path, reference.line, reference.column, code, message)


def _report_left_out(
    reference: Reference, target: Item, options: RunOptions, diagnostics: Diagnostics
) -> None:
    """A shown item that refers to one the build leaves out shows only that one's name."""
    if target.fields.status == "draft" and not options.drafts:
        code, why = "draft-reference", "is a draft"
    else:
        code, why = "internal-reference", "is internal"
    kind, ident = reference.target
    item = reference.source
    diagnostics.warning(
        item.path,
        reference.line,
        reference.column,
        code,
        f"{SINGULAR[kind]} '{ident}' {why}: this build shows only its name",
    )
