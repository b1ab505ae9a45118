"""Named watchlists, kept in ``watchlists.toml`` in the data directory.

A watchlist is a name, the assets to brief and, optionally, the lead/lag pairs to test. The
built-in ``default`` (gold, silver, bitcoin, the S&P 500 and the dollar index) exists without
a file; saving a list named ``default`` replaces it, and removing that restores the built-in.

The file is read with :mod:`tomllib` and written by :func:`save` as a whole, through a
temporary file and an atomic rename, so a crash never leaves half a file behind; saving and
removing hold a file lock from reading to writing, so parallel runs never lose each other's
lists. A hand-edited file that is not what :func:`load` expects (a table where a list belongs,
a nested list, a number) is reported in one line naming the file, never a crash. It is also
fine to edit by hand::

    [watchlists.metals]
    assets = ["gold", "silver", "platinum"]
    pairs = ["silver>bitcoin"]      # leader>follower; omitted means the default pairs
"""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tools.errors import InputError
from tools.files import write_text

FILE_NAME = "watchlists.toml"
MAX_FILE_BYTES = 1024 * 1024
MAX_ASSETS = 40  # in one watchlist or briefing
DEFAULT_NAME = "default"
DEFAULT_ASSETS = ("gold", "silver", "bitcoin", "sp500", "dxy")
DEFAULT_PAIRS = (("silver", "bitcoin"), ("gold", "bitcoin"))
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_PAIR_SPLIT = re.compile(r"\s*(?:->|>|→|:)\s*")
HEADER = (
    "# Market Assistant watchlists. Manage them with 'market-assistant watchlist"
    " save|list|remove'\n# or edit by hand: assets are names, aliases or tickers; pairs are"
    ' lead/lag pairs\n# written "leader>follower" (omit pairs for the defaults, silver>bitcoin'
    " and gold>bitcoin).\n"
)


@dataclass(frozen=True)
class Watchlist:
    """A named list of assets; ``pairs`` empty means the default lead/lag pairs."""

    name: str
    assets: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...] = ()
    builtin: bool = False

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "assets": list(self.assets),
            "pairs": [f"{a}>{b}" for a, b in self.pairs],
            "builtin": self.builtin,
        }


def asset_choices() -> list[str]:
    """The registry's asset keys, for a picker."""
    from tools import assets

    return list(assets.keys())


def path(home: Path | str) -> Path:
    """Where the watchlists of the data directory ``home`` live."""
    return Path(home).expanduser() / FILE_NAME


def builtin_default() -> Watchlist:
    return Watchlist(DEFAULT_NAME, DEFAULT_ASSETS, (), builtin=True)


def parse_assets(
    text: str | list[str] | tuple[str, ...] | None, limit: int | None = MAX_ASSETS
) -> tuple[str, ...]:
    """Asset names from "gold, silver,btc" (or a list), stripped, empty items and repeats
    dropped; InputError for more than ``limit`` (a hand-edited file is read without one, so one
    oversized list does not hide the others)."""
    items = text.split(",") if isinstance(text, str) else list(text or [])
    clean = (" ".join("".join(ch for ch in str(i) if ch.isprintable()).split()) for i in items)
    names = tuple(dict.fromkeys(i for i in clean if i))
    if limit is not None and len(names) > limit:
        raise InputError(
            f"A briefing covers at most {limit} assets, and this list has {len(names)} "
            f"(starting {', '.join(n[:20] for n in names[:3])}); split it into several watchlists."
        )
    return names


def parse_pairs(text: str | list[str] | tuple | None) -> tuple[tuple[str, str], ...]:
    """Lead/lag pairs from "silver>bitcoin, gold->bitcoin" (also "a:b" and "a→b") or a list.

    Raises:
        InputError: an item that is not two names around ">".
    """
    if text is None:
        return ()
    items = text.split(",") if isinstance(text, str) else list(text)
    pairs: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            parts = [str(p).strip() for p in item]
        else:
            parts = (
                [p.strip() for p in _PAIR_SPLIT.split(str(item).strip())]
                if str(item).strip()
                else []
            )
        if not parts:
            continue
        if len(parts) != 2 or not all(parts):
            raise InputError(
                f"Bad lead/lag pair '{str(item)[:40]}'; write leader>follower, "
                "e.g. silver>bitcoin (several separated by commas)."
            )
        pairs.append((parts[0], parts[1]))
    return tuple(dict.fromkeys(pairs))


def check_name(name: str) -> str:
    """A valid watchlist name (letters, digits, - and _, up to 40 characters)."""
    name = str(name or "").strip()
    if not _NAME.match(name):
        shown = "".join(ch if ch.isprintable() else "?" for ch in name)[:40]
        raise InputError(
            f"Bad watchlist name '{shown}'; use up to 40 letters, digits, - or _ "
            "(starting with a letter or digit), e.g. metals."
        )
    return name


