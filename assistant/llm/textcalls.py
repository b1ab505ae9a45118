"""Tool calls a model wrote as text instead of structured ``tool_calls``.

Small local models, and servers started without a tool-call parser for the model, put the call
in the answer text. The forms seen in practice:

- Hermes tags ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``, and the same inside
  ``<tools>``, ``<tool>`` or ``<function_call>``;
- ``<function=NAME>{...}</function>`` or ``<function=NAME><parameter=KEY>VALUE</parameter>``;
- a fenced ```` ```json ```` block, or a bare JSON object anywhere in the text, also as a list or
  inside ``{"tool_calls": [...]}`` and in OpenAI's ``{"function": {...}}`` shape;
- doubled braces ``{{"name": ..., "arguments": {...}}}`` (a prompt template's escaping);
- ``get_price(asset="silver")`` on a line of its own or in a fence (Python-style calls).

:func:`parse` returns the calls it could read (only names in ``known``), what looked like a call
but could not be used (and why), and the prose left when the calls are taken out. Arguments are
checked against each tool's schema by the caller, which has the tools.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

MAX_SCAN = 20_000  # characters of a reply searched for calls
_TAG = re.compile(r"<(tool_call|tools|tool|function_call)>\s*(.*?)\s*(?:</\1>|\Z)", re.S | re.I)
_FUNCTION = re.compile(r"<function=([\w.\-]+)>\s*(.*?)\s*(?:</function>|\Z)", re.S)
_PARAMETER = re.compile(r"<parameter=([\w.\-]+)>\s*(.*?)\s*</parameter>", re.S)
_FENCE = re.compile(r"```[ \t]*([\w-]*)[^\n`]*\n?(.*?)(?:```|\Z)", re.S)
_PY_CALL = re.compile(r"^\s*\[?\s*([A-Za-z_]\w*)\s*\((.*)\)\s*\]?\s*;?\s*$", re.S)
_NAME_KEYS = ("name", "tool", "tool_name", "function")
_ARG_KEYS = ("arguments", "parameters", "args", "input", "tool_input")


@dataclass(frozen=True)
class TextCall:
    """One call read from the text: the tool's name and its arguments (not yet validated)."""

    name: str
    args: dict


@dataclass
class TextCalls:
    """What :func:`parse` found in a reply."""

    calls: list[TextCall] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # looked like a call but unusable: why
    looked_like_calls: bool = False
    prose: str = ""  # the text without the calls


def parse(text: str, known: Collection[str]) -> TextCalls:
    """Every tool call written in ``text`` whose name is one of ``known``."""
    text = (text or "")[:MAX_SCAN]
    found = _Scan(text, set(known))
    found.run()
    if not found.calls and "{{" in text:  # a template's escaped braces, on both levels
        again = _Scan(text.replace("{{", "{").replace("}}", "}"), set(known))
        again.run()
        if again.calls:
            found = again
    return TextCalls(
        calls=found.calls,
        problems=list(dict.fromkeys(found.problems)),
        looked_like_calls=found.looked_like or bool(found.calls),
        prose=found.prose(),
    )


