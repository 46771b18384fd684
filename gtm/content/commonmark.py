"""Markdown as gtm reads it: one markdown-it configuration (GitHub-style tables, strikethrough,
task lists, alerts, footnotes, heading anchors; raw HTML escaped unless allowed), and what one
text gives: its safe HTML with its `gtm:` links left to resolve, and its links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from html import unescape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore, block, normalize
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

GTM_SCHEME = "gtm:"
GTM_ANCHOR = re.compile(r'<a href="(gtm:[^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)
GTM_LINK = re.compile(r"^gtm:([a-z]+)/([^/#?\s]+)(#[^\s]*)?$")
CODE = re.compile(r"^(```|~~~).*?^\1|`[^`\n]*`", re.DOTALL | re.MULTILINE)
BLOCK_TAG = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|table|thead|tbody|tr|td|th|blockquote|pre|div|hr|br|section)\b[^>]*>"
)
TAG = re.compile(r"<[^>]*>")
FOOTNOTE_BACKREF = re.compile("\u21a9\ufe0e?")
SAFE_SCHEME = re.compile(r"^(https?:|mailto:|tel:|#|[^:]*$)", re.IGNORECASE)

EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
"""A link with a scheme (`https:`, `mailto:`, `gtm:`) or to another host leads out of the
files of the build; everything else is followed."""

Resolver = Callable[["LinkTarget"], str | None]


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """`gtm:personas/devops-dana#pains` read as kind, id and an optional fragment."""

    kind: str
    id: str
    fragment: str = ""


@cache
def parser(allow_html: bool = False, tables: bool = True, setext: bool = True) -> MarkdownIt:
    """The one Markdown configuration, shared by link checks and rendering. Without `tables`
    or `setext` it is only faster, for the texts `parser_for` gives it."""
    md = MarkdownIt("commonmark", {"html": allow_html})
    md.enable(["table", "strikethrough"])
    if not tables:
        md.disable("table")
    if not setext:
        md.block.ruler.at("lheading", _no_setext_heading)
    md.options["tasklists"] = True
    md.options["alerts"] = True
    md.use(footnote_plugin, inline=False)
    md.core.ruler.push("anchor", _heading_anchors)
    md.validateLink = _safe_link  # type: ignore[method-assign]  # markdown-it-py's own hook
    md.add_render_rule("list_item_open", _list_item_open)
    return md


def parser_for(text: str, allow_html: bool) -> MarkdownIt:
    """The parser that gives this text's tokens fastest. The table and setext-heading rules are
    tried at every block and on every line of a paragraph, the costliest part of parsing, yet
    a table needs a '|' and a setext heading a line that ends in '-' or '='; in a text without
    one, lighter rules give the same tokens."""
    return parser(allow_html, "|" in text, _UNDERLINE.search(text) is not None)


_UNDERLINE = re.compile(r"[-=][ \t]*(?:[\r\n]|\Z)")


def _no_setext_heading(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's setext-heading rule where no underline can follow: it fails, leaving the
    parent type set to paragraph as that rule leaves it when it fails, which later rules read."""
    if not state.is_code_block(start):
        state.parentType = "paragraph"
    return False


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


ANCHOR_LEVELS = ("h2", "h3", "h4")


def _heading_anchors(state: StateCore) -> None:
    """An id for every `##` to `####` heading, the ids mdit-py-plugins' anchors plugin gives
    (`a`, `a-1`, `a-2`, … skipping any taken), in linear time: the plugin counts up from `-1`
    again for each repeat, so 20,000 headings alike took most of a minute."""
    tokens = state.tokens
    headings = (token for token in tokens if token.type == "heading_open")
    taken = {str(found) for token in headings if (found := token.attrGet("id"))}
    next_suffix: dict[str, int] = {}
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in ANCHOR_LEVELS or token.attrGet("id"):
            continue
        children = tokens[index + 1].children or ()
        slug = slugify("".join(c.content for c in children if c.type in ("text", "code_inline")))
        unique = slug
        suffix = next_suffix.get(slug, 1)
        if suffix > 1 or unique in taken:
            # Every id from `slug-1` to `slug-(suffix - 1)` was taken when this slug last
            # came up, and ids are never given back, so the search goes on from there.
            unique = f"{slug}-{suffix}"
            while unique in taken:
                suffix += 1
                unique = f"{slug}-{suffix}"
            suffix += 1
        next_suffix[slug] = suffix
        taken.add(unique)
        token.attrSet("id", unique)


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


@dataclass(frozen=True, slots=True)
class TextLinks:
    """The links of a text that `gtm check` follows: its `gtm:` links, and the links that lead
    to a file or an anchor of the portal itself (relative, root-relative, `#fragment`)."""

    gtm: tuple[str, ...]
    local: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CompiledMarkdown:
    """A text parsed once: its HTML with every `gtm:` link left as written, and those links.
    The same parse serves the link check and every page that shows the text; only the links
    differ from page to page, and `resolve_links` fills them in."""

    html: str
    links: tuple[str, ...]
    local: tuple[str, ...] = ()

    @property
    def found(self) -> TextLinks:
        return TextLinks(self.links, self.local)


def compile_text(text: str, allow_html: bool) -> CompiledMarkdown:
    md = parser_for(text, allow_html)
    env: dict[str, object] = {}
    tokens = md.parse(text, env)
    found = _text_links(tokens)
    html = str(md.renderer.render(tokens, md.options, env))
    return CompiledMarkdown(html, found.gtm, found.local)


