"""Hostile content comes out inert. A project is generated from the content model itself, so a
field added to `gtm.content.model` is attacked too: every text and Markdown field, list item and
body of every kind holds script, event-handler, attribute-breakout, `javascript:`/`data:` link and
Jinja payloads, while ids, references, dates and choices stay valid. `gtm build --no-pdf` must
succeed; then the HTML is read as markup (no script but the theme's own files, no event
handler, no script URL), the payloads must still be there as visible text, the data files must
carry them as data, and every page is opened in headless Chromium, where nothing may run."""

from __future__ import annotations

import functools
import json
import posixpath
import re
import types
import typing
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

import pytest
import yaml
from annotated_types import MaxLen, MinLen
from playwright.sync_api import Browser, Dialog, Route
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from gtm.content.fields import FieldShape, field_shapes
from gtm.content.kinds import KINDS
from gtm.render.theme import BUILTIN_NAME, builtin_themes
from tests.conftest import MakeProject, RunGtm, chromium, serve_folder

MODELS = {name: kind.model for name, kind in KINDS.items()}

# ---------------------------------------------------------------------------------------------
# Payloads
# ---------------------------------------------------------------------------------------------

MARK = "__xss"
"""What every payload tries to set on `window`; the browser test asserts it never exists."""

ATTACKS: tuple[str, ...] = (
    f"<script>window.{MARK}=1</script>",
    f'<img src=x onerror="window.{MARK}=1">',
    f'"><svg onload=window.{MARK}=1>',
    f"' onmouseover='window.{MARK}=1' x='",
    f"[click](javascript:window.{MARK}=1)",
    "[x](JAVASCRIPT:alert(1))",
    f'<a href="data:text/html,<script>window.{MARK}=1</script>">d</a>',
    f"</script><script>window.{MARK}=1</script><!--",
    "{{ 7*7 }} {% raw %} {# c #} ${7*7}",
    f"javascript:window.{MARK}=1",
    "&lt;i&gt;entity&amp;",
)
"""One line of attacks for plain-text fields; each field must read back as exactly this."""

TEXT_ATTACK = " ".join(ATTACKS)

ICS_BREAKOUT = "\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nEND:VEVENT"
"""A line-break injection, added to the launch and milestone names that reach the calendar."""

MARKDOWN_ATTACK = "\n\n".join(
    [
        f'<script>window.{MARK}=1</script> <img src=x onerror="window.{MARK}=1">',
        f'<div onclick="window.{MARK}=1" onmouseover="window.{MARK}=1">raw block</div>',
        f"\"><svg onload=window.{MARK}=1> ' onmouseover='window.{MARK}=1' x='",
        f"[click](javascript:window.{MARK}=1) [x](JAVASCRIPT:alert(1)) "
        "[v](vbscript:msgbox(1)) [d](data:text/html;base64,PHNjcmlwdD4=) "
        "[sp](  javascript:alert(1)) [ent](&#106;avascript:alert(1)) "
        "[tab](java&#9;script:alert(1)) [nl](java\nscript:alert(1))",
        f"![img](javascript:window.{MARK}=1) <javascript:alert(1)> <data:text/html,x>",
        f'[title](https://example.com/ "\\"><svg onload=window.{MARK}=1>")',
        f'<a href="data:text/html,<script>window.{MARK}=1</script>">d</a>',
        f"</script><script>window.{MARK}=1</script> {{{{ 7*7 }}}} {{% raw %}}",
        f"[ref link][evil]\n\n[evil]: javascript:window.{MARK}=1",
        f"```\n</code><script>window.{MARK}=1</script>\n```",
        f"| a |\n|---|\n| <img src=x onerror=window.{MARK}=1> |",
        f"- [ ] <b onmouseover=window.{MARK}=1>task</b>",
        f'> [!NOTE]\n> <iframe src="javascript:window.{MARK}=1"></iframe>',
    ]
)
"""Markdown attacks: raw HTML (escaped unless `allow_html`), unsafe schemes in every link form
(inline, autolink, image, reference, entity- and whitespace-obfuscated), a quoted link title,
and raw HTML inside code, a table, a task and an alert."""

SITE_TITLE = f"Portal <script>window.{MARK}=1</script> {{{{ 7*7 }}}} \"' onmouseover='x"
BASE_URL = "https://gtm.example.com/a&b<c>/"
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>'
)


