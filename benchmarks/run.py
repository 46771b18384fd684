"""gtm's performance benchmark: one command, one table.

    python benchmarks/run.py [--sizes 100,1000,5000] [--runs 5] [--quick] [--keep]

Generates corpora with `corpus.py` into a temporary folder and times, as subprocesses
(`python -m gtm ... --quiet` with SOURCE_DATE_EPOCH=1795435200 and NO_COLOR=1):

- a cold `gtm build --no-pdf` (output/ and the build cache deleted before each run);
- `gtm check` with no cache, and again after a build (its Markdown cache warm);
- a rebuild after one persona file changed (`build --no-pdf`, caches kept);
- on a copy of the example project (content/ and gtm.toml): a no-change rebuild with PDFs
  (how many PDFs were rendered again), and PDFs per second with `--jobs 1` and on all cores;
- peak memory of every command (`/usr/bin/time -v`, else getrusage);
- the peers on the same Markdown bodies: the floor (`floor.py`), `mkdocs build` and `hugo`,
  each skipped with a note when it is not there.

See benchmarks/README.md for what each figure means and the targets.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import serve_latency  # noqa: E402
from corpus import Corpus, write_files  # noqa: E402
from peers import write_hugo, write_mkdocs  # noqa: E402

EPOCH = "1795435200"
PEERS_VENV = HERE / ".venv-peers"
TIME = Path("/usr/bin/time")
PDF_SUMMARY = re.compile(r"(\d+) PDFs \((\d+) unchanged\)")


@dataclass
class Sample:
    seconds: float
    peak_kb: int
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def problem(self) -> str:
        """The first error line of a failed run, for the table's notes."""
        text = self.stdout + self.stderr
        for marker in (": error:", "gtm:", "Error"):
            for line in text.splitlines():
                if marker in line:
                    return line.strip()[:160]
        lines = text.strip().splitlines()
        return (lines[-1] if lines else f"exit code {self.returncode}")[:160]


@dataclass
class Row:
    size: str
    label: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    extra: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.samples) and all(s.ok for s in self.samples)

    @property
    def median(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.ok else None

    @property
    def peak_mb(self) -> float:
        return max((s.peak_kb for s in self.samples), default=0) / 1024


class Runner:
    def __init__(self, python: str, env: dict[str, str], cwd: Path) -> None:
        self.python = python
        self.cwd = cwd
        self.cache = cwd / "gtm-cache"
        """gtm's build cache for every project of the run (GTM_CACHE_DIR): cleared for the
        cold figures."""
        self.env = {**env, "GTM_CACHE_DIR": str(self.cache)}
        self.use_time = TIME.exists()

    def clear_cache(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)

    def run(self, cmd: Sequence[str], cwd: Path | None = None) -> Sample:
        """Runs `cmd` once, timed by the wall clock; peak RSS from GNU time when there is one."""
        with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
            full = [str(TIME), "-v", "-o", report.name, *cmd] if self.use_time else list(cmd)
            started = time.perf_counter()
            done = subprocess.run(
                full, cwd=cwd or self.cwd, env=self.env, capture_output=True, text=True
            )
            seconds = time.perf_counter() - started
            peak = 0
            if self.use_time:
                found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report.read())
                peak = int(found.group(1)) if found else 0
            else:  # the largest child so far: exact only while each run is the largest yet
                peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return Sample(seconds, peak, done.returncode, done.stdout, done.stderr)

    def gtm(self, project: Path, *args: str) -> list[str]:
        return [self.python, "-m", "gtm", *args, "--project", str(project)]


def clean(project: Path, *names: str) -> None:
    for name in names:
        shutil.rmtree(project / name, ignore_errors=True)


GTM_OUTPUTS = ("output",)
COLD = "gtm build --no-pdf, cold"
ONE_FILE = "gtm build --no-pdf, 1 persona edited"
CHECK = "gtm check, no cache"
CHECK_WARM = "gtm check, after a build"
FLOOR = "floor (PyYAML+markdown-it+Jinja, 2 procs)"
MKDOCS = "mkdocs build (same bodies)"
HUGO = "hugo, cold (same bodies)"
SERVE = "gtm serve, save to reloaded page"


