"""What `pip install` and `pipx install` put on a machine is what is tested (cli.md, Guarantees):
the sdist and the wheel are built from this checkout as a release builds them, installed into
fresh environments with their dependencies from the package index, and the installed `gtm` is
driven from a folder outside the checkout that holds folders named like the modules gtm imports
(`gtm/`, `yaml/`, `weasyprint/`), none of which may ever be imported, PDF workers included."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

import pytest

from gtm import __version__
from gtm.content.kinds import KINDS
from tests.conftest import EXAMPLE_EPOCH, ROOT

pytestmark = pytest.mark.installed

DISTRIBUTION = "gtm-portal"
LOOK_ALIKES = ("gtm", "yaml", "weasyprint")
NEW_KINDS = ("product", "persona", "competitor", "positioning", "messaging", "launch", "page")
VERSION_LINE = f"gtm, version {__version__}"
OFFLINE = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ProxyError",
    "ConnectTimeoutError",
)
"""What pip prints when the package index cannot be reached (outside CI, a reason to skip)."""
NOT_IN_A_CHECKOUT = {".git", ".venv", "output", "build", "dist", "schemas", ".gtm-cache"}
"""Folders at the top of a working checkout that a fresh clone does not have."""
NEVER_IN_A_CHECKOUT = ("__pycache__", "*.egg-info", ".*_cache", ".hypothesis", ".output.*")
REQUIRED = {
    "gtm/dev/client.js",
    "gtm/starter/gtm.toml",
    "gtm/themes/__init__.py",
    "gtm/themes/default/templates/base.html",
    "gtm/themes/default/templates/print/base.html",
    "gtm/themes/default/static/style.css",
    "gtm/themes/default/static/print.css",
}
"""A few of the data files by name, so that a checkout that lost them cannot pass."""


def needed(module: str) -> None:
    """A Python module the test extra installs: skipped where it is missing, never in CI."""
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{module} is missing in CI: the test extra should have installed it")
        pytest.skip(f"{module} is not installed (pip install -e '.[test]' installs it)")


def shipped_data() -> dict[str, str]:
    """Every data file gtm reads at run time: its path in the checkout and the sdist → its
    path in an installed gtm."""
    data = {"gtm/dev/client.js": "gtm/dev/client.js"}
    for folder, installed in (("gtm/starter", "gtm/starter"), ("themes", "gtm/themes")):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT / folder)
            hidden = any(part.startswith((".", "__pycache__")) for part in relative.parts)
            if path.is_file() and not hidden:
                data[f"{folder}/{relative.as_posix()}"] = f"{installed}/{relative.as_posix()}"
    assert set(data.values()) >= REQUIRED
    return data


def run(
    args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def succeeded(result: subprocess.CompletedProcess[str]) -> str:
    """The output of a command that must succeed; its whole output when it did not."""
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{result.args} exited {result.returncode}:\n{output}"
    return output


def user_env(bin_dir: Path) -> dict[str, str]:
    """A user's shell with `bin_dir` first on PATH: none of this test run's Python settings
    (PYTHONPATH, PYTHONSAFEPATH...), and not the development environment."""
    development = str(Path(sys.executable).parent)
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != development]
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTHON") and name != "VIRTUAL_ENV"
    }
    return {
        **env,
        "PATH": os.pathsep.join([str(bin_dir), *path]),
        "SOURCE_DATE_EPOCH": EXAMPLE_EPOCH,
        "NO_COLOR": "1",
    }


def installed_from_the_index(result: subprocess.CompletedProcess[str]) -> None:
    """A pip or pipx install that must succeed; outside CI, one that cannot reach the package
    index is skipped."""
    output = result.stdout + result.stderr
    offline = any(sign in output for sign in OFFLINE)
    if result.returncode != 0 and offline and not os.environ.get("CI"):
        pytest.skip(f"the package index cannot be reached (CI reaches it): {output[-300:]}")
    succeeded(result)


def install(python: Path, what: Path, cwd: Path) -> None:
    """`python -m pip install what` as a user types it; its dependencies come from the index."""
    result = run([python, "-m", "pip", "install", what], cwd, user_env(python.parent), 900)
    installed_from_the_index(result)


def make_venv(folder: Path) -> Path:
    """A fresh virtual environment with its own pip, as `python -m venv` makes for a user."""
    result = run([sys.executable, "-m", "venv", folder], folder.parent, user_env(folder))
    if result.returncode != 0 and not os.environ.get("CI"):
        pytest.skip(f"python -m venv does not work here: {result.stderr[-300:]}")
    succeeded(result)
    return folder / "bin" / "python"


def plant_look_alikes(folder: Path, log: Path) -> None:
    """Folders named like the modules gtm imports, whose import is logged and then fails."""
    for name in LOOK_ALIKES:
        (folder / name).mkdir()
        (folder / name / "__init__.py").write_text(
            "import os, sys\n"
            f"with open({str(log)!r}, 'a') as log:\n"
            "    log.write(f'{__name__} was imported by process {os.getpid()}: {sys.argv}\\n')\n"
            f"raise RuntimeError('the look-alike {name}/ of the working folder was imported')\n",
            encoding="utf-8",
        )


def nothing_imported_from(log: Path) -> None:
    imported = log.read_text(encoding="utf-8") if log.exists() else ""
    assert imported == "", f"a look-alike in the working folder was imported:\n{imported}"


def pdfs_in(output: Path) -> list[Path]:
    pdfs = sorted(output.rglob("*.pdf"))
    assert pdfs, f"no PDF in {output}"
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF"), pdf
    return pdfs


@dataclass(frozen=True)
class Dists:
    sdist: Path
    wheel: Path
    """Built from the sdist, as `python -m build` makes a release."""
    direct_wheel: Path
    """Built from the checkout itself, as `pip install .` or a git URL does."""
    log: str


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    """The sdist and wheels of a copy of this checkout as a fresh clone has it (building
    writes into the source folder, and other runs may share this checkout)."""
    needed("build")
    source = tmp_path_factory.mktemp("checkout") / "gtm"
    ignore_everywhere = shutil.ignore_patterns(*NEVER_IN_A_CHECKOUT)

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = NOT_IN_A_CHECKOUT.intersection(names) if Path(folder) == ROOT else set()
        return top | ignore_everywhere(folder, names)

    shutil.copytree(ROOT, source, ignore=ignore, symlinks=True)
    out = source.parent / "dist"

    def build(*options: str | Path) -> str:
        """`python -m build` with this environment's setuptools, so it works offline too."""
        command = [sys.executable, "-m", "build", "--no-isolation", *options, source]
        return succeeded(run(command, source, user_env(Path(sys.executable).parent)))

    log = build("--outdir", out) + build("--wheel", "--outdir", out / "direct")
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    (direct_wheel,) = (out / "direct").glob("*.whl")
    return Dists(sdist, wheel, direct_wheel, log)


