"""The offline analyst's answers: verdict first, then the supporting figures, then the why with
numbered citations, then where the data came from. Every figure comes from a typed tool result.
"""

from __future__ import annotations

import datetime as dt
import re

from assistant import registry
from assistant.offline import cues, naming, premise, quotes, sections
from assistant.offline import wording as w
from assistant.offline.bank import (
    ADVICE,
    BREAKOUT,
    BRIEFING,
    CHANGE,
    COMPARE,
    DOCUMENT,
    FORECAST,
    LEADLAG,
    PRICE,
    WHY,
)
from assistant.offline.planning import Anchor, dates_of
from assistant.offline.question import Reading
from tools.breakouts import BreakoutResult
from tools.leadlag import LeadLagResult
from tools.periods import PeriodChange
from tools.prices import CloseOn, LevelCross, PriceLookup
from tools.relative import Comparison

SIGNATURE = "_Offline analyst: rule-based templates over tool results, not a language model._"
EXAMPLES = (
    '"Is silver breaking out?"',
    '"Does bitcoin follow silver with a lag?"',
    '"Why is silver rising?"',
    '"How much was gold last Friday?"',
    '"Which did better this year, gold or silver?"',
    '"What does the article say about bitcoin?"',
)
SUGGEST = {
    PRICE: "its price ('How much is {a}?')",
    CHANGE: "how it moved ('How has {a} done this year?')",
    BREAKOUT: "whether it is at a record ('Is {a} breaking out?')",
    WHY: "why it moved ('Why is {a} falling?')",
    COMPARE: "how it compares ('Has {a} outperformed {b}?')",
    LEADLAG: "whether it follows another asset ('Does {a} follow silver?')",
    FORECAST: "where it stands (I do not forecast)",
    DOCUMENT: "what the library says ('What do the notes say about {a}?')",
}
COMMENTARY_HEADING = (
    "**What the commentary says** (quoted; the authors' views, not findings from the data):"
)


def decline(r: Reading | None) -> str:
    """No tool to call: ask for what is missing, or say what the analyst can do."""
    if r is not None and r.when is not None and r.when.kind == "unclear" and r.when.named:
        return (
            f"I can't tell which date you mean by '{r.when.text}'. Give the date itself (the day,"
            " the month in words and the year) or a holiday I know, such as Christmas,"
            f" Thanksgiving or Easter, and I will look it up.\n\n{SIGNATURE}"
        )
    if r is not None and r.when is not None and r.when.kind == "unclear":
        options = " or ".join(_day_words(d) for d in r.when.options)
        which = f": {options}?" if options else " (which month and year?)."
        return (
            f"I can't tell which date you mean{which} Write the month as a word and I will look"
            f" it up.\n\n{SIGNATURE}"
        )
    if r is not None and r.unsure and r.guess is not None:
        a = _name(r.assets[0]) if r.assets else "gold"
        b = "silver" if a == "gold" else "gold"
        offers = [
            SUGGEST[k].format(a=a, b=b) for k in (r.guess.intent, r.guess.runner_up) if k in SUGGEST
        ]
        subject = f" about {a}" if r.assets else ""
        if offers:
            return (
                f"I am not sure what you want to know{subject}. Do you mean "
                f"{' or '.join(offers)}?\n\n{SIGNATURE}"
            )
    if r is not None and r.kinds and not r.assets:
        ask = {
            LEADLAG: 'Name two assets, e.g. "Does bitcoin follow silver?"',
            COMPARE: 'Name two assets, e.g. "Has silver outperformed gold?"',
        }.get(
            r.primary,
            "Which asset do you mean? For example gold, silver, bitcoin, ethereum, sp500, "
            "nasdaq, dxy, copper, crude, platinum or us10y.",
        )
        return f"I need a bit more to answer that. {ask}\n\n{SIGNATURE}"
    if r is not None and r.primary == LEADLAG:
        example = f'"Does {_name(r.assets[0])} follow silver?"'
        return f"I need a bit more to answer that. Name two assets, e.g. {example}\n\n{SIGNATURE}"
    return (
        "I am the offline analyst, a rule-based assistant (not a language model), and I could not"
        " map that question to my tools. I can look up prices on any date and changes over any"
        " period, find records and breakouts, compare assets, test whether one asset leads"
        f" another, and quote the commentary library. Try: {', '.join(EXAMPLES)}.\n\n{SIGNATURE}"
    )


_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "twenty-first twenty-second twenty-third twenty-fourth twenty-fifth twenty-sixth "
    "twenty-seventh twenty-eighth twenty-ninth thirtieth thirty-first"
).split()


def _day_words(iso: str) -> str:
    """ "2025-03-04" -> "the fourth of March": a reading of the user's own digits, in words,
    so it is not taken for a figure from the data."""
    import datetime as dt

    day = dt.date.fromisoformat(iso)
    return f"the {_ORDINALS[day.day - 1]} of {day.strftime('%B')}"