def edit_persona(project: Path) -> Callable[[int], None]:
    """Each call changes one persona file a little (its body gets one more sentence)."""
    folder = project / "content" / "personas"
    files = sorted(folder.glob("*.md")) or sorted(folder.glob("*.yaml"))
    path = files[0]
    original = path.read_text(encoding="utf-8")
    indent = "" if path.suffix == ".md" else "  "

    def edit(index: int) -> None:
        line = f"{indent}Edited for benchmark run {index + 1}: one more sentence.\n"
        path.write_text(original + "\n" + line, encoding="utf-8")

    return edit


@dataclass
class Measure:
    short: str
    row: Row
    cmd: list[str]
    before: Callable[[int], None] | None = None


def measure_size(
    n: int, runs: int, root: Path, runner: Runner, peers: Peers, log: Callable[[str], None]
) -> list[Row]:
    """Every measure of one corpus size, interleaved: each round runs the cold build, the
    one-file rebuild on its output, check and the peers once, so that whatever else the
    machine does at a moment slows all of them alike."""
    size = str(n)
    project = root / f"corpus-{n}"
    started = time.perf_counter()
    corpus = Corpus(n)
    write_files(corpus.build(), project)
    per_kind = ", ".join(f"{c} {k}" for k, c in corpus.counts.items())
    log(f"[{n}] corpus written in {time.perf_counter() - started:.1f} s: {per_kind}")
    build = runner.gtm(project, "build", "--no-pdf", "--quiet")
    measures = [
        Measure(
            "cold",
            Row(size, COLD),
            build,
            lambda _: (clean(project, *GTM_OUTPUTS), runner.clear_cache()),
        ),
        Measure("one-file", Row(size, ONE_FILE), build, edit_persona(project)),
        Measure("check-warm", Row(size, CHECK_WARM), runner.gtm(project, "check", "--quiet")),
        Measure(
            "check",
            Row(size, CHECK),
            runner.gtm(project, "check", "--quiet"),
            lambda _: runner.clear_cache(),
        ),
        Measure(
            "floor",
            Row(size, FLOOR),
            [runner.python, str(HERE / "floor.py"), str(project), str(project / "floor-out")],
            lambda _: clean(project, "floor-out"),
        ),
    ]
    mkdocs = Row(size, MKDOCS, note=peers.mkdocs_note)
    if peers.mkdocs:
        site = root / f"mkdocs-{n}"
        write_mkdocs(corpus.bodies, site)
        cmd = [peers.mkdocs, "build", "--quiet", "-f", str(site / "mkdocs.yml")]
        cmd += ["-d", str(site / "site")]
        measures.append(Measure("mkdocs", mkdocs, cmd, lambda _, s=site: clean(s, "site")))
    hugo = Row(size, HUGO, note=peers.hugo_note)
    if peers.hugo:
        site = root / f"hugo-{n}"
        write_hugo(corpus.bodies, site)
        cmd = [peers.hugo, "--quiet", "-s", str(site), "-d", str(site / "public")]
        measures.append(
            Measure("hugo", hugo, cmd, lambda _, s=site: clean(s, "public", "resources"))
        )
    for index in range(runs):
        for measure in measures:
            if measure.row.samples and not measure.row.ok:
                continue  # it failed once: the note says why
            if measure.before:
                measure.before(index)
            measure.row.samples.append(runner.run(measure.cmd))
            log(f"[{n}] run {index + 1}/{runs}: {measure.short} {fmt_one(measure.row)}")
    rows = [m.row for m in measures]
    check = rows[3]
    if check.samples:
        output = check.samples[0].stdout + check.samples[0].stderr
        errors, warnings = output.count(": error:"), output.count(": warning:")
        check.extra = f"corpus: {errors} errors, {warnings} warnings"
    for row in rows:
        if row.samples and not row.ok:
            row.note = "failed: " + row.samples[-1].problem()
    rows.append(measure_serve(size, project, runs * 4, runner))
    log(f"[{n}] serve: {fmt(rows[-1].median)} median over {len(rows[-1].samples)} saves")
    shutil.rmtree(project, ignore_errors=True)
    return [*rows, *(r for r in (mkdocs, hugo) if not r.samples)]


