"""Front matter: the YAML block between ``---`` lines at the top of a Markdown note, read safely.

YAML can make a few hundred bytes stand for gigabytes (aliases that repeat aliases: the
"billion laughs") and deep nesting can exhaust the parser's recursion. Front matter is a
handful of ``key: value`` lines, so it is read with limits that no real note comes near:

- at most ``MAX_CHARS`` characters;
- no aliases (``*name``) and no merge keys (``<<: *name``): refused before anything expands;
- at most ``MAX_DEPTH`` levels of nesting;
- only the safe YAML types (strings, numbers, booleans, dates, lists, mappings).

Every refusal is a ``LoadError`` naming the problem and the fix.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.errors import LoadError

MAX_CHARS = 16_000
MAX_DEPTH = 16


class _Refused(yaml.YAMLError):
    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, refusing aliases and nesting deeper than ``MAX_DEPTH``."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _Refused(
                "aliases (*name) are not allowed; write the values out",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(
                    f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse(path: Path, block: str) -> dict:
    """The front matter ``block`` (without its ``---`` lines) as a mapping."""
    if len(block) > MAX_CHARS:
        raise LoadError(
            path,
            f"front matter is {len(block):,} characters, over the {MAX_CHARS:,}-character limit; "
            "keep only title, source, author, published, url, assets and tags between the --- "
            "lines",
        )
    loader = _BoundedLoader(block)
    try:
        meta = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise LoadError(path, _why(exc)) from exc
    except RecursionError as exc:  # a deeply nested flow collection, before composition
        raise LoadError(
            path, "front matter is nested too deeply; fix the block between the --- lines"
        ) from exc
    finally:
        loader.dispose()
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise LoadError(path, "front matter must be a YAML mapping of key: value lines")
    return meta


def _why(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 2}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or "syntax error"
    return (
        f"front matter is not valid YAML{where} ({problem}); fix the block between the --- "
        "lines at the top"
    )
