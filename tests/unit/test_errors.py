"""The exceptions that stop a run carry the exit code the CLI returns."""

from __future__ import annotations

import pytest

from gtm.diagnostics import Diagnostic
from gtm.errors import ContentError, GtmError, ProjectError, UsageError


@pytest.mark.parametrize(
    ("error", "code"), [(ProjectError, 2), (UsageError, 2), (ContentError, 1), (GtmError, 2)]
)
def test_exit_codes(error: type[GtmError], code: int) -> None:
    exc = error("broken")
    assert exc.exit_code == code
    assert exc.message == "broken"
    assert str(exc) == "broken"
    assert exc.diagnostics == ()


def test_every_error_is_a_gtm_error() -> None:
    for error in (ProjectError, UsageError, ContentError):
        assert issubclass(error, GtmError)


def test_diagnostics_travel_with_the_error() -> None:
    d = Diagnostic("gtm.toml", 2, 1, "error", "config-unknown-key", "unknown key")
    exc = ProjectError("gtm.toml has errors", [d])
    assert exc.diagnostics == (d,)
