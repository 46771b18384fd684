"""Writes docs/content-model.md from gtm's own models, so the reference cannot drift from what
`gtm check` accepts: kinds, fields, types, defaults, choices and limits come from
`gtm.content.model`, the configuration keys and their defaults from `gtm.content.config`, the
examples from the starter project that `gtm init` writes. The prose around them, and a one-line
meaning for each field whose model has none, live here.

    python docs/generate.py          # rewrites docs/content-model.md
    python docs/generate.py --check  # exits 1 when docs/content-model.md is out of date
"""

from __future__ import annotations

import inspect
import json
import sys
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotated_types import Ge, MaxLen, MinLen  # noqa: E402
from pydantic import BaseModel, BeforeValidator  # noqa: E402
from pydantic.fields import FieldInfo  # noqa: E402
from pydantic_core import PydanticUndefined  # noqa: E402

from gtm.content import config as gtm_config  # noqa: E402
from gtm.content import model, scalars  # noqa: E402
from gtm.content.fields import field_shapes  # noqa: E402
from gtm.content.kinds import KINDS  # noqa: E402
from gtm.content.reading import MAX_FILE_BYTES  # noqa: E402
from gtm.content.yamldoc import MAX_DEPTH  # noqa: E402
from gtm.site.anchors import SECTION_ANCHORS  # noqa: E402
from gtm.site.link import RESERVED_PAGE_IDS  # noqa: E402
from gtm.site.routes import SALES_KIT, item_path, list_path, pdf_path  # noqa: E402

TARGET = ROOT / "docs" / "content-model.md"
STARTER = ROOT / "gtm" / "starter"

# One line on what each field is for, where the model's own description is missing or only
# restates a rule that the doc already shows in its "rules" column. Keyed "Model.field".
# A field with neither is a failing test (tests/unit/test_docs.py).
MEANINGS: dict[str, str] = {
    "Artifact.name": "The name readers see",
    "Artifact.status": "Where it stands: drafts are left out of a build unless `--drafts`",
    "Artifact.visibility": "Who may see it: a `--audience public` build holds only public "
    "artifacts",
    "Artifact.body": "The Markdown text; in a `.md` file, everything after the front matter",
    "Artifact.reviewed": "When someone last checked it was still true",
    "Feature.name": "The feature's name",
    "Feature.benefit": "What it does for the customer",
    "Feature.status": "Whether customers can use it yet",
    "Price.name": "The plan's name",
    "Price.price": 'The price as it should read, e.g. "$29 per user per month"',
    "Price.summary": "Who the plan is for",
    "Product.tagline": "The product's promise in one line",
    "Product.description": "What the product is, at more length",
    "Product.features": "What the product does, feature by feature",
    "Product.pricing": "Its price plans",
    "Persona.buying_role": "The part they play in a purchase",
    "Persona.industries": "Industries they work in",
    "Persona.goals": "What they want to achieve",
    "Persona.pains": "What gets in their way",
    "Persona.objections": "What they push back with: a line of text, or a record that also "
    "says what to answer",
    "PersonaObjection.objection": "What they say",
    "PersonaObjection.response": "What to answer; shown as THEY SAY / YOU SAY",
    "Persona.quote": "Something they would say, in their own words",
    "WhyWeWin.point": "One reason we win, in a line",
    "Claim.claim": "The claim, as a rep may say it",
    "Claim.source": "Who or what backs it: a customer, a report, a test",
    "Claim.url": "Where to check it",
    "Claim.as_of": "When it was last verified",
    "Claim.kind": "What kind of evidence it is",
    "WhyWeWin.proof": "The evidence for it",
    "Objection.objection": "What the prospect says",
    "Objection.response": "What to answer",
    "Win.customer": "A customer won from them",
    "Win.summary": "How and why we won",
    "Competitor.website": "Their web site",
    "Competitor.threat": "How much they threaten our deals",
    "Competitor.overview": "Who they are",
    "Competitor.pricing": "Their pricing, as far as we know it",
    "Competitor.strengths": "Where they are strong",
    "Competitor.weaknesses": "Where they are weak",
    "Competitor.why_we_win": "Why we win against them, with proof",
    "Competitor.objections": "What a rep hears about them, and what to answer",
    "Competitor.quick_dismiss": "A one-breath answer when a prospect names them",
    "Competitor.wins": "Deals won against them",
    "Positioning.product": "The product positioned",
    "Positioning.target": "The personas it is for",
    "Positioning.key_benefit": 'The main benefit, as it ends the sentence "… is a … that …"',
    "Positioning.alternatives": "What the target would choose instead",
    "Positioning.differentiators": "What sets the product apart; the first one ends the "
    "generated statement",
    "Positioning.proof_points": "Evidence for the claims",
    "Pillar.id": "The pillar's id, unique within the house",
    "Pillar.name": "The pillar's name",
    "Pillar.message": "What the pillar says",
    "Pillar.proof_points": "Evidence for it",
    "Pillar.features": "Features of the product that back it up",
    "PersonaMessage.persona": "The persona this message is for",
    "PersonaMessage.headline": "The message in one line",
    "PersonaMessage.message": "The message in full",
    "PersonaMessage.call_to_action": "What to ask them to do",
    "PersonaMessage.pillars": "The pillars of this house the message rests on",
    "Messaging.product": "The product the house is for",
    "Messaging.elevator_pitch": "The pitch in a few sentences",
    "Messaging.boilerplate": 'The standard "about" paragraph',
    "Messaging.taglines": "Short lines for ads and headers",
    "Messaging.pillars": "The pillars that hold up the core message",
    "Messaging.persona_messages": "What to say to each persona",
    "Goal.metric": "What is measured",
    "Goal.target": "The value to reach, in words or a number",
    "Goal.baseline": "Where it stands before the launch",
    "Goal.unit": "The unit of the target and baseline",
    "Channel.channel": "Where it goes out: email, blog, pr, social, events, paid, webinar, "
    "sales, …; tier rules name these",
    "Channel.owner": "Who runs it",
    "Channel.date": "When it goes out",
    "Milestone.id": "The milestone's id, unique within the launch",
    "Milestone.name": "What has to happen",
    "Milestone.date": "When it is due",
    "Milestone.owner": "Who makes it happen",
    "Milestone.done": "Whether it has happened",
    "Milestone.depends_on": "Milestones that must come first",
    "LaunchAsset.name": "What the asset is called",
    "LaunchAsset.type": "What kind of asset: battlecard, launch-brief, deck, …; tier rules "
    "name these",
    "LaunchAsset.owner": "Who makes it",
    "LaunchAsset.ready": "Whether it is ready to use",
    "LaunchAsset.link": "Where to find it",
    "Risk.risk": "What could go wrong",
    "Risk.mitigation": "What is done about it",
    "Launch.product": "The product launched",
    "Launch.state": "Where the launch stands",
    "Launch.goals": "What success looks like",
    "Launch.competitors": "The battlecards to ship with the launch",
    "Launch.audiences": "The personas the launch speaks to",
    "Launch.messaging": "The message house the launch uses",
    "Launch.channels": "Where the launch is announced",
    "Launch.milestones": "The dated steps to launch day and after",
    "Launch.assets": "What the launch needs made",
    "Launch.risks": "What could go wrong, and what is done about it",
    "BrandTerm.use": "The term, written the right way",
    "BrandTerm.avoid": "Ways of writing it that are wrong",
    "Brand.terms": "Terms to write one way only",
    "Brand.banned": "Words and phrases the brand never uses: a word, or a record naming what "
    "to write instead",
    "Brand.superlatives": "Words and phrases that make a claim: each needs a sourced claim in "
    "the same file; `[]` turns the check off",
    "BannedWord.word": "The word or phrase",
    "BannedWord.use": "What to write instead, shown in the warning",
    # gtm.toml
    "SiteConfig.base_url": "Where the portal is published; a full address "
    "(`https://gtm.example.com/`) gives a sitemap crawlers accept and links from the PDFs "
    "back to the portal",
    "BuildConfig.content_dir": "The folder of the content files",
    "BuildConfig.output_dir": "The folder the portal and the PDFs are written to; it must be "
    "inside the project unless `gtm build --allow-outside-output`",
    "BuildConfig.theme": "The theme: `themes/<name>/` in the project, else gtm's built-in "
    "theme of that name",
    "BuildConfig.audience": "Who a build is for when `--audience` does not say",
    "PdfConfig.enabled": "Whether `gtm build` makes the PDFs (`--no-pdf` turns them off for "
    "one run)",
    "PdfConfig.page_size": "The paper size of the PDFs",
    "BrandConfig.primary_color": "The accent colour of the portal and the PDFs",
    "BrandConfig.logo": "The logo in the header and on the PDFs: a file in `content/assets/`, "
    "written as `assets/logo.svg`",
    "MarkdownConfig.allow_html": "Show raw HTML in Markdown as HTML; off, it is shown as text",
    "LaunchConfig.tiers": "What a launch of each tier must have: one table per tier",
    "TierRule.channels": "Channels a launch of this tier must use",
    "TierRule.assets": "Asset types a launch of this tier must have",
}