def measure_serve(size: str, project: Path, saves: int, runner: Runner) -> Row:
    """Save-to-reload in `gtm serve`, as `serve_latency.py` measures it: from writing a persona
    file to an open page having fetched the rebuilt page."""
    row = Row(size, SERVE)
    port = serve_latency.free_port()
    cmd = [*runner.gtm(project, "serve", "--no-pdf", "--quiet"), "--port", str(port)]
    server = subprocess.Popen(cmd, env=runner.env, stdout=subprocess.DEVNULL)
    try:
        row.samples = [
            Sample(seconds, 0, 0, "", "") for seconds in serve_latency.measure(port, project, saves)
        ]
    except SystemExit as exc:
        row.note = f"failed: {exc}"
    finally:
        server.terminate()
        server.wait(timeout=30)
    return row


def fmt_one(row: Row) -> str:
    last = row.samples[-1] if row.samples else None
    return "-" if last is None else (f"{last.seconds:.2f} s" if last.ok else "failed")


def measure_example(runs: int, root: Path, runner: Runner, log: Callable[[str], None]) -> list[Row]:
    """PDF figures on a copy of the example project, interleaved like `measure_size`: each round
    is a cold build on one core, a cold build on all cores, then a build with nothing changed,
    whose PDF cache the build before it filled."""
    project = root / "example"
    shutil.copytree(REPO / "content", project / "content")
    shutil.copy2(REPO / "gtm.toml", project / "gtm.toml")
    build = runner.gtm(project, "build")  # not --quiet: the summary line counts the PDFs

    def cold(_: int) -> None:
        clean(project, *GTM_OUTPUTS)
        runner.clear_cache()

    measures = [
        Measure(
            f"jobs {jobs}", Row("example", f"gtm build --jobs {jobs}, cold PDF cache"), cmd, cold
        )
        for jobs, cmd in ((j, [*build, "--jobs", str(j)]) for j in sorted({1, os.cpu_count() or 1}))
    ]
    nochange = Row("example", "gtm build, no change (PDF cache warm)")
    measures.append(Measure("no change", nochange, build))
    for index in range(runs):
        for measure in measures:
            if measure.row.samples and not measure.row.ok:
                continue
            if measure.before:
                measure.before(index)
            measure.row.samples.append(runner.run(measure.cmd))
            log(f"[example] run {index + 1}/{runs}: {measure.short} {fmt_one(measure.row)}")
    rows = [m.row for m in measures]
    for row in rows:
        if not row.ok:
            row.note = "failed: " + row.samples[-1].problem()
            continue
        counts = [pdf_counts(s) for s in row.samples]
        total = counts[0][0]
        if row is rows[-1]:
            again = max(t - unchanged for t, unchanged in counts)
            row.extra = f"{again} of {total} PDFs rendered again"
        else:
            median = row.median or 0.0
            rate = total / median if median else 0.0
            row.extra = f"{total} PDFs, {rate:.2f} PDFs/s"
    return rows


def pdf_counts(sample: Sample) -> tuple[int, int]:
    found = PDF_SUMMARY.search(sample.stdout + sample.stderr)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


@dataclass
class Peers:
    mkdocs: str | None = None
    mkdocs_note: str = ""
    hugo: str | None = None
    hugo_note: str = ""


