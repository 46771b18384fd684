"""The content model: one frozen pydantic model per kind, of the field types of `scalars`,
whose markers (`Text`, `Markdown`, `Ref`, `Words`) drive validation, reference discovery, brand
checks, JSON Schema and `gtm new`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
)

from gtm.content.scalars import (
    Bool,
    CompetitorRef,
    Date,
    Markdown,
    MessagingRef,
    Number,
    PersonaRef,
    ProductRef,
    RecordId,
    Text,
    Tier,
    Url,
    Words,
)


class Record(BaseModel):
    """A record inside a list (a feature, a pillar, a milestone): unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Artifact(Record):
    """The fields every kind has."""

    name: Text = Field(description="Human name")
    owner: Text | None = Field(None, description="Person or team accountable")
    status: Literal["draft", "review", "approved"] = Field(
        "approved", description="Drafts are left out of a build unless --drafts"
    )
    visibility: Literal["internal", "public"] = Field(
        "internal", description="A --audience public build contains only public artifacts"
    )
    reviewed: Date | None = Field(None, description="Last review, YYYY-MM-DD")
    tags: list[Text] = Field(default_factory=list, description="Free labels, shown and searchable")
    summary: Text | None = Field(None, description="One or two sentences for cards and covers")
    body: Markdown | None = Field(
        None, description="Markdown text (in a .md file: after the front matter)"
    )


class Feature(Record):
    id: RecordId = Field(description="Unique within the product; pillars refer to it")
    name: Text
    benefit: Markdown | None = None
    status: Literal["ga", "beta", "planned", "deprecated"] | None = None


class Price(Record):
    name: Text
    price: Text | None = None
    summary: Text | None = None


class Product(Artifact):
    tagline: Annotated[Text, Words(10)] | None = Field(None, description="At most 10 words")
    category: Text | None = Field(None, description="The market category the product competes in")
    stage: Literal["introduction", "growth", "maturity", "decline"] = Field(
        description="Lifecycle stage"
    )
    description: Markdown | None = None
    features: list[Feature] = Field(default_factory=list)
    pricing: list[Price] = Field(default_factory=list)


class TextOrRecord(Record):
    """A record that may also be written as plain text (its first field alone): its JSON
    Schema accepts either, as validation does."""

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Any:
        return {"anyOf": [{"type": "string"}, handler(core_schema)]}


class PersonaObjection(TextOrRecord):
    """What a persona pushes back with and, when the team knows it, what to say back: written
    as plain text (the objection alone) or as a record."""

    objection: Text
    response: Markdown | None = None


def _objection_record(value: object) -> object:
    return {"objection": value} if isinstance(value, str) else value


class Persona(Artifact):
    role: Text = Field(description="Job title")
    buying_role: Literal["decision_maker", "economic_buyer", "champion", "influencer", "user"]
    segment: Text | None = Field(None, description='For example "Mid-market SaaS"')
    company_size: Text | None = Field(None, description='For example "200-2,000 employees"')
    industries: list[Text] = Field(default_factory=list)
    goals: list[Text] = Field(min_length=1, description="At least one")
    pains: list[Text] = Field(min_length=1, description="At least one")
    objections: list[Annotated[PersonaObjection, BeforeValidator(_objection_record)]] = Field(
        default_factory=list
    )
    channels: list[Text] = Field(default_factory=list, description="Where to reach them")
    triggers: list[Text] = Field(default_factory=list, description="Events that start a purchase")
    quote: Annotated[Text, Words(40)] | None = Field(None, description="At most 40 words")


class Claim(Record):
    """A proof point with who backs it and when it was last checked, so a rep can answer
    "says who?"."""

    claim: Text
    source: Text
    url: Url | None = None
    as_of: Date
    kind: Literal["customer", "benchmark", "analyst", "internal", "estimate"] = "customer"


PROOF_TAGS = frozenset({"text-proof", "claim-record"})
"""How pydantic names the two forms of a proof in an error's location (never a field name)."""


def _proof_form(value: object) -> str:
    return "claim-record" if isinstance(value, (dict, Claim)) else "text-proof"


Proof = Annotated[
    Annotated[Text, Tag("text-proof")] | Annotated[Claim, Tag("claim-record")],
    Discriminator(_proof_form),
]
"""A proof point: plain text, as before, or a claim with its source and date."""


class WhyWeWin(Record):
    point: Text
    proof: Proof | None = None


class Objection(Record):
    objection: Text
    response: Markdown


class Win(Record):
    customer: Text
    summary: Text | None = None


class Competitor(Artifact):
    website: Url | None = Field(None, description="http(s)://…")
    threat: Literal["high", "medium", "low"] = "medium"
    overview: Markdown | None = None
    their_pitch: Text | None = Field(None, description="How they position themselves")
    pricing: Text | None = None
    strengths: list[Text] = Field(min_length=1, description="At least one")
    weaknesses: list[Text] = Field(min_length=1, description="At least one")
    why_we_win: list[WhyWeWin] = Field(min_length=1, description="At least one")
    landmines: list[Text] = Field(
        default_factory=list, description="Questions that expose their weaknesses"
    )
    objections: list[Objection] = Field(default_factory=list)
    quick_dismiss: Annotated[Text, Words(30)] | None = Field(None, description="At most 30 words")
    wins: list[Win] = Field(default_factory=list)


