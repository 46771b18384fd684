"""Output paths and relative URLs: the one place that knows where everything goes."""

from __future__ import annotations

import pytest

from gtm.site.routes import item_path, list_path, pdf_path, relative_url


def test_paths_follow_the_spec() -> None:
    assert item_path("personas", "devops-dana") == "personas/devops-dana/index.html"
    assert item_path("pages", "faq") == "faq/index.html"
    assert list_path("launches") == "launches/index.html"
    assert pdf_path("competitors", "pagestorm") == "pdf/battlecards/pagestorm.pdf"
    assert pdf_path("launches", "relay-2") == "pdf/launch-briefs/relay-2.pdf"
    assert pdf_path("personas", "cfo-carla") == "pdf/personas/cfo-carla.pdf"
    assert pdf_path("messaging", "relay") == "pdf/messaging/relay.pdf"
    assert pdf_path("products", "relay") is None


@pytest.mark.parametrize(
    ("source", "target", "url"),
    [
        ("index.html", "personas/dana/index.html", "personas/dana/index.html"),
        ("personas/dana/index.html", "index.html", "../../index.html"),
        (
            "personas/dana/index.html",
            "products/relay/index.html",
            "../../products/relay/index.html",
        ),
        ("faq/index.html", "search-index.json", "../search-index.json"),
        ("personas/dana/index.html", "personas/dana/index.html#goals", "index.html#goals"),
        ("health/index.html", "#stale", "#stale"),
    ],
)
def test_relative_urls(source: str, target: str, url: str) -> None:
    assert relative_url(source, target) == url
