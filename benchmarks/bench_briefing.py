"""An offline briefing for 5 assets, warm, each figure next to a baseline measured in the same run.

Budgets (issue 7): the whole briefing at most 2 s, of which the analysis (the facts computed
with the tools) at most 0.5 s. "Warm" means the prices are loaded (one Market, memoised) and
the commentary library is open with its embedding model loaded, as in a running app; what is
timed is everything a user waits for after pressing Generate: the analysis, the commentary
searches, the templates, the grounding check.

The real histories (../shared/market-data, up to 25 years per asset) are used when present,
otherwise the bundled demo data. Baselines: the analysis against the five price lookups that
the Moves table alone needs; the whole briefing against one offline chat turn ("How much is
silver?") through the agent. Rendering the HTML (11 charts) is measured too, without a budget.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.harness import Row, measure

REAL = Path(__file__).resolve().parents[2] / "shared" / "market-data"
ASSETS = ("gold", "silver", "bitcoin", "sp500", "dxy")


def _settings(home: Path):
    from assistant.config import Settings

    data = f"csv:{REAL}" if (REAL / "silver.csv").is_file() else "demo"
    as_of = "2026-01-23" if data != "demo" else None
    return Settings.from_env(data=data, as_of=as_of, home=str(home), model="offline")


def _knowledge(settings):
    """The library, opened and searched once so the embedding model is loaded (None if absent)."""
    from assistant.library import Library
    from knowledge.errors import KnowledgeError

    try:
        kb = Library.from_settings(settings)()
        kb.search("silver record", k=1)
        return kb
    except KnowledgeError:
        return None


def run() -> list[Row]:
    from assistant.agent import Assistant
    from assistant.briefing import render as br
    from assistant.briefing.facts import compute
    from assistant.briefing.pipeline import generate
    from tools.prices import price_lookup

    with tempfile.TemporaryDirectory() as home:
        settings = _settings(Path(home))
        market = settings.market()
        kb = _knowledge(settings)
        label = "real data" if settings.data != "demo" else "demo data"
        series = [market.series(a) for a in ASSETS]

        analysis = measure(lambda: compute(market, ASSETS), repeat=7)
        lookups = measure(lambda: [price_lookup(s) for s in series], repeat=21)
        total = measure(
            lambda: generate(settings, market=market, knowledge=kb, commentary=kb is not None),
            repeat=7,
        )
        assistant = Assistant(settings, market=market, knowledge=lambda: kb)
        ask = measure(lambda: assistant.ask("How much is silver?"), repeat=7)
        briefing = generate(settings, market=market, knowledge=kb, commentary=kb is not None)
        html = measure(lambda: br.to_html(briefing), repeat=3)
        quoted = (
            f"{len(briefing.passages)} passages quoted" if kb is not None else "library unavailable"
        )
        return [
            Row(
                f"briefing analysis, 5 assets ({label})",
                analysis,
                "5 price lookups (Moves table only)",
                lookups,
                budget_seconds=0.5,
                note="price lookups, all-time and 252-day breakouts, 3 ratios, 2 weekly lead/lags "
                "(1,000 permutations each)",
            ),
            Row(
                f"briefing total, offline, warm ({label})",
                total,
                "one offline ask() turn",
                ask,
                budget_seconds=2.0,
                note=f"analysis + commentary search + templates + grounding; {quoted}; "
                f"{briefing.grounding.checked} figures checked",
            ),
            Row(
                "briefing HTML with 11 charts (no budget)",
                html,
                "briefing total",
                total,
                note=f"{len(br.to_html(briefing)) / 1e6:.1f} MB, plotly.js inlined",
            ),
        ]
