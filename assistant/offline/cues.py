"""Grammatical cues that settle what a question asks where the meaning-based guess wavers: its
tense (a forecast looks ahead; "has gold been rising?" looks back), a question about causes
("why", "what sent ... down"), a causal link between two assets ("is bitcoin driven by gold")
and a yes/no question about a direction ("has silver been climbing this year?").

The patterns read the masked question (assets as X, Y, Z and the date phrase as "then"), so
they describe sentence shapes rather than particular assets or dates.
"""

from __future__ import annotations

import re

# Looking ahead: "will", "going to", "headed to", "on track for", "could X reach", "target".
_FUTURE = re.compile(
    r"\b(?:will(?!\s+you\b)|won't|wo n't|gonna|going\s+to(?!\s+(?:do|say|tell|show|check))|"
    r"headed|heading|on\s+track|set\s+to|poised|likely\s+to|expected\s+to|bound\s+to|"
    r"predict\w*|forecast\w*|outlook|targets?|projection|prognos\w*|in\s+the\s+(?:coming|next)|"
    r"next\s+(?:week|month|quarter|year|decade)|by\s+(?:the\s+)?(?:end\s+of\s+)?"
    r"(?:(?:this|next)\s+)?(?:year[- ]end|year|month|week|quarter)|"
    r"(?:can|could|might|may)\s+(?:[xyz]|it|they)\s+(?:\w+\s+){0,2}?"
    r"(?:reach|hit|get|go|rise|fall|drop|top|break|climb|keep|rally|recover|crash|double|make)|"
    r"(?:see|get|be)\s+(?:[xyz]|it)\s+(?:\w+\s+){0,3}?again|ever\s+get\s+back|"
    r"is\s+(?:[xyz]|it)\s+(?:about|due)\s+to)\b"
)
# Looking back: perfect and past tenses, and windows that have already run.
_PAST = re.compile(
    r"\b(?:has|have|had|hasn't|haven't|did|didn't|was|were|been|so\s+far|lately|recently|"
    r"then|since|ago|yesterday)\b"
)
# Asking for a cause: "why", "how come", "what sent/drove/is weighing on ...", "reasons for".
CAUSE = re.compile(
    r"\bwhy\b|\bhow\s+come\b|\breasons?\s+(?:for|why|behind)\b|\bexplain\w*\b|"
    r"\b(?:any|what(?:'s|\s+is|\s+was)?\s+the)\s+reasons?\b|"
    r"\bwhat(?:'s|\s+is|\s+was|\s+has|\s+have|\s+had|\s+were|\s+are)?\s+(?:been\s+|really\s+|"
    r"actually\s+)?(?:the\s+)?(?:caus\w*|driv\w*|drove|push\w*|sen(?:d|ds|ding|t)|make|makes|"
    r"making|made|trigger\w*|behind|weigh\w*|knock\w*|spark\w*|fuel\w*|prop(?:s|ped|ping)?|"
    r"lift\w*|hurt\w*|drag\w*|led|boost\w*|hit|hitting|mov\w*|reasons?|story|deal\s+with|"
    r"got|sunk|sank|tank\w*|crush\w*|hammer\w*|underpin\w*)\b"
)
# One asset moving another: active voice (the first named asset leads) ...
_DRIVES = re.compile(
    r"\b(?:drives?|driving|push(?:es)?|pushing|leads?|influences?|influencing|affects?|"
    r"affecting|moves?|dictates?|determines?|steers?|predicts?|governs?|sets\s+the\s+pace\s+for|"
    r"shows?\s+up\s+in|feeds?\s+(?:through\s+)?into|spills?\s+over\s+(?:in)?to)"
    r"\s+(?:the\s+)?(?:price\s+of\s+)?[xyz]\b"
)
# ... and dependence (the first named asset follows).
FOLLOWS = re.compile(
    r"\b(?:driven|pushed|led|influenced|affected|moved|dictated|determined|governed|steered|"
    r"caused|powered|dominated)\s+by\b|\b(?:tied|linked|pegged|chained|hooked)\s+to\b|"
    r"\b(?:depends?|depending|dependent|hinges?|relies|rely|reliant)\s+on\b|"
    r"\bsensitive\s+to\b|\bat\s+the\s+mercy\s+of\b|\ba\s+function\s+of\b|"
    r"\b(?:responds?|reacts?|responding|reacting)\s+to\b|"
    r"\b(?:decoupl\w*|diverg\w*|detach\w*|breaking\s+away|broken\s+away)\s+from\b|"
    r"\bin\s+(?:sync|tandem|step|lockstep)\s+with\b|\bmov(?:e|es|ing|ed)\s+with\b"
)
# A yes/no question about a direction: "has X been rising then?", "is X down then?".
_YES_NO = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?(?:has|have|is|are|was|were|did|does|do)\b")
_ADVICE = re.compile(
    r"\b(?:should\s+(?:i|we)|buy|buying|sell|selling|load\s+up|invest\w*|go\s+(?:long|short)|"
    r"dump|hodl|accumulate|get\s+in(?:to)?|entry\s+point|add\s+to\s+my|worth\s+(?:buying|owning)|"
    r"good\s+(?:time|moment)\s+to|my\s+(?:portfolio|savings|money))\b"
)


