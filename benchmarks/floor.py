"""The floor: the least a Python static site generator must do with a gtm project.

    python benchmarks/floor.py PROJECT_DIR [OUT_DIR] [--jobs 2]

Reads every artifact under PROJECT_DIR/content/ (YAML with PyYAML's CSafeLoader, front matter
split off `.md` files), renders its Markdown body with markdown-it-py (CommonMark plus tables
and strikethrough, as gtm uses), turns `gtm:<kind>/<id>` links into relative URLs, and writes one
HTML file per artifact through one Jinja template, in 2 worker processes. No validation, no
cross-references, no list pages, no search index, no link check: the cost of reading, parsing,
rendering and writing, which no generator built on these libraries can go below.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markdown_it import MarkdownIt

KINDS = ("products", "personas", "competitors", "positioning", "messaging", "launches", "pages")
GTM_LINK = re.compile(r"\]\(gtm:([a-z]+)/([a-z0-9-]+)\)")
TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="{{ root }}style.css"></head>
<body><header><a href="{{ root }}index.html">GTM portal</a> / {{ kind }}</header>
<main><h1>{{ title }}</h1>
{% if fields.summary %}<p class="summary">{{ fields.summary }}</p>{% endif %}
<dl>{% for key, value in fields.items() if key not in ("name", "title", "summary", "body") %}
<dt>{{ key }}</dt><dd>{% if value is mapping %}{% for k, v in value.items() %}{{ k }}: {{ v }}
{% endfor %}{% elif value is iterable and value is not string %}<ul>{% for v in value %}
<li>{% if v is mapping %}{% for k, x in v.items() %}<b>{{ k }}</b> {{ x }} {% endfor %}
{% else %}{{ v }}{% endif %}</li>{% endfor %}</ul>{% else %}{{ value }}{% endif %}</dd>
{% endfor %}</dl>
<article>{{ body | safe }}</article></main></body></html>
"""

_state: dict[str, Any] = {}


def _tools() -> tuple[MarkdownIt, jinja2.Template]:
    if not _state:
        md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
        env = jinja2.Environment(autoescape=True)
        _state["md"], _state["template"] = md, env.from_string(TEMPLATE)
    return _state["md"], _state["template"]


def _url(kind: str, ident: str) -> str:
    return f"{ident}/index.html" if kind == "pages" else f"{kind}/{ident}/index.html"


def render_one(path: Path, kind: str, out_dir: Path) -> None:
    md, template = _tools()
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        _, front, body = text.split("---\n", 2)
        fields = yaml.load(front, Loader=yaml.CSafeLoader) or {}
    else:
        fields = yaml.load(text, Loader=yaml.CSafeLoader) or {}
        body = fields.get("body") or ""
    target = _url(kind, path.stem)
    root = "../" * target.count("/")
    body = GTM_LINK.sub(lambda m: f"]({root}{_url(m.group(1), m.group(2))})", body)
    html = template.render(
        title=fields.get("name") or fields.get("title"),
        kind=kind,
        root=root,
        fields=fields,
        body=md.render(body),
    )
    out = out_dir / target
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")


def render_chunk(job: tuple[list[tuple[str, str]], str]) -> int:
    files, out_dir = job
    for path, kind in files:
        render_one(Path(path), kind, Path(out_dir))
    return len(files)


def build(project: Path, out_dir: Path, jobs: int) -> int:
    content = project / "content"
    files = [
        (str(path), kind)
        for kind in KINDS
        for path in sorted((content / kind).glob("*"))
        if path.suffix in (".md", ".yaml", ".yml")
    ]
    chunks = [(files[i::64], str(out_dir)) for i in range(64) if files[i::64]]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return sum(pool.imap_unordered(render_chunk, chunks))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("project", type=Path)
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    out = args.out or args.project / "floor-output"
    written = build(args.project, out, args.jobs)
    print(f"floor: {written} pages into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
