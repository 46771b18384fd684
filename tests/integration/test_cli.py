"""The `gtm` command end to end: exit codes, output formats, and the commands that write."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gtm.console import ProgressLine
from tests.conftest import ROOT, MakeProject, RunGtm

PERSONA = """\
name: DevOps Dana
role: Head of Platform
buying_role: champion
goals: [fewer pages]
pains: [alert storms]
"""

THREE_MISTAKES = {
    "content/products/beacon.yaml": "name: Beacon\nstage: growht\n",
    "content/personas/dana.yaml": PERSONA + "paint: [x]\n",
    "content/personas/sam.yaml": PERSONA,
    "content/positioning/relay.yaml": (
        "name: P\nproduct: rellay\ntarget: [sam]\nneed: n\nkey_benefit: k\ndifferentiators: [d]\n"
    ),
}


def subprocess_env(**extra: str) -> dict[str, str]:
    """`python -m gtm` from this checkout, whether or not gtm is installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def run_module(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gtm", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=subprocess_env(**env),
        timeout=60,
        check=False,
    )


def test_clean_project_exits_0(run_gtm: RunGtm, make_project: MakeProject) -> None:
    result = run_gtm("check", project=make_project({"content/personas/dana.yaml": PERSONA}))
    assert result.exit_code == 0
    assert result.stdout == "0 errors, 0 warnings\n"


def test_warnings_alone_exit_0_and_strict_makes_them_fail(
    run_gtm: RunGtm, make_project: MakeProject
) -> None:
    root = make_project({"content/personas/dana.yaml": PERSONA + "reviewed: 2026-01-01\n"})
    result = run_gtm("check", project=root)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "0 errors, 1 warning"
    strict = run_gtm("check", "--strict", project=root)
    assert strict.exit_code == 1
    assert strict.stdout == result.stdout


def test_content_error_exits_1(run_gtm: RunGtm, make_project: MakeProject) -> None:
    root = make_project({"content/personas/dana.yaml": PERSONA + "paint: [x]\n"})
    result = run_gtm("check", project=root)
    assert result.exit_code == 1
    assert result.stdout == (
        "content/personas/dana.yaml:6:1: error: unknown field 'paint' (did you mean 'pains'?)\n"
        "1 error, 0 warnings\n"
    )


def test_three_mistakes_in_three_files_in_one_run_sorted(
    run_gtm: RunGtm, make_project: MakeProject
) -> None:
    result = run_gtm("check", project=make_project(THREE_MISTAKES))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "content/personas/dana.yaml:6:1: error: unknown field 'paint' (did you mean 'pains'?)",
        "content/positioning/relay.yaml:2:10: error: product 'rellay' does not exist "
        "(did you mean 'relay'?)",
        "content/products/beacon.yaml:2:8: error: stage 'growht' is not one of: introduction, "
        "growth, maturity, decline (did you mean 'growth'?)",
        "3 errors, 0 warnings",
    ]


def test_no_gtm_toml_exits_2(run_gtm: RunGtm, tmp_path: Path) -> None:
    result = run_gtm("check", project=tmp_path)
    assert result.exit_code == 2
    assert "gtm.toml" in result.stderr
    assert result.stdout == ""


def test_no_gtm_toml_from_the_current_folder_exits_2(tmp_path: Path) -> None:
    result = run_module("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "no gtm.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_project_folder_exits_2(run_gtm: RunGtm, tmp_path: Path) -> None:
    assert run_gtm("check", project=tmp_path / "missing").exit_code == 2


def test_bad_gtm_toml_exits_2_with_its_diagnostics(
    run_gtm: RunGtm, make_project: MakeProject
) -> None:
    root = make_project({"gtm.toml": '[site]\ntitel = "x"\n[build]\nfreshness_days = 0\n'})
    result = run_gtm("check", project=root)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "gtm.toml:2:1: error: unknown key 'site.titel' in [site] (did you mean 'title'?)",
        "gtm.toml:4:18: error: 'build.freshness_days' should be greater than or equal to 1",
    ]


def test_toml_syntax_error_exits_2(run_gtm: RunGtm, make_project: MakeProject) -> None:
    result = run_gtm("check", project=make_project({"gtm.toml": "[site\n"}))
    assert result.exit_code == 2
    assert result.stderr.startswith("gtm.toml:1:")


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--bogus"),
        ("check", "--format", "xml"),
        ("check", "--audience", "everyone"),
        ("build", "--jobs", "0"),
        ("frobnicate",),
        ("new", "persona"),
    ],
)
def test_bad_usage_exits_2(run_gtm: RunGtm, make_project: MakeProject, args: tuple[str]) -> None:
    assert run_gtm(*args, project=make_project({})).exit_code == 2