def _text_links(tokens: Iterable[Token]) -> TextLinks:
    """The links of parsed blocks: of links, images and raw HTML (when it is allowed)."""
    gtm: list[str] = []
    local: list[str] = []
    for token in tokens:
        hrefs = _html_hrefs(token) if token.type == "html_block" else _hrefs(token.children or ())
        for href in hrefs:
            if href.startswith(GTM_SCHEME):
                gtm.append(href)
            elif not EXTERNAL.match(href.strip()):
                local.append(href)
    return TextLinks(tuple(gtm), tuple(local))


def _hrefs(inline: Iterable[Token]) -> Iterator[str]:
    for token in inline:
        if token.type == "link_open":
            yield str(token.attrs.get("href", ""))
        elif token.type == "image":
            yield str(token.attrs.get("src", ""))
        elif token.type == "html_inline":
            yield from _html_hrefs(token)


def _html_hrefs(token: Token) -> Iterator[str]:
    """The addresses in raw HTML, as a browser reads them."""
    return (unescape(value) for value in HTML_ADDRESS.findall(token.content))


HTML_ADDRESS = re.compile(r"""\s(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def scan_text(text: str, allow_html: bool) -> TextLinks:
    """The links of a text without making its HTML, for `gtm check`: the blocks are parsed as
    usual, the inline syntax only of the blocks that may hold a link (a link can be written
    with an entity or an escape, or use a definition elsewhere in the text)."""
    md = parser_for(text, allow_html)
    env: dict[str, Any] = {}
    state = StateCore(text, md, env)
    normalize(state)
    block(state)
    every = bool(env.get("references"))
    marks = HTML_LINK_MARKS if allow_html else LINK_MARKS
    for token in state.tokens:
        content = token.content
        if token.type == "inline" and (every or any(mark in content for mark in marks)):
            children: list[Token] = []
            md.inline.parse(content, md, env, children)
            token.children = children
    return _text_links(state.tokens)


def may_link(text: str, allow_html: bool = False) -> bool:
    """Whether a text can hold a link that `gtm check` follows; most texts cannot."""
    marks = HTML_TEXT_MARKS if allow_html else TEXT_MARKS
    return any(mark in text for mark in marks)


LINK_MARKS = (GTM_SCHEME, "](", "&", "\\")
HTML_LINK_MARKS = (*LINK_MARKS, "<")
TEXT_MARKS = (GTM_SCHEME, "](", "]:")
HTML_TEXT_MARKS = (*TEXT_MARKS, "<")


def resolve_links(html: str, resolve: Resolver) -> str:
    """Compiled HTML with each `gtm:` link pointed where the resolver says, or unwrapped to its
    text. Links cannot nest in Markdown, so a link ends at the first `</a>` after it."""

    def replace(match: re.Match[str]) -> str:
        target = parse_link(unescape(match.group(1)))
        url = resolve(target) if target else None
        if url is None:
            return match.group(3)
        return f'<a href="{escapeHtml(url)}"{match.group(2)}>{match.group(3)}</a>'

    return GTM_ANCHOR.sub(replace, html)


def html_words(html: str) -> str:
    """The words of compiled HTML without its markup, as a reader sees them: for search."""
    words = TAG.sub("", BLOCK_TAG.sub(" ", html))
    return " ".join(unescape(FOOTNOTE_BACKREF.sub(" ", words)).split())


def html_text(html: str) -> str:
    """Compiled HTML as text to paste into a chat, an e-mail or a CRM note: a paragraph's lines
    joined, a blank line between blocks, list items on lines of their own with "- ", a table
    row's cells on one line."""
    text = TAG.sub("", BREAK.sub(_break, " ".join(html.split())))
    if "  " in text:
        text = SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = LINE_EDGE.sub("\n", text)
    if "&" in text:
        text = unescape(text)
    text = FOOTNOTE_BACKREF.sub("", text).replace(" |\n", "\n")
    return BLANK_LINES.sub("\n\n", text).strip().removesuffix(" |")


BREAK = re.compile(
    r" ?(?:</p> ?</li>|<li\b[^>]*> ?(?:<p>)?|</(?:p|h[1-6]|ul|ol|table|blockquote|pre|section)>"
    r"|<hr\b[^>]*>|</(?:li|tr|div)>|<br\b[^>]*>|<[uo]l\b[^>]*>|</t[dh]>) ?"
)
BLANK_LINES = re.compile(r"\n(?: *\n)+")
SPACES = re.compile(r" {2,}")
LINE_EDGE = re.compile(r" ?\n ?")


def _break(found: re.Match[str]) -> str:
    """What a block's edge becomes in text (see `html_text`)."""
    tag = found[0].strip()
    if tag.startswith("<li"):
        return "- "
    if tag.startswith(("</td", "</th")):
        return " | "
    if "</li" in tag or tag.startswith(("</tr", "</div", "<br", "<ul", "<ol")):
        return "\n"
    return "\n\n"


def html_ids(html: str) -> frozenset[str]:
    """The ids compiled HTML carries (its headings' anchors, its footnotes)."""
    return frozenset(unescape(found) for found in ID_ATTRIBUTE.findall(html))


ID_ATTRIBUTE = re.compile(r'\sid="([^"]*)"')
