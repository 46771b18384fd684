"""Markdown as gtm reads it: one markdown-it configuration (GitHub-style tables, strikethrough,
task lists, alerts, footnotes, heading anchors; raw HTML escaped unless allowed), the `gtm:`
links in it, and rendering to safe HTML with those links resolved."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

GTM_SCHEME = "gtm:"
GTM_LINK = re.compile(r"^gtm:([a-z]+)/([^/#?\s]+)(#[^\s]*)?$")
CODE = re.compile(r"^(```|~~~).*?^\1|`[^`\n]*`", re.DOTALL | re.MULTILINE)
FENCE_MARKS = re.compile(r"^\s*(?:```|~~~).*$|^\s*\|?[\s:|-]*-{3,}[\s:|-]*$", re.MULTILINE)
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MARKUP = re.compile(
    r"^\s{0,3}(?:#{1,6}\s|>\s?|[-*+]\s+(?:\[[ xX]\]\s)?|\d+[.)]\s)|[*_`~|]+|<[^>\n]+>|\\",
    re.MULTILINE,
)
SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:|#|[^:]*$)", re.IGNORECASE)

Resolver = Callable[["LinkTarget"], str | None]


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """`gtm:personas/devops-dana#pains` read as kind, id and an optional fragment."""

    kind: str
    id: str
    fragment: str = ""


@cache
def parser(allow_html: bool = False) -> MarkdownIt:
    """The one Markdown configuration, shared by link checks and rendering."""
    md = MarkdownIt("commonmark", {"html": allow_html})
    md.enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.options["alerts"] = True
    md.use(footnote_plugin, inline=False)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
    md.validateLink = _safe_link  # type: ignore[method-assign]
    md.add_render_rule("list_item_open", _list_item_open)
    return md


def _list_item_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A task's checkbox says what it shows to screen readers too: "done" or "to do"."""
    token = tokens[idx]
    html = self.renderToken(tokens, idx, options, env)
    if token.meta and "checked" in token.meta:
        checked = bool(token.meta["checked"])
        state = ' checked="" aria-label="Done"' if checked else ' aria-label="To do"'
        html += f'<input class="task-list-item-checkbox" disabled="" type="checkbox"{state}> '
    return html


def slugify(text: str) -> str:
    """A heading's anchor: `Why we win` → `why-we-win`."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _safe_link(url: str) -> bool:
    """Only web, mail, phone, in-page, relative and `gtm:` links; anything else stays text."""
    url = url.strip()
    return url.startswith(GTM_SCHEME) or bool(SAFE_SCHEME.match(url))


def parse_link(href: str) -> LinkTarget | None:
    """The target of a `gtm:` href, or None when it is not of the form `gtm:<kind>/<id>`."""
    match = GTM_LINK.match(href)
    if not match:
        return None
    return LinkTarget(match.group(1), match.group(2), (match.group(3) or "")[1:])


@lru_cache(maxsize=8192)
def find_gtm_links(text: str) -> tuple[str, ...]:
    """Every `gtm:` href of a link or image in `text`, in order; code is not searched."""
    if GTM_SCHEME not in text:
        return ()
    found: list[str] = []
    for token in parser().parse(text):
        for child in token.children or ():
            if child.type == "link_open":
                href = str(child.attrs.get("href", ""))
            elif child.type == "image":
                href = str(child.attrs.get("src", ""))
            else:
                continue
            if href.startswith(GTM_SCHEME):
                found.append(href)
    return tuple(found)


def render_markdown(text: str, resolve: Resolver, allow_html: bool = False) -> str:
    """Safe HTML for `text`; a `gtm:` link the resolver cannot place becomes its plain text."""
    md = parser(allow_html)
    env: dict[str, object] = {}
    tokens = md.parse(text, env)
    for token in tokens:
        if token.children:
            token.children = _resolve_links(token.children, resolve)
    return str(md.renderer.render(tokens, md.options, env))


def _resolve_links(children: list[Token], resolve: Resolver) -> list[Token]:
    result: list[Token] = []
    unwrap = 0
    for child in children:
        if child.type == "link_open":
            href = str(child.attrs.get("href", ""))
            if href.startswith(GTM_SCHEME):
                target = parse_link(href)
                url = resolve(target) if target else None
                if url is None:
                    unwrap += 1
                    continue
                child.attrs["href"] = url
        elif child.type == "link_close" and unwrap:
            unwrap -= 1
            continue
        result.append(child)
    return result


def plain_text(text: str) -> str:
    """The words of a Markdown text without its markup, for the search index. A few
    substitutions instead of a parse: search needs the words, and a second full Markdown pass
    over every body would cost as much as rendering the portal."""
    text = FENCE_MARKS.sub(" ", text)
    text = LINK.sub(r"\1", text)
    text = MARKUP.sub(" ", text)
    return " ".join(text.split())
