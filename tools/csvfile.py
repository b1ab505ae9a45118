"""Reading a user's price CSV: Yahoo export columns or date,open,high,low,close,volume.

Validation is strict about what would give wrong answers and lenient about the rest: rows
are sorted, duplicate dates keep the last row, rows whose close is missing or not a number
are dropped and counted, and a non-positive price rejects the file naming the row.

Dates: ISO dates (2026-01-23) are read as such. Numeric dates with slashes, dots or dashes
(03/02/2025) are read day-first or month-first as the file shows: the order in which every date
is a real date (a first number above 12 means day-first, a second number above 12 month-first).
A file whose every date reads both ways (01/05/2025, 02/05/2025: 1-2 May, or 5 January and 5
February) cannot tell and is refused with a message saying how to fix it (YYYY-MM-DD); so is
one that neither order reads. A date after today (one day of slack for time zones) rejects
the file naming the row, because it would become the latest bar. A file of more than
``MAX_ROWS`` rows is refused before it is read whole.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tools.errors import InputError
from tools.frames import COLUMNS, tidy

MAX_BYTES = 200 * 1024 * 1024  # a price CSV larger than this is not a daily history
MAX_ROWS = 100_000  # 270 years of trading days, or 270 years of a 24/7 market
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T].*)?$")

_ALIASES = {
    "date": "date",
    "datetime": "date",
    "timestamp": "date",
    "time": "date",
    "day": "date",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "price": "close",
    "adjclose": "adj_close",
    "adjustedclose": "adj_close",
    "volume": "volume",
    "vol": "volume",
}


@dataclass(frozen=True)
class CsvReport:
    path: str
    rows_read: int
    rows_kept: int
    dropped_missing_close: int = 0
    dropped_bad_date: int = 0
    duplicate_dates: int = 0
    blanked_ohl: int = 0  # open/high/low values of zero treated as missing
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        if self.dropped_missing_close:
            parts.append(f"{self.dropped_missing_close} rows without a numeric close dropped")
        if self.dropped_bad_date:
            parts.append(f"{self.dropped_bad_date} rows with an unreadable date dropped")
        if self.duplicate_dates:
            parts.append(f"{self.duplicate_dates} duplicate dates (kept the last)")
        return "; ".join(parts)


def read_price_csv(path: Path | str) -> tuple[pd.DataFrame, CsvReport]:
    """Load and validate one price file.

    Raises:
        InputError: empty or unreadable file, no date or close column, non-positive prices.
    """
    path = Path(path)
    name = path.name
    _check_file(path, name)
    raw = _price_columns(_read_text(path, name), name)
    frame = _numeric_frame(raw, name)
    _reject_future(frame, name)
    bad_date = int(frame.index.isna().sum())
    frame = frame[~frame.index.isna()]
    missing_close = int((~np.isfinite(frame["close"].to_numpy())).sum())
    _reject_non_positive(frame, name)
    blanked = _blank_non_positive(frame)
    dup = int(frame[np.isfinite(frame["close"].to_numpy())].index.duplicated().sum())
    clean = tidy(frame)
    if clean.empty:
        raise InputError(
            f"{name} has no rows with a valid date and a numeric close; dates should read "
            "like 2026-01-23 and closes be plain numbers such as 31.25."
        )
    report = CsvReport(
        str(path),
        rows_read=len(raw),
        rows_kept=len(clean),
        dropped_missing_close=missing_close,
        dropped_bad_date=bad_date,
        duplicate_dates=dup,
        blanked_ohl=blanked,
    )
    return clean, report


def _check_file(path: Path, name: str) -> None:
    """Reject a file that cannot be a daily price CSV before parsing it: missing or unreadable,
    empty, larger than MAX_BYTES, or binary."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"Cannot read {name}: {exc.strerror or exc}.") from exc
    if size == 0:
        raise InputError(
            f"{name} is empty; a price CSV needs a header and at least one row "
            "(date,close or Yahoo's Date,Open,High,Low,Close,Adj Close,Volume)."
        )
    if size > MAX_BYTES:
        raise InputError(
            f"{name} is {size // (1024 * 1024)} MB; the limit for a daily price file is "
            f"{MAX_BYTES // (1024 * 1024)} MB."
        )
    try:
        binary = _looks_binary(path)
    except OSError as exc:
        raise InputError(f"Cannot read {name}: {exc.strerror or exc}.") from exc
    if binary:
        raise InputError(
            f"{name} looks like a binary file, not a CSV text file; export the prices as "
            "CSV text with a date and a close column."
        )


