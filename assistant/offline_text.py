"""The offline analyst's answer templates. Every figure is formatted from a tool artifact."""

from __future__ import annotations

from assistant import formatting as f
from assistant import intent as it

WINDOW_LABEL = {"1d": "1 day", "1w": "1 week", "1m": "1 month", "3m": "3 months", "ytd": "the year to date",
                "1y": "1 year"}
SIGNATURE = "_Offline analyst: rule-based templates over tool results, not a language model._"
EXAMPLES = ("\"Is silver breaking out?\"", "\"Does bitcoin follow silver with a lag?\"",
            "\"Why is silver rising?\"", "\"How much is gold?\"",
            "\"Has silver outperformed gold over the last three months?\"", "\"Write a market briefing\"")


def decline(intent: it.Intent | None) -> str:
    if intent is not None and intent.kinds and not intent.assets:
        ask = {it.LEADLAG: "Name two assets, e.g. \"Does bitcoin follow silver?\"",
               it.COMPARE: "Name two assets, e.g. \"Has silver outperformed gold?\""}.get(
            intent.primary, "Which asset do you mean? For example gold, silver, bitcoin, ethereum, sp500, "
                            "nasdaq, dxy, copper, crude, platinum or us10y.")
        return f"I need a bit more to answer that. {ask}\n\n{SIGNATURE}"
    return ("I am the offline analyst, a rule-based assistant (not a language model), and I could not map "
            "that question to my tools. I can look up prices and changes, find breakouts and all-time highs, "
            "compare assets, test whether one asset leads another, and quote commentary on why markets move. "
            f"Try: {', '.join(EXAMPLES)}.\n\n{SIGNATURE}")


def answer(intent: it.Intent, question: str, results: list) -> str:
    """Compose the answer from the ToolMessages of this turn."""
    arts = [(m.name, m.artifact if isinstance(m.artifact, dict) else {}, m.text) for m in results]
    parts: list[str] = []
    errors = [text for _, a, text in arts if a.get("error") or not a]
    ok = [(name, a) for name, a, _ in arts if a and not a.get("error")]
    if not ok:
        return "I could not answer that: " + " ".join(errors) + f"\n\n{SIGNATURE}"
    by_kind: dict[str, list[dict]] = {}
    for _, a in ok:
        by_kind.setdefault(a.get("kind", ""), []).append(a)
    if intent.advice:
        parts.append("I don't give investment advice (no buy, sell or hold calls); here is what the data shows.")
    if "briefing" in by_kind:
        parts.append(by_kind["briefing"][0].get("markdown", ""))
    for a in by_kind.get("level", []):
        parts.append(level_section(a))
    for a in by_kind.get("leadlag", []):
        parts.append(leadlag_section(a))
    for a in by_kind.get("breakouts", []):
        parts.append(breakout_section(a))
    for a in by_kind.get("compare", []):
        parts.append(compare_section(a, intent.horizon or "3m"))
    prices = by_kind.get("price", [])
    if prices and intent.primary == it.BRIEFING and "briefing" not in by_kind:
        parts.append(price_table(prices))
    else:
        for a in prices:
            parts.append(price_section(a, intent.horizon, brief=intent.primary in (it.BREAKOUT, it.WHY)))
    for a in by_kind.get("commentary", []):
        parts.append(commentary_section(a))
    if errors:
        parts.append("Some lookups failed: " + " ".join(errors))
    parts.append(footer([a for _, a in ok]))
    return "\n\n".join(p for p in parts if p)


def _name(a: dict) -> str:
    return a.get("name") or a.get("asset") or "?"


