"""Nothing a project holds reaches the terminal raw: file names and YAML keys with escape
sequences (which clear the screen, set the title or write the clipboard), line breaks (which split
a diagnostic and can fake a GitHub Actions `::error` line), bidi overrides and bytes that are not
UTF-8 are printed escaped, one diagnostic per line. Real files, real subprocesses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gtm.console import report
from gtm.diagnostics import Diagnostic
from tests.conftest import EXAMPLE_EPOCH, MakeProject

RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Any control character but the line feed that ends each line."""
CLIPBOARD = "a\x1b]52;c;ZWNobyBwd25lZA==\x07"
FAKE_ANNOTATION = "b\n::error file=README.md::fake"
BIDI = "c\u202eevil"
NOT_UTF8 = b"d\xff"


def hostile_project(make_project: MakeProject) -> Path:
    root = make_project(
        {
            "content/products/relay.yaml": (
                'name: Acme Relay\nstage: growth\n"pa\\e]0;pwned\\ains\\e[2J": 1\n'
            )
        }
    )
    products = root / "content/products"
    for name in (CLIPBOARD, FAKE_ANNOTATION, BIDI):
        (products / f"{name}.yaml").write_text("name: X\nstage: growth\n", encoding="utf-8")
    with open(os.path.join(os.fsencode(products), NOT_UTF8 + b".yaml"), "wb") as stream:
        stream.write(b"name: Y\nstage: growth\n")
    return root


def gtm(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """gtm as a user runs it, writing UTF-8 strictly (as in a UTF-8 locale), as bytes."""
    env = {
        **os.environ,
        "PYTHONIOENCODING": "utf-8",
        "SOURCE_DATE_EPOCH": EXAMPLE_EPOCH,
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "gtm", *args], capture_output=True, env=env, cwd=cwd, timeout=120
    )


def test_check_prints_one_escaped_line_per_diagnostic(make_project: MakeProject) -> None:
    root = hostile_project(make_project)
    done = gtm("check", "--project", str(root))
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    assert done.returncode == 1
    lines = done.stdout.decode("utf-8").split("\n")
    assert lines[-1] == ""  # the output ends with a line break
    assert [RAW.findall(line) for line in lines] == [[]] * len(lines)
    assert not any(line.startswith("::") for line in lines)
    assert lines[:-1] == [
        "content/products/a\\x1b]52;c;ZWNobyBwd25lZA==\\x07.yaml:1:1: error: "
        "'a\\x1b]52;c;ZWNobyBwd25lZA==\\x07.yaml' is not a valid file name: use lower-case "
        "letters, digits and '-' (like 'a-52-c-zwnobybwd25lza.yaml')",
        "content/products/b\\n::error file=README.md::fake.yaml:1:1: error: "
        "'b\\n::error file=README.md::fake.yaml' is not a valid file name: use lower-case "
        "letters, digits and '-' (like 'b-error-file-readme-md-fake.yaml')",
        "content/products/c\\u202eevil.yaml:1:1: error: 'c\\u202eevil.yaml' is not a valid file "
        "name: use lower-case letters, digits and '-' (like 'c-evil.yaml')",
        "content/products/d\\udcff.yaml:1:1: error: 'd\\udcff.yaml' is not a valid file name: "
        "use lower-case letters, digits and '-' (like 'd.yaml')",
        "content/products/relay.yaml:3:1: error: unknown field 'pa\\x1b]0;pwned\\x07ins\\x1b[2J'",
        "5 errors, 0 warnings",
    ]


def test_json_output_is_escaped_json(make_project: MakeProject) -> None:
    root = hostile_project(make_project)
    done = gtm("check", "--format", "json", "--project", str(root))
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    text = done.stdout.decode("utf-8")
    assert not RAW.search(text)
    assert b"\x1b" not in done.stdout and b"\x1b" not in done.stderr


def test_the_serve_report_goes_through_the_same_escaping(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`gtm serve` shows every rebuild's problems with `report`, as check and build do."""
    problem = Diagnostic(f"content/{FAKE_ANNOTATION}.yaml", 1, 1, "error", "bad-id", CLIPBOARD)
    report([problem], "text", quiet=False, extra=f"; output into {BIDI}/")
    out = capsys.readouterr().out
    assert out == (
        "content/b\\n::error file=README.md::fake.yaml:1:1: error: "
        "a\\x1b]52;c;ZWNobyBwd25lZA==\\x07\n"
        "1 error, 0 warnings; output into c\\u202eevil/\n"
    )


def test_lines_that_quote_a_folder_name_are_escaped(tmp_path: Path) -> None:
    missing = tmp_path / f"no{CLIPBOARD}"
    done = gtm("check", "--project", str(missing))
    assert done.returncode == 2
    assert b"\x1b" not in done.stderr and b"\x07" not in done.stderr
    assert b"\\x1b]52;c;ZWNobyBwd25lZA==\\x07' is not a folder" in done.stderr
    target = f"new{FAKE_ANNOTATION}"
    done = gtm("init", target, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / target / "gtm.toml").is_file()
    lines = done.stdout.decode("utf-8").splitlines()
    assert [line for line in lines if line.startswith("::")] == []
    assert lines[0].endswith("files in newb\\n::error file=README.md::fake")
    done = gtm("schema", f"schemas{BIDI}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8").splitlines()[0].endswith("to schemas" + "c\\u202eevil")
