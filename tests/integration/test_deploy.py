"""The ready-to-copy CI workflows stay valid YAML, install gtm as a user does (from PyPI, as
gtm-portal), pin what they run, keep gtm's build cache per branch, and their shell steps really
build the example project (with this checkout's gtm standing in for the one from PyPI)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from gtm.cli import main
from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / "deploy").glob("*.yml"))
GITHUB = ROOT / "deploy" / "github-pages.yml"
GITLAB = ROOT / "deploy" / "gitlab-ci.yml"
INSTALL_GTM = re.compile(r"^pip install gtm-portal(==[\w.]+)?$")
INSTALL_SYSTEM = re.compile(r"^(sudo )?apt-get ")
PANGO = ("libpango-1.0-0", "libpangoft2-1.0-0")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
BUILT = re.compile(r"(\d+) PDFs \((\d+) unchanged\)")


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


def load(workflow: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def github_steps(job: str) -> list[dict[str, Any]]:
    steps = load(GITHUB)["jobs"][job]["steps"]
    assert isinstance(steps, list)
    return steps


def test_both_hosts_have_a_workflow() -> None:
    assert [p.name for p in WORKFLOWS] == ["github-pages.yml", "gitlab-ci.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_gates_on_strict_check_and_builds(workflow: Path) -> None:
    lines = [c for c in commands(load(workflow)) if c.startswith("gtm ")]
    assert "gtm check --strict" in lines
    assert any(line.startswith("gtm build") for line in lines)
    for line in lines:
        name, *args = shlex.split(line.split("#")[0])[1:]
        command = main.commands[name]
        with command.make_context(name, list(args)) as context:
            assert isinstance(context, click.Context)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_installs_gtm_from_pypi_as_a_user_does(workflow: Path) -> None:
    installs = [c for c in commands(load(workflow)) if "pip" in c.split()]
    assert installs, "gtm is installed somewhere"
    assert all(INSTALL_GTM.match(line) for line in installs), installs


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_installs_pango_for_the_pdfs_before_building(workflow: Path) -> None:
    lines = list(commands(load(workflow)))
    system = [i for i, line in enumerate(lines) if INSTALL_SYSTEM.match(line)]
    installed = {word for i in system for word in lines[i].split()}
    assert set(PANGO) <= installed, lines
    builds = [i for i, line in enumerate(lines) if line.startswith("gtm build")]
    assert min(system) < min(builds)


def test_github_actions_are_pinned_to_a_commit_with_its_version() -> None:
    uses = [
        line.split("uses:", 1)[1].strip()
        for line in GITHUB.read_text(encoding="utf-8").splitlines()
        if line.strip().lstrip("- ").startswith("uses:")
    ]
    assert {u.split("@")[0] for u in uses} == {
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    }
    assert [u for u in uses if not PINNED.match(u)] == []


def test_github_jobs_check_out_the_whole_history_and_cache_gtms_build_folder() -> None:
    assert list(load(GITHUB)["jobs"]) == ["check", "build", "deploy"]
    for job in ("check", "build"):
        checkout = github_steps(job)[0]
        assert checkout["uses"].startswith("actions/checkout@")
        assert checkout["with"]["fetch-depth"] == 0
    steps = github_steps("build")
    names = [step["uses"].split("@")[0] if "uses" in step else step["run"] for step in steps]
    assert [name.splitlines()[0] for name in names] == [
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "sudo apt-get update",
        "pip install gtm-portal",
        "gtm build",
        "actions/upload-pages-artifact",
    ]
    cache = steps[2]["with"]
    assert cache["path"] == ".gtm-cache"
    branch = "gtm-${{ github.ref_name }}-"
    assert cache["key"].startswith(branch + "${{ hashFiles('content/**'")
    assert cache["restore-keys"].splitlines() == [branch]
    assert steps[-1]["with"]["path"] == "output"


def test_gitlab_clones_the_whole_history_and_caches_gtms_build_folder_per_branch() -> None:
    config = load(GITLAB)
    assert str(config["variables"]["GIT_DEPTH"]) == "0"
    assert config["pages"]["cache"] == {"key": "$CI_COMMIT_REF_SLUG", "paths": [".gtm-cache/"]}
    assert config["pages"]["artifacts"]["paths"] == ["public"]
    assert config["check"]["script"][-1] == "gtm check --strict"


def run_steps(scripts: list[str], project: Path) -> list[subprocess.CompletedProcess[str]]:
    """Runs shell scripts of a workflow in `project` as the CI runner would (bash, stop at the
    first failure), except for the lines that install: the system libraries are this machine's
    and gtm is this checkout's, on PATH ahead of everything else."""
    gtm_bin = Path(sys.executable).parent
    if not (gtm_bin / "gtm").exists():
        pytest.fail(f"there is no gtm beside {sys.executable} (install it with `make test`)")
    env = {**os.environ, "PATH": f"{gtm_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = []
    for script in scripts:
        lines = [line for line in script.splitlines() if not _installs(line.strip())]
        if not any(line.strip() for line in lines):
            continue
        done.append(
            subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "\n".join(lines)],
                cwd=project,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
        )
        if done[-1].returncode != 0:
            break
    return done


