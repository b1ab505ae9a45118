"""Plotly figures for answers and briefings, built from price series and tool artifacts.

The UI only displays these; briefings embed them. ``charts_for`` picks the figures that go
with a turn's tool results.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from tools.data import Market, PriceSeries

TEMPLATE = "plotly_white"
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def _layout(fig: go.Figure, title: str, synthetic: bool = False) -> go.Figure:
    if synthetic:
        title += " — synthetic demo data"
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0.01},
        height=380,
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig


def price_figure(
    series: PriceSeries,
    breakouts: dict | None = None,
    price: dict | None = None,
    years: float | None = 5.0,
) -> go.Figure:
    """Closes with the all-time closing high, breakout episode starts and the 52-week range
    marked."""
    import pandas as pd
    import plotly.graph_objects as go

    close = series.close
    if years is not None and len(close):
        close = close.loc[close.index[-1] - pd.DateOffset(days=int(365.25 * years)) :]
    fig = go.Figure(
        go.Scatter(
            x=close.index,
            y=close.values,
            mode="lines",
            name=f"{series.asset.name} close",
            line={"color": COLORS[0], "width": 1.6},
        )
    )
    if price and price.get("high_52w") and price.get("low_52w"):
        _range_band(fig, close, price)
    ath = (price or {}).get("all_time_high") or {}
    if ath:
        fig.add_hline(
            y=ath["close"],
            line={"dash": "dash", "color": COLORS[1], "width": 1},
            annotation_text=f"all-time closing high {ath['close']:,.2f} ({ath['date']})",
            annotation_position="top left",
        )
    _breakout_markers(fig, close, (breakouts or {}).get("episodes") or [])
    fig.update_yaxes(title=series.asset.unit)
    return _layout(fig, f"{series.asset.name}: closes", series.provenance.synthetic)


def _range_band(fig: go.Figure, close, price: dict) -> None:
    """The 52-week range as a shaded band over the last 52 weeks."""
    import pandas as pd

    start = close.index[-1] - pd.DateOffset(weeks=52)
    low, high = price["low_52w"]["close"], price["high_52w"]["close"]
    fig.add_shape(
        type="rect",
        x0=start,
        x1=close.index[-1],
        y0=low,
        y1=high,
        fillcolor="rgba(44,160,44,0.08)",
        line={"width": 0},
        layer="below",
    )
    fig.add_annotation(
        x=start,
        y=high,
        text="52-week range",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"size": 10, "color": "#2ca02c"},
    )


def _breakout_markers(fig: go.Figure, close, episodes: list[dict]) -> None:
    """A marker at the start of each breakout episode inside the plotted span."""
    import pandas as pd
    import plotly.graph_objects as go

    shown = [e for e in episodes if pd.Timestamp(e["start"]) >= close.index[0]]
    if not shown:
        return
    fig.add_trace(
        go.Scatter(
            x=[e["start"] for e in shown],
            y=[e["start_close"] for e in shown],
            mode="markers",
            name="breakout starts",
            marker={"symbol": "triangle-up", "size": 10, "color": COLORS[4]},
            hovertext=[
                f"broke {e['prior_record']:,.2f} set {e['prior_record_date']}" for e in shown
            ],
        )
    )


def correlogram_figure(result: dict) -> go.Figure:
    """corr(k) by lag with an approximate 95% band for one lag and the best lag marked."""
    import plotly.graph_objects as go

    lags = [row for row in result.get("lags", []) if row.get("corr") is not None]
    best = result.get("best_lag") or {}
    colors = [COLORS[1] if row["lag"] == best.get("lag") else COLORS[0] for row in lags]
    fig = go.Figure(
        go.Bar(
            x=[r["lag"] for r in lags],
            y=[r["corr"] for r in lags],
            marker_color=colors,
            name="correlation",
            hovertext=[f"n={r['n']}, p={r['p_value']:.3f}" for r in lags],
        )
    )
    if lags:
        band = 1.96 / math.sqrt(max(min(r["n"] for r in lags), 1))
        for y in (band, -band):
            fig.add_hline(y=y, line={"dash": "dot", "color": "grey", "width": 1})
        fig.add_annotation(
            x=lags[-1]["lag"],
            y=band,
            text="95% band (one lag)",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"size": 10, "color": "grey"},
        )
    if best:
        verdict = "significant" if best.get("significant") else "not significant"
        fig.add_annotation(
            x=best["lag"],
            y=best["corr"],
            text=f"best lag {best['lag']} ({verdict})",
            showarrow=True,
            arrowhead=2,
        )
    unit = result.get("lag_unit", "period")
    fig.update_xaxes(title=f"lag in {unit}s (> 0: {result.get('leader_name')} moves first)")
    fig.update_yaxes(title="correlation of log returns")
    synthetic = any(p.get("synthetic") for p in result.get("provenance") or [])
    return _layout(
        fig,
        f"Does {result.get('follower_name')} follow {result.get('leader_name')}? "
        f"({result.get('freq')})",
        synthetic,
    )


def relative_figure(series: list[PriceSeries], years: float = 1.0) -> go.Figure:
    """Each asset's close rebased to 100 at the start of the window; with two, their ratio too."""
    import pandas as pd
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    closes = pd.concat({s.asset.name: s.close for s in series}, axis=1, sort=True).dropna()
    if len(closes):
        closes = closes.loc[closes.index[-1] - pd.DateOffset(days=int(365.25 * years)) :]
    two = len(series) == 2
    fig = make_subplots(
        rows=2 if two else 1,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.65, 0.35] if two else [1.0],
    )
    for i, name in enumerate(closes.columns):
        rebased = closes[name] / closes[name].iloc[0] * 100 if len(closes) else closes[name]
        fig.add_trace(
            go.Scatter(
                x=rebased.index,
                y=rebased.values,
                name=name,
                mode="lines",
                line={"color": COLORS[i % len(COLORS)]},
            ),
            row=1,
            col=1,
        )
    fig.update_yaxes(title="rebased to 100", row=1, col=1)
    if two and len(closes):
        a, b = closes.columns
        ratio = closes[a] / closes[b]
        fig.add_trace(
            go.Scatter(
                x=ratio.index,
                y=ratio.values,
                name=f"{a}/{b} ratio",
                mode="lines",
                line={"color": COLORS[3]},
            ),
            row=2,
            col=1,
        )
        fig.update_yaxes(title="ratio", row=2, col=1)
    fig = _layout(
        fig,
        "Relative performance" + (" and ratio" if two else ""),
        any(s.provenance.synthetic for s in series),
    )
    fig.update_layout(height=460 if two else 380)
    return fig


