"""What an answer must hold, built from the oracle's independent figures.

Each builder returns an :class:`Expect`: tool calls that must be made (name and an argument
subset), figures and phrases that must appear (the verdict ones in the first paragraph), tools
and phrases that must not appear. :func:`check` lists what a reply got wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from tests.questions import oracle as o


@dataclass
class Expect:
    tools: list = field(default_factory=list)  # [(name, {arg: value}), ...] all required
    figures: list = field(default_factory=list)  # strings that must be in the answer
    first: list = field(default_factory=list)  # strings that must be in the first paragraph
    phrases: list = field(default_factory=list)  # lower-case phrases that must be in it
    any_of: list = field(default_factory=list)  # at least one of these lower-case phrases
    absent: list = field(default_factory=list)  # lower-case phrases that must not be in it
    absent_tools: list = field(default_factory=list)
    no_tools: bool = False
    tool_error_ok: bool = False
    words: int | None = 140  # the answer before quotes and provenance, in words
    cited: bool = False  # quotes with [n] markers, or a plain "nothing fits" sentence

    def __add__(self, other: Expect) -> Expect:
        out = Expect(**{k: list(v) if isinstance(v, list) else v for k, v in self.__dict__.items()})
        for k, v in other.__dict__.items():
            if isinstance(v, list):
                getattr(out, k).extend(v)
        out.no_tools |= other.no_tools
        out.cited |= other.cited
        out.tool_error_ok |= other.tool_error_ok
        if other.words is None:
            out.words = None
        return out


def iso(day) -> str:
    return o.D(day).date().isoformat()


def price(a: str, lead: bool = True) -> Expect:
    c, d = o.on_or_before(a, o.last_date(a))
    first = [o.px(c)] if lead else []
    return Expect(tools=[("get_price", {"asset": a})], figures=[o.px(c), str(d)], first=first)


def close_on(a: str, day) -> Expect:
    c, d = o.on_or_before(a, day)
    return Expect(
        tools=[("get_price", {"asset": a, "on": iso(day)})],
        figures=[o.px(c), str(d)],
        first=[o.px(c)],
    )


def period(a: str, start, end, label_first: bool = True, open_end: bool = False) -> Expect:
    p = o.period(a, start, end)
    args = {"asset": a, "start": iso(start)} | ({} if open_end else {"end": iso(end)})
    return Expect(
        tools=[("period_change", args)],
        figures=[
            o.pct(p["pct"]),
            o.px(p["base"][0]),
            str(p["base"][1]),
            o.px(p["last"][0]),
            str(p["last"][1]),
        ],  # fmt: skip
        first=[o.pct(p["pct"])] if label_first else [],
    )


def since(a: str, start) -> Expect:
    return period(a, start, o.last_date(a), open_end=True)


def trailing(a: str, months: int) -> Expect:
    end = o.last_date(a)
    start = (o.D(end) - o.pd.DateOffset(months=months) + o.pd.Timedelta(days=1)).date()
    return period(a, start, end)


def day_move(a: str, day) -> Expect:
    return period(a, day, day)


def last_day_why(a: str, day) -> Expect:
    """A why-question about the end of a period: that period's last trading day's move first,
    then the commentary (or a plain "nothing in the library explains it")."""
    last = o.on_or_before(a, day)[1]
    return (
        day_move(a, last)
        + Expect(tools=[("search_commentary", {})], cited=True, words=None)
        + Expect(absent=["no trading day", "in the end of"])
    )


def horizon(a: str, h: str, first: bool = True) -> Expect:
    p = o.horizon(a, h)
    return Expect(
        tools=[("get_price", {"asset": a})],
        figures=[o.pct(p["pct"])],
        first=[o.pct(p["pct"])] if first else [],
    )


def no_data(a: str, period: str) -> Expect:
    """A calendar period ("this month") with no close in the data as of today: said plainly,
    with the data's last date, and the latest figures offered."""
    c, d = o.on_or_before(a, o.last_date(a))
    return Expect(
        tools=[("get_price", {"asset": a})],
        figures=[o.px(c), str(d)],
        first=[f"no data for {period}", str(d)],
    )


