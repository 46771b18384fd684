"""Themes as users change them: override one template, inherit the rest; a broken template is
a diagnostic at its file and line. (That the built-in theme ships in the wheel and the sdist,
and works from them, is tests/integration/test_installed.py.)"""

from __future__ import annotations

from tests.conftest import MakeProject, RunGtm

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