def future(masked: str) -> bool:
    """The question looks ahead ("is X headed to 150k?", "could X reach 8000 by year end?")."""
    return bool(_FUTURE.search(masked.lower()))


def past(masked: str) -> bool:
    return bool(_PAST.search(masked.lower()))


def asks_cause(low: str) -> bool:
    """The question asks why something moved."""
    return bool(CAUSE.search(low))


def causal_link(masked: str) -> str | None:
    """ "drives" when the first named asset is said to move the other, "follows" when it is
    said to depend on the other, None when no such link is claimed."""
    low = masked.lower()
    if FOLLOWS.search(low):
        return "follows"
    if _DRIVES.search(low):
        return "drives"
    return None


def yes_no(text: str) -> bool:
    """A question answered by yes or no ("has gold been rising this month?")."""
    return bool(_YES_NO.match(text.lower()))


def advice(low: str) -> bool:
    return bool(_ADVICE.search(low))


# Measures no tool computes: said plainly before what the data does show.
_UNSUPPORTED = (
    ("volatility", r"volatil\w*|standard\s+deviation|sharpe(?:\s+ratio)?|\bbeta\b"),
    (
        "technical indicators (RSI, moving averages, support and resistance)",
        r"\brsi\b|overbought|oversold|moving\s+averages?|\b(?:sma|ema|macd)\b|bollinger|"
        r"support\s+levels?|resistance(?:\s+levels?)?|fibonacci",
    ),
    ("trading volume", r"\bvolumes?\b"),
    ("market capitalisation", r"market\s+cap\w*"),
    ("earnings, dividends or valuation ratios", r"\bp\s*/\s*e\b|\bpe\s+ratio|dividends?|earnings"),
    (
        "the biggest or smallest single moves in history",
        r"\b(?:biggest|largest|worst|best|steepest|sharpest|smallest)\s+(?:one[- ]day|"
        r"single[- ]day|daily|day|week|weekly|month|monthly|drop|fall|gain|rise|move|crash|"
        r"rally)s?\b(?!\s+to\b)",
    ),
    (
        "prices in other currencies",
        r"\bin\s+(?:euros?|eur|pounds?|sterling|gbp|yen|jpy|swiss\s+francs?|chf|rupees?|inr|"
        r"yuan|cny|rmb|aud|cad|australian\s+dollars?|canadian\s+dollars?)\b",
    ),
)
_RATIO = re.compile(r"\bratio\b|\bhow\s+many\s+(?:ounces|oz|units|coins)\s+of\b")
_RANKING = re.compile(
    r"\b(?:best|worst|top|strongest|weakest)[- ](?:perform\w*|asset|market|one)s?\b|"
    r"\bwhich\s+(?:asset|market|one|of\s+them)s?\b.*\b(?:best|worst|most|least)\b|"
    r"\b(?:rank|ranking)\b"
)


_RECORD = re.compile(
    r"\b(?:records?|highs?|highest|peak\w*|tops?|topp\w*|ath|all[- ]time|break(?:ing)?\s*out|"
    r"broke(?:n)?\s*out|breakouts?|drawdown|max(?:imum)?|summit|new\s+heights?)\b"
)


def record(low: str) -> bool:
    """The question names a record ("all-time high", "peak", "breaking out")."""
    return bool(_RECORD.search(low))


def unsupported(low: str) -> str | None:
    """What the question asks that no tool measures ("volatility"), or None."""
    return next((label for label, p in _UNSUPPORTED if re.search(p, low)), None)


_PER = re.compile(
    r"\bhow\s+many\s+(?:ounces|oz|units|coins)\s+of\s+x\b.*\b(?:one|an|a|each|per)\s+"
    r"(?:\w+\s+of\s+)?y\b"
)


def per(masked: str) -> bool:
    """ "how many ounces of X does one ounce of Y buy": Y's price over X's (Y named second)."""
    return bool(_PER.search(masked.lower()))


def ratio(low: str) -> bool:
    """The question asks for the ratio of two prices ("the gold/silver ratio")."""
    return bool(_RATIO.search(low))


def ranking(low: str) -> bool:
    """The question ranks assets without naming them ("best performing asset this year?")."""
    return bool(_RANKING.search(low))
