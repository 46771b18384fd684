"""Links the validated items into the site: every reference and `gtm:` link resolved (or reported
with suggestions), drafts and, for a public build, internal items kept out, backlinks indexed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import unquote

from gtm.content.commonmark import CODE, TextLinks, parse_link
from gtm.content.kinds import KINDS
from gtm.content.markdown import MarkdownMemo, find_links
from gtm.content.model import Brand
from gtm.content.project import RunOptions
from gtm.content.validate import Item
from gtm.content.yamldoc import PathKey
from gtm.diagnostics import Diagnostics, did_you_mean
from gtm.memo import PerFile, Reported, reported

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Reference:
    """One use of another artifact: from where (item and field path) to which (kind, id)."""

    source: Item
    path: PathKey
    target: Key
    line: int
    column: int
    link: bool = False


@dataclass(frozen=True, slots=True)
class WrittenLink:
    """A link in an item's Markdown that leads to a page, file or anchor of the portal: a
    relative one, or a `gtm:` link with a fragment. `gtm check` follows it before anything is
    rendered, as the build's crawler follows it after."""

    source: Item
    href: str
    line: int
    column: int
    target: Key | None = None
    """The artifact of a `gtm:` link; None for a relative link, which leads from the page of
    `source`."""
    fragment: str = ""


@dataclass(frozen=True)
class FileLinks:
    """What one file refers to: references to other artifacts, and links to follow."""

    references: tuple[Reference, ...]
    written: tuple[WrittenLink, ...]


@dataclass(frozen=True)
class Site:
    """The linked content of one build. `items` holds what the build shows; `known` every item
    that validated, so a left-out one can still be named."""

    items: dict[str, dict[str, Item]]
    known: dict[Key, Item]
    brand: Brand | None
    references: tuple[Reference, ...]
    backlinks: dict[Key, tuple[Key, ...]] = field(default_factory=dict)
    written: tuple[WrittenLink, ...] = ()
    """The links written in the Markdown of the items the build shows."""

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


@dataclass
class LinkMemo:
    """What linking found in each file, by its digest: its Markdown texts, and its references
    and links with the problems they have on their own."""

    texts: PerFile[tuple[str, ...]] = field(default_factory=PerFile)
    references: Reported[FileLinks] = field(default_factory=PerFile)


def link_site(
    items: list[Item],
    brand: Brand | None,
    options: RunOptions,
    diagnostics: Diagnostics,
    unread: Iterable[Key] = (),
    allow_html: bool = False,
    memo: LinkMemo | None = None,
    markdown: MarkdownMemo | None = None,
) -> Site:
    """Resolves every reference and `gtm:` link; problems are reported, never raised. Items
    that failed validation are not part of the site, but their references are still checked.
    The `unread` files could not be read as content: they are reported already, and what
    refers to them is not reported again. The links of Markdown come from the `markdown` memo,
    which a build fills before it links."""
    memo = memo if memo is not None else LinkMemo()
    known = known_items(items)
    ids_by_kind: dict[str, set[str]] = defaultdict(set)
    for item in items:
        ids_by_kind[item.kind].add(item.id)
    for kind, ident in unread:
        ids_by_kind[kind].add(ident)
    _check_page_ids(items, diagnostics)
    shown_items: dict[str, dict[str, Item]] = {kind: {} for kind in KINDS}
    for item in known.values():
        if shown(item, options):
            shown_items[item.kind][item.id] = item
    references: list[Reference] = []
    written: list[WrittenLink] = []
    backlinks: dict[Key, set[Key]] = defaultdict(set)
    for item in items:
        key = (item.path, item.source.digest, allow_html)
        found = reported(
            memo.references,
            key,
            diagnostics,
            partial(_file_links, item, allow_html=allow_html, markdown=markdown),
        )
        source = (item.kind, item.id)
        visible = item.complete and shown_items[item.kind].get(item.id) is item
        if visible:
            written.extend(found.written)
        for reference in found.references:
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
        written=tuple(written),
    )


def known_items(items: Iterable[Item]) -> dict[Key, Item]:
    """The items that validated whole, by kind and id: the site's `known`."""
    return {(item.kind, item.id): item for item in items if item.complete}


RESERVED_PAGE_IDS = frozenset(
    {*KINDS, "search", "health", "downloads", "changes", "pdf", "assets", "static", "index", "404"}
    | {"api", "embed", "search-index"}
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


def markdown_texts(
    items: Iterable[Item], memo: PerFile[tuple[str, ...]] | None = None
) -> Iterator[str]:
    """Every Markdown field and body of the items, for compiling them all at once; kept by
    each file's digest in `memo`."""
    for item in items:
        yield from _markdown_texts(item, memo)


def _markdown_texts(item: Item, memo: PerFile[tuple[str, ...]] | None) -> tuple[str, ...]:
    def find() -> tuple[str, ...]:
        return tuple(
            leaf.value
            for leaf in item.leaves
            if leaf.shape.prose is not None
            and leaf.shape.prose.markdown
            and isinstance(leaf.value, str)
        )

    return find() if memo is None else memo.get((item.path, item.source.digest), find)


def _file_links(
    item: Item, diagnostics: Diagnostics, allow_html: bool, markdown: MarkdownMemo | None
) -> FileLinks:
    """Reference fields, and the links of every Markdown field and the body, in file order."""
    references: list[Reference] = []
    written: list[WrittenLink] = []
    for leaf in item.leaves:
        if not isinstance(leaf.value, str):
            continue
        if leaf.shape.ref is not None:
            line, column = item.at(leaf.path)
            references.append(
                Reference(item, leaf.path, (leaf.shape.ref.kind, leaf.value), line, column)
            )
        elif leaf.shape.prose is not None and leaf.shape.prose.markdown:
            found = find_links(leaf.value, allow_html, markdown)
            if found.gtm or found.local:
                _links(item, leaf.path, found, diagnostics, references, written)
    return FileLinks(tuple(references), tuple(written))


def _links(
    item: Item,
    path: PathKey,
    found: TextLinks,
    diagnostics: Diagnostics,
    references: list[Reference],
    written: list[WrittenLink],
) -> None:
    seen: dict[str, int] = {}
    find = item.source.finder(path, CODE, ends=LINK_ENDS)

    def where(href: str) -> tuple[int, int]:
        occurrence = seen.get(href, 0)
        seen[href] = occurrence + 1
        return find(href, occurrence) or find(unquote(href), 0) or item.at(path)

    for href in found.local:
        line, column = where(href)
        written.append(WrittenLink(item, href, line, column))
    for href in found.gtm:
        line, column = where(href)
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
            key = (target.kind, target.id)
            references.append(Reference(item, path, key, line, column, link=True))
            if target.fragment:
                written.append(WrittenLink(item, href, line, column, key, target.fragment))


LINK_ENDS = " \t\n)>\"'"
"""What may follow a link's address where it is written: a link is not found inside another."""


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
    message = f"{what}{KINDS[kind].singular} '{ident}' does not exist{hint}"
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
        f"{KINDS[kind].singular} '{ident}' {why}: this build shows only its name",
    )
