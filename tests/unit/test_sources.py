"""Reading content files: encodings, front matter, ids, stray files, and exact positions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gtm.content.reading import MAX_FILE_BYTES, discover, read_files
from gtm.content.sources import SourceMemo, read_sources
from gtm.diagnostics import Diagnostics
from tests.unit.helpers import formatted, read, write

PERSONA_YAML = "name: Dana\nrole: Head\n"


def test_yaml_file_becomes_a_source(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "content/personas/dana.yaml", PERSONA_YAML)
    assert formatted(diagnostics) == []
    assert source is not None
    assert (source.path, source.kind, source.id) == (
        "content/personas/dana.yaml",
        "personas",
        "dana",
    )
    assert source.data == {"name": "Dana", "role": "Head"}
    assert source.body_span is None
    assert len(source.digest) == 64


def test_markdown_front_matter_and_body(tmp_path: Path) -> None:
    text = "---\nname: Dana\nrole:   Head\n---\n## A week\n\nText.\n"
    source, diagnostics = read(tmp_path, "content/personas/dana.md", text)
    assert formatted(diagnostics) == []
    assert source is not None
    assert source.data == {"name": "Dana", "role": "Head", "body": "## A week\n\nText.\n"}
    span = source.spans[("role",)]
    assert (span.key_line, span.key_column, span.line, span.column) == (3, 1, 3, 9)
    assert source.text[span.start : span.end] == "Head"
    assert source.body_span is not None
    assert (source.body_span.line, source.body_span.column) == (5, 1)
    assert source.text[source.body_span.start :].startswith("## A week")


def test_empty_front_matter_is_an_empty_mapping(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "content/pages/p.md", "---\n---\nHello\n")
    assert formatted(diagnostics) == []
    assert source is not None and source.data == {"body": "Hello\n"}


def test_a_blank_body_is_not_a_body(tmp_path: Path) -> None:
    source, _ = read(tmp_path, "content/pages/p.md", "---\ntitle: P\n---\n\n  \n")
    assert source is not None and "body" not in source.data


def test_front_matter_may_close_with_dots(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "content/pages/p.md", "---\ntitle: P\n...\nBody\n")
    assert formatted(diagnostics) == []
    assert source is not None and source.data["body"] == "Body\n"


def test_byte_order_mark_is_fine(tmp_path: Path) -> None:
    raw = "\ufeffname: Dana\nrole:  Head\n".encode()
    source, diagnostics = read(tmp_path, "content/personas/dana.yaml", raw)
    assert formatted(diagnostics) == []
    assert source is not None
    assert source.data == {"name": "Dana", "role": "Head"}
    assert (source.spans[("name",)].key_column, source.spans[("role",)].column) == (1, 8)


def test_byte_order_mark_before_front_matter(tmp_path: Path) -> None:
    raw = "\ufeff---\ntitle: P\n---\nBody\n".encode()
    source, diagnostics = read(tmp_path, "content/pages/p.md", raw)
    assert formatted(diagnostics) == []
    assert source is not None and source.data == {"title": "P", "body": "Body\n"}


def test_crlf_line_ends_are_fine_and_positions_hold(tmp_path: Path) -> None:
    raw = b"---\r\ntitle: P\r\norder:  x\r\n---\r\nBody\r\n"
    source, diagnostics = read(tmp_path, "content/pages/p.md", raw)
    assert formatted(diagnostics) == []
    assert source is not None
    assert source.data == {"title": "P", "order": "x", "body": "Body\n"}
    span = source.spans[("order",)]
    assert (span.line, span.column) == (3, 9)
    assert source.text[span.start : span.end] == "x"


def test_invalid_utf8_at_its_line_and_column(tmp_path: Path) -> None:
    raw = b"name: Dana\nrole: caf\xe9\n"
    source, diagnostics = read(tmp_path, "content/personas/dana.yaml", raw)
    assert source is None
    assert [(d.line, d.column, d.code) for d in diagnostics.items] == [(2, 10, "encoding")]
    assert "0xe9" in diagnostics.items[0].message


def test_latin1_file_on_the_first_line(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "content/personas/dana.yaml", b"\xffname: x\n")
    assert source is None
    assert [(d.line, d.column, d.code) for d in diagnostics.items] == [(1, 1, "encoding")]


def test_nul_character_at_its_position(tmp_path: Path) -> None:
    raw = b"name: Dana\nrole: He\x00ad\n"
    source, diagnostics = read(tmp_path, "content/personas/dana.yaml", raw)
    assert source is None
    assert [(d.line, d.column, d.code) for d in diagnostics.items] == [(2, 9, "encoding")]
    assert "NUL" in diagnostics.items[0].message


@pytest.mark.parametrize("text", ["", "\n\n", "   \n"])
def test_empty_files(tmp_path: Path, text: str) -> None:
    source, diagnostics = read(tmp_path, "content/personas/dana.yaml", text)
    assert source is None
    assert [d.code for d in diagnostics.items] == ["file-empty"]


def test_too_large(tmp_path: Path) -> None:
    raw = b"name: x\nsummary: " + b"a" * MAX_FILE_BYTES + b"\n"
    source, diagnostics = read(tmp_path, "content/personas/dana.yaml", raw)
    assert source is None
    assert [d.code for d in diagnostics.items] == ["file-too-large"]


def test_markdown_without_front_matter(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "content/pages/p.md", "# Title\n\nText\n")
    assert source is None
    assert formatted(diagnostics)[0].startswith("content/pages/p.md:1:1: error: ")
    assert [d.code for d in diagnostics.items] == ["front-matter-missing"]


def test_unclosed_front_matter(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "content/pages/p.md", "---\ntitle: P\nBody\n")
    assert source is None
    assert [d.code for d in diagnostics.items] == ["front-matter-unclosed"]


def test_body_given_twice(tmp_path: Path) -> None:
    text = "---\ntitle: P\nbody: here\n---\nand here\n"
    _, diagnostics = read(tmp_path, "content/pages/p.md", text)
    assert [(d.line, d.column, d.code) for d in diagnostics.items] == [(3, 1, "body-twice")]


def test_yaml_problems_in_front_matter_are_at_file_lines(tmp_path: Path) -> None:
    text = "---\ntitle: P\ntitle: Q\ntags: [a, &x b]\n---\nBody\n"
    _, diagnostics = read(tmp_path, "content/pages/p.md", text)
    assert [(d.line, d.column, d.code) for d in diagnostics.sorted()] == [
        (3, 1, "yaml-duplicate-key"),
        (4, 11, "yaml-anchor"),
    ]
    assert "first on line 2" in diagnostics.sorted()[0].message


@pytest.mark.parametrize(
    ("text", "found"),
    [("- a\n- b\n", "a list"), ("just words\n", "the text 'just words'"), ("# c\n", "nothing")],
)
def test_not_a_mapping(tmp_path: Path, text: str, found: str) -> None:
    source, diagnostics = read(tmp_path, "content/personas/dana.yaml", text)
    assert source is None
    (diagnostic,) = diagnostics.items
    assert diagnostic.code == "not-a-mapping"
    assert diagnostic.message.endswith(found)


def test_bad_file_name_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "content/personas/DevOps_Dana.yaml", PERSONA_YAML)
    assert source is not None, "the file is still read, so its other problems show too"
    (diagnostic,) = diagnostics.items
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("bad-id", 1, 1)
    assert "'devops-dana.yaml'" in diagnostic.message


def test_brand_file_name_is_not_an_id(tmp_path: Path) -> None:
    source, diagnostics = read(tmp_path, "content/brand.yaml", "banned: [x]\n", kind="brand")
    assert formatted(diagnostics) == []
    assert source is not None and source.kind == "brand"


def test_position_of_an_offset(tmp_path: Path) -> None:
    source, _ = read(tmp_path, "content/personas/dana.yaml", "name: Dana\nrole: Head\n")
    assert source is not None
    assert source.position(0) == (1, 1)
    assert source.position(11) == (2, 1)
    assert source.position(17) == (2, 7)


def test_span_falls_back_to_the_nearest_ancestor(tmp_path: Path) -> None:
    source, _ = read(tmp_path, "content/personas/dana.yaml", "name: Dana\ngoals:\n  - a\n")
    assert source is not None
    assert source.span(("goals", 5, "x")) == source.spans[("goals",)]
    assert source.span(("nothing",)).line == 1


def project_files(tmp_path: Path, names: list[str]) -> Path:
    for name in names:
        write(tmp_path, name, PERSONA_YAML)
    return tmp_path / "content"


def test_discover_in_sorted_order_and_editor_files_ignored(tmp_path: Path) -> None:
    content = project_files(
        tmp_path,
        [
            "content/personas/b.yaml",
            "content/personas/a.md",
            "content/products/relay.yml",
            "content/brand.yaml",
            "content/personas/b.yaml~",
            "content/personas/.b.yaml.swp",
            "content/personas/b.swp",
            "content/personas/#b.yaml#",
            "content/personas/.hidden.yaml",
            "content/.DS_Store",
            "content/assets/logo.svg",
        ],
    )
    diagnostics = Diagnostics()
    found = discover(content, tmp_path, diagnostics)
    assert [(kind, p.relative_to(content).as_posix()) for kind, p in found] == [
        ("brand", "brand.yaml"),
        ("personas", "personas/a.md"),
        ("personas", "personas/b.yaml"),
        ("products", "products/relay.yml"),
    ]
    assert formatted(diagnostics) == []


def test_unknown_folder_with_did_you_mean(tmp_path: Path) -> None:
    content = project_files(tmp_path, ["content/persona/dana.yaml", "content/notes/x.yaml"])
    diagnostics = Diagnostics()
    assert discover(content, tmp_path, diagnostics) == []
    assert formatted(diagnostics) == [
        "content/notes:1:1: warning: folder 'notes' is not read",
        "content/persona:1:1: warning: folder 'persona' is not read (did you mean 'personas'?)",
    ]
    assert {d.code for d in diagnostics.items} == {"unknown-folder"}


def test_stray_files_are_warnings(tmp_path: Path) -> None:
    content = project_files(
        tmp_path,
        ["content/notes.txt", "content/personas/dana.txt", "content/personas/sub/x.yaml"],
    )
    diagnostics = Diagnostics()
    assert discover(content, tmp_path, diagnostics) == []
    assert [(d.path, d.severity, d.code) for d in diagnostics.sorted()] == [
        ("content/notes.txt", "warning", "unknown-file"),
        ("content/personas/dana.txt", "warning", "unknown-file"),
        ("content/personas/sub", "warning", "unknown-file"),
    ]


def test_missing_content_folder(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    assert discover(tmp_path / "content", tmp_path, diagnostics) == []
    assert [(d.path, d.code) for d in diagnostics.items] == [("content", "content-missing")]


def test_same_id_twice_in_a_folder(tmp_path: Path) -> None:
    content = project_files(tmp_path, ["content/personas/dana.md", "content/personas/dana.yaml"])
    (tmp_path / "content/personas/dana.md").write_text("---\nname: Dana\n---\n")
    diagnostics = Diagnostics()
    sources = read_sources(content, tmp_path, diagnostics)
    assert [s.path for s in sources] == ["content/personas/dana.md"]
    (diagnostic,) = diagnostics.items
    assert (diagnostic.path, diagnostic.code) == ("content/personas/dana.yaml", "duplicate-id")
    assert "content/personas/dana.md" in diagnostic.message


def test_same_id_in_two_kinds_is_fine(tmp_path: Path) -> None:
    content = project_files(
        tmp_path, ["content/personas/relay.yaml", "content/products/relay.yaml"]
    )
    diagnostics = Diagnostics()
    assert len(read_sources(content, tmp_path, diagnostics)) == 2
    assert diagnostics.items == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_to_a_file_outside_the_project_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: secret\n")
    root = tmp_path / "project"
    (root / "content" / "personas").mkdir(parents=True)
    (root / "content" / "personas" / "leak.yaml").symlink_to(secret)
    diagnostics = Diagnostics()
    assert read_sources(root / "content", root, diagnostics) == []
    assert [(d.path, d.code) for d in diagnostics.items] == [
        ("content/personas/leak.yaml", "outside-project")
    ]


def test_a_markdown_body_is_kept_once_and_read_across_the_cut(tmp_path: Path) -> None:
    text = "---\nname: Dana\n---\n## A week\n\nText.\n"
    source, _ = read(tmp_path, "content/personas/dana.md", text)
    assert source is not None
    assert source.text == text and source.size == len(text)
    assert source.tail is source.data["body"]
    cut = text.index("## A week")
    assert source.raw(cut - 4, cut + 4) == text[cut - 4 : cut + 4]
    assert source.raw(0, 3) == "---" and source.raw(cut, len(text)) == source.data["body"]
    assert source.find(("body",), "Text") == (6, 1)


def test_serve_reads_again_only_what_changed_or_was_reported_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = project_files(tmp_path, ["content/personas/a.yaml", "content/personas/b.yaml"])
    path = content / "personas/a.yaml"
    session = SourceMemo(reads={})

    def names() -> list[str]:
        files = read_files(content, tmp_path, Diagnostics(), session.reads)
        return [file.raw.decode().splitlines()[0] for file in files]

    assert names() == ["name: Dana", "name: Dana"]
    path.write_text(PERSONA_YAML.replace("Dana", "Samuel"), encoding="utf-8")
    assert names() == ["name: Samuel", "name: Dana"]
    last = os.lstat(path)
    real_lstat = os.lstat
    monkeypatch.setattr(os, "lstat", lambda name: last if name == str(path) else real_lstat(name))
    path.write_text(PERSONA_YAML.replace("Dana", "Kim Li"), encoding="utf-8")
    assert names()[0] == "name: Samuel"  # the same size and times, as within one clock tick
    session.forget_reads([content / "personas"])
    assert names()[0] == "name: Kim Li"


def test_an_oversized_file_is_refused_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = project_files(tmp_path, ["content/personas/a.yaml"])
    (content / "personas/a.yaml").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    monkeypatch.setattr(Path, "read_bytes", lambda path: pytest.fail(f"{path} was read"))
    diagnostics = Diagnostics()
    assert read_files(content, tmp_path, diagnostics) == []
    assert [d.code for d in diagnostics.items] == ["file-too-large"]
