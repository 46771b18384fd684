"""The size of an image a PDF loads, read from its header without decoding a pixel: WeasyPrint
leaves out, without a word, an image too large to draw, so gtm refuses it itself and says why."""

from __future__ import annotations

import io
import warnings

TOO_LARGE = "too large for a PDF"
"""In the reason an image was refused: `documents` reports those as `pdf-image`."""


def oversized_image(data: bytes, media_type: str = "") -> str | None:
    """Why an image is too large to draw, or None: WeasyPrint leaves out, without a word, an
    image that Pillow's decompression-bomb guard stops, so gtm refuses any over Pillow's limit
    itself and says why. The size comes from the header; no pixel is decoded. Pillow is asked
    only about files named as raster images in a format `image_size` does not read."""
    try:
        from PIL import Image
    except ImportError:
        return None
    limit = Image.MAX_IMAGE_PIXELS
    if not limit:
        return None
    advice = f"{TOO_LARGE}: use one under {limit // 1_000_000} megapixels"
    size = image_size(data)
    if size is None:
        if not media_type.startswith("image/") or media_type == "image/svg+xml":
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with Image.open(io.BytesIO(data)) as image:
                    size = image.size
        except Image.DecompressionBombError:
            return f"is more than {2 * limit // 1_000_000} megapixels, {advice}"
        except Exception:  # not an image Pillow can read; WeasyPrint will say no more
            return None
    width, height = size
    if width * height <= limit:
        return None
    return f"is {width:,}×{height:,} pixels, {advice}"


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the header of a PNG, GIF, JPEG or WebP image, or None for any
    other data. Pillow's `Image.open` refuses to tell the size of an image over twice its
    limit, which is exactly the size a warning needs to give."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The size in a JPEG's start-of-frame segment, found by walking the segments before it."""
    index = 2
    while index + 4 <= len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD9)):  # markers without a length
            index += 2
            continue
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if index + 9 > len(data):
                return None
            height = int.from_bytes(data[index + 5 : index + 7], "big")
            width = int.from_bytes(data[index + 7 : index + 9], "big")
            return width, height
        index += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """The canvas size of a lossy (VP8), lossless (VP8L) or extended (VP8X) WebP image."""
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        return width, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        return width, int.from_bytes(data[28:30], "little") & 0x3FFF
    return None
