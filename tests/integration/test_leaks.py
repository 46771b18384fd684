"""Nothing internal or draft leaks into a build that leaves it out. A project is generated from
the content model: every kind has a public approved artifact, an internal one and a public
draft, and every text and Markdown field, list item, nested record and body of the internal
and draft artifacts holds its own canary. Each of the four builds (`--audience internal` and
`public`, with and without `--drafts`, PDFs included) is then read byte by byte: HTML, JSON,
XML, ICS and script as text, PDFs as page text, metadata, outline, link targets and raw bytes,
and every file's path. The only trace of a left-out artifact the spec allows is its `name`,
as plain text with no link, where an included artifact references it."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import types
import typing
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
import yaml
from annotated_types import MaxLen, MinLen
from pydantic import BaseModel
from pypdf import PdfReader
from pypdf.generic import Destination

from gtm.content.fields import FieldShape, field_shapes
from gtm.content.kinds import KINDS
from tests.conftest import MakeProject, RunGtm

MODELS = {name: kind.model for name, kind in KINDS.items()}

# ---------------------------------------------------------------------------------------------
# The project, generated from the model
# ---------------------------------------------------------------------------------------------

State = Literal["pub", "int", "drf"]
STATES: tuple[State, ...] = ("pub", "int", "drf")
HEADERS: dict[State, dict[str, str]] = {
    "pub": {"visibility": "public"},
    "int": {"visibility": "internal"},
    "drf": {"visibility": "public", "status": "draft"},
}
"""Three artifacts of every kind: public and approved, internal, and a public draft."""

TOKEN_PREFIX = {"pub": "qqpubctl", "int": "qqintcan", "drf": "qqdrfcan"}
"""Canaries are one lowercase word each (so no hyphenation, case or escaping can split them);
public artifacts carry control tokens that must show up."""

MD_KINDS = frozenset({"pages"})
RECORD_LISTS = {"Feature": "features", "Pillar": "pillars", "Milestone": "milestones"}


def ident(kind: str, state: State) -> str:
    """The id of the generated artifact of `kind` in `state`; no id is part of another id."""
    return {"pub": f"zpub-{kind}", "int": f"zsecretint-{kind}", "drf": f"zsecretdrf-{kind}"}[state]


ALT_KINDS = frozenset({"positioning", "messaging", "launches"})
"""Kinds with a single reference (`product`, `messaging`): a second public artifact, `zalt-…`,
points those at the draft where the first points at the internal artifact."""


def other(state: State, index: int) -> State:
    """What the `index`-th reference of an artifact names: each included artifact points at
    what a narrower build leaves out (the public one at the internal one, then the draft)."""
    return ("int", "drf")[index % 2] if state == "pub" else ("drf", "int", "pub")[index % 3]


DERIVED: tuple[tuple[str, State, State], ...] = (
    ("zpub-derived-from-int", "pub", "int"),
    ("zpub-derived-from-drf", "pub", "drf"),
    ("zsecretint-derived-from-drf", "int", "drf"),
)
"""Positionings without `category` or `statement`, so both come from a product (and names)
that the build may leave out: (id, own state, state of what it references)."""


@dataclass(frozen=True)
class Canary:
    token: str
    kind: str
    ident: str
    state: State
    path: tuple[str | int, ...]
    is_name: bool
    markdown: bool
    internal_source: bool = False
    """The source of an internal claim in a public artifact: a public build shows the claim
    but never its source."""

    def shown(self, wanted: set[str], audience: str) -> bool:
        return self.ident in wanted and not (self.internal_source and audience == "public")


@dataclass
class LeakProject:
    """The files of the project and every token planted in them."""

    canaries: list[Canary] = field(default_factory=list)
    states: dict[str, State] = field(default_factory=dict)
    """Every artifact id and its state."""

    def files(self) -> dict[str, str]:
        files = {"gtm.toml": '[site]\ntitle = "Leak test"\nbase_url = "https://leak.example/"\n'}
        for kind, model in MODELS.items():
            plan = [(ident(kind, state), state, 0) for state in STATES]
            if kind in ALT_KINDS:
                plan.append((f"zalt-{kind}", "pub", 1))
            for key, state, shift in plan:
                data = self.record(model, kind, key, state, (), shift)
                data = {**HEADERS[state], **data}
                if state == "pub":
                    data["body"] += public_links(kind)
                files[f"content/{kind}/{key}.{'md' if kind in MD_KINDS else 'yaml'}"] = dump(
                    kind, data
                )
                self.states[key] = state
        for key, state, target in DERIVED:
            self.states[key] = state
            data = {
                **HEADERS[state],
                "name": self.plant("positioning", key, state, ("name",), False),
                "product": ident("products", target),
                "target": [ident("personas", target)],
                "need": self.plant("positioning", key, state, ("need",), False),
                "key_benefit": self.plant("positioning", key, state, ("key_benefit",), False),
                "alternatives": [ident("competitors", target)],
                "differentiators": [
                    self.plant("positioning", key, state, ("differentiators", 0), False)
                ],
            }
            files[f"content/positioning/{key}.yaml"] = dump("positioning", data)
        return files

    def plant(
        self, kind: str, key: str, state: State, path: tuple[str | int, ...], md: bool
    ) -> str:
        is_name = path == ("name",)
        token = (
            f"{TOKEN_PREFIX[state]}name{key.replace('-', '')}q"
            if is_name
            else f"{TOKEN_PREFIX[state]}{len(self.canaries):04d}q"
        )
        self.canaries.append(Canary(token, kind, key, state, path, is_name, md))
        if md:
            return f"Some words {token} and **more** words.\n\n- item {token}\n"
        return f"{token} plain"

    def record(
        self,
        model: type[BaseModel],
        kind: str,
        key: str,
        state: State,
        prefix: tuple[str | int, ...],
        shift: int,
        index: int = 0,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for shape in field_shapes(model):
            if shape.name in ("status", "visibility"):
                continue
            path = (*prefix, shape.name)
            value: Any
            if shape.is_list and not (shape.prose or shape.ref or shape.record):
                value = scalar(model, shape, index)
                value = None if value is None else [value]
            elif shape.is_list:
                count = list_length(model, shape)
                value = [
                    self.one(model, kind, key, state, (*path, i), shape, shift, i)
                    for i in range(count)
                ]
            else:
                value = self.one(model, kind, key, state, path, shape, shift, index)
            if value is not None:
                data[shape.name] = value
        return data

    def one(
        self,
        model: type[BaseModel],
        kind: str,
        key: str,
        state: State,
        path: tuple[str | int, ...],
        shape: FieldShape,
        shift: int,
        index: int,
    ) -> Any:
        if shape.name in PROOF_FIELDS and state == "pub" and index == 1:
            return self.internal_claim(kind, key, path)
        if shape.prose is not None:
            return self.plant(kind, key, state, path, shape.prose.markdown)
        if shape.ref is not None:
            return ident(shape.ref.kind, other(state, index + shift))
        if shape.record is not None:
            return self.record(shape.record, kind, key, state, path, shift, index)
        return scalar(model, shape, index)

    def internal_claim(self, kind: str, key: str, path: tuple[str | int, ...]) -> dict[str, str]:
        """A claim backed by internal data in a public artifact: its text is public, its
        source is a canary that only an internal build may show."""
        token = f"{TOKEN_PREFIX['int']}{len(self.canaries):04d}q"
        self.canaries.append(Canary(token, kind, key, "pub", (*path, "source"), False, False, True))
        return {
            "claim": self.plant(kind, key, "pub", (*path, "claim"), False),
            "source": f"{token} plain",
            "as_of": "2024-01-01",
            "kind": "internal",
        }


PROOF_FIELDS = frozenset({"proof", "proof_points"})
"""Fields that hold proof points: the second of each in a public artifact is an internal
claim (a stale one, so the health page lists it too)."""


def public_links(kind: str) -> str:
    """`gtm:` links from a public body to the internal and draft competitor and persona; the
    link text is the public artifact's own words, so only the link itself could leak."""
    return "".join(
        f"\n\nSee [qqpubctllink{state}{target}q](gtm:{target}/{ident(target, state)}).\n"
        for state in ("int", "drf")
        for target in ("competitors", "personas")
    )


