"""The ready-to-copy CI workflows stay valid YAML and call gtm only with options it has."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from gtm.cli import main
from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / "deploy").glob("*.yml"))


def commands(node: Any) -> Iterator[str]:
    """Every shell line of a workflow (GitHub `run:` blocks and GitLab `script:` lists)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script"):
                lines = value if isinstance(value, list) else str(value).splitlines()
                yield from (line.strip() for line in lines)
            else:
                yield from commands(value)
    elif isinstance(node, list):
        for value in node:
            yield from commands(value)


def test_both_hosts_have_a_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["github-pages.yml", "gitlab-ci.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_gates_on_strict_check_and_builds(workflow: Path) -> None:
    lines = [c for c in commands(yaml.safe_load(workflow.read_text())) if c.startswith("gtm ")]
    assert "gtm check --strict" in lines
    assert any(line.startswith("gtm build") for line in lines)
    for line in lines:
        name, *args = shlex.split(line.split("#")[0])[1:]
        command = main.commands[name]
        with command.make_context(name, list(args)) as context:
            assert isinstance(context, click.Context)