def text_payload(marker: str, index: int) -> str:
    """Plain text led by the marker, by a web address (which `link` fields turn into an
    href) or by a `javascript:` address, in turn along a list."""
    lead = (
        marker,
        f"https://example.com/{marker}?q=\"><svg onload=window.{MARK}=1>'",
        f" JavaScript:window.{MARK}=1//{marker}",
    )[index % 3]
    return f"{lead} {TEXT_ATTACK}"


# ---------------------------------------------------------------------------------------------
# The project, generated from the model
# ---------------------------------------------------------------------------------------------

MD_KINDS = frozenset({"launches", "pages"})
"""Kinds written as `.md` (front matter and body); the others are YAML with a `body:` field."""

DATES = {"reviewed": "2026-11-01"}
DEFAULT_DATE = "2026-12-01"

RECORD_ID_LISTS: dict[tuple[str, str], str] = {
    ("Pillar", "features"): "features",
    ("PersonaMessage", "pillars"): "pillars",
    ("Milestone", "depends_on"): "milestones",
}
"""Lists of record ids name records of a neighbouring list, which the generator numbers
`<field>-0`, `<field>-1`, …"""


@dataclass(frozen=True)
class Planted:
    """One attacked value: where it is and exactly what was written."""

    marker: str
    kind: str
    ident: str
    path: tuple[str | int, ...]
    value: str
    markdown: bool


def full_id(kind: str) -> str:
    """The artifact of `kind` with every field filled."""
    return f"xss-{kind}"


def min_id(kind: str) -> str:
    """The artifact of `kind` with only its required fields (generated defaults show)."""
    return f"min-{kind}"


def unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The base type of an annotation without Optional and Annotated, and the metadata seen."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, metadata
            annotation = args[0]
        else:
            return annotation, metadata


def list_length(info: FieldInfo, shape: FieldShape) -> int:
    """Three of each list (every text lead in turn), two where records or ids name other
    artifacts (there are two of each kind), within the field's own bounds."""
    names_artifacts = shape.ref is not None or (
        shape.record is not None and any(s.ref for s in field_shapes(shape.record))
    )
    wanted = 2 if names_artifacts else 3
    low = max((m.min_length for m in info.metadata if isinstance(m, MinLen)), default=0)
    high = min((m.max_length for m in info.metadata if isinstance(m, MaxLen)), default=wanted)
    return min(max(wanted, low), high)


