"""The PDF collateral of a build: which documents exist, which print template draws each, the
metadata a PDF reader shows, and the PDFs themselves, with every problem placed in the content
file it came from, a battlecard that runs past its one page included. `pdf` does the
WeasyPrint part."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gtm.cache import program_digest
from gtm.content.kinds import KINDS
from gtm.content.project import Project
from gtm.content.sources import Source, locate
from gtm.diagnostics import Diagnostics
from gtm.render.images import TOO_LARGE
from gtm.render.pages import PlannedPage, Renderer
from gtm.render.pdf import UNAVAILABLE, PdfCache, PdfJob, PdfResult
from gtm.render.pdflibs import INSTALL_GUIDE, PdfLibraries, PdfUnavailable, find_pdf_libraries
from gtm.render.pdfworkers import Renders, render_documents
from gtm.site.entries import Entry
from gtm.site.link import Site
from gtm.site.routes import SALES_KIT
from gtm.site.views import Portal

SALES_KIT_TEMPLATE = "print/sales-kit.html"
# The kit is drawn as if it sat one folder deeper, beside the battlecards, so relative links
# in the Markdown it gathers resolve exactly as they do in the single documents.
SALES_KIT_BASE = "pdf/kit/sales-kit.pdf"
THREAT_ORDER = {"high": 0, "medium": 1, "low": 2}
"""The sales kit's battlecards, highest threat first: the card a rep needs most comes first."""
CARD_SECTIONS = (
    "objections",
    "why_we_win",
    "landmines",
    "wins",
    "strengths",
    "weaknesses",
    "quick_dismiss",
    "pricing",
    "their_pitch",
    "summary",
)
"""The fields a battlecard prints, by the names an author edits; a card that runs long names
the longest of them to trim."""


@dataclass(frozen=True)
class PrintDoc:
    """What a print template needs beyond the site: the document's metadata and page set-up."""

    title: str
    kind_label: str
    author: str | None
    subject: str | None
    keywords: tuple[str, ...]
    created: str
    internal: bool
    page_size: str


@dataclass(frozen=True)
class PageBudget:
    """How many pages a document is designed for, and what to trim when it runs longer: the
    fields it prints, longest first. Checked against the pages WeasyPrint laid out."""

    pages: int
    noun: str
    trim: tuple[str, ...]
    sources: int = 0
    """How many sources the document lists at its foot: they need room too."""


@dataclass(frozen=True)
class PlannedDocument:
    """One PDF: where it goes, the page its HTML is rendered as, and where it came from."""

    path: str
    page: PlannedPage
    sources: tuple[str, ...]
    doc: PrintDoc
    budget: PageBudget | None = None
    sections: int = 1


def plan_documents(portal: Portal, created: datetime) -> list[PlannedDocument]:
    """Every PDF of the build in a stable order, the sales kit last."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    page_size = portal.config.pdf.page_size
    internal = portal.audience == "internal"
    documents: list[PlannedDocument] = []
    for name, kind in KINDS.items():
        if kind.document is None:
            continue
        for entry in portal.kinds[name]:
            path = kind.document.path(entry.id)
            doc = _doc(entry, kind.document.label, stamp, internal, page_size)
            context = {"entry": entry, "doc": doc}
            page = PlannedPage(path, kind.document.template, doc.title, context)
            budget = card_budget(entry) if name == "competitors" else None
            documents.append(PlannedDocument(path, page, (entry.source_path,), doc, budget))
    kit = _sales_kit(portal, stamp, internal, page_size)
    if kit is not None:
        documents.append(kit)
    return documents


def _sales_kit(
    portal: Portal, stamp: str, internal: bool, page_size: str
) -> PlannedDocument | None:
    """The sales kit, when the build has battlecards or personas: what to say first
    (positioning statements and message houses), then the battlecards, highest threat
    first, then the persona one-pagers."""
    cards = sorted(portal.kinds["competitors"], key=_threat_rank)
    personas = portal.kinds["personas"]
    if not cards and not personas:
        return None
    positioning, houses = portal.kinds["positioning"], portal.kinds["messaging"]
    kit = (*positioning, *houses, *cards, *personas)
    doc = PrintDoc(
        title=f"{portal.title}: sales kit",
        kind_label="Sales kit",
        author=None,
        subject="What to say, every battlecard and every persona one-pager in one document.",
        keywords=("sales kit", "positioning", "messaging", "battlecards", "personas"),
        created=stamp,
        internal=internal and any(e.fields.visibility == "internal" for e in kit),
        page_size=page_size,
    )
    context = {
        "positioning": positioning,
        "houses": houses,
        "battlecards": cards,
        "personas": personas,
        "doc": doc,
    }
    page = PlannedPage(SALES_KIT_BASE, SALES_KIT_TEMPLATE, doc.title, context)
    sources = tuple(e.source_path for e in kit)
    return PlannedDocument(SALES_KIT, page, sources, doc, sections=len(kit))


def _threat_rank(entry: Entry) -> int:
    return THREAT_ORDER.get(str(getattr(entry.fields, "threat", "medium")), 1)


def card_budget(entry: Entry) -> PageBudget:
    """A battlecard is designed for one printed page; the sections to trim when it runs longer
    are the (up to) three it prints the most text in, each a tenth of the card or more."""
    sizes = {name: _text_size(getattr(entry.fields, name, None)) for name in CARD_SECTIONS}
    total = sum(sizes.values())
    longest = sorted((n for n in sizes if sizes[n] * 10 >= total), key=lambda n: -sizes[n])
    return PageBudget(1, "battlecard", tuple(longest[:3]), len(entry.sources))


def _text_size(value: Any) -> int:
    """How much text a field holds, records and lists included."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(_text_size(item) for item in value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return _text_size(list(dump().values()))
    return 0


