"""Testers for claims about two assets: relative performance ("silver outperformed gold"), a
divergence ("bitcoin hasn't followed"), and how often one beats the other (a base rate).

Relative performance compares the two changes over the claim's windows, on the common end date.
A divergence needs the mover to have moved (over the window's threshold) and the other to have
gone less than 40% of the way with it. A frequency claim is tested with the share of rolling
windows (3 months unless the claim names another) in which the first asset beat the second, and
with where the present window ranks among them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools import formatting as fmt
from tools.claimlab import Lab
from tools.claimprices import (
    combine,
    dates,
    no_later_data,
    period_dates,
    period_words,
    since_change,
    threshold,
    to_end,
    windows_of,
)
from tools.claims import Call, Claim, ClaimCheck, Verdict, pct_figure, window_words
from tools.data import PriceSeries
from tools.errors import InputError
from tools.prices import to_date
from tools.relative import ratio_series
from tools.results import Provenance, ResultMixin, ordinal

TIE_PP = 0.5  # percentage points: a smaller margin is a tie, not outperformance
FOLLOWED = 0.6  # the other asset went at least this share of the mover's way: it followed
DIVERGED = 0.4  # ... at most this share: it did not
RARE_SHARE = 100 / 3  # percent of windows: rarer than one in three is "rare"
WIDE_RANK = 90.0  # percentile: a present margin this high is unusual in size
MONTHS = {"1m": 1, "3m": 3, "6m": 6, "1y": 12}


# --- relative performance -------------------------------------------------------------------


def relative(claim: Claim, lab: Lab) -> ClaimCheck:
    """ "X outperformed Y (recently / this year / over 3 months)"; "X underperformed Y"."""
    a, b = claim.subject, claim.reference[0]
    if claim.direction == "underperform":
        a, b = b, a  # the claim is that b beat a
    end = lab.last_bar([a, b])
    outcomes, parts, short, figures, calls = [], [], [], {}, []
    for w in windows_of(claim):
        (ca, used_a), (cb, used_b) = lab.window_change(a, w, end), lab.window_change(b, w, end)
        calls.extend(used_a + used_b)
        margin = ca.pct - cb.pct
        outcome = "met" if margin > TIE_PP else "opposite" if margin < -TIE_PP else "tie"
        outcomes.append(outcome)
        who = {"met": f"{ca.name} ahead", "opposite": f"{cb.name} ahead", "tie": "a tie"}[outcome]
        parts.append(
            f"over {period_words(lab, w, end)} {ca.name} {fmt.pct(ca.pct)}{dates(lab, w, ca)} vs "
            f"{cb.name} {fmt.pct(cb.pct)}{dates(lab, w, cb)} ({who})"
        )
        short.append(f"{window_words(w)}: {fmt.pct(ca.pct)} vs {fmt.pct(cb.pct)} ({who})")
        figures[f"{a}_{w}_pct"] = pct_figure(ca.pct)
        figures[f"{b}_{w}_pct"] = pct_figure(cb.pct)
        figures.update(period_dates(lab, w, [ca, cb]))
    reason = to_end(lab, windows_of(claim), end, f"{'; '.join(parts)}.")
    since, since_figures = _since_pair(lab, a, b, end, "outperformance")
    brief = f"{lab.name(a)} vs {lab.name(b)}, {'; '.join(short)}."
    return ClaimCheck(
        claim,
        combine(outcomes).value,
        reason,
        figures,
        calls,
        end,
        since,
        since_figures,
        brief=brief,
    )


def _since_pair(lab: Lab, a: str, b: str, end: dt.date, what: str) -> tuple[str, dict]:
    text, figures = since_change(lab, [a, b], end)
    if not figures:
        return text, figures
    gap = figures[f"{a}_since_pct"] - figures[f"{b}_since_pct"]
    figures["gap_since_pp"] = pct_figure(gap)
    turn = "continued" if gap > TIE_PP else "reversed" if gap < -TIE_PP else "paused"
    return f"{text[:-1]}: the {what} {turn}.", figures


# --- divergence -------------------------------------------------------------------------------


def divergence(claim: Claim, lab: Lab) -> ClaimCheck:
    """ "Y hasn't followed X", "Y hasn't kept pace with X", "Y has lagged"."""
    y, x = claim.subject, claim.reference[0]
    end = lab.last_bar([x, y])
    outcomes, parts, short, figures, calls = [], [], [], {}, []
    for w in windows_of(claim):
        (cx, used_x), (cy, used_y) = lab.window_change(x, w, end), lab.window_change(y, w, end)
        calls.extend(used_x + used_y)
        figures[f"{x}_{w}_pct"], figures[f"{y}_{w}_pct"] = pct_figure(cx.pct), pct_figure(cy.pct)
        figures.update(period_dates(lab, w, [cx, cy]))
        limit = threshold(lab, x, w, end)
        figures[f"{x}_{w}_threshold_pct"] = pct_figure(limit)
        if abs(cx.pct) < limit:
            parts.append(
                f"over {window_words(w)} {cx.name} moved only {fmt.pct(cx.pct)}, less than the "
                f"{fmt.pct(limit, signed=False)} a move needs, so there was nothing to follow"
            )
            short.append(f"{window_words(w)}: {cx.name} {fmt.pct(cx.pct)}, no move to follow")
            continue
        share = cy.pct / cx.pct  # how far the other went the mover's way
        outcome = "met" if share <= DIVERGED else "opposite" if share >= FOLLOWED else "-"
        outcomes.append(outcome)
        did = {"met": "did not follow", "opposite": "followed", "-": "followed in part"}[outcome]
        parts.append(
            f"over {period_words(lab, w, end)} {cx.name} {fmt.pct(cx.pct)}{dates(lab, w, cx)} "
            f"while {cy.name} {fmt.pct(cy.pct)}{dates(lab, w, cy)} ({cy.name} {did})"
        )
        short.append(f"{window_words(w)}: {fmt.pct(cx.pct)} vs {fmt.pct(cy.pct)} ({did})")
    verdict = combine(outcomes) if outcomes else Verdict.NOT_SUPPORTED
    reason = to_end(lab, windows_of(claim), end, f"{'; '.join(parts)}.")
    since, since_figures = _since_pair(lab, x, y, end, "gap")
    brief = f"{cx.name} vs {cy.name}, {'; '.join(short)}."
    return ClaimCheck(
        claim, verdict.value, reason, figures, calls, end, since, since_figures, brief=brief
    )


# --- base rate and frequency ---------------------------------------------------------------


@dataclass(frozen=True)
class BaseRate(ResultMixin):
    """How often the numerator beat the denominator over rolling windows of ``months``."""

    numerator: str
    denominator: str
    name: str  # e.g. "Silver/Gold"
    months: int
    windows: int  # one window ends on every common date with a full window behind it
    share_pct: float  # windows in which the ratio rose (the numerator beat the denominator)
    present_pct: float  # the latest window's ratio change
    present_rank_pct: float  # share of windows with a change at or below the present one
    first_end: dt.date  # the first window's end
    as_of: dt.date  # the latest window's end
    provenance: Provenance

    def summary(self) -> str:
        return (
            f"{self.name}: the ratio rose in {fmt.pct(self.share_pct, signed=False)} of "
            f"{fmt.count(self.windows)} rolling {self.months}-month windows ending {self.first_end}"
            f" to {self.as_of}; the latest window {fmt.pct(self.present_pct)} ranks in the "
            f"{ordinal(self.present_rank_pct)} percentile."
        )


def base_rate(numerator: PriceSeries, denominator: PriceSeries, months: int = 3) -> BaseRate:
    """The share of rolling ``months``-month windows in which the ratio numerator/denominator
    rose, and the rank of the latest window's change.

    A window ends on each common date t and starts at the last common date on or before t minus
    ``months`` calendar months; only windows with a full span of data count.

    Raises:
        InputError: fewer than 30 windows (too little common history).
    """
    ratio = ratio_series(numerator, denominator)
    closes = ratio.close.dropna()
    days = closes.index.values.astype("datetime64[D]")
    targets = (closes.index - pd.DateOffset(months=months)).values.astype("datetime64[D]")
    start = np.searchsorted(days, targets, side="right") - 1
    ok = start >= 0
    if ok.sum() < 30:
        raise InputError(
            f"{ratio.asset.name} has only {int(ok.sum())} full {months}-month windows; a base "
            "rate needs at least 30."
        )
    values = closes.to_numpy()
    change = (values[ok] / values[start[ok]] - 1.0) * 100.0
    present = float(change[-1])
    return BaseRate(
        numerator=numerator.asset.key,
        denominator=denominator.asset.key,
        name=ratio.asset.name,
        months=months,
        windows=int(len(change)),
        share_pct=float(np.mean(change > 0) * 100.0),
        present_pct=present,
        present_rank_pct=float(np.mean(change <= present) * 100.0),
        first_end=to_date(days[ok][0]),
        as_of=to_date(days[-1]),
        provenance=ratio.provenance,
    )


def frequency(claim: Claim, lab: Lab) -> ClaimCheck:
    """ "X outperforming Y doesn't happen often" (rare) or "that gap isn't unusual" (common)."""
    a, b = claim.subject, claim.reference[0]
    months = MONTHS.get(claim.window or "3m", 3)
    end = lab.last_bar([a, b])
    rate = base_rate(lab.upto(a, end), lab.upto(b, end), months)
    call = Call("claimpairs.base_rate", {"numerator": a, "denominator": b, "months": months})
    figures = {
        "share_pct": pct_figure(rate.share_pct),
        "windows": rate.windows,
        "present_pct": pct_figure(rate.present_pct),
        "present_rank_pct": pct_figure(rate.present_rank_pct),
        "first_window_end": rate.first_end.isoformat(),
        "last_window_end": rate.as_of.isoformat(),
    }
    verdict, note = _frequency_verdict(claim.direction or "rare", rate)
    reason = (
        f"{lab.name(a)} beat {lab.name(b)} in {fmt.pct(rate.share_pct, signed=False)} of "
        f"{fmt.count(rate.windows)} rolling {months}-month windows from {rate.first_end} to "
        f"{rate.as_of}; the latest ({rate.name} {fmt.pct(rate.present_pct)}) ranks in the "
        f"{ordinal(rate.present_rank_pct)} percentile{note}."
    )
    brief = (
        f"{lab.name(a)} beat {lab.name(b)} in {fmt.pct(rate.share_pct, signed=False)} of "
        f"{months}-month windows since {rate.first_end}; this one ({fmt.pct(rate.present_pct)}) "
        f"is in the {ordinal(rate.present_rank_pct)} percentile{note}."
    )
    since, since_figures = _since_rate(lab, a, b, months, end)
    calls = [Call("relative.ratio_series", {"numerator": a, "denominator": b}), call]
    return ClaimCheck(
        claim, verdict.value, reason, figures, calls, end, since, since_figures, brief=brief
    )


def _frequency_verdict(polarity: str, rate: BaseRate) -> tuple[Verdict, str]:
    wide = rate.present_pct > 0 and rate.present_rank_pct >= WIDE_RANK
    if polarity == "rare":
        if rate.share_pct <= RARE_SHARE:
            return Verdict.SUPPORTED, ": rare, fewer than one window in three"
        if wide:
            return Verdict.PARTLY, ": common, but a margin this wide is rare"
        if rate.share_pct > 50:
            return Verdict.CONTRADICTED, ": it happens more often than not"
        return Verdict.NOT_SUPPORTED, ": not rare"
    if rate.share_pct >= RARE_SHARE:
        if wide and rate.present_rank_pct >= 95:
            return Verdict.PARTLY, ": common, but not a gap this wide"
        return Verdict.SUPPORTED, ": common, one window in three or more"
    if rate.share_pct < 10:
        return Verdict.CONTRADICTED, ": it is rare"
    return Verdict.NOT_SUPPORTED, ": it is uncommon"


def _since_rate(lab: Lab, a: str, b: str, months: int, end: dt.date) -> tuple[str, dict]:
    latest = lab.latest([a, b])
    if latest <= end:
        return no_later_data(end), {}
    now = base_rate(lab.full(a), lab.full(b), months)
    text = (
        f"Latest {months}-month window (to {now.as_of}): {now.name} {fmt.pct(now.present_pct)}, "
        f"{ordinal(now.present_rank_pct)} percentile."
    )
    figures = {
        "present_pct": pct_figure(now.present_pct),
        "present_rank_pct": pct_figure(now.present_rank_pct),
        "now_date": now.as_of.isoformat(),
    }
    return text, figures
