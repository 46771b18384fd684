"""What every page of a PDF tells the rep who holds it: whether it may leave the company (and
the downloads page saying the same per file), links that a reader can click when the portal
has a full address, an owner line that keeps together or is left out, and a launch brief's
goals, risk and review date as a marketer writes them."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from gtm.cli import main
from tests.conftest import EXAMPLE_EPOCH

INTERNAL = "Internal — do not distribute"
SHAREABLE = "May be shared with customers"

FILES = {
    "gtm.toml": '[site]\ntitle = "Test"\nbase_url = "https://gtm.acme.example/portal/"\n',
    "content/products/relay.yaml": "name: Acme Relay\nstage: growth\n",
    "content/personas/pat.yaml": """\
        name: Public Pat
        visibility: public
        role: Platform lead
        buying_role: champion
        goals: [Fewer pages]
        pains: [Alert noise]
        objections:
          - objection: We already have a pager
            response: Keep it **side by side** for a month.
          - Nobody keeps a catalog up to date
        """,
    "content/personas/ivy.yaml": """\
        name: Internal Ivy
        role: CFO
        buying_role: economic_buyer
        goals: [Flat spend]
        pains: [Renewal uplifts]
        """,
    "content/competitors/nobody.yaml": """\
        name: Nobody Owns Me
        website: https://www.nobody.example/
        strengths: [Cheap]
        weaknesses: [No routing]
        why_we_win:
          - point: Routing from the service catalog
        """,
    "content/launches/big.yaml": """\
        name: Big launch
        product: relay
        tier: 3
        date: 2026-12-01
        goals:
          - metric: Annual recurring revenue
            baseline: 1500000
            target: 2400000
            unit: USD
          - metric: Analyst position
            target: Leader
        milestones:
          - id: kickoff
            name: Kick-off
            date: 2026-11-02
            done: true
          - id: beta
            name: Beta
            date: 2026-11-16
        """,
}


def write(root: Path, files: dict[str, str]) -> None:
    import textwrap

    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")


def build(root: Path, *args: str) -> None:
    env = {"SOURCE_DATE_EPOCH": EXAMPLE_EPOCH, "NO_COLOR": "1"}
    result = CliRunner(env=env).invoke(main, ["build", *args, "--project", str(root)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sharing") / "project"
    write(root, FILES)
    build(root)
    return root


def pages(path: Path) -> list[str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def links(path: Path) -> list[str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    found = []
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A", {})
            if "/URI" in action:
                found.append(str(action["/URI"]))
    return found


def download_item(built: Path, page_path: str) -> str:
    html = (built / "output/downloads/index.html").read_text()
    item = html[html.index(f'href="../{page_path}"') :]
    return item[: item.index("</li>")]


@pytest.mark.parametrize(
    ("name", "page_path", "note", "not_note"),
    [
        ("pdf/personas/pat.pdf", "personas/pat/index.html", SHAREABLE, INTERNAL),
        ("pdf/personas/ivy.pdf", "personas/ivy/index.html", INTERNAL, SHAREABLE),
        ("pdf/battlecards/nobody.pdf", "competitors/nobody/index.html", INTERNAL, SHAREABLE),
    ],
)
def test_every_page_and_the_downloads_page_say_whether_it_may_be_shared(
    built: Path, name: str, page_path: str, note: str, not_note: str
) -> None:
    for number, page in enumerate(pages(built / "output" / name), 1):
        assert note in page and not_note not in page, f"{name} page {number}"
    item = download_item(built, page_path)
    assert note in item and not_note not in item


def test_the_sales_kit_is_internal_when_anything_in_it_is(built: Path) -> None:
    for number, page in enumerate(pages(built / "output/pdf/sales-kit.pdf"), 1):
        assert INTERNAL in page and SHAREABLE not in page, f"page {number}"


def test_a_public_build_marks_every_page_shareable(built: Path, tmp_path: Path) -> None:
    project = tmp_path / "public"
    shutil.copytree(built, project, ignore=shutil.ignore_patterns("output"))
    build(project, "--audience", "public")
    written = sorted(p.name for p in project.glob("output/pdf/**/*.pdf"))
    assert written == ["pat.pdf", "sales-kit.pdf"]
    for pdf in project.glob("output/pdf/**/*.pdf"):
        for number, page in enumerate(pages(pdf), 1):
            assert SHAREABLE in page and INTERNAL not in page, f"{pdf.name} page {number}"


def test_a_persona_objection_says_what_they_say_and_what_to_say(built: Path) -> None:
    [page] = pages(built / "output/pdf/personas/pat.pdf")
    assert "THEY SAY “We already have a pager” YOU SAY Keep it side by side for a month." in page
    assert "THEY SAY “Nobody keeps a catalog up to date”" in page


def test_links_lead_to_the_website_and_the_portal_under_a_full_base_url(built: Path) -> None:
    card = built / "output/pdf/battlecards/nobody.pdf"
    assert links(card) == [
        "https://www.nobody.example/",
        "https://gtm.acme.example/portal/competitors/nobody/index.html",
    ]
    [page] = pages(card)
    assert "gtm.acme.example/portal/competitors/nobody" in page


def test_without_a_full_base_url_the_portal_is_named_not_linked(
    built: Path, tmp_path: Path
) -> None:
    project = tmp_path / "relative"
    shutil.copytree(built, project, ignore=shutil.ignore_patterns("output"))
    (project / "gtm.toml").write_text('[site]\ntitle = "Test"\nbase_url = "/"\n')
    build(project)
    card = project / "output/pdf/battlecards/nobody.pdf"
    assert links(card) == ["https://www.nobody.example/"]
    [page] = pages(card)
    assert "MORE ON THE PORTAL Test › Battlecards › Nobody Owns Me" in page


def test_without_an_owner_the_card_prints_no_owner_and_no_dash(built: Path) -> None:
    [page] = pages(built / "output/pdf/battlecards/nobody.pdf")
    assert "OWNER" not in page and "—" not in page.replace(INTERNAL, "")
    assert "No objection handling yet: ask product marketing before the call." in page


def test_a_launch_brief_prints_goals_as_written_with_separators_and_no_never(
    built: Path,
) -> None:
    text = " ".join(pages(built / "output/pdf/launch-briefs/big.pdf"))
    assert "Annual recurring revenue 1,500,000 2,400,000 USD" in text
    assert "Analyst position — Leader" in text
    assert "Never" not in text and "REVIEWED" not in text
    assert "At risk" in text, "launch day within 21 days and half ready"
    assert "✓" in text, "a done milestone shows a tick"