class _Scan:
    """One pass over the text: tags and fences first, then bare JSON anywhere."""

    def __init__(self, text: str, known: set[str]):
        self.text = text
        self.known = known
        self.calls: list[TextCall] = []
        self.problems: list[str] = []
        self.looked_like = False
        self.spans: list[tuple[int, int]] = []  # consumed by calls (with their wrappers)
        self.failures: list[tuple[int, str]] = []  # unreadable JSON at a position

    def run(self) -> None:
        for m in _FUNCTION.finditer(self.text):
            self.looked_like = True
            args = _function_body(m.group(2))
            if args is None:
                self.problems.append(f"the arguments of <function={m.group(1)}> are not JSON")
            elif self._add(m.group(1), args):
                self.spans.append(m.span())
        for pattern in (_TAG, _FENCE):
            for m in pattern.finditer(self.text):
                if any(m.start() <= s < m.end() for s, _ in self.spans):
                    self.spans.append(m.span())  # the wrapper of a call already read
                    continue
                body = m.group(2)
                if pattern is _TAG or body.lstrip()[:1] in ("{", "[") or _py_line(body):
                    self._wrapped(m, body, tag=pattern is _TAG)
        self._bare_json(0, len(self.text))
        for m in re.finditer(r"(?m)^.*$", self.text):
            if not self._consumed(m.start()) and _py_line(m.group(0)):
                self._python_calls(m.group(0), m.span())
        # A failure inside a call read later (the outer brace of "{{...}}") is no failure.
        self.problems += [msg for pos, msg in self.failures if not self._consumed(pos)]

    def _wrapped(self, m: re.Match, body: str, tag: bool) -> None:
        """A tag or fence: its whole body is the call(s). A fence counts as an attempted call
        only when its text shows a call's keys (a JSON example in an answer is not one)."""
        self.looked_like = self.looked_like or tag or _call_shaped_text(body)
        before, noted = len(self.calls), len(self.problems) + len(self.failures)
        offset = m.start(2)
        self._bare_json(offset, offset + len(body))
        if len(self.calls) == before and _py_line(body):
            self._python_calls(body, (offset, offset + len(body)))
        if len(self.calls) > before:
            self.spans.append(m.span())
        elif (
            body.strip()
            and (tag or _call_shaped_text(body))
            and noted == len(self.problems) + len(self.failures)
        ):
            self.failures.append((m.start(), f"{m.group(0)[:12]!r}… holds no readable tool call"))

    def _bare_json(self, start: int, end: int) -> None:
        decoder = json.JSONDecoder()
        i = start
        while i < end:
            ch = self.text[i]
            if ch not in "{[" or self._consumed(i):
                i += 1
                continue
            try:
                value, stop = decoder.raw_decode(self.text, i)
            except json.JSONDecodeError as exc:
                if ch == "{" and _call_shaped_text(self.text[i : i + 200]):
                    self.looked_like = True
                    self.failures.append((i, f"a tool call's JSON could not be read ({exc.msg})"))
                i += 1
                continue
            shaped = _call_dicts(value, self.known)
            if shaped:
                self.looked_like = True
                if any([self._add(name, args) for name, args in shaped]):
                    doubled = self.text[i - 1 : i] == "{" and self.text[stop : stop + 1] == "}"
                    self.spans.append((i - 1, stop + 1) if doubled else (i, stop))
            i = stop

    def _python_calls(self, line: str, span: tuple[int, int]) -> None:
        m = _PY_CALL.match(line)
        if not m or m.group(1) not in self.known:
            return
        try:
            node = ast.parse(f"f({m.group(2)})", mode="eval").body
            args = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg}
        except (SyntaxError, ValueError):
            self.problems.append(f"the call {m.group(1)}(...) has arguments that are not values")
            return
        self.looked_like = True
        if self._add(m.group(1), args):
            self.spans.append(span)

    def _add(self, name: Any, args: Any) -> bool:
        if not isinstance(name, str) or name not in self.known:
            self.problems.append(
                f"the model called a tool that does not exist: {str(name)[:40]!r}"
                f" (the tools are {', '.join(sorted(self.known))})"
            )
            return False
        args = _arguments(args)
        if args is None:
            self.problems.append(f"the arguments of {name} are not a JSON object")
            return False
        self.calls.append(TextCall(name, args))
        return True

    def _consumed(self, index: int) -> bool:
        return any(s <= index < e for s, e in self.spans)

    def prose(self) -> str:
        out, last = [], 0
        for s, e in sorted(self.spans):
            if s >= last:
                out.append(self.text[last:s])
                last = e
        out.append(self.text[last:])
        text = "".join(out)
        text = re.sub(r"```[\w-]*\s*```", "", text)  # fences left empty
        text = re.sub(r"<(tool_call|tools|tool|function_call)>\s*</\1>", "", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def _call_dicts(value: Any, known: set[str]) -> list[tuple[Any, Any]]:
    """(name, arguments) pairs of the call-shaped objects in a decoded JSON value."""
    if isinstance(value, list):
        return [pair for item in value for pair in _call_dicts(item, known)]
    if not isinstance(value, dict):
        return []
    if isinstance(value.get("tool_calls"), list):
        return _call_dicts(value["tool_calls"], known)
    if isinstance(value.get("function"), dict):  # OpenAI's {"type": "function", "function": {}}
        return _call_dicts(value["function"], known)
    name = next((value[k] for k in _NAME_KEYS if isinstance(value.get(k), str)), None)
    arg_key = next((k for k in _ARG_KEYS if k in value), None)
    if name is not None and (arg_key is not None or name in known):
        return [(name, value.get(arg_key) if arg_key else {})]
    if len(value) == 1:  # {"get_price": {"asset": "silver"}}
        (key, args), *_ = value.items()
        if key in known and isinstance(args, dict):
            return [(key, args)]
    return []


def _arguments(args: Any) -> dict | None:
    if args is None:
        return {}
    if isinstance(args, str):  # OpenAI sends arguments as a JSON string
        try:
            args = json.loads(args) if args.strip() else {}
        except json.JSONDecodeError:
            return None
    return dict(args) if isinstance(args, dict) else None


def _function_body(body: str) -> dict | None:
    body = body.strip()
    if body.startswith("{"):
        try:
            value, _ = json.JSONDecoder().raw_decode(body)
        except json.JSONDecodeError:
            return None
        return value if isinstance(value, dict) else None
    params = {}
    for key, raw in _PARAMETER.findall(body):
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    return params


def _call_shaped_text(text: str) -> bool:
    """Broken JSON that still shows a call's keys."""
    return bool(re.search(r'["\'](name|function|tool)["\']\s*:', text)) and bool(
        re.search(r'["\'](arguments|parameters|args)["\']\s*:', text)
    )


def _py_line(text: str) -> bool:
    return "\n" not in text.strip() and bool(_PY_CALL.match(text))
