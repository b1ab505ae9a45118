"""Guards on the text a model streams: a reply that repeats itself is stopped, and text that
may be a tool call written as text is held back until the reply is complete.

:class:`RepetitionGuard` watches one model call's text. A loop shows as the same sentence (or
the same two to four sentences) over and over, usually numbered ("47. Compare silver with
gold ..." then "48. Compare silver with gold ..."), or as a run of the same characters with no
sentence break. Sentences are compared with their figures: only a list's own numbering (a
line's "47." or "-") and Markdown marks are left out, so a list or table whose rows share a
shape but not their dates and figures is never a loop, while the same row over and over is.

:class:`StreamGuard` is the LangChain callback that feeds it the tokens of every model call in
a turn and stops the stream (closing the connection) by raising
:class:`~assistant.llm.bounds.RepetitionStopped` (``raise_error``). LangChain's callback manager
logs a warning for every exception a callback raises, even one it passes on; for this planned
stop that line would reach the user's terminal ahead of the product's own message, so the guard
filters it out of that logger (every other callback warning still shows).

:class:`HoldBack` decides what of the streamed text can be shown at once: everything up to a
possible tool call (``<tool_call>``, ``<tools>``, ``<function=``, a code fence, a line that
opens with ``{``), which waits for the end of the reply and is shown only if it was not a call.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler

from assistant.llm.bounds import RepetitionStopped

REPEATS = 4  # the same block of sentences this many times in a row is a loop
SHAPE_REPEATS = 6  # prose sentences alike but for their figures, this many times in a row
MIN_WORDS = 4  # shorter sentences ("Yes.") may repeat for real
MAX_BLOCK = 4  # a loop of up to four sentences
RUN_CHARS = 240  # a run of one repeated unit this long, with no sentence break, is a loop
MAX_UNIT = 120
CHECK_EVERY = 48  # characters between checks
CALLBACK_LOGGER = "langchain_core.callbacks.manager"  # logs exceptions raised in callbacks
_SEGMENT_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
_ENUMERATOR = re.compile(r"^\s*(?:[-*+•>]+|\(?\d{1,4}[.)])?\s*$")  # "12." or "-" alone
_LIST_MARK = re.compile(r"^\s*(?:[-*+•>]+|\(?\d{1,4}[.)])\s+")  # a line's "12. " or "- "
_MARKS = re.compile(r"[*_#>|`•]+")  # Markdown emphasis, headings, quotes, table bars
_FIGURE = re.compile(r"\d+(?:[.,:/-]\d+)*")


def _normal(segment: str) -> str:
    """A segment as compared: its words and figures, without its list mark and Markdown."""
    return " ".join(_MARKS.sub(" ", _LIST_MARK.sub("", segment).lower()).split())


def _segments(text: str) -> list[tuple[int, str]]:
    """(start, text) of the finished segments; a list's numbering alone ("12.") joins the
    segment it numbers, and rules or bars alone ("|---|") are left out."""
    starts = [0] + [m.end() for m in _SEGMENT_END.finditer(text)]
    out: list[tuple[int, str]] = []
    mark: int | None = None
    for s, e in zip(starts, starts[1:], strict=False):  # the last one may still be growing
        piece = text[s:e]
        if _ENUMERATOR.match(piece):
            mark = s if mark is None else mark
        elif re.search(r"[^\W_]", piece):  # letters or digits: not "|---|---|"
            out.append((s if mark is None else mark, piece))
            mark = None
    return out


def _shape(text: str, start: int, normal: str) -> str:
    """A prose sentence with its figures blanked ("the price has been falling for the past #
    days"); a list item or table row keeps its figures, as rows are meant to differ by them."""
    line = text[text.rfind("\n", 0, start) + 1 :]
    if _LIST_MARK.match(line) or line.lstrip().startswith("|"):
        return normal
    return _FIGURE.sub("#", normal)


class RepetitionGuard:
    """Feed it a reply's text as it streams; :attr:`looping` turns true when it repeats."""

    def __init__(self) -> None:
        self.text = ""
        self.looping = False
        self.keep = 0  # characters worth keeping: up to where the repetition began
        self._checked = 0

    def feed(self, piece: str) -> bool:
        self.text += piece
        if not self.looping and len(self.text) - self._checked >= CHECK_EVERY:
            self._checked = len(self.text)
            self._check()
        return self.looping

    def _check(self) -> None:
        segments = _segments(self.text)
        normal = [_normal(t) for _, t in segments]
        shapes = [_shape(self.text, s, n) for (s, _), n in zip(segments, normal, strict=True)]
        # The same sentences over and over; or prose sentences that differ only in a figure
        # counting up ("... for the past 5 days ... for the past 10 days ..."), more times.
        for compared, repeats in ((normal, REPEATS), (shapes, SHAPE_REPEATS)):
            if self._block_repeats(segments, compared, repeats):
                return
        self._check_run()

    def _block_repeats(self, segments: list, compared: list[str], repeats: int) -> bool:
        for size in range(1, MAX_BLOCK + 1):
            need = size * repeats
            if len(compared) < need:
                break
            tail = compared[-need:]
            block = tail[:size]
            if sum(len(b.split()) for b in block) < MIN_WORDS * size:
                continue
            if all(tail[i] == block[i % size] for i in range(need)):
                self.looping = True
                self.keep = segments[len(segments) - need + size][0]
                return True
        return False

    def _check_run(self) -> None:
        """A unit repeated back to back with no sentence break ("gold gold gold ...")."""
        text = self.text
        for unit in range(1, MAX_UNIT + 1):
            times = max(REPEATS, -(-RUN_CHARS // unit))
            if len(text) < unit * times:
                break
            piece = text[-unit:]
            if piece.strip() and text[-unit * times :] == piece * times:
                self.looping = True
                self.keep = len(text) - unit * (times - 1)
                return

    def kept(self) -> str:
        """The text up to where the repetition began (one copy of the repeated part)."""
        return self.text[: self.keep].rstrip() if self.looping else self.text


def repetition_message(kept_chars: int) -> str:
    return (
        "The model started repeating itself, so the answer was stopped after "
        f"{kept_chars:,} characters; what it wrote before the loop is shown. Ask again, or "
        "try a larger model."
    )


class _QuietPlannedStop(logging.Filter):
    """Drops the callback manager's warning about a :class:`StreamGuard` stop (see above)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (args[:1] == (StreamGuard.__name__,) and "RepetitionStopped" in str(args[-1]))


_QUIET = _QuietPlannedStop()


class StreamGuard(BaseCallbackHandler):
    """Stops a model call whose streamed text repeats itself (one guard per model call)."""

    raise_error = True  # the exception must reach the model call, which closes the stream

    def __init__(self) -> None:
        callback_log = logging.getLogger(CALLBACK_LOGGER)
        if _QUIET not in callback_log.filters:
            callback_log.addFilter(_QUIET)
        self.guards: dict[UUID, RepetitionGuard] = {}
        self.stopped: RepetitionGuard | None = None

    def on_llm_new_token(self, token: str, *, run_id: UUID, **kwargs: Any) -> None:
        guard = self.guards.setdefault(run_id, RepetitionGuard())
        if token and guard.feed(token):
            self.stopped = guard
            raise RepetitionStopped(repetition_message(len(guard.kept())))

    def on_llm_end(self, response: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.guards.pop(run_id, None)


OPENERS = ("<tool_call>", "<tools>", "<tool>", "<function_call>", "<function=", "```")


class HoldBack:
    """Splits one reply's streamed text into what can be shown now and what waits."""

    def __init__(self) -> None:
        self.pending = ""
        self.held = ""
        self.holding = False
        self.at_line_start = True

    def feed(self, piece: str) -> str:
        """The part of the text so far that can be shown now."""
        if self.holding:
            self.held += piece
            return ""
        text = self.pending + piece
        index, complete = self._opener(text)
        if index is None:
            shown, self.pending = text, ""
        elif complete:
            shown, self.held, self.holding, self.pending = text[:index], text[index:], True, ""
        else:
            shown, self.pending = text[:index], text[index:]
        if shown:
            self.at_line_start = shown.endswith("\n")
        return shown

    def finish(self, was_call: bool) -> str:
        """The end of the reply: what was held is shown unless it was a tool call."""
        rest = "" if was_call else self.held + self.pending
        self.pending, self.held, self.holding, self.at_line_start = "", "", False, True
        return rest

    def _opener(self, text: str) -> tuple[int | None, bool]:
        """(index, complete) of the first possible opener; complete False: only its start."""
        line_start = self.at_line_start
        for i, ch in enumerate(text):
            if ch == "\n":
                line_start = True
                continue
            if ch in " \t":
                continue
            if ch == "{" and line_start:
                return i, True
            if ch in "<`":
                rest = text[i:]
                if any(rest.startswith(o) for o in OPENERS):
                    return i, True
                if any(o.startswith(rest) for o in OPENERS):
                    return i, False
            line_start = False
        return None, False
