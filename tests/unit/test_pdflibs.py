"""WeasyPrint's system libraries: found without importing WeasyPrint, the very ones it loads,
their versions and fonts read for the PDF cache, and the install hint for each system."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from gtm.render.pdflibs import find_pdf_libraries, install_hint
from tests.unit.test_pdf import LIBRARY_VERSIONS


def test_the_versions_read_are_those_of_every_library_that_draws_a_pdf() -> None:
    assert sorted(find_pdf_libraries().versions()) == sorted(LIBRARY_VERSIONS)


def test_the_libraries_opened_are_the_ones_weasyprint_loads() -> None:
    """The probe opens the libraries without importing WeasyPrint; their versions must be what
    WeasyPrint's own handles report, or the cache would be keyed by another library."""
    import weasyprint
    from weasyprint.text.ffi import harfbuzz, pango

    versions = find_pdf_libraries().versions()
    number = pango.pango_version()
    assert versions["pango"] == f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    major, minor, micro = (int(part) for part in versions["harfbuzz"].split("."))
    assert harfbuzz.hb_version_atleast(major, minor, micro)
    assert not harfbuzz.hb_version_atleast(major, minor, micro + 1)
    assert versions["weasyprint"] == weasyprint.__version__


def write_font(path: Path, family: str) -> None:
    """A font with one empty glyph: enough for fontconfig to list it."""
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef"])
    builder.setupCharacterMap({})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))


def test_a_font_installed_or_changed_changes_the_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(
        f"<fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    libraries = find_pdf_libraries()
    write_font(fonts / "a.ttf", "Gtm Test A")
    first = libraries.versions()["fonts"]
    assert libraries.versions()["fonts"] == first

    write_font(fonts / "b.ttf", "Gtm Test B")
    os.utime(fonts, (1_000_000_000, 1_000_000_000))  # a folder fontconfig surely reads again
    installed = libraries.versions()["fonts"]
    assert installed != first

    write_font(fonts / "b.ttf", "Gtm Test B Renamed")
    assert libraries.versions()["fonts"] != installed


@pytest.mark.parametrize(
    ("system", "release", "command"),
    [
        ("linux", {"ID": "debian"}, "'sudo apt install libpango-1.0-0 libpangoft2-1.0-0'"),
        ("linux", {"ID": "ubuntu", "ID_LIKE": "debian"}, "'sudo apt install libpango-1.0-0"),
        ("linux", {"ID": "fedora"}, "'sudo dnf install pango'"),
        ("linux", {"ID": "rocky", "ID_LIKE": "rhel centos fedora"}, "'sudo dnf install pango'"),
        ("linux", {"ID": "arch"}, "Pango 1.44 or newer with this system's package manager"),
        ("darwin", {}, "'brew install pango'"),
        ("win32", {}, "'pacman -S mingw-w64-ucrt-x86_64-pango'"),
    ],
)
def test_the_install_hint_fits_the_system(
    system: str, release: dict[str, str], command: str
) -> None:
    assert command in install_hint(system, release)
