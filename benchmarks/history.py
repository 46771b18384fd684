"""A git history for the benchmark corpus, and how long gtm takes to read it.

    python benchmarks/history.py N_COMMITS OUT_DIR [--size 1000] [--runs 5] [--limit 20] [--check]

writes the corpus of `--size` artifacts (`corpus.py`) into OUT_DIR, makes it a git repository
whose first commit adds every file and whose N_COMMITS - 1 next commits each edit one or a few
fields of one file (one seeded `random.Random`: the same arguments give the same commits, ids
included), written by one `git fast-import`, not one `git commit` per commit. Then it times
`gtm.content.history.read_history` with no cache, with the cache of the same HEAD, and with the
cache of HEAD's parent after one more commit, and prints a table, with `git log` alone for
reference. An OUT_DIR that already holds the repository is timed again without being rebuilt.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gtm.cache import BuildCache  # noqa: E402
from gtm.content import gitlog, history, revisions  # noqa: E402
from gtm.workers import tune_collector  # noqa: E402

SEED = 20261123
START = 1_735_689_600  # 2025-01-01 00:00 UTC
AUTHORS = ("Maya Chen", "Tom Becker", "Priya Natarajan", "Jonas Weber", "Aiko Tanaka")
WORDS = [
    "faster",
    "clearer",
    "proven",
    "simpler",
    "cheaper",
    "safer",
    "audited",
    "measured",
    "quoted",
    "renewed",
]
GIT = ("git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com")


def edit_reviewed(text: str, rng: random.Random) -> tuple[str, str] | None:
    """A new review date: a changed scalar field."""
    day = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}"
    new, count = re.subn(r"(?m)^reviewed: .*$", f"reviewed: {day}", text, count=1)
    return (new, "reviewed") if count and new != text else None


def edit_list(text: str, rng: random.Random) -> tuple[str, str] | None:
    """One more word at the end of an item of a top-level list of plain texts: a changed list
    field (a list of mappings, or of quoted texts, is left alone)."""
    plain = r"(?m)^([a-z_]+):\n((?:  - [A-Za-z0-9(][^:#\n]*\n)+)(?! )"
    items = list(re.finditer(plain, text))
    if not items:
        return None
    match = rng.choice(items)
    lines = match.group(2).splitlines(keepends=True)
    pick = rng.randrange(len(lines))
    lines[pick] = lines[pick].rstrip("\n") + f" {rng.choice(WORDS)}\n"
    return text[: match.start(2)] + "".join(lines) + text[match.end(2) :], match.group(1)


def edit_nested(text: str, rng: random.Random) -> tuple[str, str] | None:
    """One more word at the end of a one-line text in a list of mappings (a battlecard's
    `why_we_win` point, an objection, a launch's risk): a field compared by libyaml's parser."""
    values = list(re.finditer(r"(?m)^  - [a-z_]+: [A-Za-z][^:#\n]*$", text))
    if not values:
        return None
    match = rng.choice(values)
    field = re.findall(r"(?m)^([a-z_]+):", text[: match.start()])[-1]
    return text[: match.end()] + f" {rng.choice(WORDS)}" + text[match.end() :], field


def edit_body(text: str, rng: random.Random) -> tuple[str, str] | None:
    """A sentence added to the Markdown body, after the front matter or under `body: |`."""
    sentence = f"Teams found it {rng.choice(WORDS)} and {rng.choice(WORDS)} this quarter."
    if text.startswith("---\n"):
        return text.rstrip("\n") + f"\n\n{sentence}\n", "text"
    new, count = re.subn(r"(?m)^body: \|\n", f"body: |\n  {sentence}\n", text, count=1)
    return (new, "text") if count else None


def reflow_summary(text: str, rng: random.Random) -> tuple[str, str] | None:
    """The folded `summary` joined onto fewer lines: new text, the same value (no field)."""
    match = re.search(r"(?m)^summary: >-\n((?:  [^\n]*\n)+)", text)
    if not match or match.group(1).count("\n") < 2:
        return None
    joined = "  " + " ".join(line.strip() for line in match.group(1).splitlines()) + "\n"
    return text[: match.start(1)] + joined + text[match.end(1) :], ""


EDITS: tuple[tuple[Callable[[str, random.Random], tuple[str, str] | None], int], ...] = (
    (edit_reviewed, 25),
    (edit_list, 20),
    (edit_nested, 15),
    (edit_body, 35),
    (reflow_summary, 5),
)


def edit(text: str, rng: random.Random) -> tuple[str, list[str]]:
    """One to three edits of one file: its new text and the fields the edits changed."""
    fields: list[str] = []
    for _ in range(rng.choice((1, 1, 1, 1, 2, 3))):
        functions, weights = zip(*EDITS, strict=True)
        done = rng.choices(functions, weights)[0](text, rng)
        if done is not None:
            text = done[0]
            fields += [done[1]] if done[1] else []
    return text, fields


def fast_import_stream(files: dict[str, bytes], commits: int, rng: random.Random) -> bytes:
    """A `git fast-import` stream: one commit adding `files`, then `commits - 1` edits."""
    out: list[bytes] = []
    paths = sorted(files)
    when = START

    def commit(message: str, changed: dict[str, bytes], author: str) -> None:
        who = f"{author} <{author.split()[0].lower()}@example.com> {when} +0000"
        message_bytes = message.encode()
        out.append(
            f"commit refs/heads/main\nauthor {who}\ncommitter {who}\n"
            f"data {len(message_bytes)}\n".encode()
            + message_bytes
            + b"\n"
        )
        for path, data in sorted(changed.items()):
            out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    commit("Add the corpus", files, AUTHORS[0])
    for _ in range(commits - 1):
        when += rng.randint(600, 7200)
        path = rng.choice(paths)
        text, fields = edit(files[path].decode(), rng)
        files[path] = text.encode()
        what = ", ".join(dict.fromkeys(fields)) or "wording"
        commit(f"Update {Path(path).stem}: {what}", {path: files[path]}, rng.choice(AUTHORS))
    return b"".join(out)


def make_repository(out: Path, commits: int, size: int) -> None:
    """The corpus in `out` as a git repository with `commits` commits."""
    subprocess.run([sys.executable, str(REPO / "benchmarks/corpus.py"), str(size), str(out)])
    files = {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    }
    subprocess.run([*GIT, "init", "-q", "-b", "main", str(out)], check=True)
    stream = fast_import_stream(files, commits, random.Random(SEED))
    subprocess.run([*GIT, "fast-import", "--quiet"], cwd=out, input=stream, check=True)
    subprocess.run([*GIT, "reset", "-q", "--hard"], cwd=out, check=True)
    # packed as a clone or `git gc` packs (fast-import's own pack keeps the oldest version of
    # each file whole, so reading the newest ones is slower than in any repository people use)
    subprocess.run([*GIT, "repack", "-adfq"], cwd=out, check=True)


def timed(
    function: Callable[[], object], runs: int, setup: Callable[[], object] = lambda: None
) -> tuple[float, float, float]:
    """Median, min and max wall time of `runs` calls, each after an untimed `setup`."""
    times = []
    for _ in range(runs):
        setup()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times)


def git_log_alone(out: Path) -> None:
    """The one `git log` that `read_history` runs, on its own, its output read and dropped."""
    command = gitlog.log_command("content", None)
    subprocess.run(command, cwd=out, stdout=subprocess.DEVNULL, env=gitlog.git_environment())


def one_more_commit(out: Path) -> None:
    """A new commit on top of HEAD that edits one persona's pains."""
    path = sorted((out / "content/personas").iterdir())[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("pains:\n  - ", "pains:\n  - Slow renewals. "), encoding="utf-8")
    subprocess.run([*GIT, "commit", "-qam", "One more"], cwd=out, check=True)


Row = tuple[str, tuple[float, float, float]]


def measure(out: Path, runs: int, limit: int) -> list[Row]:
    """The table's rows: each measure with its median, min and max."""
    content = out / "content"
    result = history.read_history(out, content, limit)
    kept = sum(len(file.revisions) for file in result.files.values())
    print(f"{len(result.files)} files, {kept} revisions kept, state {result.state}")
    rows = [
        ("`git log` alone", timed(lambda: git_log_alone(out), runs)),
        (
            "`read_history`, no cache",
            timed(lambda: history.read_history(out, content, limit), runs),
        ),
    ]
    with tempfile.TemporaryDirectory() as folder:
        warm, step = BuildCache(Path(folder) / "warm"), BuildCache(Path(folder) / "step")
        history.read_history(out, content, limit, warm)
        same = timed(lambda: history.read_history(out, content, limit, warm), runs)
        rows.append(("`read_history`, cache of HEAD", same))
        one_more_commit(out)
        try:

            def copy() -> None:  # the cache of HEAD's parent, each time
                shutil.rmtree(step.folder, ignore_errors=True)
                shutil.copytree(warm.folder, step.folder)

            parent = timed(lambda: history.read_history(out, content, limit, step), runs, copy)
            rows.append(("`read_history`, cache of HEAD's parent (one new commit)", parent))
        finally:
            subprocess.run([*GIT, "reset", "-q", "--hard", "HEAD~1"], cwd=out, check=True)
    return rows


def check(out: Path, limit: int) -> None:
    """Reads the history again with libyaml's parser for every block, not only for those the
    plain comparison leaves to it, and says whether the two are the same."""
    fast = history.read_history(out, out / "content", limit)
    plain = revisions._plain
    revisions._plain = lambda block: None
    try:
        parsed = history.read_history(out, out / "content", limit)
    finally:
        revisions._plain = plain
    print(f"the parser alone gives {'the same' if parsed == fast else 'ANOTHER'} history")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("commits", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=int, default=1000, help="artifacts in the corpus")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=20, help="revisions kept per file")
    parser.add_argument(
        "--check", action="store_true", help="also read with the parser for every block, compare"
    )
    args = parser.parse_args(argv)
    tune_collector()  # as `gtm` does when it starts
    if not (args.out / ".git").is_dir():
        start = time.perf_counter()
        make_repository(args.out, args.commits, args.size)
        print(
            f"made {args.commits:,} commits in {time.perf_counter() - start:.1f} s", file=sys.stderr
        )
    if args.check:
        check(args.out, args.limit)
    rows = measure(args.out, args.runs, args.limit)
    count = subprocess.run([*GIT, "rev-list", "--count", "HEAD"], cwd=args.out, capture_output=True)
    commits = int(count.stdout or 0)
    print(f"\n| measure ({commits:,} commits, {args.runs} runs) | median | min | max |")
    print("|---|---|---|---|")
    for name, (median, low, high) in rows:
        print(f"| {name} | {median:.3f} s | {low:.3f} s | {high:.3f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