def compare_h(a: str, b: str, h: str) -> Expect:
    end = min(o.last_date(a), o.last_date(b))
    pa, pb = o.horizon(a, h, end), o.horizon(b, h, end)
    win = a if pa["pct"] > pb["pct"] else b
    return Expect(
        tools=[("compare_assets", {"assets": [a, b]})],
        figures=[o.pct(pa["pct"]), o.pct(pb["pct"]), str(end)],
        first=[o.NAMES[win], "did better"],
    )


def compare_p(a: str, b: str, start, end) -> Expect:
    ends = [o.on_or_before(x, end)[1] for x in (a, b)]
    common = min(ends)
    pa, pb = o.period(a, start, common), o.period(b, start, common)
    win = a if pa["pct"] > pb["pct"] else b
    return Expect(
        tools=[
            ("period_change", {"asset": a, "start": iso(start)}),
            ("period_change", {"asset": b, "start": iso(start)}),
        ],  # fmt: skip
        figures=[o.pct(pa["pct"]), o.pct(pb["pct"]), str(common)],
        first=[o.NAMES[win], "did better", o.pct(pa["pct"]), o.pct(pb["pct"])],
    )


def record(a: str) -> Expect:
    r = o.record(a)
    e = Expect(tools=[("find_breakouts", {"asset": a})], figures=[o.px(r["close"]), str(r["date"])])
    if r["at_record"]:
        return e + Expect(first=["is at a record"])
    return e + Expect(
        first=["is not", o.pct(r["below"])], absent=["is at a record", "is breaking out"]
    )


def record_when(a: str) -> Expect:
    """ "When did X last set a record?": the record's date first."""
    r = o.record(a)
    return Expect(
        tools=[("find_breakouts", {"asset": a})], figures=[o.px(r["close"])], first=[str(r["date"])]
    )


def why(a: str, premise: str | None = None, lasting: bool = False) -> Expect:
    """A why-question: the data first, then quotes. ``lasting``: the premise is about a move
    that lasts ("has been strong"), checked over the past year and the past month."""
    if lasting:
        return _lasting_why(a, premise)
    p = o.horizon(a, "1m")
    e = Expect(
        tools=[("search_commentary", {}), ("get_price", {"asset": a})], figures=[o.pct(p["pct"])]
    )
    if premise == "up" and p["pct"] < 0:
        e = e + Expect(first=["is not rising"])
    elif premise == "down" and p["pct"] > 0:
        e = e + Expect(first=["is not falling"])
    return e + Expect(cited=True, words=None)


def _lasting_why(a: str, premise: str | None) -> Expect:
    moves = [o.horizon(a, h)["pct"] for h in ("1y", "1m")]
    fits = [(m > 0) == (premise == "up") for m in moves]
    said = {"up": "rising", "down": "falling"}[premise]
    first = ["partly"] if any(fits) and not all(fits) else [f"has been {said}"]
    first = first if any(fits) else [f"is not {said}"]
    return Expect(
        tools=[("search_commentary", {}), ("get_price", {"asset": a})],
        figures=[o.pct(m) for m in moves],
        first=first + [o.pct(m) for m in moves],
        cited=True,
        words=None,
    )


def lag(leader: str, follower: str, freq: str = "weekly") -> Expect:
    return Expect(
        tools=[("lead_lag", {"leader": leader, "follower": follower, "freq": freq})],
        phrases=["adjusted p-value"],
        words=None,
    )


def claims(verdict: str) -> Expect:
    """A claim check: the check_claims tool, the verdicts (badged), and the verdict the data gives
    (the lead/lag claims are tested against a shuffle test in tests/test_claims_realdata.py)."""
    return Expect(
        tools=[("check_claims", {})],
        absent_tools=["get_price", "search_commentary"],
        phrases=["-badge[", verdict],  # one badged item per claim
        words=None,
    )


def doc(asset: str | None = None) -> Expect:
    args = {"asset": asset} if asset else {}
    return Expect(
        tools=[("search_commentary", args)],
        absent_tools=["get_price", "period_change", "compare_assets", "find_breakouts"],
        cited=True,
        words=None,
    )


def forecast(a: str) -> Expect:
    c, d = o.on_or_before(a, o.last_date(a))
    return Expect(
        tools=[("get_price", {"asset": a})], phrases=["don't forecast"], figures=[o.px(c)]
    )