def _installs(line: str) -> bool:
    return bool(INSTALL_SYSTEM.match(line) or INSTALL_GTM.match(line))


def pdfs_built(output: Path) -> list[Path]:
    pdfs = sorted(output.rglob("*.pdf"))
    assert pdfs and all(p.read_bytes().startswith(b"%PDF") for p in pdfs), pdfs
    return pdfs


def test_the_workflows_build_steps_build_the_example_and_gitlab_reuses_githubs_cache(
    example_project: Path, tmp_path: Path
) -> None:
    """GitHub's build job, then GitLab's pages job in another copy that starts from the first
    one's .gtm-cache/, as a CI cache restores it: the PDFs come from the cache."""
    scripts = [step["run"] for step in github_steps("build") if "run" in step]
    ran = run_steps(scripts, example_project)
    assert [r.returncode for r in ran] == [0], [r.stdout + r.stderr for r in ran]
    output = example_project / "output"
    assert (output / "index.html").is_file() and (output / "static/style.css").is_file()
    pdfs = pdfs_built(output)

    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(example_project / "gtm.toml", restored)
    shutil.copytree(example_project / "content", restored / "content")
    shutil.copytree(example_project / ".gtm-cache", restored / ".gtm-cache")
    ran = run_steps(["\n".join(load(GITLAB)["pages"]["script"])], restored)  # one shell
    assert [r.returncode for r in ran] == [0], [r.stdout + r.stderr for r in ran]
    public = restored / "public"
    assert (public / "index.html").is_file() and (public / "static/style.css").is_file()
    assert len(pdfs_built(public)) == len(pdfs)
    summary = BUILT.search(ran[0].stdout + ran[0].stderr)
    assert summary is not None, ran[0].stdout + ran[0].stderr
    assert summary.group(1) == summary.group(2) == str(len(pdfs)), summary.group(0)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_the_workflows_check_gate_stops_warnings_and_passes_a_clean_project(
    workflow: Path, example_project: Path, tmp_path: Path
) -> None:
    config = load(workflow)
    job = config["jobs"]["check"]["steps"] if workflow == GITHUB else config["check"]
    scripts = list(commands(job))
    assert "gtm check --strict" in scripts
    ran = run_steps(scripts, example_project)
    assert ran[-1].returncode == 1, "the example's warnings fail the strict check"
    assert "warning:" in ran[-1].stdout

    clean = tmp_path / "clean"
    made = run_steps(["gtm init clean"], tmp_path)
    assert [r.returncode for r in made] == [0], made[0].stderr
    ran = run_steps(scripts, clean)
    assert [r.returncode for r in ran] == [0], [r.stdout + r.stderr for r in ran]
