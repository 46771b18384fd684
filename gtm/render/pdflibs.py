"""The system libraries WeasyPrint draws PDFs with (GLib, Pango, HarfBuzz, Fontconfig): opened
as WeasyPrint opens them, without importing it, so that a computer without them is told in one
line before any work starts, and their versions and fonts are part of every PDF cache key."""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import os
import platform
import sys
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from gtm.errors import GtmError

INSTALL_GUIDE = "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"

SYSTEM_LIBRARIES = (
    (
        "gobject",
        "GLib",
        "libgobject-2.0-0 gobject-2.0-0 gobject-2.0 "
        "libgobject-2.0.so.0 libgobject-2.0.0.dylib libgobject-2.0-0.dll",
    ),
    (
        "pango",
        "Pango",
        "libpango-1.0-0 pango-1.0-0 pango-1.0 "
        "libpango-1.0.so.0 libpango-1.0.dylib libpango-1.0-0.dll",
    ),
    (
        "harfbuzz",
        "HarfBuzz",
        "libharfbuzz-0 harfbuzz harfbuzz-0.0 "
        "libharfbuzz.so.0 libharfbuzz.0.dylib libharfbuzz-0.dll",
    ),
    (
        "fontconfig",
        "Fontconfig",
        "libfontconfig-1 fontconfig-1 fontconfig "
        "libfontconfig.so.1 libfontconfig.1.dylib libfontconfig-1.dll",
    ),
    (
        "pangoft2",
        "Pango",
        "libpangoft2-1.0-0 pangoft2-1.0-0 pangoft2-1.0 "
        "libpangoft2-1.0.so.0 libpangoft2-1.0.dylib libpangoft2-1.0-0.dll",
    ),
)
"""(handle, name shown, file names) of every library WeasyPrint cannot start without, with the
file names it tries in its order (weasyprint/text/ffi.py): opened under the same names, they are
the very files WeasyPrint would load."""
WINDOWS_DLL_FOLDERS = (
    r"C:\msys64\ucrt64\bin;C:\msys64\mingw64\bin;C:\Program Files\GTK3-Runtime Win64\bin"
)
"""Where WeasyPrint looks for the libraries on Windows unless WEASYPRINT_DLL_DIRECTORIES says."""
SHAPING_PACKAGES = (
    "weasyprint",
    "pydyf",
    "fonttools",
    "pillow",
    "pyphen",
    "tinycss2",
    "cssselect2",
    "tinyhtml5",
)
"""The Python packages that parse, lay out, hyphenate and write a PDF: a new version of any of
them may change its bytes."""


class PdfUnavailable(GtmError):
    """WeasyPrint cannot start here, most often because a system library it draws with is
    missing: no content change can fix that, so `gtm build` stops before any work (exit 2)."""

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(
            f"nothing was built: {problem}; {remedy}, or build without PDFs with --no-pdf"
        )
        self.problem = problem
        self.remedy = remedy


class _FcFontSet(ctypes.Structure):
    _fields_ = [
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    ]


@dataclass(frozen=True)
class PdfLibraries:
    """WeasyPrint's system libraries, opened as WeasyPrint opens them but without importing it
    (half a second): proof that PDFs can be made, and the versions their bytes depend on."""

    pango: ctypes.CDLL
    harfbuzz: ctypes.CDLL
    fontconfig: ctypes.CDLL

    def versions(self) -> dict[str, str]:
        """Everything besides a document's HTML and the files it loads that can change its
        bytes: the Python packages that draw it, the C libraries that shape its text, and the
        fonts that fontconfig offers them. Part of every PDF cache key."""
        found = {name: _package_version(name) for name in SHAPING_PACKAGES}
        text = ctypes.c_char_p
        found["pango"] = _function(self.pango, "pango_version_string", text)().decode()
        found["harfbuzz"] = _function(self.harfbuzz, "hb_version_string", text)().decode()
        found["fontconfig"] = str(_function(self.fontconfig, "FcGetVersion", ctypes.c_int)())
        found["fonts"] = _fonts_digest(self.fontconfig)
        return found


def find_pdf_libraries() -> PdfLibraries:
    """Opens WeasyPrint's system libraries, or says which one is missing and how to get it;
    asked before any worker starts, because a worker (or the forkserver that preloads
    WeasyPrint) that cannot load them dies with a traceback."""
    if hasattr(os, "add_dll_directory") and not hasattr(sys, "frozen"):
        folders = os.environ.get("WEASYPRINT_DLL_DIRECTORIES", WINDOWS_DLL_FOLDERS)
        for folder in folders.split(";"):
            with suppress(OSError):
                os.add_dll_directory(folder)
    opened: dict[str, ctypes.CDLL] = {}
    for handle, shown, names in SYSTEM_LIBRARIES:
        library = _open_library(names.split())
        if library is None:
            problem = f"the PDFs need the {shown} library, which cannot be found on this computer"
            raise PdfUnavailable(problem, install_hint())
        opened[handle] = library
    return PdfLibraries(opened["pango"], opened["harfbuzz"], opened["fontconfig"])


