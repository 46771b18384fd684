"""A 1,000-artifact corpus that builds clean, with N commits of history, for timing whole
builds in and out of git:

    python benchmarks/history_site.py 20000 OUT_DIR

The first commit adds `corpus.py 1000`; each of the N-1 next moves one file's review date or
adds a sentence to a Markdown body (so HEAD still checks with no errors), ten minutes apart and
ending on 2026-11-23, all through one `git fast-import`. `benchmarks/history.py` times the
history reader alone; this one is for `b.sh` (cold build, one-file rebuild) against a copy of
the same files outside git.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

END = 1_795_435_200
"""2026-11-23, the day SOURCE_DATE_EPOCH=1795435200 stands for."""
REVIEWED = re.compile(rb"^reviewed: \d{4}-\d{2}-\d{2}$", re.M)


def make(commits: int, root: Path) -> None:
    corpus = Path(__file__).with_name("corpus.py")
    subprocess.run([sys.executable, str(corpus), "1000", str(root)], check=True)
    files = sorted(p for p in (root / "content").rglob("*") if p.is_file())
    texts = {p: p.read_bytes() for p in files}
    bodies = [p for p in files if p.suffix == ".md"]
    rng = random.Random(7)
    stream: list[bytes] = []
    when = END - 600 * (commits + 1)
    for number in range(1, commits + 1):
        when += 600
        if number == 1:
            changed = files
            message = b"import"
        else:
            path = rng.choice(files)
            data = texts[path]
            if (path.suffix == ".md" and rng.random() < 0.5) or not REVIEWED.search(data):
                path = path if path.suffix == ".md" else rng.choice(bodies)
                texts[path] = texts[path].rstrip(b"\n") + b"\n\nOne more sentence %d.\n" % number
            else:
                day = b"2026-%02d-%02d" % (rng.randint(9, 11), rng.randint(1, 28))
                texts[path] = REVIEWED.sub(b"reviewed: " + day, data, count=1)
            changed = [path]
            message = b"edit %d" % number
        stream.append(b"commit refs/heads/main\nmark :%d\n" % number)
        stream.append(b"author A <a@example.com> %d +0000\n" % when)
        stream.append(b"committer A <a@example.com> %d +0000\n" % when)
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if number > 1:
            stream.append(b"from :%d\n" % (number - 1))
        for path in changed:
            data = texts[path]
            rel = path.relative_to(root).as_posix().encode()
            stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (rel, len(data), data))
    git = ["git", "-C", str(root)]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run([*git, "checkout", "-q", "-f", "main"], check=True)
    subprocess.run([*git, "repack", "-adfq"], check=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit("usage: python benchmarks/history_site.py N_COMMITS OUT_DIR")
    make(int(sys.argv[1]), Path(sys.argv[2]))