def price_section(a: dict, horizon: str | None, brief: bool = False) -> str:
    close_on = a.get("close_on")
    if close_on:
        when = f"on {close_on['date']}" if close_on.get("exact") else \
            f"on {close_on['date']} (the last bar on or before {close_on['requested']})"
        return f"**{_name(a)}** closed at **{f.price(close_on['close'])}** {when}."
    unit = a.get("unit", "")
    lines = [f"**{_name(a)}** ({a.get('symbol')}) closed at **{f.price(a['close'])} {unit}** on {a['as_of']}."]
    changes = a.get("change_pct") or {}
    refs = a.get("change_from") or {}
    if horizon and changes.get(horizon) is not None:
        ref = refs.get(horizon) or {}
        direction = "up" if changes[horizon] > 0 else "down" if changes[horizon] < 0 else "unchanged"
        since = f", from {f.price(ref['close'])} on {ref['date']}" if ref else ""
        lines.append(f"Over {WINDOW_LABEL.get(horizon, horizon)} it is {direction} "
                     f"{f.pct(abs(changes[horizon]), signed=False)}{since}.")
    else:
        shown = [f"{w} {f.pct(changes[w])}" for w in ("1d", "1w", "1m", "3m", "ytd", "1y") if changes.get(w) is not None]
        if shown:
            lines.append("Changes: " + ", ".join(shown) + ".")
    ath = a.get("all_time_high") or {}
    if ath:
        dd = a.get("drawdown_from_ath_pct")
        if dd is not None and abs(dd) < 1e-12:
            lines.append("That close is its all-time closing high.")
        else:
            lines.append(f"All-time closing high: {f.price(ath['close'])} on {ath['date']} "
                         f"({f.pct(dd)} from it).")
    if not brief and a.get("high_52w") and a.get("low_52w"):
        lo, hi = a["low_52w"], a["high_52w"]
        lines.append(f"52-week range: {f.price(lo['close'])} ({lo['date']}) to {f.price(hi['close'])} ({hi['date']}).")
    return " ".join(lines)


def price_table(prices: list[dict]) -> str:
    rows = ["| asset | close | date | 1d | 1w | 1m | ytd | from ATH |", "|---|---:|---|---:|---:|---:|---:|---:|"]
    for a in prices:
        c = a.get("change_pct") or {}
        rows.append(f"| {_name(a)} | {f.price(a['close'])} | {a['as_of']} | {f.pct(c.get('1d'))} | {f.pct(c.get('1w'))} | "
                    f"{f.pct(c.get('1m'))} | {f.pct(c.get('ytd'))} | {f.pct(a.get('drawdown_from_ath_pct'))} |")
    return "**Market snapshot**\n\n" + "\n".join(rows)


def level_section(a: dict) -> str:
    prior = a.get("prior_high") or {}
    if a.get("date"):
        before = (f" The highest close before that was {f.price(prior['close'])} on {prior['date']}."
                  if prior else "")
        return (f"**{_name(a)}** first closed at or above {f.price(a['level'])} on {a['date']}, at "
                f"{f.price(a['close'])}.{before}")
    best = f" Its highest close is {f.price(prior['close'])} on {prior['date']}." if prior else ""
    return f"**{_name(a)}** has not closed at or above {f.price(a['level'])} in this data.{best}"


def breakout_section(a: dict) -> str:
    kind = "all-time" if a.get("window") is None else f"{a['window']}-bar"
    lines = [f"**{_name(a)} breakouts ({kind} closing records).** {a.get('verdict', '')}".strip()]
    episodes = a.get("episodes") or []
    if episodes:
        e = episodes[-1]
        lines.append(f"Latest episode: from {e['start']} (first record close {f.price(e['start_close'])}, breaking "
                     f"{f.price(e['prior_record'])} from {e['prior_record_date']}), peak {f.price(e['peak'])} on "
                     f"{e['peak_date']}, {f.count(e['record_closes'])} record closes.")
    if a.get("record_to_beat") is not None and not a.get("breaking_out"):
        lines.append(f"A new record needs a close above {f.price(a['record_to_beat'])}.")
    return " ".join(lines)