# How the YAML types read in the doc; keyed by the validator function's name in gtm.content.model.
VALIDATED_TYPES = {
    "_as_date": "date",
    "_as_bool": "true or false",
    "_as_number": "number",
    "_as_url": "web address",
    "_as_record_id": "id",
}
CONFIG_TYPES = {"BrandConfig.primary_color": "colour, `#rgb` or `#rrggbb`"}

KIND_INTROS = {
    "products": "What you sell: its features and price plans. Positioning, message houses and "
    "launches name a product.",
    "personas": "The people you sell to, with what they want, what hurts and what they say.",
    "competitors": "The source of the battlecards: how a competitor pitches, where they are "
    "strong and weak, and why we win.",
    "positioning": "A positioning statement for a product and its target personas, written "
    "out or generated from the fields.",
    "messaging": "A message house: the core message (the roof), two to five pillars, and what "
    "to say to each persona.",
    "launches": "A launch plan: tier, date, goals, channels, milestones, assets and risks. The "
    "Markdown body is the launch brief.",
    "pages": "Free Markdown pages: guides, FAQs, how-tos.",
}

KIND_RULES = {
    "products": [
        "Feature ids are unique within the product (`duplicate-id`); message house pillars "
        "name features by these ids.",
    ],
    "personas": [
        "A persona that no message house speaks to is listed on the health page.",
    ],
    "competitors": [
        "Battlecards are for sales: a competitor with `visibility: public` is a warning "
        "(`public-competitor`), because a public build would then show it.",
        "A competitor with no `objections` is listed on the health page.",
        "A battlecard is designed for one printed page; one that runs longer is a warning at "
        "the competitor file that names the sections to trim (an error under `--strict`).",
    ],
    "positioning": [
        "Without a `statement`, the portal writes one: *For {targets} who {need}, "
        "{product} is a {category} that {key_benefit}. Unlike {alternative names}, {product} "
        "{first differentiator}.* Without `alternatives` the second sentence is "
        "*{product} {first differentiator}.* A full stop at the end of a field is dropped "
        "inside the sentence.",
        "The targets are named as a buyer is, by role, with the segment when they all share "
        "one: *the Chief Financial Officer and the VP of Engineering at mid-market SaaS "
        "companies*. A category that names an activity gets a noun: *Financial close "
        "automation* reads *a financial close automation platform*.",
        "`category` falls back to the product's `category`, and to the word *product* when "
        "the build does not contain the product or it has none.",
    ],
    "messaging": [
        "Pillar ids are unique within the house (`duplicate-id`).",
        "A pillar's `features` must be feature ids of the house's product (`unknown-feature`).",
        "At most one persona message per persona (`duplicate-persona-message`); its `pillars` "
        "must be pillar ids of this house (`unknown-pillar`).",
        "A pillar with no `proof_points` is listed on the health page.",
    ],
    "launches": [
        "Milestone ids are unique within the launch (`duplicate-id`); `depends_on` must name "
        "milestones of the same launch (`unknown-milestone`), must not go round in a circle "
        "(`milestone-cycle`), and a milestone may not be due before one it depends on "
        "(`milestone-order`).",
        "A milestone that is not `done` and was due before today is *overdue* "
        "(`overdue-milestone`, a warning), unless the launch is `cancelled`.",
        "The tier rules in `[launch.tiers]` of `gtm.toml` list the channels and asset types a "
        "launch of that tier must have; each one missing is a warning (`tier-channel`, "
        "`tier-asset`). A cancelled launch is not checked.",
        "*Readiness* is the share of milestones done and assets ready; the home page, the "
        "launch list, the launch page and the launch brief show it. A channel or asset type "
        "the tier asks for and the launch lacks counts as an item not ready, so a launch with "
        "a tier gap is never 100% ready; milestones dated after launch day (a post-launch "
        "review) do not count.",
        "A launch is *at risk* when it is not launched or cancelled and either has an overdue "
        "milestone, or its day is within `[launch] at_risk_days` (21) and it is below "
        "`at_risk_readiness` (80%) ready. At-risk launches are marked on the home page, the "
        "calendar, the launch page, the launch brief and the health page, and the readiness "
        "bar turns red for them only: a launch months away at 20% is not an alarm.",
        "`launches.ics` has an all-day event for each launch and each milestone, with ids that "
        "stay the same from build to build, so calendar apps update events instead of adding "
        "them again.",
    ],
    "pages": [
        "`title` may be written instead of `name`; both in one file is an error "
        "(`name-and-title`).",
        "Pages are published at the top of the portal (`faq/index.html`), so a page may not "
        "take a name the portal uses: "
        + ", ".join(f"`{name}`" for name in sorted(RESERVED_PAGE_IDS))
        + " (`reserved-id`).",
        "The navigation lists pages by `order`, then by name; the portal calls them *Guides*.",
    ],
}

