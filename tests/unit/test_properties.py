"""Whatever is in a file, reading and validating it only ever produces diagnostics, each at a
real 1-based position; whatever Markdown says, looking for links never fails."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gtm.content.markdown import find_gtm_links
from gtm.content.sources import read_source
from gtm.content.validate import validate_source
from gtm.diagnostics import Diagnostics

KINDS = ["products", "personas", "competitors", "positioning", "messaging", "launches", "pages"]
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

YAML_CHARACTERS = [
    *"ab:- \n\t#&*!?[]{},'\"|>%@`~.\\\r\ufeff0",
    "name: ",
    "goals:",
    "\n  - ",
    "---\n",
    "...\n",
    "&a ",
    "*a",
    "!!str ",
    "? ",
]
yamlish = st.lists(st.sampled_from(YAML_CHARACTERS), max_size=40).map("".join)
texts = st.one_of(st.text(), yamlish)
ROOT = Path(tempfile.mkdtemp(prefix="gtm-properties-"))


def read_and_validate(kind: str, name: str, raw: bytes) -> Diagnostics:
    path = ROOT / "content" / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    diagnostics = Diagnostics()
    source = read_source(kind, path, ROOT, diagnostics)
    if source is not None:
        validate_source(source, diagnostics)
    for diagnostic in diagnostics.items:
        assert diagnostic.line >= 1, diagnostic
        assert diagnostic.column >= 1, diagnostic
        assert diagnostic.severity in ("error", "warning")
        assert diagnostic.message
    return diagnostics


@SETTINGS
@given(
    kind=st.sampled_from([*KINDS, "brand"]),
    suffix=st.sampled_from([".yaml", ".md"]),
    text=texts,
    front_matter=st.booleans(),
    body=st.text(max_size=50),
)
def test_any_text_gives_only_positioned_diagnostics(
    kind: str, suffix: str, text: str, front_matter: bool, body: str
) -> None:
    if front_matter:
        text = f"---\n{text}\n---\n{body}"
    read_and_validate(kind, "file" + suffix, text.encode("utf-8"))


@SETTINGS
@given(
    kind=st.sampled_from(KINDS),
    suffix=st.sampled_from([".yaml", ".md"]),
    raw=st.binary(max_size=200),
    front_matter=st.booleans(),
)
def test_any_bytes_give_only_positioned_diagnostics(
    kind: str, suffix: str, raw: bytes, front_matter: bool
) -> None:
    if front_matter:
        raw = b"---\n" + raw + b"\n---\n" + raw
    read_and_validate(kind, "file" + suffix, raw)


scalars = st.one_of(
    st.sampled_from(["", "x", "1", "2026-02-30", "true", "yes", "~", "1.5", "relay", "TODO"]),
    st.text(max_size=8),
)
FIELDS = [
    "name",
    "title",
    "role",
    "goals",
    "pains",
    "features",
    "id",
    "date",
    "done",
    "milestones",
    "depends_on",
    "tier",
    "order",
    "reviewed",
    "status",
    "body",
    "terms",
    "use",
    "avoid",
    "pillars",
]
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)
    ),
    max_leaves=10,
)


@SETTINGS
@given(
    kind=st.sampled_from([*KINDS, "brand"]),
    suffix=st.sampled_from([".yaml", ".md"]),
    data=st.dictionaries(st.sampled_from(FIELDS), values, max_size=6),
)
def test_any_shape_of_fields_gives_only_positioned_diagnostics(
    kind: str, suffix: str, data: dict[str, object]
) -> None:
    import json

    text = json.dumps(data, ensure_ascii=False)
    if suffix == ".md":
        text = f"---\n{text}\n---\nbody\n"
    read_and_validate(kind, "file" + suffix, text.encode("utf-8"))


MARKDOWN_PIECES = st.sampled_from(
    ["[", "]", "(", ")", "<", ">", "!", "`", "gtm:", "personas/", "x", " ", "\n", "#", "*", "|"]
)


@SETTINGS
@given(st.one_of(st.text(), st.lists(MARKDOWN_PIECES, max_size=40).map("".join)))
def test_any_markdown_gives_a_list_of_gtm_hrefs(text: str) -> None:
    links = find_gtm_links(text)
    assert isinstance(links, tuple)
    assert all(link.startswith("gtm:") for link in links)
