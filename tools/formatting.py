"""The one number formatter: prices, percentages, p-values, correlations and counts, for the
tools' summaries, the answers, the briefings, the command line and the app.

Rounding is half-up on the decimal text of the value as stored (100.925 -> "100.93"), which is
what people expect of a printed figure; the grounding check accepts either neighbour anyway.
The rules: prices and levels with 2 decimals and thousands separators (4 below 1); percentages
with 2 decimals, signed when they are changes; p-values with 2 decimals ("0.71"), 3 below 0.01
("0.004"), and "< 0.001" below that; correlations with 2 decimals. Missing values print "n/a".
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

NA = "n/a"


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(float(value))


def _round(value: float, places: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def price(value: float | None) -> str:
    """A price, level or ratio: "4,123.50"; "0.0123" below 1."""
    if _missing(value):
        return NA
    places = 2 if abs(value) >= 1 else 4
    return f"{_round(value, places):,.{places}f}"


def pct(value: float | None, signed: bool = True, places: int = 2) -> str:
    """A percentage in percent units (12.5 -> "+12.50%"); ``signed=False`` for a size: "12.50%"."""
    if _missing(value):
        return NA
    d = _round(value, places)
    text = f"{d:,.{places}f}%"
    return f"+{text}" if signed and d > 0 else text


def num(value: float | None, places: int = 2) -> str:
    """A plain number with ``places`` decimals and thousands separators."""
    if _missing(value):
        return NA
    return f"{_round(value, places):,.{places}f}"


def corr(value: float | None) -> str:
    """A correlation: "0.42", "-0.07"."""
    return num(value, 2)


def pvalue(value: float | None) -> str:
    """A p-value: "0.71", "0.004", "< 0.001"."""
    if _missing(value):
        return NA
    if value < 0.001:
        return "< 0.001"
    return num(value, 3 if value < 0.01 else 2)


def count(value: int | None) -> str:
    """A whole number with thousands separators: "1,442"."""
    return NA if value is None else f"{int(value):,}"
