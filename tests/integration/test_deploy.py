"""The ready-to-copy CI workflows stay valid YAML, install gtm as a user does (from PyPI, as
gtm-portal), pin what they run, keep gtm's build cache per branch outside the checkout, and their
shell steps really build the example project (with this checkout's gtm standing in for the one
from PyPI), restore the cache as the CI host does and take the PDFs from it."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from string import Template
from typing import Any

import click
import pytest
import yaml

from gtm.cli import main
from gtm.content.project import open_project
from tests.conftest import ROOT, require_program

WORKFLOWS = sorted((ROOT / "deploy").glob("*.yml"))
GITHUB = ROOT / "deploy" / "github-pages.yml"
GITLAB = ROOT / "deploy" / "gitlab-ci.yml"
INSTALL_GTM = re.compile(r"^pip install gtm-portal(==[\w.]+)?$")
INSTALL_SYSTEM = re.compile(r"^(sudo )?apt-get ")
PANGO = ("libpango-1.0-0", "libpangoft2-1.0-0")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
BUILT = re.compile(r"(\d+) PDFs \((\d+) unchanged\)")
RUNNER_TEMP = "${{ runner.temp }}"


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
    assert cache["path"] == f"{RUNNER_TEMP}/gtm-cache", "outside the checkout"
    assert steps[5]["env"] == {"GTM_CACHE_DIR": cache["path"]}
    branch = "gtm-${{ github.ref_name }}-"
    assert cache["key"].startswith(branch + "${{ hashFiles('content/**'")
    assert cache["restore-keys"].splitlines() == [branch]
    assert steps[-1]["with"]["path"] == "output"


def test_gitlab_clones_the_whole_history_and_caches_gtms_build_folder_per_branch() -> None:
    config = load(GITLAB)
    assert str(config["variables"]["GIT_DEPTH"]) == "0"
    assert config["pages"]["cache"] == {"key": "$CI_COMMIT_REF_SLUG", "paths": [".gtm-cache/"]}
    assert config["pages"]["variables"] == {"GTM_CACHE_DIR": "${CI_PROJECT_DIR}.gtm-cache"}
    assert config["pages"]["artifacts"]["paths"] == ["public"]
    assert config["check"]["script"][-1] == "gtm check --strict"
    script = config["pages"]["script"]
    checked = script.index('tracked="$(git ls-files -- .gtm-cache)"')
    moved_out = next(i for i, line in enumerate(script) if "mv .gtm-cache" in line)
    assert checked < moved_out < script.index("gtm build")
    assert script[script.index("gtm build") + 1] == 'mv "$GTM_CACHE_DIR" .gtm-cache'


def run_steps(
    scripts: list[str], project: Path, variables: dict[str, str] | None = None
) -> list[subprocess.CompletedProcess[str]]:
    """Runs shell scripts of a workflow in `project` as the CI runner would (bash, stop at the
    first failure), with the workflow's `variables`, except for the lines that install: the
    system libraries are this machine's and gtm is this checkout's, on PATH ahead of everything
    else."""
    gtm_bin = Path(sys.executable).parent
    if not (gtm_bin / "gtm").exists():
        pytest.fail(f"there is no gtm beside {sys.executable} (install it with `make test`)")
    env = {**os.environ, "PATH": f"{gtm_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update(variables or {})
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


def unchanged_pdfs(ran: list[subprocess.CompletedProcess[str]]) -> tuple[int, int]:
    """How many PDFs the last step's `gtm build` made, and how many of them came from the cache."""
    summary = BUILT.search(ran[-1].stdout + ran[-1].stderr)
    assert summary is not None, ran[-1].stdout + ran[-1].stderr
    return int(summary.group(1)), int(summary.group(2))


def github_build_job(project: Path, runner_temp: Path) -> list[subprocess.CompletedProcess[str]]:
    """The shell steps of GitHub's build job, with their environment as GitHub fills it in."""
    steps = [step for step in github_steps("build") if "run" in step]
    variables = {
        name: value.replace(RUNNER_TEMP, str(runner_temp))
        for step in steps
        for name, value in step.get("env", {}).items()
    }
    return run_steps([step["run"] for step in steps], project, variables)


