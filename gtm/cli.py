"""The `gtm` command: options, terminal output and exit codes. Everything else lives in the
pipeline modules; this one only translates between them and the terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gtm import __version__
from gtm.console import ProgressLine, format_line, report
from gtm.content.project import (
    Audience,
    Project,
    RunOptions,
    open_project,
    run_options,
    today,
    use_color,
)
from gtm.diagnostics import Diagnostic, did_you_mean, fails, printable
from gtm.errors import GtmError, UsageError
from gtm.spool import SpooledFiles
from gtm.workers import tune_collector

if TYPE_CHECKING:
    from gtm.build import BuildResult
    from gtm.check import CheckResult


def _project_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--project",
        "project_dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="The project folder (default: the nearest folder upwards with gtm.toml).",
    )(func)


def _content_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that reads the whole project shares."""
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.option("--strict", is_flag=True, help="Warnings fail the run too."),
        click.option("--drafts", is_flag=True, help="Include artifacts with status: draft."),
        click.option(
            "--audience",
            type=click.Choice(["internal", "public"]),
            help="Who the build is for (default: build.audience in gtm.toml).",
        ),
        click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            help="How to print diagnostics.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print only problems."),
        click.option("--verbose", "-v", is_flag=True, help="Print more about what happens."),
        _project_option,
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            help="The folder for gtm's build caches, one subfolder per project, outside the "
            "project (default: GTM_CACHE_DIR, else your user cache folder).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _pdf_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The PDF options of the commands that build."""
    func = click.option(
        "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes for PDFs."
    )(func)
    return click.option("--no-pdf", is_flag=True, help="Skip the PDF collateral.")(func)


def _handles_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turns a `GtmError` into its diagnostics, a one-line message and its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GtmError as exc:
            for diagnostic in exc.diagnostics:
                click.echo(format_line(diagnostic), err=True, color=use_color(sys.stderr))
            click.echo(f"gtm: {printable(exc.message)}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def _open(
    project_dir: Path | None, cache_dir: Path | None, **flags: Any
) -> tuple[Project, RunOptions]:
    project = open_project(project_dir, cache_dir)
    return project, run_options(project, **flags)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gtm")
def main() -> None:
    """gtm: check, build and serve go-to-market content as a portal and sales PDFs."""
    tune_collector()


@main.command()
@_content_options
@click.option("--owner", help="Only the problems in the artifacts this person or team owns.")
@_handles_errors
def check(
    owner: str | None,
    strict: bool,
    drafts: bool,
    audience: Audience | None,
    output_format: str,
    quiet: bool,
    verbose: bool,
    project_dir: Path | None,
    cache_dir: Path | None,
) -> None:
    """Check every file of the project and print all problems; writes nothing."""
    from gtm.check import Checker

    started = time.perf_counter()
    project, options = _open(
        project_dir, cache_dir, audience=audience, drafts=drafts, strict=strict
    )
    result = Checker(project, options).check()
    problems, extra = result.diagnostics, ""
    if owner is not None:
        problems, extra = _owned(result, owner), f" in what {owner.strip()} owns"
    if verbose:
        extra += f" ({result.files} files, {time.perf_counter() - started:.2f} s)"
    report(problems, output_format, quiet, extra)
    sys.exit(1 if fails(problems, strict) else 0)


def _owned(result: CheckResult, owner: str) -> list[Diagnostic]:
    """`--owner`: the owner's problems; a name nobody has is a usage error naming who does."""
    from gtm.check import owned_problems, owners

    found = owned_problems(result, owner)
    if found is None:
        names = owners(result)
        hint = did_you_mean(owner, names) if names else ""
        listed = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        message = f"no artifact is owned by '{owner}'" + (hint or f" (owners: {listed})")
        raise UsageError(message if names else f"no artifact has an owner, so none is '{owner}'")
    return found


@main.command()
@_content_options
@_pdf_options
@click.option(
    "--allow-outside-output",
    is_flag=True,
    help="Allow an output folder outside the project (build.output_dir in gtm.toml).",
)
@_handles_errors
def build(
    strict: bool,
    drafts: bool,
    audience: Audience | None,
    output_format: str,
    quiet: bool,
    verbose: bool,
    project_dir: Path | None,
    cache_dir: Path | None,
    no_pdf: bool,
    jobs: int | None,
    allow_outside_output: bool,
) -> None:
    """Check the project, then render the portal and the PDFs into the output folder."""
    from gtm.content.history import read_history_ahead
    from gtm.publish.paths import check_output_dir

    started = time.perf_counter()
    project, options = _open(
        project_dir,
        cache_dir,
        audience=audience,
        drafts=drafts,
        strict=strict,
        pdf=False if no_pdf else None,
        jobs=jobs,
    )
    check_output_dir(
        project.root, project.output_dir, project.content_dir, allow_outside=allow_outside_output
    )
    limit = project.config.changes.history_limit
    with (
        read_history_ahead(project.root, project.content_dir, limit, project.cache) as ahead,
        SpooledFiles(project.cache_dir) as files,
    ):
        from gtm.build import build_site  # the history is read while the rest loads
        from gtm.publish.output import publish

        if options.pdf:
            from gtm.render.pdflibs import find_pdf_libraries

            find_pdf_libraries()  # without Pango, one line and exit 2 now, not after the build
        progress = ProgressLine(enabled=not quiet)
        try:
            result = build_site(project, options, progress, ahead=ahead, into=files)
        finally:
            progress.close()
        _stop_on_errors(result, strict, output_format, quiet)
        waiting = None if quiet else lambda line: click.echo(f"gtm: {line}", err=True)
        published = publish(project.output_dir, result.files, waiting)
    extra = ""
    if not quiet:
        if result.history_note:
            click.echo(printable(f"gtm: {result.history_note}"), err=True)
        where = project.relative(project.output_dir)
        extra = _built(result, published.written, where, time.perf_counter() - started, verbose)
    report(result.diagnostics, output_format, quiet, extra)


