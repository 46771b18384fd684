"""`gtm check`, and the first half of every build: read → validate → link → check, with every
problem collected. It never renders, so it imports no template engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gtm.changes import ChangeSet
from gtm.content.commonmark import may_link
from gtm.content.markdown import MarkdownMemo, MarkdownPass
from gtm.content.model import Brand
from gtm.content.project import Project, RunOptions
from gtm.content.reading import ContentFile, discover, find_assets, read_file
from gtm.content.sources import SourceMemo, parse_sources
from gtm.content.validate import Item, Validated, validate_source
from gtm.content.yamldoc import YamlMemo
from gtm.diagnostics import Diagnostic, Diagnostics
from gtm.memo import PerFile
from gtm.render.theme import Theme, load_theme
from gtm.site.anchors import check_written_links
from gtm.site.facts import Facts, derive_facts
from gtm.site.link import LinkMemo, Site, known_items, link_site, markdown_texts
from gtm.site.routes import portal_paths
from gtm.site.rules import ItemFindings, run_item_checks, run_site_checks

THEME_LINK = "is a link: gtm publishes only real files from a theme's static/; copy it here"
MARKDOWN_CACHE = "markdown.json"
YAML_CACHE = "yaml.json"


@dataclass
class CheckMemos:
    """What reading, validating and linking found, by each file's digest: a one-off run starts
    from what the build cache holds; `gtm serve` keeps one for its whole session, so a save
    works out again only what it changed."""

    sources: SourceMemo = field(default_factory=SourceMemo)
    validated: Validated = field(default_factory=PerFile)
    markdown: MarkdownMemo = field(default_factory=MarkdownMemo)
    links: LinkMemo = field(default_factory=LinkMemo)
    rules: ItemFindings = field(default_factory=PerFile)
    compiled_files: PerFile[bool] = field(default_factory=PerFile)
    """The files whose Markdown the session compiled; a text let go of since is compiled
    again when a page shows it."""

    def apply(self, change: ChangeSet) -> None:
        """Lets go of what `change` made out of date: the files it touched are read again, and
        a new gtm.toml is validated and linked against again."""
        self.sources.forget_reads(change.paths)
        if change.config:
            self.forget_config()

    def forget_config(self) -> None:
        """After gtm.toml changed: what depends on it is worked out again (reading, parsing and
        Markdown are kept: their keys hold all they depend on)."""
        self.validated = PerFile()
        self.links = LinkMemo()
        self.rules = PerFile()


@dataclass(frozen=True)
class CheckResult:
    """The linked site and every problem found on the way, sorted as users read them."""

    site: Site
    diagnostics: list[Diagnostic]
    files: int
    theme: Theme
    facts: Facts
    """What the build derives from the content and the date, once, for every stage."""
    assets: dict[str, Path] = field(default_factory=dict)
    """The files of `content/assets/`, by output path."""


@dataclass
class Loaded:
    """The project read and validated, not linked yet."""

    items: list[Item]
    brand: Brand | None
    unread: set[tuple[str, str]]
    """Content files that could not be read as an artifact: they exist for references."""
    theme: Theme
    assets: dict[str, Path]
    files: int


class Checker:
    """The first half of the pipeline for one project and one set of options. A one-off run
    takes what the last build parsed and compiled from the build cache and works through the
    Markdown in worker processes while the fields are parsed; a `gtm serve` session hands in
    its memos (`session`), which hold the Markdown of every file that did not change."""

    memos: CheckMemos

    def __init__(
        self, project: Project, options: RunOptions, session: CheckMemos | None = None
    ) -> None:
        self.project = project
        self.options = options
        self.session = session is not None
        self.memos = session if session is not None else self.new_memos()
        self.diagnostics = Diagnostics()
        self.allow_html = project.config.markdown.allow_html
        if not self.session:
            cache = project.cache
            self.memos.sources.yaml = YamlMemo.from_payload(cache.read(YAML_CACHE))
            self.memos.markdown = MarkdownMemo.from_payload(cache.read(MARKDOWN_CACHE))
        if self.session and self.memos.sources.reads is None:
            self.memos.sources.reads = {}

    def new_memos(self) -> CheckMemos:
        return CheckMemos()

    def check(self) -> CheckResult:
        """Reads, validates, links and checks the whole project, collecting every problem."""
        with self.markdown_pass(compile=False) as markdown:
            loaded = self.load(markdown)
            markdown.finish()
        return self.link(loaded)

    def markdown_pass(self, compile: bool) -> MarkdownPass:
        return MarkdownPass(self.memos.markdown, compile, self.allow_html, self.options.jobs)

    def load(self, markdown: MarkdownPass) -> Loaded:
        """Reads and validates every file, handing `markdown` the bodies while the fields are
        parsed, then the Markdown of the fields."""
        project, diagnostics, memos = self.project, self.diagnostics, self.memos
        theme = load_theme(project.root, project.config.build.theme)
        for link in theme.static_links():
            diagnostics.warning(project.relative(link), 1, 1, "theme-link", THEME_LINK)
        listed = discover(project.content_dir, project.root, diagnostics)
        found = (
            read_file(kind, path, project.root, diagnostics, memos.sources.reads)
            for kind, path in listed
        )
        files = [file for file in found if file is not None]
        assets = find_assets(project.content_dir, project.root, diagnostics)
        if not self.session:
            markdown.give(self._bodies(files, markdown.compiles))
        sources = parse_sources(files, diagnostics, memos.sources)
        count = len(sources)
        del files  # the bytes, which the sources no longer need
        items: list[Item] = []
        brands: list[Brand] = []
        for source in sources:
            result = validate_source(source, diagnostics, memos.validated)
            if isinstance(result, Brand):
                brands.append(result)
            elif result is not None:
                items.append(result)
        markdown.give(self._texts(items, markdown.compiles))
        unread = {(kind, path.stem) for kind, path in listed if kind != "brand"}
        unread -= {(item.kind, item.id) for item in items}
        brand = brands[-1] if brands else None
        run_item_checks(known_items(items).values(), brand, diagnostics, memos.rules)
        return Loaded(items, brand, unread, theme, assets, count)

    def link(self, loaded: Loaded) -> CheckResult:
        """Links the items into the site, runs the rules and follows the links written in the
        content."""
        memos, options, diagnostics = self.memos, self.options, self.diagnostics
        site = link_site(
            loaded.items,
            loaded.brand,
            options,
            diagnostics,
            loaded.unread,
            self.allow_html,
            memos.links,
            memos.markdown,
        )
        config = self.project.config
        facts = derive_facts(site, config, options.today)
        run_site_checks(site, config, options.today, diagnostics, facts, options.audience)
        exists = _build_files(site, options, loaded.theme, loaded.assets)
        check_written_links(
            site, exists, self.allow_html, diagnostics, memos.markdown, options.audience
        )
        found = diagnostics.sorted()
        return CheckResult(site, found, loaded.files, loaded.theme, facts, loaded.assets)

    def _bodies(self, files: list[ContentFile], compiling: bool) -> list[str]:
        bodies = (body for file in files if (body := file.markdown_body()) is not None)
        return list(bodies) if compiling else [b for b in bodies if may_link(b, self.allow_html)]

    def _texts(self, items: list[Item], compiling: bool) -> list[str]:
        """The Markdown of the fields (and bodies) to work on: a session's build only that of
        the files it did not compile yet; a check only the texts that may hold a link."""
        if compiling and self.session:
            items = [item for item in items if self._not_compiled(item)]
        texts = markdown_texts(items, self.memos.links.texts)
        return list(texts) if compiling else [t for t in texts if may_link(t, self.allow_html)]

    def _not_compiled(self, item: Item) -> bool:
        key = (item.path, item.source.digest, self.allow_html)
        if key in self.memos.compiled_files:
            return False
        self.memos.compiled_files.get(key, lambda: True)
        return True


def _build_files(
    site: Site, options: RunOptions, theme: Theme, assets: dict[str, Path]
) -> set[str]:
    """The output paths of every file a build of this site writes."""
    shown = {kind: items.keys() for kind, items in site.items.items()}
    files = portal_paths(shown, options.pdf)
    files.update(f"static/{name}" for name in theme.static_files())
    files.update(assets)
    return files


def owner_key(name: str) -> str:
    """How owners are compared: case and spacing aside, and without a trailing "(team)", so
    `--owner "Sofia Alvarez"` finds "Sofia Alvarez (Competitive Intelligence)"."""
    words = " ".join(name.split()).casefold()
    return words.split(" (", 1)[0] if words.endswith(")") else words


def owned_problems(result: CheckResult, owner: str) -> list[Diagnostic] | None:
    """The problems in the files of the artifacts `owner` owns, or None when no artifact has
    that owner (a misspelt name should not look like a clean run)."""
    wanted = owner_key(owner)
    paths = {
        item.path
        for item in result.site.known.values()
        if item.fields.owner is not None and owner_key(item.fields.owner) == wanted
    }
    if not paths:
        return None
    return [d for d in result.diagnostics if d.path in paths]


def owners(result: CheckResult) -> list[str]:
    """Every owner named in the project as `--owner` takes them (without a "(team)"), for a
    suggestion."""
    named = (i.fields.owner for i in result.site.known.values() if i.fields.owner)
    return sorted({" ".join(n.split()).split(" (", 1)[0] if n.endswith(")") else n for n in named})