def charts_for(tool_results: list[dict], market: Market) -> list[tuple[str, go.Figure]]:
    """(title, figure) pairs for a turn: one per asset priced or tested, lead/lag, comparison."""
    from assistant import registry
    from tools.breakouts import BreakoutResult
    from tools.claims import ClaimReport
    from tools.leadlag import LeadLagResult
    from tools.prices import PriceLookup
    from tools.relative import Comparison

    figures: list[tuple[str, go.Figure]] = []
    by_asset: dict[str, dict] = {}
    for r in tool_results:
        result = None if r.get("error") else registry.read(r.get("artifact"))
        if isinstance(result, (PriceLookup, BreakoutResult)) and "/" not in result.asset:
            by_asset.setdefault(result.asset, {})[registry.kind_of(r["artifact"])] = r["artifact"]
        elif isinstance(result, LeadLagResult):
            figures.append(
                (
                    f"Lead/lag: {result.leader_name} → {result.follower_name}",
                    correlogram_figure(r["artifact"]),
                )
            )
        elif isinstance(result, Comparison):
            series = [market.series(row.asset) for row in result.rows]
            figures.append(("Relative performance", relative_figure(series)))
        elif isinstance(result, registry.BriefingDigest) and result.assets:
            series = [market.series(key) for key in result.assets]
            figures.append(("Watchlist performance", relative_figure(series)))
        elif isinstance(result, ClaimReport):
            figures.extend(claim_charts(result, market))
    for key, parts in by_asset.items():
        try:
            series = market.series(key)
        except Exception:  # noqa: BLE001 - a chart must never break an answer
            continue
        figures.append(
            (
                f"{series.asset.name} price",
                price_figure(
                    series, parts.get(registry.Kind.BREAKOUTS), parts.get(registry.Kind.PRICE)
                ),
            )
        )
    return figures


def claim_charts(report, market: Market) -> list[tuple[str, go.Figure]]:
    """One figure per tested claim of a claim check (:mod:`assistant.claims.figures`)."""
    from assistant.claims.figures import claim_figures

    return claim_figures(report, market, price_figure, relative_figure, correlogram_figure)
