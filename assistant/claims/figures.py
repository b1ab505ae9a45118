"""One chart per tested claim: the price with the level or record (levels, moves, macro proxies),
relative performance with the ratio (comparisons, divergences, frequencies), or the correlogram
(lead/lag), each with the date the claim was tested at marked.

The figure builders are those of :mod:`assistant.charts`, passed in by its ``claim_charts`` (this
module does not import it, because it imports this one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tools import formatting as fmt
from tools.claims import ClaimCheck, ClaimKind, ClaimReport

MAX_CHARTS = 8
PAIRED = (ClaimKind.RELATIVE, ClaimKind.DIVERGENCE, ClaimKind.FREQUENCY)
SINGLE = (ClaimKind.LEVEL, ClaimKind.MOVE, ClaimKind.MACRO)


def claim_figures(
    report: ClaimReport,
    market,
    price_figure: Callable[..., Any],
    relative_figure: Callable[..., Any],
    correlogram_figure: Callable[..., Any],
    limit: int = MAX_CHARTS,
) -> list[tuple[str, Any]]:
    """(title, figure) for each tested claim, in table order, at most ``limit``; a claim whose
    chart cannot be drawn is skipped (a chart never breaks an answer)."""
    out: list[tuple[str, Any]] = []
    seen: set[tuple] = set()
    for i, check in enumerate(report.testable, 1):
        for key in _chart_keys(check):
            if key in seen or len(out) >= limit:
                continue
            seen.add(key)
            try:
                out.append(
                    _figure(
                        i, key, check, market, price_figure, relative_figure, correlogram_figure
                    )
                )
            except Exception:  # noqa: BLE001 - missing data or a plotting problem: no chart
                continue
    return out[:limit]


def _chart_keys(check: ClaimCheck) -> list[tuple]:
    """What a claim draws; claims that would draw the same chart (silver's price, silver against
    gold, silver leading bitcoin) draw it once."""
    claim = check.claim
    if claim.kind == ClaimKind.LEAD_LAG:
        return [("lead", r.leader, r.follower) for r in check.leadlag]
    if claim.kind in PAIRED:
        return [("pair", frozenset(claim.assets))]
    if claim.kind in SINGLE:
        return [("price", claim.subject)]
    return []


def _figure(i, key, check: ClaimCheck, market, price_figure, relative_figure, correlogram_figure):
    claim = check.claim
    label = f"Claim {i} ({check.verdict})"
    if key[0] == "lead":
        r = next(r for r in check.leadlag if (r.leader, r.follower) == key[1:])
        return f"{label}: {r.leader_name} → {r.follower_name}", correlogram_figure(r.to_dict())
    if key[0] == "pair":
        series = [market.series(claim.subject), market.series(claim.reference[0])]
        fig = relative_figure(series, years=_years(check, series))
        _mark_date(fig, check.tested_at, "tested")
        return f"{label}: {series[0].asset.name} vs {series[1].asset.name}", fig
    series = market.series(claim.subject)
    fig = price_figure(series, years=_years(check, [series]))
    if claim.level is not None:
        _level(fig, claim.level, f"claimed level {fmt.price(claim.level)}")
    record = check.figures.get("record")
    if isinstance(record, (int, float)) and claim.record:
        # Above its line, the claimed level's label below its own: apart when the two are close.
        text = f"record {fmt.price(record)} ({check.figures.get('record_date')})"
        _level(fig, float(record), text, "top left")
    _mark_date(fig, check.tested_at, "tested")
    return f"{label}: {series.asset.name}", fig


def _years(check: ClaimCheck, series) -> float:
    """Enough history to show a year before the tested date and everything after it."""
    end = min(s.last_date for s in series)
    start = check.tested_at or end
    return max(1.0, (end - start).days / 365.25 + 1.0)


def _level(fig, value: float, text: str, position: str = "bottom left") -> None:
    fig.add_hline(
        y=value,
        line={"dash": "dot", "color": "#ff7f0e", "width": 1},
        annotation_text=text,
        annotation_position=position,
    )


def _mark_date(fig, day: dt.date | None, text: str) -> None:
    """A vertical line at ``day`` across the whole plot, labelled at the top."""
    if day is None:
        return
    fig.add_shape(
        type="line",
        x0=day,
        x1=day,
        xref="x",
        yref="paper",
        y0=0,
        y1=1,
        line={"dash": "dash", "color": "#9467bd", "width": 1},
    )
    fig.add_annotation(
        x=day, xref="x", y=1, yref="paper", text=text, showarrow=False, yanchor="bottom"
    )
