"""gtm: go-to-market content checked like code, built into a portal and sales PDFs."""

__version__ = "0.1.0"
"""The one place the version is written: pyproject.toml reads it from here when building, and
`gtm --version` prints it."""
