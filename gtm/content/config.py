"""`gtm.toml` → a frozen, typed config with the spec's defaults; every unknown key or bad value
is a diagnostic at its line and column (tomllib keeps no positions, so keys are located here)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, TypeGuard

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gtm.diagnostics import Diagnostic, bad_byte_position, did_you_mean

CONFIG_FILE = "gtm.toml"
COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SiteConfig(_Table):
    title: str = Field("GTM Portal", description="Shown in the header and page titles")
    base_url: str = Field("/", description="The site may be served from a sub-path")
    language: str = Field("en", description="The lang attribute of every page")


class BuildConfig(_Table):
    content_dir: str = "content"
    output_dir: str = "output"
    theme: str = Field("default", description="themes/<name>/ in the project, then built-in")
    audience: Literal["internal", "public"] = "internal"
    freshness_days: Annotated[int, Field(ge=1)] = Field(
        90, description="A `reviewed` date older than this is stale"
    )


class PdfConfig(_Table):
    enabled: bool = True
    page_size: Literal["A4", "Letter"] = "A4"


class BrandConfig(_Table):
    primary_color: Annotated[str, Field(pattern=COLOR.pattern)] = "#2F5BEA"
    logo: str | None = Field(None, description="A file under content/, e.g. assets/logo.svg")


class MarkdownConfig(_Table):
    allow_html: bool = Field(False, description="Pass raw HTML in Markdown through (off: escaped)")


class TierRule(_Table):
    channels: list[str] = Field(default_factory=list)
    assets: list[str] = Field(default_factory=list)


TierName = Literal["1", "2", "3"]
"""A launch tier as a key of [launch.tiers] in gtm.toml (TOML keys are text)."""


def _is_tier_name(name: str) -> TypeGuard[TierName]:
    return name in ("1", "2", "3")


def _default_tiers() -> dict[TierName, TierRule]:
    return {
        "1": TierRule(
            channels=["pr", "blog", "email", "sales"],
            assets=["battlecard", "launch-brief", "deck"],
        ),
        "2": TierRule(channels=["blog", "email"], assets=["launch-brief"]),
    }


class LaunchConfig(_Table):
    at_risk_days: Annotated[int, Field(ge=0)] = Field(
        21, description="A launch this many days out or closer can be at risk"
    )
    at_risk_readiness: Annotated[int, Field(ge=0, le=100)] = Field(
        80, description="Percent ready below which a launch that close is at risk"
    )
    tiers: dict[TierName, TierRule] = Field(default_factory=_default_tiers)


class ClaimsConfig(_Table):
    max_age_days: Annotated[int, Field(ge=1)] = Field(
        365, description="A claim last verified longer ago than this is stale"
    )
    require_source: bool = Field(
        False, description="A proof written as bare text, with no source, is a warning"
    )


class ChangesConfig(_Table):
    recent_days: Annotated[int, Field(ge=0)] = Field(
        14, description='Cards show "New" or "Updated" for a change this recent'
    )
    feed_days: Annotated[int, Field(ge=1)] = Field(
        90, description="How far back the changes page and feed go"
    )
    history_limit: Annotated[int, Field(ge=0)] = Field(
        20, description="How many changes an artifact's page lists"
    )


class Config(_Table):
    site: SiteConfig = Field(default_factory=SiteConfig)
    build: BuildConfig = Field(default_factory=BuildConfig)
    pdf: PdfConfig = Field(default_factory=PdfConfig)
    brand: BrandConfig = Field(default_factory=BrandConfig)
    markdown: MarkdownConfig = Field(default_factory=MarkdownConfig)
    launch: LaunchConfig = Field(default_factory=LaunchConfig)
    claims: ClaimsConfig = Field(default_factory=ClaimsConfig)
    changes: ChangesConfig = Field(default_factory=ChangesConfig)

    def tier_rule(self, tier: int) -> TierRule | None:
        name = str(tier)
        return self.launch.tiers.get(name) if _is_tier_name(name) else None


def load_config(path: Path) -> tuple[Config, list[Diagnostic]]:
    """Reads gtm.toml; on any problem the config is the defaults and the diagnostics say why."""
    rel = path.name
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = bad_byte_position(raw, exc)
        message = f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}): save the file as UTF-8"
        return Config(), [_diag(rel, line, column, "config-encoding", message)]
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_error_position(str(exc))
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        return Config(), [_diag(rel, line, column, "config-syntax", f"invalid TOML: {message}")]
    try:
        return Config.model_validate(table), []
    except ValidationError as exc:
        locator = _KeyLocator(text)
        diagnostics = [_config_problem(rel, locator, error, table) for error in exc.errors()]
        return Config(), diagnostics


def _config_problem(rel: str, locator: _KeyLocator, error: Any, raw: dict[str, Any]) -> Diagnostic:
    loc = tuple(str(part) for part in error["loc"])
    line, column = locator.find(loc, value=error["type"] != "extra_forbidden")
    dotted = ".".join(loc)
    if error["type"] == "extra_forbidden":
        table = ".".join(loc[:-1])
        known = _known_keys(loc[:-1])
        where = f" in [{table}]" if table else ""
        hint = did_you_mean(loc[-1], known)
        return _diag(
            rel, line, column, "config-unknown-key", f"unknown key '{dotted}'{where}{hint}"
        )
    if error["type"] == "literal_error" and loc[:2] == ("launch", "tiers"):
        return _diag(
            rel, line, column, "config-invalid", f"[launch.tiers.{loc[2]}]: tiers are 1, 2 and 3"
        )
    if loc == ("brand", "primary_color"):
        return _diag(
            rel, line, column, "config-invalid", f"'{dotted}' should be a colour like '#2F5BEA'"
        )
    expected = error["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
    return _diag(rel, line, column, "config-invalid", f"'{dotted}' should be {expected}")


def _known_keys(table: tuple[str, ...]) -> list[str]:
    model: Any = Config
    for part in table:
        if part in ("1", "2", "3") or model is None:
            model = TierRule
            continue
        field = model.model_fields.get(part)
        annotation = field.annotation if field else None
        model = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
    return list(model.model_fields) if model else []


def _toml_error_position(message: str) -> tuple[int, int]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


class _KeyLocator:
    """Finds the line and column of a dotted key in TOML text: table headers, dotted keys and
    inline tables of one line, which is how people write gtm.toml."""

    def __init__(self, text: str) -> None:
        self.keys: dict[tuple[str, ...], tuple[int, int]] = {}
        self.values: dict[tuple[str, ...], tuple[int, int]] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            indent = len(line) - len(line.lstrip())
            header = re.match(r"^\[\s*([^\[\]]+?)\s*\]", stripped)
            if header:
                table = _split_key(header.group(1))
                self.keys.setdefault(table, (number, indent + 2))
                continue
            match = re.match(r"^([A-Za-z0-9_.\"' -]+?)\s*=", stripped)
            if match:
                key = (*table, *_split_key(match.group(1)))
                self.keys.setdefault(key, (number, indent + 1))
                after = line.index("=", indent) + 1
                after += len(line[after:]) - len(line[after:].lstrip())
                self.values.setdefault(key, (number, after + 1))
                for inner in re.finditer(r"[{,]\s*([A-Za-z0-9_-]+)\s*=", line):
                    self.keys.setdefault((*key, inner.group(1)), (number, inner.start(1) + 1))

    def find(self, loc: tuple[str, ...], value: bool = False) -> tuple[int, int]:
        if value and loc in self.values:
            return self.values[loc]
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.keys:
                return self.keys[loc[:end]]
        return (1, 1)


def _split_key(key: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in key.split("."))


def _diag(path: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, column, "error", code, message)
