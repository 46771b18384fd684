"""One data-driven case per diagnostic: each folder here is a tiny project (gtm.toml and
content/) with `expected.txt`, the exact lines `gtm check` prints, optionally `args.txt` (extra
flags on one line) and `exit.txt` (the exit code; by default 1 when the summary counts errors,
or warnings under --strict, else 0). The few cases that cannot be stored as files (a file over
1 MiB, symbolic links, editor temp files) are built in the functions at the end."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gtm.cli import main

CASES_DIR = Path(__file__).resolve().parent
CONTROL_FILES = {"expected.txt", "args.txt", "exit.txt"}
SUMMARY = re.compile(r"^(\d+) errors?, (\d+) warnings?$")
EPOCH = "1795435200"  # 2026-11-23 12:00 UTC

CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "expected.txt").is_file())

RELAY = "name: Acme Relay\nstage: growth\n"


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("NO_COLOR", "1")


def check(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--project", str(root), *args])


def expected_exit(lines: list[str], args: list[str]) -> int:
    match = SUMMARY.match(lines[-1]) if lines else None
    assert match, f"expected.txt must end with a summary line or come with exit.txt: {lines}"
    errors, warnings = int(match.group(1)), int(match.group(2))
    return 1 if errors or ("--strict" in args and warnings) else 0


def _copy_case(case: Path, root: Path) -> None:
    def ignore(folder: str, names: list[str]) -> list[str]:
        top = Path(folder) == case
        return [n for n in names if n == "__pycache__" or (top and n in CONTROL_FILES)]

    shutil.copytree(case, root, ignore=ignore, symlinks=True)


def prepared(name: str, tmp_path: Path) -> tuple[Path, list[str]]:
    """The case's project copied into `tmp_path`, and the flags it is checked with."""
    case = CASES_DIR / name
    root = tmp_path / "project"
    _copy_case(case, root)
    args_file = case / "args.txt"
    return root, args_file.read_text(encoding="utf-8").split() if args_file.is_file() else []


@pytest.mark.parametrize("name", CASES)
def test_case(name: str, tmp_path: Path) -> None:
    case = CASES_DIR / name
    root, args = prepared(name, tmp_path)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    exit_file = case / "exit.txt"
    if exit_file.is_file():
        code = int(exit_file.read_text(encoding="utf-8").strip())
    else:
        code = expected_exit(expected, args)

    result = check(root, *args)

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"gtm crashed: {result.exception!r}\n{result.output}"
    )
    assert result.output.splitlines() == expected
    assert result.exit_code == code, result.output
    if code == 2:
        # A project that cannot be configured: its diagnostics and the reason go to stderr.
        assert result.stdout == ""
    else:
        # Text diagnostics and the summary go to stdout.
        assert result.stderr == ""


def test_every_case_has_a_tiny_project() -> None:
    assert len(CASES) >= 60
    for name in CASES:
        assert (CASES_DIR / name / "gtm.toml").is_file(), name


def _project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "project"
    for rel, content in {"gtm.toml": "", "content/products/relay.yaml": RELAY, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def test_file_too_large(tmp_path: Path) -> None:
    size = 1024 * 1024 + 1
    text = RELAY + "summary: " + "x" * (size - len(RELAY) - len("summary: \n")) + "\n"
    assert len(text.encode()) == size
    root = _project(tmp_path, {"content/products/beacon.yaml": text})
    result = check(root)
    assert result.output.splitlines() == [
        "content/products/beacon.yaml:1:1: error: is 1,048,577 bytes; "
        "a content file may be at most 1 MiB",
        "1 error, 0 warnings",
    ]
    assert result.exit_code == 1


def test_file_of_exactly_one_mebibyte_is_read(tmp_path: Path) -> None:
    size = 1024 * 1024
    text = RELAY + "summary: " + "x" * (size - len(RELAY) - len("summary: \n")) + "\n"
    root = _project(tmp_path, {"content/products/beacon.yaml": text})
    result = check(root)
    assert result.output.splitlines() == ["0 errors, 0 warnings"]
    assert result.exit_code == 0


def test_outside_project_file_link(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "secret.yaml"
    outside.parent.mkdir()
    outside.write_text("name: Secret\nstage: growth\n", encoding="utf-8")
    root = _project(tmp_path, {})
    (root / "content/products/secret.yaml").symlink_to(outside)
    result = check(root)
    assert result.output.splitlines() == [
        "content/products/secret.yaml:1:1: error: is a link to a file outside the project: "
        "not read",
        "1 error, 0 warnings",
    ]
    assert result.exit_code == 1


def test_outside_project_folder_link(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "devops-dana.yaml").write_text(
        "name: DevOps Dana\nrole: DevOps lead\nbuying_role: champion\n"
        "goals: [Fewer pages]\npains: [Alert noise]\n",
        encoding="utf-8",
    )
    root = _project(tmp_path, {})
    (root / "content/personas").symlink_to(outside, target_is_directory=True)
    result = check(root)
    assert result.output.splitlines() == [
        "content/personas/devops-dana.yaml:1:1: error: is a link to a file outside the project: "
        "not read",
        "1 error, 0 warnings",
    ]
    assert result.exit_code == 1


def test_link_inside_the_project_is_read(tmp_path: Path) -> None:
    root = _project(tmp_path, {"shared/beacon.yaml": "name: Acme Beacon\nstage: grwth\n"})
    (root / "content/products/beacon.yaml").symlink_to(root / "shared/beacon.yaml")
    result = check(root)
    assert result.output.splitlines() == [
        "content/products/beacon.yaml:2:8: error: stage 'grwth' is not one of: introduction, "
        "growth, maturity, decline (did you mean 'growth'?)",
        "1 error, 0 warnings",
    ]


def test_editor_temp_and_hidden_files_are_skipped(tmp_path: Path) -> None:
    broken = "name: [broken\n"
    root = _project(
        tmp_path,
        {
            "content/products/.relay.yaml.swp": b"\x00\x01binary",
            "content/products/relay.yaml~": broken,
            "content/products/#relay.yaml#": broken,
            "content/products/.hidden.yaml": broken,
            "content/.DS_Store": b"\x00junk",
        },
    )
    result = check(root)
    assert result.output.splitlines() == ["0 errors, 0 warnings"]
    assert result.exit_code == 0


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, {"content/products/beacon.yaml": "name: Acme Beacon\n"})
    unreadable = root / "content/products/beacon.yaml"
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path == unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = check(root)
    assert result.output.splitlines() == [
        "content/products/beacon.yaml:1:1: error: cannot be read: Permission denied",
        "1 error, 0 warnings",
    ]
    assert result.exit_code == 1
