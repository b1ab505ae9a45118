"""Errors a user or a model can fix by changing the input.

Each one carries a one-line message that says what is valid instead. Bugs are not wrapped:
they propagate as ordinary exceptions.
"""

from __future__ import annotations


class InputError(ValueError):
    """Input that the caller can correct; ``str(err)`` is a one-line message with the fix."""

    def __init__(self, message: str, options: list[str] | None = None):
        self.options = list(options or [])
        super().__init__(" ".join(message.split()))


class UnknownAssetError(InputError):
    """A name that is neither a registry asset nor (with the live source) a ticker."""


class DataUnavailableError(InputError):
    """No price history can be had for the request (no file, no cache, no network)."""


class DateRangeError(InputError):
    """A date or range outside the data, or in the wrong order."""


def closest(name: str, candidates: list[str], n: int = 3) -> list[str]:
    """The candidates most similar to ``name``, best first (difflib ratio)."""
    import difflib

    return difflib.get_close_matches(name, candidates, n=n, cutoff=0.5)