_SHORT = {"dxy": ("dollar",), "sp500": ("s&p", "stocks", "equities")}


def _aliases(key: str) -> tuple[str, ...]:
    """How notes name an asset: its registry name, its key, and short forms ("dollar")."""
    return (_name(key), key, *_SHORT.get(key, ()))


def _day_moved(ok: list, window):
    """A dated why-question's window moved to the trading day looked up ("the end of January"
    on a Saturday is that Friday)."""
    if window is None:
        return None
    moves = [p for p in _of(ok, PeriodChange) if p.start == p.end]
    if moves and window[0] == window[1] and moves[0].start != window[0]:
        return moves[0].start, moves[0].start, window[2]
    return window


def _name(key: str) -> str:
    from tools import assets

    found = assets.lookup(key)
    return found.name if found else key


def answer(r: Reading, question: str, results: list, anchor: Anchor) -> str:
    """Compose the answer from the ToolMessages of this turn (their typed results)."""
    read = [(registry.read(m.artifact), m) for m in results]
    closes = {x.requested for x, _ in read if isinstance(x, CloseOn) and not x.exact}
    errors = [
        naming.user_error(x, m.text)
        for x, m in read
        if isinstance(x, registry.ToolFailure) and not _covered(m, closes)
    ]
    claims = [
        _claim_text(x, m)
        for x, m in read
        if m.name == "check_claims" and not isinstance(x, registry.ToolFailure)
    ]
    ok = [x for x, _ in read if x is not None and not isinstance(x, registry.ToolFailure)]
    parts = [_assumed(r, anchor.date(_of(ok, PriceLookup)))]
    parts.extend(f"I have no tool for {n}; here is what the data does show." for n in r.notes)
    if r.primary == ADVICE:
        parts.append(
            "I don't give investment advice (no buy, sell or hold calls); here is what the data"
            " shows."
        )
    if r.primary == FORECAST:
        parts.append(
            "I don't forecast prices or give price targets. Here is where it stands instead:"
            " the level, the record and the trend."
        )
    parts.extend(claims)
    parts.extend(_data(r, ok, question, anchor.as_of or anchor.today))
    heading = "**What the library says** (quoted):" if r.primary == DOCUMENT else COMMENTARY_HEADING
    article = re.search(r"\b(article|piece|author)\b", question, re.I)
    window = dates_of(r, anchor.date(_of(ok, PriceLookup))) if r.primary == WHY else None
    ask = quotes.ask_of([n for k in r.assets for n in _aliases(k)], r.topic)
    window = _day_moved(ok, window)
    if window is not None:
        subject = next(
            (x.name for x in _of(ok, PeriodChange)), _name(r.assets[0]) if r.assets else ""
        )
        parts.append(
            quotes.dated_section(ok, anchor.as_of, COMMENTARY_HEADING, window, subject, ask)
        )
    else:
        limit = 3 if r.primary == DOCUMENT else quotes.LIMIT
        prefer = "commentary" if article else None
        parts.append(quotes.section(ok, anchor.as_of, heading, prefer, ask, limit))
    if errors:
        lead = "I could not answer that: " if len(parts) <= 2 and not any(parts) else ""
        parts.append(lead + " ".join(e.removeprefix("Input error: ") for e in errors))
    parts.append(_stale(ok, anchor))
    parts.append(footer(ok))
    return "\n\n".join(p for p in parts if p)


def _covered(message, closes: set) -> bool:
    """A day-move lookup that found no trading that day, when the close lookup already says so."""
    return message.name == "period_change" and "no trading day" in message.text and bool(closes)


def _claim_text(result, message) -> str:
    render = getattr(result, "verdict_markdown", None)
    return render() if callable(render) else message.text


def _assumed(r: Reading, anchor) -> str:
    """Say what was assumed: misspellings read as assets, a named day read as a date."""
    said = [
        f"'{m.text}' as {naming.as_name(m.key)}"
        for m in r.mentions
        if m.how == "typo" or (m.how == "name" and naming.squeezed(m.text, m.key))
    ]
    if r.when is not None and r.when.named:
        when = dates_of(r, anchor)
        if when is not None:
            text = re.sub(r"^(since|from|after)\s+", "", r.when.text)
            said.append(f"'{text}' as {when[2].removeprefix('since ')}")
    return f"(Taking {', '.join(said)}.)" if said else ""


def _verdict(r: Reading, question: str, change: float | None) -> str:
    """ "Yes: " or "No: " for a yes/no question about a direction ("has gold been rising?"),
    and for a why-question whose premise the move contradicts, the premise denied."""
    if change is None or r.direction is None or r.primary not in (CHANGE, WHY) or r.notes:
        return ""  # with a measure no tool has, the move shown is not the one asked about
    right = (r.direction == "up") == (change > 0)
    if r.primary == CHANGE and cues.yes_no(question):
        return "Yes: " if right else "No: "
    return "" if right else "not"  # "how much did silver drop" when it rose


