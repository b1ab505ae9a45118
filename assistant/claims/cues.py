"""The wording the offline extractor recognises: what makes a sentence a level, a move, a lead/lag,
a divergence..., and what makes it a forecast, an opinion or a statement about supply, policy or
flows that price data cannot test. Patterns run on lower-cased text with plain apostrophes.
"""

from __future__ import annotations

import re


def rx(*parts: str) -> re.Pattern:
    return re.compile("|".join(parts), re.I)


NEG = (
    r"(?:hasn't|has not|haven't|have not|didn't|did not|doesn't|does not|isn't|is not|wasn't|"
    r"was not|aren't|are not|failed to|yet to|not)"
)

# --- not testable with price data (checked before the testable kinds unless said otherwise) ---

QUESTION = re.compile(r"\?\s*$")
FORECAST = rx(
    r"\b(could|might|would|should|will|won't|shall)\b",
    r"\bmay\b(?!\s+\d)",
    r"\b(going to|expected to|likely to|set to|poised to|bound to|about to|on track to)\b",
    r"\b(likely|probably|perhaps|maybe)\b",
    r"\bneeds? to\b",
    r"^\s*(if|unless|once|should)\b",
    r"\b(forecast|outlook|predict\w*|projection|target of|price target)\b",
    r"\bwhat comes next\b",
    r"\bsetting the stage\b",
)
OPINION = rx(
    r"\bi (think|believe|expect|suspect|feel|doubt)\b",
    r"\b(in my view|in our view|we think|we believe|to me)\b",
    r"\b(seems?|appears?|looks?|feels?) (to be|like|as if|cheap|expensive|set)\b",
    r"\bseems\b",
    r"\b(interesting|remarkable|surprising|worth watching|worth noting|makes you wonder)\b",
    r"\b(arguably|clearly overdone|overvalued|undervalued|bubble|attractive|matters for)\b",
    r"\bisn't (straightforward|simple|clear)\b",
    r"\bsuggests?\b",
)
DISCOURSE = rx(
    r"\bworth (looking at|asking|considering)\b", r"^\s*(let's|let us)\b", r"\bpattern worth\b"
)
POLICY = rx(
    r"\b(federal reserve|the fed|fed's|central banks?|ecb|fomc|rate cuts?|rate hikes?|cut rates|"
    r"hike rates|raise rates|interest rates?|monetary policy)\b",
    r"\b(tariffs?|sanctions?|regulat\w*|legislation|government|congress|the us (recently )?"
    r"(called|designated|named|added)|critical mineral|designat\w*|ban(ned)?|executive order|"
    r"etf approvals?|approved)\b",
)
SUPPLY = rx(
    r"\b(supply|supplies|deficit|surplus|shortage|mine[sd]?|mining|by-product|byproduct|output|"
    r"production|inventor(y|ies)|stockpil\w*|warehouse stocks|recycling)\b",
    r"\b(demand|consumption|industrial use|solar|photovoltaic|electric vehicles?|evs?|power grids?|"
    r"jewell?ery|electronics|energy transition|halving)\b",
)
FLOWS = rx(
    r"\b(investors?|traders?|funds?|institutions?|retail|capital|money|inflows?|outflows?|"
    r"flows?|positioning|positioned|allocation|buyers|sellers|speculators?|speculation|"
    r"sentiment|fear|greed|risk appetite|risk-off|risk-on|defensive|"
    r"uncertainty|panic|euphoria|expectations?|narrative|conviction)\b"
)
CAUSAL_SUBJECT = rx(
    r"\b(driv(?:e|es|ing|en)|push(?:es|ed|ing)?|lift(?:s|ed|ing)?|propel\w*|fuel(?:s|ed|ing|led)?|"
    r"weigh(?:s|ed|ing)? on|behind the|responsible for|caused?|led to)\b",
    r"\b(factors?|reasons?|drivers?|tailwinds?|headwinds?)\b",
    r"\bdepend(?:s|ed)? on\b",
)
BECAUSE = re.compile(
    r"\s*(?:,\s*)?\b(because|due to|thanks to|on the back of|as investors|as traders|amid|"
    r"driven by|helped by|fuell?ed by)\b",
    re.I,
)
REGIME = rx(
    r"\bthat's where\b",
    r"\b(often|typically|usually|tends? to)\b.*\b(while|when|whenever|during)\b",
    r"\b(during|in) (these|such|those|that) (periods|phases|times|regimes|environments)\b",
    r"\bperform(?:s|ed)? best\b",
    r"\b(phase|regime)\b",
)
CHARACTER = rx(
    r"\b(safe haven|store of value|strategic commodity|hedge against|digital gold|"
    r"not pure speculation|flash in the pan)\b"
)
MARKET_WORDS = rx(
    r"\b(markets?|assets?|prices?|investors?|capital|money|rates?|yields?|inflation|liquidity|"
    r"crypto|metals?|commodit\w*|rall\w*|breakouts?|stocks?|bonds?|currenc\w*|debasement)\b"
)

