"""A briefing as Markdown, self-contained HTML (with its charts) or JSON, and as files.

The HTML file opens with no network at all: plotly.js is inlined once in the page head, each
chart is a ``Plotly.newPlot`` call on inline data, and a Content-Security-Policy forbids any
fetch (scripts, styles, images, fonts, connections) from elsewhere. All text is HTML-escaped;
``**`` in the briefing's own templates becomes ``<strong>`` and nothing else becomes markup.

Files: :func:`write_file` replaces a regular file atomically, keeping its permissions, and
refuses links, folders, pipes and devices (``--out``); :func:`write_new` never
overwrites, adding -2, -3... to a dated name (``--out-dir``), so a daily cron job keeps history.
"""

from __future__ import annotations

import html
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.briefing.doc import Block, Chart, Document, Section
from tools.files import write_text

FORMATS = ("md", "html", "json")
ARCHIVE_DIR = "briefings"
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:"
)
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;background:#fff;margin:0}
main{max-width:980px;margin:0 auto;padding:24px 20px 60px;line-height:1.5}
h1{font-size:1.8em;margin-bottom:.2em}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:left}td.r,th.r{text-align:right}
blockquote{margin:1em 0;padding:.4em 1em;border-left:4px solid #9ab;background:#f6f8fa;color:#333}
blockquote footer{font-size:.9em;color:#555;margin-top:.4em}
.warning{border:1px solid #e0a800;background:#fff8e1;padding:.6em 1em;margin:1em 0;
border-radius:4px}
figure.chart{margin:1em 0}figure.chart figcaption{font-size:.9em;color:#555}
footer.meta{margin-top:3em;font-size:.85em;color:#777}
"""


# --- charts -----------------------------------------------------------------------------------


def figures(briefing) -> list[tuple[str, str, object]]:
    """(section key, title, plotly figure) for every chart of the briefing, in document order."""
    out = []
    for section in briefing.document.sections:
        for chart in section.charts:
            fig = chart_figure(chart, briefing.facts)
            if fig is not None:
                out.append((section.key, chart.title, fig))
    return out


def chart_figure(chart: Chart, facts):
    """The figure for one chart spec, drawn from the facts' series and results (None if n/a)."""
    from assistant import charts

    if chart.kind == "price":
        a = facts.asset(chart.keys[0])
        return charts.price_figure(a.series, a.records.to_dict(), a.price.to_dict()) if a else None
    if chart.kind == "relative":
        series = _series(facts, chart.keys)
        return charts.relative_figure(series) if len(series) >= 2 else None
    if chart.kind == "correlogram":
        pair = next(
            (p for p in facts.pairs if (p.leader, p.follower) == chart.keys and p.result), None
        )
        return charts.correlogram_figure(pair.result.to_dict()) if pair else None
    return None


def _series(facts, keys: tuple[str, ...]) -> list:
    found = {a.key: a.series for a in facts.assets}
    for r in facts.ratios:  # a ratio may use an asset that is not in the watchlist itself
        found.setdefault(r.numerator.key, r.numerator.series)
        found.setdefault(r.denominator.key, r.denominator.series)
    return [found[k] for k in keys if k in found]


# --- HTML -------------------------------------------------------------------------------------


def inline_html(text: str) -> str:
    """Block text as HTML: escaped, with ``**`` pairs as <strong>."""
    parts = text.split("**")
    if len(parts) % 2 == 0:
        return html.escape(text)
    return "".join(
        f"<strong>{html.escape(p)}</strong>" if i % 2 else html.escape(p)
        for i, p in enumerate(parts)
    )


def block_html(block: Block) -> str:
    if block.kind == "bullets":
        return "<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in block.items) + "</ul>"
    if block.kind == "table":
        align = block.align or "l" * len(block.header)
        cls = [' class="r"' if a == "r" else "" for a in align]
        head = "".join(
            f"<th{c}>{inline_html(h)}</th>" for c, h in zip(cls, block.header, strict=True)
        )
        rows = "".join(
            "<tr>"
            + "".join(f"<td{c}>{inline_html(v)}</td>" for c, v in zip(cls, row, strict=True))
            + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if block.kind == "quote":
        return (
            f'<blockquote class="quote"><p>{html.escape(" ".join(block.text.split()))}</p>'
            f"<footer>— {html.escape(block.cite)}</footer></blockquote>"
        )
    if block.kind == "warning":
        return (
            '<div class="warning" role="alert"><strong>Warning:</strong>'
            f" {inline_html(block.text)}</div>"
        )
    return f"<p>{inline_html(block.text)}</p>"


def _chart_html(index: int, title: str, fig) -> str:
    div = fig.to_html(
        full_html=False, include_plotlyjs=False, div_id=f"chart-{index}", config=PLOT_CONFIG
    )
    return f'<figure class="chart">{div}<figcaption>{html.escape(title)}</figcaption></figure>'


def _section_html(section: Section, charts: list[tuple[str, str, object]], start: int) -> str:
    parts = [f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>']
    parts += [block_html(b) for b in section.blocks]
    parts += [_chart_html(start + i, title, fig) for i, (_, title, fig) in enumerate(charts)]
    return "".join(parts) + "</section>"


def to_html(briefing, figs: list | None = None) -> str:
    """The briefing as one self-contained HTML page with interactive charts."""
    from plotly.offline import get_plotlyjs

    figs = figures(briefing) if figs is None else figs
    doc: Document = briefing.document
    body, n = [], 0
    for section in doc.sections:
        mine = [f for f in figs if f[0] == section.key]
        body.append(_section_html(section, mine, n + 1))
        n += len(mine)
    lead = "".join(block_html(b) for b in doc.lead)
    meta = (
        f"Generated {briefing.generated_at.isoformat(timespec='seconds')} by Market Assistant "
        f"(model: {briefing.model}). Charts are drawn by plotly.js, embedded in this file."
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(doc.title)}</title><style>{STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head>'
        f"<body><main><h1>{html.escape(doc.title)}</h1>{lead}{''.join(body)}"
        f'<footer class="meta">{html.escape(meta)}</footer></main></body></html>\n'
    )


def to_json(briefing) -> str:
    return json.dumps(briefing.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render(briefing, fmt: str) -> str:
    """The briefing in ``fmt``: md, html or json."""
    if fmt == "html":
        return to_html(briefing)
    if fmt == "json":
        return to_json(briefing)
    return briefing.markdown


# --- files ------------------------------------------------------------------------------------


class OutputError(OSError):
    """The briefing cannot be written where asked; the message says where and why."""


def dated_stem(briefing) -> str:
    """e.g. briefing-2026-11-24-asof-2026-01-23 (plus -NAME for a named, non-default watchlist)."""
    stem = f"briefing-{briefing.generated_at:%Y-%m-%d}-asof-{briefing.as_of.isoformat()}"
    if briefing.watchlist and briefing.watchlist != "default":
        stem += f"-{briefing.watchlist}"
    return stem


def check_writable(folder: Path) -> None:
    """Create ``folder`` if needed and prove a file can be written there (before any work)."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"Cannot write to {folder}: it is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except (FileExistsError, NotADirectoryError) as exc:
        raise OutputError(
            f"Cannot write to {folder}: part of that path is a file, not a folder"
        ) from exc
    except OSError as exc:
        raise OutputError(f"Cannot write to {folder}: {exc.strerror or exc}") from exc


def check_target(path: Path) -> None:
    """``path`` must be a regular file or not exist yet: a link, a folder, a pipe or a device
    is never replaced by a briefing (OutputError says what is there)."""
    path = Path(path).expanduser()
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror or exc}") from exc
    if stat.S_ISREG(info.st_mode):
        return
    kinds = (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    )
    what = next((name for test, name in kinds if test(info.st_mode)), "not a regular file")
    raise OutputError(f"Will not replace {path}: it is {what}, not a regular file")


def write_file(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file renamed over it), keeping an
    existing file's permissions; anything but a regular file or a new path is refused."""
    path = Path(path).expanduser()
    check_target(path)
    try:
        write_text(path, text)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror or exc}") from exc
    return path


def write_new(folder: Path, stem: str, ext: str, text: str) -> Path:
    """Write to ``folder/stem.ext``, or stem-2.ext, stem-3.ext... never replacing a file."""
    folder = Path(folder).expanduser()
    check_writable(folder)
    for n in range(1, 10_000):
        path = folder / (f"{stem}.{ext}" if n == 1 else f"{stem}-{n}.{ext}")
        try:
            with open(
                path, "x", encoding="utf-8"
            ) as handle:  # "x": fails if it exists, even in a race
                handle.write(text)
            return path
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"Cannot write {path}: {exc.strerror or exc}") from exc
    raise OutputError(f"Too many briefings named {stem} in {folder}; clean the folder up.")


# --- the archive the app browses --------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    """One archived briefing: its Markdown file and the siblings that exist."""

    stem: str
    markdown: Path
    html: Path | None
    json: Path | None


def archive(briefing, home: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """Save the briefing in ``home/briefings`` under one dated stem; returns format -> path."""
    folder = Path(home).expanduser() / ARCHIVE_DIR
    first = write_new(folder, dated_stem(briefing), "md", briefing.markdown)
    paths = {"md": first}
    stem = first.name[:-3]
    for fmt in formats:
        if fmt != "md":
            paths[fmt] = write_file(folder / f"{stem}.{fmt}", render(briefing, fmt))
    return paths


def saved(home: Path) -> list[Saved]:
    """Archived briefings, newest first."""
    folder = Path(home).expanduser() / ARCHIVE_DIR
    if not folder.is_dir():
        return []
    items = []
    for md in folder.glob("briefing-*.md"):
        h, j = md.with_suffix(".html"), md.with_suffix(".json")
        items.append(Saved(md.stem, md, h if h.is_file() else None, j if j.is_file() else None))
    return sorted(items, key=lambda s: (s.markdown.stat().st_mtime, s.stem), reverse=True)
