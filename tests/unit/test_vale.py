"""`gtm brand --vale`: the Vale style made from a brand file. Vale cannot be installed here, so
the rules are checked against Vale's documented rule schema, and their patterns are run the
way Vale compiles them, with Python's `re` standing in for Go's RE2."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from gtm.content.model import Brand
from gtm.errors import UsageError
from gtm.vale import (
    HEADER,
    RULE_FILES,
    phrase_pattern,
    vale_style,
    write_style,
)

BRAND = Brand.model_validate(
    {
        "terms": [
            {"use": "Acme Relay", "avoid": ["AcmeRelay", "Relay App"]},
            {"use": "postmortem", "avoid": ["post-mortem", "post mortem"]},
            {"use": "C++ SDK", "avoid": ["C++ (beta) kit", "c.p.p"]},
        ],
        "banned": ["synergy", "world-class", {"word": "leverage", "use": "use"}],
        "superlatives": ["best", "#1", "10x", "the only"],
    }
)

# --- Vale's rule schema --------------------------------------------------------------------
# Transcribed from Vale's documentation (vale.sh, source in the vale-cli/vale.sh repository):
# - "Styles" (docs/topics/styles.md, https://vale.sh/docs/styles): the header every rule
#   supports: extends and message required; level one of suggestion, warning, error; scope,
#   link, limit, vocab.
# - "existence" (docs/checks/existence.md, https://vale.sh/docs/checks/existence): append,
#   ignorecase, nonword, action, raw, tokens, exceptions, vocab.
# - "substitution" (docs/checks/substitution.md, https://vale.sh/docs/checks/substitution):
#   ignorecase, matchcase, nonword, swap (a map of observed: expected), exceptions, vocab,
#   capitalize; with one or two `%s` in the message.
# - "Actions" (docs/topics/actions.md): `action` is {name, params}, the name one of suggest,
#   replace, remove, edit (and convert, docs/fixes/convert.md).
# Vale 3 decodes a rule with unknown keys as an error, hence additionalProperties: false.

_HEADER_KEYS: dict[str, Any] = {
    "extends": {"type": "string"},
    "message": {"type": "string", "minLength": 1},
    "description": {"type": "string"},
    "level": {"enum": ["suggestion", "warning", "error"]},
    "scope": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    "link": {"type": "string"},
    "limit": {"type": "integer", "minimum": 0},
    "vocab": {"type": "boolean"},
    "action": {
        "type": "object",
        "properties": {
            "name": {"enum": ["suggest", "replace", "remove", "edit", "convert"]},
            "params": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["name"],
        "additionalProperties": False,
    },
}
_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}

EXISTENCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **_HEADER_KEYS,
        "extends": {"const": "existence"},
        "message": {"type": "string", "pattern": "^[^%]*(%s[^%]*)?$"},
        "append": {"type": "boolean"},
        "ignorecase": {"type": "boolean"},
        "nonword": {"type": "boolean"},
        "raw": _STRINGS,
        "tokens": {**_STRINGS, "minItems": 1},
        "exceptions": _STRINGS,
    },
    "required": ["extends", "message", "tokens"],
    "additionalProperties": False,
}

SUBSTITUTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **_HEADER_KEYS,
        "extends": {"const": "substitution"},
        "message": {"type": "string", "pattern": "^[^%]*%s[^%]*(%s[^%]*)?$"},
        "ignorecase": {"type": "boolean"},
        "matchcase": {"type": "boolean"},
        "nonword": {"type": "boolean"},
        "swap": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {"type": "string", "minLength": 1},
        },
        "exceptions": _STRINGS,
        "capitalize": {"type": "boolean"},
    },
    "required": ["extends", "message", "swap"],
    "additionalProperties": False,
}

SCHEMAS = {"existence": EXISTENCE_SCHEMA, "substitution": SUBSTITUTION_SCHEMA}


def rules(brand: Brand = BRAND) -> dict[str, dict[str, Any]]:
    return {name: yaml.safe_load(text) for name, text in vale_style(brand).items()}


# --- Vale's regex, as its source builds it --------------------------------------------------
# internal/check/definition.go: `(?i)` when ignorecase, then `(?m)\b(?:%s)\b`, or `(?m)(?:%s)`
# for a `nonword` rule; existence joins its tokens with `|`, substitution wraps each swap key
# in a group of its own. RE2's `\b`, `\w` and `\s` are ASCII: re.ASCII makes Python's so too.


def vale_regex(rule: dict[str, Any]) -> re.Pattern[str]:
    if rule["extends"] == "existence":
        alternatives = "|".join(rule["tokens"])
    else:
        alternatives = "|".join(f"({key})" for key in rule["swap"])
    template = r"(?m)(?:%s)" if rule.get("nonword") else r"(?m)\b(?:%s)\b"
    prefix = "(?i)" if rule.get("ignorecase") else ""
    return re.compile(prefix + template % alternatives, re.ASCII)


def hits(rule: dict[str, Any], text: str) -> list[str]:
    return [m.group() for m in vale_regex(rule).finditer(text)]


def test_the_style_has_a_rule_for_each_kind_of_brand_check() -> None:
    assert list(vale_style(BRAND)) == [
        "Banned.yml",
        "BannedSwap.yml",
        "Superlatives.yml",
        "Terms.yml",
    ]
    assert set(vale_style(BRAND)) <= set(RULE_FILES)


@pytest.mark.parametrize("name", ["Banned.yml", "BannedSwap.yml", "Superlatives.yml", "Terms.yml"])
def test_each_rule_is_valid_by_vales_documented_schema(name: str) -> None:
    rule = rules()[name]
    jsonschema.validate(rule, SCHEMAS[rule["extends"]])
    assert rule["level"] == "warning"
    assert rule["ignorecase"] is True


def test_the_schema_rejects_what_vale_rejects() -> None:
    """The schema is no rubber stamp: a key Vale does not know, a wrong level or a rule with
    no tokens fail it."""
    good = rules()["Banned.yml"]
    for broken in (
        {**good, "tokenz": ["x"]},
        {**good, "level": "warn"},
        {**good, "tokens": []},
        {k: v for k, v in good.items() if k != "message"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, EXISTENCE_SCHEMA)


def test_an_empty_rule_is_left_out() -> None:
    assert vale_style(Brand.model_validate({"superlatives": []})) == {}
    only_swaps = Brand.model_validate({"banned": [{"word": "leverage", "use": "use"}]})
    assert list(vale_style(only_swaps)) == ["BannedSwap.yml", "Superlatives.yml"]
    blank = Brand.model_validate({"terms": [{"use": "X", "avoid": [" "]}], "superlatives": []})
    assert vale_style(blank) == {}


def test_files_carry_the_header_and_are_the_same_every_time() -> None:
    first = vale_style(BRAND)
    assert first == vale_style(Brand.model_validate(BRAND.model_dump()))
    for text in first.values():
        assert text.startswith(HEADER)
        keys = list(yaml.safe_load(text))
        assert keys == sorted(keys)


def test_the_default_superlatives_become_a_rule() -> None:
    claims = rules(Brand())["Superlatives.yml"]
    for word in ("best", "fastest", "#1", "10x", "guaranteed"):
        assert hits(claims, f"We are {word} today.") == [word]


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("Terms.yml", "Try Relay App now", ["Relay App"]),
        ("Terms.yml", "try relay\n  app now", ["relay\n  app"]),
        ("Terms.yml", "AcmeRelay, then ACMERELAY.", ["AcmeRelay", "ACMERELAY"]),
        ("Terms.yml", "our post-mortem and post mortem", ["post-mortem", "post mortem"]),
        ("Terms.yml", "the C++ (beta) kit ships", ["C++ (beta) kit"]),
        ("Terms.yml", "c.p.p", ["c.p.p"]),
        ("Banned.yml", "Pure SYNERGY.", ["SYNERGY"]),
        ("Banned.yml", "a world-class team", ["world-class"]),
        ("BannedSwap.yml", "We Leverage it", ["Leverage"]),
        ("Superlatives.yml", "We are #1.", ["#1"]),
        ("Superlatives.yml", "#1 at last", ["#1"]),
        ("Superlatives.yml", "(#1)", ["#1"]),
        ("Superlatives.yml", "10x faster", ["10x"]),
        ("Superlatives.yml", "the best, THE ONLY", ["best", "THE ONLY"]),
    ],
)
def test_vale_finds_what_gtm_finds(name: str, text: str, found: list[str]) -> None:
    assert hits(rules()[name], text) == found


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Terms.yml", "Acme Relay is our name"),
        ("Terms.yml", "AcmeRelays and MyRelay App2"),
        ("Terms.yml", "cxpxp and CCC (beta) kit"),
        ("Banned.yml", "synergyx and synergy_x and xsynergy"),
        ("Superlatives.yml", "#12 and a#1 and 10xx and 210x"),
        ("Superlatives.yml", "bestow the bestseller, bothered"),
        ("Superlatives.yml", "another only option"),
    ],
)
def test_near_misses_are_not_hits(name: str, text: str) -> None:
    assert hits(rules()[name], text) == []


def test_tokens_are_re2_patterns() -> None:
    """Only what Go's RE2 accepts: literals, punctuation escaped with `\\`, `\\s+` between
    words and `\\b` or `\\B` at the ends; no group, lookaround or backreference."""
    edge = r"\\[bB]"
    atom = r"(?:[^\\.+*?()|\[\]{}^$\s]|\\[!-/:-@\[-`{-~]|\\s\+)"
    token = re.compile(f"{edge}{atom}+{edge}")
    for rule in rules().values():
        patterns = rule.get("tokens") or list(rule["swap"])
        for pattern in patterns:
            assert token.fullmatch(pattern), pattern
            assert "(?<" not in pattern and "(?=" not in pattern and "(?!" not in pattern
            assert not re.search(r"\\[1-9]|\\k<|\(\?P=", pattern), pattern


def test_regex_characters_are_escaped() -> None:
    assert phrase_pattern("C++  (beta)") == r"\bC\+\+\s+\(beta\)\B"
    assert phrase_pattern("a.b|c$") == r"\ba\.b\|c\$\B"
    assert phrase_pattern("#1") == r"\B#1\b"
    assert phrase_pattern("best") == r"\bbest\b"


def test_messages_say_what_gtm_says() -> None:
    """Vale fills an existence message with the hit, and a substitution message with the
    replacement first, then the hit (Go's Sprintf, as Python's % does)."""
    style = rules()
    assert style["Banned.yml"]["message"] % "SYNERGY" == "'SYNERGY' is a banned word (brand.yaml)"
    assert style["Superlatives.yml"]["message"] % "best" == (
        "'best' is a claim: back it with a sourced proof point in this file, or reword"
    )
    assert style["Terms.yml"]["message"] % ("Acme Relay", "Relay App") == (
        "Not our term: write 'Acme Relay' instead of 'Relay App'"
    )
    assert style["BannedSwap.yml"]["message"] % ("use", "leverage") == (
        "Banned word (brand.yaml): write 'use' instead of 'leverage'"
    )
    assert style["Terms.yml"]["swap"][r"\bRelay\s+App\b"] == "Acme Relay"
    assert style["Terms.yml"]["action"] == {"name": "replace"}


def test_a_phrase_is_listed_once_and_longer_phrases_come_first() -> None:
    brand = Brand.model_validate(
        {"banned": ["Relay", "relay", "Relay  App", "RELAY APP"], "superlatives": []}
    )
    assert rules(brand)["Banned.yml"]["tokens"] == [r"\bRelay\s+App\b", r"\bRelay\b"]
    assert hits(rules(brand)["Banned.yml"], "the Relay App") == ["Relay App"]


def test_write_style_writes_the_folder_and_replaces_only_its_own_files(tmp_path: Path) -> None:
    done = write_style(BRAND, tmp_path / "styles")
    folder = tmp_path / "styles" / "Brand"
    assert done.folder == folder
    assert sorted(p.name for p in folder.iterdir()) == sorted(RULE_FILES)
    assert [p.name for p in done.written] == sorted(RULE_FILES)
    (folder / "Extra.yml").write_text("extends: existence\n", encoding="utf-8")
    fewer = Brand.model_validate({"banned": ["synergy"], "superlatives": []})
    again = write_style(fewer, tmp_path / "styles")
    assert [p.name for p in again.written] == ["Banned.yml"]
    assert sorted(p.name for p in again.removed) == [
        "BannedSwap.yml",
        "Superlatives.yml",
        "Terms.yml",
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["Banned.yml", "Extra.yml"]


def test_write_style_refuses_a_file_it_did_not_write(tmp_path: Path) -> None:
    folder = tmp_path / "styles" / "Brand"
    folder.mkdir(parents=True)
    mine = folder / "Terms.yml"
    mine.write_text("extends: substitution\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not written by gtm") as refused:
        write_style(BRAND, tmp_path / "styles")
    assert refused.value.exit_code == 2
    assert mine.read_text(encoding="utf-8") == "extends: substitution\n"
    assert [p.name for p in folder.iterdir()] == ["Terms.yml"]


def test_a_word_inside_a_hyphenated_word_is_the_documented_difference() -> None:
    """docs/vale.md: gtm reads `cutting-edge` as one word for a banned `edge`; RE2 cannot
    say "not after a hyphen", so Vale flags it. Claim words are flagged there by both."""
    style = rules(Brand.model_validate({"banned": ["edge"], "superlatives": ["best"]}))
    assert hits(style["Banned.yml"], "cutting-edge") == ["edge"]
    assert hits(style["Superlatives.yml"], "best-in-class") == ["best"]
