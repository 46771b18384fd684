"""Every output path and every URL between pages. Links are relative and name `index.html`
explicitly, so the portal works under any sub-path, on any static host and from the disk."""

from __future__ import annotations

import posixpath

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
    start = posixpath.dirname(from_path) or "."
    url = posixpath.relpath(target, start)
    if target.endswith("/"):
        url += "/"
    return f"{url}#{fragment}" if fragment else url
