"""Search at portal scale: what a Pagefind index made from gtm's search records costs to build,
and what a reader's first query costs in Chromium, against gtm's own search: its index in pieces
(`search-index/`, which a cold `gtm build` of a large portal writes) and the whole
`search-index.json` before the first result.

    pip install 'pagefind[bin]==1.5.2'
    python benchmarks/search_bundle.py 1000 5000 [--runs 3]

For each size: a corpus (`corpus.py`), a cold `gtm build --no-pdf` (timed, `--runs` times), the
Pagefind bundle made from the build's `search-index.json` (`pagefind_bundle.py`, timed the same
way), then the output served on 127.0.0.1 and opened in headless Chromium with an empty cache: a
page imports `pagefind/pagefind.js` and searches; **first results** is the time from the call to
the first ten results' titles and excerpts being loaded, and **transferred** the bytes of every
response the page received for it (the page itself excluded). The same for today's search: the
time to fetch and parse `search-index.json`, and its size (served without compression, as
Python's server does; a host that gzips sends about a quarter). And gtm's search page itself,
`search/index.html`, opened with an empty cache: once it is ready, the query is put in its box
as one input event; **first results** runs from that event to the frame painted after the
results are in the page (the page's 120 ms pause for more typing included), **transferred** is
every response under `search-index/` (`meta.json`, read when the page opens, included). The
time gtm takes to cut the pieces is measured in this process on the build's records
(`render.shards.search_shards`), as the Pagefind bundle is.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pagefind_bundle import search_bundle

from gtm.render.shards import search_shards

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ("incident", "renewal pricing")
PROBE = """<!doctype html><meta charset="utf-8"><title>probe</title><script type="module">
window.searchWith = async (how, query) => {
  const started = performance.now();
  if (how === "pagefind") {
    const pagefind = await import("./pagefind/pagefind.js");
    const search = await pagefind.search(query);
    const data = await Promise.all(search.results.slice(0, 10).map((r) => r.data()));
    return {ms: performance.now() - started, found: search.results.length,
            first: data.map((d) => d.meta.title)};
  }
  const index = await (await fetch("./search-index.json")).json();
  const words = query.toLowerCase().split(/\\s+/);
  const found = index.filter((r) => words.every((w) =>
    (r.title + " " + r.summary + " " + r.text).toLowerCase().includes(w)));
  return {ms: performance.now() - started, found: found.length,
          first: found.slice(0, 10).map((r) => r.title)};
};
</script>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    python = ROOT / ".venv" / "bin" / "python"
    python = python if python.exists() else Path(sys.executable)
    for size in args.sizes:
        workdir = Path(tempfile.mkdtemp(prefix="gtm-search-"))
        try:
            measure(size, workdir, python, args.runs)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


def measure(size: int, workdir: Path, python: Path, runs: int) -> None:
    project = workdir / "project"
    subprocess.run(
        [str(python), str(ROOT / "benchmarks" / "corpus.py"), str(size), str(project)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795435200", "NO_COLOR": "1"}
    env["GTM_CACHE_DIR"] = str(workdir / "cache")
    build = [str(python), "-m", "gtm", "build", "--no-pdf", "--quiet", "--project", str(project)]
    builds, bundles, cuts = [], [], []
    records: list[Any] = []
    for _ in range(runs):
        shutil.rmtree(workdir / "cache", ignore_errors=True)
        shutil.rmtree(project / "output", ignore_errors=True)
        started = time.perf_counter()
        subprocess.run(build, check=True, env=env, cwd=workdir)
        builds.append(time.perf_counter() - started)
        records = json.loads((project / "output" / "search-index.json").read_bytes())
        started = time.perf_counter()
        bundle = search_bundle(records, "en")
        bundles.append(time.perf_counter() - started)
        started = time.perf_counter()
        pieces = dict(search_shards(records))
        cuts.append(time.perf_counter() - started)
    output = project / "output"
    for name, data in bundle.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_bytes(data)
    (output / "probe.html").write_text(PROBE, encoding="utf-8")
    build_s, bundle_s = statistics.median(builds), statistics.median(bundles)
    cut_s = statistics.median(cuts)
    size_kb = sum(len(d) for d in bundle.values()) / 1024
    pieces_kb = sum(len(d) for d in pieces.values()) / 1024
    print(
        f"{size} artifacts ({len(records)} records): cold build {build_s:.2f} s, "
        f"Pagefind bundle {bundle_s:.2f} s ({bundle_s / build_s:.0%} of the build; "
        f"{len(bundle)} files, {size_kb:,.0f} KB), gtm's pieces {cut_s:.2f} s "
        f"({cut_s / build_s:.0%}; {len(pieces)} files, {pieces_kb:,.0f} KB; "
        f"written by the build: {any((output / 'search-index').glob('*/docs'))})"
    )
    for how in ("gtm search page", "pagefind", "search-index.json"):
        for query in QUERIES:
            ms, sent, found = first_results(output, how, query)
            shown = f"first results {ms:.0f} ms, {sent / 1024:,.0f} KB"
            print(f"  {how}, {query!r}: {found} found, {shown}")


def first_results(output: Path, how: str, query: str) -> tuple[float, int, int]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(output))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            try:
                page = browser.new_page()
                if how == "gtm search page":
                    return _search_page(page, f"http://127.0.0.1:{server.server_address[1]}", query)
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/probe.html")
                page.wait_for_function("typeof window.searchWith === 'function'")
                sizes: list[int] = []
                page.on("requestfinished", lambda request: sizes.append(_size(request)))
                result = page.evaluate(f"window.searchWith({how!r}, {query!r})")
                page.wait_for_timeout(200)
                return float(result["ms"]), sum(sizes), int(result["found"])
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()


TYPE = """(query) => new Promise((done) => {
  const input = document.querySelector("[data-search-input]");
  const list = document.querySelector("[data-search-results]");
  const status = document.querySelector("[data-search-status]");
  let started = 0;
  new MutationObserver((_, watching) => {
    if (!list.children.length) return;
    watching.disconnect();
    requestAnimationFrame(() => setTimeout(() => done(
      {ms: performance.now() - started, status: status.textContent})));
  }).observe(list, {childList: true});
  started = performance.now();
  input.value = query;
  input.dispatchEvent(new Event("input", {bubbles: true}));
})"""


def _search_page(page: Any, base: str, query: str) -> tuple[float, int, int]:
    """gtm's own search page: ready, then one input event to the painted results."""
    sizes: list[int] = []

    def finished(request: Any) -> None:
        if "/search-index" in request.url:
            sizes.append(_size(request))

    page.on("requestfinished", finished)
    page.goto(f"{base}/search/index.html")
    page.wait_for_function(
        "document.querySelector('[data-search-status]').textContent.startsWith('Type to search')"
    )
    result = page.evaluate(TYPE, query)
    page.wait_for_timeout(200)
    counted = re.search(r"(\d+) results?", str(result["status"]))
    return float(result["ms"]), sum(sizes), int(counted.group(1)) if counted else 0


def _size(request: Any) -> int:
    """The bytes a response carried: its body and headers, as the browser counted them."""
    sizes = request.sizes()
    return int(sizes["responseBodySize"]) + int(sizes["responseHeadersSize"])


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


if __name__ == "__main__":
    main()
