"""The pipeline is the architecture: a module imports only modules of earlier stages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "gtm"

STAGES = [
    "diagnostics",
    "errors",
    "files",
    "yamlmistakes",
    "yamldoc",
    "config",
    "model",
    "project",
    "routes",
    "sources",
    "validate",
    "markdown",
    "site",
    "derive",
    "checks",
    "theme",
    "anchors",
    "check",
    "views",
    "rendercache",
    "render",
    "pdflibs",
    "pdf",
    "documents",
    "feeds",
    "linkcheck",
    "output",
    "build",
    "watch",
    "server",
    "serve",
    "schema",
    "scaffold",
    "cli",
    "__main__",
]


def gtm_imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gtm"):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(alias.name for alias in node.names if alias.name in STAGES)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("gtm."):
                    found.add(alias.name.split(".")[1])
    return found


def test_every_module_has_a_place_in_the_stage_order() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == set(STAGES)


def test_imports_point_only_to_earlier_stages() -> None:
    for index, module in enumerate(STAGES):
        allowed = set(STAGES[:index])
        wrong = gtm_imports(module) - allowed
        assert not wrong, f"gtm.{module} imports later stages: {sorted(wrong)}"


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
