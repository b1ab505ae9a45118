"""``market-assistant data``: status, refresh and show."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from tools import assets
from tools import formatting as fmt
from tools.data import AutoSource, CsvSource, DemoSource, PriceSeries, YahooSource, parse_date
from tools.errors import DateRangeError, InputError

app = typer.Typer(no_args_is_help=True)


def series_summary(series: PriceSeries) -> dict:
    """The JSON object of ``data show``."""
    frame = series.frame
    prov = series.provenance
    return {
        "asset": series.asset.key,
        "name": series.asset.name,
        "symbol": series.asset.symbol,
        "source": prov.source,
        "first_date": series.first_date.isoformat(),
        "last_date": series.last_date.isoformat(),
        "rows": int(len(frame)),
        "last_close": float(frame["close"].iloc[-1]),
        "synthetic": prov.synthetic,
        "stale": prov.stale,
        "unit": series.asset.unit,
        "provenance": prov.to_dict(),
    }


@app.command("show")
def show(
    ctx: typer.Context,
    asset: str,
    start: Annotated[str | None, typer.Option(help="First date, YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option(help="Last date, YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Summarise one asset's history: first and last bar, rows, last close, provenance."""
    from assistant.cli.output import emit_json

    settings = ctx.obj
    series = settings.market().series(asset)
    series = _window(series, parse_date(start, "start date"), parse_date(end, "end date"))
    info = series_summary(series)
    if as_json:
        emit_json(info)
        return
    prov = series.provenance
    typer.echo(f"{info['name']} ({info['symbol']}), {info['unit']}")
    typer.echo(f"  bars        {info['rows']:,} from {info['first_date']} to {info['last_date']}")
    typer.echo(f"  last close  {fmt.price(info['last_close'])} on {info['last_date']}")
    typer.echo(f"  source      {prov.label()}")
    if prov.notice:
        typer.echo(f"  notice      {prov.notice}")


def _window(series: PriceSeries, start: dt.date | None, end: dt.date | None) -> PriceSeries:
    if start and end and start > end:
        raise DateRangeError(f"Start {start} is after end {end}; swap them.")
    frame = series.frame
    if (start and start > series.last_date) or (end and end < series.first_date):
        frame = frame.iloc[
            :0
        ]  # outside the data (slicing by a year like 2999 would overflow pandas)
    if start and not frame.empty:
        frame = frame.loc[str(start) :]
    if end and not frame.empty:
        frame = frame.loc[: str(end)]
    if frame.empty:
        raise DateRangeError(
            f"No {series.asset.name} bars between {start or 'the start'} and "
            f"{end or 'the end'}; the data runs from {series.first_date} to {series.last_date}."
        )
    return PriceSeries(series.asset, frame, series.provenance)


@app.command("status")
def status(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Show the data source, the data directory and what the cache holds."""
    from assistant.cli.output import emit_json

    settings = ctx.obj
    source = settings.source()
    info: dict = {
        "source": source.name,
        "home": str(settings.home),
        "as_of": settings.as_of.isoformat() if settings.as_of else None,
        "cache": [],
        "csv": [],
    }
    yahoo = (
        source.yahoo
        if isinstance(source, AutoSource)
        else source
        if isinstance(source, YahooSource)
        else None
    )
    if yahoo is None:
        yahoo = YahooSource(settings.home)
    for entry in yahoo.cache.entries():
        info["cache"].append(
            {
                "symbol": entry.symbol,
                "rows": len(entry.frame),
                "first_date": entry.frame.index[0].date().isoformat() if len(entry.frame) else None,
                "last_date": entry.frame.index[-1].date().isoformat() if len(entry.frame) else None,
                "fetched_at": entry.fetched_at.isoformat(timespec="seconds"),
                "age_hours": round(entry.age_hours, 2),
            }
        )
    info["damaged"] = [{"file": str(p), "reason": r} for p, r in yahoo.cache.problems()]
    if isinstance(source, CsvSource):
        info["csv"] = [{"asset": k, "file": str(p)} for k, p in source.files().items()]
    if as_json:
        emit_json(info)
        return
    typer.echo(
        f"Source     {info['source']}"
        + ("  (synthetic demo data, not real prices)" if isinstance(source, DemoSource) else "")
    )
    typer.echo(f"Data dir   {info['home']}")
    typer.echo(f"As of      {info['as_of'] or 'latest'}")
    if info["csv"]:
        typer.echo("CSV files:")
        for row in info["csv"]:
            typer.echo(f"  {row['asset']:<10} {row['file']}")
    if info["cache"]:
        typer.echo("Cache (Yahoo Finance):")
        for row in info["cache"]:
            typer.echo(
                f"  {row['symbol']:<10} {row['rows']:>6,} bars  {row['first_date']} .."
                f" {row['last_date']}  fetched {row['age_hours']:.1f} h ago"
            )
    _echo_empty_or_damaged(bool(info["cache"]), info["damaged"])


def _echo_empty_or_damaged(cached: bool, damaged: list[dict]) -> None:
    """'Cache empty' only when there is no cache file at all; damaged files by name."""
    if not cached and not damaged:
        typer.echo("Cache      empty (run 'market-assistant data refresh' with network access)")
    if damaged:
        typer.echo("Damaged cache files (fetched again by 'market-assistant data refresh'):")
        for row in damaged:
            typer.echo(f"  {row['reason']}")


@app.command("refresh")
def refresh(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Assets to refresh (default: all).")
    ] = None,
) -> None:
    """Fetch the latest bars from Yahoo Finance into the cache (only the missing tail)."""
    settings = ctx.obj
    source = settings.source()
    if isinstance(source, (DemoSource, CsvSource)):
        typer.echo(
            f"Nothing to refresh: the {source.name} source reads its data directly. "
            "Use --data yfinance (or auto) to fetch from Yahoo Finance."
        )
        return
    live = source.yahoo if isinstance(source, AutoSource) else source
    targets = (
        [assets.resolve(n, allow_ticker=True) for n in names] if names else list(assets.ASSETS)
    )
    failures: list[str] = []
    with typer.progressbar(
        targets, label="Refreshing", show_pos=True, item_show_func=lambda a: a.key if a else ""
    ) as bar:
        for asset in bar:
            try:
                series = live.history(asset, refresh=True)
            except InputError as exc:
                failures.append(f"{asset.key}: {exc}")
                continue
            if series.provenance.stale:
                failures.append(f"{asset.key}: {series.provenance.notice}")
    ok = len(targets) - len(failures)
    typer.echo(f"Refreshed {ok} of {len(targets)} assets.")
    for line in failures:
        typer.echo(f"  failed  {line}", err=True)
    if failures:
        raise typer.Exit(1)
