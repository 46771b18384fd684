"""A cold `gtm build` with PDFs against the least it could cost: a bare WeasyPrint loop rendering
the same print HTML with the same number of worker processes.

    python benchmarks/corpus.py --pdf-portal /tmp/pdf300
    python benchmarks/pdf_floor.py /tmp/pdf300 [--jobs 2] [--runs 3]

The project is copied, never changed in place. gtm makes the print HTML once (a build with its
PDFs left out, `build_site(defer_pdfs=True)`); each document is written beside where gtm puts
its PDF, so its relative URLs find the same stylesheet, logo and images. Then, in turn, `--runs`
times each:

- **gtm**: `python -m gtm build --jobs N --quiet` with `output/` and the build cache deleted
  first: the whole portal and every PDF, from nothing, as a CI run without a cache;
- **floor**: `python pdf_floor.py --render DIR --jobs N`: WeasyPrint imported once, then a
  `multiprocessing` pool of N forked processes, each document `HTML(filename=...)` and
  `write_pdf()` with the PDF options gtm uses, WeasyPrint's own URL fetcher, no cache, no time
  limit, no checks.

Both are timed by the wall clock from start to exit, Python's start included. Prints the
medians, min and max and the ratio gtm / floor; then one more `gtm build` as a CI run that
restored the last run's cache (fresh `output/`, the cache copied elsewhere), with its summary
line: how many PDFs came from the cache.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {"SOURCE_DATE_EPOCH": "1795435200", "NO_COLOR": "1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--render", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.render is not None:
        render_folder(args.render, args.jobs)
        return
    if args.project is None:
        parser.error("name a project: python benchmarks/corpus.py --pdf-portal /tmp/pdf300")
    python = ROOT / ".venv" / "bin" / "python"
    python = python if python.exists() else Path(sys.executable)
    workdir = Path(tempfile.mkdtemp(prefix="gtm-pdf-floor-"))
    try:
        project = workdir / "project"
        shutil.copytree(args.project, project, ignore=shutil.ignore_patterns("output"))
        env = {**os.environ, **ENV, "GTM_CACHE_DIR": str(workdir / "cache")}
        documents = write_documents(python, project, workdir / "floor", env)
        print(f"{documents} documents, {args.jobs} workers", file=sys.stderr)
        gtm_build = [str(python), "-m", "gtm", "build", "--quiet", "--jobs", str(args.jobs)]
        gtm_build += ["--project", str(project)]
        floor = [str(python), __file__, "--render", str(workdir / "floor")]
        floor += ["--jobs", str(args.jobs)]
        times: dict[str, list[float]] = {"gtm": [], "floor": []}
        for run in range(args.runs):
            for name in ("gtm", "floor") if run % 2 == 0 else ("floor", "gtm"):
                if name == "gtm":
                    shutil.rmtree(workdir / "cache", ignore_errors=True)
                    shutil.rmtree(project / "output", ignore_errors=True)
                started = time.perf_counter()
                subprocess.run(
                    floor if name == "floor" else gtm_build, check=True, env=env, cwd=workdir
                )
                times[name].append(time.perf_counter() - started)
                print(f"{name}: {times[name][-1]:.1f} s", file=sys.stderr)
                made = len(list((project / "output").rglob("*.pdf")))
                if name == "gtm" and made != documents:
                    raise SystemExit(f"gtm made {made} PDFs, the floor {documents}")
        restored = restored_build(gtm_build, project, workdir, env)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for name, values in times.items():
        print(
            f"{name}: median {statistics.median(values):.1f} s, min {min(values):.1f} s, "
            f"max {max(values):.1f} s ({documents / statistics.median(values):.2f} PDFs/s)"
        )
    ratio = statistics.median(times["gtm"]) / statistics.median(times["floor"])
    print(f"gtm / floor: {ratio:.2f}")
    print(restored)


def restored_build(command: list[str], project: Path, workdir: Path, env: dict[str, str]) -> str:
    """A CI run with the last run's build cache restored: a fresh checkout (no `output/`) and
    the cache copied to another folder, as actions/cache does; nothing changed."""
    shutil.rmtree(project / "output")
    shutil.copytree(workdir / "cache", workdir / "restored")
    env = {**env, "GTM_CACHE_DIR": str(workdir / "restored")}
    started = time.perf_counter()
    done = subprocess.run(
        [arg for arg in command if arg != "--quiet"],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    summary = re.search(r"\d+ PDFs \(\d+ unchanged\)", done.stdout + done.stderr)
    return f"restored cache, nothing changed: {summary[0] if summary else '?'} in {seconds:.1f} s"


def write_documents(python: Path, project: Path, folder: Path, env: dict[str, str]) -> int:
    """Writes every document's print HTML, and the files it may load, into `folder`, in a
    process of its own (gtm imported there only)."""
    script = f"""
import shutil, sys
from pathlib import Path
from gtm.build import build_site
from gtm.content.project import open_project, run_options
project = open_project(Path({str(project)!r}))
result = build_site(project, run_options(project, pdf=True), defer_pdfs=True)
if result.pending is None:
    sys.exit("the build made no PDFs: " + "; ".join(d.format() for d in result.diagnostics))
folder = Path({str(folder)!r})
for relative, real in result.pending.servable.items():
    (folder / relative).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(real, folder / relative)
for job in result.pending.jobs:
    target = (folder / job.base_path).with_suffix(".html")  # beside the PDF: same relative URLs
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(job.html, encoding="utf-8")
print(len(result.pending.jobs))
"""
    done = subprocess.run(
        [str(python), "-c", script], env=env, cwd=folder.parent, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return int(done.stdout.split()[-1])


def render_folder(folder: Path, jobs: int) -> None:
    import multiprocessing

    import weasyprint  # noqa: F401  (imported once, before the workers are forked)

    documents = sorted(folder.rglob("*.html"))
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(render_one, documents, chunksize=1)


def render_one(path: Path) -> None:
    import weasyprint

    from gtm.render.pdf import PDF_VARIANT

    document = weasyprint.HTML(filename=str(path)).render()
    path.with_suffix(".pdf").write_bytes(
        document.write_pdf(pdf_identifier=True, pdf_variant=PDF_VARIANT)
    )


if __name__ == "__main__":
    main()