class Positioning(Artifact):
    product: ProductRef = Field(description="Product id")
    target: list[PersonaRef] = Field(min_length=1, description="Persona ids, at least one")
    need: Text = Field(description="The problem or need of the target")
    category: Text | None = Field(None, description="Defaults to the product's category")
    key_benefit: Text
    alternatives: list[CompetitorRef] = Field(default_factory=list, description="Competitor ids")
    differentiators: list[Text] = Field(min_length=1, description="At least one")
    proof_points: list[Proof] = Field(default_factory=list)
    statement: Text | None = Field(None, description="Generated from the fields when absent")


class Pillar(Record):
    id: RecordId
    name: Text
    message: Text
    proof_points: list[Proof] = Field(default_factory=list)
    features: list[RecordId] = Field(default_factory=list, description="Feature ids of the product")


class PersonaMessage(Record):
    persona: PersonaRef
    headline: Text
    message: Markdown | None = None
    call_to_action: Text | None = None
    pillars: list[RecordId] = Field(default_factory=list, description="Pillar ids of this house")


class Messaging(Artifact):
    product: ProductRef = Field(description="Product id")
    core_message: Text = Field(description="The roof of the house")
    elevator_pitch: Annotated[Text, Words(50)] | None = Field(None, description="At most 50 words")
    boilerplate: Annotated[Text, Words(100)] | None = Field(None, description="At most 100 words")
    taglines: list[Annotated[Text, Words(10)]] = Field(
        default_factory=list, description="Each at most 10 words"
    )
    pillars: list[Pillar] = Field(min_length=2, max_length=5, description="2 to 5 pillars")
    persona_messages: list[PersonaMessage] = Field(
        default_factory=list, description="One entry per persona at most"
    )


class Goal(Record):
    metric: Text
    target: Text = Field(description="Text or number")
    baseline: Text | None = None
    unit: Text | None = None


class Channel(Record):
    channel: Text = Field(description="email, blog, pr, social, events, paid, webinar, sales, …")
    owner: Text | None = None
    date: Date | None = None


class Milestone(Record):
    id: RecordId
    name: Text
    date: Date
    owner: Text | None = None
    done: Bool = False
    depends_on: list[RecordId] = Field(default_factory=list, description="Milestone ids")


class LaunchAsset(Record):
    name: Text
    type: Text = Field(description="battlecard, launch-brief, deck, …")
    owner: Text | None = None
    ready: Bool = False
    link: Text | None = None


class Risk(Record):
    risk: Text
    mitigation: Text | None = None


class Launch(Artifact):
    product: ProductRef = Field(description="Product id")
    tier: Tier = Field(description="Launch tier; rules per tier come from gtm.toml")
    date: Date = Field(description="Launch day, YYYY-MM-DD")
    state: Literal["planned", "in_progress", "launched", "cancelled"] = "planned"
    goals: list[Goal] = Field(min_length=1, description="At least one")
    audiences: list[PersonaRef] = Field(default_factory=list, description="Persona ids")
    competitors: list[CompetitorRef] = Field(
        default_factory=list, description="Competitor ids: battlecards to ship with the launch"
    )
    messaging: MessagingRef | None = Field(None, description="Message house id")
    channels: list[Channel] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    assets: list[LaunchAsset] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)


class Page(Artifact):
    order: Number | None = Field(None, description="Position in the navigation")


class BrandTerm(Record):
    use: Text
    avoid: list[Text] = Field(default_factory=list)


class BannedWord(TextOrRecord):
    """A banned word with what to write instead, shown in the warning: written as plain
    text (the word alone) or as a record."""

    word: Text
    use: Text | None = None


def _banned_record(value: object) -> object:
    return {"word": value} if isinstance(value, str) else value


SUPERLATIVES = (
    "best",
    "fastest",
    "#1",
    "number one",
    "leading",
    "the only",
    "first to",
    "first-ever",
    "industry-first",
    "industry's first",
    "world's first",
    "the most",
    "guaranteed",
    "unmatched",
    "10x",
)
"""Words and phrases that make a claim, each needing a sourced proof point in the same file.
"only", "first" and "most" are everyday words ("the first ten minutes"), so the defaults name
them where they claim something."""


class Brand(Record):
    """`content/brand.yaml`: not an artifact, so it has none of the common fields."""

    terms: list[BrandTerm] = Field(default_factory=list)
    banned: list[Annotated[BannedWord, BeforeValidator(_banned_record)]] = Field(
        default_factory=list
    )
    superlatives: list[Text] = Field(default_factory=lambda: list(SUPERLATIVES))
