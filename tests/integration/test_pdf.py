"""The example's PDF collateral read back as sales gets it: every document, its text and
metadata, its pages drawn by poppler, one-page battlecards, the sales kit's order and outline,
the marking and date on every page, links and tags, the cache, public builds."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from gtm.content.project import open_project
from tests.conftest import ROOT, RunGtm, build_example, require_program


def copy_without_output(built: Path, project: Path) -> None:
    """The built example as a new project: its caches come along, its output does not."""
    shutil.copytree(built, project, ignore=shutil.ignore_patterns("output"))


DOCUMENTS = {
    "pdf/battlecards/pagestorm.pdf": ["PageStorm", "Quick dismiss", "Why we win"],
    "pdf/battlecards/alertly.pdf": ["Alertly"],
    "pdf/battlecards/sirenworks.pdf": ["SirenWorks"],
    "pdf/launch-briefs/relay-2.pdf": ["Acme Relay 2", "Milestones", "Risks", "Goals"],
    "pdf/launch-briefs/relay-slack-app.pdf": ["Slack"],
    "pdf/personas/devops-dana.pdf": ["DevOps Dana", "Head of Platform Engineering", "Alert storms"],
    "pdf/personas/cfo-carla.pdf": ["CFO Carla"],
    "pdf/personas/sre-sam.pdf": ["SRE Sam"],
    "pdf/personas/vp-eng-victor.pdf": ["Victor"],
    "pdf/messaging/relay.pdf": ["Acme Relay"],
    "pdf/sales-kit.pdf": ["PageStorm", "DevOps Dana", "CONTENTS", "Positioning statement"],
}
INTERNAL_NOTE = "Internal — do not distribute"
SHAREABLE_NOTE = "May be shared with customers"
AS_OF = "as of 23 nov 2026"


def read(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def text(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with its PDFs, built once for this module."""
    root = tmp_path_factory.mktemp("pdf") / "example"
    result = build_example(root)
    assert "11 PDFs (0 unchanged)" in result.output
    assert "designed for one" not in result.output, "an example battlecard runs long"
    return root


def pages_text(reader: PdfReader) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page number from 1) of every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def test_every_document_of_the_spec_is_written(built: Path) -> None:
    written = {
        p.relative_to(built / "output").as_posix() for p in built.glob("output/pdf/**/*.pdf")
    }
    assert written == set(DOCUMENTS)


@pytest.mark.parametrize(("name", "phrases"), DOCUMENTS.items())
def test_each_document_holds_its_source_and_no_attachment(
    built: Path, name: str, phrases: list[str]
) -> None:
    reader = read(built / "output" / name)
    content = text(reader)
    for phrase in phrases:
        assert phrase in content
    assert not reader.attachments


def test_battlecards_and_persona_one_pagers_are_one_page(built: Path) -> None:
    cards = sorted((built / "output/pdf/battlecards").glob("*.pdf"))
    assert [card.stem for card in cards] == ["alertly", "pagestorm", "sirenworks"]
    for card in cards:
        assert len(read(card).pages) == 1, card.name
    for persona in (built / "output/pdf/personas").glob("*.pdf"):
        assert len(read(persona).pages) == 1, persona.name


def test_a_battlecard_leads_with_what_a_rep_needs_and_leaves_the_rest_to_the_portal(
    built: Path,
) -> None:
    [page] = pages_text(read(built / "output/pdf/battlecards/pagestorm.pdf"))
    order = ["Quick dismiss", "Why we win", "Landmines", "Objection handling", "Their strengths"]
    places = [page.index(title) for title in order]
    assert places == sorted(places), page
    for wins_and_pricing in ("Brightmoor Health 420 engineers", "THEIR PRICING Professional $25"):
        assert wins_and_pricing in page
    assert "Founded in 2011" not in page, "the overview stays on the portal"
    assert "Migration mapping" not in page, "the notes stay on the portal"
    assert "MORE ON THE PORTAL The overview and notes" in page


def test_the_owner_stays_on_one_line(built: Path) -> None:
    for name in ("pagestorm", "alertly", "sirenworks"):
        page = read(built / f"output/pdf/battlecards/{name}.pdf").pages[0]
        lines = (page.extract_text() or "").splitlines()
        assert any("Sofia Alvarez (Competitive Intelligence)" in line for line in lines), name


def test_a_website_is_a_link_in_the_pdf(built: Path) -> None:
    page = read(built / "output/pdf/battlecards/pagestorm.pdf").pages[0]
    links = [a.get_object() for a in page.get("/Annots", []) or []]
    targets = [str(a["/A"]["/URI"]) for a in links if a["/Subtype"] == "/Link" and "/A" in a]
    assert "https://www.pagestorm.example" in targets
    for target in targets:
        assert target.startswith("https://"), target  # no file: or relative link in a PDF