INTRO = """\
# The content model

<!-- Generated by docs/generate.py from gtm's models and its starter project. Do not edit
     this file: change the generator (or the model) and run `python docs/generate.py`. -->

Everything a gtm project holds, field by field: the kinds of files, every field with its type,
default and rules, the brand file, `gtm.toml`, and what a build makes of them. `gtm check`
accepts exactly what this page describes; `gtm new KIND ID` writes a file with every field
listed, and `gtm schema` writes the same model as JSON Schemas for editors.

## A project

```
gtm.toml            configuration (see "gtm.toml" below); every key is optional
content/
  brand.yaml        terms, banned words and superlatives (optional)
  products/         one file per product
  personas/         one file per persona
  competitors/      one file per competitor: the battlecards
  positioning/      one file per positioning statement
  messaging/        one file per message house
  launches/         one file per launch plan and brief
  pages/            free Markdown pages: guides, FAQs, how-tos
  assets/           images and files, copied into the portal as they are
themes/<name>/      your own theme, if any (see themes.md)
output/             what gtm build writes; never edit it by hand
```

The folder decides the kind. Each artifact is one file: `.yaml` or `.yml` (fields only), or `.md`
(fields in YAML front matter between `---` lines, then the Markdown `body`). A `.yaml` file may
hold its Markdown in a `body:` field instead; a `.md` file with `body:` in its front matter is an
error (`body-twice`), and so is a `.md` file without front matter.

The **id** of an artifact is its file name without the extension: `personas/devops-dana.yaml` is
the persona `devops-dana`. Ids are lower-case letters, digits and `-`, start with a letter or
digit and have at most 64 characters (`{slug}`); they become web addresses and file
names. Two files with the same id in one folder (`x.md` and `x.yaml`) are an error.

Hidden files and editor leftovers (`~`, `.swp`, `#…#`) are skipped. Any other file or folder
`gtm` does not know in `content/` is a warning, with "did you mean" for a misspelt folder.
"""

