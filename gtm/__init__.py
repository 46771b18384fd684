"""gtm: go-to-market content checked like code, built into a portal and sales PDFs."""

__version__ = "0.1.0"
