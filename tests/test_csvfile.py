"""tools.csvfile: the edge cases of a user's price CSV, as one named table."""

from __future__ import annotations

import dataclasses
import os
import re

import numpy as np
import pytest

from tools.csvfile import read_price_csv
from tools.errors import InputError

LOWER = "date,open,high,low,close,volume\n"
YAHOO = "Date,Open,High,Low,Close,Adj Close,Volume\n"


@dataclasses.dataclass
class Ok:
    """What a file that loads must give."""

    rows: int
    first: str
    last: str
    last_close: float
    dropped: int = 0  # rows without a numeric close
    bad_dates: int = 0
    duplicates: int = 0
    blanked: int = 0  # zero open/high/low values turned into NaN


@dataclasses.dataclass
class Err:
    """A file that must be rejected with a one-line message matching ``pattern``."""

    pattern: str


CASES = [
    (
        "lower-case-columns",
        LOWER + "2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,12,10,11.5,200\n",
        Ok(2, "2024-01-02", "2024-01-03", 11.5),
    ),
    (
        "yahoo-export-columns",  # Close is used, not Adj Close
        YAHOO + "2024-01-02,10,11,9,10.5,10.1,100\n2024-01-03,10.5,12,10,11.5,11.0,200\n",
        Ok(2, "2024-01-02", "2024-01-03", 11.5),
    ),
    (
        "upper-case-columns",
        "DATE,OPEN,HIGH,LOW,CLOSE,VOLUME\n2024-01-02,10,11,9,10.5,100\n",
        Ok(1, "2024-01-02", "2024-01-02", 10.5),
    ),
    (
        "mixed-case-and-spaces",
        " Date , Close , VOLUME \n2024-01-02, 10.5 ,100\n",
        Ok(1, "2024-01-02", "2024-01-02", 10.5),
    ),
    (
        "close-only",
        "date,close\n2024-01-02,1\n2024-01-03,2\n2024-01-04,3\n",
        Ok(3, "2024-01-02", "2024-01-04", 3.0),
    ),
    ("adj-close-only", "Date,Adj Close\n2024-01-02,5.5\n", Ok(1, "2024-01-02", "2024-01-02", 5.5)),
    (
        "duplicate-dates-keep-last",
        LOWER + "2024-01-02,1,1,1,1,1\n2024-01-03,2,2,2,2,2\n2024-01-03,3,3,3,3,3\n",
        Ok(2, "2024-01-02", "2024-01-03", 3.0, duplicates=1),
    ),
    (
        "nan-closes-dropped-and-counted",
        YAHOO + "2024-01-02,1,1,1,1,1,1\n2024-01-03,null,null,null,null,null,null\n"
        "2024-01-04,2,2,2,,2,2\n2024-01-05,3,3,3,NaN,3,3\n2024-01-08,4,4,4,4,4,4\n",
        Ok(2, "2024-01-02", "2024-01-08", 4.0, dropped=3),
    ),
    (
        "unsorted-rows",
        "date,close\n2024-01-04,3\n2024-01-02,1\n2024-01-03,2\n",
        Ok(3, "2024-01-02", "2024-01-04", 3.0),
    ),
    (
        "non-numeric-close-dropped",
        "date,close\n2024-01-02,1\n2024-01-03,abc\n2024-01-04,#N/A\n2024-01-05,5\n",
        Ok(2, "2024-01-02", "2024-01-05", 5.0, dropped=2),
    ),
    (
        "non-numeric-volume-kept",
        "date,close,volume\n2024-01-02,1,n/a\n2024-01-03,2,300\n",
        Ok(2, "2024-01-02", "2024-01-03", 2.0),
    ),
    (
        "thousands-separators",
        'date,close\n2024-01-02,"1,234.5"\n2024-01-03,"67,272.59"\n',
        Ok(2, "2024-01-02", "2024-01-03", 67272.59),
    ),
    (
        "unreadable-date-dropped",
        "date,close\n2024-01-02,1\nnot a date,2\n2024-01-04,3\n",
        Ok(2, "2024-01-02", "2024-01-04", 3.0, bad_dates=1),
    ),
    (
        "tz-offset-date-strings",
        "Date,Close\n2026-03-27 00:00:00-04:00,70.0\n2026-03-30T00:00:00-04:00,70.324\n",
        Ok(2, "2026-03-27", "2026-03-30", 70.324),
    ),
    (
        "tz-offset-late-evening-keeps-written-date",
        "date,close\n2026-03-30T22:00:00-04:00,1\n2026-03-31T23:30:00+09:00,2\n",
        Ok(2, "2026-03-30", "2026-03-31", 2.0),
    ),
    (
        "us-style-dates",
        "Date,Close\n01/02/2024,1\n01/03/2024,2\n01/16/2024,3\n",
        Ok(3, "2024-01-02", "2024-01-16", 3.0),
    ),
    (
        "day-first-dates",
        "Date,Close\n02/01/2024,1\n03/01/2024,2\n16/01/2024,3\n",
        Ok(3, "2024-01-02", "2024-01-16", 3.0),
    ),
    (
        # 1-3 May day-first, or 5 January, February and March month-first: refused, not guessed
        "every-date-reads-both-ways",
        "date,close\n01/05/2025,30\n02/05/2025,31\n03/05/2025,32\n",
        Err(r"01/05/2025 could be 1 May 2025 or 5 January 2025.*YYYY-MM-DD"),
    ),
    (
        "us-style-dates-that-read-both-ways",
        "Date,Close\n01/02/2024,1\n01/03/2024,2\n",
        Err(r"reads both day-first and month-first.*YYYY-MM-DD"),
    ),
    (
        "crlf-line-endings",
        "date,close\r\n2024-01-02,1\r\n2024-01-03,2\r\n",
        Ok(2, "2024-01-02", "2024-01-03", 2.0),
    ),
    (
        "utf8-bom",
        "\ufeffDate,Close\n2024-01-02,1\n".encode("utf-8"),
        Ok(1, "2024-01-02", "2024-01-02", 1.0),
    ),
    (
        "latin-1-encoded",
        "Date,Close,Note\n2024-01-02,1,caf\u00e9\n2024-01-03,2,Z\u00fcrich\n".encode("latin-1"),
        Ok(2, "2024-01-02", "2024-01-03", 2.0),
    ),
    (
        "zero-open-treated-as-missing",  # Yahoo's old S&P 500 rows have open = 0
        LOWER + "1950-01-03,0,16.66,16.66,16.66,1260000\n1950-01-04,0,16.85,16.85,16.85,1890000\n",
        Ok(2, "1950-01-03", "1950-01-04", 16.85, blanked=2),
    ),
    ("empty-file", "", Err(r"is empty")),
    ("blank-lines-only", "\n\n\n", Err(r"no header")),
    ("header-only", LOWER, Err(r"header but no rows")),
    ("yahoo-header-only", YAHOO, Err(r"header but no rows")),
    (
        "negative-close",
        "date,close\n2024-01-02,1\n2024-01-03,-2\n",
        Err(r"row dated 2024-01-03 .*non-positive close \(-2\)"),
    ),
    ("zero-close", "date,close\n2024-01-02,0\n", Err(r"row dated 2024-01-02 .*non-positive close")),
    (
        "negative-low",
        LOWER + "2024-01-02,1,1,1,1,1\n2024-01-05,1,1,-1,1,1\n",
        Err(r"row dated 2024-01-05 .*negative low"),
    ),
    (
        "missing-close-column",
        "date,open,volume\n2024-01-02,1,2\n",
        Err(r"no close column; found date, open, volume"),
    ),
    ("missing-date-column", "open,close\n1,2\n", Err(r"no date column; found open, close")),
    ("semicolon-separated", "date;close\n2024-01-02;1\n", Err(r"no date column; found date;close")),
    (
        "no-numeric-closes-at-all",
        "date,close\n2024-01-02,x\n2024-01-03,y\n",
        Err(r"no rows with a valid date and a numeric close"),
    ),
    ("binary-with-nul-bytes", b"\x00\x01\x02\x03" * 256, Err(r"binary file")),
    ("binary-png", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 255)) * 8, Err(r"binary file")),
    ("binary-zip", b"PK\x03\x04" + bytes(range(255, 0, -1)) * 8, Err(r"binary file")),
    (
        "binary-random",
        np.random.default_rng(7).integers(1, 256, 4096, dtype=np.uint8).tobytes(),
        Err(r"binary file"),
    ),
]


