"""`gtm brand --vale DIR`: content/brand.yaml as a Vale style, so that writers who lint prose
with Vale in their editor see gtm's brand warnings while they type, not only at `gtm check`.

Vale compiles a rule's tokens with Go's RE2 syntax (no lookarounds, no backreferences) and
wraps them in `\\b…\\b` unless the rule says `nonword: true`. `\\b` cannot match before `#1`
or after `C++`, so every rule here is `nonword` and each token carries its own edges: `\\b`
beside a word character, `\\B` beside anything else: "not preceded (followed) by a word
character", in a form RE2 accepts. gtm also reads a hyphenated word as one word for terms and
banned words, which RE2 cannot say; docs/vale.md lists that among the differences."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from gtm.content.model import Brand
from gtm.content.project import Project
from gtm.content.reading import BRAND_FILES, read_file
from gtm.content.sources import parse_sources
from gtm.content.validate import validate_source
from gtm.diagnostics import Diagnostics, fails, printable
from gtm.errors import ContentError, UsageError

STYLE = "Brand"
"""The style's folder under DIR, and the name `.vale.ini` gives in `BasedOnStyles`."""

MARKER = "# Written by gtm brand --vale"
HEADER = f"{MARKER} from brand.yaml: edit brand.yaml and run it again, not this file.\n"
"""The first line of every rule written: only a file that starts with it is ever replaced."""

RULE_FILES = ("Banned.yml", "BannedSwap.yml", "Superlatives.yml", "Terms.yml")

TERM_MESSAGE = "Not our term: write '%s' instead of '%s'"
BANNED_MESSAGE = "'%s' is a banned word (brand.yaml)"
BANNED_SWAP_MESSAGE = "Banned word (brand.yaml): write '%s' instead of '%s'"
CLAIM_MESSAGE = "'%s' is a claim: back it with a sourced proof point in this file, or reword"
"""gtm's own messages. A substitution fills its first `%s` with the replacement and its second
with the text found, so the two substitution messages name the replacement first."""

_WORD_CHAR = re.compile(r"\w", re.ASCII)
_META = re.compile(r"[\\.+*?()|\[\]{}^$]")


def vale_style(brand: Brand) -> dict[str, str]:
    """File name → YAML text of each rule of the style, sorted; a rule with nothing to check
    is left out rather than written empty."""
    rules: dict[str, dict[str, object]] = {}
    swaps = [(avoid, term.use) for term in brand.terms for avoid in term.avoid]
    if terms := _swap(swaps):
        rules["Terms.yml"] = _substitution(TERM_MESSAGE, terms)
    if banned := _tokens(b.word for b in brand.banned if not (b.use and b.use.strip())):
        rules["Banned.yml"] = _existence(BANNED_MESSAGE, banned)
    replaced = [(b.word, b.use) for b in brand.banned if b.use and b.use.strip()]
    if replaced_swap := _swap(replaced):
        rules["BannedSwap.yml"] = _substitution(BANNED_SWAP_MESSAGE, replaced_swap)
    if claims := _tokens(brand.superlatives):
        rules["Superlatives.yml"] = _existence(CLAIM_MESSAGE, claims)
    return {name: HEADER + _dump(rules[name]) for name in sorted(rules)}


def phrase_pattern(phrase: str) -> str:
    """`phrase` as a Vale token: its words with regex characters escaped, any whitespace
    between them, and an edge at each end that RE2 can check without a lookbehind."""
    words = phrase.split()
    body = r"\s+".join(_META.sub(r"\\\g<0>", word) for word in words)
    return _edge(words[0][0]) + body + _edge(words[-1][-1])


def _edge(char: str) -> str:
    return r"\b" if _WORD_CHAR.match(char) else r"\B"


def _key(phrase: str) -> str:
    """What two phrases share when Vale (ignoring case, as gtm does) treats them as one."""
    return " ".join(phrase.split()).casefold()


def _tokens(phrases: Iterable[str]) -> list[str]:
    """The patterns of the phrases, each once, longest first: Vale tries them in order, so
    `Relay App` must come before a `Relay` that would otherwise take its place."""
    unique: dict[str, str] = {}
    for phrase in phrases:
        if phrase.split():
            unique.setdefault(_key(phrase), phrase)
    ordered = sorted(unique.values(), key=lambda p: -len(_key(p)))
    return [phrase_pattern(phrase) for phrase in ordered]