def _doc(entry: Entry, label: str, stamp: str, internal: bool, page_size: str) -> PrintDoc:
    fields = entry.fields
    return PrintDoc(
        title=f"{label}: {entry.name}",
        kind_label=label,
        author=fields.owner,
        subject=fields.summary,
        keywords=tuple(fields.tags),
        created=stamp,
        internal=internal and fields.visibility == "internal",
        page_size=page_size,
    )


@dataclass(frozen=True)
class PdfBatch:
    """Documents ready for WeasyPrint: their print HTML, the files they may load, and the
    sources each came from, so a problem in a PDF is reported in the file to fix."""

    jobs: list[PdfJob]
    servable: dict[str, str]
    owners: dict[str, list[Source]]
    budgets: dict[str, PageBudget] = field(default_factory=dict)


def prepare_collateral(
    portal: Portal,
    site: Site,
    renderer: Renderer,
    servable: dict[str, Path],
    created: datetime,
) -> PdfBatch:
    """Print HTML for every planned document; a template error is already a diagnostic."""
    sources = {item.path: item.source for item in site.all_items()}
    jobs: list[PdfJob] = []
    owners: dict[str, list[Source]] = {}
    budgets: dict[str, PageBudget] = {}
    for document in plan_documents(portal, created):
        html = renderer.render(document.page)
        if html is not None:
            jobs.append(PdfJob(document.path, html, document.page.path, document.sections))
            owners[document.path] = [sources[p] for p in document.sources if p in sources]
            if document.budget is not None:
                budgets[document.path] = document.budget
    return PdfBatch(jobs, {name: str(path) for name, path in servable.items()}, owners, budgets)


def make_collateral(
    batch: PdfBatch,
    project: Project,
    workers: int,
    diagnostics: Diagnostics,
    progress: Callable[[str, int, int], None] | None = None,
    find_libraries: Callable[[], PdfLibraries] = find_pdf_libraries,
    running: Renders | None = None,
) -> list[PdfResult]:
    """The PDFs, from the cache or from worker processes; every refusal and failure becomes a
    diagnostic in the content file the document came from. Raises `PdfUnavailable` when
    WeasyPrint's libraries cannot be loaded, found out before any worker starts."""
    if not batch.jobs:
        return []
    libraries = find_libraries()
    results = render_documents(
        batch.jobs,
        batch.servable,
        PdfCache(project.cache_dir / "pdf", {**libraries.versions(), "gtm": program_digest()}),
        workers,
        (lambda done, total: progress("PDFs", done, total)) if progress else None,
        running=running,
    )
    for result in results:
        if result.error is not None and result.error.startswith(UNAVAILABLE):
            # The libraries loaded here, yet WeasyPrint did not start in a worker.
            detail = result.error[len(UNAVAILABLE) :]
            problem = f"WeasyPrint, which draws the PDFs, cannot start ({detail})"
            raise PdfUnavailable(problem, f"see {INSTALL_GUIDE}")
    for result in results:
        report_result(result, batch, diagnostics)
    return results


def report_result(result: PdfResult, batch: PdfBatch, diagnostics: Diagnostics) -> None:
    """Each load a document was refused, a document over its page budget and one that could
    not be made, as a diagnostic in the content file to fix."""
    owners = batch.owners.get(result.path, [])
    for url, why in result.refused:
        path, line, column = locate(owners, [url, posixpath.basename(url)])
        if TOO_LARGE in why:
            message = f"the image '{url}' {why} ({result.path} was made without it)"
            diagnostics.warning(path, line, column, "pdf-image", message)
            continue
        message = f"{result.path} may not load '{url}' ({why}), so it was left out"
        diagnostics.warning(path, line, column, "pdf-refused", message)
    budget = batch.budgets.get(result.path)
    if result.data is not None and budget is not None and result.pages > budget.pages:
        diagnostics.warning(*_name_key(owners), f"{budget.noun}-length", _too_long(result, budget))
    if result.error is not None:
        path = owners[0].path if owners else "gtm.toml"
        message = f"could not make {result.path}: {result.error}"
        diagnostics.error(path, 1, 1, "pdf-render", message)


def _too_long(result: PdfResult, budget: PageBudget) -> str:
    """What a rep's card lost to a second page, in the author's words: "pdf/battlecards/x.pdf
    runs to 2 pages, and a battlecard is designed for one: trim objections, wins or landmines"."""
    names = list(budget.trim)
    if not names:
        trim = "its longest sections"
    elif len(names) == 1:
        trim = names[0]
    else:
        trim = ", ".join(names[:-1]) + " or " + names[-1]
    designed = "one" if budget.pages == 1 else str(budget.pages)
    sources = ""
    if budget.sources:
        listed = "its source fits" if budget.sources == 1 else f"its {budget.sources} sources fit"
        sources = f", so that {listed} at the foot of the page"
    return (
        f"{result.path} runs to {result.pages} pages, and a {budget.noun} is designed for "
        f"{designed}: trim {trim}{sources}"
    )


def _name_key(owners: list[Source]) -> tuple[str, int, int]:
    """Where a document's source names it: its top-level `name` key, else its first line."""
    if not owners:
        return "gtm.toml", 1, 1
    span = owners[0].spans.get(("name",))
    if span is None:
        return owners[0].path, 1, 1
    return owners[0].path, span.key_line, span.key_column
