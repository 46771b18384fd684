"""A deterministic gtm project of any size, for benchmarks.

    python benchmarks/corpus.py N OUT_DIR [--proofs text|claims]

writes OUT_DIR/gtm.toml and OUT_DIR/content/ with N artifacts of every kind in the proportions of
a real GTM team (per 1,000: 20 products, 150 personas, 150 competitors, 60 positionings, 40
message houses, 80 launches, 500 guides). Every reference is valid, every Markdown body (300 to
1,500 words) has headings, tables, lists and `gtm:` links, and the project checks with zero
errors and zero warnings on SOURCE_DATE_EPOCH=1795435200 (2026-11-23). The same N always gives
the same bytes: only the standard library and one seeded `random.Random` are used.

With `--proofs`, every competitor, positioning and message house has exactly five proof points
(`text`), or the same five as claims with a source, a link, a date and a kind (`claims`): the
two corpora differ only in that, so timing one against the other measures what claims cost.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 20261123
TODAY = date(2026, 11, 23)
"""The day SOURCE_DATE_EPOCH=1795435200 stands for; review dates and milestones are near it."""

PROPORTIONS: tuple[tuple[str, int], ...] = (
    ("products", 20),
    ("personas", 150),
    ("competitors", 150),
    ("positioning", 60),
    ("messaging", 40),
    ("launches", 80),
    ("pages", 500),
)

PDF_PORTAL = {
    "products": 6,
    "personas": 200,
    "competitors": 60,
    "positioning": 12,
    "messaging": 10,
    "launches": 30,
    "pages": 20,
}
"""`--pdf-portal`: 300 documents (60 battlecards, 200 persona one-pagers, 30 launch briefs and 10
messaging guides) and the sales kit, for the PDF benchmark (`pdf_floor.py`)."""

TIERS: dict[int, tuple[list[str], list[str]]] = {
    1: (
        ["pr", "blog", "email", "sales", "social"],
        ["battlecard", "launch-brief", "deck", "blog-post", "demo-video"],
    ),
    2: (["blog", "email", "in-app"], ["launch-brief", "blog-post"]),
    3: (["changelog"], ["release-notes"]),
}

# --- vocabulary -------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PRODUCT_NOUNS = _words(
    "Relay Beacon Ledger Harbor Atlas Quill Orbit Lumen Vector Forge Summit Prism Tally Canopy "
    "Keystone Meridian Pulse Compass Anchor Cadence Horizon Lattice Mosaic Nimbus Pillar Quarry "
    "Ridge Signal Tandem Vista Willow Zenith Bastion Cobalt Delta Ember Fathom Granite Juniper"
)
PRODUCT_SUFFIXES = ("", " Cloud", " Edge", " Insights", " Flow", " Studio")
CATEGORIES = (
    "paging and incident response platform",
    "usage-based billing platform",
    "data pipeline observability",
    "customer onboarding automation",
    "cloud cost management",
    "security posture management",
    "product analytics",
    "feature flag management",
    "API gateway and developer portal",
    "revenue operations analytics",
)
FEATURE_NAMES = (
    "Service-aware routing",
    "Noise reduction",
    "Incident workflows",
    "Schedules and overrides",
    "Usage metering",
    "Invoice automation",
    "Revenue recognition",
    "Lineage explorer",
    "Freshness alerts",
    "Schema change alerts",
    "Guided onboarding",
    "In-app checklists",
    "Cost allocation",
    "Budget alerts",
    "Rightsizing advice",
    "Policy packs",
    "Drift detection",
    "Audit log",
    "Single sign-on",
    "SCIM provisioning",
    "Funnels",
    "Cohort retention",
    "Percentage rollouts",
    "Kill switches",
    "Rate limiting",
    "Developer portal",
    "Forecasting",
    "Pipeline inspection",
    "Slack app",
    "Mobile app",
    "Data residency",
    "Executive dashboards",
)
FIRST_NAMES = _words(
    "Dana Carla Sam Victor Priya Owen Maya Jordan Lena Nate Ravi Tom Iris Sofia Ada Ben Chloe "
    "Diego Elena Farid Grace Hiro Ines Jamal Kira Liam Mona Nils Olga Pablo Quinn Rosa Sven "
    "Tara Umar Vera Wes Xena Yusuf Zoe"
)
ROLES = (
    ("DevOps", "Head of Platform Engineering", "champion"),
    ("CFO", "Chief Financial Officer", "economic_buyer"),
    ("SRE", "Site Reliability Engineer", "user"),
    ("VP Eng", "VP of Engineering", "decision_maker"),
    ("CISO", "Chief Information Security Officer", "decision_maker"),
    ("RevOps", "Revenue Operations Manager", "champion"),
    ("Data", "Head of Data Engineering", "champion"),
    ("Procurement", "Procurement Lead", "influencer"),
    ("Product", "Director of Product Management", "influencer"),
    ("Support", "Support Engineering Manager", "user"),
    ("CTO", "Chief Technology Officer", "decision_maker"),
    ("FinOps", "FinOps Practitioner", "user"),
    ("Growth", "Growth Marketing Lead", "influencer"),
    ("Controller", "Financial Controller", "economic_buyer"),
)
SEGMENTS = ("Mid-market SaaS", "Enterprise", "Scale-up", "Public sector", "SMB", "Fintech")
SIZES = ("50-200 employees", "200-2,000 employees", "2,000-10,000 employees", "10,000+ employees")
INDUSTRIES = (
    "B2B software",
    "Fintech",
    "E-commerce",
    "Healthtech",
    "Media",
    "Logistics",
    "Insurance",
    "Gaming",
    "Education",
    "Manufacturing",
)
CHANNELS_REACH = (
    "Slack communities",
    "Peer groups",
    "Analyst reports",
    "Conference talks",
    "Engineering blogs",
    "Customer references",
    "Finance newsletters",
    "Podcasts",
    "LinkedIn",
    "Procurement reviews",
)
COMPANY_PREFIXES = _words(
    "Page Siren Alert Storm Pager Signal Watch Bright Swift Iron Blue Clear Deep Fast Grid "
    "Hyper Keen Loop Metric North Open Peak Quant Rapid Stack True Vast Wave Zero Core"
)
COMPANY_SUFFIXES = _words(
    "storm works ly hub forge base wise line stack flow scope pilot grid ops desk bit mint cast "
    "loop mark"
)
OWNERS = (
    "Maya Chen (Product Marketing)",
    "Jordan Reyes (Director, Product Marketing)",
    "Sofia Alvarez (Competitive Intelligence)",
    "Tom Becker (Sales Enablement)",
    "Nate Kim (Content)",
    "Ravi Shah (Demand Generation)",
    "Lena Ortiz (Communications)",
    "Priya Natarajan (Product)",
    "Iris Moreau (Design)",
    "Owen Park (Finance)",
)
TAGS = _words(
    "q1-2027 q2-2027 enterprise mid-market renewal expansion competitive pricing onboarding "
    "security analytics partner emea apac americas flagship self-serve plg sales-led"
)
SUBJECTS = (
    "The platform team",
    "Every account executive",
    "Our champion",
    "The economic buyer",
    "Customer success",
    "The security reviewer",
    "A new engineering manager",
    "The procurement lead",
    "Product marketing",
    "The solutions engineer",
    "Most mid-market buyers",
    "The operations lead",
    "Finance",
    "The analyst team",
    "Each regional team",
    "The incumbent vendor",
    "A typical trial account",
    "The data team",
    "Support engineering",
    "The CIO",
)
VERBS = (
    "needs",
    "expects",
    "compares",
    "measures",
    "asks for",
    "reviews",
    "depends on",
    "cares about",
    "pushes back on",
    "signs off on",
    "reports on",
    "tracks",
    "questions",
    "prioritises",
    "budgets for",
    "wants proof of",
    "looks for",
    "rolls out",
    "standardises on",
    "evaluates",
)
OBJECTS = (
    "the three-year cost",
    "time to value",
    "a clean migration plan",
    "audit evidence",
    "the renewal price",
    "fewer manual handoffs",
    "clear service ownership",
    "a predictable rollout",
    "usage-based pricing",
    "single sign-on and SCIM",
    "the integration list",
    "the pilot results",
    "weekly adoption numbers",
    "data residency options",
    "the security questionnaire",
    "a reference customer",
    "the onboarding checklist",
    "dashboards for executives",
    "faster response times",
    "a named support contact",
)
TAILS = (
    "before the quarter closes",
    "in the first ninety days",
    "during the trial",
    "after every re-org",
    "at renewal time",
    "when headcount grows",
    "across every region",
    "before signing",
    "in the board deck",
    "for the next budget cycle",
    "with no extra headcount",
    "without a second tool",
    "once the pilot ends",
    "in the weekly pipeline review",
    "ahead of the audit",
    "",
    "",
)
OPENERS = ("", "", "", "In practice, ", "Usually, ", "In most deals, ", "Even so, ", "Today, ")
HEADINGS = (
    "Summary",
    "Background",
    "Who this is for",
    "What changed",
    "How to use this",
    "Talk track",
    "Discovery questions",
    "Proof points",
    "Pricing notes",
    "Objection handling",
    "Rollout plan",
    "Risks and mitigations",
    "Metrics",
    "Open questions",
    "Next steps",
    "Customer evidence",
    "Competitive context",
    "Enablement",
    "Timeline",
    "Frequently asked questions",
    "Resources",
    "Glossary",
    "Regional notes",
    "Partner notes",
    "Lessons learned",
    "Qualification",
    "Packaging",
    "Success criteria",
)
SUBHEADINGS = (
    "For champions",
    "For executives",
    "For finance",
    "In enterprise deals",
    "In mid-market deals",
    "In renewals",
    "In EMEA",
    "In APAC",
)
TABLES = (
    ("Metric", "Baseline", "Target", "Owner"),
    ("Deal stage", "Section", "Why"),
    ("Capability", "Status", "What changes for customers"),
    ("Question", "Answer"),
    ("Segment", "Deal size", "Sales cycle", "Win rate"),
    ("Asset", "Owner", "Due", "Ready"),
)
CELL_WORDS = (
    "Imported",
    "Included in Business",
    "Beta",
    "GA",
    "Planned for Q2",
    "Rebuilt from templates",
    "Configured",
    "None",
    "Discovery",
    "Evaluation",
    "Late stage",
    "Shared with the buyer",
    "Internal only",
)
CODE_WORDS = ("services.yaml", "/relay page", "billing.csv", "SSO", "SCIM", "export --all")
GOAL_METRICS = (
    "New pipeline sourced in 90 days",
    "Win rate against the incumbent",
    "Accounts using the new capability",
    "Launch webinar registrations",
    "Trial to paid conversion",
    "Expansion revenue in 60 days",
)
EXTRA_CHANNELS = ("webinar", "events", "paid", "partners", "community")
EXTRA_ASSETS = ("email", "listing", "one-pager", "faq", "case-study")
PAGE_TOPICS = (
    "How to run a {} review",
    "Using {} in discovery",
    "Playbook: {} for new reps",
    "FAQ: {} and pricing",
    "Guide to {} handoffs",
    "Checklist for {} launches",
    "Notes on {} renewals",
    "Template: {} briefing",
)
PAGE_THEMES = (
    "battlecard",
    "pipeline",
    "onboarding",
    "pricing",
    "security",
    "partner",
    "regional",
    "analyst",
    "webinar",
    "renewal",
    "expansion",
    "trial",
)

# --- small helpers ----------------------------------------------------------------------------

PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()'/%$&+-]*")
FLOW_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .'/+-]*")
YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def slug(text: str, limit: int = 48) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")


def scalar(text: str) -> str:
    """A YAML scalar for `text`: plain when that is safe, else double-quoted (JSON is YAML)."""
    if PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow_list(items: Iterable[str]) -> str:
    parts = []
    for item in items:
        if FLOW_PLAIN.fullmatch(item) and item.lower() not in YAML_WORDS:
            parts.append(item)
        else:
            parts.append(json.dumps(item, ensure_ascii=False))
    return "[" + ", ".join(parts) + "]"


def wrap(text: str, width: int = 88) -> list[str]:
    lines: list[str] = []
    current: list[str] = []
    size = 0
    for word in text.split():
        if current and size + len(word) + 1 > width:
            lines.append(" ".join(current))
            current, size = [], 0
        current.append(word)
        size += len(word) + 1
    if current:
        lines.append(" ".join(current))
    return lines


def text_field(key: str, text: str, indent: str = "", lead: str | None = None) -> str:
    """`key: value` on one line, or a folded block for long text, as people write YAML.
    `lead` replaces the indent on the key's line (`  - ` for the first key of a record)."""
    head = indent if lead is None else lead
    if len(text) <= 72:
        return f"{head}{key}: {scalar(text)}\n"
    inner = indent + "  "
    return f"{head}{key}: >-\n" + "".join(f"{inner}{line}\n" for line in wrap(text))


