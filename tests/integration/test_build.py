"""`gtm build` on the example and on small projects: every output of the spec, identical bytes
for identical sources, the old output untouched by a failed build, nothing internal in public."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import MakeProject, RunGtm

SPEC_OUTPUTS = [
    "index.html",
    "products/index.html",
    "products/relay/index.html",
    "personas/index.html",
    "personas/devops-dana/index.html",
    "competitors/index.html",
    "competitors/pagestorm/index.html",
    "positioning/relay/index.html",
    "messaging/index.html",
    "messaging/relay/index.html",
    "launches/index.html",
    "launches/relay-2/index.html",
    "launches.ics",
    "health/index.html",
    "search/index.html",
    "search-index.json",
    "downloads/index.html",
    "faq/index.html",
    "sitemap.xml",
    "404.html",
]


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def built_example(example_project: Path, run_gtm: RunGtm) -> Path:
    result = run_gtm("build", "--no-pdf", project=example_project)
    assert result.exit_code == 0, result.output
    return example_project / "output"


def test_every_output_of_the_spec_exists(built_example: Path) -> None:
    missing = [p for p in SPEC_OUTPUTS if not (built_example / p).is_file()]
    assert not missing


def test_drafts_are_left_out_unless_asked(
    built_example: Path, example_project: Path, run_gtm: RunGtm
) -> None:
    assert not (built_example / "pricing-faq-draft/index.html").exists()
    result = run_gtm("build", "--no-pdf", "--drafts", project=example_project)
    assert result.exit_code == 0, result.output
    assert (example_project / "output/pricing-faq-draft/index.html").is_file()


def test_same_sources_give_the_same_bytes(
    built_example: Path, example_project: Path, run_gtm: RunGtm
) -> None:
    first = digest_tree(built_example)
    assert run_gtm("build", "--no-pdf", project=example_project).exit_code == 0
    assert digest_tree(built_example) == first


def test_a_failed_build_leaves_the_output_as_it_was(
    built_example: Path, example_project: Path, run_gtm: RunGtm
) -> None:
    before = digest_tree(built_example)
    persona = example_project / "content/personas/cfo-carla.yaml"
    persona.write_text(persona.read_text() + "paint: [oops]\n", encoding="utf-8")
    result = run_gtm("build", "--no-pdf", project=example_project)
    assert result.exit_code == 1
    assert "unknown field 'paint'" in result.output
    assert digest_tree(built_example) == before


def test_a_build_spooled_to_disk_writes_the_same_output_and_leaves_no_spool(
    built_example: Path,
    example_project: Path,
    tmp_path: Path,
    run_gtm: RunGtm,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no room in memory every file goes to the spool, and the output is the same; the
    spool is removed after a build that published and after one that could not."""
    from gtm.content.project import open_project

    monkeypatch.setattr("gtm.spool.DEFAULT_BUDGET", 0)
    before = digest_tree(built_example)
    shutil.rmtree(built_example)
    assert run_gtm("build", "--no-pdf", project=example_project).exit_code == 0
    assert digest_tree(built_example) == before
    cache = open_project(example_project).cache_dir
    assert cache.is_dir() and not list(cache.glob("spool-*"))
    other = tmp_path / "other"
    shutil.copytree(example_project / "content", other / "content")
    shutil.copy(example_project / "gtm.toml", other)
    (other / "output").mkdir()
    (other / "output/index.html").write_text("somebody's page", encoding="utf-8")
    result = run_gtm("build", "--no-pdf", project=other)
    assert result.exit_code == 2 and "was not written by gtm" in result.output, result.output
    assert (other / "output/index.html").read_text(encoding="utf-8") == "somebody's page"
    spooled = open_project(other).cache_dir
    assert spooled.is_dir() and not list(spooled.glob("spool-*"))


def test_search_index_lists_every_page_and_is_sorted(built_example: Path) -> None:
    records = json.loads((built_example / "search-index.json").read_text(encoding="utf-8"))
    urls = [r["url"] for r in records]
    assert urls == sorted(urls)
    assert "personas/devops-dana/index.html" in urls
    assert all((built_example / url).is_file() for url in urls)
    dana = next(r for r in records if r["url"] == "personas/devops-dana/index.html")
    assert dana["kind"] == "persona" and dana["title"] == "DevOps Dana"


def test_calendar_is_rfc5545(built_example: Path) -> None:
    raw = (built_example / "launches.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"UID:launch-relay-2@gtm" in raw
    assert b"DTSTART;VALUE=DATE:20270216" in raw


def test_public_build_holds_nothing_internal(make_project: MakeProject, run_gtm: RunGtm) -> None:
    canary = "CANARY-7f3a"
    root = make_project(
        {
            "content/products/relay.yaml": """\
                name: Acme Relay
                stage: growth
                visibility: public
                summary: The public product.
            """,
            "content/competitors/rival.yaml": f"""\
                name: Rival
                summary: secret {canary}
                overview: "{canary} overview"
                strengths: [{canary} strength]
                weaknesses: [{canary} weakness]
                why_we_win: [{{point: {canary} point}}]
            """,
            "content/positioning/relay.yaml": """\
                name: Relay positioning
                visibility: public
                product: relay
                target: [dana]
                need: need fewer pages
                key_benefit: routes alerts
                alternatives: [rival]
                differentiators: [is faster]
            """,
            "content/personas/dana.yaml": """\
                name: Dana
                visibility: public
                role: DevOps lead
                buying_role: champion
                goals: [sleep]
                pains: [noise]
                body: See [the rival](gtm:competitors/rival) for more.
            """,
        },
        minimal=False,
    )
    result = run_gtm("build", "--no-pdf", "--audience", "public", project=root)
    assert result.exit_code == 0, result.output
    assert "internal-reference" not in result.output  # text output shows messages, not codes
    assert "competitor 'rival' is internal: this build shows only its name" in result.output
    for path in (root / "output").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert canary.encode() not in data, f"{path} leaks internal content"
    assert not (root / "output/competitors/rival").exists()


def test_the_home_page_stays_short_in_a_large_portal(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    files = {
        f"content/competitors/rival-{n:02}.yaml": (
            f"name: Rival {n:02}\nthreat: {'high' if n >= 10 else 'low'}\n"
            "strengths: [big]\nweaknesses: [slow]\nwhy_we_win:\n  - point: faster\n"
        )
        for n in range(12)
    }
    files.update(
        {
            f"content/pages/guide-{n:02}.md": f"---\ntitle: Guide {n:02}\n---\nText.\n"
            for n in range(10)
        }
    )
    root = make_project(files)
    result = run_gtm("build", "--no-pdf", "--quiet", project=root)
    assert result.exit_code == 0, result.output
    home = (root / "output" / "index.html").read_text(encoding="utf-8")
    rivals = home.split('id="rivals-title"')[1].split("</section>")[0]
    assert rivals.count('class="rival"') == 8
    assert rivals.index("Rival 10") < rivals.index("Rival 00"), "high threats come first"
    assert "All 12 battlecards" in rivals
    guides = home.split('id="guides-title"')[1].split("</section>")[0]
    assert guides.count("<li>") == 8 and "All 10 guides" in guides