def _stop_on_errors(result: BuildResult, strict: bool, output_format: str, quiet: bool) -> None:
    """A build with errors reports them and exits 1, leaving the output folder as it was."""
    if fails(result.diagnostics, strict):
        report(result.diagnostics, output_format, quiet)
        if not quiet:
            click.echo("gtm: build stopped: nothing in the output folder was changed", err=True)
        sys.exit(1)


def _built(result: BuildResult, written: int, where: str, seconds: float, verbose: bool) -> str:
    """What follows the summary line of a build; with `verbose`, each page count and PDF first."""
    pdfs = ""
    if result.documents:
        cached = sum(1 for d in result.documents if d.cached)
        pdfs = f", {len(result.documents)} PDFs ({cached} unchanged)"
    if verbose:
        fresh = result.pages - result.reused
        click.echo(f"  pages: {fresh} rendered, {result.reused} unchanged", err=True)
        for document in result.documents:
            how = "unchanged" if document.cached else f"{document.seconds:.2f} s"
            click.echo(f"  {document.path}: {how}", err=True)
    return f"; built {result.pages} pages{pdfs}, {written} files into {where}/ in {seconds:.2f} s"


@main.command()
@_content_options
@_pdf_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Loopback address to listen on (127.0.0.1, localhost or ::1): the portal is never "
    "served to the network; to share it, build and publish it.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--open", "open_browser", is_flag=True, help="Open the portal in a browser.")
@_handles_errors
def serve(
    strict: bool,
    drafts: bool,
    audience: Audience | None,
    output_format: str,
    quiet: bool,
    verbose: bool,
    project_dir: Path | None,
    cache_dir: Path | None,
    no_pdf: bool,
    jobs: int | None,
    host: str,
    port: int,
    open_browser: bool,
) -> None:
    """Build, serve the portal on http://127.0.0.1:8000/, and rebuild and reload open pages
    on every save. Stop with Ctrl-C."""
    from gtm.dev.server import check_host
    from gtm.dev.session import DevSession, Flags
    from gtm.errors import UsageError

    check_host(host)
    project = open_project(project_dir, cache_dir)
    flags = Flags(audience, drafts, strict, False if no_pdf else None, jobs)

    def show(diagnostics: Sequence[Diagnostic], extra: str) -> None:
        report(diagnostics, output_format, quiet, extra)

    try:
        session = DevSession(project, flags, host, port, show)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if not quiet:
        click.echo(printable(f"serving {project.relative(project.output_dir)}/ on {session.url}"))
        click.echo("watching content/, themes/ and gtm.toml; Ctrl-C to stop")
    try:
        session.serve(open_browser=open_browser)
    except KeyboardInterrupt:
        if not quiet:
            click.echo("stopped")


@main.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@_handles_errors
def init(directory: Path | None) -> None:
    """Create a new project in DIRECTORY (default: here): gtm.toml and a small example."""
    from gtm.scaffold import init_project

    target = directory or Path.cwd()
    written = init_project(target, today())
    click.echo(printable(f"created {len(written)} files in {target}"))
    where = printable(f"cd {directory} && ") if directory is not None else ""
    click.echo(f"next: {where}gtm serve, then open http://127.0.0.1:8000/ and edit a file")


@main.command()
@click.argument("kind")
@click.argument("ident", metavar="ID")
@_project_option
@_handles_errors
def new(kind: str, ident: str, project_dir: Path | None) -> None:
    """Write a new artifact of KIND (product, persona, competitor, positioning, messaging,
    launch, page) named ID, with every field listed and explained."""
    from gtm.scaffold import new_artifact

    project = open_project(project_dir)
    path = new_artifact(project, kind, ident, today())
    click.echo(printable(f"created {project.relative(path)}"))


@main.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@_project_option
@_handles_errors
def schema(directory: Path | None, project_dir: Path | None) -> None:
    """Write JSON Schemas (draft-07) for every kind and gtm.toml into DIRECTORY
    (default: schemas/ in the project), for completion and checks in editors."""
    from gtm.content.schema import write_schemas

    if directory is None:
        directory = open_project(project_dir).root / "schemas"
    written = write_schemas(directory)
    click.echo(printable(f"wrote {len(written)} schemas to {directory}"))
    click.echo(
        "in a YAML file, add: # yaml-language-server: $schema=<path to schemas>/<kind>.schema.json"
    )


@main.command()
@click.option(
    "--vale",
    required=True,
    metavar="DIR",
    type=click.Path(path_type=Path, file_okay=False),
    help="The folder of your Vale styles (StylesPath in .vale.ini); gtm writes DIR/Brand/.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@_project_option
@_handles_errors
def brand(vale: Path, quiet: bool, project_dir: Path | None) -> None:
    """Turn content/brand.yaml (our terms, banned words, claim words) into a Vale style, so
    writers who use Vale in their editor see the same brand warnings as gtm check."""
    from gtm.vale import write_brand_style

    written = write_brand_style(open_project(project_dir), vale)
    if not quiet:
        click.echo(written)
