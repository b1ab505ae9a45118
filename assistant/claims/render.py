"""A claim report for people: the verdict table with coloured badges and the two-line summary
(Markdown, for the chat and ``check --format md``), the same as plain text for a terminal (the
default of ``check``), as a self-contained HTML page, or as the JSON of ``check --json``.

The table keeps each cell short: the reason in brief, and a claim tested exactly as an earlier
one says "Same test as claim N." The full reasons are in the JSON, the HTML page (under
"Details") and the plain text.

Everything from the document (quotes, titles) is untrusted: in plain Markdown no character of
it can start markup, a link or an image; in HTML it is entity-escaped. With ``badges=True`` the
Markdown is meant for Streamlit and must pass through ``ui.common.safe_markdown`` (which makes
links, images and HTML inert and keeps only plain-label badges live); here a document's text is
kept from ending a table cell or forging a badge (see :func:`cell`). :func:`terminal_markdown`
turns either back into plain text for a terminal.
"""

from __future__ import annotations

import html
import re
import shutil
import textwrap
from dataclasses import dataclass

from tools.claims import KIND_LABELS, Call, ClaimCheck, ClaimKind, ClaimReport, Verdict

BADGE_COLOURS = {
    Verdict.SUPPORTED: "green",
    Verdict.PARTLY: "orange",
    Verdict.NOT_SUPPORTED: "gray",
    Verdict.CONTRADICTED: "red",
    Verdict.NOT_TESTABLE: "violet",
}
HTML_COLOURS = {
    Verdict.SUPPORTED: "#1e7b34",
    Verdict.PARTLY: "#b35c00",
    Verdict.NOT_SUPPORTED: "#5f6368",
    Verdict.CONTRADICTED: "#b3261e",
    Verdict.NOT_TESTABLE: "#6b3fa0",
}
_MD_ALL = re.compile(r"([\\`*_\[\]|#~!$<>])")
# ":red-badge[", ":blue[": a Streamlit directive; a zero-width space after the colon disarms it.
_DIRECTIVE = re.compile(r":(?=[\w/-]+\[)")


def cell(text: object, badges: bool = True) -> str:
    """Untrusted text as one Markdown table cell, on one line.

    Without ``badges`` (Markdown for any renderer) every markup character is backslash-escaped.
    With ``badges`` the text is for Streamlit through ``ui.common.safe_markdown``, which escapes
    backslashes, brackets, ``$``, ``<``, ``>`` and ``&`` itself (so a backslash escape written
    here would show): a pipe becomes "∣" so it cannot end the cell, and a directive such as
    ":red-badge[...]" is disarmed, so no document can forge a verdict.
    """
    flat = " ".join(str(text or "").split())
    if not badges:
        return _MD_ALL.sub(r"\\\1", flat)
    return _DIRECTIVE.sub(":\u200b", flat.replace("|", "∣"))


def verdict_label(verdict: str) -> str:
    return verdict[0].upper() + verdict[1:]


def badge(verdict: str, badges: bool = True) -> str:
    """ ":green-badge[Supported]" for Streamlit, "**Supported**" otherwise."""
    label = verdict_label(verdict)
    if not badges:
        return f"**{label}**"
    return f":{BADGE_COLOURS.get(Verdict(verdict), 'gray')}-badge[{label}]"


# The opening of a badge this module wrote (not a disarmed one from a document), and a Markdown
# escape. Only the opening is matched, so a label streamed word by word reads right too.
_BADGE_OPEN = re.compile(
    r"(?<![\\\w\u200b]):(?:green|orange|gray|grey|red|violet|blue|primary)-badge\["
)
_ESCAPE = re.compile(r"\\([\\`*_\[\]|#~:!$<>&{}()+.-])")


def plain_badges(text: str) -> str:
    """Verdict badges as plain text ("[Supported]"): outside the app no renderer knows them."""
    return _BADGE_OPEN.sub("[", text)


def terminal_markdown(text: str) -> str:
    """Markdown written for a renderer, readable as plain text on a terminal: a verdict badge
    becomes "[Supported]" and a backslash escape the character itself ("data\\:" -> "data:")."""
    return _ESCAPE.sub(r"\1", plain_badges(text))


