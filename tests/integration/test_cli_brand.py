"""`gtm brand --vale DIR` end to end: the example project's brand file as a Vale style, the
problems that stop it (exit 1) and the refusals (exit 2), and, where Vale is installed, Vale
itself reporting the brand warnings."""

from __future__ import annotations

from pathlib import Path

import yaml

from gtm.content.model import SUPERLATIVES
from gtm.vale import HEADER
from tests.conftest import MakeProject, RunGtm, copy_example


def test_the_example_brand_file_becomes_a_vale_style(run_gtm: RunGtm, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    styles = tmp_path / "styles"
    result = run_gtm("brand", "--vale", str(styles), project=root)
    assert result.exit_code == 0, result.output
    folder = styles / "Brand"
    names = ["Banned.yml", "BannedSwap.yml", "Superlatives.yml", "Terms.yml"]
    assert sorted(p.name for p in folder.iterdir()) == names
    assert result.stdout.splitlines() == [
        *(f"wrote {(folder / name).as_posix()}" for name in names),
        "for Vale, put these in .vale.ini (BasedOnStyles under a section such as [*.md]):",
        f"StylesPath = {styles.as_posix()}",
        "BasedOnStyles = Brand",
    ]
    assert result.stderr == ""
    terms = yaml.safe_load((folder / "Terms.yml").read_text(encoding="utf-8"))
    assert terms["swap"] == {
        r"\bAcmeRelay\b": "Acme Relay",
        r"\bRelay\s+App\b": "Acme Relay",
        r"\bpost-mortem\b": "postmortem",
        r"\bpost\s+mortem\b": "postmortem",
    }
    banned = yaml.safe_load((folder / "Banned.yml").read_text(encoding="utf-8"))
    assert r"\bworld-class\b" in banned["tokens"]
    swap = yaml.safe_load((folder / "BannedSwap.yml").read_text(encoding="utf-8"))
    assert swap["swap"] == {r"\bsynergy\b": "working together", r"\bleverage\b": "use"}
    claims = yaml.safe_load((folder / "Superlatives.yml").read_text(encoding="utf-8"))
    assert r"\B#1\b" in claims["tokens"] and r"\bunbeatable\b" in claims["tokens"]


def test_running_it_again_gives_the_same_files_and_quiet_prints_nothing(
    run_gtm: RunGtm, tmp_path: Path
) -> None:
    root = copy_example(tmp_path / "example")
    styles = tmp_path / "styles"
    assert run_gtm("brand", "--vale", str(styles), project=root).exit_code == 0
    first = {p.name: p.read_bytes() for p in (styles / "Brand").iterdir()}
    quiet = run_gtm("brand", "--vale", str(styles), "--quiet", project=root)
    assert quiet.exit_code == 0
    assert quiet.output == ""
    assert {p.name: p.read_bytes() for p in (styles / "Brand").iterdir()} == first


def test_a_brand_file_with_errors_stops_with_its_diagnostics(
    run_gtm: RunGtm, make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project(
        {"content/brand.yaml": "terms:\n  - use: Acme Relay\n    avoud: [x]\nbanned: [synergy]\n"}
    )
    styles = tmp_path / "styles"
    result = run_gtm("brand", "--vale", str(styles), project=root)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "content/brand.yaml:3:5: error: term 1: unknown field 'avoud' (did you mean 'avoid'?)",
        "gtm: content/brand.yaml has errors: no Vale style was written",
    ]
    assert not styles.exists()


def test_a_brand_file_that_is_not_yaml_stops_at_its_line_and_column(
    run_gtm: RunGtm, make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project({"content/brand.yaml": "banned: [synergy, leverage\n"})
    result = run_gtm("brand", "--vale", str(tmp_path / "styles"), project=root)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("content/brand.yaml:1:9: error: "), first
    assert "\x1b[" not in result.stderr  # NO_COLOR, set for every test


def test_no_brand_file_writes_the_default_superlatives(
    run_gtm: RunGtm, make_project: MakeProject, tmp_path: Path
) -> None:
    styles = tmp_path / "styles"
    result = run_gtm("brand", "--vale", str(styles), project=make_project({}))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (styles / "Brand").iterdir()) == ["Superlatives.yml"]
    rule = yaml.safe_load((styles / "Brand" / "Superlatives.yml").read_text())
    assert len(rule["tokens"]) == len(SUPERLATIVES)


def test_a_file_gtm_did_not_write_is_never_overwritten(run_gtm: RunGtm, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    folder = tmp_path / "styles" / "Brand"
    folder.mkdir(parents=True)
    (folder / "Banned.yml").write_text("extends: existence\n", encoding="utf-8")
    result = run_gtm("brand", "--vale", str(tmp_path / "styles"), project=root)
    assert result.exit_code == 2
    assert "not written by gtm" in result.stderr
    assert [p.name for p in folder.iterdir()] == ["Banned.yml"]


def test_the_folder_is_required(run_gtm: RunGtm, tmp_path: Path) -> None:
    result = run_gtm("brand", project=copy_example(tmp_path / "example"))
    assert result.exit_code == 2
    assert "--vale" in result.stderr


def test_the_style_carries_gtms_header(run_gtm: RunGtm, tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    assert run_gtm("brand", "--vale", str(tmp_path / "s"), project=root).exit_code == 0
    for rule in (tmp_path / "s" / "Brand").iterdir():
        assert rule.read_text(encoding="utf-8").startswith(HEADER)
