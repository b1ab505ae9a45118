"""Plotly figures for answers and briefings, built from price series and tool artifacts.

The UI only displays these; briefings embed them. ``charts_for`` picks the figures that go
with a turn's tool results; ``briefing_charts`` the figures of each section of a briefing asked
for in the chat. Every chart draws an asset in its one colour (:func:`asset_color`), and labels
that could collide (the all-time high, the 52-week range) are legend entries, so they never
overlap, at any width.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING

from tools import formatting as fmt

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from tools.data import Market, PriceSeries

TEMPLATE = "plotly_white"
ASSET_COLORS = {
    "gold": "#d4ac0d",
    "silver": "#64748b",
    "bitcoin": "#e8590c",
    "ethereum": "#6366f1",
    "sp500": "#1d4ed8",
    "nasdaq": "#0891b2",
    "dxy": "#6d28d9",
    "copper": "#b45309",
    "crude": "#292524",
    "platinum": "#0d9488",
    "us10y": "#be123c",
}
SPARE_COLORS = ("#0f766e", "#9333ea", "#db2777", "#4d7c0f", "#7c2d12", "#1e3a8a")
RATIO_COLOR = "#334155"
MARK_COLOR = "#111827"  # breakout markers, the best lag
BAND_COLOR = "rgba(14,165,233,0.12)"
BAR_COLOR = "#94a3b8"
HIGH_COLOR = "#dc2626"


def asset_color(key: str) -> str:
    """The one colour of an asset in every chart (a stable spare colour for other tickers)."""
    key = str(key or "").lower()
    if key in ASSET_COLORS:
        return ASSET_COLORS[key]
    index = int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(SPARE_COLORS)
    return SPARE_COLORS[index]


def _layout(fig: go.Figure, title: str, synthetic: bool = False) -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        title={
            "text": title,
            "x": 0.01,
            "font": {"size": 15},
            "subtitle": {"text": "synthetic demo data" if synthetic else ""},
        },
        height=380,
        margin={"l": 50, "r": 20, "t": 64 if synthetic else 50, "b": 40},
        legend={"orientation": "h", "y": -0.15, "x": 0},
    )
    return fig


def price_figure(
    series: PriceSeries,
    breakouts: dict | None = None,
    price: dict | None = None,
    years: float | None = 5.0,
) -> go.Figure:
    """Closes with the all-time closing high, breakout episode starts and the 52-week range."""
    import pandas as pd
    import plotly.graph_objects as go

    close = series.close
    if years is not None and len(close):
        close = close.loc[close.index[-1] - pd.DateOffset(days=int(365.25 * years)) :]
    fig = go.Figure()
    if price and price.get("high_52w") and price.get("low_52w"):
        _range_band(fig, close, price)
    fig.add_trace(
        go.Scatter(
            x=close.index,
            y=close.values,
            mode="lines",
            name=f"{series.asset.name} close",
            line={"color": asset_color(series.asset.key), "width": 1.6},
        )
    )
    ath = (price or {}).get("all_time_high") or {}
    if ath and len(close):
        fig.add_trace(
            go.Scatter(
                x=[close.index[0], close.index[-1]],
                y=[ath["close"], ath["close"]],
                mode="lines",
                name=f"all-time closing high {fmt.price(ath['close'])} ({ath['date']})",
                line={"dash": "dash", "color": HIGH_COLOR, "width": 1},
                hoverinfo="skip",
            )
        )
    _breakout_markers(fig, close, (breakouts or {}).get("episodes") or [])
    fig.update_yaxes(title=series.asset.unit)
    return _layout(fig, f"{series.asset.name}: closes", series.provenance.synthetic)


def _range_band(fig: go.Figure, close, price: dict) -> None:
    """The 52-week range as a shaded band over the last 52 weeks, named in the legend."""
    import pandas as pd
    import plotly.graph_objects as go

    start = max(close.index[-1] - pd.DateOffset(weeks=52), close.index[0])
    low, high = price["low_52w"]["close"], price["high_52w"]["close"]
    end = close.index[-1]
    fig.add_trace(
        go.Scatter(
            x=[start, end, end, start, start],
            y=[low, low, high, high, low],
            mode="lines",
            fill="toself",
            fillcolor=BAND_COLOR,
            line={"width": 0},
            name=f"52-week range {fmt.price(low)} to {fmt.price(high)}",
            hoverinfo="skip",
        )
    )


def _breakout_markers(fig: go.Figure, close, episodes: list[dict]) -> None:
    """A marker at the start of each breakout episode inside the plotted span."""
    import pandas as pd
    import plotly.graph_objects as go

    shown = [e for e in episodes if len(close) and pd.Timestamp(e["start"]) >= close.index[0]]
    if not shown:
        return
    fig.add_trace(
        go.Scatter(
            x=[e["start"] for e in shown],
            y=[e["start_close"] for e in shown],
            mode="markers",
            name="breakout starts",
            marker={"symbol": "triangle-up", "size": 10, "color": MARK_COLOR},
            hovertext=[
                f"broke {fmt.price(e['prior_record'])} set {e['prior_record_date']}" for e in shown
            ],
        )
    )


def correlogram_figure(result: dict) -> go.Figure:
    """corr(k) by lag with an approximate 95% band for one lag and the best lag marked."""
    import plotly.graph_objects as go

    lags = [row for row in result.get("lags", []) if row.get("corr") is not None]
    best = result.get("best_lag") or {}
    colors = [
        asset_color(result.get("follower", "")) if row["lag"] == best.get("lag") else BAR_COLOR
        for row in lags
    ]
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


def _window_start(index, window: str, years: float):
    """Where a comparison's window starts: "ytd" at the last close of the year before (where
    year-to-date changes start), "1m" a month back, else ``years`` back."""
    import pandas as pd

    last = index[-1]
    if window == "ytd":
        before = index[index <= pd.Timestamp(last.year - 1, 12, 31)]
        return before[-1] if len(before) else index[0]
    if window == "1m":
        return last - pd.DateOffset(months=1)
    return last - pd.DateOffset(days=int(365.25 * years))


def relative_figure(series: list[PriceSeries], years: float = 1.0, window: str = "1y") -> go.Figure:
    """Each asset's close rebased to 100 at the start of the window (``window``: "ytd", "1m",
    else ``years`` back, see :func:`_window_start`); with two, their ratio too."""
    import pandas as pd
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    keys = {s.asset.name: s.asset.key for s in series}
    closes = pd.concat({s.asset.name: s.close for s in series}, axis=1, sort=True).dropna()
    if len(closes):
        closes = closes.loc[_window_start(closes.index, window, years) :]
    two = len(series) == 2
    fig = make_subplots(
        rows=2 if two else 1,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.65, 0.35] if two else [1.0],
    )
    for name in closes.columns:
        rebased = closes[name] / closes[name].iloc[0] * 100 if len(closes) else closes[name]
        fig.add_trace(
            go.Scatter(
                x=rebased.index,
                y=rebased.values,
                name=name,
                mode="lines",
                line={"color": asset_color(keys[name])},
            ),
            row=1,
            col=1,
        )
    fig.update_yaxes(title="rebased to 100", row=1, col=1)
    names = list(keys)
    if two and len(closes):
        a, b = closes.columns
        ratio = closes[a] / closes[b]
        fig.add_trace(
            go.Scatter(
                x=ratio.index,
                y=ratio.values,
                name=f"{a}/{b} ratio",
                mode="lines",
                line={"color": RATIO_COLOR},
            ),
            row=2,
            col=1,
        )
        fig.update_yaxes(title="ratio", row=2, col=1)
    title = (
        f"{names[0]} against {names[1]}, and their ratio"
        if two
        else "Relative performance: " + ", ".join(names)
    )
    fig = _layout(fig, title, any(s.provenance.synthetic for s in series))
    fig.update_layout(height=460 if two else 380)
    return fig


WINDOW_WORDS = (
    ("ytd", ("year to date", "year-to-date", "ytd", "this year", "since january")),
    ("1m", ("1 month", "one month", "past month", "last month", "this month")),
)


def stated_window(answer: str) -> str:
    """The comparison window an answer states ("ytd", "1m"), else "1y" (the chart's default)."""
    text = (answer or "").lower()
    for window, words in WINDOW_WORDS:
        if any(w in text for w in words):
            return window
    return "1y"


def charts_for(
    tool_results: list[dict], market: Market, answer: str = ""
) -> list[tuple[str, go.Figure]]:
    """(title, figure) pairs for a turn: one per asset priced or tested, lead/lag, comparison
    (over the window the ``answer`` states: year to date, a month, or a year)."""
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
            window = stated_window(answer)
            title = {"ytd": ", year to date", "1m": ", last month"}.get(window, ", last year")
            figures.append(("Relative performance" + title, relative_figure(series, window=window)))
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


def briefing_charts(artifact: dict, market: Market) -> list[tuple[str, str, go.Figure]]:
    """(section key, title, figure) for a briefing asked in the chat, section by section:
    the watchlist's relative performance under Moves, each asset's closes under Records and
    breakouts, the ratios and lead/lag correlograms under Relationships."""
    facts = (artifact or {}).get("facts") or {}
    out: list[tuple[str, str, go.Figure]] = []

    def series(key: str):
        try:
            return market.series(key)
        except Exception:  # noqa: BLE001 - a chart must never break an answer
            return None

    assets = [(a, series(a["asset"])) for a in facts.get("assets") or []]
    found = [s for _, s in assets if s is not None]
    if len(found) >= 2:
        out.append(("moves", "Relative performance, last year", relative_figure(found)))
    for a, s in assets:
        if s is not None:
            figure = price_figure(s, a.get("records"), a.get("price"))
            out.append(("records", f"{s.asset.name}: closes and records", figure))
    for r in facts.get("ratios") or []:
        pair = [series(r.get("numerator", "")), series(r.get("denominator", ""))]
        if all(pair):
            title = f"{pair[0].asset.name} against {pair[1].asset.name}"
            out.append(("relationships", title, relative_figure(pair)))
    for p in facts.get("pairs") or []:
        if p.get("result"):
            result = p["result"]
            title = f"Lead/lag: {result.get('leader_name')} → {result.get('follower_name')}"
            out.append(("relationships", title, correlogram_figure(result)))
    return out
