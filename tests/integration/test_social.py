"""Social cards: a public build's pages carry Open Graph and Twitter card tags (title, summary,
site) and, under a full base_url, a canonical address; an internal build's carry none, and ask
search engines to stay away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import build_example


def build(root: Path, *flags: str, base_url: str = "/") -> Path:
    build_example(root, "--no-pdf", *flags, base_url=base_url)
    return root / "output"


SOCIAL_TAG = re.compile(r'<meta (?:property|name)="((?:og|twitter):[a-z_]+)" content="([^"]*)">')


def tags(page: Path) -> dict[str, str]:
    html = page.read_text(encoding="utf-8")
    found = dict(
        re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z_]+)" content="([^"]*)">', html)
    )
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)
    if canonical:
        found["canonical"] = canonical[1]
    return found


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("social") / "example"
    return build(root, "--audience", "public", base_url="https://gtm.acme.example/portal/")


def test_a_public_page_makes_a_card_with_its_canonical_address(public: Path) -> None:
    dana = tags(public / "personas/devops-dana/index.html")
    assert dana["og:title"] == dana["twitter:title"] == "DevOps Dana"
    assert dana["og:description"] == dana["twitter:description"]
    assert dana["og:description"].startswith("Runs platform engineering and owns the on-call")
    assert dana["og:site_name"] == "Acme GTM Portal" and dana["twitter:card"] == "summary"
    address = "https://gtm.acme.example/portal/personas/devops-dana/"
    assert dana["canonical"] == dana["og:url"] == address
    home = tags(public / "index.html")
    assert home["og:description"] == "Acme GTM Portal"
    assert home["canonical"] == "https://gtm.acme.example/portal/"


def test_an_internal_page_makes_no_card_and_a_relative_base_names_no_address(
    tmp_path: Path,
) -> None:
    internal = build(tmp_path / "internal")
    page = (internal / "personas/devops-dana/index.html").read_text(encoding="utf-8")
    assert tags(internal / "personas/devops-dana/index.html") == {}
    assert '<meta name="robots" content="noindex, nofollow">' in page
    relative = build(tmp_path / "public", "--audience", "public")
    card = tags(relative / "personas/devops-dana/index.html")
    assert card["og:title"] == "DevOps Dana" and "canonical" not in card and "og:url" not in card
