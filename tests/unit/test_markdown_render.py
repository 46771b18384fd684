"""Markdown to safe HTML: gtm: links resolved or reduced to text, unsafe links and HTML inert."""

from __future__ import annotations

import os

import pytest

from gtm.content import markdown
from gtm.content.commonmark import CompiledMarkdown, LinkTarget, compile_text, resolve_links
from gtm.content.markdown import MarkdownMemo, _Workers, compile_markdown, render_markdown


def resolve(target: LinkTarget) -> str | None:
    if target.id == "secret":
        return None
    fragment = f"#{target.fragment}" if target.fragment else ""
    return f"../../{target.kind}/{target.id}/index.html{fragment}"


def test_gtm_links_become_relative_links() -> None:
    html = render_markdown("Ask [Dana](gtm:personas/devops-dana#goals).", resolve)
    assert '<a href="../../personas/devops-dana/index.html#goals">Dana</a>' in html


def test_unresolvable_gtm_link_keeps_only_its_text() -> None:
    html = render_markdown("Beat [the **secret** rival](gtm:competitors/secret) now.", resolve)
    assert "<a" not in html
    assert "the <strong>secret</strong> rival" in html


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
    ],
)
def test_unsafe_links_are_not_links(link: str) -> None:
    html = render_markdown(f"[click]({link})", resolve)
    assert "<a" not in html
    assert "href" not in html


def test_raw_html_is_escaped_unless_allowed() -> None:
    text = '<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">'
    escaped = render_markdown(text, resolve)
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped
    assert "<img" not in escaped
    assert "<script>" in render_markdown(text, resolve, allow_html=True)


def test_github_flavoured_features() -> None:
    html = render_markdown(
        "## Why we win\n\n> [!NOTE]\n> Read this.\n\n- [x] done\n\n~~old~~[^1]\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: a note\n",
        resolve,
    )
    assert '<h2 id="why-we-win">' in html
    assert "markdown-alert-note" in html
    assert 'type="checkbox" checked' in html
    assert "<s>old</s>" in html
    assert "<table>" in html
    assert 'class="footnotes"' in html


def test_plain_text_keeps_the_words_and_drops_the_markup() -> None:
    from gtm.content.markdown import plain_text

    text = (
        "## Who we are\n\n- **Bold** and [a link](gtm:personas/x) and `code`\n\n"
        "| a | b |\n|---|---|\n| c | d |\n"
    )
    assert plain_text(text) == "Who we are Bold and a link and code a b c d"


def test_a_text_is_parsed_once_and_its_links_filled_in_per_page() -> None:
    text = 'See [Dana](gtm:personas/devops-dana#pains "her pains") and [x](gtm:personas/secret).'
    memo = MarkdownMemo()
    compiled = compile_markdown(text, memo=memo)
    assert compiled.links == ("gtm:personas/devops-dana#pains", "gtm:personas/secret")
    assert 'href="gtm:personas/devops-dana#pains"' in compiled.html
    html = resolve_links(compiled.html, resolve)
    assert (
        '<a href="../../personas/devops-dana/index.html#pains" title="her pains">Dana</a>' in html
    )
    assert "and x." in html and "gtm:" not in html
    assert compile_markdown(text, memo=memo) is compiled


def test_a_resolved_address_is_escaped_in_its_attribute() -> None:
    html = render_markdown("[a](gtm:pages/x)", lambda target: '"><script>&')
    assert '<a href="&quot;&gt;&lt;script&gt;&amp;">a</a>' in html


def _compiled_where(text: str, allow_html: bool) -> tuple[int, CompiledMarkdown]:
    return os.getpid(), compile_text(text, allow_html)


def test_workers_compile_exactly_what_one_process_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts given after the workers started (the fields, once parsed) go to the same workers."""
    texts = [
        f"## Part {n}\n\nA [link](gtm:pages/p{n}) and `gtm:code` {'word ' * n}\n" for n in range(40)
    ]
    texts += [
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "- [x] done\n- [ ] to do\n",
        "Note[^1]\n\n[^1]: x\n",
    ]
    monkeypatch.setattr(markdown, "PARALLEL_MIN_CHARS", 1)
    with _Workers(_compiled_where, False, 2) as workers:
        workers.give({str(n): text for n, text in enumerate(texts) if n < 10})
        workers.give({str(n): text for n, text in enumerate(texts) if n >= 10})
        done = workers.results()
    assert [done[str(n)][1] for n in range(len(texts))] == [compile_text(t, False) for t in texts]
    assert os.getpid() not in {pid for pid, _ in done.values()}
    assert done["3"][1].links == ("gtm:pages/p3",)