def summary_lines(report: ClaimReport) -> list[str]:
    """The two-line summary: how the claims held up, in plain words; when and to when they were
    tested."""
    tested = len(report.testable)
    total = len(report.checks) - len(report.remarks)
    first = verdict_sentence(report.counts(), tested, total)
    if report.remarks:
        k = len(report.remarks)
        first += (
            f" {k} sentence{'s' if k != 1 else ''} about the claims or the document, listed apart."
        )
    second = f"Tested at {report.tested_at}: {report.tested_note.rstrip('.')}."
    if report.latest is not None and report.latest > report.tested_at:
        second += f" “Since publication” runs to the latest data, {report.latest}."
    return [first, second]


def verdict_sentence(n: dict[str, int], tested: int, total: int) -> str:
    """ "Of 13 testable claims, 5 held up, 4 held up in part and 4 were not supported by the
    data; 28 more cannot be tested with price data." (or "The claim held up.")."""
    if not total:
        return "No claims found: the text makes no statement about markets that can be checked."
    if not tested:
        one = "The claim cannot" if total == 1 else f"None of the {total} claims can"
        return f"{one} be tested with price data."
    outcomes = _outcomes(n)
    rest = total - tested
    more = f"; {rest} more cannot be tested with price data" if rest else ""
    if tested == 1:
        lead = "The claim" if total == 1 else "The one testable claim"
        return f"{lead} {outcomes[0].split(' ', 1)[1]}{more}."
    body = ", ".join(outcomes[:-1]) + f" and {outcomes[-1]}" if len(outcomes) > 1 else outcomes[0]
    if len(outcomes) == 1:
        body = f"{'both' if tested == 2 else f'all {tested}'} {outcomes[0].split(' ', 1)[1]}"
    return f"Of {tested} testable claims, {body}{more}."


def _outcomes(n: dict[str, int]) -> list[str]:
    """ "5 held up", "1 was contradicted by the data", ... for the verdicts given."""
    words = []
    for verdict, say in (
        (Verdict.SUPPORTED, "held up"),
        (Verdict.PARTLY, "held up in part"),
        (Verdict.NOT_SUPPORTED, "{be} not supported by the data"),
        (Verdict.CONTRADICTED, "{be} contradicted by the data"),
    ):
        k = n.get(verdict, 0)
        if k:
            words.append(f"{k} {say.format(be='was' if k == 1 else 'were')}")
    if len(words) > 1 and "not supported" in "".join(words) and "contradicted" in words[-1]:
        words[-2] = words[-2].removesuffix(" by the data")  # "... not supported and 1 was ..."
    return words


@dataclass(frozen=True)
class Row:
    """One tested claim as the table shows it."""

    number: int
    check: ClaimCheck
    same_as: int | None  # the earlier row with exactly the same test, if any

    @property
    def why(self) -> str:
        return f"Same test as claim {self.same_as}." if self.same_as else self.check.short

    @property
    def since(self) -> str:
        return f"Same as claim {self.same_as}." if self.same_as else self.check.since_short


def rows(report: ClaimReport) -> list[Row]:
    """The tested claims in order, each pointing at the first earlier claim with the same test
    (the same reason and the same "since")."""
    seen: dict[tuple, int] = {}
    out = []
    for i, c in enumerate(report.testable, 1):
        key = (c.reason, c.since)
        out.append(Row(i, c, seen.get(key)))
        seen.setdefault(key, i)
    return out


def verdict_markdown(report: ClaimReport, badges: bool = True, calls: bool = False) -> str:
    """The verdict table (testable claims), the not-testable list and the two-line summary."""
    title = cell(report.document.title, badges)
    lines = [f"**Claim check: {title}**", "", *(cell(s, badges) for s in summary_lines(report))]
    lines[2] = lines[2] + "  "  # a hard line break between the two summary lines
    table = rows(report)
    if table:
        lines += ["", *(_app_list(table) if badges else _md_table(table))]
    for heading, rest in _lists(report):
        lines += ["", f"**{heading} ({len(rest)})**", ""]
        lines += [f"- “{cell(c.claim.quote, badges)}”: {cell(_why(c), badges)}" for c in rest]
    if calls and table:
        lines += ["", "**How each claim was tested**", ""]
        lines += [f"{r.number}. {cell(_calls_line(r), badges)}" for r in table]
    lines += ["", *(f"_{cell(n, badges)}_" for n in report.notes)] if report.notes else []
    return "\n".join(lines).rstrip() + "\n"


