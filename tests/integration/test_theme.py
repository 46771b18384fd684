"""Themes as users change them: override one template, inherit the rest; a broken template is
a diagnostic at its file and line. (That the built-in theme ships in the wheel and the sdist,
and works from them, is tests/integration/test_installed.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT, MakeProject, RunGtm

PERSONA = """\
    name: Dana
    role: DevOps lead
    buying_role: champion
    goals: [sleep]
    pains: [noise]
"""


def test_a_project_theme_overrides_one_template_and_inherits_the_rest(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    root = make_project(
        {
            "gtm.toml": '[build]\ntheme = "acme"\n',
            "content/personas/dana.yaml": PERSONA,
            "themes/acme/templates/persona.html": (
                '{% extends "base.html" %}{% block content %}'
                '<p id="custom">Persona {{ entry.name }}</p>{% endblock %}'
            ),
        }
    )
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 0, result.output
    persona = (root / "output/personas/dana/index.html").read_text(encoding="utf-8")
    assert '<p id="custom">Persona Dana</p>' in persona
    assert 'rel="stylesheet"' in persona, "the built-in base.html is inherited"
    product = (root / "output/products/relay/index.html").read_text(encoding="utf-8")
    assert "custom" not in product and "Acme Relay" in product


def test_a_template_can_extend_the_builtin_one_of_the_same_name(
    make_project: MakeProject, run_gtm: RunGtm
) -> None:
    root = make_project(
        {
            "themes/default/templates/base.html": (
                '{% extends "default:base.html" %}{% block title %}Custom title{% endblock %}'
            ),
        }
    )
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 0, result.output
    home = (root / "output/index.html").read_text(encoding="utf-8")
    assert "<title>Custom title</title>" in home


def test_template_errors_point_at_the_template(make_project: MakeProject, run_gtm: RunGtm) -> None:
    root = make_project(
        {
            "gtm.toml": '[build]\ntheme = "acme"\n',
            "content/personas/dana.yaml": PERSONA,
            "themes/acme/templates/persona.html": "<p>\n{{ entry.no_such_field }}\n</p>\n",
            "themes/acme/templates/product.html": "<p>\n{% if %}\n</p>\n",
        }
    )
    (root / "output").mkdir()
    (root / "output/keep.txt").write_text("previous output")
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(
        line.startswith("themes/acme/templates/persona.html:2:1: error:") for line in lines
    ), result.output
    assert any(
        line.startswith("themes/acme/templates/product.html:2:1: error:") for line in lines
    ), result.output
    assert sorted(p.name for p in (root / "output").iterdir()) == ["keep.txt"]


# ---------------------------------------------------------------------------------------------
# Blocks: every region of the built-in theme can be overridden on its own
# ---------------------------------------------------------------------------------------------

TEMPLATES = ROOT / "themes" / "default" / "templates"
THEMES_DOC = ROOT / "docs" / "themes.md"
BLOCK_TAG = re.compile(r"{%[-+]?\s*block\s+(\w+)")


def documented_blocks() -> set[tuple[str, str]]:
    """(block, template) for every row of the block table in docs/themes.md."""
    text = THEMES_DOC.read_text(encoding="utf-8")
    section = text.split("\n### Blocks\n", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \| `([\w/.]+)` \|", section, flags=re.MULTILINE))


COMMENT = re.compile(r"{#.*?#}", re.DOTALL)
EXTENDS_TAG = re.compile(r'{%[-+]?\s*extends\s+"(?:default:)?([\w/.]+)"')


def template_blocks() -> set[tuple[str, str]]:
    """(block, template) for every block a built-in template introduces: a {% block %} that
    no template it extends has (the others fill a block of base.html or _artifact.html)."""
    sources = {
        path.relative_to(TEMPLATES).as_posix(): COMMENT.sub("", path.read_text(encoding="utf-8"))
        for path in TEMPLATES.rglob("*.html")
    }

    def inherited(name: str) -> set[str]:
        parent = EXTENDS_TAG.search(sources[name])
        if parent is None:
            return set()
        return set(BLOCK_TAG.findall(sources[parent[1]])) | inherited(parent[1])

    return {
        (block, name)
        for name, source in sources.items()
        for block in set(BLOCK_TAG.findall(source)) - inherited(name)
    }


def test_every_documented_block_exists_and_every_block_is_documented() -> None:
    documented = documented_blocks()
    assert len(documented) > 30, "the table of docs/themes.md was not found"
    assert {"header", "brand", "nav", "search", "footer", "styles", "scripts"} <= {
        name for name, template in documented if template == "base.html"
    }
    assert documented - template_blocks() == set(), "documented, but not in the template"
    assert template_blocks() - documented == set(), "in a template, but not documented"


NAV_AND_FOOTER = """\
{% extends "default:base.html" %}
{% block nav %}<nav class="acme-nav" aria-label="Main">
{%- for l in site.nav %}<a href="{{ url(l.path) }}">{{ l.name }}</a>{% endfor -%}
<a href="https://wiki.acme.example/gtm">GTM wiki</a></nav>
{% endblock %}
{% block footer %}<footer class="acme-footer"><p>{{ site.title }} · Acme Inc.</p></footer>
{% endblock %}
"""


def build_pages(root: Path, run_gtm: RunGtm) -> dict[str, str]:
    result = run_gtm("build", "--no-pdf", project=root)
    assert result.exit_code == 0, result.output
    output = root / "output"
    pages = {
        p.relative_to(output).as_posix(): p
        for p in output.rglob("*.html")
        if not p.is_relative_to(output / "embed")  # cards to embed have no frame of their own
    }
    return {name: path.read_text(encoding="utf-8") for name, path in sorted(pages.items())}


def cut(html: str, tag: str, cls: str) -> str:
    """The page with the one element <tag class="cls"> and the white space around it replaced
    by a marker; fails unless the page has exactly one."""
    pattern = re.compile(rf'\s*<{tag} class="{cls}"[^>]*>.*?</{tag}>\s*', re.DOTALL)
    assert len(pattern.findall(html)) == 1, f"{tag}.{cls}"
    return pattern.sub(f"\n[{tag}]\n", html)


def test_a_theme_overriding_nav_and_footer_changes_those_regions_only(
    example_project: Path, run_gtm: RunGtm
) -> None:
    before = build_pages(example_project, run_gtm)
    toml = example_project / "gtm.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('theme = "default"', 'theme = "acme"'))
    theme = example_project / "themes" / "acme" / "templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text(NAV_AND_FOOTER, encoding="utf-8")
    after = build_pages(example_project, run_gtm)

    assert sorted(after) == sorted(before)
    assert len(before) > 20 and {"index.html", "404.html", "search/index.html"} <= set(before)
    for name, html in after.items():
        assert 'href="https://wiki.acme.example/gtm">GTM wiki</a></nav>' in html, name
        assert "<p>Acme GTM Portal · Acme Inc.</p>" in html, name
        assert "site-nav" not in html and "site-footer" not in html, name
        old = cut(cut(before[name], "nav", "site-nav"), "footer", "site-footer")
        new = cut(cut(html, "nav", "acme-nav"), "footer", "acme-footer")
        assert new == old, f"{name} changed outside the navigation and the footer"


def test_the_block_example_of_the_theme_guide_builds(
    example_project: Path, run_gtm: RunGtm
) -> None:
    """The project theme docs/themes.md shows: one more link in the navigation, a footer of
    its own, and every other region as it was."""
    text = THEMES_DOC.read_text(encoding="utf-8")
    example = text.split("{# themes/acme/templates/base.html #}\n", 1)[1].split("```", 1)[0]
    toml = example_project / "gtm.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('theme = "default"', 'theme = "acme"'))
    theme = example_project / "themes" / "acme" / "templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text(example, encoding="utf-8")
    pages = build_pages(example_project, run_gtm)
    for name, html in pages.items():
        nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.DOTALL)
        assert nav is not None, name
        assert ">Downloads</a></li>" in nav.group() and ">GTM wiki</a></li>" in nav.group(), name
        assert "Acme GTM Portal · Acme Inc." in html and "Launch calendar" not in html, name
    home = pages["index.html"]
    assert '<a href="index.html" aria-current="page">Home</a>' in home, "super() keeps the rest"
