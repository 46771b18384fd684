"""Markdown as gtm reads it: one markdown-it configuration (GitHub-style tables, strikethrough,
task lists, alerts, footnotes, heading anchors; raw HTML escaped unless allowed), the `gtm:`
links in it, and rendering to safe HTML with those links resolved."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from html import unescape
from typing import Any, Generic, TypeVar

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore, block, normalize
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from gtm.workers import ForkPool

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
Result = TypeVar("Result")


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
    md.validateLink = _safe_link  # type: ignore[method-assign]
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


_COMPILED: dict[str, CompiledMarkdown] = {}
"""Compiled texts by `text_key`, a digest, so a text is never held again as a key."""
COMPILED_LIMIT = 50_000


def text_key(text: str, allow_html: bool) -> str:
    return hashlib.sha1(f"{int(allow_html)}{text}".encode()).hexdigest()


def compile_markdown(text: str, allow_html: bool = False) -> CompiledMarkdown:
    """The text as HTML with its `gtm:` links, kept for the life of the process, so a rebuild
    in `gtm serve` parses only the texts that changed."""
    key = text_key(text, allow_html)
    found = _COMPILED.get(key)
    if found is None:
        found = _STORED.pop(key, None) or _compile(text, allow_html)
        if len(_COMPILED) >= COMPILED_LIMIT:
            _COMPILED.clear()
        _COMPILED[key] = found
    return found


def _compile(text: str, allow_html: bool) -> CompiledMarkdown:
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


def _scan_links(text: str, allow_html: bool) -> TextLinks:
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


_LINKS: dict[str, TextLinks] = {}


Give = Callable[[Iterable[str]], None]
Meanwhile = Callable[[Give], object]
"""Work done in this process while workers go through texts; it may give them more texts as
it finds them, through the callable it is handed."""


def scan_all(
    texts: Iterable[str],
    allow_html: bool = False,
    jobs: int = 1,
    meanwhile: Meanwhile | None = None,
) -> int:
    """Finds the `gtm:` links of every text neither compiled nor scanned yet, in `jobs` forked
    processes when there is enough of them; a third cheaper than compiling, which a check that
    makes no page does not need. `meanwhile` runs here as in `compile_all`. Returns how many
    texts were scanned."""
    return _work_through(_scan_links, _LINKS, texts, allow_html, jobs, meanwhile)


def compile_all(
    texts: Iterable[str],
    allow_html: bool = False,
    jobs: int = 1,
    meanwhile: Meanwhile | None = None,
) -> int:
    """Compiles every text not compiled yet, in `jobs` forked processes when there is enough of
    it: Markdown is most of the work of a cold build. `meanwhile` runs in this process while the
    workers compile, so serial work costs no extra time. Returns how many texts were compiled."""
    return _work_through(_compile, _COMPILED, texts, allow_html, jobs, meanwhile)


def _work_through(
    work: Callable[[str, bool], Result],
    memo: dict[str, Any],
    texts: Iterable[str],
    allow_html: bool,
    jobs: int,
    meanwhile: Meanwhile | None,
) -> int:
    """`work` done by one set of workers on every text, and every text `meanwhile` gives, that
    is not in `memo` yet; the results go into `memo` by key. Returns how many there were."""
    with _Workers(work, allow_html, jobs) as workers:

        def give(more: Iterable[str]) -> None:
            keyed = ((text, text_key(text, allow_html)) for text in more)
            workers.give(_not_done(keyed, memo, workers.given))

        give(texts)
        if meanwhile is not None:
            meanwhile(give)
        done = workers.results()
    if len(memo) + len(done) >= COMPILED_LIMIT:
        memo.clear()
    memo.update(done)
    return len(done)


def _not_done(keyed: Iterable[tuple[str, str]], *also: dict[str, Any]) -> dict[str, str]:
    """The texts, by key, that are neither compiled, nor in `also`, nor stored by the last
    build (those are taken)."""
    todo: dict[str, str] = {}
    for text, key in keyed:
        if key in _COMPILED or key in todo or any(key in done for done in also):
            continue
        stored = _STORED.pop(key, None)
        if stored is not None:
            _COMPILED[key] = stored
        else:
            todo[key] = text
    return todo


PARALLEL_MIN_CHARS = 200_000
"""Below this much uncompiled text, starting worker processes costs more than it saves."""

TEXTS_PER_CHUNK = 100
"""Workers send results back in chunks of about this many texts, so the chunks in flight stay
small."""


class _Workers(Generic[Result]):
    """Markdown work on the texts given, in forked processes once there is enough text to be
    worth it, longest first: a cold run gives its bodies first and the Markdown of the fields
    once they are parsed, and both go to the same processes. What never reached them is done
    here, in `results`."""

    def __init__(self, work: Callable[[str, bool], Result], allow_html: bool, jobs: int) -> None:
        self.pool: ForkPool[tuple[str, str], Result] = ForkPool(
            lambda keyed: work(keyed[1], allow_html), jobs
        )
        self.jobs = jobs
        self.given: dict[str, str] = {}
        self.waiting: dict[str, str] = {}

    def __enter__(self) -> _Workers[Result]:
        self.pool.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.__exit__(*exc)

    def give(self, todo: dict[str, str]) -> None:
        self.given.update(todo)
        self.waiting.update(todo)
        waiting = sum(len(text) for text in self.waiting.values())
        if not self.waiting or waiting < PARALLEL_MIN_CHARS or not self.pool.start():
            return
        keyed = sorted(self.waiting.items(), key=lambda pair: len(pair[1]), reverse=True)
        self.pool.give(keyed, max(self.jobs * 4, len(keyed) // TEXTS_PER_CHUNK))
        self.waiting = {}

    def results(self) -> dict[str, Result]:
        if self.waiting:
            self.pool.give(list(self.waiting.items()), 1)
        done: dict[str, Result] = {}
        for part, results in self.pool.done():
            done.update(zip((key for key, _ in part), results, strict=True))
        return done


_STORED: dict[str, CompiledMarkdown] = {}


def use_stored(payload: Any) -> None:
    """Takes the Markdown an earlier build compiled (by digest of each text), so a build after
    a one-file change parses only that file's texts; a payload of the wrong shape is ignored."""
    _STORED.clear()
    if not isinstance(payload, dict):
        return
    for key, value in payload.items():
        if (
            isinstance(value, list)
            and len(value) == 3
            and isinstance(value[0], str)
            and isinstance(value[1], list)
            and isinstance(value[2], list)
        ):
            links, local = tuple(map(str, value[1])), tuple(map(str, value[2]))
            _STORED[str(key)] = CompiledMarkdown(value[0], links, local)