def _data(r: Reading, ok: list, question: str = "", day: dt.date | None = None) -> list[str]:
    out: list[str] = []
    out.extend(sections.level(x) for x in _of(ok, LevelCross))
    out.extend(sections.lead_lag(x) for x in _of(ok, LeadLagResult))
    prices = _of(ok, PriceLookup)
    by_asset = {p.asset: p for p in prices}
    breakouts = _of(ok, BreakoutResult)
    yes_no = cues.yes_no(question) or not question
    low = question.lower()
    asked = "breaking out" if re.search(r"\bbr(ea|o)k", low) else "at a record"
    asked = "when" if re.match(r"\s*(and\s+)?(when|what (day|date))\b", low) else asked
    out.extend(sections.breakout(x, by_asset.get(x.asset), yes_no, asked) for x in breakouts)
    ratio = cues.ratio(question.lower())
    out.extend(sections.compare(x, r.horizon or "3m", ratio) for x in _of(ok, Comparison))
    periods = _of(ok, PeriodChange)
    exact = {(c.asset, c.requested): c for c in _of(ok, CloseOn) if c.exact}
    for p in [p for p in periods if (p.asset, p.start) in exact and p.start == p.end]:
        out.append(sections.close_with_move(exact[(p.asset, p.start)], p))
        periods.remove(p)
    if r.primary == COMPARE and len(periods) >= 2:
        n = len({p.asset for p in periods})
        out.append(sections.compare_periods(periods[-n:]))
    else:
        out.extend(
            sections.period(
                x,
                verdict=_verdict(r, question, x.change_pct),
                said=r.direction,
                open_end=x.so_far and (day is None or x.end > day),
            )
            for x in periods
        )
    day_moves = {p.start for p in _of(ok, PeriodChange) if p.start == p.end}
    out.extend(
        sections.close_on(x)
        for x in _of(ok, CloseOn)
        if x.requested not in day_moves and x.date not in day_moves
    )
    if breakouts or _of(ok, PeriodChange) or r.primary in (LEADLAG, DOCUMENT) or _of(ok, CloseOn):
        return out  # the prices fetched first only anchored the dates
    if prices and r.primary == BRIEFING and not _of(ok, registry.BriefingDigest):
        out.append(price_table(prices))
        return out
    out.extend(r_.markdown for r_ in _of(ok, registry.BriefingDigest))
    for p in prices:
        gap = w.calendar_gap(question.lower(), p.as_of, day) if day else None
        if gap:  # "is bitcoin up this month?" with data ending in March: say so, then the latest
            out.append(
                f"**There is no data for {gap}{'' if gap.startswith('last') else ' yet'}:"
                f" {quotes.mid(p.name)}'s data ends on {p.as_of}.** The latest figures, to that"
                " day:"
            )
            out.append(sections.price(p, r.horizon))
            continue
        out.append(_price(r, p, question))
    return out


def _price(r: Reading, p: PriceLookup, question: str = "") -> str:
    if r.primary == WHY:
        return premise.check(r, p)
    yes_no = r.primary == CHANGE and r.direction is not None and cues.yes_no(question)
    h = r.horizon or ("1m" if yes_no else None)  # "has gold been rising?": over the past month
    verdict = _verdict(r, question, p.change_pct.get(h or ""))
    lead = sections.horizon_lead(p, h, verdict, r.direction) if h else ""
    brief = r.primary in (BREAKOUT, WHY)
    return sections.price(p, h, brief=brief, lead=lead)


def price_table(prices: list[PriceLookup]) -> str:
    from tools import formatting as f

    rows = [
        "| asset | close | date | 1d | 1w | 1m | ytd | from record |",
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


def _of(results: list, kind: type) -> list:
    return [r for r in results if isinstance(r, kind)]


def _stale(ok: list, anchor: Anchor) -> str:
    """The one staleness rule every answer shares: each series the answer used whose last bar
    lies well before today (or the as-of date) is named once with its last date."""
    ends: list[tuple[str, dt.date]] = []
    for x in ok:
        if isinstance(x, registry.BriefingDigest):
            continue  # a briefing states its own dates
        provs = getattr(x, "provenance", None)
        provs = provs if isinstance(provs, list) else [provs] if provs is not None else []
        names = _series_names(x, len(provs))
        for name, p in zip(names, provs, strict=False):
            if p is not None and p.as_of:
                ends.append((name, dt.date.fromisoformat(p.as_of[:10])))
    return w.stale_line(ends, anchor.today, anchor.as_of)


def _series_names(x, n: int) -> list[str]:
    if isinstance(x, LeadLagResult):
        return [x.leader_name, x.follower_name]
    if isinstance(x, Comparison) and len(x.rows) == n:
        return [row.name for row in x.rows]
    return [getattr(x, "name", "") if isinstance(getattr(x, "name", ""), str) else ""] * n


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