def _open_library(names: list[str]) -> ctypes.CDLL | None:
    """The library as cffi opens it for WeasyPrint: a name as a file first, then as
    ctypes.util.find_library finds it. Every file name is tried before any search, since a
    search may run ldconfig, and a library that is there is found by file name."""
    for name in names:
        with suppress(OSError):
            return ctypes.CDLL(name)
    from ctypes.util import find_library

    for name in names:
        found = find_library(name)
        if found is not None:
            with suppress(OSError):
                return ctypes.CDLL(found)
    return None


def install_hint(system: str = sys.platform, release: Mapping[str, str] | None = None) -> str:
    """How to get Pango (which brings GLib, HarfBuzz and Fontconfig along) on this system, as
    WeasyPrint's installation guide says it; `release` is /etc/os-release on Linux."""
    if system == "darwin":
        return (
            "install Pango with Homebrew: 'brew install pango' (if it is installed already, "
            "set DYLD_FALLBACK_LIBRARY_PATH=/opt/homebrew/lib)"
        )
    if system == "win32":
        return (
            "install MSYS2 (https://www.msys2.org) and run 'pacman -S mingw-w64-ucrt-x86_64-pango' "
            "in its shell (if MSYS2 is not in C:\\msys64, set WEASYPRINT_DLL_DIRECTORIES to its "
            "ucrt64\\bin folder)"
        )
    if release is None:
        try:
            release = platform.freedesktop_os_release()
        except OSError:
            release = {}
    family = {release.get("ID", ""), *release.get("ID_LIKE", "").split()}
    if family & {"debian", "ubuntu"}:
        return "install Pango with 'sudo apt install libpango-1.0-0 libpangoft2-1.0-0'"
    if family & {"fedora", "rhel", "centos"}:
        return "install Pango with 'sudo dnf install pango'"
    return f"install Pango 1.44 or newer with this system's package manager (see {INSTALL_GUIDE})"


def _package_version(name: str) -> str:
    """Read from the headers of the package's METADATA only: fontTools' file holds its whole
    changelog, and parsing it all takes longer than every other version together."""
    try:
        distribution = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return "missing"
    headers = (distribution.read_text("METADATA") or "").partition("\n\n")[0]
    for line in headers.splitlines():
        if line.startswith("Version:"):
            return line.removeprefix("Version:").strip()
    return str(distribution.version)


def _function(library: ctypes.CDLL, name: str, result: Any, *arguments: Any) -> Any:
    """A C function with its types declared: without them ctypes would cut pointers to ints."""
    function = getattr(library, name)
    function.restype = result
    function.argtypes = arguments
    return function


def _fonts_digest(fontconfig: ctypes.CDLL) -> str:
    """A digest of every font file fontconfig offers Pango, and of fontconfig's own settings
    files, by path, size and time of change: a font installed, removed or updated, or a family
    name that now means another font, changes it."""
    pointer = ctypes.c_void_p
    load = _function(fontconfig, "FcInitLoadConfigAndFonts", pointer)
    get_fonts = _function(
        fontconfig, "FcConfigGetFonts", ctypes.POINTER(_FcFontSet), pointer, ctypes.c_int
    )
    out = ctypes.POINTER(ctypes.c_char_p)
    get_string = _function(
        fontconfig, "FcPatternGetString", ctypes.c_int, pointer, ctypes.c_char_p, ctypes.c_int, out
    )
    settings_files = _function(fontconfig, "FcConfigGetConfigFiles", pointer, pointer)
    next_file = _function(fontconfig, "FcStrListNext", ctypes.c_char_p, pointer)
    done = _function(fontconfig, "FcStrListDone", None, pointer)
    destroy = _function(fontconfig, "FcConfigDestroy", None, pointer)
    config = load()
    if not config:
        return "no fontconfig"
    paths: set[bytes] = set()
    try:
        fonts = get_fonts(config, 0)  # FcSetSystem: the fonts installed on the system
        file = ctypes.c_char_p()
        for index in range(fonts.contents.nfont if fonts else 0):
            found = get_string(fonts.contents.fonts[index], b"file", 0, ctypes.byref(file))
            if found == 0 and file.value:  # FcResultMatch
                paths.add(file.value)
        listing = settings_files(config)
        if listing:
            while (path := next_file(listing)) is not None:
                paths.add(path)
            done(listing)
    finally:
        destroy(config)
    digest = hashlib.sha256()
    for path in sorted(paths):
        try:
            stat = os.stat(path)
            seen = f"{stat.st_size}:{stat.st_mtime_ns}"
        except OSError:
            seen = "missing"
        digest.update(path + b"\0" + seen.encode() + b"\0")
    return digest.hexdigest()