def advice(a: str) -> Expect:
    c, _ = o.on_or_before(a, o.last_date(a))
    return Expect(
        tools=[("get_price", {"asset": a})],
        phrases=["don't give investment advice"],
        figures=[o.px(c)],
    )


def unknown(name: str) -> Expect:
    return Expect(phrases=[name.lower(), "it has"], absent=["valid options"], tool_error_ok=True)


def missing(key: str) -> Expect:
    """An asset the registry knows but the CSV folder lacks, said to a user (what it has, once;
    the file-naming hint is for the docs)."""
    from tools import assets

    name = assets.get(key).name.lower()
    return Expect(
        phrases=[f"{name} is not in your csv folder", "it has"],
        absent=["valid options", "name it ", "assets found there"],
        tool_error_ok=True,
    )


def doc_check(title: str) -> Expect:
    """A library document's claims checked: the claim check on that document (by its title)."""
    return Expect(
        tools=[("check_claims", {})],
        absent_tools=["search_commentary", "get_price"],
        phrases=["claim check", title.lower()],
        words=None,
    )


def decline() -> Expect:
    return Expect(no_tools=True, any_of=["try:", "not sure", "which asset", "name two assets"])


def ask_date() -> Expect:
    return Expect(no_tools=True, phrases=["can't tell which date"])


def starts(a: str) -> Expect:
    return Expect(phrases=[f"data starts on {o.first_date(a)}"], tool_error_ok=True)


def typo(word: str, name: str) -> Expect:
    return Expect(phrases=["taking '", f"'{word}' as {name}"])


def level(a: str, value: float) -> Expect:
    s = o.closes(a)
    hits = s[s >= value]
    figs = [str(hits.index[0].date())] if len(hits) else [o.px(s.max())]
    first = ["yes"] if len(hits) else ["no"]
    return Expect(
        tools=[("first_close_above", {"asset": a, "level": float(value)})],
        figures=figs,
        first=first,
    )


def check(reply, e: Expect) -> list[str]:
    """What is wrong with ``reply`` against ``e`` ([] when it is right)."""
    problems: list[str] = []
    text = reply.answer
    low = text.lower()
    head = text.split("\n\n")[0]
    if text.startswith("(Taking"):
        head = text.split("\n\n")[1] if "\n\n" in text else text
    calls = [(c["name"], c["args"]) for c in reply.tool_calls]
    if reply.error:
        problems.append(f"error: {reply.error}")
    if e.no_tools and calls:
        problems.append(f"tools called: {calls}")
    for name, subset in e.tools:
        if not any(n == name and all(a.get(k) == v for k, v in subset.items()) for n, a in calls):
            problems.append(f"missing call {name} {subset}; got {calls}")
    for name in e.absent_tools:
        if any(n == name for n, _ in calls):
            problems.append(f"unexpected call {name}")
    if not e.tool_error_ok and any(r["error"] for r in reply.tool_results):
        problems.append(
            "a tool failed: "
            + "; ".join(r["summary"][:120] for r in reply.tool_results if r["error"])
        )
    problems += [f"figure {x!r} missing" for x in e.figures if x not in text]
    problems += [f"verdict lacks {x!r}" for x in e.first if x.lower() not in head.lower()]
    problems += [f"phrase {x!r} missing" for x in e.phrases if x not in low]
    nothing = ("nothing that answers", "nothing in the library")
    if e.cited and not (re.search(r"\[\d+\]", text) or any(x in low for x in nothing)):
        problems.append("no quote and no 'nothing fits' sentence")
    if e.any_of and not any(x in low for x in e.any_of):
        problems.append(f"none of {e.any_of}")
    problems += [f"phrase {x!r} present" for x in e.absent if x in low]
    if not reply.grounding.ok:
        problems.append(f"ungrounded: {reply.grounding.ungrounded}")
    if e.words is not None and body_words(text) > e.words:
        problems.append(f"{body_words(text)} words")
    return problems


def body_words(text: str) -> int:
    """Words of the answer itself: before the quotes, the stale-data line and provenance."""
    body = []
    for para in text.split("\n\n"):
        if (
            para.startswith(("**What the", ">", "Data:", "_Offline", "**Warning"))
            or " data end" in para
        ):
            break
        body.append(para)
    return len(" ".join(body).split())


__all__ = ["Expect", "check", "dt"]
