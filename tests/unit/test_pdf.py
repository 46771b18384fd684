"""The PDF stage on its own: the confined fetcher, the time limit, the cache and the pool, and
the system libraries WeasyPrint draws with."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from gtm.render.pdf import OUTSIDE, PdfCache, PdfJob, render_pdf
from gtm.render.pdflibs import SHAPING_PACKAGES
from gtm.render.pdfworkers import render_documents

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10"/></svg>'
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "logo.svg").write_text(LOGO)
    (tmp_path / "print.css").write_text("h1 { color: #123456 }")
    return {
        "assets/logo.svg": str(tmp_path / "logo.svg"),
        "static/print.css": str(tmp_path / "print.css"),
    }


@pytest.fixture
def versions() -> dict[str, str]:
    """What the libraries say of themselves, fixed, for the cache tests."""
    return {"weasyprint": "70.0", "pango": "1.50.12", "harfbuzz": "6.0.0", "fonts": "f0"}


def job(body: str, head: str = "", path: str = "pdf/battlecards/x.pdf") -> PdfJob:
    html = f"<html><head><title>T</title>{head}</head><body><h1>Hello</h1>{body}</body></html>"
    return PdfJob(path, html, path)


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_document_loads_the_theme_and_assets_it_names(files: dict[str, str]) -> None:
    result = render_pdf(
        job(
            '<img src="../../assets/logo.svg">',
            '<link rel="stylesheet" href="../../static/print.css">',
        ),
        files,
    )
    assert result.error is None and result.data is not None
    assert sorted(result.fetched) == ["assets/logo.svg", "static/print.css"]
    assert result.refused == []


def test_an_attachment_is_refused_for_what_it_is(files: dict[str, str]) -> None:
    result = render_pdf(job('<link rel="attachment" href="../../assets/logo.svg">'), files)
    assert result.refused == [("assets/logo.svg", "a PDF carries no attachments")]
    assert "Hello" in text_of(result.data)


@pytest.mark.parametrize(
    ("markup", "refused"),
    [
        ('<img src="file:///etc/passwd">', "file:///etc/passwd"),
        ('<img src="/etc/passwd">', "file:///etc/passwd"),
        ('<img src="../../../../../../etc/passwd">', "file:///etc/passwd"),
        ('<img src="http://127.0.0.1:9/x.png">', "http://127.0.0.1:9/x.png"),
        ('<img src="https://example.com/x.png">', "https://example.com/x.png"),
        ('<img src="../../content/secret.png">', "content/secret.png"),
        ("<style>@import url(file:///etc/passwd);</style>", "file:///etc/passwd"),
        ('<p style="background: url(/etc/hostname)">x</p>', "file:///etc/hostname"),
        ('<link rel="attachment" href="../../assets/logo.svg">', "assets/logo.svg"),
        ('<a rel="attachment" href="../../assets/logo.svg">x</a>', "assets/logo.svg"),
    ],
)
def test_anything_outside_the_theme_and_assets_is_refused(
    files: dict[str, str], markup: str, refused: str
) -> None:
    result = render_pdf(job(markup), files)
    assert result.error is None and result.data is not None
    assert [url for url, _ in result.refused] == [refused]
    reader = PdfReader(io.BytesIO(result.data))
    assert not reader.attachments
    assert b"root:" not in result.data


def test_a_document_that_takes_too_long_is_stopped(files: dict[str, str]) -> None:
    rows = "".join(f"<tr><td>{i}</td><td>{'word ' * 40}</td></tr>" for i in range(3000))
    result = render_pdf(job(f"<table>{rows}</table>"), files, time_limit=0.2)
    assert result.data is None
    assert result.error == "rendering took longer than 0.2 s and was stopped"


def test_the_same_html_gives_the_same_bytes(files: dict[str, str]) -> None:
    first = render_pdf(job("<p>same</p>"), files)
    second = render_pdf(job("<p>same</p>"), files)
    assert first.data == second.data


def test_metadata_comes_from_the_html(files: dict[str, str]) -> None:
    head = (
        '<meta name="author" content="Ana Lyst"><meta name="description" content="About it">'
        '<meta name="keywords" content="a, b"><meta name="dcterms.created" '
        'content="2026-11-23T12:00:00Z">'
    )
    result = render_pdf(job("", head), files)
    assert result.data is not None
    meta = PdfReader(io.BytesIO(result.data)).metadata
    assert meta is not None
    assert (meta.title, meta.author, meta.subject) == ("T", "Ana Lyst", "About it")
    assert meta["/Keywords"] == "a, b"
    assert meta["/CreationDate"].startswith("D:20261123120000")


def test_cache_hits_until_the_html_or_a_fetched_file_changes(
    files: dict[str, str], tmp_path: Path, versions: dict[str, str]
) -> None:
    cache = PdfCache(tmp_path / "cache", versions)
    logo = job('<img src="../../assets/logo.svg">')
    [first] = render_documents([logo], files, cache, workers=1)
    assert not first.cached and first.data is not None
    [again] = render_documents([logo], files, cache, workers=1)
    assert again.cached and again.data == first.data

    Path(files["assets/logo.svg"]).write_text(LOGO.replace("<rect", '<rect fill="red"'))
    [changed] = render_documents([logo], files, cache, workers=1)
    assert not changed.cached

    [other] = render_documents([job("<p>new text</p>")], files, cache, workers=1)
    assert not other.cached


def test_a_damaged_cache_entry_is_rendered_again(
    files: dict[str, str], tmp_path: Path, versions: dict[str, str]
) -> None:
    cache = PdfCache(tmp_path / "cache", versions)
    document = job("<p>x</p>")
    render_documents([document], files, cache, workers=1)
    (tmp_path / "cache" / f"{cache.key(document)}.pdf").write_bytes(b"%PDF-broken")
    [result] = render_documents([document], files, cache, workers=1)
    assert not result.cached and result.data is not None and result.data != b"%PDF-broken"


def test_refusals_are_kept_with_a_cached_pdf(
    files: dict[str, str], tmp_path: Path, versions: dict[str, str]
) -> None:
    cache = PdfCache(tmp_path / "cache", versions)
    document = job('<img src="/etc/passwd">')
    render_documents([document], files, cache, workers=1)
    [result] = render_documents([document], files, cache, workers=1)
    assert result.cached and result.refused == [("file:///etc/passwd", OUTSIDE)]


def test_workers_return_results_in_job_order_and_one_failure_stays_alone(
    files: dict[str, str], tmp_path: Path
) -> None:
    rows = "".join(f"<tr><td>{'word ' * 40}</td></tr>" for _ in range(3000))
    jobs = [
        job("<p>one</p>", path="pdf/a.pdf"),
        job(f"<table>{rows}</table>", path="pdf/slow.pdf"),
        job("<p>three</p>", path="pdf/c.pdf"),
    ]
    results = render_documents(jobs, files, None, workers=2, time_limit=2.0)
    assert [r.path for r in results] == ["pdf/a.pdf", "pdf/slow.pdf", "pdf/c.pdf"]
    assert results[1].error is not None and results[1].data is None
    assert "one" in text_of(results[0].data or b"") and "three" in text_of(results[2].data or b"")


def test_a_document_that_holds_many_one_pagers_gets_a_longer_time_limit(
    files: dict[str, str],
) -> None:
    """The sales kit holds every battlecard and persona: at portal scale it takes minutes, and
    must not be stopped as a hung one-pager would be. Here the same 2 s document is stopped as
    a one-pager (0.3 s) and finishes as a kit of 4,000 sections (60 s)."""
    rows = "".join(f"<tr><td>{'word ' * 40}</td></tr>" for _ in range(300))
    slow = f"<table>{rows}</table>"
    one_pager = job(slow, path="pdf/one.pdf")
    kit = PdfJob("pdf/kit.pdf", one_pager.html, "pdf/kit.pdf", sections=4000)
    results = render_documents([one_pager, kit], files, None, workers=2, time_limit=0.3)
    assert results[0].error is not None and "longer than 0.3 s" in results[0].error
    assert results[1].error is None and (results[1].data or b"").startswith(b"%PDF")


def test_the_cache_keeps_only_what_recent_builds_used(
    files: dict[str, str], tmp_path: Path, versions: dict[str, str]
) -> None:
    cache = PdfCache(tmp_path / "cache", versions)
    for n in range(5):
        render_documents([job(f"<p>{n}</p>")], files, cache, workers=1)
    assert len(list((tmp_path / "cache").glob("*.pdf"))) == 3


FAKE_PDF = b"%PDF-1.7 not really"
SOUND_ENTRY = {
    "fetched": {"assets/logo.svg": hashlib.sha256(LOGO.encode()).hexdigest()},
    "refused": [["file:///etc/passwd", OUTSIDE]],
    "pdf": hashlib.sha256(FAKE_PDF).hexdigest(),
    "pages": 1,
}
MALFORMED_ENTRIES = [
    [],
    "text",
    None,
    7,
    {},
    {k: v for k, v in SOUND_ENTRY.items() if k != "fetched"},
    {k: v for k, v in SOUND_ENTRY.items() if k != "refused"},
    {k: v for k, v in SOUND_ENTRY.items() if k != "pdf"},
    {k: v for k, v in SOUND_ENTRY.items() if k != "pages"},
    {**SOUND_ENTRY, "pages": 0},
    {**SOUND_ENTRY, "pages": "1"},
    {**SOUND_ENTRY, "fetched": ["assets/logo.svg"]},
    {**SOUND_ENTRY, "fetched": {"assets/logo.svg": None}},
    {**SOUND_ENTRY, "fetched": {"assets/logo.svg": 1}},
    {**SOUND_ENTRY, "fetched": {"assets/not-a-file.svg": "0" * 64}},
    {**SOUND_ENTRY, "fetched": {"gone.svg": "0" * 64}},
    {**SOUND_ENTRY, "refused": {"a": "b"}},
    {**SOUND_ENTRY, "refused": "ab"},
    {**SOUND_ENTRY, "refused": ["ab"]},
    {**SOUND_ENTRY, "refused": [["a"]]},
    {**SOUND_ENTRY, "refused": [["a", "b", "c"]]},
    {**SOUND_ENTRY, "refused": [[1, 2]]},
    {**SOUND_ENTRY, "refused": [None]},
    {**SOUND_ENTRY, "pdf": None},
    {**SOUND_ENTRY, "pdf": 5},
    {**SOUND_ENTRY, "pdf": ["x"]},
    {**SOUND_ENTRY, "pdf": "0" * 64},
]


@pytest.mark.parametrize("meta", MALFORMED_ENTRIES, ids=lambda meta: json.dumps(meta)[:60])
def test_a_malformed_cache_entry_is_ignored_never_an_error(
    files: dict[str, str], tmp_path: Path, versions: dict[str, str], meta: object
) -> None:
    """Whatever a cache entry's JSON holds, it is either sound or not used."""
    cache = PdfCache(tmp_path / "cache", versions)
    document = job("<p>x</p>")
    files = {**files, "gone.svg": str(tmp_path / "gone.svg")}
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / f"{cache.key(document)}.pdf").write_bytes(FAKE_PDF)
    entry = tmp_path / "cache" / f"{cache.key(document)}.json"
    entry.write_text(json.dumps(SOUND_ENTRY), encoding="utf-8")
    sound = cache.get(document, files)
    assert sound is not None and sound.cached and sound.data == FAKE_PDF, "the control case"
    assert sound.refused == [("file:///etc/passwd", OUTSIDE)]
    entry.write_text(json.dumps(meta), encoding="utf-8")
    assert cache.get(document, files) is None


