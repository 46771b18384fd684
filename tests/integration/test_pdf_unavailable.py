"""A computer without Pango, as a first run on macOS or Windows usually is: `gtm build` says so in
one line and exits 2 without touching the output folder, `--no-pdf` builds, and `gtm serve`
serves the portal without PDFs. A `sitecustomize` shim makes every load of a Pango library
fail, through ctypes and through cffi (which WeasyPrint uses), in gtm and in its workers."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gtm.content.project import open_project
from gtm.dev.session import DevSession, Flags
from gtm.render.pdflibs import PdfLibraries, PdfUnavailable, install_hint
from tests.conftest import ROOT, MakeProject
from tests.integration.test_serve import wait_for

NO_PANGO = '''
"""This Python cannot load Pango: every load of a library named *pango* fails as it does on a
computer without it."""
import ctypes
import ctypes.util

import cffi.api


def _is_pango(name):
    return name is not None and "pango" in str(name).lower()


_load_backend_lib = cffi.api._load_backend_lib


def _cffi_load(backend, name, flags):
    if _is_pango(name):
        raise OSError(
            f"cannot load library '{name}': {name}: cannot open shared object file: "
            "No such file or directory"
        )
    return _load_backend_lib(backend, name, flags)


cffi.api._load_backend_lib = _cffi_load
_cdll_init = ctypes.CDLL.__init__


def _ctypes_load(self, name, *args, **kwargs):
    if _is_pango(name):
        raise OSError(f"{name}: cannot open shared object file: No such file or directory")
    _cdll_init(self, name, *args, **kwargs)


ctypes.CDLL.__init__ = _ctypes_load
_find_library = ctypes.util.find_library
ctypes.util.find_library = lambda name: None if _is_pango(name) else _find_library(name)
'''

PERSONA = "name: Dana\nrole: Head of Platform\nbuying_role: champion\ngoals: [g]\npains: [p]\n"
PROBLEM = "the PDFs need the Pango library, which cannot be found on this computer"


@pytest.fixture
def without_pango(tmp_path: Path) -> dict[str, str]:
    """The environment of a gtm that cannot load Pango."""
    shim = tmp_path / "no-pango"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(NO_PANGO, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": f"{shim}{os.pathsep}{ROOT}", "NO_COLOR": "1"}


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    """A project with PDFs to make (a persona one-pager and the sales kit)."""
    return make_project({"content/personas/dana.yaml": PERSONA})


def gtm(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "gtm", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_the_shim_keeps_weasyprint_from_loading(without_pango: dict[str, str]) -> None:
    """Guards the other tests: a shim that let Pango load would make them prove nothing."""
    result = subprocess.run(
        [sys.executable, "-c", "import weasyprint"],
        capture_output=True,
        text=True,
        env=without_pango,
        timeout=60,
    )
    assert result.returncode != 0
    assert "cannot load library 'libpango-1.0-0'" in result.stderr


def test_build_says_what_is_missing_in_one_line_and_changes_nothing(
    without_pango: dict[str, str], project: Path
) -> None:
    output = project / "output"
    output.mkdir()
    (output / "index.html").write_text("the last good build")
    before = snapshot(output)
    result = gtm(without_pango, "build", "--project", str(project))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"gtm: nothing was built: {PROBLEM}; {install_hint()}, or build without PDFs with --no-pdf"
    ]
    assert snapshot(output) == before
    assert not open_project(project).cache_dir.exists()  # it stopped before any work


def test_build_without_pdfs_still_builds_the_portal(
    without_pango: dict[str, str], project: Path
) -> None:
    result = gtm(without_pango, "build", "--no-pdf", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Dana" in (project / "output/personas/dana/index.html").read_text()
    assert not (project / "output/pdf").exists()


def test_serve_serves_the_portal_without_pdfs_and_says_so_once(
    without_pango: dict[str, str], project: Path
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "gtm", "serve", "--port", "0", "--project", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=without_pango,
    )
    assert process.stdout is not None and process.stderr is not None
    stdout: list[str] = []
    stderr: list[str] = []
    readers = [
        threading.Thread(target=lambda: stdout.extend(process.stdout or []), daemon=True),
        threading.Thread(target=lambda: stderr.extend(process.stderr or []), daemon=True),
    ]
    try:
        for reader in readers:
            reader.start()
        wait_for(lambda: any("live in" in line for line in stdout))
        port = int(stdout[0].rsplit(":", 1)[1].strip().rstrip("/"))

        def get(path: str) -> tuple[int, str]:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read().decode()

        assert get("/")[0] == 200
        status, page = get("/personas/dana/index.html")
        assert status == 200 and "Dana" in page and ".pdf" not in page
        assert ".pdf" not in get("/downloads/index.html")[1]
        (project / "content/personas/dana.yaml").write_text(PERSONA.replace("Dana", "Dora"))
        wait_for(lambda: sum("live in" in line for line in stdout) >= 2)
        assert "Dora" in get("/personas/dana/index.html")[1]
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        for reader in readers:
            reader.join(timeout=5)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in "".join(stdout + stderr)
    advice = f"{install_hint()} and start gtm serve again"
    assert stderr == [f"gtm: serving without PDFs: {PROBLEM}; {advice}\n"]
    assert not (project / "output/pdf").exists()


def test_serve_asks_for_the_libraries_once_and_links_no_pdf(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []

    def missing() -> PdfLibraries:
        asked.append("asked")
        raise PdfUnavailable(PROBLEM, "install Pango")

    flags = Flags(audience=None, drafts=False, strict=False, pdf=None, jobs=1)
    session = DevSession(
        open_project(project), flags, "127.0.0.1", 0, lambda d, s: None, find_libraries=missing
    )
    try:
        assert session.rebuild()
        (project / "content/personas/dana.yaml").write_text(PERSONA.replace("Dana", "Dora"))
        assert session.rebuild()
    finally:
        session.close()
    assert asked == ["asked"]
    assert capsys.readouterr().err == (
        f"gtm: serving without PDFs: {PROBLEM}; install Pango and start gtm serve again\n"
    )
    page = (project / "output/personas/dana/index.html").read_text()
    assert "Dora" in page and ".pdf" not in page
    assert not (project / "output/pdf").exists()