def _md_table(table: list[Row]) -> list[str]:
    """Six columns, for Markdown read anywhere (``check --format md``)."""
    lines = [
        "| # | Claim | Kind | Verdict | Why | Since publication |",
        "|---:|:---|:---|:---|:---|:---|",
    ]
    for r in table:
        c = r.check
        lines.append(
            f"| {r.number} | “{cell(c.claim.quote, False)}” | "
            f"{KIND_LABELS[ClaimKind(c.claim.kind)]} | {badge(c.verdict, False)} | "
            f"{cell(r.why, False)} | {cell(r.since, False)} |"
        )
    return lines


def _app_list(table: list[Row]) -> list[str]:
    """One numbered item per claim, for the app's chat column (a wide table would be cut off
    there): the badge, the quote and its kind, then the reason and how it held up since."""
    lines = []
    for r in table:
        c = r.check
        kind = KIND_LABELS[ClaimKind(c.claim.kind)]
        lines.append(f"{r.number}. {badge(c.verdict)} “{cell(c.claim.quote)}” · *{kind}*  ")
        since = f"  \n   *Since publication:* {cell(r.since)}" if r.since else ""
        lines.append(f"   {cell(r.why)}{since}")
    return lines


def _lists(report: ClaimReport) -> list[tuple[str, list[ClaimCheck]]]:
    """The untested sentences under their headings: claims prices cannot test, then remarks."""
    out = [("Not testable with price data", report.untestable)]
    out.append(("Not claims about markets", report.remarks))
    return [(heading, checks) for heading, checks in out if checks]


def _why(check: ClaimCheck) -> str:
    return check.reason.removeprefix("Not testable with price data: ")


def _calls_line(row: Row) -> str:
    if row.same_as:
        return f"Same as claim {row.same_as}."
    return calls_summary(row.check.calls)


def calls_summary(calls: list[Call]) -> str:
    """The analysis calls behind a verdict, each once; price lookups grouped by asset:
    "prices.close_on: silver on 2025-10-30, 2026-01-30; gold on ..."."""
    out: list[str] = []
    lookups: dict[str, list[str]] = {}
    for call in calls:
        if call.tool == "prices.close_on" and set(call.args) == {"asset", "on"}:
            days = lookups.setdefault(str(call.args["asset"]), [])
            if call.args["on"] not in days:
                days.append(str(call.args["on"]))
            continue
        if call.text() not in out:
            out.append(call.text())
    if lookups:
        grouped = "; ".join(f"{k} on {', '.join(sorted(v))}" for k, v in lookups.items())
        out.insert(0, f"prices.close_on: {grouped}")
    return " · ".join(out)