def _swap(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Pattern of each phrase to avoid → what to write instead; the first entry for a phrase
    wins, as its warning is the one gtm gives first."""
    swap: dict[str, str] = {}
    seen: set[str] = set()
    for avoid, use in pairs:
        if avoid.split() and _key(avoid) not in seen:
            seen.add(_key(avoid))
            swap[phrase_pattern(avoid)] = " ".join(use.split())
    return swap


def _rule(extends: str, message: str) -> dict[str, object]:
    """What every rule shares: gtm's brand checks are warnings, blind to case, and not
    switched off by a project's Vale vocabulary."""
    return {
        "extends": extends,
        "message": message,
        "level": "warning",
        "ignorecase": True,
        "nonword": True,
        "vocab": False,
    }


def _existence(message: str, tokens: list[str]) -> dict[str, object]:
    return {**_rule("existence", message), "tokens": tokens}


def _substitution(message: str, swap: dict[str, str]) -> dict[str, object]:
    """A `replace` action makes the replacement a quick fix in editors that run Vale's
    language server."""
    return {**_rule("substitution", message), "action": {"name": "replace"}, "swap": swap}


def _dump(rule: dict[str, object]) -> str:
    return yaml.safe_dump(rule, sort_keys=True, allow_unicode=True, width=1_000_000)


@dataclass(frozen=True)
class StyleWritten:
    """What `write_style` did, for the command to say."""

    folder: Path
    written: tuple[Path, ...]
    removed: tuple[Path, ...]


def write_style(brand: Brand, directory: Path) -> StyleWritten:
    """Writes the style into `directory`/Brand/ and removes the rules of an earlier run that
    the brand no longer needs. Only files gtm wrote are replaced or removed: if another file
    has one of the names, nothing is written and the run stops with a message."""
    folder = directory / STYLE
    files = vale_style(brand)
    foreign = [folder / name for name in files if _owner(folder / name) == "other"]
    if foreign:
        names = ", ".join(path.as_posix() for path in foreign)
        raise UsageError(
            f"not written by gtm, so left as they are: {names}; "
            "move them away or give --vale another folder"
        )
    stale = [folder / n for n in RULE_FILES if n not in files and _owner(folder / n) == "gtm"]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8", newline="\n")
        for path in stale:
            path.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write {folder.as_posix()}: {exc.strerror or exc}") from None
    return StyleWritten(folder, tuple(folder / name for name in files), tuple(stale))


def _owner(path: Path) -> Literal["none", "gtm", "other"]:
    """Who wrote the file at `path`: nobody (there is none), gtm (it starts with the header),
    or someone else; a link or a folder is never gtm's."""
    if not path.exists() and not path.is_symlink():
        return "none"
    if path.is_symlink() or not path.is_file():
        return "other"
    try:
        with path.open("rb") as file:
            head = file.read(len(MARKER))
    except OSError:
        return "other"
    return "gtm" if head == MARKER.encode() else "other"


def load_brand(project: Project) -> Brand:
    """The project's brand file, read and validated as `gtm check` reads it; without one, the
    defaults `gtm check` uses (the default superlatives). One with errors stops the run
    (exit 1) with the errors at their line and column."""
    present = [project.content_dir / name for name in BRAND_FILES]
    present = [path for path in present if path.exists() or path.is_symlink()]
    if not present:
        return Brand()
    diagnostics = Diagnostics()
    found = (read_file("brand", path, project.root, diagnostics) for path in present)
    sources = parse_sources([file for file in found if file is not None], diagnostics)
    brands = [b for s in sources if isinstance(b := validate_source(s, diagnostics), Brand)]
    problems = diagnostics.sorted()
    if fails(problems, strict=False) or not brands:
        where = project.relative(present[0])
        raise ContentError(f"{where} has errors: no Vale style was written", problems)
    return brands[-1]


def write_brand_style(project: Project, directory: Path) -> str:
    """The whole of `gtm brand --vale DIR`: what it wrote, then the `.vale.ini` lines that
    point Vale at the style, ready to print."""
    done = write_style(load_brand(project), directory)
    lines = [f"wrote {path.as_posix()}" for path in done.written]
    if not done.written:
        lines.append(f"wrote no rules into {done.folder.as_posix()}: brand.yaml checks nothing")
    lines += [f"removed {path.as_posix()}: brand.yaml no longer needs it" for path in done.removed]
    lines += [
        "for Vale, put these in .vale.ini (BasedOnStyles under a section such as [*.md]):",
        f"StylesPath = {directory.as_posix()}",
        f"BasedOnStyles = {STYLE}",
    ]
    return "\n".join(printable(line) for line in lines)
