"""The offline analyst's answer templates. Every figure is formatted from a typed tool result."""

from __future__ import annotations

from assistant import registry
from assistant.offline import reading as it
from tools import formatting as f
from tools.breakouts import BreakoutResult
from tools.leadlag import LeadLagResult
from tools.prices import HORIZONS, CloseOn, LevelCross, PriceLookup
from tools.relative import Comparison

WINDOW_LABEL = {
    "1d": "1 day",
    "1w": "1 week",
    "1m": "1 month",
    "3m": "3 months",
    "ytd": "the year to date",
    "1y": "1 year",
}
SIGNATURE = "_Offline analyst: rule-based templates over tool results, not a language model._"
EXAMPLES = (
    '"Is silver breaking out?"',
    '"Does bitcoin follow silver with a lag?"',
    '"Why is silver rising?"',
    '"How much is gold?"',
    '"Has silver outperformed gold over the last three months?"',
    '"Write a market briefing"',
)


def decline(intent: it.Intent | None) -> str:
    if intent is not None and intent.kinds and not intent.assets:
        ask = {
            it.LEADLAG: 'Name two assets, e.g. "Does bitcoin follow silver?"',
            it.COMPARE: 'Name two assets, e.g. "Has silver outperformed gold?"',
        }.get(
            intent.primary,
            "Which asset do you mean? For example gold, silver, bitcoin, ethereum, sp500, "
            "nasdaq, dxy, copper, crude, platinum or us10y.",
        )
        return f"I need a bit more to answer that. {ask}\n\n{SIGNATURE}"
    return (
        "I am the offline analyst, a rule-based assistant (not a language model), and I could not"
        " map that question to my tools. I can look up prices and changes, find breakouts and"
        " all-time highs, compare assets, test whether one asset leads another, and quote"
        f" commentary on why markets move. Try: {', '.join(EXAMPLES)}.\n\n{SIGNATURE}"
    )


def answer(intent: it.Intent, question: str, results: list) -> str:
    """Compose the answer from the ToolMessages of this turn (their typed results)."""
    read = [(registry.read(m.artifact), m.text) for m in results]
    errors = [text for r, text in read if r is None or isinstance(r, registry.ToolFailure)]
    ok = [r for r, _ in read if r is not None and not isinstance(r, registry.ToolFailure)]
    if not ok:
        return "I could not answer that: " + " ".join(errors) + f"\n\n{SIGNATURE}"
    parts: list[str] = []
    if intent.advice:
        parts.append(
            "I don't give investment advice (no buy, sell or hold calls); here is what the data"
            " shows."
        )
    parts.extend(r.markdown for r in _of(ok, registry.BriefingDigest))
    parts.extend(level_section(r) for r in _of(ok, LevelCross))
    parts.extend(leadlag_section(r) for r in _of(ok, LeadLagResult))
    parts.extend(breakout_section(r) for r in _of(ok, BreakoutResult))
    parts.extend(compare_section(r, intent.horizon or "3m") for r in _of(ok, Comparison))
    parts.extend(close_on_section(r) for r in _of(ok, CloseOn))
    prices = _of(ok, PriceLookup)
    if prices and intent.primary == it.BRIEFING and not _of(ok, registry.BriefingDigest):
        parts.append(price_table(prices))
    else:
        brief = intent.primary in (it.BREAKOUT, it.WHY)
        parts.extend(price_section(r, intent.horizon, brief=brief) for r in prices)
    parts.extend(commentary_section(r) for r in _of(ok, registry.Commentary))
    if errors:
        parts.append("Some lookups failed: " + " ".join(errors))
    parts.append(footer(ok))
    return "\n\n".join(p for p in parts if p)


def _of(results: list, kind: type) -> list:
    return [r for r in results if isinstance(r, kind)]


def close_on_section(r: CloseOn) -> str:
    when = f"on {r.date}" if r.exact else f"on {r.date} (the last bar on or before {r.requested})"
    return f"**{r.name}** closed at **{f.price(r.close)}** {when}."


