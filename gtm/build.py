"""The orchestrator: load → validate → link → check, and (later stages) render and write.
It returns results and diagnostics; the CLI decides what to print and how to exit."""

from __future__ import annotations

from dataclasses import dataclass

from gtm.checks import run_checks
from gtm.diagnostics import Diagnostic, Diagnostics
from gtm.model import Brand
from gtm.project import Project, RunOptions
from gtm.site import Site, link_site
from gtm.sources import read_sources
from gtm.validate import Item, validate_source


@dataclass(frozen=True)
class CheckResult:
    """The linked site and every problem found on the way, sorted as users read them."""

    site: Site
    diagnostics: list[Diagnostic]
    files: int


def check_project(project: Project, options: RunOptions) -> CheckResult:
    """Reads, validates, links and checks the whole project, collecting every problem."""
    diagnostics = Diagnostics()
    sources = read_sources(project.content_dir, project.root, diagnostics)
    items: list[Item] = []
    brand: Brand | None = None
    for source in sources:
        result = validate_source(source, diagnostics)
        if isinstance(result, Brand):
            brand = result
        elif result is not None:
            items.append(result)
    site = link_site(items, brand, options, diagnostics)
    run_checks(site, project.config, options.today, diagnostics)
    return CheckResult(site, diagnostics.sorted(), len(sources))
