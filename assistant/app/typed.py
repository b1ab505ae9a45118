"""Tool artifacts read back as typed results, for the app: a stored artifact that no longer
reads (written by an older or newer version) is treated as no result, never as a crash."""

from __future__ import annotations

from assistant import registry


def read(artifact: object):
    """``registry.read(artifact)``, or None when the artifact does not read."""
    try:
        return registry.read(artifact)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None