@pytest.mark.parametrize("text", ["", "{", "[" * 100_000 + "]" * 100_000])
def test_an_unreadable_cache_entry_is_ignored_never_an_error(
    files: dict[str, str], tmp_path: Path, versions: dict[str, str], text: str
) -> None:
    cache = PdfCache(tmp_path / "cache", versions)
    document = job("<p>x</p>")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / f"{cache.key(document)}.pdf").write_bytes(FAKE_PDF)
    (tmp_path / "cache" / f"{cache.key(document)}.json").write_text(text, encoding="utf-8")
    assert cache.get(document, files) is None
    (tmp_path / "cache" / f"{cache.key(document)}.json").write_bytes(b"\xff\xfe{}")
    assert cache.get(document, files) is None


LIBRARY_VERSIONS = [*SHAPING_PACKAGES, "pango", "harfbuzz", "fontconfig", "fonts"]


@pytest.mark.parametrize("name", [*LIBRARY_VERSIONS, "gtm"])
def test_a_new_version_of_any_library_gives_a_new_cache_key(tmp_path: Path, name: str) -> None:
    versions = {library: "1.0" for library in LIBRARY_VERSIONS}
    document = job("<p>x</p>")
    before = PdfCache(tmp_path, versions).key(document)
    assert PdfCache(tmp_path, {**versions, name: "1.1"}).key(document) != before
    assert PdfCache(tmp_path, dict(versions)).key(document) == before


def test_an_entry_made_under_other_library_versions_is_not_used(
    files: dict[str, str], tmp_path: Path, versions: dict[str, str]
) -> None:
    document = job("<p>x</p>")
    older = PdfCache(tmp_path / "cache", {**versions, "pango": "1.44.7"})
    render_documents([document], files, older, workers=1)
    [kept] = render_documents([document], files, older, workers=1)
    assert kept.cached  # the entry is sound: only the versions differ
    [now] = render_documents([document], files, PdfCache(tmp_path / "cache", versions), workers=1)
    assert not now.cached and now.data is not None