def test_every_page_says_how_old_it_is(built: Path) -> None:
    for name in DOCUMENTS:
        for number, page in enumerate(pages_text(read(built / "output" / name)), 1):
            assert AS_OF in page.lower(), f"{name} page {number}"
    [card] = pages_text(read(built / "output/pdf/battlecards/pagestorm.pdf"))
    assert "Reviewed 9 Nov 2026 · as of 23 Nov 2026" in card
    for name in DOCUMENTS:
        assert "Never" not in text(read(built / "output" / name)), name


def test_every_pdf_is_tagged_with_its_language_and_title(built: Path) -> None:
    for name in DOCUMENTS:
        reader = read(built / "output" / name)
        root = reader.trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]), name
        assert "/StructTreeRoot" in root, name
        assert root["/Lang"] == "en", name
        assert reader.metadata is not None and reader.metadata.title, name
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]), name


def test_metadata_comes_from_the_source(built: Path) -> None:
    meta = read(built / "output/pdf/battlecards/pagestorm.pdf").metadata
    assert meta is not None
    assert meta.title == "Battlecard: PageStorm"
    assert meta.author == "Sofia Alvarez (Competitive Intelligence)"
    assert meta.subject and meta.subject.startswith("The incumbent")
    assert meta["/Keywords"] == "incumbent, enterprise, relay-2"
    assert meta["/CreationDate"].startswith("D:20261123120000")


def test_internal_documents_say_so_on_every_page(built: Path) -> None:
    for name in DOCUMENTS:
        for number, page in enumerate(pages_text(read(built / "output" / name)), 1):
            assert INTERNAL_NOTE in page, f"{name} page {number}"
            assert SHAREABLE_NOTE not in page, f"{name} page {number}"


def test_a_public_artifact_that_prints_internal_messages_is_internal(built: Path) -> None:
    """DevOps Dana is public, but her one-pager prints the internal message house's message."""
    dana = text(read(built / "output/pdf/personas/devops-dana.pdf"))
    assert "Stop maintaining routing rules" in dana and INTERNAL_NOTE in dana
    downloads = (built / "output/downloads/index.html").read_text()
    dana_item = downloads[downloads.index("devops-dana/index.html") :]
    dana_item = dana_item[: dana_item.index("</li>")]
    assert "Internal — do not distribute" in dana_item and SHAREABLE_NOTE not in dana_item


def test_the_sales_kit_says_what_to_say_first_then_cards_by_threat_then_personas(
    built: Path,
) -> None:
    reader = read(built / "output/pdf/sales-kit.pdf")
    assert outline(reader) == [
        (0, "What to say", 1),
        (1, "Positioning statements", 1),
        (1, "Acme Relay message house", 2),
        (0, "Battlecards", 4),
        (1, "PageStorm", 4),
        (1, "Alertly", 5),
        (1, "SirenWorks", 6),
        (0, "Personas", 7),
        (1, "CFO Carla", 7),
        (1, "DevOps Dana", 8),
        (1, "SRE Sam", 9),
        (1, "VP Eng Victor", 10),
    ]
    assert len(reader.pages) == 10, "each battlecard and persona on one page of its own"


def test_the_sales_kit_has_no_divider_pages(built: Path) -> None:
    """Every page of the kit carries a document's worth of text: no near-empty opener."""
    for number, page in enumerate(pages_text(read(built / "output/pdf/sales-kit.pdf")), 1):
        assert len(page) > 900, f"page {number} is nearly empty: {page}"
    first = pages_text(read(built / "output/pdf/sales-kit.pdf"))[0]
    assert "For the Head of Platform Engineering" in first, (
        "the positioning statement, word for word"
    )
    for glance in ("PageStorm pages people.", "Stop maintaining routing rules."):
        assert glance in first


def test_every_artifact_page_with_a_pdf_links_to_it(built: Path) -> None:
    page = (built / "output/competitors/pagestorm/index.html").read_text()
    assert 'href="../../pdf/battlecards/pagestorm.pdf"' in page
    downloads = (built / "output/downloads/index.html").read_text()
    for name in DOCUMENTS:
        assert f'href="../{name}"' in downloads


def pixels(pgm: bytes) -> bytes:
    """The pixel bytes of a binary PGM (P5) image from pdftoppm -gray."""
    fields = pgm.split(maxsplit=4)
    assert fields[0] == b"P5"
    return fields[4]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_first_pages_render_and_are_not_blank(built: Path, name: str, tmp_path: Path) -> None:
    require_program("pdftoppm")
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-r",
            "30",
            "-f",
            "1",
            "-l",
            "1",
            str(built / "output" / name),
            str(tmp_path / "p"),
        ],
        check=True,
        timeout=60,
    )
    [image] = tmp_path.glob("p*.pgm")
    data = pixels(image.read_bytes())
    inked = sum(1 for value in data if value < 160)
    assert inked / len(data) > 0.02, f"{name}: first page is nearly blank"


def test_a_rebuild_without_changes_renders_no_pdf(built: Path, run_gtm: RunGtm) -> None:
    result = run_gtm("build", project=built)
    assert result.exit_code == 0
    assert "11 PDFs (11 unchanged)" in result.stdout