def test_invalid_source_date_epoch_exits_2(
    run_gtm: RunGtm, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run_gtm("check", project=make_project({}))
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr


def test_json_format(run_gtm: RunGtm, make_project: MakeProject) -> None:
    result = run_gtm("check", "--format", "json", project=make_project(THREE_MISTAKES))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [set(d) for d in data] == [{"path", "line", "column", "severity", "code", "message"}] * 3
    assert [(d["path"], d["line"], d["column"], d["code"]) for d in data] == [
        ("content/personas/dana.yaml", 6, 1, "unknown-field"),
        ("content/positioning/relay.yaml", 2, 10, "unknown-reference"),
        ("content/products/beacon.yaml", 2, 8, "invalid-choice"),
    ]
    assert all(d["severity"] == "error" for d in data)
    assert result.stderr.strip() == "3 errors, 0 warnings"


def test_json_of_a_clean_project_is_an_empty_list(
    run_gtm: RunGtm, make_project: MakeProject
) -> None:
    result = run_gtm("check", "--format", "json", "--quiet", project=make_project({}))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert result.stderr == ""


def test_quiet_omits_the_summary(run_gtm: RunGtm, make_project: MakeProject) -> None:
    clean = run_gtm("check", "--quiet", project=make_project({}))
    assert (clean.exit_code, clean.stdout) == (0, "")
    root = make_project({"content/personas/dana.yaml": PERSONA + "paint: [x]\n"})
    broken = run_gtm("check", "-q", project=root)
    assert broken.exit_code == 1
    assert broken.stdout.splitlines() == [
        "content/personas/dana.yaml:6:1: error: unknown field 'paint' (did you mean 'pains'?)"
    ]


def test_verbose_adds_counts_to_the_summary(run_gtm: RunGtm, make_project: MakeProject) -> None:
    result = run_gtm("check", "--verbose", project=make_project({}))
    assert result.stdout.startswith("0 errors, 0 warnings (1 files, ")


def test_drafts_and_audience_flags(run_gtm: RunGtm, make_project: MakeProject) -> None:
    root = make_project(
        {
            "content/personas/dana.yaml": PERSONA + "visibility: public\n",
            "content/positioning/relay.yaml": (
                "name: P\nvisibility: public\nproduct: relay\ntarget: [dana]\nneed: n\n"
                "key_benefit: k\ndifferentiators: [d]\n"
            ),
        }
    )
    assert run_gtm("check", "--strict", project=root).exit_code == 0
    public = run_gtm("check", "--audience", "public", project=root)
    assert public.exit_code == 0
    assert "warning: product 'relay' is internal" in public.stdout


def test_no_colour_codes_with_no_color(run_gtm: RunGtm, make_project: MakeProject) -> None:
    result = run_gtm("check", project=make_project(THREE_MISTAKES))
    assert "\x1b[" not in result.output


def tty_output(args: list[str], env: dict[str, str]) -> str:
    """Runs `python -m gtm` with stdout on a pseudo-terminal and returns what it printed."""
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "gtm", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
            check=False,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert process.returncode == 1
    return b"".join(chunks).decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_only_without_no_color(make_project: MakeProject) -> None:
    root = make_project(THREE_MISTAKES)
    args = ["check", "--project", str(root)]
    env = subprocess_env()
    env.pop("NO_COLOR", None)
    assert "\x1b[" in tty_output(args, env)
    env["NO_COLOR"] = "1"
    plain = tty_output(args, env)
    assert "\x1b[" not in plain
    assert "content/personas/dana.yaml:6:1: error: unknown field 'paint'" in plain


def test_python_m_gtm_help_works_without_the_console_script() -> None:
    result = run_module("--help")
    assert result.returncode == 0
    for command in ("check", "build", "init", "new", "schema", "brand"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["check", "build", "serve", "init", "new", "schema", "brand"])
def test_help_on_every_command(run_gtm: RunGtm, command: str) -> None:
    result = run_gtm(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_python_m_gtm_check_on_a_project(make_project: MakeProject) -> None:
    root = make_project(THREE_MISTAKES)
    result = run_module("check", "--format", "json", cwd=root / "content" / "personas")
    assert result.returncode == 1
    assert len(json.loads(result.stdout)) == 3


def test_init_then_check_exits_0(run_gtm: RunGtm, tmp_path: Path) -> None:
    target = tmp_path / "new-project"
    created = run_gtm("init", str(target))
    assert created.exit_code == 0, created.output
    assert (target / "gtm.toml").is_file()
    result = run_gtm("check", "--strict", project=target)
    assert result.exit_code == 0, result.output
    assert result.stdout == "0 errors, 0 warnings\n"


def test_init_refuses_an_existing_project(run_gtm: RunGtm, tmp_path: Path) -> None:
    assert run_gtm("init", str(tmp_path)).exit_code == 0
    (tmp_path / "gtm.toml").write_text("# changed\n")
    again = run_gtm("init", str(tmp_path))
    assert again.exit_code == 2
    assert (tmp_path / "gtm.toml").read_text() == "# changed\n"


def test_init_in_the_current_folder(tmp_path: Path) -> None:
    result = run_module("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "gtm.toml").is_file()


def test_new_persona(run_gtm: RunGtm, make_project: MakeProject) -> None:
    root = make_project({})
    result = run_gtm("new", "persona", "x", project=root)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "created content/personas/x.yaml"
    assert (root / "content" / "personas" / "x.yaml").is_file()
    check = run_gtm("check", project=root)
    assert check.exit_code == 0
    assert "error" not in check.stdout.replace("0 errors", "")


def test_new_from_inside_the_project(make_project: MakeProject) -> None:
    root = make_project({})
    (root / "content" / "pages").mkdir(parents=True)
    result = run_module("new", "page", "guide", cwd=root / "content" / "pages")
    assert result.returncode == 0, result.stderr
    assert (root / "content" / "pages" / "guide.md").is_file()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("new", "persona", "Bad_Id"), "not a valid id"),
        (("new", "widget", "x"), "unknown kind"),
        (("new", "product", "relay"), "already exists"),
    ],
)
def test_new_refusals_exit_2(
    run_gtm: RunGtm, make_project: MakeProject, args: tuple[str, ...], words: str
) -> None:
    root = make_project({})
    result = run_gtm(*args, project=root)
    assert result.exit_code == 2
    assert words in result.stderr
    assert (root / "content" / "products" / "relay.yaml").read_text().startswith("name: Acme")


