"""Coverage-guided fuzzing (atheris) of what reads user input: a content file's bytes through
the loader and validation, and Markdown through the renderer. Any exception is a crash.

    python tests/fuzz/fuzz_content.py loader -max_total_time=60 [corpus dir]
    python tests/fuzz/fuzz_content.py markdown -max_total_time=60 [corpus dir]

A crash leaves a `crash-*` file; add its bytes as a regression case in tests/cases/.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["gtm"]):
    from gtm.content.kinds import KINDS
    from gtm.content.markdown import find_gtm_links, plain_text, render_markdown
    from gtm.content.sources import parse_bytes
    from gtm.content.validate import validate_source
    from gtm.diagnostics import Diagnostics

KIND_LIST = sorted(KINDS)


def fuzz_loader(data: bytes) -> None:
    """A file of any kind, YAML or Markdown with front matter, from any bytes."""
    if not data:
        return
    kind = KIND_LIST[data[0] % len(KIND_LIST)]
    suffix = ".md" if data[0] & 0x80 else ".yaml"
    name = f"fuzzed{suffix}"
    source = parse_bytes(kind, f"content/{kind}/{name}", name, data[1:], Diagnostics())
    if source is not None:
        validate_source(source, Diagnostics())


def fuzz_markdown(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    find_gtm_links(text)
    plain_text(text)
    render_markdown(text, lambda target: f"../{target.kind}/{target.id}/index.html")
    render_markdown(text, lambda target: None, allow_html=True)


TARGETS = {"loader": fuzz_loader, "markdown": fuzz_markdown}


def main() -> None:
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
