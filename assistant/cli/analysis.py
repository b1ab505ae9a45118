"""``market-assistant price | compare | breakouts | lag``: the analysis tools on the command line.

Module-level imports stay light (typer only) so the CLI starts fast; pandas and the tools are
imported inside each command.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tools import formatting as fmt

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")]


def register(app: typer.Typer) -> None:
    """Add the analysis commands to the ``market-assistant`` app."""
    app.command("price")(price)
    app.command("compare")(compare)
    app.command("breakouts")(breakouts)
    app.command("lag")(lag)


def _emit(result, as_json: bool) -> bool:
    """Print JSON and return True when asked; the caller prints the human form otherwise."""
    if as_json:
        from assistant.cli.output import emit_json

        emit_json(result.to_dict())
    return as_json


def _source(provenance) -> None:
    items = provenance if isinstance(provenance, list) else [provenance]
    for p in items:
        typer.echo(f"  source    {p.label()}")
        if p.notice:
            typer.echo(f"  notice    {p.notice}")


def price(
    ctx: typer.Context,
    asset: str,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="The close on this date (YYYY-MM-DD): the last bar on or before it."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Last close, changes (1d 1w 1m 3m ytd 1y), all-time and 52-week highs and lows."""
    from tools.data import parse_date
    from tools.prices import HORIZONS, close_on, price_lookup

    series = ctx.obj.market().series(asset)
    day = parse_date(on, "date for --on")
    if day is not None:
        hit = close_on(series, day)
        if not _emit(hit, as_json):
            typer.echo(hit.summary())
        return
    r = price_lookup(series)
    if _emit(r, as_json):
        return
    typer.echo(f"{r.name} ({r.symbol}), {r.unit}: {fmt.price(r.close)} on {r.as_of}")
    typer.echo("  change    " + "  ".join(f"{w} {fmt.pct(r.change_pct[w])}" for w in HORIZONS))
    typer.echo(
        f"  ATH       {fmt.price(r.all_time_high.close)} on {r.all_time_high.date} (close), "
        f"{fmt.pct(r.drawdown_from_ath_pct)} from it"
    )
    if r.intraday_high is not None:
        typer.echo(
            f"  intraday  {fmt.price(r.intraday_high.high)} on {r.intraday_high.date} (highest"
            " high)"
        )
    typer.echo(
        f"  52 weeks  low {fmt.price(r.low_52w.close)} on {r.low_52w.date}, "
        f"high {fmt.price(r.high_52w.close)} on {r.high_52w.date}"
    )
    _source(r.provenance)


def compare(
    ctx: typer.Context,
    assets: Annotated[list[str], typer.Argument(help="Two or more assets, e.g. silver gold btc.")],
    as_json: JsonOpt = False,
) -> None:
    """Relative performance over the same windows; with two assets, also their ratio."""
    from tools.prices import HORIZONS
    from tools.relative import compare as run_compare

    market = ctx.obj.market()
    r = run_compare([market.series(a) for a in assets])
    if _emit(r, as_json):
        return
    typer.echo(f"Performance to {r.as_of}")
    typer.echo(f"  {'asset':<18} {'close':>14} " + " ".join(f"{w:>8}" for w in HORIZONS))
    for row in r.rows:
        typer.echo(
            f"  {row.name:<18} {fmt.price(row.close):>14} "
            + " ".join(f"{fmt.pct(row.change_pct[w]):>8}" for w in HORIZONS)
        )
    typer.echo("  best      " + "  ".join(f"{w} {r.best[w] or 'n/a'}" for w in HORIZONS))
    if r.ratio is not None:
        typer.echo(f"  ratio     {r.ratio.summary().split(' Source:')[0]}")
    _source(r.provenance)


