"""Markdown texts worked on for a build: compiled to HTML (for pages) or scanned for links (for
`gtm check`), in forked workers when there is much of it, and kept in a `MarkdownMemo` by a
digest of each text, so a rebuild works only on the texts that changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from gtm.content.commonmark import (
    GTM_SCHEME,
    CompiledMarkdown,
    Resolver,
    TextLinks,
    compile_text,
    html_ids,
    html_words,
    may_link,
    resolve_links,
    scan_text,
)
from gtm.workers import ForkPool

Result = TypeVar("Result")
COMPILED_LIMIT = 50_000
NO_LINKS = TextLinks(())


def text_key(text: str, allow_html: bool) -> str:
    return hashlib.sha1(f"{int(allow_html)}{text}".encode()).hexdigest()


@dataclass
class MarkdownMemo:
    """Texts worked on, by `text_key` (a digest, so no text is held again as a key): compiled,
    scanned for links only, and those an earlier build compiled (from the build cache, taken as
    they are used)."""

    compiled: dict[str, CompiledMarkdown] = field(default_factory=dict)
    links: dict[str, TextLinks] = field(default_factory=dict)
    stored: dict[str, CompiledMarkdown] = field(default_factory=dict)

    @classmethod
    def from_payload(cls, payload: Any) -> MarkdownMemo:
        """The texts an earlier build compiled (`payload()`), so a build after a one-file
        change parses only that file's texts; a payload of the wrong shape is ignored."""
        memo = cls()
        if not isinstance(payload, dict):
            return memo
        for key, value in payload.items():
            if (
                isinstance(value, list)
                and len(value) == 3
                and isinstance(value[0], str)
                and isinstance(value[1], list)
                and isinstance(value[2], list)
            ):
                links, local = tuple(map(str, value[1])), tuple(map(str, value[2]))
                memo.stored[str(key)] = CompiledMarkdown(value[0], links, local)
        return memo

    def payload(self) -> dict[str, list[Any]]:
        """Every text compiled in this run, for `from_payload` in the next build."""
        return {
            key: [compiled.html, list(compiled.links), list(compiled.local)]
            for key, compiled in self.compiled.items()
        }

    def forget(self) -> None:
        """Lets go of every text, which a large portal holds by the tens of megabytes."""
        self.compiled.clear()
        self.links.clear()
        self.stored.clear()

    def keep(self, into: dict[str, Any], done: dict[str, Any]) -> None:
        if len(into) + len(done) >= COMPILED_LIMIT:
            into.clear()
        into.update(done)


def compile_markdown(
    text: str, allow_html: bool = False, memo: MarkdownMemo | None = None
) -> CompiledMarkdown:
    """The text as HTML with its `gtm:` links; kept in `memo`, so a rebuild in `gtm serve`
    parses only the texts that changed."""
    if memo is None:
        return compile_text(text, allow_html)
    key = text_key(text, allow_html)
    found = memo.compiled.get(key)
    if found is None:
        found = memo.stored.pop(key, None) or compile_text(text, allow_html)
        memo.keep(memo.compiled, {key: found})
    return found


def find_links(text: str, allow_html: bool = False, memo: MarkdownMemo | None = None) -> TextLinks:
    """The `gtm:` links and the links into the portal of a link or image in `text`, in
    order; code is not searched. A text compiled already is not parsed again."""
    if not may_link(text, allow_html):
        return NO_LINKS
    if memo is None:
        return scan_text(text, allow_html)
    key = text_key(text, allow_html)
    compiled = memo.compiled.get(key) or memo.stored.get(key)
    if compiled is not None:
        return compiled.found
    found = memo.links.get(key)
    if found is None:
        found = scan_text(text, allow_html)
        memo.keep(memo.links, {key: found})
    return found


def find_gtm_links(
    text: str, allow_html: bool = False, memo: MarkdownMemo | None = None
) -> tuple[str, ...]:
    """Every `gtm:` href of a link or image in `text`, in order; code is not searched."""
    return find_links(text, allow_html, memo).gtm if GTM_SCHEME in text else ()


def anchor_ids(
    text: str, allow_html: bool = False, memo: MarkdownMemo | None = None
) -> frozenset[str]:
    """The ids a text's HTML carries (its headings' anchors, its footnotes), which a link to
    the page that shows it may point at."""
    return html_ids(compile_markdown(text, allow_html, memo).html)


def render_markdown(
    text: str, resolve: Resolver, allow_html: bool = False, memo: MarkdownMemo | None = None
) -> str:
    """Safe HTML for `text`; a `gtm:` link the resolver cannot place becomes its plain text."""
    compiled = compile_markdown(text, allow_html, memo)
    return resolve_links(compiled.html, resolve) if compiled.links else compiled.html


def plain_text(text: str, allow_html: bool = False, memo: MarkdownMemo | None = None) -> str:
    """The words of a Markdown text without its markup, for the search index: the compiled
    HTML (already made for the page) with its tags dropped, so search sees what a reader does."""
    return html_words(compile_markdown(text, allow_html, memo).html)


PARALLEL_MIN_CHARS = 200_000
"""Below this much uncompiled text, starting worker processes costs more than it saves."""

TEXTS_PER_CHUNK = 100
"""Workers send results back in chunks of about this many texts, so the chunks in flight stay
small."""


class MarkdownPass:
    """One pass over Markdown texts, given as they are found: compiling them (a build) or only
    scanning them for links (`gtm check`, a third cheaper). The texts go to forked workers once
    there is enough of them while this process goes on reading and validating; `finish` waits
    for them and keeps what they did in the memo. Texts the memo holds already are skipped."""

    def __init__(
        self, memo: MarkdownMemo, compile: bool, allow_html: bool = False, jobs: int = 1
    ) -> None:
        self.memo = memo
        self.compiles = compile
        self.allow_html = allow_html
        self.into = memo.compiled if compile else memo.links
        work: Callable[[str, bool], Any] = compile_text if compile else scan_text
        self.workers: _Workers[Any] = _Workers(work, allow_html, jobs)
        self.count = 0

    def __enter__(self) -> MarkdownPass:
        self.workers.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.workers.__exit__(*exc)

    def give(self, texts: Iterable[str]) -> None:
        keyed = ((text, text_key(text, self.allow_html)) for text in texts)
        self.workers.give(self._not_done(keyed))

    def finish(self) -> int:
        """Waits for the workers and keeps their results; how many texts were worked on."""
        done = self.workers.results()
        self.memo.keep(self.into, done)
        self.workers.given.clear()
        self.count = len(done)
        return self.count

    def _not_done(self, keyed: Iterable[tuple[str, str]]) -> dict[str, str]:
        """The texts, by key, neither done nor given yet; those an earlier build stored are
        taken as they are."""
        memo = self.memo
        todo: dict[str, str] = {}
        for text, key in keyed:
            if key in memo.compiled or key in todo or key in self.into or key in self.workers.given:
                continue
            stored = memo.stored.pop(key, None)
            if stored is not None:
                memo.compiled[key] = stored
            else:
                todo[key] = text
        return todo


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
