"""The offline analyst on the real histories as of 2026-01-23 (skipped without
../shared/market-data)."""

from __future__ import annotations

import pytest

from assistant.agent import Assistant
from assistant.config import Settings
from tools import formatting as f


@pytest.fixture(scope="module")
def assistant(request):
    from conftest import MARKET_DATA

    if not (MARKET_DATA / "silver.csv").is_file():
        pytest.skip("../shared/market-data is not present")
    return Assistant(Settings(data=f"csv:{MARKET_DATA}", as_of="2026-01-23"), knowledge=None)


def test_how_much_is_silver(assistant):
    reply = assistant.ask("How much is silver?")
    assert "100.93" in reply.answer
    assert reply.tool_results[0]["artifact"]["close"] == pytest.approx(100.925, abs=1e-3)
    assert reply.grounding.ok


def test_silver_against_gold_over_three_months(assistant):
    reply = assistant.ask("Has silver outperformed gold over the last three months?")
    rows = {r["asset"]: r for r in reply.tool_results[0]["artifact"]["rows"]}
    for key in ("silver", "gold"):
        assert f.pct(abs(rows[key]["change_pct"]["3m"]), signed=False) in reply.answer
    winner = max(rows, key=lambda k: rows[k]["change_pct"]["3m"])
    assert reply.answer.startswith(f"**{winner.title()} did better than")  # the verdict first
    assert reply.grounding.ok


def test_does_bitcoin_follow_silver_reports_the_tool_verdict(assistant):
    reply = assistant.ask("Does bitcoin follow silver?")
    call = reply.tool_calls[0]
    assert (
        call["name"] == "lead_lag"
        and call["args"]["leader"] == "silver"
        and call["args"]["freq"] == "weekly"
    )
    artifact = reply.tool_results[0]["artifact"]
    assert artifact["verdict"] in reply.answer
    assert f.pvalue(artifact["best_lag"]["p_value_adjusted"]) in reply.answer
    plain = "Significant" if artifact["best_lag"]["significant"] else "No significant"
    assert reply.answer.startswith(f"**{plain}")
    assert reply.grounding.ok


def test_article_claim_record_above_100(assistant):
    reply = assistant.ask("Is silver breaking out?")
    assert "at a record" in reply.answer.lower()  # its last close is the record
    assert "2025-10-08" in reply.answer and "48.58" in reply.answer
