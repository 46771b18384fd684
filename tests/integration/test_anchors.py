"""The default theme renders exactly the anchors `gtm check` follows links to: on every artifact
page of the example and of a new project, the ids in the HTML are the ids `page_anchors` knows,
besides the few the site's frame adds. A theme change that drops or adds a section's id fails
here, not as a link that check passes and the build rejects."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gtm.check import Checker
from gtm.cli import main
from gtm.content.project import open_project, run_options
from gtm.site.anchors import PAGE_ANCHORS, page_anchors
from gtm.site.routes import item_path
from tests.conftest import EXAMPLE_EPOCH, ROOT

FRAME_IDS = {"site-search-q", "backlinks-title"}
"""Ids of the page around the content (the search box, the "Referenced by" heading)."""
ID = re.compile(r'\sid="([^"]*)"')


def _built(root: Path) -> Path:
    env = {"SOURCE_DATE_EPOCH": EXAMPLE_EPOCH, "NO_COLOR": "1"}
    result = CliRunner(env=env).invoke(main, ["build", "--no-pdf", "--project", str(root)])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module", params=["example", "starter"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(request.param)
    if request.param == "example":
        shutil.copytree(ROOT / "content", root / "content")
        shutil.copy(ROOT / "gtm.toml", root / "gtm.toml")
    else:
        result = CliRunner().invoke(main, ["init", str(root / "project")])
        assert result.exit_code == 0, result.output
        root = root / "project"
    return _built(root)


def test_every_artifact_page_has_exactly_the_anchors_check_knows(built: Path) -> None:
    project = open_project(built)
    options = run_options(project, pdf=False)
    site = Checker(project, options).check().site
    pages = 0
    for item in site.all_items():
        html = (project.output_dir / item_path(item.kind, item.id)).read_text(encoding="utf-8")
        rendered = set(ID.findall(html)) - FRAME_IDS
        assert rendered == page_anchors(item, site), item.path
        pages += 1
    assert pages >= 7


def test_the_portal_pages_have_the_anchors_check_knows(built: Path) -> None:
    output = built / "output"
    for path, anchors in PAGE_ANCHORS.items():
        rendered = set(ID.findall((output / path).read_text(encoding="utf-8")))
        assert anchors | {"main"} <= rendered, path
