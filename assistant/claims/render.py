"""A claim report for people: the verdict table with coloured badges, the two-line summary, and
the same as a self-contained HTML page or the JSON of ``check --json``.

Everything from the document (quotes, titles) is untrusted and is escaped: in Markdown no
character of it can start markup, a link, an image or a Streamlit directive such as
``:red-badge[...]``; in HTML it is entity-escaped. With ``badges=True`` the Markdown is meant for
Streamlit and passes through ``ui.common.safe_markdown``, which escapes ``$``, ``<``, ``>`` and
``&``; without, those are escaped here too.
"""

from __future__ import annotations

import html
import re

from tools.claims import KIND_LABELS, ClaimCheck, ClaimKind, ClaimReport, Verdict

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
_MD = re.compile(r"([\\`*_\[\]|#~:!])")  # ":" too: Streamlit reads ":name[...]" as a directive
_MD_ALL = re.compile(r"([\\`*_\[\]|#~!$<>])")


def cell(text: object, badges: bool = True) -> str:
    """Untrusted text as one Markdown table cell: one line, every markup character escaped."""
    flat = " ".join(str(text or "").split())
    return (_MD if badges else _MD_ALL).sub(r"\\\1", flat)


def verdict_label(verdict: str) -> str:
    return verdict[0].upper() + verdict[1:]


def badge(verdict: str, badges: bool = True) -> str:
    """ ":green-badge[Supported]" for Streamlit, "**Supported**" otherwise."""
    label = verdict_label(verdict)
    if not badges:
        return f"**{label}**"
    return f":{BADGE_COLOURS.get(Verdict(verdict), 'gray')}-badge[{label}]"


def summary_lines(report: ClaimReport) -> list[str]:
    """The two-line summary: what was found and how it fared; when and to when it was tested."""
    n = report.counts()
    tested = len(report.testable)
    parts = [f"{n[v]} {v}" for v in list(Verdict)[:-1] if n[v]]
    if tested:
        total = len(report.checks)
        first = f"{tested} of {total} claims can be tested with price data: {', '.join(parts)}."
    elif report.checks:
        first = f"None of the {len(report.checks)} claims can be tested with price data."
    else:
        first = "No claims found: the text makes no statement about markets that can be checked."
    later = report.latest is not None and report.latest > report.tested_at
    latest = f"; since publication runs to {report.latest}" if later else ""
    second = f"Tested at {report.tested_at}: {report.tested_note.rstrip('.')}{latest}."
    return [first, second]


def verdict_markdown(report: ClaimReport, badges: bool = True, calls: bool = False) -> str:
    """The verdict table (testable claims), the not-testable list and the two-line summary."""
    title = cell(report.document.title, badges)
    lines = [f"**Claim check: {title}**", "", *(cell(s, badges) for s in summary_lines(report))]
    lines[2] = lines[2] + "  "  # a hard line break between the two summary lines
    rows = report.testable
    if rows:
        lines += ["", "| # | Claim | Kind | Verdict | Why | Since publication |"]
        lines.append("|---:|:---|:---|:---|:---|:---|")
        for i, c in enumerate(rows, 1):
            lines.append(
                f"| {i} | “{cell(c.claim.quote, badges)}” | {KIND_LABELS[ClaimKind(c.claim.kind)]}"
                f" | {badge(c.verdict, badges)} | {cell(c.reason, badges)} | "
                f"{cell(c.since or '', badges)} |"
            )
    rest = report.untestable
    if rest:
        lines += ["", f"**Not testable with price data ({len(rest)})**", ""]
        lines += [f"- “{cell(c.claim.quote, badges)}”: {cell(_why(c), badges)}" for c in rest]
    if calls and rows:
        lines += ["", "**How each claim was tested**", ""]
        lines += [
            f"{i}. {cell('; '.join(call.text() for call in c.calls), badges)}"
            for i, c in enumerate(rows, 1)
        ]
    lines += ["", *(f"_{cell(n, badges)}_" for n in report.notes)] if report.notes else []
    return "\n".join(lines).rstrip() + "\n"


def _why(check: ClaimCheck) -> str:
    return check.reason.removeprefix("Not testable with price data: ")


def answer_markdown(report: ClaimReport) -> str:
    """The chat answer: the table with badges, then the summary again as its closing lines."""
    return verdict_markdown(report, badges=True)


# --- HTML ------------------------------------------------------------------------------------

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "color:#202124}table{border-collapse:collapse;width:100%;font-size:14px}"
    "th,td{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}"
    ".badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;"
    "white-space:nowrap}.calls{font-size:12px;color:#5f6368}blockquote{margin:0}"
)


def verdict_html(report: ClaimReport) -> str:
    """A self-contained HTML page of the report (no scripts, no external resources)."""
    e = html.escape
    rows = []
    for i, c in enumerate(report.testable, 1):
        colour = HTML_COLOURS.get(Verdict(c.verdict), "#5f6368")
        calls = "; ".join(call.text() for call in c.calls)
        rows.append(
            f"<tr><td>{i}</td><td>“{e(c.claim.quote)}”</td>"
            f"<td>{e(KIND_LABELS[ClaimKind(c.claim.kind)])}</td>"
            f'<td><span class="badge" style="background:{colour}">{e(verdict_label(c.verdict))}'
            f'</span></td><td>{e(c.reason)}<div class="calls">{e(calls)}</div></td>'
            f"<td>{e(c.since or '')}</td></tr>"
        )
    rest = "".join(f"<li>“{e(c.claim.quote)}”: {e(_why(c))}</li>" for c in report.untestable)
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
        f"<table>{head}{''.join(rows)}</table>"
        f"{'<h2>Not testable with price data</h2><ul>' + rest + '</ul>' if rest else ''}"
        f"{notes}</body></html>\n"
    )