def literal_field(key: str, markdown: str, indent: str = "") -> str:
    inner = indent + "  "
    lines = markdown.rstrip("\n").split("\n")
    return f"{indent}{key}: |\n" + "".join(f"{inner}{line}\n" if line else "\n" for line in lines)


def trim(text: str, limit: int) -> str:
    """At most `limit` words, ending with a full stop."""
    words = text.split()
    if len(words) <= limit:
        return text
    return " ".join(words[:limit]).rstrip(",;.") + "."


@dataclass
class Target:
    kind: str
    id: str
    name: str


@dataclass(frozen=True)
class Body:
    """One artifact's Markdown body, for writing the same text as another generator's project."""

    kind: str
    id: str
    name: str
    markdown: str


@dataclass
class ProductPlan:
    id: str
    name: str
    category: str
    features: list[tuple[str, str]]
    houses: list[str] = field(default_factory=list)


class Writer:
    """Text that reads like GTM prose, and Markdown bodies made of it."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.targets: list[Target] = []

    def sentence(self) -> str:
        r = self.rng
        tail = r.choice(TAILS)
        opener = r.choice(OPENERS)
        subject = r.choice(SUBJECTS)
        if opener and not subject.split()[0].isupper():
            subject = subject[0].lower() + subject[1:]
        words = [opener + subject, r.choice(VERBS), r.choice(OBJECTS)]
        if r.random() < 0.2:
            words.append(f"by {r.randint(5, 70)}%")
        if tail:
            words.append(tail)
        return " ".join(words) + "."

    def sentences(self, count: int) -> str:
        return " ".join(self.sentence() for _ in range(count))

    def short(self, low: int = 4, high: int = 9) -> str:
        """A phrase for a list item or a field: a sentence cut to a few words."""
        text = self.sentence().rstrip(".")
        words = text.split()[: self.rng.randint(low, high)]
        return " ".join(words).rstrip(",")

    def link(self) -> str:
        target = self.rng.choice(self.targets)
        return f"[{target.name}](gtm:{target.kind}/{target.id})"

    def linked_sentence(self) -> str:
        return f"See {self.link()} for {self.rng.choice(OBJECTS)}. {self.sentence()}"

    def paragraph(self) -> tuple[str, int]:
        parts = [self.sentence() for _ in range(self.rng.randint(3, 6))]
        if self.rng.random() < 0.35:
            parts.insert(self.rng.randrange(len(parts) + 1), self.linked_sentence())
        if self.rng.random() < 0.25:
            parts.append(f"Keep `{self.rng.choice(CODE_WORDS)}` **up to date** in every account.")
        text = " ".join(parts)
        return "\n".join(wrap(text)), len(text.split())

    def bullets(self, ordered: bool = False) -> tuple[str, int]:
        items = []
        for n in range(1, self.rng.randint(3, 7) + 1):
            text = self.sentence()
            roll = self.rng.random()
            if roll < 0.25:
                text = f"**{self.short(2, 4)}.** {text}"
            elif roll < 0.45:
                text = f"{self.link()}: {text}"
            elif roll < 0.55:
                text = f"~~{self.short(2, 4)}~~ {text}"
            items.append((f"{n}. " if ordered else "- ") + text)
        return "\n".join(items), sum(len(i.split()) for i in items)

    def tasks(self) -> tuple[str, int]:
        items = [
            f"- [{'x' if self.rng.random() < 0.5 else ' '}] {self.short()}"
            for _ in range(self.rng.randint(3, 6))
        ]
        return "\n".join(items), sum(len(i.split()) for i in items)

    def table(self) -> tuple[str, int]:
        header = self.rng.choice(TABLES)
        rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for _ in range(self.rng.randint(3, 8)):
            cells = []
            for column in range(len(header)):
                roll = self.rng.random()
                if column == 0:
                    cells.append(self.short(2, 5))
                elif roll < 0.4:
                    cells.append(f"{self.rng.randint(2, 95)}%")
                elif roll < 0.75:
                    cells.append(self.rng.choice(CELL_WORDS))
                else:
                    cells.append(self.short(3, 7))
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows), sum(len(r.split()) for r in rows[2:])

    def body(self, words: int) -> str:
        """Markdown of about `words` words: sections with paragraphs, lists, tables, alerts."""
        r = self.rng
        blocks: list[str] = []
        total = 0
        text, n = self.paragraph()
        blocks.append(text)
        total += n
        headings = r.sample(HEADINGS, len(HEADINGS))
        footnote = False
        while total < words:
            heading = headings.pop() if headings else f"Notes {len(blocks)}"
            blocks.append(f"## {heading}")
            for _ in range(r.randint(1, 3)):
                roll = r.random()
                if roll < 0.45:
                    text, n = self.paragraph()
                elif roll < 0.6:
                    text, n = self.bullets()
                elif roll < 0.7:
                    text, n = self.bullets(ordered=True)
                elif roll < 0.82:
                    text, n = self.table()
                elif roll < 0.88:
                    text, n = self.tasks()
                elif roll < 0.94:
                    kind = r.choice(("NOTE", "TIP", "WARNING", "IMPORTANT"))
                    lines = wrap(self.sentences(2), 80)
                    text = f"> [!{kind}]\n" + "\n".join(f"> {line}" for line in lines)
                    n = sum(len(line.split()) for line in lines)
                else:
                    sub = r.choice(SUBHEADINGS)
                    text, n = self.paragraph()
                    text = f"### {sub}\n\n{text}"
                if roll < 0.45 and not footnote and r.random() < 0.1:
                    text += "[^source]"
                    footnote = True
                blocks.append(text)
                total += n
        if footnote:
            blocks.append(f"[^source]: {self.sentence()}")
        return "\n\n".join(blocks) + "\n"


# --- the corpus -------------------------------------------------------------------------------


def counts(n: int) -> dict[str, int]:
    """Artifacts per kind for a corpus of `n` (largest remainders; every kind at least one)."""
    total = sum(weight for _, weight in PROPORTIONS)
    exact = {kind: n * weight / total for kind, weight in PROPORTIONS}
    result = {kind: max(1, int(value)) for kind, value in exact.items()}
    order = sorted(exact, key=lambda k: exact[k] - int(exact[k]), reverse=True)
    for kind in order:
        if sum(result.values()) >= n:
            break
        result[kind] += 1
    return result


PROOFS_EACH = 5
CLAIM_SOURCES = ("customer interview", "case study", "beta cohort", "analyst report", "QBR")
CLAIM_KINDS = ("customer", "customer", "benchmark", "analyst", "estimate")


class Corpus:
    def __init__(
        self,
        n: int,
        seed: int = SEED,
        proofs: str | None = None,
        kinds: dict[str, int] | None = None,
    ) -> None:
        self.proofs = proofs
        self.rng = random.Random(seed)
        self.writer = Writer(self.rng)
        self.n = n
        self.counts = dict(kinds) if kinds is not None else counts(n)
        self.files: dict[str, str] = {}
        self.bodies: list[Body] = []
        self.products: list[ProductPlan] = []
        self.personas: list[Target] = []
        self.competitors: list[Target] = []
        self.houses: list[tuple[str, str, str]] = []  # id, name, product id
        self.house_pillars: dict[str, list[str]] = {}
        self.draft_pages: set[str] = set()

    # names first, so that every file can link to every other

    def plan(self) -> None:
        r = self.rng
        c = self.counts
        for i in range(c["products"]):
            noun = PRODUCT_NOUNS[i % len(PRODUCT_NOUNS)]
            suffix = PRODUCT_SUFFIXES[(i // len(PRODUCT_NOUNS)) % len(PRODUCT_SUFFIXES)]
            name = f"Acme {noun}{suffix}"
            rounds = i // (len(PRODUCT_NOUNS) * len(PRODUCT_SUFFIXES))
            if rounds:
                name += f" {rounds + 1}"
            names = r.sample(FEATURE_NAMES, r.randint(4, 10))
            features = [(slug(f, 40), f) for f in names]
            self.products.append(ProductPlan(slug(name), name, r.choice(CATEGORIES), features))
        for i in range(c["personas"]):
            short, _, _ = ROLES[i % len(ROLES)]
            first = FIRST_NAMES[(i * 7) % len(FIRST_NAMES)]
            name = f"{short} {first}"
            self.personas.append(Target("personas", f"{slug(name)}-{i + 1}", name))
        for i in range(c["competitors"]):
            prefix = COMPANY_PREFIXES[i % len(COMPANY_PREFIXES)]
            suffix = COMPANY_SUFFIXES[(i // len(COMPANY_PREFIXES)) % len(COMPANY_SUFFIXES)]
            name = prefix + suffix
            rounds = i // (len(COMPANY_PREFIXES) * len(COMPANY_SUFFIXES))
            if rounds:
                name += f" {rounds + 1}"
            self.competitors.append(Target("competitors", slug(name), name))
        for i in range(c["messaging"]):
            product = self.products[i % len(self.products)]
            ident = f"{product.id}-house-{i + 1}"
            self.houses.append((ident, f"{product.name} message house {i + 1}", product.id))
            product.houses.append(ident)
        targets = self.writer.targets
        targets.extend(Target("products", p.id, p.name) for p in self.products)
        targets.extend(self.personas)
        targets.extend(self.competitors)
        targets.extend(Target("messaging", h[0], h[1]) for h in self.houses)
        self.positioning_ids = [f"pos-{i + 1}" for i in range(c["positioning"])]
        self.launch_ids = [f"launch-{i + 1}" for i in range(c["launches"])]
        for i, ident in enumerate(self.positioning_ids):
            product = self.products[i % len(self.products)]
            targets.append(Target("positioning", ident, f"{product.name} positioning {i + 1}"))
        self.launch_names: list[tuple[str, ProductPlan]] = []
        for ident in self.launch_ids:
            product = r.choice(self.products)
            feature = r.choice(product.features)[1]
            name = f"{product.name}: {feature} launch"
            self.launch_names.append((name, product))
            targets.append(Target("launches", ident, name))
        self.pages: list[Target] = []
        for i in range(c["pages"]):
            title = r.choice(PAGE_TOPICS).format(r.choice(PAGE_THEMES))
            page = Target("pages", f"guide-{i + 1}-{slug(title, 40)}", title)
            self.pages.append(page)
            if i % 50 == 49:
                self.draft_pages.add(page.id)  # 2% drafts, never linked to
            else:
                targets.append(page)

    # common fields

    def common(self, name: str, visibility: float, status: str = "approved") -> str:
        r = self.rng
        out = text_field("name", name)
        out += f"owner: {scalar(r.choice(OWNERS))}\n"
        if status != "approved" or r.random() < 0.3:
            out += f"status: {status}\n"
        if r.random() < visibility:
            out += "visibility: public\n"
        reviewed = TODAY - timedelta(days=r.randint(2, 80))
        out += f"reviewed: {reviewed.isoformat()}\n"
        out += f"tags: {flow_list(r.sample(TAGS, r.randint(1, 4)))}\n"
        out += text_field("summary", self.writer.sentences(2))
        return out

    def status(self) -> str:
        return "review" if self.rng.random() < 0.08 else "approved"

    def emit(self, kind: str, ident: str, name: str, fields: str, body: str) -> None:
        """Half of the files carry their body as Markdown after front matter, half in YAML."""
        self.bodies.append(Body(kind, ident, name, body))
        if kind == "pages" or self.rng.random() < 0.5:
            self.files[f"content/{kind}/{ident}.md"] = f"---\n{fields}---\n{body}"
        else:
            self.files[f"content/{kind}/{ident}.yaml"] = fields + literal_field("body", body)

    # the kinds

    def product(self, p: ProductPlan) -> None:
        r, w = self.rng, self.writer
        out = self.common(p.name, 0.5, self.status())
        tagline = trim(f"{w.short(3, 6)}, {r.choice(TAILS) or 'every day'}", 9)
        out += f"tagline: {scalar(tagline)}\n"
        out += f"category: {scalar(p.category)}\n"
        out += f"stage: {r.choice(('introduction', 'growth', 'growth', 'maturity', 'decline'))}\n"
        out += literal_field("description", w.paragraph()[0] + "\n\n" + w.bullets()[0])
        out += "features:\n"
        for fid, fname in p.features:
            out += f"  - id: {fid}\n    name: {scalar(fname)}\n"
            out += text_field("benefit", f"{w.sentences(2)} {w.linked_sentence()}", "    ")
            out += f"    status: {r.choice(('ga', 'ga', 'ga', 'beta', 'planned', 'deprecated'))}\n"
        out += "pricing:\n"
        for tier in r.sample(("Free", "Team", "Business", "Enterprise", "Starter"), 3):
            price = "Custom" if tier == "Enterprise" else f"${r.randint(0, 90)} per user / month"
            out += f"  - name: {tier}\n    price: {scalar(price)}\n"
            out += text_field("summary", w.sentence(), "    ")
        self.emit("products", p.id, p.name, out, w.body(r.randint(300, 900)))

    def persona(self, index: int, p: Target) -> None:
        r, w = self.rng, self.writer
        _, role, buying = ROLES[index % len(ROLES)]
        out = self.common(p.name, 0.3, self.status())
        out += f"role: {scalar(role)}\nbuying_role: {buying}\n"
        out += f"segment: {scalar(r.choice(SEGMENTS))}\n"
        out += f"company_size: {scalar(r.choice(SIZES))}\n"
        out += f"industries: {flow_list(r.sample(INDUSTRIES, r.randint(1, 4)))}\n"
        for key, low in (("goals", 2), ("pains", 2), ("objections", 1), ("triggers", 1)):
            out += f"{key}:\n" + "".join(
                f"  - {scalar(w.short(5, 12))}\n" for _ in range(r.randint(low, 5))
            )
        out += f"channels: {flow_list(r.sample(CHANNELS_REACH, r.randint(2, 4)))}\n"
        out += text_field("quote", trim(w.sentences(3), 38))
        self.emit("personas", p.id, p.name, out, w.body(r.randint(300, 800)))

    def competitor(self, c: Target) -> None:
        r, w = self.rng, self.writer
        out = self.common(c.name, 0.0, self.status())
        out += f"website: https://www.{c.id}.example\n"
        out += f"threat: {r.choice(('high', 'medium', 'medium', 'low'))}\n"
        out += literal_field("overview", w.paragraph()[0] + "\n\n" + w.paragraph()[0])
        out += text_field("their_pitch", w.sentence())
        out += text_field("pricing", w.sentences(2))
        for key in ("strengths", "weaknesses", "landmines"):
            out += f"{key}:\n" + "".join(
                f"  - {scalar(w.short(5, 12))}\n" for _ in range(r.randint(2, 5))
            )
        out += "why_we_win:\n"
        for _ in range(self.proof_count(2, 4)):
            out += f"  - point: {scalar(w.short(4, 9))}\n"
            out += self.proof_field("proof", w.sentences(2), "    ")
        out += "objections:\n"
        for _ in range(r.randint(1, 4)):
            out += f"  - objection: {scalar(w.short(5, 10) + '.')}\n"
            out += text_field("response", f"{w.sentences(2)} {w.linked_sentence()}", "    ")
        out += text_field("quick_dismiss", trim(w.sentences(3), 28))
        out += "wins:\n"
        for _ in range(r.randint(1, 3)):
            customer = f"{r.choice(COMPANY_PREFIXES)} {r.choice(INDUSTRIES)} Co"
            out += f"  - customer: {scalar(customer)}\n"
            out += text_field("summary", w.sentence(), "    ")
        self.emit("competitors", c.id, c.name, out, w.body(r.randint(300, 900)))

    def positioning(self, index: int, ident: str) -> None:
        r, w = self.rng, self.writer
        product = self.products[index % len(self.products)]
        name = f"{product.name} positioning {index + 1}"
        out = self.common(name, 0.3, self.status())
        out += f"product: {product.id}\n"
        out += f"target: {flow_list(t.id for t in r.sample(self.personas, self.pick(3)))}\n"
        out += text_field("need", w.short(8, 14).lower())
        out += text_field("key_benefit", w.short(8, 14).lower())
        alternatives = r.sample(self.competitors, min(len(self.competitors), r.randint(1, 3)))
        out += f"alternatives: {flow_list(t.id for t in alternatives)}\n"
        out += "differentiators:\n" + "".join(
            f"  - {scalar(w.short(6, 14).lower())}\n" for _ in range(r.randint(2, 4))
        )
        out += "proof_points:\n" + "".join(
            self.proof_item(w.sentence(), "  ") for _ in range(self.proof_count(2, 4))
        )
        if r.random() < 0.5:
            out += text_field("statement", w.sentences(2))
        self.emit("positioning", ident, name, out, w.body(r.randint(300, 700)))

    def proof_count(self, low: int, high: int) -> int:
        count = self.rng.randint(low, high)
        return PROOFS_EACH if self.proofs else count

    def claim(self, text: str, indent: str) -> str:
        """The claim record of a proof, its source, date and kind taken from its words (not
        from the random stream, so the text and claims corpora say the same things)."""
        code = sum(map(ord, text))
        source = f"{COMPANY_PREFIXES[code % len(COMPANY_PREFIXES)]} {CLAIM_SOURCES[code % 5]}"
        as_of = TODAY - timedelta(days=20 + code % 300)
        out = f"{indent}claim: {scalar(text)}\n{indent}source: {scalar(source)}\n"
        if code % 2:
            out += f"{indent}url: https://evidence.example/{slug(source)}\n"
        return out + f"{indent}as_of: {as_of.isoformat()}\n{indent}kind: {CLAIM_KINDS[code % 5]}\n"

    def proof_field(self, key: str, text: str, indent: str) -> str:
        if self.proofs != "claims":
            return text_field(key, text, indent)
        return f"{indent}{key}:\n" + self.claim(text, indent + "  ")

    def proof_item(self, text: str, indent: str) -> str:
        if self.proofs != "claims":
            return f"{indent}- {scalar(text)}\n"
        record = self.claim(text, indent + "  ")
        return f"{indent}- " + record[len(indent) + 2 :]

    def pick(self, most: int) -> int:
        return min(len(self.personas), self.rng.randint(1, most))

    def messaging(self, ident: str, name: str, product_id: str) -> None:
        r, w = self.rng, self.writer
        product = next(p for p in self.products if p.id == product_id)
        out = self.common(name, 0.2, self.status())
        out += f"product: {product_id}\n"
        out += text_field("core_message", w.sentences(1))
        out += text_field("elevator_pitch", trim(w.sentences(4), 48))
        out += text_field("boilerplate", trim(w.sentences(8), 95))
        out += "taglines:\n" + "".join(
            f"  - {scalar(trim(w.short(3, 8) + '.', 9))}\n" for _ in range(r.randint(2, 4))
        )
        out += "pillars:\n"
        pillar_ids = []
        pillars = r.randint(2, 5)
        for n in range(pillars):
            pid = f"pillar-{n + 1}"
            pillar_ids.append(pid)
            out += f"  - id: {pid}\n    name: {scalar(w.short(2, 4))}\n"
            out += text_field("message", w.sentences(2), "    ")
            count = r.randint(1, 3)
            if self.proofs:
                count = PROOFS_EACH // pillars + (n < PROOFS_EACH % pillars)
            out += "    proof_points:\n" + "".join(
                self.proof_item(w.sentence(), "      ") for _ in range(max(count, 1))
            )
            features = r.sample(product.features, min(len(product.features), r.randint(1, 3)))
            out += f"    features: {flow_list(f[0] for f in features)}\n"
        out += "persona_messages:\n"
        for persona in r.sample(self.personas, self.pick(5)):
            out += f"  - persona: {persona.id}\n"
            out += text_field("headline", w.short(5, 9) + ".", "    ")
            out += text_field("message", f"{w.sentences(2)} {w.linked_sentence()}", "    ")
            out += text_field("call_to_action", w.short(4, 8), "    ")
            chosen = r.sample(pillar_ids, r.randint(1, len(pillar_ids)))
            out += f"    pillars: {flow_list(chosen)}\n"
        self.emit("messaging", ident, name, out, w.body(r.randint(300, 900)))

    def launch(self, index: int, ident: str) -> None:
        r, w = self.rng, self.writer
        name, product = self.launch_names[index]
        out = self.common(name, 0.1, self.status())
        tier = r.choice((1, 2, 2, 3, 3))
        roll = r.random()
        if roll < 0.2:
            state, day = "launched", TODAY - timedelta(days=r.randint(10, 200))
        elif roll < 0.25:
            state, day = "cancelled", TODAY + timedelta(days=r.randint(20, 200))
        else:
            state = r.choice(("planned", "in_progress"))
            day = TODAY + timedelta(days=r.randint(30, 320))
        out += f"product: {product.id}\ntier: {tier}\ndate: {day.isoformat()}\nstate: {state}\n"
        out += "goals:\n"
        for metric in r.sample(GOAL_METRICS, r.randint(1, 4)):
            out += f"  - metric: {scalar(metric)}\n    target: {r.randint(10, 900)}\n"
            if r.random() < 0.6:
                out += f"    baseline: {r.randint(1, 9)}\n"
            out += f"    unit: {scalar(r.choice(('accounts', '%', 'registrations', '$M')))}\n"
        audiences = r.sample(self.personas, self.pick(4))
        out += f"audiences: {flow_list(p.id for p in audiences)}\n"
        rivals = r.sample(self.competitors, min(len(self.competitors), r.randint(1, 3)))
        out += f"competitors: {flow_list(c.id for c in rivals)}\n"
        if product.houses:
            out += f"messaging: {r.choice(product.houses)}\n"
        channels, assets = TIERS[tier]
        out += "channels:\n"
        for channel in [*channels, *r.sample(EXTRA_CHANNELS, r.randint(0, 2))]:
            out += f"  - channel: {channel}\n    owner: {scalar(r.choice(OWNERS))}\n"
            out += f"    date: {day.isoformat()}\n"
        out += self.milestones(day, state)
        out += "assets:\n"
        for asset in [*assets, *r.sample(EXTRA_ASSETS, r.randint(0, 2))]:
            out += f"  - name: {scalar(w.short(3, 6))}\n    type: {asset}\n"
            out += f"    owner: {scalar(r.choice(OWNERS))}\n"
            if r.random() < 0.5:
                out += f"    ready: true\n    link: https://drive.acme.example/{ident}/{asset}\n"
        out += "risks:\n"
        for _ in range(r.randint(1, 4)):
            out += text_field("risk", w.sentence(), "    ", lead="  - ")
            out += text_field("mitigation", w.sentences(2), "    ")
        self.emit("launches", ident, name, out, w.body(r.randint(400, 1500)))

    def milestones(self, launch_day: date, state: str) -> str:
        """Dated in order, each depending on earlier ones; past ones are done (never overdue)."""
        r = self.rng
        count = r.randint(3, 8)
        start = launch_day - timedelta(days=r.randint(40, 120))
        days = sorted(
            start + timedelta(days=r.randint(0, (launch_day - start).days))
            for _ in range(count - 1)
        )
        days.append(launch_day)
        out = "milestones:\n"
        for n, day in enumerate(days):
            done = state == "launched" or day < TODAY or (day < TODAY + timedelta(7))
            out += f"  - id: m{n + 1}\n"
            out += f"    name: {scalar(self.writer.short(3, 7))}\n"
            out += f"    date: {day.isoformat()}\n    owner: {scalar(r.choice(OWNERS))}\n"
            if done:
                out += "    done: true\n"
            if n:
                deps = sorted(r.sample(range(1, n + 1), min(n, r.randint(1, 2))))
                out += f"    depends_on: {flow_list(f'm{d}' for d in deps)}\n"
        return out

    def page(self, index: int, page: Target) -> None:
        r, w = self.rng, self.writer
        status = "draft" if page.id in self.draft_pages else self.status()
        out = self.common(page.name, 0.4, status).replace("name:", "title:", 1)
        out += f"order: {index + 1}\n"
        self.emit("pages", page.id, page.name, out, w.body(r.randint(300, 1500)))

    def build(self) -> dict[str, str]:
        self.plan()
        for p in self.products:
            self.product(p)
        for i, persona in enumerate(self.personas):
            self.persona(i, persona)
        for competitor in self.competitors:
            self.competitor(competitor)
        for i, ident in enumerate(self.positioning_ids):
            self.positioning(i, ident)
        for ident, name, product_id in self.houses:
            self.messaging(ident, name, product_id)
        for i, ident in enumerate(self.launch_ids):
            self.launch(i, ident)
        for i, page in enumerate(self.pages):
            self.page(i, page)
        for kind, count in self.counts.items():
            written = sum(1 for path in self.files if path.startswith(f"content/{kind}/"))
            assert written == count, f"{kind}: {written} files for {count} artifacts (an id twice)"
        self.files["gtm.toml"] = gtm_toml(self.n)
        self.files["content/brand.yaml"] = BRAND
        self.files["content/assets/logo.svg"] = LOGO
        return self.files


BRAND = """\
# Voice and terminology rules, checked in every text field and body.
terms:
  - use: postmortem
    avoid: [post-mortem, post mortem]
  - use: on-call
    avoid: [oncall]
