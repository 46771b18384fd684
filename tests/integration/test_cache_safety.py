"""gtm's build cache is where a checkout cannot plant it: files a pull request adds under
`.gtm-cache/` (where gtm once kept its cache) are never run and never published, the cache goes
where GTM_CACHE_DIR or --cache-dir says and nowhere in the project, and an entry that is corrupt
or was written by something else is rebuilt without a word."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader
from jinja2.bccache import bc_magic

from gtm.build import build_site
from gtm.cache import program_digest
from gtm.content.project import open_project, run_options
from gtm.dev.session import DevSession, Flags
from gtm.render.pages import template_environment
from gtm.render.pdf import PdfCache
from gtm.render.pdflibs import find_pdf_libraries
from gtm.render.theme import builtin_themes, load_theme
from tests.conftest import RunGtm

PLANTED_PDF = b"%PDF-1.4\n% planted by a pull request\n%%EOF\n"


def files_of(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def _file_loaders(loader: BaseLoader | None) -> Iterator[FileSystemLoader]:
    if isinstance(loader, ChoiceLoader):
        for inner in loader.loaders:
            yield from _file_loaders(inner)
    elif isinstance(loader, PrefixLoader):
        for inner in loader.mapping.values():
            yield from _file_loaders(inner)
    elif isinstance(loader, FileSystemLoader):
        yield loader


def plant_template_bytecode(root: Path, marker: Path) -> int:
    """What a pull request could add: for every template of the theme, a file where Jinja's
    FileSystemBytecodeCache in `.gtm-cache/jinja/` looks for it, named as Jinja names it and
    holding the template's own checksum and code, compiled with one more line that writes
    `marker` when it is loaded, so the pages still come out right."""
    env: Environment = template_environment(load_theme(root, "default"))
    folder = root / ".gtm-cache" / "jinja"
    folder.mkdir(parents=True)
    attack = f"open({str(marker)!r}, 'w').write('ran')\n"
    planted = 0
    for loader in _file_loaders(env.loader):
        for name in loader.list_templates():
            source, filename, _ = loader.get_source(env, name)
            key = hashlib.sha1(f"{name}|{filename}".encode()).hexdigest()
            checksum = hashlib.sha1(source.encode("utf-8")).hexdigest()
            code = compile(attack + env.compile(source, name, filename, raw=True), name, "exec")
            data = bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)
            (folder / f"__jinja2_{key}.cache").write_bytes(data)
            planted += 1
    return planted


def test_template_bytecode_planted_in_the_project_never_runs(
    example_project: Path, run_gtm: RunGtm, tmp_path: Path
) -> None:
    marker = tmp_path / "planted-code-ran"
    assert plant_template_bytecode(example_project, marker) > 10
    for _ in range(2):  # the second build is the one a bytecode cache would serve
        result = run_gtm("build", "--no-pdf", project=example_project)
        assert result.exit_code == 0, result.output
        assert not marker.exists(), "code planted in .gtm-cache/jinja/ ran"
    kept = open_project(example_project).cache_dir.rglob("*")
    assert not [p for p in kept if "jinja" in p.name], "no template bytecode is kept"


def test_pdfs_planted_in_the_project_are_never_published(
    example_project: Path, run_gtm: RunGtm
) -> None:
    """A `.gtm-cache/pdf/` pair under exactly the key gtm computes for each document, with a
    matching digest, as a pull request could add it."""
    project = open_project(example_project)
    options = run_options(project)
    batch = build_site(project, options, defer_pdfs=True).pending
    assert batch is not None and batch.jobs
    planted = PdfCache(example_project / ".gtm-cache" / "pdf", find_pdf_libraries().versions())
    planted.folder.mkdir(parents=True)
    meta = {"fetched": {}, "refused": [], "pdf": hashlib.sha256(PLANTED_PDF).hexdigest()}
    for job in batch.jobs:
        (planted.folder / f"{planted.key(job)}.pdf").write_bytes(PLANTED_PDF)
        (planted.folder / f"{planted.key(job)}.json").write_text(json.dumps(meta))
    result = run_gtm("build", project=example_project)
    assert result.exit_code == 0, result.output
    assert f"{len(batch.jobs)} PDFs (0 unchanged)" in result.output
    for job in batch.jobs:
        published = (example_project / "output" / job.path).read_bytes()
        assert published.startswith(b"%PDF") and b"planted" not in published, job.path


def test_the_cache_goes_where_gtm_cache_dir_says_and_nothing_else_into_the_project(
    example_project: Path, run_gtm: RunGtm, gtm_cache: Path
) -> None:
    before = files_of(example_project)
    result = run_gtm("build", "--no-pdf", project=example_project)
    assert result.exit_code == 0, result.output
    added = files_of(example_project) - before
    assert added and all(name.startswith("output") for name in added), sorted(added)
    folder = open_project(example_project).cache_dir
    assert folder.parent == gtm_cache and folder.name.startswith("example-")
    assert {"pages.json", "markdown.json", "yaml.json"} <= {p.name for p in folder.iterdir()}


def test_the_cache_dir_option_wins_over_the_variable(
    example_project: Path, run_gtm: RunGtm, gtm_cache: Path, tmp_path: Path
) -> None:
    chosen = tmp_path / "ci-cache"
    before = files_of(example_project)
    result = run_gtm("build", "--no-pdf", "--cache-dir", str(chosen), project=example_project)
    assert result.exit_code == 0, result.output
    assert all(name.startswith("output") for name in files_of(example_project) - before)
    unused = open_project(example_project).cache_dir
    assert unused.parent == gtm_cache and not unused.exists()
    [folder] = chosen.iterdir()
    assert folder.name == unused.name and (folder / "pages.json").is_file()
    assert run_gtm("check", "--cache-dir", str(chosen), project=example_project).exit_code == 0
    assert not unused.exists(), "check reads the same cache and writes nothing"


@pytest.mark.parametrize("command", ["check", "build", "serve"])
def test_a_cache_folder_inside_the_project_is_refused(
    example_project: Path, run_gtm: RunGtm, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    inside = example_project / ".gtm-cache"
    before = files_of(example_project)
    result = run_gtm(command, "--cache-dir", str(inside), project=example_project)
    assert result.exit_code == 2
    assert f"gtm: --cache-dir '{inside}' is inside the project" in result.output
    monkeypatch.setenv("GTM_CACHE_DIR", str(inside))
    result = run_gtm(command, project=example_project)
    assert result.exit_code == 2
    assert f"gtm: GTM_CACHE_DIR '{inside}' is inside the project" in result.output
    assert files_of(example_project) == before


def test_serve_keeps_its_cache_where_the_option_says(example_project: Path, tmp_path: Path) -> None:
    """`gtm serve` opens the project again for every rebuild; the cache stays where it was told."""
    chosen = tmp_path / "serve-cache"
    flags = Flags(audience=None, drafts=False, strict=False, pdf=True, jobs=2)
    session = DevSession(
        open_project(example_project, chosen), flags, "127.0.0.1", 0, lambda d, s: None
    )
    try:
        assert session.rebuild()
        assert session.project.cache_root == chosen
        deadline = time.monotonic() + 120
        while not list(chosen.glob("*/pdf/*.pdf")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert list(chosen.glob("*/pdf/*.pdf")), "the PDFs are cached in the chosen folder"
    finally:
        session.close()
    assert not (example_project / ".gtm-cache").exists()


def test_serve_compiles_only_the_templates_a_save_changed(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no bytecode cache on disk, `gtm serve` keeps its compiled templates in memory: a
    save compiles again only a template it changed."""
    compiled: list[str | None] = []
    compile_template = Environment.compile

    def counted(env: Environment, source: str, name: str | None = None, *args: Any) -> Any:
        compiled.append(name)
        return compile_template(env, source, name, *args)

    monkeypatch.setattr(Environment, "compile", counted)
    flags = Flags(audience=None, drafts=False, strict=False, pdf=False, jobs=1)
    session = DevSession(open_project(example_project), flags, "127.0.0.1", 0, lambda d, s: None)
    try:
        assert session.rebuild()
        assert len(compiled) > 10
        compiled.clear()
        persona = example_project / "content/personas/devops-dana.md"
        persona.write_text(persona.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
        assert session.rebuild()
        assert compiled == [], "a content change compiles no template"
        theme = example_project / "themes/default/templates"
        theme.mkdir(parents=True)
        page = (builtin_themes() / "default/templates/404.html").read_text(encoding="utf-8")
        changed = page.replace("</section>", "<!-- changed --></section>")
        (theme / "404.html").write_text(changed, encoding="utf-8")
        assert session.rebuild()
        assert compiled == ["404.html"]
        assert b"<!-- changed -->" in (example_project / "output/404.html").read_bytes()
    finally:
        session.close()


def _corrupt(folder: Path) -> list[str]:
    """Damages every cache file a different way: torn, not JSON, not UTF-8, another program's,
    the wrong shape, nested past any parser's depth."""
    damages = [
        lambda text: text[: len(text) // 2],
        lambda text: "not json at all",
        lambda text: json.dumps({**json.loads(text), "key": "another program"}),
        lambda text: json.dumps([json.loads(text)]),
        lambda text: json.dumps({"key": program_digest(), "payload": "a string"}),
        lambda text: "[" * 100_000 + "]" * 100_000,
    ]
    names = sorted(p.name for p in folder.glob("*.json"))
    for index, name in enumerate(names):
        path = folder / name
        path.write_text(damages[index % len(damages)](path.read_text(encoding="utf-8")))
    (folder / names[0]).write_bytes(b"\xff\xfe\x00garbage")
    return names


def test_a_corrupt_or_foreign_cache_entry_is_rebuilt_silently(
    example_project: Path, run_gtm: RunGtm, tmp_path: Path
) -> None:
    first = run_gtm("build", project=example_project)
    assert first.exit_code == 0, first.output
    built = {p: p.read_bytes() for p in (example_project / "output").rglob("*") if p.is_file()}
    folder = open_project(example_project).cache_dir
    names = _corrupt(folder)
    assert len(names) >= 5
    pdfs = sorted((folder / "pdf").glob("*.pdf"))
    pdfs[0].write_bytes(PLANTED_PDF)  # a PDF that does not match its recorded digest
    (folder / "pdf" / f"{pdfs[1].stem}.json").write_text('{"fetched": []}')
    (folder / "pdf" / f"{pdfs[2].stem}.json").write_text("[")
    again = run_gtm("build", project=example_project)
    assert again.exit_code == 0, again.output
    expected = first.output.replace("(0 unchanged)", f"({len(pdfs) - 3} unchanged)")
    assert _untimed(again.output) == _untimed(expected), "the same report, not a word more"
    rebuilt = {p: p.read_bytes() for p in (example_project / "output").rglob("*") if p.is_file()}
    assert rebuilt == built
    for name in names:
        stored = json.loads((folder / name).read_text(encoding="utf-8"))
        assert stored["key"] == program_digest(), f"{name} was written again"


def _untimed(output: str) -> str:
    return re.sub(r" in \d+\.\d+ s$", "", output, flags=re.M)


def test_the_tests_never_use_the_machines_own_cache(gtm_cache: Path, tmp_path: Path) -> None:
    (tmp_path / "gtm.toml").write_text("")
    assert os.environ["GTM_CACHE_DIR"] == str(gtm_cache)
    assert open_project(tmp_path).cache_dir.parent == gtm_cache
