"""The kind table: one record per kind, which every stage reads."""

from __future__ import annotations

from gtm.content.kinds import KINDS
from gtm.content.model import Artifact


def test_every_kind_is_named_as_its_folder_and_has_a_model() -> None:
    for name, kind in KINDS.items():
        assert kind.name == name
        assert issubclass(kind.model, Artifact)
        assert kind.template.endswith(".html")


def test_output_paths_come_from_the_kind() -> None:
    assert KINDS["personas"].page_path("devops-dana") == "personas/devops-dana/index.html"
    assert KINDS["pages"].page_path("faq") == "faq/index.html"
    assert KINDS["competitors"].list_path() == "competitors/index.html"
    assert KINDS["competitors"].pdf_path("pagestorm") == "pdf/battlecards/pagestorm.pdf"
    assert KINDS["launches"].pdf_path("relay-2") == "pdf/launch-briefs/relay-2.pdf"
    assert KINDS["products"].pdf_path("relay") is None


def test_the_kinds_with_a_body_first_are_written_as_markdown_by_gtm_new() -> None:
    assert {name for name, kind in KINDS.items() if kind.markdown} == {"launches", "pages"}
