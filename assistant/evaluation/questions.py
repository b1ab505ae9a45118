"""The question table: what to ask, which tools a good answer calls, and which figures it states.

A table is a YAML (or JSON) list, in a file or in every ``*.yaml``/``*.yml``/``*.json`` file of
a folder (read in name order). Each entry:

``id`` (unique) and ``question`` (the text asked), and optionally:

- ``tools``: tool names a good answer calls, e.g. ``[get_price]``; ``a|b`` accepts either;
- ``args``: expected argument values per tool, e.g. ``{get_price: {asset: silver}}``; asset
  names are compared after resolution ("btc" is bitcoin), lists as sets, other values as text;
- ``truth``: figures the answer should state, computed from the data by
  :mod:`assistant.evaluation.truth`: ``{close: ASSET}``, ``{close_on: {asset, date}}``,
  ``{change: {asset, horizon}}`` (1d 1w 1m 3m ytd 1y), ``{ath: ASSET}``,
  ``{ratio: {asset, vs}}``, ``{first_above: {asset, level}}`` (a date);
- ``cites``: true when the answer should cite retrieved commentary ([n] or by title);
- ``follows``: the id of an earlier question: this one is asked in that conversation.

Unknown keys are kept in ``extra`` and ignored, so tables written for other purposes (with
notes or expected prose) can be run as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tools.errors import InputError

BUNDLED = Path(__file__).with_name("questions.yaml")
_KNOWN = {"id", "question", "tools", "args", "truth", "cites", "follows"}


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    tools: tuple[str, ...] = ()
    args: dict = field(default_factory=dict)
    truth: tuple[dict, ...] = ()
    cites: bool = False
    follows: str | None = None
    extra: dict = field(default_factory=dict)


def load(path: str | Path | None = None) -> list[Question]:
    """The questions in ``path`` (a file or a folder); the bundled table when None."""
    target = Path(path).expanduser() if path else BUNDLED
    if target.is_dir():
        files = sorted(
            p for p in target.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json")
        )
        if not files:
            raise InputError(f"{target} holds no .yaml, .yml or .json question files.")
    elif target.is_file():
        files = [target]
    else:
        raise InputError(f"No question file at {target}; give a .yaml/.json file or a folder.")
    questions = [q for f in files for q in _read(f)]
    _check(questions)
    return questions


def _read(path: Path) -> list[Question]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
        rows = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InputError(f"{path.name} is not a readable question table: {exc}") from None
    if isinstance(rows, dict):  # {"questions": [...]}
        rows = rows.get("questions")
    if not isinstance(rows, list):
        raise InputError(f"{path.name} must hold a list of questions (id, question, ...).")
    return [_question(row, path, i) for i, row in enumerate(rows, 1)]


def _question(row, path: Path, n: int) -> Question:
    if not isinstance(row, dict) or not str(row.get("question") or "").strip():
        raise InputError(f"{path.name}, entry {n}: every entry needs a 'question'.")
    tools = row.get("tools") or []
    truth = row.get("truth") or []
    if isinstance(tools, str):
        tools = [tools]
    if isinstance(truth, dict):
        truth = [truth]
    return Question(
        id=str(row.get("id") or f"{path.stem}-{n}"),
        question=str(row["question"]).strip(),
        tools=tuple(str(t) for t in tools),
        args={str(k): _keys(v) for k, v in dict(row.get("args") or {}).items()},
        truth=tuple(dict(t) for t in truth if isinstance(t, dict)),
        cites=bool(row.get("cites")),
        follows=str(row["follows"]) if row.get("follows") else None,
        extra={k: v for k, v in row.items() if k not in _KNOWN},
    )


def _keys(args):
    """YAML 1.1 reads an unquoted key ``on`` as True: get_price's ``on`` argument."""
    if not isinstance(args, dict):
        return args
    return {("on" if k is True else "off" if k is False else str(k)): v for k, v in args.items()}


def _check(questions: list[Question]) -> None:
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise InputError(f"The question id '{q.id}' is used twice; ids must be unique.")
        if q.follows and q.follows not in seen:
            raise InputError(
                f"Question '{q.id}' follows '{q.follows}', which does not come before it."
            )
        seen.add(q.id)