class HostileProject:
    """The files of a valid project in which every prose value is an attack."""

    def __init__(self) -> None:
        self.planted: list[Planted] = []

    def files(self) -> dict[str, str]:
        files = {
            "gtm.toml": (
                f"[site]\ntitle = {json.dumps(SITE_TITLE)}\nbase_url = {json.dumps(BASE_URL)}\n"
                '[brand]\nlogo = "assets/logo.svg"\n'
            ),
            "content/assets/logo.svg": LOGO,
        }
        for kind, model in MODELS.items():
            for ident, full in ((full_id(kind), True), (min_id(kind), False)):
                data = self.record(model, kind, ident, (), full, 0)
                suffix = "md" if kind in MD_KINDS else "yaml"
                files[f"content/{kind}/{ident}.{suffix}"] = dump(kind, data)
        return files

    def plant(self, kind: str, ident: str, path: tuple[str | int, ...], markdown: bool) -> str:
        marker = f"m{len(self.planted):03d}q"
        index = next((k for k in reversed(path) if isinstance(k, int)), 0)
        if markdown:
            value = f"{marker} {MARKDOWN_ATTACK}"
        else:
            value = text_payload(marker, index)
            if kind == "launches" and path in (("name",), ("milestones", 0, "name")):
                value += ICS_BREAKOUT
        self.planted.append(Planted(marker, kind, ident, path, value, markdown))
        return value

    def record(
        self,
        model: type[BaseModel],
        kind: str,
        ident: str,
        prefix: tuple[str | int, ...],
        full: bool,
        index: int,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for shape in field_shapes(model):
            info = model.model_fields[shape.name]
            if not (full or info.is_required()):
                continue
            path = (*prefix, shape.name)
            value: Any
            if shape.is_list and not (shape.prose or shape.ref or shape.record):
                ident_of_neighbour = scalar(model, shape, index)  # by this record's place
                value = None if ident_of_neighbour is None else [ident_of_neighbour]
            elif shape.is_list:
                count = list_length(info, shape)
                items = [
                    self.one(model, kind, ident, (*path, i), shape, full, i) for i in range(count)
                ]
                value = [item for item in items if item is not None] or None
            else:
                value = self.one(model, kind, ident, path, shape, full, index)
            if value is not None:
                data[shape.name] = value
        return data

    def one(
        self,
        model: type[BaseModel],
        kind: str,
        ident: str,
        path: tuple[str | int, ...],
        shape: FieldShape,
        full: bool,
        index: int,
    ) -> Any:
        if shape.prose is not None:
            return self.plant(kind, ident, path, shape.prose.markdown)
        if shape.ref is not None:
            return (full_id(shape.ref.kind), min_id(shape.ref.kind))[index % 2]
        if shape.record is not None:
            return self.record(shape.record, kind, ident, path, full, index)
        return scalar(model, shape, index)


def scalar(model: type[BaseModel], shape: FieldShape, index: int) -> Any:
    """A valid value for a field that holds no words: a choice, date, number, address or id.
    A field of a type this does not know fails loudly, so the generator is taught it."""
    info = model.model_fields[shape.name]
    if info.default is not None and not info.is_required() and not shape.is_list:
        return None  # the default is valid (status approved, visibility internal, …)
    base, metadata = unwrap(info.annotation)
    metadata += info.metadata
    if shape.is_list:
        base, more = unwrap(typing.get_args(base)[0])
        metadata += more
    validators = {getattr(getattr(m, "func", None), "__name__", "") for m in metadata}
    if typing.get_origin(base) is Literal:
        return typing.get_args(base)[0]
    if base is date:
        return DATES.get(shape.name, DEFAULT_DATE)
    if base is float:
        return 1
    if base is bool:
        return "false"
    if base is str and "_as_url" in validators:
        return "https://example.com/"
    if base is str and "_as_record_id" in validators:
        return record_id(model, shape.name, index)
    raise AssertionError(f"test_xss cannot fill {model.__name__}.{shape.name}: teach scalar()")


def record_fields() -> dict[type[BaseModel], str]:
    """Each record type and the list field that holds it (`Milestone` → `milestones`)."""
    found: dict[type[BaseModel], str] = {}
    pending: list[type[BaseModel]] = list(MODELS.values())
    while pending:
        for shape in field_shapes(pending.pop()):
            if shape.record is not None:
                found[shape.record] = shape.name
                pending.append(shape.record)
    return found


def record_id(model: type[BaseModel], name: str, index: int) -> str | None:
    if name == "id":
        return f"{record_fields()[model]}-{index}"
    target = RECORD_ID_LISTS.get((model.__name__, name))
    if target is None:
        raise AssertionError(f"test_xss: teach RECORD_ID_LISTS what {model.__name__}.{name} names")
    if target == "milestones":  # a milestone depends on the first, which depends on nothing
        return f"{target}-0" if index > 0 else None
    return f"{target}-0"


def dump(kind: str, data: dict[str, Any]) -> str:
    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # gtm refuses anchors and aliases

    def text(value: Any) -> str:
        return yaml.dump(value, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=10**9)

    if kind not in MD_KINDS:
        return text(data)
    body = data.pop("body", None)
    return f"---\n{text(data)}---\n{body or ''}\n"


@dataclass(frozen=True)
class Built:
    root: Path
    output: Path
    planted: list[Planted]
    pages: dict[str, str]


def build_hostile(
    make_project: MakeProject,
    run_gtm: RunGtm,
    extra_toml: str = "",
    extra_files: dict[str, str] | None = None,
) -> Built:
    project = HostileProject()
    files = {**project.files(), **(extra_files or {})}
    files["gtm.toml"] += extra_toml
    root = make_project({}, minimal=False)
    for name, text in files.items():  # as generated: make_project would dedent them
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8", newline="")
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 0, result.output
    assert re.search(r"^0 errors", result.output, re.M), result.output
    output = root / "output"
    pages = {
        p.relative_to(output).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(output.rglob("*.html"))
    }
    return Built(root, output, project.planted, pages)


@pytest.fixture
def hostile(make_project: MakeProject, run_gtm: RunGtm) -> Built:
    return build_hostile(make_project, run_gtm)


# ---------------------------------------------------------------------------------------------
# Reading HTML as a browser's tokenizer would
# ---------------------------------------------------------------------------------------------

URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster"}) | {
    *("data", "background", "cite", "srcset", "ping", "manifest", "longdesc", "codebase"),
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
EMBEDDED = frozenset({"img", "link", "source", "video", "audio", "track", "input"})
FORBIDDEN_TAGS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base"}) | {
    *("foreignobject", "math", "template", "portal", "animate", "set", "handler", "listener"),
}
CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
ATTRIBUTE_NAME = re.compile(r"[a-z][a-z0-9:_.-]*")
STYLE_DANGER = re.compile(r"url\(|@import|expression|javascript|behavior|" + MARK, re.I)
BRAND_STYLE = re.compile(r"^:root \{ --brand: #[0-9a-fA-F]{3,6}; \}$")
THEME = builtin_themes() / BUILTIN_NAME