def compare_section(a: dict, horizon: str) -> str:
    rows = a.get("rows") or []
    label = WINDOW_LABEL.get(horizon, horizon)
    parts = [f"{r['name']} {f.pct((r.get('change_pct') or {}).get(horizon))} (close {f.price(r['close'])} on {r['date']})"
             for r in rows]
    lines = [f"**Performance over {label}** to {a['as_of']}: " + "; ".join(parts) + "."]
    best = (a.get("best") or {}).get(horizon)
    if best and len(rows) > 2:
        names = {r["asset"]: r["name"] for r in rows}
        lines.append(f"Best over {label}: {names.get(best, best)}.")
    elif best and len(rows) == 2:
        names = {r["asset"]: r["name"] for r in rows}
        first, second = rows[0], rows[1]
        c1 = (first.get("change_pct") or {}).get(horizon)
        c2 = (second.get("change_pct") or {}).get(horizon)
        if c1 is not None and c2 is not None:
            verb = "outperformed" if c1 > c2 else "underperformed" if c1 < c2 else "matched"
            lines.append(f"So {first['name']} {verb} {second['name']} over {label}; best: {names.get(best, best)}.")
    ratio = a.get("ratio")
    if ratio:
        rc = (ratio.get("change_pct") or {}).get(horizon)
        lines.append(f"The {ratio['name']} ratio is {f.num(ratio['ratio'], 4)}"
                     + (f", {f.pct(rc)} over {label}" if rc is not None else "")
                     + f"; {f.num(ratio['percentile'], 1)}% of its history since {ratio['first_date']} "
                     "was at or below this level.")
    return " ".join(lines)


def leadlag_section(a: dict) -> str:
    best = a.get("best_lag") or {}
    unit = {"daily": "day", "weekly": "week", "monthly": "month"}.get(a.get("freq", ""), "period")
    lines = [f"**Does {a.get('follower_name', a.get('follower'))} follow {a.get('leader_name', a.get('leader'))}?** "
             f"{a.get('verdict', '')}".strip()]
    if best:
        lag = best.get("lag", 0)
        lines.append(f"Best lag: {lag} {unit}{'s' if abs(lag) != 1 else ''} "
                     f"({'leader first' if lag > 0 else 'follower first' if lag < 0 else 'same period'}), "
                     f"correlation {f.num(best.get('corr'), 3)}, p-value {f.pvalue(best.get('p_value'))}, "
                     f"adjusted for the lags searched {f.pvalue(best.get('p_value_adjusted'))}; "
                     f"{f.count(a.get('n_obs'))} {a.get('freq')} returns.")
        lines.append("Significant." if best.get("significant") else
                     "Not significant: the data does not support a reliable lead/lag here.")
    events = a.get("event_study")
    if isinstance(events, dict) and events.get("verdict"):
        lines.append(f"Event study: {events['verdict']}")
    return " ".join(lines)


def commentary_section(a: dict) -> str:
    passages = a.get("passages") or []
    if not passages:
        return "I found no commentary on this in the knowledge base."
    out = ["**What the commentary says** (quoted; the authors' views, not findings from the data):"]
    for p in passages[:3]:
        text = _trim(p.get("text", ""), 600)
        out.append(f"> {text}\n>\n> — {citation(p)}")
    return "\n\n".join(out)


def citation(p: dict) -> str:
    """*Title*, source, date: the source is left out when it only repeats the title."""
    title, source = p.get("title") or "untitled", p.get("source") or ""
    parts = [f"*{title}*"] + ([source] if source and not source.startswith(title) else [])
    if source.startswith(title) and source != title:
        parts = [f"*{title}*{source[len(title):]}"]
    return ", ".join(parts + [str(p.get("published") or "undated")])


def _trim(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    stop = max(cut.rfind(". "), cut.rfind("; "))
    return (cut[: stop + 1] if stop > limit // 2 else cut.rstrip() + "…")


def footer(artifacts: list[dict]) -> str:
    labels: list[str] = []
    notices: list[str] = []
    synthetic = False
    for a in artifacts:
        provs = a.get("provenance")
        for p in provs if isinstance(provs, list) else [provs] if isinstance(provs, dict) else []:
            label = p.get("label")
            if label and label not in labels:
                labels.append(label)
            notice = p.get("notice")
            # The plain demo notice only repeats the warning line; a fallback notice says why.
            if notice and notice not in notices and not notice.startswith("These are synthetic demo prices"):
                notices.append(notice)
            synthetic |= bool(p.get("synthetic"))
    lines = []
    if synthetic:
        lines.append("**Warning: computed on synthetic demo data, not real prices.**")
    if labels:
        lines.append("Data: " + "; ".join(labels) + ".")
    lines.extend(notices)
    lines.append(SIGNATURE)
    return "\n\n".join(lines)
