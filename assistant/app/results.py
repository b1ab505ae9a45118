"""A tool's full result for a person: rounded figures in tables, from the typed result.

The app shows these under each tool call; the raw artifact stays available behind a toggle.
What the model read (the tool's summary, and for commentary the quoted, delimited block meant
for a model) is never shown. Figures go through the one formatter (:mod:`tools.formatting`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import registry
from assistant.app import typed
from assistant.app.citations import origin_word
from tools import formatting as fmt

HORIZON_LABELS = {"1d": "1 day", "1w": "1 week", "1m": "1 month", "3m": "3 months"}
HORIZON_LABELS |= {"ytd": "Year to date", "1y": "1 year"}
MAX_ROWS = 12  # longer lists (breakout episodes, lags) show their most recent or best rows


@dataclass(frozen=True)
class Table:
    """A small table of text cells; ``caption`` says what it holds when that is not obvious."""

    header: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)
    caption: str = ""

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]


def facts(pairs: list[tuple[str, str]], caption: str = "") -> Table:
    return Table(("Figure", "Value"), [(k, v) for k, v in pairs if v], caption)


def tables(artifact: dict | None) -> list[Table]:
    """The tables for one tool artifact ([] when there is nothing to show)."""
    result = typed.read(artifact)
    for kind, build in BUILDERS:
        if isinstance(result, kind):
            return build(result)
    if isinstance(artifact, dict):
        return _generic(artifact)
    return []


def _price(r) -> list[Table]:
    unit = f" {r.unit}" if r.unit else ""
    rows = [
        (f"Last close ({r.as_of})", fmt.price(r.close) + unit),
        *((HORIZON_LABELS.get(h, h), fmt.pct(v)) for h, v in r.change_pct.items()),
        ("All-time closing high", f"{fmt.price(r.all_time_high.close)} on {r.all_time_high.date}"),
        ("From the all-time high", fmt.pct(r.drawdown_from_ath_pct)),
        (
            "52-week range",
            f"{fmt.price(r.low_52w.close)} ({r.low_52w.date}) to "
            f"{fmt.price(r.high_52w.close)} ({r.high_52w.date})",
        ),
        ("History", f"{r.first_date} to {r.as_of}, {fmt.count(r.bars)} daily closes"),
    ]
    return [facts(rows)]


def _close_on(r) -> list[Table]:
    note = "" if r.exact else f" (no close on {r.requested}; the last one before it)"
    return [facts([(f"Close on {r.date}", fmt.price(r.close) + note)])]


def _level(r) -> list[Table]:
    rows = [("Level", fmt.price(r.level))]
    if r.date is None:
        rows.append(("First close at or above it", "never"))
    else:
        rows.append(("First close at or above it", f"{fmt.price(r.close)} on {r.date}"))
    if r.prior_high is not None:
        rows.append(
            ("Highest close before it", f"{fmt.price(r.prior_high.close)} on {r.prior_high.date}")
        )
    return [facts(rows)]


def _breakouts(r) -> list[Table]:
    last = r.last_record
    rows = [
        ("Breaking out now", "yes" if r.breaking_out else "no"),
        ("Last close", fmt.price(r.close)),
        ("Last record close", f"{fmt.price(last.close)} on {last.date}" if last else "none"),
        ("Bars since that record", fmt.count(r.bars_since_last_record)),
        ("From that record", fmt.pct(r.distance_from_record_pct)),
        ("A new record needs a close above", fmt.price(r.record_to_beat)),
        ("Breakout episodes", fmt.count(len(r.episodes))),
    ]
    kind = f"{r.window}-day highs" if r.window else "all-time closing records"
    out = [facts(rows, f"{r.name}: {kind}")]
    if r.episodes:
        shown = r.episodes[-MAX_ROWS:]
        out.append(
            Table(
                ("Start", "First record", "Broke", "Peak", "Record closes"),
                [
                    (
                        str(e.start),
                        fmt.price(e.start_close),
                        f"{fmt.price(e.prior_record)} ({e.prior_record_date})",
                        f"{fmt.price(e.peak)} ({e.peak_date})",
                        fmt.count(e.record_closes),
                    )
                    for e in reversed(shown)
                ],
                f"The {len(shown)} most recent episodes" if len(r.episodes) > len(shown) else "",
            )
        )
    return out


def _leadlag(r) -> list[Table]:
    b, unit = r.best_lag, r.lag_unit
    rows = [
        ("Question", f"Does {r.follower_name} follow {r.leader_name}? ({r.freq} returns)"),
        ("Period", f"{r.start} to {r.end}, {fmt.count(r.n_obs)} returns"),
        ("Best lag", f"{b.lag:+d} {unit}{'s' if abs(b.lag) != 1 else ''}"),
        ("Correlation at that lag", fmt.corr(b.corr)),
        ("p-value, that lag alone", fmt.pvalue(b.p_value)),
        ("p-value, adjusted for all lags", fmt.pvalue(b.p_value_adjusted)),
        ("Significant (adjusted p < 0.05)", "yes" if b.significant else "no"),
        ("Sub-period correlations", ", ".join(fmt.corr(s.corr) for s in r.stability)),
    ]
    if r.granger is not None:
        rows.append((f"Granger test, {r.granger.lag} lags", f"p {fmt.pvalue(r.granger.p_value)}"))
    return [facts(rows, r.verdict)]


def _comparison(r) -> list[Table]:
    horizons = list(r.rows[0].change_pct) if r.rows else []
    perf = Table(
        ("Asset", "Close", *(h.upper() if h != "ytd" else "YTD" for h in horizons)),
        [
            (row.name, fmt.price(row.close), *(fmt.pct(row.change_pct[h]) for h in horizons))
            for row in r.rows
        ],
        f"Changes to {r.as_of}",
    )
    out = [perf]
    if r.ratio is not None:
        q = r.ratio
        out.append(
            facts(
                [
                    (f"{q.name} ratio ({q.as_of})", fmt.price(q.ratio)),
                    ("Percentile in its history", f"{fmt.num(q.percentile, 0)}th"),
                    ("Highest", f"{fmt.price(q.high.close)} on {q.high.date}"),
                    ("Lowest", f"{fmt.price(q.low.close)} on {q.low.date}"),
                ]
            )
        )
    return out


def _commentary(r) -> list[Table]:
    """One row per document found (its passages counted), with where it comes from."""
    found: dict[tuple, list] = {}
    for p in r.passages:
        key = (p.doc_id or p.title, p.title or "Untitled")
        found.setdefault(key, []).append(p)
    rows = [
        (
            title,
            origin_word(ps[0].kind, ps[0].origin == "user"),
            ps[0].published or "undated",
            fmt.count(len(ps)),
        )
        for (_, title), ps in found.items()
    ]
    header = ("Title", "Origin", "Published", "Passages")
    return [Table(header, rows, f"Documents found for “{r.query}”")]


def _briefing(r) -> list[Table]:
    rows = [("As of", r.as_of), ("Assets", ", ".join(r.assets))]
    if r.synthetic:
        rows.append(("Data", "synthetic demo data"))
    return [facts(rows)]


def _failure(r) -> list[Table]:
    rows = [("Problem", r.error)]
    if r.options:
        rows.append(("Valid options", ", ".join(r.options[:12])))
    return [facts(rows)]


def _period(r) -> list[Table]:
    """A calendar-period change (the period tool, where it exists)."""
    rows = [
        (f"Change over {r.label}" + (" so far" if r.so_far else ""), fmt.pct(r.change_pct)),
        ("From", f"{fmt.price(r.base.close)} on {r.base.date}"),
        ("To", f"{fmt.price(r.last.close)} on {r.last.date}"),
        ("Highest close", f"{fmt.price(r.high.close)} on {r.high.date}"),
        ("Lowest close", f"{fmt.price(r.low.close)} on {r.low.date}"),
        ("Trading days", fmt.count(r.trading_days)),
    ]
    return [facts(rows, r.name)]


def _claims(r) -> list[Table]:
    """A claim check (where it exists): each claim with its verdict and reason."""
    rows = [(c.claim.quote, str(c.verdict), c.reason) for c in r.checks]
    return [Table(("Claim", "Verdict", "Why"), rows, r.tally())]


def _generic(artifact: dict) -> list[Table]:
    """Any other result (a tool this module does not know): its plain top-level values."""
    rows = []
    for key, value in artifact.items():
        if key in ("kind", "provenance") or isinstance(value, (dict, list)):
            continue
        shown = fmt.num(value) if isinstance(value, float) else str(value)
        rows.append((key.replace("_", " ").capitalize(), shown))
    return [facts(rows)] if rows else []


BUILDERS = (
    (registry.RESULT_TYPES[registry.Kind.PRICE], _price),
    (registry.RESULT_TYPES[registry.Kind.CLOSE_ON], _close_on),
    (registry.RESULT_TYPES[registry.Kind.LEVEL], _level),
    (registry.RESULT_TYPES[registry.Kind.BREAKOUTS], _breakouts),
    (registry.RESULT_TYPES[registry.Kind.LEADLAG], _leadlag),
    (registry.RESULT_TYPES[registry.Kind.COMPARE], _comparison),
    (registry.Commentary, _commentary),
    (registry.BriefingDigest, _briefing),
    (registry.ToolFailure, _failure),
)
# Results of tools that other parts of the project add; used where their kinds exist.
BUILDERS += tuple(
    (registry.RESULT_TYPES[getattr(registry.Kind, name)], build)
    for name, build in (("PERIOD", _period), ("CLAIMS", _claims))
    if getattr(registry.Kind, name, None) in registry.RESULT_TYPES
)