@functools.cache
def theme_scripts() -> frozenset[str]:
    """The scripts a page may load: the theme's static files and the search index twin."""
    static = THEME / "static"
    shipped = {f"static/{p.relative_to(static).as_posix()}" for p in static.rglob("*.js")}
    return frozenset({*shipped, "search-index.js"})


@functools.cache
def theme_blocks(tag: str) -> frozenset[str]:
    """The Jinja-free `<script>`/`<style>` blocks written in the theme's templates."""
    found = set()
    for template in (THEME / "templates").glob("*.html"):
        for block in re.findall(rf"<{tag}>(.*?)</{tag}>", template.read_text(), re.S):
            if "{{" not in block and "{%" not in block:
                found.add(block)
    return frozenset(found)


class ParsedHtml(HTMLParser):
    """The facts of one page that matter here: elements with attributes, raw-text blocks, and
    the text a reader sees (entities decoded)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.texts: list[str] = []
        self.attribute_values: list[str] = []
        self._raw: str | None = None
        self._raw_attrs: dict[str, str | None] = {}
        self._raw_text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))
        self.attribute_values += [squash(v) for _, v in attrs if v]
        if tag in ("script", "style"):
            self._raw, self._raw_attrs, self._raw_text = tag, dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            text = "".join(self._raw_text)
            if tag == "script":
                self.scripts.append((self._raw_attrs, text))
            else:
                self.styles.append(text)
            self._raw = None

    def handle_data(self, data: str) -> None:
        (self._raw_text if self._raw is not None else self.texts).append(data)

    @property
    def text(self) -> str:
        return squash(" ".join(self.texts))

    def shows(self, value: str) -> bool:
        """`value` is on the page as text or as an attribute value, exactly (spacing aside)."""
        value = squash(value)
        return value in self.text or any(value in v for v in self.attribute_values)


def squash(text: str) -> str:
    return " ".join(text.split())


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: whitespace and control characters are dropped first."""
    match = SCHEME.match(CONTROL.sub("", value).lower())
    return match.group(1) if match else None


