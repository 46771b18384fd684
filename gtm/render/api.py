"""`api/`: the portal's content as JSON, for the tools sales already lives in (a CRM side panel,
a chat bot, a script): `api/index.json` lists every artifact of the build, `api/<kind>/<id>.json`
holds one as its page shows it, and `api/schema.json` describes both. They are made from the
same audience-filtered portal as the pages, so they hold nothing the pages may not show."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from gtm.content.fields import FieldShape, field_shapes
from gtm.content.model import Claim, Positioning
from gtm.render.apischema import API_VERSION, api_schema
from gtm.render.pagecache import RenderCache
from gtm.site.entries import Entry, Link, recording_reads
from gtm.site.routes import API_FILES, absolute_prefix, api_path, page_url
from gtm.site.timeline import ItemHistory
from gtm.site.views import Portal

Markdown = Callable[[str], tuple[str, str]]
"""A Markdown text as (safe HTML with its links placed, plain words)."""

INDEX, SCHEMA = API_FILES


@dataclass(frozen=True)
class ApiWriter:
    """Writes the API's files of one portal; `prefix` is the full `base_url` (ending in "/")
    when the site has one, so every url is absolute, else "" and every url is a path from the
    portal's root."""

    portal: Portal
    markdown: Markdown
    prefix: str
    pages: dict[str, Entry]
    """Every entry by its page, for the artifacts that refer to one (known by their page)."""

    def url(self, path: str) -> str:
        return page_url(self.prefix, path)

    def files(self, kept: RenderCache | None) -> Iterator[tuple[str, bytes]]:
        """Every file of `api/`, each made as it is taken: the index, one per artifact, and the
        schema; the artifacts' files and the schema are taken from `kept` when nothing they show
        has changed, as pages are."""
        entries = [entry for entries in self.portal.kinds.values() for entry in entries]
        for entry in entries:
            path = api_path(entry.kind, entry.id)
            data = kept.get(path, counted=False) if kept is not None else None
            if data is None:
                with recording_reads() as reads:
                    data = self.artifact(entry)
                if kept is not None:
                    kept.keep(path, data, reads)
            yield path, data
        yield INDEX, self.index(entries)
        schema = kept.get(SCHEMA, counted=False) if kept is not None else None
        if schema is None:
            schema = encode(api_schema(self.portal.title))
            if kept is not None:
                kept.keep(SCHEMA, schema, set())  # the title is part of the site's shape
        yield SCHEMA, schema

    def index(self, entries: list[Entry]) -> bytes:
        listed = [
            {
                "kind": entry.kind,
                "id": entry.id,
                "name": entry.name,
                "summary": entry.summary,
                "url": self.url(entry.path),
                "pdf": self.url(entry.pdf) if entry.pdf else None,
                "updated": _day(entry.history.updated),
                "json": self.url(api_path(entry.kind, entry.id)),
            }
            for entry in entries
        ]
        return encode(
            {
                "api_version": API_VERSION,
                "title": self.portal.title,
                "audience": self.portal.audience,
                "artifacts": listed,
            }
        )

    def artifact(self, entry: Entry) -> bytes:
        """One artifact: its fields as its page shows them, what the build derived, its sources,
        its history and what refers to it."""
        facts, fields = entry.facts, entry.fields
        statement = self.portal.statement(entry) if isinstance(fields, Positioning) else None
        return encode(
            {
                "api_version": API_VERSION,
                "kind": entry.kind,
                "id": entry.id,
                "name": entry.name,
                "url": self.url(entry.path),
                "pdf": self.url(entry.pdf) if entry.pdf else None,
                "fields": self.record(fields, entry),
                "facts": {
                    "stale": facts.stale,
                    "days_since_review": facts.days_since_review,
                    "readiness": facts.readiness,
                    "at_risk": facts.at_risk,
                    "overdue_milestones": [milestone.name for milestone in facts.overdue],
                    "stale_claims": len(facts.stale_claims),
                    "statement": statement or None,
                },
                "sources": [
                    {
                        "number": note.number,
                        "source": note.source,
                        "url": note.url,
                        "as_of": note.as_of.isoformat(),
                        "kind": note.kind,
                        "stale": note.stale,
                    }
                    for note in entry.sources.notes
                ],
                "history": self.history(entry.history),
                "referenced_by": [self.link(link) for link in entry.backlinks],
            }
        )

    def record(self, record: BaseModel, entry: Entry) -> dict[str, Any]:
        return {
            shape.name: self.field(getattr(record, shape.name), shape, entry)
            for shape in field_shapes(type(record))
        }

    def field(self, value: Any, shape: FieldShape, entry: Entry) -> Any:
        if value is None:
            return None
        if shape.is_list:
            return [self.value(item, shape, entry) for item in value]
        return self.value(value, shape, entry)

    def value(self, value: Any, shape: FieldShape, entry: Entry) -> Any:
        if isinstance(value, Claim):
            return self.claim(value, entry)
        if isinstance(value, BaseModel):
            return self.record(value, entry)
        if shape.ref is not None:
            return self.link(self.portal.link(shape.ref.kind, value), shape.ref.kind, value)
        if shape.prose is not None and shape.prose.markdown:
            html, text = self.markdown(value)
            return {"html": html, "text": text}
        if isinstance(value, date):
            return value.isoformat()
        return value

    def claim(self, claim: Claim, entry: Entry) -> dict[str, Any]:
        return {
            "claim": claim.claim,
            "source": claim.source,
            "url": claim.url,
            "as_of": claim.as_of.isoformat(),
            "kind": claim.kind,
            "stale": self.portal.stale_claim(claim),
            "footnote": entry.sources.number(claim),
        }

    def link(self, link: Link, kind: str | None = None, ident: str | None = None) -> dict[str, str]:
        """A reference: `{kind, id, name, url}` to an artifact the build shows, else `{name}`."""
        if link.path is None:
            return {"name": link.name}
        if kind is None or ident is None:
            shown = self.pages.get(link.path)
            if shown is None:
                return {"name": link.name}
            kind, ident = shown.kind, shown.id
        return {"kind": kind, "id": ident, "name": link.name, "url": self.url(link.path)}

    def history(self, history: ItemHistory) -> dict[str, Any]:
        return {
            "created": _day(history.created),
            "updated": _day(history.updated),
            "changes": [
                {
                    "date": change.date.isoformat(),
                    "change": change.change,
                    "fields": list(change.fields),
                    "what": change.what,
                    "subject": change.subject,
                }
                for change in history.changes
            ],
        }


def api_files(
    portal: Portal, markdown: Markdown, kept: RenderCache | None = None
) -> Iterator[tuple[str, bytes]]:
    """Every file of `api/` for this portal, each made as it is taken; `kept` holds the last
    build's artifact files."""
    prefix = absolute_prefix(portal.config.site.base_url)
    pages = {entry.path: entry for entries in portal.kinds.values() for entry in entries}
    return ApiWriter(portal, markdown, prefix, pages).files(kept)


def encode(data: object) -> bytes:
    """Compact, stable JSON (the same portal gives the same bytes); `python -m json.tool` or
    `jq` shows it indented."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