def list_length(model: type[BaseModel], shape: FieldShape) -> int:
    """Two of each list (one reference to the internal, one to the draft artifact)."""
    info = model.model_fields[shape.name]
    low = max((m.min_length for m in info.metadata if isinstance(m, MinLen)), default=0)
    high = min((m.max_length for m in info.metadata if isinstance(m, MaxLen)), default=2)
    return min(max(2, low), high)


def unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def scalar(model: type[BaseModel], shape: FieldShape, index: int) -> Any:
    """A valid value for a field without words: defaults stay, ids name the records that the
    generator numbers `<list>-<index>`, and an unknown type fails loudly."""
    info = model.model_fields[shape.name]
    if not info.is_required() and not shape.is_list and info.default is not None:
        return None
    if shape.name == "id":
        return f"{RECORD_LISTS[model.__name__]}-{index}"
    if (model.__name__, shape.name) == ("Pillar", "features"):
        return f"features-{index}"
    if (model.__name__, shape.name) == ("PersonaMessage", "pillars"):
        return f"pillars-{index}"
    if (model.__name__, shape.name) == ("Milestone", "depends_on"):
        return "milestones-0" if index > 0 else None
    base = unwrap(info.annotation)
    if typing.get_origin(base) is Literal:
        return typing.get_args(base)[0]
    if base is date:
        return "2026-11-01" if shape.name == "reviewed" else "2026-12-01"
    if base is float:
        return 1
    if base is str and shape.name == "website":
        return "https://example.com/"
    raise AssertionError(f"test_leaks cannot fill {model.__name__}.{shape.name}")


