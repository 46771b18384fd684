"""The kinds of artifact, each one record that every stage reads: its folder, its model, what a
reader calls one, its templates, where its pages and PDF go. A new kind is one entry here (and
its model and templates), not an edit in every module."""

from __future__ import annotations

from dataclasses import dataclass

from gtm.content.model import (
    Artifact,
    Competitor,
    Launch,
    Messaging,
    Page,
    Persona,
    Positioning,
    Product,
)


@dataclass(frozen=True)
class Document:
    """A kind's PDF: the print template that draws it, the folder under `pdf/`, and what it
    is called on the downloads page and in the PDF itself."""

    template: str
    folder: str
    label: str

    def path(self, ident: str) -> str:
        """`pdf/battlecards/pagestorm.pdf`."""
        return f"pdf/{self.folder}/{ident}.pdf"


@dataclass(frozen=True)
class Kind:
    """One kind of artifact."""

    name: str
    """Its folder under `content/` and under the output: `competitors`."""
    model: type[Artifact]
    singular: str
    """How a diagnostic names one: "competitor 'x' does not exist"."""
    label: str
    """How a reader names one: "Battlecard"."""
    title: str
    """Its list page and its place in the navigation: "Battlecards"."""
    template: str
    """The page template of one artifact."""
    list_template: str = "list.html"
    document: Document | None = None
    markdown: bool = False
    """Whether `gtm new` writes a `.md` file (a body is most of it) rather than `.yaml`."""
    words: tuple[str, ...] = ()
    """More names `gtm new` takes for it, beside its name, singular, label and title."""

    def page_path(self, ident: str) -> str:
        """`personas/devops-dana/index.html`; pages live at the top: `faq/index.html`."""
        return f"{ident}/index.html" if self.name == "pages" else f"{self.name}/{ident}/index.html"

    def list_path(self) -> str:
        return f"{self.name}/index.html"

    def pdf_path(self, ident: str) -> str | None:
        """Where an artifact's PDF goes, or None for kinds that have none."""
        return self.document.path(ident) if self.document else None


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("products", Product, "product", "Product", "Products", "product.html"),
        Kind(
            "personas",
            Persona,
            "persona",
            "Persona",
            "Personas",
            "persona.html",
            document=Document("print/persona.html", "personas", "Persona one-pager"),
        ),
        Kind(
            "competitors",
            Competitor,
            "competitor",
            "Battlecard",
            "Battlecards",
            "competitor.html",
            document=Document("print/battlecard.html", "battlecards", "Battlecard"),
        ),
        Kind(
            "positioning",
            Positioning,
            "positioning",
            "Positioning",
            "Positioning",
            "positioning.html",
        ),
        Kind(
            "messaging",
            Messaging,
            "message house",
            "Message house",
            "Messaging",
            "messaging.html",
            document=Document("print/messaging.html", "messaging", "Messaging guide"),
        ),
        Kind(
            "launches",
            Launch,
            "launch",
            "Launch",
            "Launches",
            "launch.html",
            list_template="launches.html",
            document=Document("print/launch-brief.html", "launch-briefs", "Launch brief"),
            markdown=True,
            words=("launch plan", "launch plans"),
        ),
        Kind("pages", Page, "page", "Guide", "Guides", "page.html", markdown=True),
    )
}
"""Every kind, in the order the portal lists them."""