def breakouts(
    ctx: typer.Context,
    asset: str,
    window: Annotated[
        int | None,
        typer.Option(
            "--window",
            help="Records over the prior N bars (252 is about a year); omit for all-time records.",
        ),
    ] = None,
    min_gap: Annotated[
        int, typer.Option("--min-gap", help="Bars without a record that separate episodes.")
    ] = 20,
    vs: Annotated[
        str | None,
        typer.Option(
            "--vs", help="Breakouts of the ratio ASSET/OTHER (ASSET outperforming OTHER)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Breakout episodes (runs of record closes) and whether the asset is breaking out now."""
    from tools.breakouts import find_breakouts, ratio_breakouts

    market = ctx.obj.market()
    series = market.series(asset)
    if vs:
        r = ratio_breakouts(series, market.series(vs), window=window, min_gap=min_gap)
    else:
        r = find_breakouts(series, window=window, min_gap=min_gap)
    if _emit(r, as_json):
        return
    kind = "all-time" if r.window is None else f"{r.window}-bar"
    typer.echo(
        f"{r.name}: {len(r.episodes)} {kind} breakout episodes to {r.as_of} (min gap {r.min_gap}"
        " bars)"
    )
    typer.echo(
        f"  {'start':<10} {'close':>12} {'broke':>12} {'set on':<10} {'peak':>12} {'peak date':<10}"
        f" {'records':>7}"
    )
    for ep in r.episodes:
        typer.echo(
            f"  {ep.start!s:<10} {fmt.price(ep.start_close):>12} {fmt.price(ep.prior_record):>12}"
            f" {ep.prior_record_date!s:<10} {fmt.price(ep.peak):>12} {ep.peak_date!s:<10}"
            f" {ep.record_closes:>7}"
        )
    typer.echo(f"  now       {r.verdict}")
    _source(r.provenance)


FreqOpt = Annotated[str, typer.Option("--freq", help="daily, weekly or monthly.")]
MaxLagOpt = Annotated[
    int | None,
    typer.Option(
        "--max-lag", help="Largest lag K in periods (default 130 daily, 26 weekly, 12 monthly)."
    ),
]
StartOpt = Annotated[str | None, typer.Option("--start", help="First date, YYYY-MM-DD.")]
EndOpt = Annotated[str | None, typer.Option("--end", help="Last date, YYYY-MM-DD.")]
EventsOpt = Annotated[
    bool,
    typer.Option(
        "--events",
        help="Add an event study: the follower after the leader's 52-week-high breakouts.",
    ),
]
PermutationsOpt = Annotated[
    int,
    typer.Option(
        "--permutations", help="Block permutations for the adjusted p-value (0: Bonferroni)."
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed.")]
GrangerOpt = Annotated[
    bool, typer.Option("--granger", help="Add a Granger F test at the best lag.")
]


def lag(
    ctx: typer.Context,
    leader: str,
    follower: str,
    freq: FreqOpt = "weekly",
    max_lag: MaxLagOpt = None,
    start: StartOpt = None,
    end: EndOpt = None,
    events: EventsOpt = False,
    permutations: PermutationsOpt = 1000,
    seed: SeedOpt = 0,
    granger: GrangerOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Does FOLLOWER follow LEADER? Lagged correlations of log returns with an honest p-value."""
    from tools.data import parse_date
    from tools.leadlag import lead_lag

    market = ctx.obj.market()
    r = lead_lag(
        market.series(leader),
        market.series(follower),
        freq=freq.strip().lower(),
        max_lag=max_lag,
        start=parse_date(start, "start date"),
        end=parse_date(end, "end date"),
        permutations=permutations,
        seed=seed,
        granger=granger,
        events=events,
    )
    if not _emit(r, as_json):
        _print_lag(r)


def _print_lag(r) -> None:
    """The lead/lag result for people: the top lags, the best one, stability and the verdict."""
    b = r.best_lag
    typer.echo(
        f"{r.leader_name} -> {r.follower_name}: {r.freq} log returns {r.start} to {r.end},"
        f" n={r.n_obs}"
    )
    top = sorted(r.lags, key=lambda c: -abs(c.corr or 0))[:5]
    typer.echo(
        f"  {'lag':>5} {'corr':>7} {'pairs':>6} {'p-value':>8}   (top 5 by |corr| of {len(r.lags)}"
        " lags)"
    )
    for c in top:
        typer.echo(f"  {c.lag:>+5d} {fmt.corr(c.corr):>7} {c.n:>6d} {fmt.pvalue(c.p_value):>8}")
    typer.echo(
        f"  best      {b.lag:+d} {r.lag_unit}s, corr {fmt.corr(b.corr)}, adjusted p"
        f" {fmt.pvalue(b.p_value_adjusted)} ({r.adjustment}), significant:"
        f" {'yes' if b.significant else 'no'}"
    )
    typer.echo(
        "  thirds    " + ", ".join(f"{s.start}..{s.end}: " + fmt.corr(s.corr) for s in r.stability)
    )
    if r.granger is not None:
        typer.echo(
            f"  granger   F={r.granger.f_stat:.2f} at {r.granger.lag} lags,"
            f" p={fmt.pvalue(r.granger.p_value)}"
        )
    typer.echo(f"  verdict   {r.verdict}")
    if r.event_study is not None:
        es = r.event_study
        typer.echo(f"  events    {len(es.events)} breakouts of {es.leader_name}; {es.verdict}")
        for h in es.horizons:
            typer.echo(
                f"    {h.horizon_weeks:>3}w  mean {fmt.pct(h.mean_pct)} vs"
                f" {fmt.pct(h.baseline_mean_pct)}  n={h.count}  p={fmt.pvalue(h.p_value)}"
            )
    _source(r.provenance)
