"""Page counts: WeasyPrint's own count travels with each PDF, through the cache too (an entry
without one is rendered again), and a battlecard's budget names what to trim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gtm.diagnostics import Diagnostics
from gtm.render.documents import PageBudget, PdfBatch, report_result
from gtm.render.pdf import PdfCache, PdfJob, PdfResult
from gtm.render.pdfworkers import render_documents

VERSIONS = {"weasyprint": "70.0", "pango": "1.50.12", "fonts": "f0"}


def job(pages: int, path: str = "pdf/battlecards/x.pdf") -> PdfJob:
    body = "".join('<p style="break-after: page">page</p>' for _ in range(pages))
    return PdfJob(path, f"<html><head><title>T</title></head><body>{body}</body></html>", path)


def test_the_page_count_is_weasyprints_and_comes_back_from_the_cache(tmp_path: Path) -> None:
    cache = PdfCache(tmp_path / "cache", VERSIONS)
    [fresh] = render_documents([job(3)], {}, cache, workers=1)
    assert not fresh.cached and fresh.pages == 3
    [again] = render_documents([job(3)], {}, cache, workers=1)
    assert again.cached and again.pages == 3 and again.data == fresh.data


@pytest.mark.parametrize("pages", [None, 0, -1, "2", 1.5, True])
def test_an_entry_without_a_sound_page_count_is_rendered_again(
    tmp_path: Path, pages: object
) -> None:
    cache = PdfCache(tmp_path / "cache", VERSIONS)
    document = job(2)
    render_documents([document], {}, cache, workers=1)
    entry = tmp_path / "cache" / f"{cache.key(document)}.json"
    meta = json.loads(entry.read_text())
    assert meta["pages"] == 2, "the control case"
    if pages is None:
        del meta["pages"]
    else:
        meta["pages"] = pages
    entry.write_text(json.dumps(meta))
    assert cache.get(document, {}) is None


def batch(budget: PageBudget) -> PdfBatch:
    return PdfBatch([], {}, {}, {"pdf/battlecards/x.pdf": budget})


def test_a_document_over_its_budget_is_a_warning_naming_what_to_trim() -> None:
    diagnostics = Diagnostics()
    result = PdfResult("pdf/battlecards/x.pdf", b"%PDF", pages=2)
    report_result(result, batch(PageBudget(1, "battlecard", ("objections", "wins"))), diagnostics)
    [found] = diagnostics.items
    assert (found.severity, found.code, found.path) == ("warning", "battlecard-length", "gtm.toml")
    assert found.message == (
        "pdf/battlecards/x.pdf runs to 2 pages, and a battlecard is designed for one: "
        "trim objections or wins"
    )


def test_a_card_with_sources_says_they_need_room_too() -> None:
    diagnostics = Diagnostics()
    result = PdfResult("pdf/battlecards/x.pdf", b"%PDF", pages=2)
    report_result(result, batch(PageBudget(1, "battlecard", ("wins",), sources=3)), diagnostics)
    [found] = diagnostics.items
    assert found.message == (
        "pdf/battlecards/x.pdf runs to 2 pages, and a battlecard is designed for one: "
        "trim wins, so that its 3 sources fit at the foot of the page"
    )


def test_a_document_within_its_budget_or_not_made_says_nothing_of_length() -> None:
    diagnostics = Diagnostics()
    budget = batch(PageBudget(1, "battlecard", ("objections",)))
    report_result(PdfResult("pdf/battlecards/x.pdf", b"%PDF", pages=1), budget, diagnostics)
    report_result(PdfResult("pdf/battlecards/x.pdf", None, "broken"), budget, diagnostics)
    assert [d.code for d in diagnostics.items] == ["pdf-render"]