VALUES = """\
## Values

| type | how to write it |
|---|---|
| text | plain text on one line, or a folded YAML block; not Markdown |
| Markdown | Markdown, with tables, task lists, footnotes, alerts and `gtm:` links |
| date | `YYYY-MM-DD`, and a real day: `2026-02-30` is an error |
| true or false | `true` or `false` (`True`, `FALSE`… too); `yes`, `on`, `1` are errors |
| number | digits, such as `3` or `2.5` |
| web address | `http://…` or `https://…` |
| id | a record's id: letters, digits, `-`, `_` and `.`, at most 64 characters |
| *kind* id | the id of another artifact, such as `product: beacon` (see "References") |

- **Values are taken as written.** `NO`, `on`, `1.10` or `10:00` in a text field stay that text;
  they never turn into false, true, 1.1 or a time.
- **Empty means not given.** `owner:` with nothing after it (or `~`, `null`) is the same as
  leaving the field out. A required field left empty is reported as empty.
- **Unknown fields are errors**, with "did you mean" when one is close, so a typo never drops
  content silently. Inside a list of records every field is checked the same way.
- **A text that starts with `TODO`** (what `gtm new` writes into required fields) is a warning
  (`placeholder`), so a half-filled file cannot pass `gtm check --strict`.
- **Word limits** (`≤ N words` below) are warnings, and errors under `--strict`.
- YAML tags (`!!python/…`), anchors and aliases (`&x`, `*x`), duplicate keys, more than one YAML
  document in a file, nesting deeper than {depth} levels and files larger than {size} are
  errors. Files are UTF-8 (a byte-order mark and Windows line ends are fine).
"""

VISIBILITY = """\
## Drafts, visibility and audience

Three fields every kind has decide who sees an artifact:

- `status: draft` leaves the artifact out of a build unless `--drafts` is given; `review` and
  `approved` are built.
- `visibility: internal` (the default) is for employees. A build for `--audience public` (or
  `build.audience = "public"` in `gtm.toml`) contains only `public` artifacts.
- An artifact left out of a build is left out everywhere: pages, lists, search, sitemap,
  calendar and PDFs. An artifact that is in the build and refers to one that is not shows only
  that one's name, as plain text, with a warning (`draft-reference` or `internal-reference`).

Every rule is checked on every file, drafts and internal ones included, so `gtm check` finds a
problem before the file is published; only what a build *contains* depends on `--drafts` and
`--audience`. An internal build says on every page that it is internal and asks search engines
not to index it; that is a label, not a lock (see [publishing.md](publishing.md)).
"""

REFERENCES = """\
## References and links

A field whose type is a *kind* id names another artifact by its id: `product: beacon`,
`audiences: [product-paula]`. Every reference is checked: an id that does not exist is an error
at its line and column, with the closest ids that do (`unknown-reference`).

In Markdown (a body or any Markdown field), link to an artifact with the `gtm:` scheme:

```markdown
Lead with [Product Paula](gtm:personas/product-paula)'s pain.
See [the objections](gtm:competitors/feedbackly#objections) before the call.
```

The link becomes a relative link to that artifact's page. A kind or id that does not exist is
an error (`unknown-link`, `bad-link` for a link that is not `gtm:<kind>/<id>`), and so is a
`#section` that is not on the page (`broken-link`, with "did you mean" for a misspelt heading).
Headings get anchors from their text: `## Why we win` is `#why-we-win`.

Other links: web addresses, `mailto:` and `tel:` links work as usual; relative links to files of
the portal are checked like `gtm:` links; a link from the site root (`/faq/`) is an error,
because it breaks as soon as the portal is published under a path. Links with any other scheme
(`javascript:`) are shown as text. Raw HTML in Markdown is shown as text unless
`[markdown] allow_html = true`.
"""

BRAND = """\
## brand.yaml

`content/brand.yaml` (optional) holds the brand's terms, banned words and superlatives. It
has none of the fields of an artifact. A project without it has no terms and no banned words,
and is checked for the default superlatives.

{table}

{records}

Every text and Markdown field and every body is checked: a hit is a warning at its line and
column (`brand-term`, which names the right term; `banned-word`, which names the replacement
when the brand file gives one; `superlative`). Matching is by whole word or phrase, ignoring
case, and skips web addresses, e-mail addresses and `inline code`, so `beacon.example` is not a
hit. A hyphenated word is one word for terms and banned words (`edge` does not hit
`cutting-edge`), but a superlative inside one still claims (`best-in-class`,
`industry-leading`).

A superlative ("'fastest' is a claim: back it with a sourced proof point in this file, or
reword") is fine when a claim with a source in the same file contains it: write the claim, and
the word is backed everywhere in that file. The default list is {superlatives}. "only",
"first" and "most" are everyday words ("the first ten minutes", "most teams"), so the defaults
look for them where they claim: "the only", "first to", "the most". Add your own, or write
`superlatives: []` to turn the check off.

`gtm brand --vale DIR` writes these rules as a [Vale](vale.md) style, for writers who use Vale
in their editor.

`content/brand.yaml`, as `gtm init` writes it:

{example}
"""

CLAIMS = """\
## Proof points and claims

Every proof (`why_we_win[].proof` of a competitor, `proof_points` of a positioning and of a
message house's pillars) is either plain text, as a line a rep can say, or a claim that also
says who backs it and when that was last checked, so a rep can answer "says who?":

```yaml
why_we_win:
  - point: Faster to value
    proof:
      claim: Median Relay 2 beta account routed its first production alert 3 days after signing
      source: Relay 2 beta cohort, 140 accounts
      as_of: 2026-10-15
      kind: benchmark
```

{table}

- A claim whose `as_of` is older than `[claims] max_age_days` (365) is *stale*: a `stale-claim`
  warning at its `as_of`, listed on the health page under its artifact's owner, and marked
  "Verify before use" wherever an internal page or PDF shows it.
- With `[claims] require_source = true`, a proof written as bare text is an `unsourced-proof`
  warning.
- Pages and PDFs number claims like footnotes (¹ ²) and end the artifact with its sources:
  who backs each claim, its link, the kind of source and when it was verified. Claims with the
  same source, link, date and kind share a number. On a battlecard the sources share the foot
  of its one page, in small type; when the card runs to a second page, the `battlecard-length`
  warning says the sources need room too.
- A public build shows a claim of kind `internal` as plain text, without its number or source
  (in pages, PDFs and search alike), and `gtm check --audience public` warns about each one
  (`internal-claim`), at its `kind`.
- A superlative such as "fastest" needs a claim in the same file that contains it (see
  brand.yaml below).
"""