def test_one_change_renders_only_the_documents_it_touches(
    built: Path, run_gtm: RunGtm, tmp_path: Path
) -> None:
    project = tmp_path / "copy"
    shutil.copytree(built, project)
    shutil.copytree(open_project(built).cache_dir, open_project(project).cache_dir)
    carla = project / "content/personas/cfo-carla.yaml"
    carla.write_text(carla.read_text().replace("name: CFO Carla", "name: CFO Carla M."), "utf-8")
    result = run_gtm("build", "--verbose", project=project)
    assert result.exit_code == 0, result.output
    rendered = {
        line.split(":")[0].strip()
        for line in result.stderr.splitlines()
        if line.startswith("  pdf/") and not line.endswith("unchanged")
    }
    assert "pdf/personas/cfo-carla.pdf" in rendered
    assert "pdf/sales-kit.pdf" in rendered
    assert "pdf/battlecards/pagestorm.pdf" not in rendered
    assert "pdf/personas/devops-dana.pdf" not in rendered


def test_the_same_sources_give_the_same_pdf_bytes(
    built: Path, run_gtm: RunGtm, tmp_path: Path
) -> None:
    project = tmp_path / "again"
    shutil.copytree(built, project, ignore=shutil.ignore_patterns("output"))  # its own cache
    assert run_gtm("build", project=project).exit_code == 0
    for name in DOCUMENTS:
        assert (project / "output" / name).read_bytes() == (built / "output" / name).read_bytes(), (
            name
        )


def test_letter_pages_when_the_config_asks(built: Path, run_gtm: RunGtm, tmp_path: Path) -> None:
    project = tmp_path / "letter"
    copy_without_output(built, project)
    toml = project / "gtm.toml"
    toml.write_text(toml.read_text().replace('page_size = "A4"', 'page_size = "Letter"'), "utf-8")
    assert run_gtm("build", project=project).exit_code == 0
    box = read(project / "output/pdf/personas/devops-dana.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_a_public_build_has_no_internal_pdf(built: Path, run_gtm: RunGtm, tmp_path: Path) -> None:
    project = tmp_path / "public"
    copy_without_output(built, project)
    assert run_gtm("build", "--audience", "public", project=project).exit_code == 0
    written = sorted(
        p.relative_to(project / "output").as_posix() for p in project.glob("output/pdf/**/*.pdf")
    )
    assert written == ["pdf/personas/devops-dana.pdf", "pdf/sales-kit.pdf"]
    kit = text(read(project / "output/pdf/sales-kit.pdf"))
    assert "Quick dismiss" not in kit and "Battlecard:" not in kit
    for name in written:
        for number, page in enumerate(pages_text(read(project / "output" / name)), 1):
            assert SHAREABLE_NOTE in page and INTERNAL_NOTE not in page, f"{name} page {number}"
    downloads = (project / "output/downloads/index.html").read_text()
    assert downloads.count(SHAREABLE_NOTE) >= 2 and "Internal — do not distribute</span>" not in (
        downloads
    )


def test_a_remote_image_in_content_is_left_out_with_a_warning(
    built: Path, run_gtm: RunGtm, tmp_path: Path
) -> None:
    project = tmp_path / "remote"
    copy_without_output(built, project)
    dana = project / "content/personas/devops-dana.md"
    original = dana.read_text()
    dana.write_text(original + "\n![chart](https://tracker.example.com/pixel.png)\n", "utf-8")
    line = original.count("\n") + 2
    result = run_gtm("build", project=project)
    assert result.exit_code == 0, result.output
    assert (
        f"content/personas/devops-dana.md:{line}:10: warning: pdf/personas/devops-dana.pdf may not "
        "load 'https://tracker.example.com/pixel.png' (a PDF may use only files of the theme and "
        "of content/assets/), so it was left out"
    ) in result.stdout


def test_a_theme_stylesheet_cannot_pull_in_a_system_file(
    built: Path, run_gtm: RunGtm, tmp_path: Path
) -> None:
    project = tmp_path / "theme"
    copy_without_output(built, project)
    static = project / "themes/default/static"
    static.mkdir(parents=True)
    css = (ROOT / "themes/default/static/print.css").read_text()
    (static / "print.css").write_text(css + '\nbody { background: url("file:///etc/passwd") }\n')
    result = run_gtm("build", project=project)
    assert result.exit_code == 0, result.output
    assert "may not load 'file:///etc/passwd'" in result.stdout
    for pdf in project.glob("output/pdf/**/*.pdf"):
        assert b"root:x:0:0" not in pdf.read_bytes()


def test_links_between_artifacts_are_plain_text_in_a_pdf(built: Path) -> None:
    reader = read(built / "output/pdf/launch-briefs/relay-2.pdf")
    targets = [
        str(annotation.get_object().get("/A", {}).get("/URI", ""))
        for page in reader.pages
        for annotation in page.get("/Annots", []) or []
    ]
    assert not [t for t in targets if t.startswith("file:") or "__gtm__" in t]