# --- remarks about the claims, the document or the reader (checked first, on the sentence) ---

CLAIM_WORDS = (
    r"(?:claims?|statements?|thesis|argument|assertions?|evidence|case|reading|interpretation|"
    r"comparisons?|conclusions?|sequence|story|narrative|hypothesis|idea|call)"
)
EVALUATIVE = (
    r"(?:weak\w*|strong\w*|shaky|thin|solid|robust|fragile|testable|untestable|checkable|checked|"
    r"tested|verified|plausible|speculative|debatable|overstated|unproven|a stretch|convincing|"
    r"unconvincing|persuasive|hard\w*|eas(?:y|ier|iest)|difficult|questionable|doubtful|tenuous|"
    r"anecdotal)"
)
# A claim word as the subject of an evaluation: "the lag claim is the weakest", "the record and
# the silver-versus-gold comparison can be checked on closing prices", "these are testable".
REMARK_CLAIM = rx(
    rf"^\s*(?:the|this|that|these|those|each|every|both|its|their)\b[^.;:]{{0,60}}?"
    rf"\b{CLAIM_WORDS}\b[^.;:]{{0,40}}?\b(?:is|are|was|were|looks?|seems?|remains?|"
    rf"can(?:not|'t)? be|could be)\s+(?:\w+\s+){{0,2}}?{EVALUATIVE}\b",
    r"^\s*(?:these|those|they|all of these) (?:are|were|remain) (?:\w+ )?(?:testable|untestable|"
    r"claims|statements|assertions|hypotheses)\b",
    r"\bnot (?:established|proven) facts?\b",
    r"\b(?:weakest|strongest|shakiest|most (?:robust|fragile|speculative)|least (?:robust|"
    r"convincing)) (?:claim|part|link|point|argument|step)\b",
    rf"^\s*(?:the|this|that)\s+(?:\w+\s+)?{CLAIM_WORDS}\s+(?:rests?|relies|hinges) on\b",
)
# Statistical caution about a claim: "a correlation found by searching many lags is easily a
# chance result", "a lead of weeks to months is a wide window".
REMARK_CAUTION = rx(
    r"\b(?:a )?chance (?:result|finding)\b",
    r"\b(?:by|due to|down to|pure) (?:chance|luck|coincidence)\b|\bcoinciden(?:ce|tal)\b",
    r"\bspurious\b|\bdata[- ]mining\b|\bdata[- ]dredg\w*|\boverfit\w*|\bcherry[- ]pick\w*",
    r"\bsearching (?:many|several|lots of|a range of) lags\b|\bmultiple (?:comparisons|testing)\b",
    r"\b(?:is|as) a (?:wide|broad|generous|vague) (?:window|range)\b",
    r"\bcorrelation (?:is not|isn't|does not imply|doesn't imply) causation\b",
    r"\b(?:small|tiny|short) samples?\b|\bfew (?:cycles|episodes|observations|data points)\b",
    r"\b(?:hard|difficult|impossible|easy) to (?:prove|test|verify|check|falsify|defend)\b",
)
# Advice to the reader (counted only in a sentence that names no asset) and pointers elsewhere.
REMARK_ADVICE = rx(
    r"^\s*(?:see|read|check|compare|remember|keep in mind|bear in mind|treat|consider|beware|"
    r"do not|don't|never|always|be (?:careful|wary|cautious)|take (?:it|this|these|them) with|"
    r"for (?:more|details|background|the method\w*)\b)"
)
REMARK_POINTER = rx(
    r"\b(?:see|read) (?:the|our|this|that|its) (?:\w+ )?(?:notes?|section|chapter|appendix|"
    r"methodology|article|companion|guide|explainer)\b",
    r"\bbefore treating\b|\btreat(?:ing)? (?:it|this|that|the \w+) as a rule\b",
    r"\bnot (?:investment|financial) advice\b",
)
# The document speaking of itself: "This note restates, in the project's own words, ...".
REMARK_DOCUMENT = rx(
    r"^\s*(?:this|the present) (?:note|article|piece|post|page|summary|report|write-?up)\b[^.;:]"
    r"{0,20}?\b(?:restates|summari[sz]es|describes|explains|covers|reviews|credits|draws on|"
    r"is (?:about|based on|a summary|a restatement))\b",
    r"\bin the project's own words\b|\bis credited (?:here )?by\b|\bhas no named author\b",
)
REMARK_CLAIM_REASON = "a remark about the claim, not a claim about markets"
REMARK_ADVICE_REASON = "advice to the reader or a pointer to other notes, not a claim about markets"
REMARK_DOCUMENT_REASON = "a remark about the document itself, not a claim about markets"