def price_section(r: PriceLookup, horizon: str | None, brief: bool = False) -> str:
    lines = [f"**{r.name}** ({r.symbol}) closed at **{f.price(r.close)} {r.unit}** on {r.as_of}."]
    change = r.change_pct.get(horizon) if horizon else None
    if change is not None:
        ref = r.change_from.get(horizon)
        direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
        since = f", from {f.price(ref.close)} on {ref.date}" if ref else ""
        lines.append(
            f"Over {WINDOW_LABEL.get(horizon, horizon)} it is {direction} "
            f"{f.pct(abs(change), signed=False)}{since}."
        )
    else:
        shown = [
            f"{w} {f.pct(r.change_pct[w])}" for w in HORIZONS if r.change_pct.get(w) is not None
        ]
        if shown:
            lines.append("Changes: " + ", ".join(shown) + ".")
    dd = r.drawdown_from_ath_pct
    if abs(dd) < 1e-12:
        lines.append("That close is its all-time closing high.")
    else:
        lines.append(
            f"All-time closing high: {f.price(r.all_time_high.close)} on {r.all_time_high.date} "
            f"({f.pct(dd)} from it)."
        )
    if not brief:
        lo, hi = r.low_52w, r.high_52w
        lines.append(
            f"52-week range: {f.price(lo.close)} ({lo.date}) to {f.price(hi.close)} ({hi.date})."
        )
    return " ".join(lines)


