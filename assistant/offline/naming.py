"""How the offline analyst names assets to a user: an asset the source lacks ("Ethereum is not
in your CSV folder; it has silver, gold, ..."), and a name read from a squeezed form ("taking
'snp500' as the S&P 500"). The file-naming hint for CSV folders belongs to the CLI help and the
docs, not to a chat answer.
"""

from __future__ import annotations

import re

from assistant import registry
from assistant.offline import quotes
from assistant.offline import wording as w


def name_of(key: str) -> str:
    from tools import assets

    found = assets.lookup(key)
    return found.name if found else key


_MISSING = re.compile(r"No CSV for (?P<n>.+?) in |'(?P<q>[^']+)' is not in your")


def user_error(x: registry.ToolFailure, text: str) -> str:
    """An asset the source lacks, said to a user: "Ethereum is not in your CSV folder; it has
    silver, gold, bitcoin, the S&P 500 and the US Dollar Index." (how to name files is in the
    CLI help and the docs)."""
    m = _MISSING.search(x.error)
    found = re.search(r"Assets found there:\s*(?P<a>[\w, ]+)", x.error)
    options = x.options or (re.split(r",\s*", found.group("a").strip()) if found else [])
    if not m or not options:
        return text
    name = m.group("n") or m.group("q")
    where = "your CSV folder" if "CSV" in x.error else "this data source"
    have = [quotes.mid(name_of(k)) for k in options if k]
    listed = w.and_list([h if h[:1].islower() else f"the {h}" for h in have])
    return f"{name[:1].upper()}{name[1:]} is not in {where}; it has {listed}."


def squeezed(text: str, key: str) -> bool:
    """A name written in a squeezed form ("snp500", "snp"), worth saying how it
    was read; tickers and the usual names are not."""
    low = text.lower()
    return low != key and bool(re.search(r"[a-z]\d|\d[a-z]|\bsnp\b", low))


def as_name(key: str) -> str:
    name = quotes.mid(name_of(key))
    return name if name[:1].islower() else f"the {name}"