def test_build_on_a_broken_project_exits_1_and_writes_nothing(
    run_gtm: RunGtm, make_project: MakeProject
) -> None:
    root = make_project(THREE_MISTAKES)
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 1
    assert "3 errors, 0 warnings" in result.stdout
    assert not (root / "output").exists() or not any((root / "output").iterdir())
    assert not any(p.name.startswith(".output") for p in root.iterdir())


def test_build_on_a_broken_project_leaves_the_old_output(
    run_gtm: RunGtm, make_project: MakeProject
) -> None:
    root = make_project(THREE_MISTAKES)
    old = root / "output" / "index.html"
    old.parent.mkdir()
    old.write_text("the previous site")
    result = run_gtm("build", project=root)
    assert result.exit_code == 1
    assert [p.name for p in (root / "output").iterdir()] == ["index.html"]
    assert old.read_text() == "the previous site"


def test_build_strict_with_warnings_exits_1(run_gtm: RunGtm, make_project: MakeProject) -> None:
    root = make_project({"content/personas/dana.yaml": PERSONA + "reviewed: 2026-01-01\n"})
    result = run_gtm("build", "--strict", "--no-pdf", project=root)
    assert result.exit_code == 1
    assert not (root / "output").exists() or not any((root / "output").iterdir())


def test_schema_into_the_project(run_gtm: RunGtm, make_project: MakeProject) -> None:
    root = make_project({})
    result = run_gtm("schema", project=root)
    assert result.exit_code == 0
    assert (root / "schemas" / "personas.schema.json").is_file()
    assert (root / "schemas" / "gtm.toml.schema.json").is_file()
    written = run_gtm("new", "persona", "x", project=root)
    assert written.exit_code == 0
    first = (root / "content" / "personas" / "x.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/personas.schema.json"


def test_version(run_gtm: RunGtm) -> None:
    result = run_gtm("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("gtm")


def test_build_ends_with_a_summary_of_what_it_wrote(
    run_gtm: RunGtm, make_project: MakeProject
) -> None:
    result = run_gtm("build", "--no-pdf", project=make_project({}))
    assert result.exit_code == 0
    last = result.stdout.splitlines()[-1]
    assert re.fullmatch(
        r"0 errors, 0 warnings; built \d+ pages, \d+ files into output/ in \d+\.\d\d s", last
    )


def test_quiet_build_prints_only_problems(run_gtm: RunGtm, make_project: MakeProject) -> None:
    root = make_project({"content/personas/dana.yaml": PERSONA + "reviewed: 2026-01-01\n"})
    result = run_gtm("build", "--no-pdf", "--quiet", project=root)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "content/personas/dana.yaml:6:11: warning: last reviewed 326 days ago (limit 90): "
        "review it and update 'reviewed'"
    ]
    assert result.stderr == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("enabled", "shown"), [(True, True), (False, False)])
def test_progress_bar_on_a_terminal_unless_quiet(
    monkeypatch: pytest.MonkeyPatch, enabled: bool, shown: bool
) -> None:
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(ProgressLine, "DELAY", 0.0)
    progress = ProgressLine(enabled)
    for done in range(1, 41):
        progress("pages", done, 40)
    progress.close()
    text = stream.getvalue()
    assert ("[########################] 40/40 pages" in text) is shown
    assert text.endswith("\r\x1b[K") is shown


def test_no_progress_bar_when_stderr_is_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.setattr(ProgressLine, "DELAY", 0.0)
    progress = ProgressLine(enabled=True)
    progress("pages", 1, 1)
    progress.close()
    assert stream.getvalue() == ""