def dump(kind: str, data: dict[str, Any]) -> str:
    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def text(value: Any) -> str:
        return yaml.dump(value, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=10**9)

    if kind not in MD_KINDS:
        return text(data)
    body = data.pop("body", "")
    return f"---\n{text(data)}---\n{body}\n"


# ---------------------------------------------------------------------------------------------
# Reading every output byte
# ---------------------------------------------------------------------------------------------


class HtmlTexts(HTMLParser):
    """Text a reader sees, split by whether it sits inside a link, and everything else that
    carries words: attribute values and script/style contents."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.plain: list[str] = []
        self.linked: list[str] = []
        self.attributes: list[str] = []
        self.raw: list[str] = []
        self.title: list[str] = []
        self._links = 0
        self._raw: str | None = None
        self._in_title = False
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [f"<{tag} {name}={value}>" for name, value in attrs if value]
        if tag == "a" and any(name == "href" for name, _ in attrs):
            self._links += 1
        elif tag in ("script", "style"):
            self._raw = tag
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            self._links -= 1
        elif tag == self._raw:
            self._raw = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self.raw.append(data)
        elif self._in_title:
            self.title.append(data)
        elif self._links:
            self.linked.append(data)
        else:
            self.plain.append(data)


@dataclass
class Findings:
    """Where each token was seen: `(file, place)` pairs, place saying how it was read."""

    seen: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    def scan(self, tokens: list[str], where: str, place: str, text: str) -> None:
        text = text.lower()
        squashed = "".join(text.split())
        for token in tokens:
            if token in text or token in squashed:
                self.seen.setdefault(token, set()).add((where, place))


def read_output(output: Path, tokens: list[str]) -> Findings:
    findings = Findings()
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        rel = path.relative_to(output).as_posix()
        data = path.read_bytes()
        findings.scan(tokens, rel, "path", rel)
        findings.scan(tokens, rel, "bytes", data.decode("latin-1"))
        if path.suffix == ".pdf":
            read_pdf(findings, tokens, rel, path)
            continue
        text = data.decode("utf-8")
        findings.scan(tokens, rel, "text", html.unescape(text))
        if path.suffix == ".html":
            page = HtmlTexts(text)
            for place, parts in (
                ("plain", page.plain),
                ("link", page.linked),
                ("attribute", page.attributes),
                ("script", page.raw),
                ("title", page.title),
            ):
                findings.scan(tokens, rel, place, "\n".join(parts))
        elif path.suffix == ".json" and rel.startswith("api/"):
            for place, strings in api_parts(json.loads(data)).items():
                findings.scan(tokens, rel, place, "\n".join(strings))
        elif rel == "search-index.json":
            for record in json.loads(data):
                for key, value in record.items():
                    findings.scan(tokens, rel, f"search {key}", json.dumps(value))
    return findings


def api_parts(value: Any) -> dict[str, list[str]]:
    """An API file's strings by where they stand: the names of name-only references
    (`{"name": …}`, where a page shows only a name), a positioning's statement (a page's plain
    text, made from names), and every other key and value."""
    parts: dict[str, list[str]] = {"reference name": [], "statement": [], "json": []}
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict) and set(item) == {"name"}:
            parts["reference name"].append(str(item["name"]))
        elif isinstance(item, dict):
            parts["json"].extend(item)
            statement = item.get("statement") if "stale_claims" in item else None
            parts["statement"].append(str(statement or ""))
            pending.extend(v for k, v in item.items() if k != "statement" or statement is None)
        elif isinstance(item, list):
            pending.extend(item)
        else:
            parts["json"].append(str(item))
    return parts


def read_pdf(findings: Findings, tokens: list[str], rel: str, path: Path) -> None:
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    findings.scan(tokens, rel, "pdf text", text)
    metadata = reader.metadata or {}
    findings.scan(tokens, rel, "pdf metadata", "\n".join(f"{k}={v}" for k, v in metadata.items()))
    findings.scan(tokens, rel, "pdf outline", "\n".join(outline_titles(reader.outline)))
    uris = [
        str(annot.get_object().get("/A", {}).get("/URI", ""))
        for page in reader.pages
        for annot in page.get("/Annots") or []
    ]
    findings.scan(tokens, rel, "pdf link", "\n".join(uris))


def outline_titles(outline: Any) -> Iterator[str]:
    for item in outline:
        if isinstance(item, list):
            yield from outline_titles(item)
        elif isinstance(item, Destination):
            yield str(item.title)


# ---------------------------------------------------------------------------------------------
# The four builds
# ---------------------------------------------------------------------------------------------


def name_may_show(where: str, place: str) -> bool:
    """Where the name of a left-out artifact may show: as plain text of a page or a PDF's
    pages, or as a name-only reference in the API's JSON (and so in that file's text and
    bytes), never in a link, attribute, page title, script, path, search index, sitemap,
    calendar, PDF metadata, outline or link, or anywhere else in the JSON."""
    if where.endswith(".html"):
        return place in ("plain", "text", "bytes")
    if where.startswith("api/"):
        return place in ("reference name", "statement", "text", "bytes")
    return where.endswith(".pdf") and place in ("pdf text", "bytes")


PDF_KINDS = ("competitors", "personas", "messaging", "launches")
"""The kinds with a PDF of their own (and, for the first two, a chapter of the sales kit)."""


def included(state: State, audience: str, drafts: bool) -> bool:
    return state == "pub" or (
        (state == "int" and audience == "internal") or (state == "drf" and drafts)
    )


def test_the_generator_fills_every_prose_field_of_every_kind() -> None:
    project = LeakProject()
    project.files()
    for state in ("int", "drf"):
        planted = {
            (c.kind, tuple(k for k in c.path if isinstance(k, str)))
            for c in project.canaries
            if c.state == state
        }
        expected = {(kind, path) for kind, model in MODELS.items() for path in prose_paths(model)}
        assert expected == planted, sorted(expected ^ planted)
    tokens = [c.token for c in project.canaries]
    assert len(set(tokens)) == len(tokens)
    assert not any(a != b and a in b for a in tokens for b in tokens)


def prose_paths(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for shape in field_shapes(model):
        if shape.prose is not None:
            yield (*prefix, shape.name)
        elif shape.record is not None:
            yield from prose_paths(shape.record, (*prefix, shape.name))


LINK_TEXTS: dict[str, State] = {
    f"qqpubctllink{state}{target}q": state
    for state in ("int", "drf")
    for target in ("competitors", "personas")
}
"""The words of the `gtm:` links in the public page's body, by the state of their target."""


