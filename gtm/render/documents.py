"""The PDF collateral of a build: which documents exist, which print template draws each, the
metadata a PDF reader shows, and the PDFs themselves, with every problem placed in the content
file it came from. `pdf` does the WeasyPrint part."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

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
from gtm.site.link import Site
from gtm.site.routes import SALES_KIT
from gtm.site.views import Entry, Portal

SALES_KIT_TEMPLATE = "print/sales-kit.html"
# The kit is drawn as if it sat one folder deeper, beside the battlecards, so relative links
# in the Markdown it gathers resolve exactly as they do in the single documents.
SALES_KIT_BASE = "pdf/kit/sales-kit.pdf"


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
class PlannedDocument:
    """One PDF: where it goes, the page its HTML is rendered as, and where it came from."""

    path: str
    page: PlannedPage
    sources: tuple[str, ...]
    doc: PrintDoc


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
            documents.append(PlannedDocument(path, page, (entry.source_path,), doc))
    cards, personas = portal.kinds["competitors"], portal.kinds["personas"]
    kit = (*cards, *personas)
    if kit:
        doc = PrintDoc(
            title=f"{portal.title}: sales kit",
            kind_label="Sales kit",
            author=None,
            subject="Every battlecard and persona one-pager in one document.",
            keywords=("sales kit", "battlecards", "personas"),
            created=stamp,
            internal=internal and any(e.fields.visibility == "internal" for e in kit),
            page_size=page_size,
        )
        context = {"battlecards": cards, "personas": personas, "doc": doc}
        page = PlannedPage(SALES_KIT_BASE, SALES_KIT_TEMPLATE, doc.title, context)
        sources = tuple(e.source_path for e in kit)
        documents.append(PlannedDocument(SALES_KIT, page, sources, doc))
    return documents


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
    for document in plan_documents(portal, created):
        html = renderer.render(document.page)
        if html is not None:
            jobs.append(PdfJob(document.path, html, document.page.path))
            owners[document.path] = [sources[p] for p in document.sources if p in sources]
    return PdfBatch(jobs, {name: str(path) for name, path in servable.items()}, owners)


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
        owners = batch.owners.get(result.path, [])
        for url, why in result.refused:
            path, line, column = locate(owners, [url, posixpath.basename(url)])
            if TOO_LARGE in why:
                message = f"the image '{url}' {why} ({result.path} was made without it)"
                diagnostics.warning(path, line, column, "pdf-image", message)
                continue
            message = f"{result.path} may not load '{url}' ({why}), so it was left out"
            diagnostics.warning(path, line, column, "pdf-refused", message)
        if result.error is not None:
            path = owners[0].path if owners else "gtm.toml"
            message = f"could not make {result.path}: {result.error}"
            diagnostics.error(path, 1, 1, "pdf-render", message)
    return results