@pytest.mark.parametrize("content, expect", [pytest.param(c, e, id=i) for i, c, e in CASES])
def test_read_price_csv(tmp_path, content, expect):
    path = tmp_path / "prices.csv"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    if isinstance(expect, Err):
        with pytest.raises(InputError) as err:
            read_price_csv(path)
        message = str(err.value)
        assert re.search(expect.pattern, message), message
        assert "\n" not in message and message.startswith("prices.csv")
        return
    frame, report = read_price_csv(path)
    assert list(frame.columns) == ["open", "high", "low", "close", "volume"]
    assert frame.index.name == "date" and frame.index.tz is None
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert (frame.index == frame.index.normalize()).all()
    assert len(frame) == expect.rows == report.rows_kept
    assert frame.index[0].date().isoformat() == expect.first
    assert frame.index[-1].date().isoformat() == expect.last
    assert frame["close"].iloc[-1] == pytest.approx(expect.last_close)
    assert np.isfinite(frame["close"]).all() and (frame["close"] > 0).all()
    assert report.dropped_missing_close == expect.dropped
    assert report.dropped_bad_date == expect.bad_dates
    assert report.duplicate_dates == expect.duplicates
    assert report.blanked_ohl == expect.blanked
    if expect.blanked:
        assert frame["open"].isna().all() and frame["high"].notna().all()
    if expect.dropped:
        assert f"{expect.dropped} rows without a numeric close dropped" in report.summary()


def test_duplicate_keeps_the_last_row_values(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(LOWER + "2024-01-03,9,9,9,9,9\n2024-01-02,1,1,1,1,1\n2024-01-03,3,4,2,3.5,7\n")
    frame, _ = read_price_csv(path)
    assert frame.loc["2024-01-03"].tolist() == [3.0, 4.0, 2.0, 3.5, 7.0]


def test_yahoo_export_uses_close_not_adjusted_close(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(YAHOO + "2024-01-02,10,11,9,10.5,5.25,100\n")
    frame, _ = read_price_csv(path)
    assert frame["close"].iloc[0] == 10.5
    assert frame["volume"].iloc[0] == 100


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="Cannot read nope.csv"):
        read_price_csv(tmp_path / "nope.csv")


def test_a_directory_is_an_input_error(tmp_path):
    folder = tmp_path / "silver.csv"
    folder.mkdir()
    (folder / "inside.txt").write_text("x" * 5000)
    with pytest.raises(InputError, match="Cannot read silver.csv"):
        read_price_csv(folder)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_an_input_error(tmp_path):
    path = tmp_path / "locked.csv"
    path.write_text("date,close\n2024-01-02,1\n")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="locked.csv"):
            read_price_csv(path)
    finally:
        path.chmod(0o644)
