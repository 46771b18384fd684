"""Memos of work done per file, kept by a key that holds the file's digest: the speed machinery
that lets `gtm serve` work out again only what a save changed. A stage is handed its memo, as it
is handed its `Diagnostics`; nothing here is kept between runs of gtm."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from gtm.diagnostics import Diagnostic, Diagnostics

T = TypeVar("T")


class PerFile(Generic[T]):
    """Results worked out from one file, by a key that holds the file's digest, for as long as
    the memo is kept. Cleared whole past `limit` entries: a long session sees many versions of
    each file."""

    def __init__(self, limit: int = 50_000) -> None:
        self.found: dict[Hashable, T] = {}
        self.limit = limit

    def __contains__(self, key: Hashable) -> bool:
        return key in self.found

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        if key not in self.found:
            if len(self.found) >= self.limit:
                self.found.clear()
            self.found[key] = make()
        return self.found[key]


Reported = PerFile[tuple[T, tuple[Diagnostic, ...]]]
"""Results with the problems found while working them out."""


def reported(
    memo: PerFile[tuple[T, tuple[Diagnostic, ...]]],
    key: Hashable,
    diagnostics: Diagnostics,
    make: Callable[[Diagnostics], T],
) -> T:
    """`memo.get` for work that reports problems: they are kept beside the result and reported
    again on every use."""

    def run() -> tuple[T, tuple[Diagnostic, ...]]:
        found = Diagnostics()
        return make(found), tuple(found.items)

    result, problems = memo.get(key, run)
    diagnostics.extend(problems)
    return result