def _claims_section() -> str:
    return CLAIMS.format(table=_field_table(model.Claim, own_fields(model.Claim)))


HISTORY = """\
## History: what changed

When the project is in a git repository and `git` is on the PATH, `gtm build` reads the
committed history of every content file (edits not yet committed do not count, so a build can
be repeated): one `git log` for the content folder and one `git cat-file` for the versions it
compares, kept in the build cache by commit, so an unchanged history costs nothing on the next
build or save.

- Every artifact page says when the artifact was created and last updated and lists its last
  `[changes] history_limit` changes: the date, the commit's subject, and the fields whose
  values changed, in plain words ("pricing", "why we win"; "text" for the Markdown body). A
  change that only reflows text or edits a comment is not a change.
- Cards on the home and list pages show "New" or "Updated" for a change within
  `[changes] recent_days`.
- A battlecard whose fields changed after its `reviewed` date says so above its sections, and
  its PDF in its review line ("Changed since: pricing").
- `changes/index.html` lists every change of the last `[changes] feed_days` days by week,
  newest first, and `changes.xml` is the same as an Atom feed. An internal build also lists
  the files that were removed.
- A renamed file keeps its history.
- While `gtm serve` runs, the page of a file with saved edits that are not committed says so
  ("Edits not committed", or "Not in git yet" for a new file) until they are committed (a commit
  made while it runs updates the pages): its history shows commits only, and a build of the
  repository publishes only what is committed.
- A public build shows only its own artifacts' history, without commit subjects, author names
  or removed files; drafts have no history in a build that leaves them out, and their removal
  is not listed.
- Outside git, without `git`, or in a shallow clone, the build works as before, says once what
  is missing (`gtm: no history: …` or `gtm: history is partial: …`), and shows no history
  rather than a wrong one. CI must clone with the whole history (`fetch-depth: 0`).
"""

TODAY = """\
## Dates and "today"

Staleness (`reviewed` older than `build.freshness_days`, a `stale` warning) and overdue
milestones depend on the date. gtm takes today from `SOURCE_DATE_EPOCH` when it is set (a whole
number of seconds; anything else is a usage error) and from the clock otherwise, so a build can
be repeated byte for byte. Do not set it in CI: a portal rebuilt every day should show what
became stale that day.
"""

CONFIG = """\
## gtm.toml

`gtm.toml` marks the project's folder; `gtm` looks for it in the current folder and upwards.
Every key is optional. An unknown key or a wrong value is an error at its line and column, and
the command stops with exit code 2.

{tables}

Every key with its default:

```toml
{toml}
```
"""

OUTPUTS = """\
## What a build makes

Everything goes into the output folder (`build.output_dir`, default `output/`). Links between
pages are relative, so the folder works at the root of a host, under any path, and opened from
the disk.

| output | path |
|---|---|
{pages}

PDFs, one per artifact of these kinds (and the sales kit):

| document | path | what is in it |
|---|---|---|
{pdfs}

- Page size from `[pdf] page_size`. Every page has a running header with the document's title
  and "Page X of Y"; the PDF of an internal artifact in an internal build says "Internal — do
  not distribute" on every page, and so does the sales kit when anything in it is internal.
- Title, author (`owner`), subject (`summary`), keywords (`tags`) and creation date (from
  `SOURCE_DATE_EPOCH`, else the start of today) are set in every PDF; the same sources give the
  same bytes.
- A PDF may load only the theme's static files and files in `content/assets/`. An image from
  anywhere else (another folder, the network) is left out, with a `pdf-refused` warning at the
  line that asked for it.
- `gtm:` links in a PDF point at the portal when `site.base_url` is a full address; otherwise
  they are plain text.
- A public build holds no battlecards unless a competitor is marked `visibility: public`
  (itself a warning), and its sales kit holds only public artifacts.

### Data for other tools

`api/index.json` lists every artifact of the build (kind, id, name, summary, page, PDF, last
update, and where its JSON is); `api/<kind>/<id>.json` holds one as its page shows it:

- `fields`: every field of its kind, those left empty as `null`. Markdown comes as
  `{{"html": …, "text": …}}` (safe HTML; the same words as plain text to paste, paragraphs and
  list items kept). A reference to another artifact is `{{"kind", "id", "name", "url"}}`, or only
  `{{"name"}}` when the build does not show that artifact. A proof is text, or a claim with its
  `source`, `url`, `as_of`, `kind`, `stale` and its `footnote` number.
- `facts` (stale, days since review, a launch's readiness and risk, overdue milestones, claims
  to verify, a positioning's statement), `sources` (the numbered footnotes), `history` (from
  git) and `referenced_by`.

Every url is a path from the portal's root, or a full address when `site.base_url` is one.
`api/schema.json` is the JSON Schema (2020-12) of both files: `$defs/index` and one
`$defs/<kind>` per kind. Every file has `"api_version": 1`. Within version 1, fields are only
ever added; a field removed, renamed or changed in meaning comes with `"api_version": 2`. The
files follow the build's audience and drafts exactly as the pages do, and the same content gives
the same bytes.

`embed/battlecards/<id>.html` is a battlecard without the portal around it: quick dismiss, why
we win with proof, landmines, the top three objections, and links to the full card and its PDF
(which open in a new tab). It needs no script, fits a side panel from 280 px wide, follows the
system's dark mode, and is never listed in the sitemap or by search engines. Put it in an
iframe: `<iframe src="https://gtm.acme.example/embed/battlecards/pagestorm.html" width="400"
height="700" title="PageStorm battlecard"></iframe>`.

`output/.gtm-manifest.json` lists the files gtm wrote. Files somebody else put in the output
folder (a `CNAME`, a `robots.txt`) are kept, and gtm never overwrites them.
"""

