"""Number formatting for answers and briefings: half-up rounding of the value as stored.

Rounding the decimal text of a float (100.925 -> "100.93") rather than its binary value keeps
what people expect, and the grounding check accepts either neighbour anyway.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def _round(value: float, places: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def price(value: float | None) -> str:
    """A price or level: thousands separators, 2 decimals (4 below 1)."""
    if value is None:
        return "n/a"
    places = 2 if abs(value) >= 1 else 4
    return f"{_round(value, places):,.{places}f}"


def pct(value: float | None, signed: bool = True, places: int = 2) -> str:
    """A percentage in percent units: +12.50%."""
    if value is None:
        return "n/a"
    d = _round(value, places)
    text = f"{d:,.{places}f}%"
    return f"+{text}" if signed and d > 0 else text


def num(value: float | None, places: int = 2) -> str:
    if value is None:
        return "n/a"
    return f"{_round(value, places):,.{places}f}"


def count(value: int | None) -> str:
    return "n/a" if value is None else f"{int(value):,}"


def pvalue(value: float | None) -> str:
    return num(value, 3)