def find_peers(install: bool, log: Callable[[str], None]) -> Peers:
    peers = Peers()
    mkdocs = PEERS_VENV / "bin" / "mkdocs"
    if not mkdocs.exists() and install:
        log(f"installing MkDocs into {PEERS_VENV} (a venv of its own)")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
            pip = [str(PEERS_VENV / "bin" / "python"), "-m", "pip", "install", "-q", "mkdocs"]
            subprocess.run(pip, check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            peers.mkdocs_note = f"skipped: could not install MkDocs ({exc})"
    if mkdocs.exists():
        peers.mkdocs = str(mkdocs)
    elif not peers.mkdocs_note:
        peers.mkdocs_note = f"skipped: no {mkdocs} (run without --no-install)"
    hugo = shutil.which("hugo")
    if hugo:
        peers.hugo = hugo
    else:
        peers.hugo_note = "skipped: hugo is not installed (Debian: apt-get install -y hugo)"
    return peers


def gtm_python(requested: str | None) -> str:
    """The interpreter that has gtm installed: the one asked for, this one, or the repo's
    .venv. Asked from a neutral folder, so that ./gtm in the repo is not taken for it."""
    candidates = [requested] if requested else [sys.executable, str(REPO / ".venv/bin/python")]
    probe = "import importlib.metadata as m, gtm; m.version('gtm')"
    for python in candidates:
        found = subprocess.run(
            [python, "-c", probe], capture_output=True, cwd=tempfile.gettempdir()
        )
        if found.returncode == 0:
            return python
    raise SystemExit("run.py: no Python with gtm installed; pass --python .venv/bin/python")


def fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f} s"


def ratio(a: Row | None, b: Row | None) -> float | None:
    if a is None or b is None or a.median is None or b.median is None or b.median == 0:
        return None
    return a.median / b.median


def print_report(rows: list[Row], sizes: list[int], runs: int, python: str) -> None:
    version = subprocess.run([python, "-m", "gtm", "--version"], capture_output=True, text=True)
    git = ["git", "-C", str(REPO), "describe", "--always", "--dirty"]
    revision = subprocess.run(git, capture_output=True, text=True).stdout.strip() or "unknown"
    print()
    print(
        f"gtm benchmarks: {version.stdout.strip()} (repo at {revision}), "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, {runs} runs each, "
        f"SOURCE_DATE_EPOCH={EPOCH}"
    )
    print()
    head = f"{'size':>7}  {'measure':<42} {'median':>9} {'min':>9} {'max':>9} {'peak MB':>8}  notes"
    print(head)
    print("-" * len(head))
    for row in rows:
        times = [s.seconds for s in row.samples if s.ok] if row.ok else []
        low = fmt(min(times)) if times else "-"
        high = fmt(max(times)) if times else "-"
        peak = f"{row.peak_mb:.0f}" if row.samples else "-"
        notes = "; ".join(x for x in (row.extra, row.note) if x)
        print(
            f"{row.size:>7}  {row.label:<42} {fmt(row.median):>9} {low:>9} {high:>9} {peak:>8}  "
            + notes
        )
    print()
    find: dict[tuple[str, str], Row] = {(r.size, r.label): r for r in rows}

    def get(size: int, label: str) -> Row | None:
        return find.get((str(size), label))

    ratios = [
        ("gtm cold build / floor", COLD, FLOOR, "<= 1.2"),
        ("mkdocs / gtm cold build", MKDOCS, COLD, ">= 3"),
        ("gtm one-file rebuild / hugo cold", ONE_FILE, HUGO, "< 1"),
        ("gtm check / gtm cold build", CHECK, COLD, "< 0.33"),
    ]
    print(f"{'ratio of medians':<36}" + "".join(f"{n:>9}" for n in sizes) + "   target")
    for label, a, b, target in ratios:
        cells = []
        for n in sizes:
            value = ratio(get(n, a), get(n, b))
            cells.append(f"{value:>8.2f}x" if value is not None else f"{'-':>9}")
        print(f"{label:<36}" + "".join(cells) + f"   {target}")
    peaks = [get(n, COLD) for n in sizes]
    cells = "".join(f"{r.peak_mb:>6.0f} MB" if r and r.samples else f"{'-':>9}" for r in peaks)
    print(f"{'peak memory, gtm cold build':<36}{cells}   < 500 MB at 5,000")
    print()
    print_targets(rows, get, 1000 if 1000 in sizes else max(sizes))


