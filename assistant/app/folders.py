"""The CSV folder a visitor of the app may name: only folders under the configured roots.

The app's "CSV folder" field is typed by whoever opens the page, who may not be the person
running the server. Any path it accepted would let a visitor probe the server's file system
("No CSV for Silver in /etc" versus "does not exist"). So a folder is accepted only when it
lies inside one of ``Settings.csv_roots()`` (``MARKET_ASSISTANT_CSV_ROOT``, by default
``HOME/csv``, plus the ``csv:DIR`` the server was started with), after following links and
``..``; a relative name is read inside the first root. The refusal is the same whether or not
the path exists, and names only the roots; inside a root, a missing folder or file is reported
as usual, by the data source. The command line (``--data csv:DIR``) is not
limited: there the user is the one whose files are read.
"""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings
from tools.errors import InputError


def app_csv_folder(text: str, settings: Settings) -> Path:
    """The folder named by ``text`` (absolute, or relative to the first root), resolved.

    Raises:
        InputError: empty, or outside every root.
    """
    roots = [r.expanduser().resolve() for r in settings.csv_roots()]
    name = str(text or "").strip()
    shown = ", ".join(str(r) for r in roots)
    if not name or "\x00" in name:
        raise InputError(f"Name a CSV folder under {shown}.")
    raw = Path(name).expanduser()
    folder = (raw if raw.is_absolute() else roots[0] / raw).resolve()
    if not any(folder == r or folder.is_relative_to(r) for r in roots):
        raise InputError(
            f"The app reads CSV folders only under {shown}; put the CSV files in a folder there "
            "(or set MARKET_ASSISTANT_CSV_ROOT when starting the app)."
        )
    return folder  # inside a root, a missing folder is reported by the data source as usual
