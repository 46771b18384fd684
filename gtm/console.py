"""What gtm prints on a terminal: diagnostics one per line (coloured on a terminal, never under
NO_COLOR), the summary line, and a progress line for long builds."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import click

from gtm.content.project import use_color
from gtm.diagnostics import Diagnostic, printable, summary, to_json

SEVERITY_COLORS = {"error": "red", "warning": "yellow"}


def format_line(diagnostic: Diagnostic, color: bool = True) -> str:
    """One line per diagnostic, coloured or not; `printable` keeps what the path and message
    quote from a file from acting on the terminal or breaking the line."""
    if not color:
        return diagnostic.format()
    head = f"{printable(diagnostic.path)}:{diagnostic.line}:{diagnostic.column}:"
    severity = click.style(
        f"{diagnostic.severity}:", fg=SEVERITY_COLORS[diagnostic.severity], bold=True
    )
    return f"{click.style(head, bold=True)} {severity} {printable(diagnostic.message)}"


def report(
    diagnostics: Sequence[Diagnostic], output_format: str, quiet: bool, extra: str = ""
) -> None:
    """Prints diagnostics to stdout (JSON or one line each) and the summary line."""
    if output_format == "json":
        click.echo(to_json(diagnostics))
        if not quiet:
            click.echo(summary(diagnostics) + printable(extra), err=True)
        return
    color = use_color(sys.stdout)
    for diagnostic in diagnostics:
        click.echo(format_line(diagnostic, color), color=color)
    if not quiet:
        click.echo(summary(diagnostics) + printable(extra))


class ProgressLine:
    """One self-rewriting line on stderr for builds that take a while; silent when stderr is not
    a terminal, under --quiet, and for builds quick enough not to need it."""

    DELAY = 0.3

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.started = time.perf_counter()
        self.shown = False
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if not self.enabled or now - self.started < self.DELAY:
            return
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 24
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r[{bar}] {done}/{total} {stage}\x1b[K", nl=False, err=True)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", nl=False, err=True)
