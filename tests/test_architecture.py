"""The pipeline is the architecture: a module imports only modules of earlier stages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "gtm"

LAYERS = [
    ("beside", ["diagnostics", "errors", "files", "workers", "memo", "cache", "spool"]),
    (
        "content",
        [
            "content.yamlfailure",
            "content.yamllines",
            "content.yamlmistakes",
            "content.yamldoc",
            "content.config",
            "content.scalars",
            "content.model",
            "content.fields",
            "content.kinds",
            "content.project",
            "content.reading",
            "content.sources",
            "content.gitlog",
            "content.revisions",
            "content.history",
            "content.worktree",
            "content.validate",
            "content.commonmark",
            "content.markdown",
            "content.schema",
        ],
    ),
    (
        "site",
        [
            "site.link",
            "site.routes",
            "site.claims",
            "site.facts",
            "site.voice",
            "site.rules",
            "site.anchors",
            "site.timeline",
            "site.entries",
            "site.views",
        ],
    ),
    (
        "render",
        [
            "render.theme",
            "render.pdflibs",
            "render.images",
            "render.pdf",
            "render.pdfworkers",
            "render.pagecache",
            "render.pages",
            "render.feeds",
            "render.shards",
            "render.atom",
            "render.apischema",
            "render.api",
            "render.documents",
        ],
    ),
    ("publish", ["publish.linkcheck", "publish.paths", "publish.lock", "publish.output"]),
    ("build", ["changes", "check", "build"]),
    ("dev", ["dev.watch", "dev.server", "dev.session"]),
    ("commands", ["vale", "scaffold", "console", "cli", "__main__"]),
]
"""The pipeline's layers, lowest first: content → site → render → publish, then the builder,
`gtm serve` and the commands; beside them, the few modules every layer may use. A module
imports only modules of lower layers, and in its own layer only those listed before it."""
ORDER = [module for _, modules in LAYERS for module in modules]


def modules() -> set[str]:
    """Every module of the package, as a dotted name below `gtm`."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] != "__init__":
            found.add(".".join(parts))
    return found


def gtm_imports(module: str) -> set[str]:
    """The gtm modules `module` imports, wherever in it (TYPE_CHECKING blocks included)."""
    tree = ast.parse((PACKAGE / f"{module.replace('.', '/')}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gtm"):
            inner = node.module.split(".")[1:]
            if inner and ".".join(inner) in ORDER:
                found.add(".".join(inner))
            for alias in node.names:
                name = ".".join([*inner, alias.name])
                if name in ORDER:
                    found.add(name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("gtm.") and alias.name[4:] in ORDER:
                    found.add(alias.name[4:])
    return found


def test_every_module_has_a_place_in_a_layer() -> None:
    assert modules() == set(ORDER)
    assert len(ORDER) == len(set(ORDER))


def test_every_stage_package_holds_its_layer() -> None:
    """The folders show the pipeline: a module of a stage package sits in that stage's layer."""
    for layer, names in LAYERS:
        for name in names:
            package = name.partition(".")[0] if "." in name else None
            assert package in (None, layer), f"gtm.{name} is in {package}/, not {layer}/"


def test_imports_point_only_to_lower_layers() -> None:
    for index, module in enumerate(ORDER):
        allowed = set(ORDER[:index])
        wrong = gtm_imports(module) - allowed
        assert not wrong, f"gtm.{module} imports later modules: {sorted(wrong)}"


MODULE_LINES = 400
FUNCTION_LINES = 60


def test_modules_and_functions_stay_readable_in_one_sitting() -> None:
    """No module over 400 lines and no function over 60, as docs/design.md promises a
    newcomer: a longer one is split where its parts have names of their own."""
    long: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(PACKAGE.parent).as_posix()
        if text.count("\n") > MODULE_LINES:
            long.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > FUNCTION_LINES:
                    long.append(f"{name}:{node.lineno}: {node.name} is {size} lines")
    assert long == []


def test_cli_import_stays_light() -> None:
    heavy = ("weasyprint", "jinja2", "markdown_it", "watchdog")
    code = f"import sys, gtm.cli; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_check_loads_no_template_engine_and_no_pdf_library() -> None:
    """`gtm check` renders nothing, so it does not pay for importing what rendering needs."""
    root = PACKAGE.parent
    code = (
        "import sys\nfrom gtm.cli import main\ntry:\n"
        f"    main(['check', '--quiet', '--project', {str(root)!r}])\n"
        "except SystemExit:\n    pass\n"
        "print([m for m in ('weasyprint', 'jinja2', 'watchdog') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr
