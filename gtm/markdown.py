"""Markdown as gtm reads it: one markdown-it configuration (GitHub-style tables, strikethrough,
task lists, alerts, footnotes; raw HTML off unless allowed) and `gtm:` links with positions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

GTM_SCHEME = "gtm:"
GTM_LINK = re.compile(r"^gtm:([a-z]+)/([^/#?\s]+)(#[^\s]*)?$")


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
    return md


def parse_link(href: str) -> LinkTarget | None:
    """The target of a `gtm:` href, or None when it is not of the form `gtm:<kind>/<id>`."""
    match = GTM_LINK.match(href)
    if not match:
        return None
    return LinkTarget(match.group(1), match.group(2), (match.group(3) or "")[1:])


def find_gtm_links(text: str) -> list[str]:
    """Every `gtm:` href of a link or image in `text`, in order; code is not searched."""
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
    return found
