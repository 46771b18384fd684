"""`gtm check` is the gate of a pull request: over every case folder, it must report exactly
what `gtm build` reports, at the same file, line and column with the same words, and exit the
same way. Only a problem in a template may first show at build time, and the cases have none."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gtm.cli import main
from tests.cases.test_cases import CASES, CASES_DIR, SUMMARY, prepared


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795435200")
    monkeypatch.setenv("NO_COLOR", "1")


def _run(command: str, root: Path, args: list[str]) -> Result:
    extra = ["--no-pdf"] if command == "build" else []
    return CliRunner().invoke(main, [command, "--project", str(root), *extra, *args])


def _reported(result: Result) -> tuple[list[str], str]:
    """The diagnostic lines, and the summary without what a build adds after it."""
    lines = result.stdout.splitlines()
    if lines and SUMMARY.match(lines[-1].partition(";")[0]):
        return lines[:-1], lines[-1].partition(";")[0]
    return lines, ""


@pytest.mark.parametrize("name", CASES)
def test_check_reports_what_build_reports(name: str, tmp_path: Path) -> None:
    root, args = prepared(name, tmp_path)

    checked = _run("check", root, args)
    built = _run("build", root, args)

    assert built.exception is None or isinstance(built.exception, SystemExit), built.output
    assert _reported(built) == _reported(checked)
    assert built.exit_code == checked.exit_code, built.output
    if checked.exit_code == 2:
        assert built.stderr == checked.stderr


def test_the_cases_cover_every_kind_of_broken_link() -> None:
    """Each way a written link can lead nowhere has a case, so the gate above covers it."""
    expected = "\n".join(
        (CASES_DIR / name / "expected.txt").read_text(encoding="utf-8") for name in CASES
    )
    for words in (
        "a page or file this build does not have",
        "points at a heading",
        "starts at the site root",
        "(did you mean '../assets/logo.svg'?)",
        "link 'gtm:personas/devops-dana#budget'",
    ):
        assert words in expected