def unsafe_markup(path: str, html: str, output: Path) -> list[str]:
    """Everything in one page that could run script or reach a script or data URL."""
    page = ParsedHtml(html)
    problems: list[str] = []
    here = posixpath.dirname(path)
    allowed_scripts, inline_scripts = theme_scripts(), theme_blocks("script")
    for attrs, content in page.scripts:
        src = attrs.get("src")
        if content.strip() and content not in inline_scripts:
            problems.append(f"{path}: inline script {content.strip()[:80]!r}")
        if src is None:
            continue
        target = posixpath.normpath(posixpath.join(here, src))
        if url_scheme(src) is not None or target not in allowed_scripts:
            problems.append(f"{path}: script src {src!r} is not one the theme ships")
        elif not (output / target).is_file():
            problems.append(f"{path}: script src {src!r} is missing from the output")
    for style in page.styles:
        if style not in theme_blocks("style") and not BRAND_STYLE.match(style.strip()):
            problems.append(f"{path}: <style> the theme does not ship: {style[:80]!r}")
    for tag, attrs in page.elements:
        if tag in FORBIDDEN_TAGS:
            problems.append(f"{path}: <{tag}> element")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            problems.append(f"{path}: <meta http-equiv>")
        if tag == "svg" and "icon" not in (dict(attrs).get("class") or "").split():
            problems.append(f"{path}: <svg> that is not a theme icon: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"{path}: event handler <{tag} {name}={value!r}>")
            elif MARK in name or not ATTRIBUTE_NAME.fullmatch(name):
                problems.append(f"{path}: attribute breakout <{tag} {name}={value!r}>")
            if name == "srcdoc":
                problems.append(f"{path}: <{tag} srcdoc>")
            if name == "style" and value and STYLE_DANGER.search(value):
                problems.append(f"{path}: style attribute {value[:80]!r}")
            if name not in URL_ATTRIBUTES or value is None:
                continue
            scheme = url_scheme(value)
            if scheme is not None and scheme not in SAFE_SCHEMES:
                problems.append(f"{path}: <{tag} {name}={value[:80]!r}>")
            if tag in EMBEDDED and name in ("src", "href", "srcset"):
                target = posixpath.normpath(posixpath.join(here, value.split("#")[0]))
                if scheme is not None or not (output / target).is_file():
                    problems.append(f"{path}: <{tag} {name}={value!r}> loads from outside")
    return problems


def all_problems(site: Built) -> list[str]:
    return [p for path, html in site.pages.items() for p in unsafe_markup(path, html, site.output)]


# ---------------------------------------------------------------------------------------------
# The generated project and the static outputs
# ---------------------------------------------------------------------------------------------


def prose_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for shape in field_shapes(model):
        if shape.prose is not None:
            yield (*prefix, shape.name)
        elif shape.record is not None:
            yield from prose_paths(shape.record, (*prefix, shape.name))


def test_the_generator_attacks_every_prose_field_of_every_kind() -> None:
    """Every prose field of the model, inside records too, holds a payload, so a field added to
    `gtm.content.model` is attacked without a change here."""
    project = HostileProject()
    project.files()
    attacked = {(p.kind, tuple(k for k in p.path if isinstance(k, str))) for p in project.planted}
    expected = {(kind, path) for kind, model in MODELS.items() for path in prose_paths(model)}
    assert expected <= attacked, sorted(expected - attacked)
    markers = [p.marker for p in project.planted]
    assert len(set(markers)) == len(markers)


def test_every_html_page_is_inert(hostile: Built) -> None:
    assert len(hostile.pages) >= 3 * len(KINDS) + 4, sorted(hostile.pages)
    problems = all_problems(hostile)
    assert not problems, "\n".join(problems)


def test_the_payloads_are_shown_as_text_not_dropped_or_evaluated(hostile: Built) -> None:
    """Escaped, not removed: every plain-text payload reads back exactly as written from some
    page's text or attributes (so `{{ 7*7 }}` did not become 49), and every Markdown payload's
    raw HTML shows as text."""
    parsed = {path: ParsedHtml(html) for path, html in hostile.pages.items()}
    missing = []
    for planted in hostile.planted:
        if planted.markdown:
            wanted = [planted.marker, f"<script>window.{MARK}=1</script>", "{{ 7*7 }}"]
            shown = any(all(w in page.text for w in wanted) for page in parsed.values())
        else:
            shown = any(page.shows(planted.value) for page in parsed.values())
        if not shown:
            missing.append(f"{planted.kind}/{planted.ident} {planted.path}")
    assert not missing, "never shown as text:\n" + "\n".join(missing)

    persona = hostile.pages[f"personas/{full_id('personas')}/index.html"]
    assert f"&lt;script&gt;window.{MARK}=1&lt;/script&gt;" in persona
    assert "{{ 7*7 }}" in persona and "&amp;lt;i&amp;gt;entity&amp;amp;" in persona
    assert parsed["index.html"].shows(SITE_TITLE)
    assert 'alt="Portal &lt;script&gt;' in hostile.pages["index.html"], "the logo's alt text"


def test_the_data_files_carry_the_payloads_as_data(hostile: Built) -> None:
    output = hostile.output
    records = json.loads((output / "search-index.json").read_bytes())
    titles = {r["url"].split("/")[-2]: r["title"] for r in records}
    for planted in hostile.planted:
        if planted.path == ("name",):
            assert titles[planted.ident] == planted.value
    for record in records:
        assert url_scheme(record["url"]) is None and not record["url"].startswith("//")
        assert (output / record["url"]).is_file()

    # The script twin is the same records without their full text, as JSON behind one
    # assignment: no payload (`</script>`, quotes, line separators) can end the string or the
    # statement.
    script = (output / "search-index.js").read_bytes()
    prefix, suffix = b"window.GTM_SEARCH_INDEX = ", b";\n"
    assert script.startswith(prefix) and script.endswith(suffix)
    short = [{key: value for key, value in record.items() if key != "text"} for record in records]
    assert json.loads(script[len(prefix) : -len(suffix)]) == short

    sitemap = ET.fromstring((output / "sitemap.xml").read_bytes())
    locs = [e.text or "" for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    framed = [page for page in hostile.pages if not page.startswith("embed/")]
    assert len(locs) == len(framed) - 1  # all but 404.html and the cards to embed
    assert all(loc.startswith(BASE_URL) for loc in locs)

    lines = calendar_lines(output / "launches.ics")
    broken = [line for line in lines if "\r" in line or "\n" in line]
    assert not broken, "raw line breaks inside calendar lines: " + repr(broken)
    assert all(re.match(r"^[A-Z-]+[;:]", line) for line in lines), lines
    assert not any(line.startswith("UID:evil") for line in lines)
    launches = [p for p in hostile.planted if p.kind == "launches" and p.path == ("name",)]
    milestones = [p for p in hostile.planted if p.path[::2] == ("milestones", "name")]
    assert lines.count("BEGIN:VEVENT") == len(launches) + len(milestones)
    summaries = [ics_unescape(line[8:]) for line in lines if line.startswith("SUMMARY:")]
    for planted in launches:
        wanted = planted.value.replace("\r\n", "\n")
        assert any(s.startswith(wanted) for s in summaries), wanted


def calendar_lines(path: Path) -> list[str]:
    """Content lines: split at CRLF only (as RFC 5545 says), folds undone."""
    text = path.read_bytes().decode("utf-8")
    assert text.endswith("\r\n")
    return text[:-2].replace("\r\n ", "").split("\r\n")


def ics_unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def test_no_control_character_reaches_a_calendar_line(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    root = make_project(
        {
            "content/launches/l.yaml": """\
                name: "Launch\\rBEGIN:VEVENT\\rUID:evil@x\\rEND:VEVENT"
                summary: "tab\\tis fine, vertical tab\\v is not"
                product: relay
                tier: 3
                date: 2026-12-01
                goals: [{metric: m, target: "1"}]
            """,
        }
    )
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 0, result.output
    lines = calendar_lines(root / "output/launches.ics")
    bad = [line for line in lines if re.search(r"[\x00-\x08\x0a-\x1f\x7f]", line)]
    assert not bad, bad


def test_raw_html_in_markdown_is_escaped_by_default(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    for toml in ("", "[markdown]\nallow_html = false\n"):
        root = make_project(
            {
                "gtm.toml": toml,
                "content/pages/notes.md": (
                    "---\nname: Notes\n---\n"
                    f'<div onclick="window.{MARK}=1">block</div>\n\n'
                    f"Inline <img src=x onerror=window.{MARK}=1> and <script>alert(1)</script>\n"
                ),
            }
        )
        result = run_gtm("build", "--no-pdf", project=root)
        assert result.exit_code == 0, result.output
        html = (root / "output/notes/index.html").read_text(encoding="utf-8")
        assert f"&lt;div onclick=&quot;window.{MARK}=1&quot;&gt;block&lt;/div&gt;" in html
        assert f"&lt;img src=x onerror=window.{MARK}=1&gt;" in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert not unsafe_markup("notes/index.html", html, root / "output")


def test_allow_html_trusts_markdown_but_never_plain_text(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    """`allow_html = true` hands Markdown authors raw HTML; plain-text fields stay escaped."""
    site = build_hostile(make_project, run_gtm, "[markdown]\nallow_html = true\n")
    assert f'<div onclick="window.{MARK}=1"' in site.pages[f"{full_id('pages')}/index.html"]
    parsed = [ParsedHtml(html) for html in site.pages.values()]
    missing = [
        f"{p.kind}/{p.ident} {p.path}"
        for p in site.planted
        if not p.markdown and not any(page.shows(p.value) for page in parsed)
    ]
    assert not missing, missing


def test_the_checks_catch_an_unescaped_template(make_project: MakeProject, run_gtm: RunGtm) -> None:
    """The detector itself: a theme that prints a name with `|safe` is caught."""
    template = (THEME / "templates/_artifact.html").read_text(encoding="utf-8")
    assert "<h1>{{ entry.name }}</h1>" in template
    unsafe = template.replace("<h1>{{ entry.name }}</h1>", "<h1>{{ entry.name|safe }}</h1>")
    site = build_hostile(
        make_project, run_gtm, extra_files={"themes/default/templates/_artifact.html": unsafe}
    )
    problems = "\n".join(all_problems(site))
    assert "inline script" in problems and "event handler <img onerror" in problems
    assert "<svg> that is not a theme icon" in problems and "loads from outside" in problems


# ---------------------------------------------------------------------------------------------
# In the browser
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def served(hostile: Built) -> Iterator[tuple[Built, str]]:
    with serve_folder(hostile.output) as url:
        yield hostile, url


PROVOKE = """() => {
  // Fire every event an injected handler could wait for (plain Events: no link is followed),
  // and list any element whose resolved URL has a script or data scheme.
  for (const el of document.querySelectorAll("body *")) {
    for (const type of ["mouseover", "mouseenter", "focus", "click", "error", "load"]) {
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
  }
  const bad = [];
  for (const el of document.querySelectorAll("[href], [src], [action], [formaction]")) {
    for (const name of ["href", "src", "action", "formAction"]) {
      const url = el[name];
      if (typeof url === "string" && /^\\s*(javascript|data|vbscript):/i.test(url)) {
        bad.push(el.outerHTML.slice(0, 120));
      }
    }
  }
  return bad;
}"""


def test_nothing_runs_in_a_browser(browser: Browser, served: tuple[Built, str]) -> None:
    site, base = served
    context = browser.new_context()
    foreign: list[str] = []
    dialogs: list[str] = []
    errors: list[str] = []
    bad_urls: list[str] = []

    def only_local(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.on("pageerror", lambda error: errors.append(str(error)))
    reflected = quote(f'"><svg onload=window.{MARK}=1> <img src=x onerror=window.{MARK}=1>')
    try:
        for path in [
            *site.pages,
            "search/index.html?q=onerror",
            f"search/index.html?q={reflected}",
        ]:
            page.goto(base + path, wait_until="load")
            if "?q=onerror" in path:
                page.wait_for_selector("[data-result]", timeout=5000)
            page.mouse.move(10, 10)
            page.mouse.move(400, 300)
            bad_urls += [f"{path}: {bad}" for bad in page.evaluate(PROVOKE)]
            page.wait_for_timeout(30)
            assert page.evaluate(f"typeof window.{MARK}") == "undefined", path

        # The search page found the payload records and showed them as text.
        page.goto(base + "search/index.html?q=onerror", wait_until="load")
        page.wait_for_selector("[data-result]", timeout=5000)
        assert page.locator("[data-result]").count() >= 2 * len(KINDS)
        results = page.locator("[data-search-results]")
        assert f"<script>window.{MARK}=1</script>" in results.inner_text()
        assert results.locator("script, img, svg, iframe, [onerror], [onload]").count() == 0
        page.wait_for_timeout(100)
        assert page.evaluate(f"typeof window.{MARK}") == "undefined"
    finally:
        context.close()
    assert not dialogs, dialogs
    assert not errors, errors
    assert not bad_urls, "\n".join(bad_urls)
    assert not foreign, foreign


def test_search_in_pieces_shows_the_payloads_as_text(
    browser: Browser,
    make_project: MakeProject,
    run_gtm: RunGtm,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The search page of a large portal builds its results from the index's pieces as it does
    from the whole index: text nodes only, links only into the portal."""
    monkeypatch.setattr("gtm.render.shards.WHOLE_INDEX_LIMIT", 0)
    site = build_hostile(make_project, run_gtm)
    assert json.loads((site.output / "search-index" / "meta.json").read_bytes())["whole"] is False
    errors: list[str] = []
    with serve_folder(site.output) as base:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.on("dialog", lambda dialog: errors.append(dialog.message))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(base + "search/index.html?q=onerror", wait_until="load")
            page.wait_for_function(
                f"document.querySelectorAll('[data-result]').length >= {2 * len(KINDS)}"
            )
            results = page.locator("[data-search-results]")
            assert f"<script>window.{MARK}=1</script>" in results.inner_text()
            assert results.locator("script, img, svg, iframe, [onerror], [onload]").count() == 0
            links = page.eval_on_selector_all("[data-result]", "els => els.map(e => e.href)")
            assert links and all(link.startswith(base) for link in links)
            assert page.evaluate(PROVOKE) == []
            page.wait_for_timeout(100)
            assert page.evaluate(f"typeof window.{MARK}") == "undefined"
        finally:
            context.close()
    assert not errors, errors