def print_targets(rows: list[Row], get: Callable[[int, str], Row | None], n: int) -> None:
    """Each target met or not, judged at 1,000 artifacts as the issue sets them (else at the
    largest size measured); peak memory at 5,000."""
    verdicts: list[tuple[bool | None, str, str]] = []
    checks: list[tuple[str, str, str, Callable[[float], bool], str]] = [
        ("cold build within 1.5x of the floor", COLD, FLOOR, lambda v: v <= 1.5, "gtm/floor"),
        ("cold build at least 3x faster than mkdocs", MKDOCS, COLD, lambda v: v >= 3, "mkdocs/gtm"),
        (
            "one-file rebuild faster than Hugo's cold build",
            ONE_FILE,
            HUGO,
            lambda v: v < 1,
            "gtm/hugo",
        ),
        ("check under a third of the cold build", CHECK, COLD, lambda v: v < 1 / 3, "check/build"),
    ]
    for label, a, b, test, text in checks:
        value = ratio(get(n, a), get(n, b))
        if value is None:
            verdicts.append((None, label, "not measured"))
        else:
            verdicts.append((test(value), label, f"{text} {value:.2f}x"))
    nochange = next((r for r in rows if r.label.startswith("gtm build, no change")), None)
    if nochange is None or not nochange.ok:
        why = nochange.note if nochange else "not measured (--no-example)"
        verdicts.append((None, "no-change build renders no PDF", why))
    else:
        again = max(t - u for t, u in (pdf_counts(s) for s in nochange.samples))
        verdicts.append((again == 0, "no-change build renders no PDF", nochange.extra))
    big = get(5000, COLD)
    if big is None or not big.samples:
        verdicts.append((None, "5,000 artifacts under 500 MB peak", "5,000 not measured"))
    else:
        verdicts.append(
            (big.peak_mb < 500, "5,000 artifacts under 500 MB peak", f"{big.peak_mb:.0f} MB")
        )
    serve = get(n, SERVE)
    if serve is None or serve.median is None:
        verdicts.append((None, "serve: save to reloaded page under 200 ms", "not measured"))
    else:
        median = serve.median * 1000
        verdicts.append(
            (median < 200, "serve: save to reloaded page under 200 ms", f"{median:.0f} ms")
        )
    print(f"targets (ratios at {n} artifacts)")
    for met, label, detail in verdicts:
        mark = "n/a " if met is None else ("PASS" if met else "FAIL")
        print(f"  {mark}  {label:<48} {detail}")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description="Time gtm against its targets and its peers.")
    parser.add_argument("--sizes", default="100,1000,5000", help="Corpus sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="Runs per measure (median, min, max)")
    parser.add_argument("--quick", action="store_true", help="Sizes 100,1000 and 3 runs")
    parser.add_argument("--python", help="The Python that runs gtm (default: this one or .venv)")
    parser.add_argument("--no-install", action="store_true", help="Never install MkDocs")
    parser.add_argument("--no-example", action="store_true", help="Skip the example-project PDFs")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder")
    args = parser.parse_args(argv)
    sizes = [100, 1000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    runs = 3 if args.quick else args.runs
    if runs < 1 or any(n < 7 for n in sizes):
        parser.error("--runs must be at least 1 and every size at least 7")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    python = gtm_python(args.python)
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' Pythons keep their bytecode caches
    root = Path(tempfile.mkdtemp(prefix="gtm-bench-"))
    log(f"gtm runs on {python}; working in {root}")
    runner = Runner(python, env, root)
    if not runner.use_time:
        log("note: no /usr/bin/time; peak memory is the largest child process so far")
    peers = find_peers(not args.no_install, log)
    rows: list[Row] = []
    try:
        for n in sizes:
            rows += measure_size(n, runs, root, runner, peers, log)
        if not args.no_example:
            rows += measure_example(runs, root, runner, log)
    finally:
        if args.keep:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    print_report(rows, sizes, runs, python)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