DOCUMENTS = {name: kind.document for name, kind in KINDS.items() if kind.document}

PDF_CONTENTS = {
    "competitors": "their pitch, quick dismiss, why we win with proof, strengths and "
    "weaknesses, landmines, objection handling, wins, owner and last review; designed for one "
    "page",
    "launches": "summary, goals, audiences with their persona messages, positioning, "
    "milestones, channels, assets with readiness, risks, and the brief",
    "personas": "role, buying role, goals, pains, objections, triggers, channels, quote, and "
    "what to say to them",
    "messaging": "the message house drawn as a house, persona messages, pitch, taglines, "
    "boilerplate",
}


RECORD_ANCHORS = {
    "products": "`#feature-<id>` for each feature",
    "messaging": "`#pillar-<id>` for each pillar",
    "launches": "`#milestone-<id>` for each milestone",
}


def _anchors_section() -> str:
    """The anchors of each kind's page, from the table `gtm check` follows links with."""
    lines = [
        "### Sections you can link to",
        "",
        "Each artifact page has a stable anchor per section, which a link may point at",
        "(`gtm:competitors/feedbackly#objections`, or `#objections` on the page itself). A section",
        "that is shown only when its field has a value has its anchor only then, and `gtm check`",
        "knows which: a link to a section a page does not have is a `broken-link` error.",
        "",
        "| kind | anchors |",
        "|---|---|",
    ]
    for kind, sections in SECTION_ANCHORS.items():
        names = [f"`#{name}`" for name, _ in sections]
        if kind in RECORD_ANCHORS:
            names.append(RECORD_ANCHORS[kind])
        names.append("the headings of its Markdown")
        lines.append(f"| {kind} | {', '.join(names)} |")
    return "\n".join(lines) + "\n"


def render() -> str:
    """The whole of docs/content-model.md."""
    parts = [
        INTRO.format(slug=scalars.SLUG.pattern),
        VALUES.format(depth=MAX_DEPTH, size=_size(MAX_FILE_BYTES)),
        _common_fields(),
        _kinds_overview(),
        *(_kind_section(kind) for kind in KINDS),
        VISIBILITY,
        REFERENCES,
        _anchors_section(),
        _claims_section(),
        _brand_section(),
        HISTORY,
        TODAY,
        _config_section(),
        _outputs_section(),
    ]
    return "\n".join(part.rstrip("\n") + "\n" for part in parts)


# The model, read ----------------------------------------------------------------------------


def meaning(owner: type[BaseModel], name: str) -> str | None:
    """The one line on what a field is for: the generator's, else the model's description."""
    key = f"{_defining_class(owner, name).__name__}.{name}"
    return MEANINGS.get(key) or owner.model_fields[name].description


def _defining_class(owner: type[BaseModel], name: str) -> type[BaseModel]:
    """The class that declares a field, so `Artifact.name` covers every kind."""
    for cls in reversed(owner.__mro__):
        if issubclass(cls, BaseModel) and name in inspect.get_annotations(cls):
            return cls
    return owner


def documented_models() -> list[type[BaseModel]]:
    """Every model whose fields this page documents: the kinds, their records, the brand file
    and the configuration tables."""
    found: list[type[BaseModel]] = [model.Artifact]
    for kind_model in [*(kind.model for kind in KINDS.values()), model.Brand]:
        found.extend(m for m in _with_records(kind_model) if m not in found)
    found.extend(m for m in _config_tables() if m not in found)
    return found


def own_fields(owner: type[BaseModel]) -> list[str]:
    """The fields a model's table shows: a kind's table leaves out the common ones."""
    common = model.Artifact.model_fields
    if owner is not model.Artifact and issubclass(owner, model.Artifact):
        return [name for name in owner.model_fields if name not in common]
    return list(owner.model_fields)


def missing_meanings() -> list[str]:
    """`Model.field` for every documented field with no meaning at all."""
    return [
        f"{owner.__name__}.{name}"
        for owner in documented_models()
        for name in own_fields(owner)
        if not meaning(owner, name)
    ]


def unused_meanings() -> list[str]:
    """Keys of MEANINGS and CONFIG_TYPES that name no field (a field renamed or removed)."""
    known = {
        f"{_defining_class(owner, name).__name__}.{name}"
        for owner in documented_models()
        for name in owner.model_fields
    }
    return sorted(key for key in [*MEANINGS, *CONFIG_TYPES] if key not in known)


def _with_records(owner: type[BaseModel]) -> list[type[BaseModel]]:
    found = [owner]
    for shape in field_shapes(owner):
        if shape.record is not None:
            found.extend(m for m in _with_records(shape.record) if m not in found)
    return found


def _config_tables() -> list[type[BaseModel]]:
    tables: list[type[BaseModel]] = []
    for info in gtm_config.Config.model_fields.values():
        table = info.annotation
        assert isinstance(table, type) and issubclass(table, BaseModel)
        tables.append(table)
    tables.append(gtm_config.TierRule)
    return tables


def field_type(info: FieldInfo) -> str:
    """A field's type: pydantic keeps a required field's markers apart from its annotation."""
    if info.metadata:
        return type_text(Annotated[(info.annotation, *info.metadata)])  # type: ignore[valid-type]
    return type_text(info.annotation)