banned: [world-class, best-of-breed, synergy, seamless, cutting-edge, game-changing, leverage]
"""

LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#2F5BEA"/></svg>\n'
)


def gtm_toml(n: int) -> str:
    tiers = "".join(
        f"\n[launch.tiers.{tier}]\n"
        f"channels = {json.dumps(channels)}\nassets = {json.dumps(assets)}\n"
        for tier, (channels, assets) in TIERS.items()
    )
    return (
        f"# A generated benchmark corpus of {n} artifacts (benchmarks/corpus.py).\n\n"
        f'[site]\ntitle = "Benchmark GTM Portal"\nbase_url = "/"\nlanguage = "en"\n\n'
        '[build]\ncontent_dir = "content"\noutput_dir = "output"\ntheme = "default"\n'
        'audience = "internal"\nfreshness_days = 90\n\n'
        '[pdf]\nenabled = true\npage_size = "A4"\n\n'
        '[brand]\nprimary_color = "#2F5BEA"\nlogo = "assets/logo.svg"\n' + tiers
    )


def write_files(files: dict[str, str], out_dir: Path) -> None:
    folders: set[Path] = set()
    for relative, text in files.items():
        path = out_dir / relative
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        path.write_text(text, encoding="utf-8")


def generate(
    n: int, out_dir: Path, proofs: str | None = None, kinds: dict[str, int] | None = None
) -> Corpus:
    """Writes the corpus of `n` (or of `kinds`, artifacts per kind) into `out_dir` (which may
    exist; the corpus's files are replaced) and returns it, with its counts per kind and its
    Markdown bodies."""
    corpus = Corpus(n, proofs=proofs, kinds=kinds)
    write_files(corpus.build(), out_dir)
    return corpus


def main(argv: Sequence[str]) -> int:
    if len(argv) == 2 and argv[0] == "--pdf-portal":
        corpus = generate(sum(PDF_PORTAL.values()), Path(argv[1]), kinds=PDF_PORTAL)
        print(", ".join(f"{count} {kind}" for kind, count in corpus.counts.items()))
        return 0
    proofs = None
    if len(argv) == 4 and argv[2] == "--proofs" and argv[3] in ("text", "claims"):
        proofs, argv = argv[3], argv[:2]
    if len(argv) != 2 or not argv[0].isdigit() or int(argv[0]) < 7:
        usage = (
            "usage: python benchmarks/corpus.py N OUT_DIR [--proofs text|claims]  (N >= 7)\n"
            "       python benchmarks/corpus.py --pdf-portal OUT_DIR"
        )
        print(usage, file=sys.stderr)
        return 2
    corpus = generate(int(argv[0]), Path(argv[1]), proofs)
    print(", ".join(f"{count} {kind}" for kind, count in corpus.counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
