"""The evaluation harness: the offline analyst on the quick subset (as in CI), scores that catch
a model's mistakes, truths computed from planted data, the question table format, and the
"Model runs" section of the report."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fakes import series
from openai_stub import StubOpenAI

from assistant.agent import Assistant
from assistant.cli.main import main
from assistant.config import Limits, RequestOptions, Settings
from assistant.evaluation import questions as qs
from assistant.evaluation.report import SECTION, add_run
from assistant.evaluation.runner import run
from assistant.evaluation.truth import compute
from tools.errors import InputError

OTHER_SECTION = (
    "## Offline analyst question table\n\n| question | verdict |\n|---|---|\n| a | b |\n"
)


def test_the_offline_analyst_on_the_quick_subset(tmp_path, capsys):
    doc = tmp_path / "evaluation.md"
    doc.write_text(f"# Evaluation\n\n{OTHER_SECTION}")
    code = main(["eval", "--data", "demo", "--limit", "5", "--json", "--doc", str(doc)])
    out, err = capsys.readouterr()
    assert code == 0, err
    result = json.loads(out)
    summary = result["summary"]
    assert summary["model"] == "offline" and summary["questions"] == 5
    assert summary["passed"] == 1.0 and summary["tools"] == 1.0 and summary["args"] == 1.0
    assert summary["figures"] == 1.0 and summary["grounded"] == 1.0
    by_id = {q["id"]: q for q in result["questions"]}
    assert by_id["followup-and-gold"]["tools_called"][0] == "lead_lag"  # asked in its thread
    assert all(q["model_calls"] >= 1 for q in result["questions"])
    text = doc.read_text()
    assert OTHER_SECTION in text  # another section is kept as it was
    rows = [line for line in text.split(SECTION)[1].splitlines() if line.startswith("| 20")]
    assert len(rows) == 1 and "| offline | demo |" in rows[0] and "| 100% |" in rows[0]
    assert "pass price-silver" in err


def wrong_model(body: dict) -> dict:
    """Calls the tool for the wrong asset, then invents a price."""
    if not any(m["role"] == "tool" for m in body["messages"]):
        return {"tool_calls": [{"name": "get_price", "args": {"asset": "gold"}}]}
    return {"text": "Silver is at 12,295.00 USD."}


def test_scores_catch_a_wrong_argument_and_an_invented_figure():
    with StubOpenAI() as stub:
        stub.push(wrong_model, wrong_model)
        settings = Settings(
            data="demo",
            model="openai:stub-model",
            openai_base_url=stub.base_url,
            limits=Limits(retries=0),
            request=RequestOptions(recheck=False),
        )
        result = run(Assistant(settings), qs.load()[:1])
    score = result.scores[0]
    assert score.tools_ok and not score.args_ok and score.figures == 0.0
    assert not score.grounded and not score.passed and score.warning.startswith("Unverified")
    assert any("expected {'asset': 'silver'}" in p for p in score.problems)
    assert score.model_calls == 2 and score.input_tokens == 20 and score.output_tokens == 10
    summary = result.summary()
    assert summary["passed"] == 0 and summary["flagged"] == 1 and summary["args"] == 0


class PlantedMarket:
    """A market of hand-made series (planted figures)."""

    def __init__(self, **frames):
        self.frames = frames

    def series(self, name):
        return self.frames[name]


def test_truths_follow_the_definitions_on_planted_data():
    dates = ["2024-12-31", "2025-06-30", "2025-12-31", "2026-01-02", "2026-01-05"]
    silver = series([50.0, 60.0, 80.0, 84.0, 88.0], dates, key="silver")
    gold = series([2000.0, 2500.0, 3000.0, 3100.0, 4400.0], dates, key="gold")
    market = PlantedMarket(silver=silver, gold=gold)
    assert compute({"close": "silver"}, market).value == 88.0
    assert compute({"change": {"asset": "silver", "horizon": "1d"}}, market).value == (
        pytest.approx(88 / 84 * 100 - 100)
    )
    assert compute({"change": {"asset": "silver", "horizon": "ytd"}}, market).value == (
        pytest.approx(10.0)  # against the last close of 2025
    )
    assert compute({"change": {"asset": "silver", "horizon": "1y"}}, market).value == (
        pytest.approx(76.0)  # against 2024-12-31, the last close on or before 2025-01-05
    )
    assert compute({"ratio": {"asset": "silver", "vs": "gold"}}, market).value == 0.02
    assert compute({"ath": "gold"}, market).value == 4400.0
    assert str(compute({"first_above": {"asset": "silver", "level": 80}}, market).date) == (
        "2025-12-31"
    )
    assert compute({"close_on": {"asset": "gold", "date": "2025-07-01"}}, market).value == 2500.0


def test_a_question_table_from_a_folder(tmp_path):
    (tmp_path / "a.yaml").write_text(
        '- {id: one, question: "How much is silver?", tools: get_price, note: kept,\n'
        "   args: {get_price: {asset: silver, on: 2025-01-02}}}\n"
    )
    (tmp_path / "b.json").write_text(
        json.dumps([{"id": "two", "question": "and gold?", "follows": "one"}])
    )
    table = qs.load(tmp_path)
    assert [q.id for q in table] == ["one", "two"] and table[0].tools == ("get_price",)
    assert table[0].extra == {"note": "kept"} and table[1].follows == "one"
    # YAML 1.1 reads the key `on` as true: it is get_price's argument
    assert table[0].args == {"get_price": {"asset": "silver", "on": dt.date(2025, 1, 2)}}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("- {id: a, question: x}\n- {id: a, question: y}\n", "used twice"),
        ("- {id: a, question: x, follows: b}\n", "does not come before"),
        ("- {id: a}\n", "needs a 'question'"),
        ("just text", "list of questions"),
        ("- [unclosed", "not a readable question table"),
    ],
)
def test_a_bad_question_table_says_what_is_wrong(tmp_path, text, says):
    path = tmp_path / "q.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        qs.load(path)
    assert says in str(err.value)


def test_the_bundled_table_has_enough_questions_and_valid_truths():
    table = qs.load()
    assert len(table) >= 20 and len({q.id for q in table}) == len(table)
    market = Settings(data="demo").market()
    for q in table:
        for spec in q.truth:
            truth = compute(spec, market)
            assert truth.value is not None or truth.date is not None, (q.id, spec)


def test_rows_accumulate_in_their_section(tmp_path):
    doc = tmp_path / "evaluation.md"
    doc.write_text(f"# Evaluation\n\n{SECTION}\n\nNotes.\n\n{OTHER_SECTION}")
    for model in ("offline", "openai:m"):
        add_run(doc, {"model": model, "date": "2026-12-01", "data": "demo", "questions": 2})
    text = doc.read_text()
    section = text.split(SECTION)[1].split("## Offline")[0]
    assert "Notes." in section and section.count("| 2026-12-01 |") == 2
    assert section.index("| offline |") < section.index("| openai:m |")
    assert text.endswith(OTHER_SECTION)