def _read_text(path: Path, name: str) -> pd.DataFrame:
    """Every cell as text, in UTF-8 or UTF-16 (by the byte-order mark) with Latin-1 as the
    fallback; malformed lines are skipped rather than failing the whole file."""
    try:
        raw = _read_csv(path, _encoding(path))
    except UnicodeDecodeError:
        try:
            raw = _read_csv(path, "latin-1")
        except Exception as exc:  # noqa: BLE001
            raise InputError(f"{name} is not a readable CSV text file.") from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"{name} has no header; expected columns date and close.") from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(
            f"{name} is not a readable CSV file ({str(exc).splitlines()[0][:80]})."
        ) from exc
    if "\x00" in "".join(map(str, raw.columns)):
        raise InputError(
            f"{name} looks like a binary file, not a CSV; export the prices as CSV text."
        )
    return raw


def _read_csv(path: Path, encoding: str) -> pd.DataFrame:
    frame = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        encoding=encoding,
        on_bad_lines="skip",
        skipinitialspace=True,
        nrows=MAX_ROWS + 1,  # a bigger file is refused without reading (and paying for) it all
    )
    if len(frame) > MAX_ROWS:
        raise InputError(
            f"{path.name} has more than {MAX_ROWS:,} rows; a daily price history has far fewer "
            "(270 years of trading days). Keep one row per day, with a date and a close."
        )
    return frame


