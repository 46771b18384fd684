"""The page memory of `gtm serve`: a page renders again when something it read changed, even
through a theme that reads facts the built-in one does not, and is kept otherwise."""

from __future__ import annotations

from pathlib import Path

from gtm.build import BuildResult, Memos, build_site
from gtm.content.history import FileHistory, History, Revision
from gtm.content.project import open_project, run_options
from gtm.render.pagecache import RenderCache
from gtm.site.entries import CHANGES, EVERYTHING, recording_reads
from gtm.site.views import Portal, make_portal
from tests.conftest import MakeProject
from tests.unit.helpers import TODAY, check, options, persona, write

POSITIONING = """\
name: Relay for DevOps
product: relay
target: [dana]
need: fewer pages at night
key_benefit: wakes the right person
differentiators: [routes by service]
"""


def _build(root: Path, kept: RenderCache) -> BuildResult:
    project = open_project(root)
    return build_site(project, run_options(project, pdf=False), session=_session(kept))


def _session(kept: RenderCache, sessions: dict[int, Memos] = {}) -> Memos:  # noqa: B006
    """One session per page cache, as `gtm serve` keeps one for its life."""
    return sessions.setdefault(id(kept), Memos(pages=kept))


def test_a_theme_that_shows_only_a_statement_follows_the_product(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {
            "content/personas/dana.yaml": persona(),
            "content/positioning/devops.yaml": POSITIONING,
            "themes/default/templates/positioning.html": "{{ site.statement(entry) }}\n",
        }
    )
    kept = RenderCache()
    first = _build(root, kept)
    assert b"an incident tool" in first.files["positioning/devops/index.html"]
    product = root / "content/products/relay.yaml"
    product.write_text(product.read_text().replace("incident tool", "alerting service"))
    second = _build(root, kept)
    assert b"an alerting service" in second.files["positioning/devops/index.html"]


def test_only_the_pages_that_read_a_changed_entry_render_again(make_project: MakeProject) -> None:
    root = make_project(
        {
            "content/personas/dana.yaml": persona(),
            "content/personas/sam.yaml": persona("SRE Sam"),
            "themes/default/templates/persona.html": "{{ entry.fields.role }}\n",
        }
    )
    kept = RenderCache()
    first = _build(root, kept)
    lead = persona("SRE Sam").replace("\nrole: ", "\nrole: Lead ")
    write(root, "content/personas/sam.yaml", lead)
    second = _build(root, kept)
    assert b"Lead" in second.files["personas/sam/index.html"]
    assert b"Lead" not in second.files["personas/dana/index.html"]
    pages = sum(1 for name in first.files if name.endswith(".html"))
    assert 0 < kept.reused < pages
    assert "personas/dana/index.html" in kept.pages


def test_reading_the_health_of_the_site_reads_everything(make_project: MakeProject) -> None:
    root = make_project({"content/personas/dana.yaml": persona()})
    site = check(root).site
    project = open_project(root)
    portal = make_portal(site, project.config, options().today, "internal", False)
    with recording_reads() as reads:
        _ = portal.health_problems, portal.kinds["personas"][0].name
    assert reads == set()
    with recording_reads() as reads:
        _ = portal.kinds["personas"][0].fields
    assert reads == {("personas", "dana")}
    with recording_reads() as reads:
        _ = portal.health
    assert reads == {EVERYTHING}
    with recording_reads() as reads:
        _ = portal.link("personas", "dana"), portal.entry("personas", "dana")
    assert reads == set()


def test_a_page_that_shows_what_changed_is_kept_until_the_history_changes(
    make_project: MakeProject,
) -> None:
    root = make_project({"content/personas/dana.yaml": persona()})
    checked = check(root)
    config, path = open_project(root).config, "content/personas/dana.yaml"

    def portal(subject: str, commit: str = "a" * 40) -> Portal:
        change = Revision(commit, 1795000000, subject, "A", path, "modified", ("pains",))
        files = {path: FileHistory(path, (change,), None, 1795000000)}
        history = History("complete", files, (), "h", None)
        return make_portal(checked.site, config, TODAY, "internal", False, history=history)

    kept = RenderCache()
    first = portal("One")
    kept.begin(first, checked.theme)
    with recording_reads() as reads:
        assert first.changes
    assert reads == {CHANGES}
    kept.keep("changes/index.html", b"page", reads)
    kept.begin(portal("One"), checked.theme)
    assert kept.get("changes/index.html") == b"page"
    kept.begin(portal("Two", "b" * 40), checked.theme)
    assert kept.get("changes/index.html") is None
