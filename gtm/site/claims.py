"""Proof points and the claims among them: where an artifact has them, which are stale, and the
footnotes a page or PDF numbers them by, so a rep can answer "says who?" for every claim."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from gtm.content.config import Config
from gtm.content.model import Claim, Competitor, Messaging, Positioning

T = TypeVar("T")

ProofAt = tuple[tuple[str | int, ...], str | Claim]
"""A proof point and where it stands in its file."""


def proofs(fields: object) -> list[ProofAt]:
    """Every proof point of an artifact, text or claim, with its path, in the order its page
    shows them: a competitor's why we win, a positioning's and a message house's pillars'."""
    if isinstance(fields, Competitor):
        return [
            (("why_we_win", i, "proof"), w.proof)
            for i, w in enumerate(fields.why_we_win)
            if w.proof is not None
        ]
    if isinstance(fields, Positioning):
        return [(("proof_points", i), p) for i, p in enumerate(fields.proof_points)]
    if isinstance(fields, Messaging):
        return [
            (("pillars", p, "proof_points", i), proof)
            for p, pillar in enumerate(fields.pillars)
            for i, proof in enumerate(pillar.proof_points)
        ]
    return []


def claim_is_stale(proof: str | Claim, config: Config, today: date) -> bool:
    """A claim last verified longer ago than `[claims] max_age_days`; text never is."""
    return isinstance(proof, Claim) and _too_old(proof.as_of, config, today)


def _too_old(as_of: date, config: Config, today: date) -> bool:
    return (today - as_of).days > config.claims.max_age_days


def stale_claims(fields: object, config: Config, today: date) -> tuple[ProofAt, ...]:
    return tuple(
        (path, proof) for path, proof in proofs(fields) if claim_is_stale(proof, config, today)
    )


def shows_source(claim: Claim, audience: str) -> bool:
    """A public build names no internal source: the claim is shown, its source is not."""
    return claim.kind != "internal" or audience != "public"


CLAIM_KIND_LABELS = {
    "customer": "customer",
    "benchmark": "benchmark",
    "analyst": "analyst",
    "internal": "internal data",
    "estimate": "estimate",
}


@dataclass(frozen=True)
class Footnote:
    """One source of an artifact's claims, as its list of sources shows it."""

    number: int
    source: str
    url: str | None
    as_of: date
    kind: str
    stale: bool

    @property
    def kind_label(self) -> str:
        return CLAIM_KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Sources:
    """The sources an artifact's claims are numbered by; claims that share a source, link,
    date and kind share a number. `anchor` names the list, unique in a page or a sales kit."""

    anchor: str
    notes: tuple[Footnote, ...] = ()

    def number(self, proof: object) -> int | None:
        """The footnote of a claim, or None for text or a claim shown without its source."""
        if not isinstance(proof, Claim):
            return None
        for note in self.notes:
            if (note.source, note.url, note.as_of, note.kind) == _key(proof):
                return note.number
        return None

    def __bool__(self) -> bool:
        return bool(self.notes)

    def __len__(self) -> int:
        return len(self.notes)


def _key(claim: Claim) -> tuple[str, str | None, date, str]:
    return (claim.source, claim.url, claim.as_of, claim.kind)


def source_keys(fields: object, audience: str) -> list[tuple[str, str | None, date, str]]:
    """The distinct sources an artifact's page names, in the order it shows its claims."""
    keys: list[tuple[str, str | None, date, str]] = []
    for _, proof in proofs(fields):
        if isinstance(proof, Claim) and shows_source(proof, audience) and _key(proof) not in keys:
            keys.append(_key(proof))
    return keys


def footnotes(
    kind: str, ident: str, fields: object, audience: str, config: Config, today: date
) -> Sources:
    """The numbered sources of an artifact's claims, in the order its page shows them."""
    notes = tuple(
        Footnote(number, source, url, as_of, claim_kind, _too_old(as_of, config, today))
        for number, (source, url, as_of, claim_kind) in enumerate(source_keys(fields, audience), 1)
    )
    return Sources(sources_anchor(kind, ident), notes)


def sources_anchor(kind: str, ident: str) -> str:
    """The id of an artifact's list of sources; its notes are this id and their number."""
    return f"sources-{kind}-{ident}"


def unsourced_in(fields: object, audience: str) -> list[tuple[str | int, ...]]:
    """The paths of the claims whose source this build may not name (internal ones in a
    public build): everything under them but the claim's text is left out of the build."""
    return [
        path
        for path, proof in proofs(fields)
        if isinstance(proof, Claim) and not shows_source(proof, audience)
    ]


def shown_fields(fields: T, audience: str) -> T:
    """An artifact's fields as this build may show them: each claim whose source it may not
    name is plain text, so no template can reach the source."""
    for path in unsourced_in(fields, audience):
        claim = _at(fields, path)
        if isinstance(claim, Claim):
            fields = _replaced(fields, path, claim.claim)
    return fields


def _at(value: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        value = value[step] if isinstance(step, int) else getattr(value, step)
    return value


def _replaced(value: Any, path: tuple[str | int, ...], new: object) -> Any:
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        items = list(value)
        items[step] = _replaced(items[step], rest, new) if rest else new
        return items
    inner = _replaced(getattr(value, step), rest, new) if rest else new
    return value.model_copy(update={step: inner})