@dataclass(frozen=True)
class Installed:
    """gtm installed from the wheel into a fresh virtual environment."""

    bin: Path

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def gtm(self, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
        return run([self.bin / "gtm", *args], cwd, user_env(self.bin))


@pytest.fixture(scope="module")
def installed(dists: Dists, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    venv = tmp_path_factory.mktemp("installed") / "venv"
    python = make_venv(venv)
    install(python, dists.wheel, venv.parent)
    yield Installed(python.parent)
    shutil.rmtree(venv, ignore_errors=True)


@dataclass(frozen=True)
class Workspace:
    """A project made by `gtm init` and `gtm new` in a folder full of look-alikes."""

    root: Path
    log: Path
    made: list[subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def workspace(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("work")
    assert ROOT not in root.resolve().parents
    log = tmp_path_factory.mktemp("log") / "look-alikes.log"
    plant_look_alikes(root, log)
    made = [installed.gtm("init", cwd=root)]
    made += [installed.gtm("new", kind, f"extra-{kind}", cwd=root) for kind in NEW_KINDS]
    return Workspace(root, log, made)


@pytest.fixture(scope="module")
def built(installed: Installed, workspace: Workspace) -> subprocess.CompletedProcess[str]:
    """`gtm build`, PDFs included, run in the workspace."""
    return installed.gtm("build", cwd=workspace.root)


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_sdist_and_the_wheels_carry_every_data_file(dists: Dists) -> None:
    data = shipped_data()
    with tarfile.open(dists.sdist) as sdist:
        top = f"{dists.sdist.name.removesuffix('.tar.gz')}/"
        in_sdist = {name.removeprefix(top) for name in sdist.getnames()}
    assert sorted(set(data) - in_sdist) == []
    names = wheel_names(dists.wheel)
    assert sorted(set(data.values()) - names) == []
    assert names == wheel_names(dists.direct_wheel)
    assert not [n for n in names if n.startswith(("tests/", "themes/", "content/"))]


def test_the_wheel_is_gtm_portal_with_the_gtm_command_and_one_version(dists: Dists) -> None:
    assert dists.wheel.name == f"gtm_portal-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(dists.wheel) as wheel:
        info = f"gtm_portal-{__version__}.dist-info"
        metadata = HeaderParser().parsestr(wheel.read(f"{info}/METADATA").decode())
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert metadata["Name"] == DISTRIBUTION
    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "MIT"
    assert "[console_scripts]\ngtm = gtm.cli:main" in entry_points


def test_building_raises_no_packaging_warnings(dists: Dists) -> None:
    """Data folders taken for packages ("Package would be ignored") and deprecated settings
    (a license as a table) are what setuptools warns about."""
    for warning in ("would be ignored", "deprecated"):
        assert warning not in dists.log.lower()


def test_the_installed_gtm_is_the_wheels_not_the_checkouts(
    installed: Installed, tmp_path: Path
) -> None:
    probe = (
        "import gtm, importlib.resources as r; print(gtm.__file__); print(r.files('gtm.themes'))"
    )
    where = run([installed.python, "-c", probe], tmp_path, user_env(installed.bin))
    module, themes = succeeded(where).splitlines()
    libraries = installed.bin.parent / "lib"
    assert Path(module).is_relative_to(libraries) and not Path(module).is_relative_to(ROOT)
    assert (Path(themes) / "default/templates/base.html").is_file()


def test_init_and_new_make_a_project_that_checks(
    installed: Installed, workspace: Workspace
) -> None:
    for result in workspace.made:
        succeeded(result)
    assert (workspace.root / "gtm.toml").is_file()
    for kind in KINDS:
        assert list((workspace.root / "content" / kind).glob("extra-*")), kind
    succeeded(installed.gtm("check", cwd=workspace.root))
    nothing_imported_from(workspace.log)


def test_build_writes_the_pages_the_static_files_and_the_pdfs(
    built: subprocess.CompletedProcess[str], workspace: Workspace
) -> None:
    succeeded(built)
    output = workspace.root / "output"
    assert (output / "index.html").read_text(encoding="utf-8").lower().startswith("<!doctype html>")
    assert (output / "products/beacon/index.html").is_file()
    assert (output / "static/style.css").is_file() and (output / "static/print.css").is_file()
    pdfs_in(output)


def test_pdf_workers_never_import_the_working_folders_look_alikes(
    built: subprocess.CompletedProcess[str], workspace: Workspace
) -> None:
    """The PDF workers start as `python -c ...`, which puts the working folder first on
    sys.path; a look-alike weasyprint/ or gtm/ there must not be what they load."""
    nothing_imported_from(workspace.log)
    succeeded(built)
    pdfs_in(workspace.root / "output")


def test_build_for_the_public_audience_leaves_the_battlecards_out(
    installed: Installed, workspace: Workspace, built: subprocess.CompletedProcess[str]
) -> None:
    succeeded(installed.gtm("build", "--audience", "public", cwd=workspace.root))
    output = workspace.root / "output"
    assert (output / "index.html").is_file()
    assert not (output / "competitors/feedbackly").exists()
    nothing_imported_from(workspace.log)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_answers_over_http_and_stops_on_ctrl_c(
    installed: Installed, workspace: Workspace, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as stream:
        server = subprocess.Popen(
            [installed.bin / "gtm", "serve", "--port", str(port)],
            cwd=workspace.root,
            env=user_env(installed.bin),
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    try:
        page = None
        deadline = time.monotonic() + 120
        while page is None and server.poll() is None and time.monotonic() < deadline:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        assert page is not None, f"gtm serve did not answer:\n{log.read_text()}"
        with page:
            assert page.status == 200
            assert page.headers["Content-Type"].startswith("text/html")
            assert page.read().lower().startswith(b"<!doctype html>")
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == 0, log.read_text()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert "stopped" in log.read_text()
    nothing_imported_from(workspace.log)


def test_schema_writes_one_json_schema_per_kind_and_for_the_config(
    installed: Installed, workspace: Workspace
) -> None:
    succeeded(installed.gtm("schema", "schemas", cwd=workspace.root))
    written = {p.name: json.loads(p.read_text()) for p in (workspace.root / "schemas").iterdir()}
    expected = {f"{kind}.schema.json" for kind in KINDS} | {"gtm.toml.schema.json"}
    assert expected <= set(written)
    assert all(isinstance(schema, dict) and schema for schema in written.values())


def test_the_console_script_and_python_m_gtm_print_the_version(
    installed: Installed, workspace: Workspace, tmp_path: Path
) -> None:
    """`python -m` puts the working folder first on sys.path by design, so it runs from a
    folder without look-alikes; the console script runs from any."""
    assert succeeded(installed.gtm("--version", cwd=workspace.root)).strip() == VERSION_LINE
    env = user_env(installed.bin)
    version = run([installed.python, "-m", "gtm", "--version"], tmp_path, env)
    assert succeeded(version).strip() == VERSION_LINE
    metadata = run(
        [
            installed.python,
            "-c",
            f"import importlib.metadata as m; print(m.version({DISTRIBUTION!r}))",
        ],
        tmp_path,
        env,
    )
    assert succeeded(metadata).strip() == __version__


def test_gtm_imported_from_a_zip_finds_its_theme_starter_and_client(
    installed: Installed, dists: Dists, tmp_path: Path
) -> None:
    """The wheel itself on PYTHONPATH (zipimport): no data file exists on disk."""
    env = {**user_env(installed.bin), "PYTHONPATH": str(dists.wheel)}
    probe = (
        "import gtm, gtm.dev.server, importlib.resources as r; print(gtm.__file__); "
        "print(type(r.files('gtm.themes')).__module__); print(len(gtm.dev.server.CLIENT))"
    )
    module, themes_type, client = succeeded(
        run([installed.python, "-c", probe], tmp_path, env)
    ).splitlines()
    assert (
        module.startswith(str(dists.wheel))
        and themes_type.startswith("zipfile")
        and int(client) > 0
    )
    cli = [installed.python, "-c", "from gtm.cli import main; main()"]
    succeeded(run([*cli, "init", "project"], tmp_path, env))
    succeeded(run([*cli, "build", "--project", "project"], tmp_path, env))
    output = tmp_path / "project" / "output"
    assert (output / "static/style.css").is_file() and (output / "index.html").is_file()
    pdfs_in(output)


def test_an_sdist_install_builds_a_site(dists: Dists, tmp_path: Path) -> None:
    """pip builds the sdist into a wheel itself: data missing from the sdist would fail here."""
    python = make_venv(tmp_path / "venv")
    install(python, dists.sdist, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    log = tmp_path / "look-alikes.log"
    plant_look_alikes(work, log)
    env = user_env(python.parent)
    succeeded(run([python.parent / "gtm", "init"], work, env))
    succeeded(run([python.parent / "gtm", "build", "--no-pdf"], work, env))
    assert (work / "output/index.html").is_file() and (work / "output/static/style.css").is_file()
    nothing_imported_from(log)
    shutil.rmtree(tmp_path / "venv", ignore_errors=True)


def test_pipx_installs_a_gtm_that_runs(dists: Dists, tmp_path: Path) -> None:
    needed("pipx")
    home = tmp_path / "pipx"
    env = {
        **user_env(home / "bin"),
        "PIPX_HOME": str(home / "home"),
        "PIPX_BIN_DIR": str(home / "bin"),
        "PIPX_MAN_DIR": str(home / "man"),
    }
    result = run([sys.executable, "-m", "pipx", "install", dists.wheel], tmp_path, env, 900)
    installed_from_the_index(result)
    work = tmp_path / "work"
    work.mkdir()
    log = tmp_path / "look-alikes.log"
    plant_look_alikes(work, log)
    gtm = home / "bin" / "gtm"
    assert succeeded(run([gtm, "--version"], work, env)).strip() == VERSION_LINE
    succeeded(run([gtm, "init"], work, env))
    succeeded(run([gtm, "check"], work, env))
    nothing_imported_from(log)
    shutil.rmtree(home, ignore_errors=True)
