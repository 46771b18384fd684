"""Stress cases: one page with N copies of the same thing, where a step that starts over for each
copy turns quadratic. Times `gtm check` and `gtm build --no-pdf` for each N and prints how much
longer each doubling of N takes: about 2x is linear, about 4x quadratic. It reports; it never
fails, since the machine is shared.

    python benchmarks/stress.py                          # every case, N = 1k, 4k, 16k, 32k
    python benchmarks/stress.py --cases links --sizes 16000,32000 --runs 3

The cases:

- `links`: N identical `gtm:` links in one page. `gtm check` places every link of a text in
  its file; finding the k-th copy by searching from the start made that quadratic.
- `headings`: N identical `## a` headings in one page. Each heading gets a unique id (`a`,
  `a-1`, `a-2`, ...); counting up from `a-1` for each copy made that quadratic.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1795435200"  # 2026-11-23 12:00 UTC
PRODUCT = "name: Acme Relay\nstage: growth\n"


def links(n: int) -> str:
    """A page body with `n` copies of one link, one per line of a single paragraph."""
    return "Relay is here:\n" + "[Relay](gtm:products/relay)\n" * n


def headings(n: int) -> str:
    """A page body with `n` copies of one heading, each with a line under it."""
    return "## a\n\nText.\n\n" * n


CASES: dict[str, Callable[[int], str]] = {"links": links, "headings": headings}
COMMANDS: tuple[tuple[str, ...], ...] = (("check",), ("build", "--no-pdf"))


def write_project(root: Path, body: str) -> None:
    """The smallest project that shows `body`: gtm.toml, one product and one page."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "content/products").mkdir(parents=True)
    (root / "content/pages").mkdir(parents=True)
    (root / "gtm.toml").write_text("[pdf]\nenabled = false\n", encoding="utf-8")
    (root / "content/products/relay.yaml").write_text(PRODUCT, encoding="utf-8")
    page = f"---\nname: Stress\n---\n{body}"
    (root / "content/pages/stress.md").write_text(page, encoding="utf-8")


def gtm_python(requested: str | None) -> str:
    """The interpreter that has gtm installed: the one asked for, this one, or the repo's
    .venv, asked from a neutral folder so that ./gtm in the repo is not taken for it."""
    candidates = [requested] if requested else [sys.executable, str(REPO / ".venv/bin/python")]
    for python in candidates:
        probe = subprocess.run(
            [python, "-c", "import gtm"], capture_output=True, cwd=tempfile.gettempdir()
        )
        if probe.returncode == 0:
            return python
    raise SystemExit("stress.py: no Python with gtm installed; pass --python .venv/bin/python")


def time_command(python: str, root: Path, cache: Path, command: Sequence[str]) -> float:
    """Wall-clock seconds of one cold run (no output, no cache), from start to exit."""
    for folder in (root / "output", root / ".gtm-cache", cache):
        shutil.rmtree(folder, ignore_errors=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1", "GTM_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-m", "gtm", *command, "--project", str(root), "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(f"  gtm {' '.join(command)} exited {done.returncode}:", file=sys.stderr)
        print("  " + (done.stdout + done.stderr).strip()[:2000], file=sys.stderr)
    return seconds


def growth(sizes: list[int], seconds: list[float]) -> list[str]:
    """How much longer each step takes per doubling of N: (t2 / t1) ** (1 / log2(n2 / n1))."""
    factors = ["-"]
    for (n1, t1), (n2, t2) in pairwise(zip(sizes, seconds, strict=True)):
        factors.append(f"{(t2 / t1) ** (1 / math.log2(n2 / n1)):.2f}x")
    return factors


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="links, headings or both")
    parser.add_argument("--sizes", default="1000,4000,16000,32000", help="values of N")
    parser.add_argument("--runs", type=int, default=1, help="runs per figure (median)")
    parser.add_argument("--python", help="the Python that runs gtm (default: this one or .venv)")
    options = parser.parse_args(argv)
    python = gtm_python(options.python)
    sizes = sorted(int(size) for size in options.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="gtm-stress-") as temporary:
        root, cache = Path(temporary) / "project", Path(temporary) / "cache"
        print(f"{'case':10} {'command':20} {'N':>7} {'seconds':>8} {'per doubling':>13}")
        for case in options.cases.split(","):
            make = CASES[case.strip()]
            for command in COMMANDS:
                seconds = []
                for size in sizes:
                    write_project(root, make(size))
                    runs = [time_command(python, root, cache, command) for _ in range(options.runs)]
                    seconds.append(statistics.median(runs))
                label = "gtm " + " ".join(command)
                for size, took, factor in zip(sizes, seconds, growth(sizes, seconds), strict=True):
                    print(f"{case:10} {label:20} {size:>7,} {took:>8.2f} {factor:>13}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