def forget_compiled() -> None:
    """Lets go of every compiled text, which a large portal holds by the tens of megabytes."""
    _COMPILED.clear()
    _LINKS.clear()
    _STORED.clear()


def stored_payload() -> dict[str, list[Any]]:
    """Every text compiled in this process, for `use_stored` in the next build."""
    return {
        key: [compiled.html, list(compiled.links), list(compiled.local)]
        for key, compiled in _COMPILED.items()
    }


def find_links(text: str, allow_html: bool = False) -> TextLinks:
    """The `gtm:` links and the links into the portal of a link or image in `text`, in
    order; code is not searched."""
    if not may_link(text, allow_html):
        return NO_LINKS
    key = text_key(text, allow_html)
    compiled = _COMPILED.get(key) or _STORED.get(key)
    if compiled is not None:
        return compiled.found
    found = _LINKS.get(key)
    if found is None:
        if len(_LINKS) >= COMPILED_LIMIT:
            _LINKS.clear()
        found = _LINKS[key] = _scan_links(text, allow_html)
    return found


NO_LINKS = TextLinks(())


def find_gtm_links(text: str, allow_html: bool = False) -> tuple[str, ...]:
    """Every `gtm:` href of a link or image in `text`, in order; code is not searched."""
    return find_links(text, allow_html).gtm if GTM_SCHEME in text else ()


def anchor_ids(text: str, allow_html: bool = False) -> frozenset[str]:
    """The ids a text's HTML carries (its headings' anchors, its footnotes), which a link to
    the page that shows it may point at."""
    return frozenset(
        unescape(found) for found in ID_ATTRIBUTE.findall(compile_markdown(text, allow_html).html)
    )


ID_ATTRIBUTE = re.compile(r'\sid="([^"]*)"')


def render_markdown(text: str, resolve: Resolver, allow_html: bool = False) -> str:
    """Safe HTML for `text`; a `gtm:` link the resolver cannot place becomes its plain text."""
    compiled = compile_markdown(text, allow_html)
    return resolve_links(compiled.html, resolve) if compiled.links else compiled.html


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


def plain_text(text: str, allow_html: bool = False) -> str:
    """The words of a Markdown text without its markup, for the search index: the compiled
    HTML (already made for the page) with its tags dropped, so search sees what a reader does."""
    html = compile_markdown(text, allow_html).html
    words = TAG.sub("", BLOCK_TAG.sub(" ", html))
    return " ".join(unescape(FOOTNOTE_BACKREF.sub(" ", words)).split())