def type_text(annotation: Any) -> str:
    """A field's type in the doc's words: `text`, `list of persona ids`, `one of …`."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation == model.Proof:
        return "text or a [claim](#proof-points-and-claims)"
    if origin is list and args[0] == model.Proof:
        return "list of texts or [claims](#proof-points-and-claims)"
    if origin is Annotated:
        base, *markers = args
        if typing.get_origin(base) is Literal:
            return type_text(base)
        for marker in markers:
            if isinstance(marker, scalars.Ref):
                singular = KINDS[marker.kind].singular
                return f"[{singular}](#{marker.kind}) id"
        for marker in markers:
            if isinstance(marker, BeforeValidator):
                return VALIDATED_TYPES[marker.func.__name__]
            if isinstance(marker, scalars.Prose):
                return "Markdown" if marker.markdown else "text"
        return type_text(base)
    if origin is list:
        inner = args[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "list of records (below)"
        record = typing.get_args(inner)[0] if typing.get_origin(inner) is Annotated else None
        if isinstance(record, type) and issubclass(record, BaseModel):
            return "list of texts or records (below)"
        return "list of " + _plural(type_text(inner))
    if origin in (typing.Union, types.UnionType):
        return type_text(next(arg for arg in args if arg is not type(None)))
    if origin is Literal:
        return "one of " + ", ".join(f"`{value}`" for value in args)
    if origin is dict:
        return "tables"
    return {str: "text", bool: "true or false", int: "whole number", float: "number"}.get(
        annotation, getattr(annotation, "__name__", str(annotation))
    )


def _plural(text: str) -> str:
    if text == "id" or text.endswith(" id"):
        return text + "s"
    return {"web address": "web addresses", "date": "dates", "number": "numbers"}.get(text, text)


def default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is list:
        return "empty"
    if info.default_factory is not None:
        return "see below"
    value = info.default
    if value is None or value is PydanticUndefined:
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def rules_text(owner: type[BaseModel], name: str) -> str:
    info = owner.model_fields[name]
    rules = []
    low = next((m.min_length for m in info.metadata if isinstance(m, MinLen)), None)
    high = next((m.max_length for m in info.metadata if isinstance(m, MaxLen)), None)
    if low and high:
        rules.append(f"{low} to {high} items")
    elif low:
        rules.append(f"at least {low}")
    elif high:
        rules.append(f"at most {high}")
    floor = next((m.ge for m in info.metadata if isinstance(m, Ge)), None)
    if floor is not None:
        rules.append(f"at least {floor}")
    shape = next((s for s in field_shapes(owner) if s.name == name), None)
    if shape is not None and shape.words is not None:
        each = "each " if shape.is_list else ""
        rules.append(f"{each}≤ {shape.words.limit} words")
    return ", ".join(rules)


# The sections --------------------------------------------------------------------------------


def _field_table(owner: type[BaseModel], names: list[str]) -> str:
    rows = ["| field | type | default | rules | what it is for |", "|---|---|---|---|---|"]
    for name in names:
        info = owner.model_fields[name]
        rows.append(
            f"| `{name}` | {field_type(info)} | {default_text(info)} "
            f"| {rules_text(owner, name)} | {_sentence(meaning(owner, name))} |"
        )
    return "\n".join(rows)


def _records(owner: type[BaseModel]) -> list[str]:
    """A table for each list of records of a model, in field order."""
    blocks = []
    for shape in field_shapes(owner):
        if shape.record is not None and shape.record is not model.Claim:
            table = _field_table(shape.record, own_fields(shape.record))
            blocks.append(f"Each item of `{shape.name}`:\n\n{table}")
            blocks.extend(_records(shape.record))
    return blocks


def _common_fields() -> str:
    table = _field_table(model.Artifact, own_fields(model.Artifact))
    return (
        "## Fields every kind has\n\n"
        + table
        + "\n\nA `.md` file's `body` is the Markdown after its front matter. On pages, `title` "
        "may be written instead of `name`.\n"
    )


def _kinds_overview() -> str:
    rows = ["| kind | folder | in the portal | page of one | PDF |", "|---|---|---|---|---|"]
    for kind in KINDS:
        pdf = pdf_path(kind, "<id>")
        rows.append(
            f"| [{KINDS[kind].singular}](#{kind}) | `content/{kind}/` | {KINDS[kind].title} "
            f"| `{item_path(kind, '<id>')}` | {f'`{pdf}`' if pdf else ''} |"
        )
    return "## Kinds\n\n" + "\n".join(rows) + "\n"


def _kind_section(kind: str) -> str:
    owner = KINDS[kind].model
    parts = [f"### {kind}", KIND_INTROS[kind]]
    names = own_fields(owner)
    if names:
        parts.append(_field_table(owner, names))
    parts.extend(_records(owner))
    rules = KIND_RULES.get(kind, [])
    if rules:
        parts.append("\n".join(f"- {rule}" for rule in rules))
    example = _example(kind)
    if example:
        parts.append(example)
    return "\n\n".join(parts) + "\n"


def _example(kind: str) -> str:
    files = sorted((STARTER / "content" / kind).glob("*"))
    files = [f for f in files if f.suffix in (".yaml", ".yml", ".md")]
    if not files:
        return ""
    path = files[0]
    return f"`content/{kind}/{path.name}`, as `gtm init` writes it:\n\n" + _fenced(path).rstrip(
        "\n"
    )


def _fenced(path: Path) -> str:
    language = "markdown" if path.suffix == ".md" else "yaml"
    text = path.read_text(encoding="utf-8").rstrip("\n")
    return f"```{language}\n{text}\n```\n"


def _brand_section() -> str:
    return BRAND.format(
        table=_field_table(model.Brand, own_fields(model.Brand)),
        records="\n\n".join(_records(model.Brand)),
        example=_fenced(STARTER / "content" / "brand.yaml").rstrip("\n"),
        superlatives=", ".join(f"`{word}`" for word in model.SUPERLATIVES),
    )


def _config_section() -> str:
    tables = []
    for table, info in gtm_config.Config.model_fields.items():
        owner = info.annotation
        assert isinstance(owner, type) and issubclass(owner, BaseModel)
        tables.append(f"### [{table}]\n\n" + _config_rows(owner))
    tables.append(
        "Each `[launch.tiers.N]` table:\n\n"
        + _config_rows(gtm_config.TierRule)
        + "\n\nA tier with no table has no rules."
    )
    return CONFIG.format(tables="\n\n".join(tables), toml=defaults_toml())


def _config_rows(owner: type[BaseModel]) -> str:
    rows = ["| key | type | default | what it is for |", "|---|---|---|---|"]
    for name, info in owner.model_fields.items():
        kind = CONFIG_TYPES.get(f"{owner.__name__}.{name}") or field_type(info)
        limits = rules_text(owner, name)
        kind += f" ({limits})" if limits else ""
        rows.append(
            f"| `{name}` | {kind} | {_config_default(info)} | {_sentence(meaning(owner, name))} |"
        )
    return "\n".join(rows)


def _config_default(info: FieldInfo) -> str:
    if info.default_factory is list:
        return "empty"
    if info.default_factory is not None:
        return "see below"
    if info.default is None:
        return "none"
    return f"`{_toml_value(info.default)}`"


def defaults_toml() -> str:
    """Every key of gtm.toml with its default, as TOML; a key with no default is a comment."""
    defaults = gtm_config.Config()
    lines: list[str] = []
    for table in gtm_config.Config.model_fields:
        values = getattr(defaults, table)
        if isinstance(values, gtm_config.LaunchConfig):
            for tier, rule in sorted(values.tiers.items()):
                lines.append(f"[launch.tiers.{tier}]")
                for name in gtm_config.TierRule.model_fields:
                    lines.append(f"{name} = {_toml_value(getattr(rule, name))}")
                lines.append("")
            continue
        lines.append(f"[{table}]")
        for name in type(values).model_fields:
            value = getattr(values, name)
            if value is None:
                lines.append(f'# {name} = "…"  (not set)')
            else:
                lines.append(f"{name} = {_toml_value(value)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if value is None:
        return ""
    return str(value)


def _outputs_section() -> str:
    pages = [
        (
            "the home page: products, upcoming launches, battlecards, recent changes, guides, "
            "health",
            "index.html",
        ),
        *(
            (f"{KINDS[kind].title}: the list, and one page per artifact", _kind_paths(kind))
            for kind in KINDS
        ),
        (
            "GTM health: stale artifacts, guides and launches never reviewed, overdue "
            "milestones, launches at risk, personas with no message, competitors with no "
            "objection handling, pillars with no proof, artifacts with no owner, brand terms, "
            "banned words and unbacked superlatives, claims to verify, tier gaps; and all of it "
            "by owner",
            "health/index.html",
        ),
        (
            "search (runs in the browser; a large portal's index in pieces, fetched as a "
            "query needs them; from the disk, in names, kinds, summaries and tags)",
            "search/index.html, search-index.json, search-index.js, search-index/",
        ),
        ("every PDF, to download", "downloads/index.html"),
        ("what changed, from git, and the same as an Atom feed", "changes/index.html, changes.xml"),
        ("the launch calendar, for calendar apps", "launches.ics"),
        (
            "data for other tools: every artifact as JSON, an index of them, their JSON Schema "
            "(see below)",
            "api/index.json, api/<kind>/<id>.json, api/schema.json",
        ),
        (
            "each battlecard on its own, for a CRM side panel or an iframe (see below)",
            "embed/battlecards/<id>.html",
        ),
        ("sitemap and not-found page", "sitemap.xml, 404.html"),
        ("the theme's static files, and `content/assets/`", "static/…, assets/…"),
    ]
    page_rows = "\n".join(
        f"| {what} | {', '.join(f'`{p.strip()}`' for p in paths.split(','))} |"
        for what, paths in pages
    )
    pdf_rows = [
        f"| {document.label} | `{pdf_path(kind, '<id>')}` | {PDF_CONTENTS[kind]} |"
        for kind, document in DOCUMENTS.items()
    ]
    pdf_rows.append(
        f"| Sales kit | `{SALES_KIT}` | a cover, a table of contents with page numbers, every "
        "battlecard and persona one-pager, with PDF bookmarks |"
    )
    return OUTPUTS.format(pages=page_rows, pdfs="\n".join(pdf_rows))


def _kind_paths(kind: str) -> str:
    return f"{list_path(kind)}, {item_path(kind, '<id>')}"


def _sentence(text: str | None) -> str:
    if not text:
        return ""
    parts = text.replace("|", "\\|").split("`")
    text = "`".join(part if odd else part.replace("<", "&lt;") for odd, part in _alternate(parts))
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def _alternate(parts: list[str]) -> list[tuple[bool, str]]:
    """Each part of a text split at backticks, and whether it is inside a code span."""
    return [(index % 2 == 1, part) for index, part in enumerate(parts)]


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB" if count % (1024 * 1024) == 0 else f"{count} bytes"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python docs/generate.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
