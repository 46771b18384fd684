"""The few exceptions that stop a run; each carries the exit code the CLI returns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gtm.diagnostics import Diagnostic


class GtmError(Exception):
    """A run that cannot continue; `exit_code` is what the process returns."""

    exit_code = 2

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = tuple(diagnostics)


class ProjectError(GtmError):
    """The project cannot be found or configured (exit 2)."""


class UsageError(GtmError):
    """The command was used wrongly (exit 2)."""


class ContentError(GtmError):
    """The content has errors, so nothing was written (exit 1)."""

    exit_code = 1