def details_markdown(report: ClaimReport, badges: bool = True) -> str:
    """Each distinct test at length: the full reason, how it held up since and the calls, for
    an expander under the table (claims tested the same way are listed together)."""
    table = rows(report)
    same: dict[int, list[int]] = {}
    for r in table:
        if r.same_as:
            same.setdefault(r.same_as, []).append(r.number)
    lines = []
    for r in table:
        if r.same_as:
            continue
        c = r.check
        numbers = ", ".join(str(n) for n in [r.number, *same.get(r.number, [])])
        label = "Claims" if r.number in same else "Claim"
        lines += [
            f"**{label} {numbers}.** {cell(c.reason, badges)}",
            "",
            f"*Since:* {cell(c.since or '', badges)}",
            "",
            f"*Tested with:* {cell(calls_summary(c.calls), badges)}",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def answer_markdown(report: ClaimReport) -> str:
    """The chat answer: the table with badges, then the summary again as its closing lines."""
    return verdict_markdown(report, badges=True)


# --- plain text, for a terminal --------------------------------------------------------------


def verdict_text(report: ClaimReport, width: int | None = None) -> str:
    """The report as plain text: each tested claim with its verdict, the full reason, how it
    held up since and the calls behind it; then what could not be tested."""
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 100)
    wrap = _wrapper(width)
    lines = [f"Claim check: {report.document.title}", ""]
    lines += [w for s in summary_lines(report) for w in wrap(s, "")]
    for r in rows(report):
        c = r.check
        lines += ["", f"{r.number:>2}. [{verdict_label(c.verdict)}] {KIND_LABELS[c.claim.kind]}"]
        lines += wrap(f"“{c.claim.quote}”", "    ")
        why = r.why if r.same_as else c.reason
        since = r.since if r.same_as else (c.since or "")
        lines += wrap(f"Why: {why}", "    ")
        if since:
            lines += wrap(f"Since: {since}", "    ")
        lines += wrap(f"Tested with: {_calls_line(r)}", "    ")
    for heading, rest in _lists(report):
        lines += ["", f"{heading} ({len(rest)})"]
        for c in rest:
            lines += wrap(f"- “{c.claim.quote}”: {_why(c)}", "  ", "    ")
    lines += [w for n in report.notes for w in wrap(n, "")]
    return "\n".join(lines).rstrip() + "\n"


def _wrapper(width: int):
    def wrap(text: str, indent: str, rest: str | None = None) -> list[str]:
        flat = " ".join(str(text).split())
        return textwrap.wrap(
            flat,
            width=width,
            initial_indent=indent,
            subsequent_indent=rest if rest is not None else indent,
            break_long_words=False,
            break_on_hyphens=False,
        ) or [indent]

    return wrap


# --- HTML ------------------------------------------------------------------------------------

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "color:#202124}table{border-collapse:collapse;width:100%;font-size:14px}"
    "th,td{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;"
    "white-space:nowrap}.calls{font-size:12px;color:#5f6368}details{margin-top:4px}"
    "summary{cursor:pointer;color:#1a73e8;font-size:12px}"
)


def verdict_html(report: ClaimReport) -> str:
    """A self-contained HTML page of the report (no scripts, no external resources): the short
    reason in the table, the full one with the calls under "Details"."""
    e = html.escape
    body = []
    for r in rows(report):
        c = r.check
        colour = HTML_COLOURS.get(Verdict(c.verdict), "#5f6368")
        detail = (
            ""
            if r.same_as
            else f"<details><summary>Details</summary>{e(c.reason)}"
            f'<div class="calls">{e(calls_summary(c.calls))}</div></details>'
        )
        body.append(
            f"<tr><td>{r.number}</td><td>“{e(c.claim.quote)}”</td>"
            f"<td>{e(KIND_LABELS[ClaimKind(c.claim.kind)])}</td>"
            f'<td><span class="badge" style="background:{colour}">{e(verdict_label(c.verdict))}'
            f"</span></td><td>{e(r.why)}{detail}</td><td>{e(r.since)}</td></tr>"
        )
    rest = "".join(
        f"<h2>{e(heading)} ({len(checks)})</h2><ul>"
        + "".join(f"<li>“{e(c.claim.quote)}”: {e(_why(c))}</li>" for c in checks)
        + "</ul>"
        for heading, checks in _lists(report)
    )
    summary = "<br>".join(e(s) for s in summary_lines(report))
    notes = "".join(f"<p><em>{e(n)}</em></p>" for n in report.notes)
    head = (
        "<tr><th>#</th><th>Claim</th><th>Kind</th><th>Verdict</th><th>Why</th>"
        "<th>Since publication</th></tr>"
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Claim check: {e(report.document.title)}</title><style>{_CSS}</style></head>"
        f"<body><h1>Claim check: {e(report.document.title)}</h1><p>{summary}</p>"
        f"<table>{head}{''.join(body)}</table>"
        f"{rest}"
        f"{notes}</body></html>\n"
    )
