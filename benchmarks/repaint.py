"""Save-to-repaint latency of `gtm serve` in a real browser: from writing a persona file to the
new text being painted in headless Chromium, which has the persona's page open.

    python benchmarks/repaint.py [PROJECT] [--saves 12] [--tree DIR --tree DIR2 ...]

PROJECT defaults to a copy of the repository's example; pass a generated corpus
(`python benchmarks/corpus.py 1000 /tmp/c1k`) for a large one. The project is copied, never
changed in place. Each `--tree` is a gtm checkout put first on PYTHONPATH (default: this one);
with several, the trees take turns (A B B A ...), each turn its own server and browser, and the
medians are printed side by side.

Each save rewrites the persona's `role:` line with a new number. A script installed in every
document the page loads (so it survives a full reload) watches the DOM; when the new number is
in the page it waits for the next animation frame, then one task more (the frame has been
painted), and reports `Date.now()`, which is compared with the wall clock at the write.
Needs Playwright and Debian's chromium (`/usr/bin/chromium`).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from serve_latency import serve_copy, wait_until_served

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WATCHER = """
(() => {
  let reported = 0;
  function look() {
    const wanted = Number(sessionStorage.getItem("gtm-repaint") || 0);
    if (!wanted || wanted === reported || !document.body) return;
    if (!document.body.textContent.includes("repaint-" + wanted + ".")) return;
    reported = wanted;
    requestAnimationFrame(() => setTimeout(() => window.gtmPainted(wanted, Date.now()), 0));
  }
  new MutationObserver(look).observe(document, {subtree: true, childList: true,
                                                characterData: true});
  document.addEventListener("DOMContentLoaded", look);
})();
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=None)
    parser.add_argument("--saves", type=int, default=12)
    parser.add_argument("--tree", type=Path, action="append", default=[])
    parser.add_argument("--turns", type=int, default=2, help="turns per tree (default 2)")
    args = parser.parse_args()
    trees = [tree.resolve() for tree in args.tree] or [ROOT]
    turns = [trees if turn % 2 == 0 else trees[::-1] for turn in range(args.turns)]
    order = [tree for turn in turns for tree in turn]
    per_turn = max(1, args.saves // args.turns)
    results: dict[Path, list[float]] = {tree: [] for tree in trees}
    for tree in order:
        latencies = run_turn(tree, args.project, per_turn)
        results[tree].extend(latencies)
        print(f"{tree}: {', '.join(f'{x * 1000:.0f}' for x in latencies)} ms", file=sys.stderr)
    for tree, latencies in results.items():
        median = statistics.median(latencies)
        print(
            f"{tree}: save-to-repaint over {len(latencies)} saves: median {median * 1000:.0f} ms,"
            f" min {min(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )


def run_turn(tree: Path, source: Path | None, saves: int) -> list[float]:
    """One server of `tree` on a fresh copy of the project, one browser, `saves` saves."""
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="gtm-repaint-"))
    extra = {"PYTHONPATH": str(tree), "GTM_CACHE_DIR": str(workdir / "cache")}
    server, project, port = serve_copy(source, workdir, extra)
    try:
        wait_until_served(port, project)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                return measure(browser, port, project, saves)
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def measure(browser: Any, port: int, project: Path, saves: int) -> list[float]:
    persona = sorted((project / "content" / "personas").glob("*.y*ml"))[0]
    original = persona.read_text(encoding="utf-8")
    if not re.search(r"^role: .*$", original, flags=re.M):
        raise SystemExit(f"{persona} has no role: line to change")
    painted: dict[int, float] = {}
    arrived = threading.Condition()

    def report(number: int, at: float) -> None:
        with arrived:
            painted[number] = at / 1000
            arrived.notify_all()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.expose_function("gtmPainted", report)
    page.add_init_script(WATCHER)
    page.goto(f"http://127.0.0.1:{port}/personas/{persona.stem}/")
    loads = []
    page.on("load", lambda: loads.append(1))
    latencies = []
    for number in range(1, saves + 1):
        page.wait_for_timeout(700)  # the previous save's rebuild and reload have settled
        page.evaluate(f"sessionStorage.setItem('gtm-repaint', '{number}')")
        text = re.sub(r"^(role: .*)$", rf"\1 repaint-{number}.", original, count=1, flags=re.M)
        written = time.time()
        persona.write_text(text, encoding="utf-8")
        deadline = time.monotonic() + 30
        while number not in painted and time.monotonic() < deadline:
            page.wait_for_timeout(5)  # lets Playwright deliver the page's report
        if number not in painted:
            raise SystemExit(f"save {number} was never painted")
        latencies.append(painted[number] - written)
    if loads:
        print(f"  {len(loads)} of {saves} saves reloaded the page", file=sys.stderr)
    return latencies


if __name__ == "__main__":
    main()