def price_table(prices: list[PriceLookup]) -> str:
    rows = [
        "| asset | close | date | 1d | 1w | 1m | ytd | from ATH |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in prices:
        c = r.change_pct
        rows.append(
            f"| {r.name} | {f.price(r.close)} | {r.as_of} | {f.pct(c.get('1d'))} |"
            f" {f.pct(c.get('1w'))} | {f.pct(c.get('1m'))} | {f.pct(c.get('ytd'))} |"
            f" {f.pct(r.drawdown_from_ath_pct)} |"
        )
    return "**Market snapshot**\n\n" + "\n".join(rows)


def level_section(r: LevelCross) -> str:
    prior = r.prior_high
    if r.date:
        before = (
            f" The highest close before that was {f.price(prior.close)} on {prior.date}."
            if prior
            else ""
        )
        return (
            f"**{r.name}** first closed at or above {f.price(r.level)} on {r.date}, at "
            f"{f.price(r.close)}.{before}"
        )
    best = f" Its highest close is {f.price(prior.close)} on {prior.date}." if prior else ""
    return f"**{r.name}** has not closed at or above {f.price(r.level)} in this data.{best}"


def breakout_section(r: BreakoutResult) -> str:
    kind = "all-time" if r.window is None else f"{r.window}-bar"
    lines = [f"**{r.name} breakouts ({kind} closing records).** {r.verdict}".strip()]
    if r.episodes:
        e = r.episodes[-1]
        lines.append(
            f"Latest episode: from {e.start} (first record close {f.price(e.start_close)}, breaking"
            f" {f.price(e.prior_record)} from {e.prior_record_date}), peak {f.price(e.peak)} on"
            f" {e.peak_date}, {f.count(e.record_closes)} record closes."
        )
    if not r.breaking_out:
        lines.append(f"A new record needs a close above {f.price(r.record_to_beat)}.")
    return " ".join(lines)


def compare_section(r: Comparison, horizon: str) -> str:
    label = WINDOW_LABEL.get(horizon, horizon)
    parts = [
        f"{row.name} {f.pct(row.change_pct.get(horizon))} (close {f.price(row.close)} on"
        f" {row.date})"
        for row in r.rows
    ]
    lines = [f"**Performance over {label}** to {r.as_of}: " + "; ".join(parts) + "."]
    best = r.best.get(horizon)
    names = {row.asset: row.name for row in r.rows}
    if best and len(r.rows) > 2:
        lines.append(f"Best over {label}: {names.get(best, best)}.")
    elif best and len(r.rows) == 2:
        first, second = r.rows
        c1, c2 = first.change_pct.get(horizon), second.change_pct.get(horizon)
        if c1 is not None and c2 is not None:
            verb = "outperformed" if c1 > c2 else "underperformed" if c1 < c2 else "matched"
            lines.append(
                f"So {first.name} {verb} {second.name} over {label}; best: {names.get(best, best)}."
            )
    ratio = r.ratio
    if ratio:
        rc = ratio.change_pct.get(horizon)
        lines.append(
            f"The {ratio.name} ratio is {f.num(ratio.ratio, 4)}"
            + (f", {f.pct(rc)} over {label}" if rc is not None else "")
            + f"; {f.num(ratio.percentile, 1)}% of its history since {ratio.first_date} "
            "was at or below this level."
        )
    return " ".join(lines)


def leadlag_section(r: LeadLagResult) -> str:
    best = r.best_lag
    unit = r.lag_unit
    lines = [f"**Does {r.follower_name} follow {r.leader_name}?** {r.verdict}".strip()]
    lag = best.lag
    lines.append(
        f"Best lag: {lag} {unit}{'s' if abs(lag) != 1 else ''} "
        f"({'leader first' if lag > 0 else 'follower first' if lag < 0 else 'same period'}), "
        f"correlation {f.corr(best.corr)}, p-value {f.pvalue(best.p_value)}, "
        f"adjusted for the lags searched {f.pvalue(best.p_value_adjusted)}; "
        f"{f.count(r.n_obs)} {r.freq} returns."
    )
    lines.append(
        "Significant."
        if best.significant
        else "Not significant: the data does not support a reliable lead/lag here."
    )
    if r.event_study is not None:
        lines.append(f"Event study: {r.event_study.verdict}")
    return " ".join(lines)


def commentary_section(r: registry.Commentary) -> str:
    if not r.passages:
        return "I found no commentary on this in the knowledge base."
    out = ["**What the commentary says** (quoted; the authors' views, not findings from the data):"]
    for p in r.passages[:3]:
        text = _trim(p.text, 600)
        out.append(f"> {text}\n>\n> — {citation(p.to_dict())}")
    return "\n\n".join(out)


def citation(p: dict) -> str:
    """*Title*, source, date: the source is left out when it only repeats the title."""
    title, source = p.get("title") or "untitled", p.get("source") or ""
    parts = [f"*{title}*"] + ([source] if source and not source.startswith(title) else [])
    if source.startswith(title) and source != title:
        parts = [f"*{title}*{source[len(title) :]}"]
    return ", ".join(parts + [str(p.get("published") or "undated")])


def _trim(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = max(cut.rfind(". "), cut.rfind("; "))
    return cut[: stop + 1] if stop > limit // 2 else cut.rstrip() + "…"


def footer(results: list) -> str:
    labels: list[str] = []
    notices: list[str] = []
    synthetic = False
    for r in results:
        provs = getattr(r, "provenance", None)
        for p in provs if isinstance(provs, list) else [provs] if provs is not None else []:
            label = p.label()
            if label and label not in labels:
                labels.append(label)
            # The plain demo notice only repeats the warning line; a fallback notice says why.
            if (
                p.notice
                and p.notice not in notices
                and not p.notice.startswith("These are synthetic demo prices")
            ):
                notices.append(p.notice)
            synthetic |= bool(p.synthetic)
        synthetic |= bool(getattr(r, "synthetic", False))
    lines = []
    if synthetic:
        lines.append("**Warning: computed on synthetic demo data, not real prices.**")
    if labels:
        lines.append("Data: " + "; ".join(labels) + ".")
    lines.extend(notices)
    lines.append(SIGNATURE)
    return "\n\n".join(lines)