# "money flows first into gold and silver": the leaders a later "bitcoin follows later" means
# (an opening "First," counts a list, not a sequence).
FIRST = rx(r"(?<!^)(?<![.;:]\s)\bfirst\b(?!,)", r"\bmov(?:e|es|ed) before\b")

# A habit, not a period: "bitcoin tends to move sideways (when ...)".
HABIT = rx(r"\b(?:tends? to|typically|usually|generally|as a rule|often)\b")
HABIT_REASON = (
    "it describes a habit in some market phase, not a move over a period the data can check"
)
# How a driver works in general: "falling real yields favour silver", "a softer dollar makes
# dollar-priced metal cheaper" (a claim that it happened reads "has helped", "pushed").
MECHANISM = rx(
    r"\b(?:favou?rs?|makes?|means?|helps?|hurts?|supports?|benefits?|weighs on|is good for|"
    r"is bad for|tends? to (?:lift|help|support|hurt))\b(?! (?:up|down)\b)"
)
MECHANISM_REASON = "it explains how a driver works in general, not what prices did"

# --- testable kinds ---------------------------------------------------------------------------

FOLLOW_VERB = rx(
    r"\b(follow(?:s|ed|ing)?|lag(?:s|ged|ging)?|trail(?:s|ed|ing)?|echo(?:es|ed)?|"
    r"mirror(?:s|ed)?)\b",
    r"\b(mov(?:e|es|ed)|react(?:s|ed)?|respond(?:s|ed)?|catch(?:es)? up|rall(?:y|ies|ied))\s+"
    r"(later|afterwards|after(?:wards)?|with a (?:lag|delay))\b",
)
LEAD_VERB = rx(
    r"\b(preced(?:e|es|ed|ing)|leads|(?<!of )led|front-?run(?:s|ning)?|anticipat(?:e|es|ed)|"
    r"foreshadow(?:s|ed)?|leading indicator)\b",
    r"\b(?:tends? to|to|often|usually|typically|can|does|do|did) lead\b",
    r"\b(mov(?:e|es|ed)|rall(?:y|ies|ied)) (first|before|earlier)\b",
)
LAG_WORDING = rx(
    r"\bwith a (lag|delay)\b",
    r"\b(later|afterwards)\b",
    r"\bby (about |roughly |around )?(\d+|a|an|one|two|three|four|five|six|a few|several) "
    r"(day|week|month)s?\b",
    r"\bafter a (lag|delay)\b",
    r"\b(lead|leading|lagging) indicator\b",
    r"\b(follow|follows|lag|lags|trail|trails|tends? to follow|tends? to lag)\b",
    r"\b(historically|typically|usually|tends? to|often|in (previous|past) cycles)\b",
)
PERFORMANCE_LAG = rx(
    r"\b(has|have|had) (?:\w+ )?(lagged|trailed)\b",
    r"\b(is|are|was|were) (?:\w+ )?(lagging|trailing)\b",
    r"\blag(?:ged|ging)? behind\b",
)
# "X has lagged Y this year": X did worse than Y (relative performance), unless the wording is about
# timing ("with a lag", "follows", "weeks later", "tends to lag").
LAG_VERB = rx(r"\b(?:lag(?:s|ged|ging)?|trail(?:s|ed|ing)?)\b(?!\s+(?:indicator|of|by)\b)")
TIMING = rx(
    r"\bwith a (?:lag|delay)\b|\bafter a (?:lag|delay)\b|\b(?:later|afterwards)\b",
    r"\bfollow(?:s|ed|ing)?\b|\bby (?:about |roughly |around )?(?:\d+|a|an|one|two|three|four|five|"
    r"six|a few|several) (?:day|week|month)s?\b",
    r"\b(?:tends? to|typically|usually|historically|often|in (?:previous|past) cycles)\b",
)
# "has never traded above", "did not reach", "failed to break": a level that was not reached.
LEVEL_NEGATION = re.compile(r"\b(?:never|no longer)\b|" + NEG + r"\s+(?:\w+\s+){0,3}$", re.I)
RARE = rx(
    r"\b(doesn't|does not|don't|do not|rarely|seldom|hardly ever|almost never) "
    r"(happen|occur)\w*",
    r"\b(rare(ly)?|unusual|uncommon|unprecedented|exceptional|once in a \w+)\b",
)
COMMON = rx(
    r"\b(isn't|is not|not|hardly|nothing) (unusual|uncommon|rare|unprecedented|new)\b",
    r"\b(happens?|occurs?) (often|a lot|regularly|all the time|frequently)\b",
    r"\b(common|commonplace|normal|the norm|typical)\b",
)
RECORD = rx(
    r"\ball[- ]time highs?\b",
    r"\brecord (highs?|closes?|levels?|territory|prices?)\b",
    r"\bnew (all[- ]time |record )?highs?\b",
    r"\b(at|hit|to|set(ting)?|notch(ed|ing)?|a new) (a )?(fresh |new )?record\b",
    r"\bath\b",
    r"\bhighest (level|close|price)s? (ever|on record|in history)\b",
    r"\brecord high\b",
)
LEVEL_VERB = rx(
    r"\b(hit|hits|hitting|reach(?:ed|es|ing)?|top(?:s|ped|ping)?|cross(?:ed|es|ing)?|"
    r"above|over|past|through|beyond|broke|break(?:s|ing)?|clear(?:ed|s)?|exceed(?:ed|s)?|"
    r"at|to|surpass(?:ed|es)?|below|under|beneath|trad(?:es|ed|ing) at|clos(?:es|ed|ing) at)\b",
    r"\b(high|peak|record|level|top|low) of\b",
)
BELOW = rx(r"\b(below|under|beneath|sub)\b")
OUTPERFORM = rx(
    r"\b(outperform(?:s|ed|ing)?|outpac(?:e|es|ed|ing)|outrun|outran|outshone|outshines?|"
    r"beat(?:s|en|ing)?|did better than|done better than|doing better than|ahead of|"
    r"gained more than|rose more than|risen more than)\b"
)
UNDERPERFORM = rx(
    r"\b(underperform(?:s|ed|ing)?|did worse than|done worse than|doing worse than|"
    r"fell behind|trail(?:s|ed|ing)? behind|lost more than|fell more than|fallen more than)\b"
)
DIVERGE = rx(
    NEG + r"\s+(?:\w+\s+)?(follow(?:ed|ing)?|join(?:ed)?|kept pace|keep(?:ing)? pace|"
    r"participat\w*|respond(?:ed)?|react(?:ed)?|gone along|go along|tracked|matched)\b",
    r"\bdiverg\w*|\bdecoupl\w*|\bleft behind\b|\bsat out\b|\bmissed (?:out on )?the "
    r"(?:rally|move)\b",
    r"\b(has|have|had) (?:\w+ )?(lagged|trailed)\b|\b(is|are) (?:\w+ )?(lagging|trailing)\b",
    r"\blagg(?:ed|ing) behind\b",
)
DOLLAR = r"(?:the\s+)?(?:us\s+|u\.s\.\s+)?(?:dollar(?:\s+index)?|greenback|dxy)"
YIELDS = r"(?:(?:real|bond|treasury|10-year|ten-year|long-term)\s+)*yields?"
DOWN_WORDS = (
    r"weak(?:en(?:s|ed|ing)?|ness|er)|fall(?:s|ing|en)?|fell|slid(?:e|es|ing)?|slump\w*|"
    r"drop\w*|declin\w*|los(?:t|ing|es) ground|eas(?:e|es|ed|ing)|lower|down|soft(?:en\w*|er)?|"
    r"sink\w*|sank"
)
UP_WORDS = (
    r"strength(?:en(?:s|ed|ing)?)?|strong(?:er)?|ris(?:e|es|ing|en)|rose|rall\w*|climb\w*|"
    r"jump\w*|gain\w*|firm\w*|higher|up|surg\w*|soar\w*"
)
MACRO_DOWN = rx(
    rf"\b(?:weaken(?:s|ed|ing)?|sink(?:s|ing)?|hit(?:s|ting)?|pressur\w*|drag(?:s|ged)? down)\s+"
    rf"{DOLLAR}\b",
    rf"\b{DOLLAR}(?:'s)?\s+(?:has\s+been\s+|have\s+been\s+|has\s+|have\s+|is\s+|are\s+|keeps?\s+)?"
    rf"(?:{DOWN_WORDS})\b",
    rf"\b(?:weak(?:er|ening)?|falling|soft(?:er|ening)?|declining)\s+{DOLLAR}\b",
    rf"\b(?:push(?:es|ed|ing)?|send(?:s|ing)?|driv\w*|drag\w*|keep\w*)\s+{YIELDS}\s+(?:lower|down)\b",
    rf"\b{YIELDS}\s+(?:have\s+been\s+|has\s+been\s+|are\s+|have\s+|is\s+)?(?:{DOWN_WORDS})\b",
    rf"\b(?:falling|lower|declining|sliding)\s+{YIELDS}\b",
)
MACRO_UP = rx(
    rf"\b(?:strengthen(?:s|ed|ing)?|lift(?:s|ed|ing)?|boost(?:s|ed|ing)?)\s+{DOLLAR}\b",
    rf"\b{DOLLAR}(?:'s)?\s+(?:has\s+been\s+|have\s+been\s+|has\s+|have\s+|is\s+|are\s+|keeps?\s+)?"
    rf"(?:{UP_WORDS})\b",
    rf"\b(?:strong(?:er)?|rising|firm(?:er)?|surging)\s+{DOLLAR}\b",
    rf"\b(?:push(?:es|ed|ing)?|send(?:s|ing)?|driv\w*|lift\w*)\s+{YIELDS}\s+(?:higher|up)\b",
    rf"\b{YIELDS}\s+(?:have\s+been\s+|has\s+been\s+|are\s+|have\s+|is\s+)?(?:{UP_WORDS})\b",
    rf"\b(?:rising|higher|climbing|surging)\s+{YIELDS}\b",
)
MOVE_UP = rx(
    r"\b(rall(?:y|ied|ies|ying)|rally's|climb(?:s|ed|ing)?|ris(?:e|es|ing|en)|rose|"
    r"surg(?:e|es|ed|ing)|soar(?:s|ed|ing)?|jump(?:s|ed|ing)?|gain(?:s|ed|ing)?|"
    r"advanc(?:e|es|ed|ing)|rebound(?:s|ed|ing)?|higher|build(?:s|ing)|run-?up|shot up|went up|"
    r"moved up|spik(?:e|es|ed|ing)|rocket(?:s|ed|ing)?|doubl(?:e|es|ed|ing)|tripled|bull run|"
    r"uptrend|up strongly|up sharply)\b"
)
MOVE_DOWN = rx(
    r"\b(f(?:all|alls|ell|alling|allen)|drop(?:s|ped|ping)?|slid(?:e|es|ing)?|slump(?:s|ed|ing)?|"
    r"plung(?:e|es|ed|ing)|crash(?:es|ed|ing)?|tumbl(?:e|es|ed|ing)|declin(?:e|es|ed|ing)|sank|"
    r"sink(?:s|ing)?|sell-?off|sold off|slipp(?:ed|ing)|retreat(?:s|ed|ing)?|collaps\w*|"
    r"downtrend|lost ground|gave back|halved|down sharply|down strongly)\b"
)
MOVE_FLAT = rx(
    r"\b(flat|sideways|range-?bound|unchanged|went nowhere|gone nowhere|treading water|stalled|"
    r"stuck in a range)\b",
    NEG + r"\s+(?:really\s+)?(moved|budged)\b",
)
ACCELERATE = rx(
    r"\baccelerat\w*",
    r"\bpick(?:ed|ing|s)? up (?:speed|pace|steam)\b",
    r"\bgather(?:ed|ing|s)? (?:pace|steam|momentum)\b",
    r"\bgone parabolic|went parabolic|parabolic\b",
    r"\b(?:sped|speeded|speeding) up\b|\bgot faster\b",
)
STRONG = rx(
    r"\b(sharp(?:ly)?|steep(?:ly)?|surg\w*|soar\w*|plung\w*|crash\w*|tumbl\w*|collaps\w*|"
    r"massive(?:ly)?|huge|dramatic(?:ally)?|spectacular(?:ly)?|rocket\w*|doubl\w*|tripled|halved)\b"
)
# "the rally", "the metal": with no asset named nearby, the document's own subject.
NOUN_ANAPHOR = rx(
    r"\b(the rally|the rally's|this rally|that rally|the move|the metal|the surge|the advance|"
    r"the climb|the breakout)\b"
)
ANAPHOR = rx(
    r"^\s*(it|its|it's|they|their|the rally|the move|the metal|the coin|the climb|the advance|"
    r"prices|the price|this rally|the surge|that rally)\b",
    r"\b(the rally|the rally's|this rally|the move|the metal|the surge|the advance|the climb)\b",
)