def _price_columns(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """``raw`` with canonical column names (Yahoo's or ours), a close taken from Adj Close when
    there is no Close, and at least one row; the error names the columns found."""
    found = _list(raw.columns)
    raw.columns = [_canonical(c) for c in raw.columns]
    if "date" not in raw.columns:
        raise InputError(
            f"{name} has no date column; found {found}. Name the first column 'date' (or 'Date')."
        )
    if "close" not in raw.columns:
        if "adj_close" in raw.columns:
            raw["close"] = raw["adj_close"]
        else:
            raise InputError(
                f"{name} has no close column; found {found}. Add a 'close' (or 'Close') column."
            )
    if raw.empty:
        raise InputError(f"{name} has a header but no rows; add one row per day (date and close).")
    return raw


def _numeric_frame(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """The price columns as numbers (thousands separators removed, unreadable cells NaN, absent
    columns all NaN), indexed by the parsed dates (NaT where unreadable)."""
    dates = _parse_dates(raw["date"], name)
    numbers = {
        c: pd.to_numeric(raw[c].str.replace(",", "", regex=False).str.strip(), errors="coerce")
        if c in raw.columns
        else pd.Series(np.nan, index=raw.index)
        for c in COLUMNS
    }
    frame = pd.DataFrame(numbers)
    frame.index = pd.DatetimeIndex(dates, name="date")
    return frame


def _canonical(column: str) -> str:
    key = re.sub(r"[^a-z]", "", str(column).lower())
    return _ALIASES.get(key, key)


def _list(columns) -> str:
    shown = []
    for c in list(columns)[:8]:
        text = "".join(ch if ch.isprintable() else "?" for ch in str(c)).strip()
        shown.append(text[:30] + ("…" if len(text) > 30 else ""))
    return ", ".join(shown) or "nothing"


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # spreadsheet "Unicode text" exports


def _encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        return "utf-16" if fh.read(2) in _UTF16_BOMS else "utf-8-sig"


_BINARY_MAGIC = (b"PK\x03\x04", b"\x89PNG", b"\x1f\x8b", b"%PDF", b"\x93NUMPY", b"BZh", b"\xfd7zXZ")


def _looks_binary(path: Path) -> bool:
    """True for files that are clearly not text: NUL bytes, a known binary signature, or many
    control characters in the first few kilobytes (Latin-1 and UTF-8 text have none)."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head.startswith(_UTF16_BOMS):  # full of NUL bytes, yet text
        return False
    if b"\x00" in head or head.startswith(_BINARY_MAGIC):
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13)) + head.count(b"\x7f")
    return controls > max(2, len(head) // 100)


def _parse_dates(values: pd.Series, name: str) -> pd.DatetimeIndex:
    text = values.astype(str).str.strip()
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}")
    if iso.all():  # ISO dates, possibly with a time and offset: the calendar date is what counts
        return pd.DatetimeIndex(
            pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        )
    parts = text.str.extract(_NUMERIC_DATE)
    numeric = parts[0].notna()
    if numeric.sum() > len(text) / 2:  # mostly dd/mm/yyyy or mm/dd/yyyy: decide the order once
        return _numeric_dates(parts.where(numeric), text, name)
    parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=True)
    return pd.DatetimeIndex(parsed).tz_localize(None)


def _numeric_dates(parts: pd.DataFrame, text: pd.Series, name: str) -> pd.DatetimeIndex:
    """Dates such as 03/02/2025, read day-first or month-first (see the module docstring)."""
    first, second = (pd.to_numeric(parts[i], errors="coerce") for i in (0, 1))
    year = pd.to_numeric(parts[2], errors="coerce")
    year = year.where(year >= 100, 2000 + year.where(year < 70, year - 100))  # 25 -> 2025
    candidates = {
        "day-first": _assemble(year, second, first),
        "month-first": _assemble(year, first, second),
    }
    numeric = parts[0].notna()
    read = {order: int(dates[numeric].notna().sum()) for order, dates in candidates.items()}
    best = max(read.values())
    orders = [order for order, count in read.items() if count == best]
    if len(orders) == 1 and best > 0:
        return pd.DatetimeIndex(candidates[orders[0]])
    sample = str(text[numeric].iloc[0])[:20]
    if best == int(numeric.sum()):  # every date is a real date both ways
        day_first, month_first = (candidates[o][numeric].iloc[0] for o in candidates)
        raise InputError(
            f"{name}: every date reads both day-first and month-first ({sample} could be "
            f"{day_first.day} {day_first:%B %Y} or {month_first.day} {month_first:%B %Y}), so the"
            " file cannot tell which. "
            "Re-save the dates as YYYY-MM-DD (e.g. 2025-02-03), which reads the same everywhere."
        )
    raise InputError(
        f"{name}: dates such as {sample} do not read as day/month or month/day throughout. "
        "Re-save the dates as YYYY-MM-DD (e.g. 2025-02-03), which reads the same everywhere."
    )


def _assemble(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"year": year, "month": month, "day": day})
    return pd.to_datetime(frame, errors="coerce")


def _reject_future(frame: pd.DataFrame, name: str) -> None:
    """A row dated after today (one day of slack for time zones) rejects the file, naming it."""
    limit = pd.Timestamp(dt.date.today() + dt.timedelta(days=1))
    late = np.flatnonzero(frame.index.notna() & (frame.index > limit))
    if late.size:
        when = frame.index[int(late[0])].date().isoformat()
        raise InputError(
            f"{name}: the row dated {when} is after today ({dt.date.today().isoformat()}); a "
            "price history cannot hold future bars. Fix or remove that row."
        )


def _reject_non_positive(frame: pd.DataFrame, name: str) -> None:
    """A close of zero or below, or a negative open/high/low, rejects the file naming the row."""
    for col in ("close", "open", "high", "low"):
        values = frame[col].to_numpy()
        limit = values <= 0 if col == "close" else values < 0
        bad = np.flatnonzero(np.isfinite(values) & limit)
        if bad.size:
            i = int(bad[0])
            when = frame.index[i].date().isoformat()
            kind = "non-positive" if col == "close" else "negative"
            raise InputError(
                f"{name}: the row dated {when} has a {kind} {col} ({values[i]:g}); "
                "prices must be above zero. Fix or remove that row."
            )


def _blank_non_positive(frame: pd.DataFrame) -> int:
    """An open/high/low of exactly zero means "not recorded" in Yahoo's old rows (the S&P 500
    before 1962 has thousands): make it NaN rather than reject the file."""
    n = 0
    for col in ("open", "high", "low"):
        mask = frame[col].to_numpy() == 0
        n += int(mask.sum())
        frame.loc[mask, col] = np.nan
    return n
