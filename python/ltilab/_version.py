"""The ltilab version; the JavaScript packages carry the same number."""

__version__ = "0.1.0"