def load(home: Path | str) -> dict[str, Watchlist]:
    """Every watchlist by name: the built-in default, then the file's (which may replace it).

    Raises:
        InputError: the file is not valid TOML or a list is malformed (the message names the file).
    """
    found = {DEFAULT_NAME: builtin_default()}
    file = path(home)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{file} is over 1 MB, too big for watchlists; fix or delete it.")
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return found
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read {file}: {exc}; fix or delete the file.") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{file} is not valid TOML ({exc}); fix or delete the file.") from exc
    except RecursionError as exc:
        raise InputError(f"{file} is nested too deeply; fix or delete the file.") from exc
    lists = data.get("watchlists") or {}
    if not isinstance(lists, dict):
        raise InputError(
            f"{file} must hold tables such as [watchlists.metals]; fix or delete the file."
        )
    for name, entry in lists.items():
        found[name] = _entry(file, name, entry)
    return found


def _entry(file: Path, name: str, entry: object) -> Watchlist:
    assets = entry.get("assets") if isinstance(entry, dict) else entry
    if not isinstance(assets, list) or not all(isinstance(a, str) for a in assets):
        raise InputError(
            f"Watchlist '{_shown(name)}' in {file} needs assets = [\"gold\", ...]; fix or "
            "delete it."
        )
    pairs = entry.get("pairs") if isinstance(entry, dict) else None
    if not _pairs_shape(pairs):
        raise InputError(
            f"Watchlist '{_shown(name)}' in {file} needs pairs = [\"silver>bitcoin\", ...]; "
            "fix or delete it."
        )
    return Watchlist(name, parse_assets(assets, limit=None), parse_pairs(pairs or None))


def _pairs_shape(pairs: object) -> bool:
    """None, a string, or a list of "a>b" strings and [a, b] pairs of strings."""
    if pairs is None or isinstance(pairs, str):
        return True
    return isinstance(pairs, list) and all(
        isinstance(p, str)
        or (isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p))
        for p in pairs
    )


def _shown(name: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in str(name))[:40]


def get(home: Path | str, name: str | None) -> Watchlist:
    """The watchlist called ``name`` (the default when None).

    Raises:
        InputError: no such watchlist (the message lists the saved ones).
    """
    lists = load(home)
    key = (name or DEFAULT_NAME).strip()
    if key not in lists:
        raise InputError(
            f"No watchlist named '{key[:40]}'. Saved watchlists: {', '.join(sorted(lists))}. "
            "Create one with 'market-assistant watchlist save NAME gold,silver'.",
            options=sorted(lists),
        )
    return lists[key]


def save(home: Path | str, name: str, assets, pairs=None) -> Watchlist:
    """Create or replace a watchlist and rewrite the file atomically.

    Raises:
        InputError: a bad name, no assets, a bad pair, or the file cannot be written.
    """
    name = check_name(name)
    names = parse_assets(assets)
    if not names:
        raise InputError(
            f"The watchlist '{name}' would be empty; give at least one asset, e.g. gold,silver."
        )
    entry = Watchlist(name, names, parse_pairs(pairs))
    with _locked(home):
        lists = {k: v for k, v in load(home).items() if not v.builtin}
        lists[name] = entry
        _write(path(home), lists)
    return entry


def remove(home: Path | str, name: str) -> Watchlist:
    """Delete a saved watchlist (removing a saved ``default`` restores the built-in one).

    Raises:
        InputError: no saved watchlist of that name.
    """
    with _locked(home):
        lists = {k: v for k, v in load(home).items() if not v.builtin}
        key = str(name or "").strip()
        if key not in lists:
            extra = " The built-in default cannot be removed." if key == DEFAULT_NAME else ""
            raise InputError(
                f"No saved watchlist named '{key[:40]}'.{extra} Saved: "
                f"{', '.join(sorted(lists)) or 'none'}.",
                options=sorted(lists),
            )
        gone = lists.pop(key)
        _write(path(home), lists)
    return gone


# --- writing ----------------------------------------------------------------------------------


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dumps(lists: dict[str, Watchlist]) -> str:
    """The file text for ``lists`` (names are validated, so they are bare keys)."""
    parts = [HEADER]
    for name in sorted(lists):
        w = lists[name]
        parts.append(f"\n[watchlists.{check_name(name)}]\n")
        parts.append(f"assets = [{', '.join(_toml_string(a) for a in w.assets)}]\n")
        if w.pairs:
            parts.append(f"pairs = [{', '.join(_toml_string(f'{a}>{b}') for a, b in w.pairs)}]\n")
    return "".join(parts)


@contextlib.contextmanager
def _locked(home: Path | str) -> Iterator[None]:
    """Hold the watchlists' file lock (``.watchlists.toml.lock``) from reading to writing."""
    from filelock import FileLock, Timeout

    file = path(home)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(file.with_name(f".{FILE_NAME}.lock")), timeout=30)
        lock.acquire()
    except (OSError, Timeout) as exc:
        raise InputError(
            f"Cannot lock {file} for writing ({exc}); set MARKET_ASSISTANT_HOME (or --home) to a "
            "writable folder, or retry when no other save is running."
        ) from exc
    try:
        yield
    finally:
        lock.release()


def _write(file: Path, lists: dict[str, Watchlist]) -> None:
    text = dumps(lists)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        write_text(file, text)
    except OSError as exc:
        raise InputError(
            f"Cannot write {file}: {exc.strerror or exc}; set MARKET_ASSISTANT_HOME "
            "(or --home) to a writable folder."
        ) from exc
