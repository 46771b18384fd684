"""Save-to-reload latency of `gtm serve`: from writing a file to an open page having fetched the
rebuilt page, as a browser does it (the reload event, then the page).

    python benchmarks/serve_latency.py [PROJECT] [--saves 20]

PROJECT defaults to a copy of the repository's example; pass a generated corpus
(`python benchmarks/corpus.py 1000 /tmp/c1k`) for a large one. The project is copied, never
changed in place. Prints the median, min and max over the saves.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_persona(project: Path) -> Path:
    return sorted((project / "content" / "personas").glob("*.y*ml"))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path, default=None)
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="gtm-serve-"))
    server, project, port = serve_copy(args.project, workdir, {})
    try:
        latencies = measure(port, project, args.saves)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    median = statistics.median(latencies)
    print(
        f"save-to-reload over {len(latencies)} saves: median {median * 1000:.0f} ms, "
        f"min {min(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )


def measure(port: int, project: Path, saves: int) -> list[float]:
    wait_until_served(port, project)
    events = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    events.request("GET", "/__gtm__/events")
    stream = events.getresponse()
    generation = next_state(stream)["generation"]
    persona = first_persona(project)
    page = f"/personas/{persona.stem}/index.html"
    original = persona.read_text(encoding="utf-8")
    latencies = []
    for n in range(saves):
        time.sleep(0.3)
        started = time.perf_counter()
        persona.write_text(original + f"\n# save {n}\n", encoding="utf-8")
        while True:
            state = next_state(stream)
            if state["generation"] != generation and not state["problems"]:
                generation = state["generation"]
                break
        fetch = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        fetch.request("GET", page)
        fetch.getresponse().read()
        latencies.append(time.perf_counter() - started)
    return latencies


def serve_copy(
    source: Path | None, workdir: Path, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], Path, int]:
    """`gtm serve --no-pdf` on a copy of `source` (default: the repository's example) in
    `workdir`, with `env` added to the environment: the server, the copy and its port."""
    project = workdir / "project"
    if source is None:
        project.mkdir()
        shutil.copy(ROOT / "gtm.toml", project / "gtm.toml")
        shutil.copytree(ROOT / "content", project / "content")
    else:
        shutil.copytree(source, project, ignore=shutil.ignore_patterns("output"))
    python = ROOT / ".venv" / "bin" / "python"
    port = free_port()
    server = subprocess.Popen(
        [
            str(python if python.exists() else sys.executable),
            *("-m", "gtm", "serve", "--no-pdf", "--quiet", "--port", str(port)),
            *("--project", str(project)),
        ],
        stdout=subprocess.DEVNULL,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1795435200", "NO_COLOR": "1", **env},
        cwd=workdir,  # `python -m` puts the working folder first on sys.path
    )
    return server, project, port


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_served(port: int, project: Path) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if (project / "output" / "index.html").is_file():
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("HEAD", "/")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
        time.sleep(0.1)
    raise SystemExit("the server did not start")


def next_state(stream: http.client.HTTPResponse) -> dict[str, object]:
    while True:
        line = stream.fp.readline().decode()
        if not line:
            raise SystemExit("the event stream closed")
        if line.startswith("data: "):
            return dict(json.loads(line[6:]))


if __name__ == "__main__":
    main()
