"""The same Markdown bodies as an MkDocs project and as a Hugo site, for `run.py` to time.

Both get one page per artifact with its name as the title and its body as the text, `gtm:`
links rewritten into each tool's own relative links, one list page per kind and a home page.
MkDocs uses its plain `mkdocs` theme with an explicit, flat nav (home and the seven list pages;
listing every artifact in the nav would put thousands of links on every page, which no real
site does); Hugo uses a minimal layout of three templates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from corpus import Body, write_files

KIND_TITLES = {
    "products": "Products",
    "personas": "Personas",
    "competitors": "Competitors",
    "positioning": "Positioning",
    "messaging": "Messaging",
    "launches": "Launches",
    "pages": "Guides",
}
GTM_LINK = re.compile(r"\]\(gtm:([a-z]+)/([a-z0-9-]+)\)")


def write_mkdocs(bodies: Sequence[Body], out_dir: Path) -> None:
    files: dict[str, str] = {}
    nav = ["  - Home: index.md"]
    for kind, title in KIND_TITLES.items():
        members = [b for b in bodies if b.kind == kind]
        nav.append(f"  - {title}: {kind}/index.md")
        lines = [f"# {title}", ""] + [f"- [{b.name}]({b.id}.md)" for b in members]
        files[f"docs/{kind}/index.md"] = "\n".join(lines) + "\n"
        for body in members:
            text = GTM_LINK.sub(lambda m: f"](../{m.group(1)}/{m.group(2)}.md)", body.markdown)
            files[f"docs/{kind}/{body.id}.md"] = f"# {body.name}\n\n{text}"
    home = ["# Benchmark GTM Portal", ""]
    home += [f"- [{title}]({kind}/index.md)" for kind, title in KIND_TITLES.items()]
    files["docs/index.md"] = "\n".join(home) + "\n"
    files["mkdocs.yml"] = (
        "site_name: Benchmark GTM Portal\n"
        "theme:\n  name: mkdocs\n"
        "markdown_extensions:\n  - tables\n  - footnotes\n  - toc\n"
        "nav:\n" + "\n".join(nav) + "\n"
    )
    write_files(files, out_dir)


HUGO_SINGLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body><nav><a href="{{ "" | relURL }}">Home</a>{{ range .Site.Sections }}
<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
<main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""
HUGO_LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body><nav><a href="{{ "" | relURL }}">Home</a>{{ range .Site.Sections }}
<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
<main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>
"""
HUGO_HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><main><h1>{{ .Site.Title }}</h1><ul>{{ range .Site.Sections }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>{{ end }}</ul>
</main></body></html>
"""


def write_hugo(bodies: Sequence[Body], out_dir: Path) -> None:
    files: dict[str, str] = {
        "config.toml": (
            'baseURL = "/"\ntitle = "Benchmark GTM Portal"\nlanguageCode = "en"\n'
            'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]\n'
            "relativeURLs = true\n"
        ),
        "layouts/_default/single.html": HUGO_SINGLE,
        "layouts/_default/list.html": HUGO_LIST,
        "layouts/index.html": HUGO_HOME,
    }
    for kind, title in KIND_TITLES.items():
        files[f"content/{kind}/_index.md"] = f"---\ntitle: {json.dumps(title)}\n---\n"
    for body in bodies:
        text = GTM_LINK.sub(lambda m: f"](../../{m.group(1)}/{m.group(2)}/)", body.markdown)
        front = f"---\ntitle: {json.dumps(body.name)}\n---\n"
        files[f"content/{body.kind}/{body.id}.md"] = front + text
    write_files(files, out_dir)