@pytest.mark.parametrize("drafts", [False, True], ids=["no-drafts", "drafts"])
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_a_build_holds_nothing_it_leaves_out(
    make_project: MakeProject,
    run_gtm: RunGtm,
    audience: str,
    drafts: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every problem of the build is listed at once: leaks, then missing positive controls.
    The search index is written in pieces too, as a large portal's is."""
    monkeypatch.setattr("gtm.render.shards.WHOLE_INDEX_LIMIT", 0)
    project = LeakProject()
    root = make_project(project.files(), minimal=False)
    committed(root)
    flags = ["--audience", audience, *(["--drafts"] if drafts else []), "--jobs", "2"]
    result = run_gtm("build", *flags, project=root)
    assert result.exit_code == 0, result.output
    output = root / "output"
    assert any(p.suffix == ".pdf" for p in output.rglob("*")), "no PDF was built"

    tokens = [c.token for c in project.canaries] + list(project.states) + list(LINK_TEXTS)
    findings = read_output(output, [*tokens, *HISTORY_TOKENS])
    wanted = {key for key, state in project.states.items() if included(state, audience, drafts)}
    problems = [
        *leaks(project, findings, wanted, audience),
        *controls(project, findings, wanted, audience),
        *allowance(findings, audience, drafts),
        *listings(output, project.states, wanted),
        *history(findings, audience),
    ]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


HISTORY_TOKENS = ("qqintcansubjectq", "qqintcanauthorq")
"""A commit's subject and author: an internal build's changes page shows the subject; a public
build shows neither."""


def committed(root: Path) -> None:
    """The project as one commit of a git repository, so every build reads its history."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": HISTORY_TOKENS[1],
        "GIT_AUTHOR_EMAIL": "a@leak.example",
        "GIT_COMMITTER_NAME": HISTORY_TOKENS[1],
        "GIT_COMMITTER_EMAIL": "a@leak.example",
        "GIT_AUTHOR_DATE": "2026-11-20T10:00:00Z",
        "GIT_COMMITTER_DATE": "2026-11-20T10:00:00Z",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", HISTORY_TOKENS[0]]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def history(findings: Findings, audience: str) -> Iterator[str]:
    """No author anywhere; the subject only on an internal build's pages."""
    subject, author = HISTORY_TOKENS
    for where, place in sorted(findings.seen.get(author, ())):
        yield f"leak: the commit's author in {where} ({place})"
    seen = findings.seen.get(subject, set())
    if audience == "public":
        yield from (f"leak: the commit's subject in {w} ({p})" for w, p in sorted(seen))
    elif not any(where == "changes/index.html" for where, _ in seen):
        yield "missing: the commit's subject is not on the changes page"


def leaks(
    project: LeakProject, findings: Findings, wanted: set[str], audience: str
) -> Iterator[str]:
    """A token or id of a left-out artifact anywhere but where its name may show."""
    for canary in project.canaries:
        if canary.shown(wanted, audience):
            continue
        for where, place in sorted(findings.seen.get(canary.token, ())):
            if not (canary.is_name and name_may_show(where, place)):
                yield f"leak: {canary.ident} {canary.path} {canary.token} in {where} ({place})"
    for key in sorted(set(project.states) - wanted):
        for where, place in sorted(findings.seen.get(key, ())):
            yield f"leak: id {key} in {where} ({place})"


def controls(
    project: LeakProject, findings: Findings, wanted: set[str], audience: str
) -> Iterator[str]:
    """Positive controls: every token of an included artifact is on some page, and names and
    summaries are in the PDFs' text and metadata and the sales kit's outline, so the scan
    reads the places where a leak would show."""
    for canary in project.canaries:
        if not canary.shown(wanted, audience):
            continue
        places = {place for _, place in findings.seen.get(canary.token, ())}
        label = f"missing: {canary.ident} {canary.path} {canary.token}"
        if not places & {"plain", "link", "attribute"}:
            yield f"{label} is on no page"
        if canary.kind in PDF_KINDS and canary.path in (("name",), ("summary",)):
            for place in ("pdf text", "pdf metadata"):
                if place not in places:
                    yield f"{label} is not in any {place}"
        in_kit = canary.kind in ("competitors", "personas") and canary.is_name
        if in_kit and "pdf outline" not in places:
            yield f"{label} is not in the sales kit's outline"


def allowance(findings: Findings, audience: str, drafts: bool) -> Iterator[str]:
    """The spec's one allowance, exercised: a left-out artifact that an included one references
    shows its name as plain text; a `gtm:` link to it keeps its words but loses its link."""
    for kind in ("products", "personas", "competitors", "messaging"):
        for state in ("int", "drf"):
            token = f"{TOKEN_PREFIX[state]}name{ident(kind, state).replace('-', '')}q"
            places = {place for _, place in findings.seen.get(token, ())}
            if not included(state, audience, drafts) and "plain" not in places:
                yield f"missing: the referenced name {token} is not shown as text"
    for token, state in LINK_TEXTS.items():
        places = {p for w, p in findings.seen.get(token, ()) if w == "zpub-pages/index.html"}
        expected = {"link"} if included(state, audience, drafts) else {"plain"}
        if places & {"plain", "link"} != expected:
            yield f"gtm: link text {token} is in {sorted(places)}, not only {sorted(expected)}"


def listings(output: Path, states: dict[str, State], wanted: set[str]) -> Iterator[str]:
    """Pages, search records, sitemap entries, PDFs and calendar events: exactly the included
    artifacts (each launch with its two milestones in the calendar)."""
    launches = {key for key in wanted if key.endswith("launches")}
    records = json.loads((output / "search-index.json").read_bytes())
    pieces = [
        row[0]
        for chunk in sorted((output / "search-index").glob("*/docs/*.json"))
        for row in json.loads(chunk.read_bytes())
    ]
    sitemap = ET.fromstring((output / "sitemap.xml").read_bytes())
    locs = [e.text or "" for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    calendar = (output / "launches.ics").read_bytes().decode("utf-8").replace("\r\n ", "")
    uids = re.findall(r"^UID:launch-(.+?)@gtm\r$", calendar, re.M)
    found = {
        "pages": {key_in(p.relative_to(output).as_posix(), states) for p in output.rglob("*.html")},
        "search records": {key_in(r["url"], states) for r in records},
        "search pieces": {key_in(url, states) for url in pieces},
        "sitemap entries": {key_in(loc, states) for loc in locs},
        "PDFs": {key_in(p.relative_to(output).as_posix(), states) for p in output.rglob("*.pdf")},
        "calendar events": {key_in(uid, states) for uid in uids},
    }
    expected = {
        "pages": wanted,
        "search records": wanted,
        "search pieces": wanted,
        "sitemap entries": wanted,
        "PDFs": {key for key in wanted if key.endswith(PDF_KINDS)},
        "calendar events": launches,
    }
    for what, keys in found.items():
        if keys - {None} != expected[what]:
            yield f"{what}: extra {sorted(keys - {None} - expected[what])}, missing " + str(
                sorted(expected[what] - keys)
            )
    if len(uids) != 3 * len(launches):
        yield f"calendar: {len(uids)} events for {len(launches)} launches with 2 milestones each"


def key_in(path: str, ids: dict[str, State]) -> str | None:
    """The artifact id a URL, path or calendar UID is about (`-milestones-0` aside)."""
    found = [key for key in ids if re.search(rf"(^|/){re.escape(key)}(/|\.pdf$|-mil|$)", path)]
    assert len(found) <= 1, (path, found)
    return found[0] if found else None


PROBE = """\
{%- macro probe(value, depth) -%}
{%- if depth >= 5 or value is string or value is number or value is none -%}{{ value|pprint }}
{%- else -%}
{%- if value is mapping -%}
{%- for key in value %}{{ probe(key, depth + 1) }}{{ probe(value[key], depth + 1) }}{% endfor -%}
{%- elif value is iterable -%}
{%- for item in value %}{{ probe(item, depth + 1) }}{% endfor -%}
{%- endif -%}
{%- for name in value.__class__.__dir__(value) if not name.startswith(("_", "model_")) -%}
{%- set found = value|attr(name) -%}
{%- if found is callable and name in ZERO_ARGUMENTS -%}{{ probe(found(), depth + 1) }}
{%- elif found is not callable -%}{{ probe(found, depth + 1) }}{%- endif -%}
{%- endfor -%}
{%- endif -%}
{%- endmacro -%}
{%- set ZERO_ARGUMENTS = ["pdfs", "upcoming_launches", "recently_reviewed", "items", "values"] -%}
<!doctype html><html><body><main id="main">
{{ probe(site, 0) }}
{%- if entry is defined %}{{ probe(entry, 0) }}{% endif %}
{%- for kind, entries in site.kinds.items() %}{% for other in entries -%}
{{ probe(site.link(kind, other.id), 0) }}{% endfor %}{% endfor %}
</main></body></html>
"""
"""A theme that prints every value it can reach from what a page receives, attributes and
zero-argument methods included, to a depth past anything a real theme goes."""


def test_a_theme_that_prints_everything_it_reaches_prints_nothing_left_out(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    """The audience boundary is a type: whatever a public build hands templates holds no
    left-out artifact beyond the name a shown one refers to (and its id, which the shown one's
    own fields hold), so no theme, however it probes, can print one's content."""
    project = LeakProject()
    files = project.files()
    files["gtm.toml"] += '[build]\ntheme = "probe"\n'
    for kind in KINDS.values():
        files[f"themes/probe/templates/{kind.template}"] = PROBE
    files["themes/probe/templates/index.html"] = PROBE
    root = make_project(files, minimal=False)
    result = run_gtm("build", "--audience", "public", "--no-pdf", project=root)
    assert result.exit_code == 0, result.output
    output = root / "output"
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "KeptEntries" not in home and "Entry(" in home and len(home) > 100_000  # it probed
    tokens = [c.token for c in project.canaries]
    findings = read_output(output, tokens)
    public = {key for key, state in project.states.items() if state == "pub"}
    assert any(c.internal_source for c in project.canaries)
    printed = [
        f"{canary.ident} {canary.path} {canary.token} in {where}"
        for canary in project.canaries
        if not canary.is_name and not canary.shown(public, "public")
        for where, _ in sorted(findings.seen.get(canary.token, ()))
    ]
    assert printed == []
    shown = [c.token for c in project.canaries if c.shown(public, "public")]
    assert all(token in findings.seen for token in shown), "the probe missed shown content"
