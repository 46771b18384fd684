"""A 900-megapixel image in a persona: its PDF is made without it, and the build says so at the
image in the content file (`pdf-image`), where WeasyPrint used to drop it without a word."""

from __future__ import annotations

import struct
import zlib

from PIL import Image

from tests.conftest import MakeProject, RunGtm

MEGAPIXELS = (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000


def huge_png() -> bytes:
    """68 bytes of PNG that declare 30,000 × 30,000 pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 30_000, 30_000, 8, 0, 0, 0, 0))
    return (
        b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
    )


PERSONA = """\
---
name: DevOps Dana
role: Head of Platform Engineering
buying_role: champion
goals: [Fewer pages]
pains: [Alert noise]
---
## Her team

![Org chart](../../assets/org-chart.png)
"""


def test_a_huge_image_is_a_warning_at_its_place(make_project: MakeProject, run_gtm: RunGtm) -> None:
    root = make_project(
        {
            "content/personas/dana.md": PERSONA,
            "content/assets/org-chart.png": huge_png(),
        }
    )
    message = (
        "content/personas/dana.md:10:20: warning: the image 'assets/org-chart.png' is "
        f"30,000×30,000 pixels, too large for a PDF: use one under {MEGAPIXELS} megapixels"
    )
    for cached in (False, True):  # the warning comes back with a PDF from the cache
        result = run_gtm("build", project=root)
        assert result.exit_code == 0, result.output
        assert f"2 PDFs ({2 if cached else 0} unchanged)" in result.output
        assert [line for line in result.stdout.splitlines() if ": warning: " in line] == [
            f"{message} (pdf/personas/dana.pdf was made without it)",
            f"{message} (pdf/sales-kit.pdf was made without it)",
        ]
    assert (root / "output/pdf/personas/dana.pdf").read_bytes().startswith(b"%PDF-")
    assert (root / "output/assets/org-chart.png").is_file()  # the portal still links it


def test_json_names_the_code(make_project: MakeProject, run_gtm: RunGtm) -> None:
    root = make_project(
        {
            "content/personas/dana.md": PERSONA,
            "content/assets/org-chart.png": huge_png(),
        }
    )
    result = run_gtm("build", "--format", "json", "--quiet", project=root)
    assert result.exit_code == 0, result.output
    assert result.output.count('"code": "pdf-image"') == 2