def test_githubs_build_job_builds_the_example_and_takes_the_pdfs_from_its_restored_cache(
    example_project: Path, tmp_path: Path
) -> None:
    """Two runs of the build job, as GitHub makes them: each in a fresh checkout at the same
    path, the second with the first one's cache restored by actions/cache into a new runner's
    temporary folder. Nothing but output/ is written into the checkout."""
    first_temp, second_temp = tmp_path / "runner-1", tmp_path / "runner-2"
    ran = github_build_job(example_project, first_temp)
    assert [r.returncode for r in ran] == [0], [r.stdout + r.stderr for r in ran]
    output = example_project / "output"
    assert (output / "index.html").is_file() and (output / "static/style.css").is_file()
    pdfs = pdfs_built(output)
    assert unchanged_pdfs(ran) == (len(pdfs), 0)
    assert sorted(p.name for p in example_project.iterdir()) == ["content", "gtm.toml", "output"]
    cache = first_temp / "gtm-cache" / open_project(example_project).cache_dir.name
    assert len(list((cache / "pdf").glob("*.pdf"))) == len(pdfs)

    shutil.rmtree(output)  # a new checkout, at the same path
    shutil.copytree(first_temp / "gtm-cache", second_temp / "gtm-cache")  # actions/cache
    shutil.rmtree(first_temp)
    ran = github_build_job(example_project, second_temp)
    assert [r.returncode for r in ran] == [0], [r.stdout + r.stderr for r in ran]
    assert unchanged_pdfs(ran) == (len(pdfs), len(pdfs))
    assert len(pdfs_built(output)) == len(pdfs)


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)


def gitlab_pages_job(project: Path, stored: Path) -> list[subprocess.CompletedProcess[str]]:
    """One pages job as GitLab runs it: a clean checkout (`git clean -ffdx`), the branch's
    cache restored from `stored` into .gtm-cache/, the script in one shell with the job's
    variables, and, when it succeeds, .gtm-cache/ saved back to `stored`."""
    git(project, "clean", "-ffdxq")
    if stored.exists():
        shutil.copytree(stored, project / ".gtm-cache")
    job = load(GITLAB)["pages"]
    variables = {"CI_PROJECT_DIR": str(project)}
    variables |= {k: Template(v).substitute(variables) for k, v in job["variables"].items()}
    ran = run_steps(["\n".join(job["script"])], project, variables)  # one shell
    if ran and ran[-1].returncode == 0:
        shutil.rmtree(stored, ignore_errors=True)
        shutil.copytree(project / ".gtm-cache", stored)
    return ran


@pytest.fixture
def gitlab_checkout(example_project: Path) -> Path:
    """The example as a GitLab checkout: a repository that holds its files."""
    require_program("git")
    git(example_project, "init", "-q")
    git(example_project, "add", "gtm.toml", "content")
    return example_project


def test_gitlabs_pages_job_builds_the_example_and_takes_the_pdfs_from_its_restored_cache(
    gitlab_checkout: Path, tmp_path: Path
) -> None:
    stored = tmp_path / "gitlab-cache-of-main"
    ran = gitlab_pages_job(gitlab_checkout, stored)
    assert [r.returncode for r in ran] == [0], [r.stdout + r.stderr for r in ran]
    public = gitlab_checkout / "public"
    assert (public / "index.html").is_file() and (public / "static/style.css").is_file()
    pdfs = pdfs_built(public)
    assert unchanged_pdfs(ran) == (len(pdfs), 0)
    [folder] = stored.iterdir()
    assert folder.name == open_project(gitlab_checkout).cache_dir.name
    assert len(list((folder / "pdf").glob("*.pdf"))) == len(pdfs)
    assert not Path(f"{gitlab_checkout}.gtm-cache").exists(), "moved back for GitLab to save"

    ran = gitlab_pages_job(gitlab_checkout, stored)
    assert [r.returncode for r in ran] == [0], [r.stdout + r.stderr for r in ran]
    assert unchanged_pdfs(ran) == (len(pdfs), len(pdfs))
    assert len(pdfs_built(public)) == len(pdfs)


def test_gitlabs_pages_job_stops_when_the_repository_holds_its_cache_folder(
    gitlab_checkout: Path, tmp_path: Path
) -> None:
    """GitLab caches only folders inside the checkout, so the job must know that everything in
    .gtm-cache/ came from GitLab's cache, not from a commit."""
    planted = gitlab_checkout / ".gtm-cache" / "example-0123456789ab" / "pdf" / "x.pdf"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"%PDF-1.4 planted")
    git(gitlab_checkout, "add", "-f", ".gtm-cache")
    ran = gitlab_pages_job(gitlab_checkout, tmp_path / "gitlab-cache-of-main")
    assert ran[-1].returncode == 1
    assert "the repository holds files in .gtm-cache/" in ran[-1].stderr
    assert not (gitlab_checkout / "output").exists(), "gtm never ran"
    assert not Path(f"{gitlab_checkout}.gtm-cache").exists()


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
