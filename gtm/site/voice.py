"""The brand's voice in every text: the terms to use, the banned words, and the superlatives
that make a claim a rep must be able to back. The patterns are compiled once per build from
`brand.yaml`; an item's texts are searched with them, skipping code and URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gtm.content.model import Brand, Claim
from gtm.content.sources import blank
from gtm.content.validate import Item
from gtm.site.claims import proofs

URLISH = re.compile(r"\S+://\S+|\S+@\S+\.\w+|`[^`\n]*`|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b(?:/\S*)?")
"""What no brand rule reads: links, e-mail addresses, domain names and inline code."""

SUPERLATIVE = "'{hit}' is a claim: back it with a sourced proof point in this file, or reword"
QUOTED = frozenset({"their_pitch", "objection", "quote"})
"""Fields in other people's words (a competitor's pitch, a buyer's objection, a persona's
quote): a superlative there is theirs to make, not ours to back."""


@dataclass(frozen=True)
class VoiceRule:
    """One word or phrase of the brand file, how it is found and what is said of a hit."""

    pattern: re.Pattern[str]
    message: str
    code: str
    superlative: bool = False
    """A hit is fine when a sourced claim in the same file contains the word."""


@dataclass(frozen=True)
class BrandPatterns:
    """Every rule of the brand file, and each of its phrases in lower case: most texts hold
    none of them, and a plain substring test is far quicker than the patterns."""

    rules: tuple[VoiceRule, ...] = ()
    phrases: tuple[str, ...] = ()


def brand_patterns(brand: Brand | None) -> BrandPatterns:
    """The rules of the brand file; a project without one has its defaults: no terms, no
    banned words, and the default superlatives."""
    brand = brand if brand is not None else Brand()
    rules: list[VoiceRule] = []
    phrases: list[str] = []
    for term in brand.terms:
        use = term.use.replace("{", "{{").replace("}", "}}")
        for avoid in term.avoid:
            message = "'{hit}' is not our term: write '" + use + "'"
            rules.append(VoiceRule(phrase_pattern(avoid), message, "brand-term"))
            phrases.append(avoid)
    for banned in brand.banned:
        message = "'{hit}' is a banned word (brand.yaml)"
        if banned.use:
            message += ": write '" + banned.use.replace("{", "{{").replace("}", "}}") + "'"
        rules.append(VoiceRule(phrase_pattern(banned.word), message, "banned-word"))
        phrases.append(banned.word)
    for word in brand.superlatives:
        pattern = phrase_pattern(word, compounds=True)
        rules.append(VoiceRule(pattern, SUPERLATIVE, "superlative", True))
        phrases.append(word)
    lowered = {" ".join(p.lower().split()) for p in phrases if p.strip()}
    return BrandPatterns(tuple(rules), tuple(sorted(lowered)))


def phrase_pattern(text: str, compounds: bool = False) -> re.Pattern[str]:
    """A word or phrase as a whole, in any case, its words apart by any white space. A
    hyphenated compound is one word ("cutting-edge" is not "edge"), unless `compounds`: a
    superlative still claims in "best-in-class" or "industry-leading"."""
    words = [re.escape(w) for w in text.split()]
    edge = r"\w" if compounds else r"[\w-]"
    return re.compile(f"(?<!{edge})" + r"\s+".join(words) + f"(?!{edge})", re.IGNORECASE)


VoiceHit = tuple[tuple[int, int], str, str]
"""Where a hit stands in its file (line, column), its code and its message."""


def voice_hits(item: Item, patterns: BrandPatterns) -> list[VoiceHit]:
    """Every hit of the brand's rules in an item's texts, in the order they stand."""
    if not patterns.rules:
        return []
    claims: list[str] | None = None
    found: list[VoiceHit] = []
    for leaf in item.leaves:
        if leaf.shape.prose is None:
            continue
        words = " ".join(leaf.value.lower().split())
        if not any(phrase in words for phrase in patterns.phrases):
            continue
        text = blank(URLISH, leaf.value)
        find = item.source.finder(leaf.path, URLISH)
        for rule, k, hit in _hits(text, patterns.rules):
            if rule.superlative:
                if leaf.path[-1] in QUOTED:
                    continue
                claims = claims if claims is not None else _claim_texts(item)
                if any(rule.pattern.search(claim) for claim in claims):
                    continue
            where = find(rule.pattern, k) or item.at(leaf.path)
            found.append((where, rule.code, rule.message.format(hit=hit)))
    return found


def _claim_texts(item: Item) -> list[str]:
    """The sourced claims of an item: a superlative they contain is backed in the whole file."""
    return [proof.claim for _, proof in proofs(item.fields) if isinstance(proof, Claim)]


def _hits(text: str, rules: tuple[VoiceRule, ...]) -> list[tuple[VoiceRule, int, str]]:
    """Every hit in `text` in the order they stand, with its rule and its occurrence of that
    rule's pattern, which is how the hit is found again in the raw file."""
    hits = sorted(
        (m.start(), order, k, m.group())
        for order, rule in enumerate(rules)
        for k, m in enumerate(rule.pattern.finditer(text))
    )
    return [(rules[order], k, hit) for _, order, k, hit in hits]
