"""The repository's example project checks clean apart from the warnings it shows on purpose."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT, RunGtm

INTENDED_WARNINGS = {
    ("content/competitors/sirenworks.yaml", "stale"),
    ("content/competitors/sirenworks.yaml", "superlative"),
    ("content/launches/relay-2.md", "overdue-milestone"),
    ("content/launches/relay-slack-app.yaml", "tier-channel"),
    ("content/launches/relay-slack-app.yaml", "brand-term"),
    ("content/messaging/relay.yaml", "stale-claim"),
}


def test_example_checks_with_only_the_intended_warnings(run_gtm: RunGtm) -> None:
    import json

    result = run_gtm("check", "--format", "json", project=ROOT)
    assert result.exit_code == 0, result.output
    diagnostics = json.loads(result.stdout)
    assert {(d["path"], d["code"]) for d in diagnostics} == INTENDED_WARNINGS
    assert all(d["severity"] == "warning" for d in diagnostics)


def test_example_fails_under_strict(run_gtm: RunGtm) -> None:
    result = run_gtm("check", "--strict", project=ROOT)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == "0 errors, 6 warnings"


def test_example_uses_every_field_of_every_kind() -> None:
    from gtm.content.fields import field_shapes
    from gtm.content.kinds import KINDS
    from gtm.content.sources import read_sources
    from gtm.diagnostics import Diagnostics

    sources = read_sources(ROOT / "content", ROOT, Diagnostics())
    used: dict[str, set[tuple[str, ...]]] = {kind: set() for kind in KINDS}
    for source in sources:
        if source.kind in used:
            used[source.kind].update(
                tuple(str(p) for p in path if isinstance(p, str)) for path in source.spans
            )
            if source.body_span is not None:
                used[source.kind].add(("body",))
            if "title" in source.data:
                used[source.kind].add(("name",))

    def missing(model: type, prefix: tuple[str, ...], kind: str) -> list[str]:
        gaps = []
        for shape in field_shapes(model):
            path = (*prefix, shape.name)
            if path not in used[kind]:
                gaps.append(".".join(path))
            elif shape.record is not None:
                gaps.extend(missing(shape.record, path, kind))
        return gaps

    gaps = {name: missing(kind.model, (), name) for name, kind in KINDS.items()}
    common = {"name", "owner", "status", "visibility", "reviewed", "tags", "summary", "body"}
    for kind, fields in gaps.items():
        specific = [f for f in fields if f not in common]
        assert not specific, f"{kind} never uses {specific}"
    for field in common:
        assert any(field not in fields for fields in gaps.values()), f"no artifact uses {field}"


def test_readme_opens_with_the_quick_start_and_the_two_commands() -> None:
    """The first screen: a marketer's install, init and serve, then the two commands that work
    on a fresh machine with only Python and make."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(text.splitlines()[:50])
    blocks = [block.splitlines()[1:] for block in first_screen.split("```")[1::2]]
    commands = [[line.split("#")[0].strip() for line in block if line.strip()] for block in blocks]
    assert commands[0][:3] == ["pipx install gtm-portal", "gtm init my-portal", "cd my-portal"]
    assert "gtm serve" in commands[0]
    assert ["make portal", "make test"] in commands
    makefile = (Path(ROOT) / "Makefile").read_text(encoding="utf-8")
    assert "portal:" in makefile and "test:" in makefile
