"""gtm.toml: the spec's defaults, and every problem at its own line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from gtm.content.config import Config, load_config
from gtm.diagnostics import Diagnostic


def load(tmp_path: Path, text: str | bytes) -> tuple[Config, list[Diagnostic]]:
    path = tmp_path / "gtm.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load_config(path)


def only(problems: list[Diagnostic]) -> tuple[int, int, str, str]:
    (d,) = problems
    assert d.path == "gtm.toml"
    assert d.severity == "error"
    return d.line, d.column, d.code, d.message


def test_defaults_are_the_specs(tmp_path: Path) -> None:
    config, problems = load(tmp_path, "")
    assert problems == []
    assert config.model_dump() == {
        "site": {"title": config.site.title, "base_url": "/", "language": "en"},
        "build": {
            "content_dir": "content",
            "output_dir": "output",
            "theme": "default",
            "audience": "internal",
            "freshness_days": 90,
        },
        "pdf": {"enabled": True, "page_size": "A4"},
        "brand": {"primary_color": "#2F5BEA", "logo": config.brand.logo},
        "markdown": {"allow_html": False},
        "launch": {
            "at_risk_days": 21,
            "at_risk_readiness": 80,
            "tiers": {
                "1": {
                    "channels": ["pr", "blog", "email", "sales"],
                    "assets": ["battlecard", "launch-brief", "deck"],
                },
                "2": {"channels": ["blog", "email"], "assets": ["launch-brief"]},
            },
        },
        "claims": {"max_age_days": 365, "require_source": False},
        "changes": {"recent_days": 14, "feed_days": 90, "history_limit": 20},
    }


def test_the_specs_example_file_loads_unchanged(tmp_path: Path) -> None:
    text = """\
[site]
title = "Acme GTM Portal"
base_url = "/"
language = "en"

[build]
content_dir = "content"
output_dir = "output"
theme = "default"
audience = "internal"
freshness_days = 90

[pdf]
enabled = true
page_size = "A4"

[brand]
primary_color = "#2F5BEA"
logo = "assets/logo.svg"

[launch.tiers.1]
channels = ["pr", "blog", "email", "sales"]
assets = ["battlecard", "launch-brief", "deck"]
[launch.tiers.2]
channels = ["blog", "email"]
assets = ["launch-brief"]
"""
    config, problems = load(tmp_path, text)
    assert problems == []
    assert config.site.title == "Acme GTM Portal"
    assert config.brand.logo == "assets/logo.svg"
    assert config.tier_rule(1) is not None
    assert config.tier_rule(1).channels == ["pr", "blog", "email", "sales"]  # type: ignore[union-attr]
    assert config.tier_rule(3) is None


def test_values_are_read(tmp_path: Path) -> None:
    text = '[build]\nfreshness_days = 30\naudience = "public"\n[pdf]\npage_size = "Letter"\n'
    config, problems = load(tmp_path, text)
    assert problems == []
    assert (config.build.freshness_days, config.build.audience) == (30, "public")
    assert config.pdf.page_size == "Letter"


def test_a_tiers_table_replaces_the_default_tiers(tmp_path: Path) -> None:
    config, _ = load(tmp_path, '[launch.tiers.3]\nchannels = ["changelog"]\n')
    assert config.tier_rule(1) is None
    assert config.tier_rule(3).channels == ["changelog"]  # type: ignore[union-attr]
    assert config.tier_rule(3).assets == []  # type: ignore[union-attr]


def test_unknown_key_with_did_you_mean_at_its_line(tmp_path: Path) -> None:
    _, problems = load(tmp_path, '[site]\ntitle = "x"\n\n  titel = "y"\n')
    assert only(problems) == (
        4,
        3,
        "config-unknown-key",
        "unknown key 'site.titel' in [site] (did you mean 'title'?)",
    )


def test_unknown_table_at_its_header(tmp_path: Path) -> None:
    _, problems = load(tmp_path, '# comment\n[sitee]\ntitle = "x"\n')
    line, column, code, message = only(problems)
    assert (line, column, code) == (2, 2, "config-unknown-key")
    assert "'sitee'" in message and "did you mean 'site'" in message


def test_unknown_key_in_a_tier(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "[launch.tiers.1]\nchanels = []\n")
    line, column, code, message = only(problems)
    assert (line, column, code) == (2, 1, "config-unknown-key")
    assert "did you mean 'channels'" in message


def test_unknown_key_in_an_inline_table_at_its_column(tmp_path: Path) -> None:
    _, problems = load(tmp_path, '[launch.tiers]\n1 = { channels = ["a"], asets = [] }\n')
    line, column, code, message = only(problems)
    assert (line, column, code) == (2, 25, "config-unknown-key")
    assert "did you mean 'assets'" in message


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('[build]\naudience = "everyone"\n', 2, 12, ["build.audience", "internal", "public"]),
        ("[build]\nfreshness_days = 0\n", 2, 18, ["build.freshness_days"]),
        ('[build]\nfreshness_days = "90"\n', 2, 18, ["build.freshness_days"]),
        ('[pdf]\npage_size = "A5"\n', 2, 13, ["pdf.page_size", "A4", "Letter"]),
        ('[pdf]\nenabled = "yes"\n', 2, 11, ["pdf.enabled"]),
        ('[brand]\nprimary_color = "blue"\n', 2, 17, ["brand.primary_color", "#2F5BEA"]),
        ("\n[markdown]\n    allow_html = 1\n", 3, 18, ["markdown.allow_html"]),
        ("site.title = 3\n", 1, 14, ["site.title"]),
    ],
)
def test_invalid_values_at_the_values_column(
    tmp_path: Path, text: str, line: int, column: int, words: list[str]
) -> None:
    config, problems = load(tmp_path, text)
    got_line, got_column, code, message = only(problems)
    assert (got_line, got_column, code) == (line, column, "config-invalid")
    for word in words:
        assert word in message
    assert config == Config(), "a broken file gives the defaults"


def test_a_tier_other_than_1_2_3(tmp_path: Path) -> None:
    _, problems = load(tmp_path, "[launch.tiers.4]\nchannels = []\n")
    line, _, code, message = only(problems)
    assert (line, code) == (1, "config-invalid")
    assert "tiers are 1, 2 and 3" in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    _, problems = load(tmp_path, '[site]\ntitel = "x"\n[pdf]\npage_size = "A5"\nenabled = 2\n')
    assert sorted((d.line, d.code) for d in problems) == [
        (2, "config-unknown-key"),
        (4, "config-invalid"),
        (5, "config-invalid"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('[site\ntitle = "x"\n', 1, 6),
        ('[site]\ntitle = "x"\ntitle = "y"\n', 3, 12),
        ('[site]\ntitle = "x\n', 2, 11),
    ],
)
def test_syntax_errors_are_positioned(tmp_path: Path, text: str, line: int, column: int) -> None:
    _, problems = load(tmp_path, text)
    got_line, got_column, code, message = only(problems)
    assert (got_line, got_column, code) == (line, column, "config-syntax")
    assert message.startswith("invalid TOML: ")
    assert "(at line" not in message, "the position is not repeated in the message"


def test_not_utf8(tmp_path: Path) -> None:
    _, problems = load(tmp_path, b"\xff[site]\n")
    assert only(problems)[:3] == (1, 1, "config-encoding")


def test_not_utf8_points_at_the_byte_like_a_content_file(tmp_path: Path) -> None:
    _, problems = load(tmp_path, b'[site]\ntitle = "caf\xe9"\n')
    assert only(problems)[:3] == (2, 13, "config-encoding")
