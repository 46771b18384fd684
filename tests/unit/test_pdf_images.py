"""Images too large for a PDF: WeasyPrint leaves out, without a word, any image that Pillow's
decompression-bomb guard stops, so gtm reads each image's size from its header (no pixel is
decoded) and refuses one over Pillow's limit itself, with a warning that gives the size."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from gtm.render.images import TOO_LARGE, image_size, oversized_image
from gtm.render.pdf import ROOT_URL, Confinement, PdfJob, render_pdf

LIMIT = Image.MAX_IMAGE_PIXELS
assert LIMIT is not None
MEGAPIXELS = LIMIT // 1_000_000


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG that declares `width` × `height` pixels: its IHDR, one IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 16)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def saved(size: tuple[int, int], format: str, **options: object) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(stream, format=format, **options)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("format", "options"),
    [
        ("PNG", {}),
        ("GIF", {}),
        ("JPEG", {}),
        ("JPEG", {"progressive": True}),
        ("JPEG", {"exif": b"Exif\0\0" + b"\0" * 64}),
        ("WEBP", {"lossless": False}),
        ("WEBP", {"lossless": True}),
    ],
)
@pytest.mark.parametrize("size", [(1, 1), (37, 5), (640, 481)])
def test_sizes_are_read_from_the_header_as_pillow_reads_them(
    format: str, options: dict[str, object], size: tuple[int, int]
) -> None:
    data = saved(size, format, **options)
    with Image.open(io.BytesIO(data)) as image:
        assert image_size(data) == image.size == size


def test_an_extended_webp_gives_its_canvas() -> None:
    data = saved((300, 200), "WEBP", exif=b"Exif\0\0" + b"\0" * 16)
    assert data[12:16] == b"VP8X"
    assert image_size(data) == (300, 200)


@pytest.mark.parametrize("data", [b"", b"body { color: red }", b"<svg/>", b"\xff\xd8\xff", b"RIFF"])
def test_other_data_has_no_size(data: bytes) -> None:
    assert image_size(data) is None
    assert oversized_image(data, "text/css") is None


def test_a_huge_declared_png_is_too_large_without_being_decoded() -> None:
    data = png_header(30_000, 30_000)
    assert len(data) < 100
    assert oversized_image(data, "image/png") == (
        f"is 30,000×30,000 pixels, {TOO_LARGE}: use one under {MEGAPIXELS} megapixels"
    )


def test_the_limit_is_pillows() -> None:
    side = int(LIMIT**0.5)
    assert oversized_image(png_header(side, side), "image/png") is None
    assert oversized_image(png_header(side + 1, side + 1), "image/png") is not None


def test_formats_gtm_does_not_read_are_sized_by_pillow() -> None:
    small = saved((20, 10), "BMP")
    assert image_size(small) is None and oversized_image(small, "image/bmp") is None
    header = bytearray(saved((1, 1), "BMP"))
    header[18:26] = struct.pack("<ii", 12_000, 12_000)  # 144 megapixels: Pillow only warns
    assert oversized_image(bytes(header), "image/bmp") == (
        f"is 12,000×12,000 pixels, {TOO_LARGE}: use one under {MEGAPIXELS} megapixels"
    )
    header[18:26] = struct.pack("<ii", 30_000, 30_000)  # Pillow refuses to give the size
    assert oversized_image(bytes(header), "image/bmp") == (
        f"is more than {2 * LIMIT // 1_000_000} megapixels, {TOO_LARGE}: use one under "
        f"{MEGAPIXELS} megapixels"
    )


def test_the_fetcher_refuses_a_huge_image_once_and_remembers_its_bytes(tmp_path: Path) -> None:
    (tmp_path / "huge.png").write_bytes(png_header(30_000, 30_000))
    confinement = Confinement({"assets/huge.png": str(tmp_path / "huge.png")})
    url = ROOT_URL + "assets/huge.png"
    assert confinement.read(url) is None
    confinement.refuse(url)
    assert [url for url, _ in confinement.refused] == ["assets/huge.png"]
    assert TOO_LARGE in confinement.refused[0][1]
    assert list(confinement.fetched) == ["assets/huge.png"]  # a new image renders again


def test_the_fetcher_never_reads_through_a_link(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "logo.svg").symlink_to(tmp_path / "secret.txt")
    confinement = Confinement({"assets/logo.svg": str(tmp_path / "logo.svg")})
    assert confinement.read(ROOT_URL + "assets/logo.svg") is None
    assert confinement.fetched == {}


def test_a_pdf_with_a_huge_image_renders_without_it_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "huge.png").write_bytes(png_header(30_000, 30_000))
    files = {"assets/huge.png": str(tmp_path / "huge.png")}
    html = '<html><body><p>Org chart</p><img src="../../assets/huge.png"></body></html>'
    result = render_pdf(PdfJob("pdf/personas/dana.pdf", html, "pdf/personas/dana.pdf"), files)
    assert result.error is None and result.data is not None
    assert result.refused == [
        (
            "assets/huge.png",
            f"is 30,000×30,000 pixels, {TOO_LARGE}: use one under {MEGAPIXELS} megapixels",
        )
    ]
