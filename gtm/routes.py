"""Every output path and every URL between pages. Links are relative and name `index.html`
explicitly, so the portal works under any sub-path, on any static host and from the disk."""

from __future__ import annotations

import posixpath
from functools import lru_cache

PDF_FOLDERS = {
    "competitors": "battlecards",
    "launches": "launch-briefs",
    "personas": "personas",
    "messaging": "messaging",
}
SALES_KIT = "pdf/sales-kit.pdf"


def item_path(kind: str, ident: str) -> str:
    """`personas/devops-dana/index.html`; pages live at the top: `faq/index.html`."""
    return f"{ident}/index.html" if kind == "pages" else f"{kind}/{ident}/index.html"


def list_path(kind: str) -> str:
    return f"{kind}/index.html"


def pdf_path(kind: str, ident: str) -> str | None:
    """Where an artifact's PDF goes, or None for kinds that have none."""
    folder = PDF_FOLDERS.get(kind)
    return f"pdf/{folder}/{ident}.pdf" if folder else None


def relative_url(from_path: str, to_path: str) -> str:
    """The link from the page at `from_path` to the file at `to_path`, both output paths."""
    if to_path.startswith("#"):
        return to_path
    target, _, fragment = to_path.partition("#")
    url = _relative(posixpath.dirname(from_path), target)
    return f"{url}#{fragment}" if fragment else url


@lru_cache(maxsize=4096)
def _relative(folder: str, target: str) -> str:
    """`posixpath.relpath` for two clean output paths, without its trips to the file system's
    idea of the current folder: a large portal computes tens of thousands of these."""
    here = folder.split("/") if folder else []
    there = target.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    parts = [".."] * (len(here) - common) + there[common:]
    url = "/".join(parts) or "."
    return url + "/" if target.endswith("/") and not url.endswith("/") else url
