"""What the commands share for output: JSON to stdout, and the exit codes."""

from __future__ import annotations

import json
import sys

EXIT_OK = 0
EXIT_FAILURE = 1  # an unexpected failure
EXIT_INPUT = 2  # input the user can fix
EXIT_STRICT = 3  # written, but with ungrounded figures (``--strict``)


def emit_json(obj) -> None:
    """Print JSON to stdout (UTF-8, unrounded floats)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
