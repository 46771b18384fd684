"""Small shared pieces for the unit tests: valid artifacts to build projects from, and a way
to run the whole pipeline on a project folder."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

from gtm.check import Checker, CheckResult
from gtm.content.config import Config
from gtm.content.model import Brand
from gtm.content.project import RunOptions, open_project, run_options
from gtm.content.sources import Source, read_source
from gtm.content.validate import Item, validate_source
from gtm.diagnostics import Diagnostics

TODAY = date(2026, 11, 23)

PRODUCT = """\
name: Acme Relay
stage: growth
category: incident tool
features:
  - id: routing
    name: Routing
  - id: noise
    name: Noise reduction
"""

PERSONA = """\
name: {name}
role: Head of Platform
buying_role: champion
goals: [fewer pages]
pains: [alert storms]
"""

COMPETITOR = """\
name: {name}
strengths: [big]
weaknesses: [slow]
why_we_win:
  - point: faster
"""

LAUNCH = """\
name: Relay launch
product: relay
tier: 3
date: 2027-02-16
goals:
  - metric: pipeline
    target: 3
"""


def persona(name: str = "DevOps Dana") -> str:
    return PERSONA.format(name=name)


def competitor(name: str = "PageStorm") -> str:
    return COMPETITOR.format(name=name)


def check(root: Path, **flags: object) -> CheckResult:
    """The whole pipeline on a project folder, as `gtm check` runs it."""
    project = open_project(root)
    return Checker(project, run_options(project, **flags)).check()  # type: ignore[arg-type]


def lines(result: CheckResult) -> list[str]:
    return [d.format() for d in result.diagnostics]


def codes(result: CheckResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def options(**kwargs: object) -> RunOptions:
    return RunOptions(today=TODAY, **kwargs)  # type: ignore[arg-type]


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def read(
    tmp_path: Path, rel: str, text: str | bytes, kind: str | None = None
) -> tuple[Source | None, Diagnostics]:
    """Reads one file written at `rel` under tmp_path (the project root)."""
    path = write(tmp_path, rel, text)
    diagnostics = Diagnostics()
    source = read_source(kind or path.parent.name, path, tmp_path, diagnostics)
    return source, diagnostics


def validate(
    tmp_path: Path, rel: str, text: str | bytes
) -> tuple[Item | Brand | None, Diagnostics]:
    """Reads and validates one file; the diagnostics of both stages."""
    source, diagnostics = read(tmp_path, rel, text, "brand" if rel.endswith("brand.yaml") else None)
    if source is None:
        return None, diagnostics
    return validate_source(source, diagnostics), diagnostics


def complete(item: object) -> bool:
    """Whether validation gave a whole, typed artifact (an item that failed is kept only so
    that its references can still be checked)."""
    return isinstance(item, Item) and getattr(item, "complete", True)


def formatted(diagnostics: Diagnostics) -> list[str]:
    return [d.format() for d in diagnostics.sorted()]


DEFAULT_CONFIG = Config()
