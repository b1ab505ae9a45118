"""The text layer of a PDF, read in a child process with a deadline, a memory cap and budgets.

A small PDF can hold a decompression bomb: hundreds of pages sharing one large content stream
make a 93 KB file cost hours of text extraction, and nested forms or huge streams can exhaust
memory. So pypdf never runs in the caller's process. :func:`extract` starts a Python child
process (this module's ``main``) with the file on its standard input and waits at most
``deadline_s`` seconds; the child caps its own address space and CPU time, and refuses the file
as soon as a running budget is spent:

- the page count (``MAX_PAGES``);
- the decoded content-stream bytes over all pages (``MAX_CONTENT_BYTES``), checked page by page
  before that page's text is extracted;
- the extracted characters (``MAX_TEXT_CHARS``).

Each refusal is a ``LoadError`` that names the limit, so an ingestion batch can report the file
as failed and go on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge.errors import LoadError

MAX_PAGES = 500
MAX_CONTENT_BYTES = 32 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000
DEADLINE_S = 20.0
MEMORY_BYTES = 1024 * 1024 * 1024
_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Limits:
    pages: int = MAX_PAGES
    content_bytes: int = MAX_CONTENT_BYTES
    text_chars: int = MAX_TEXT_CHARS
    deadline_s: float = DEADLINE_S
    memory_bytes: int = MEMORY_BYTES


def extract(path: Path, raw: bytes, limits: Limits | None = None) -> tuple[str, str]:
    """(text, title) of the PDF ``raw`` read from ``path``; LoadError when it is refused."""
    limits = limits or Limits()
    boot = (
        f"import sys; sys.path.insert(0, {str(_ROOT)!r}); import knowledge.pdftext as p; p.main()"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", boot, json.dumps(asdict(limits))],
            input=raw,
            capture_output=True,
            timeout=limits.deadline_s,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LoadError(
            path,
            f"reading the PDF's text took over {limits.deadline_s:g} s (a decompression bomb or "
            "a pathological file); re-export it, or ingest a text version",
        ) from exc
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        reason = "it needs more memory than allowed" if done.returncode else "no answer"
        raise LoadError(
            path, f"is not a readable PDF ({reason}); re-export it, or ingest a text version"
        )
    if answer.get("error"):
        raise LoadError(path, str(answer["error"]))
    return str(answer.get("text", "")), str(answer.get("title") or "")


# -- the child process -----------------------------------------------------------------------------
def _read(raw: bytes, limits: Limits) -> dict:
    """{"text", "title"} or {"error": one-line reason}; runs inside the child."""
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files are reported below
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            return {"error": "the PDF is encrypted; save an unencrypted copy"}
        pages = reader.pages
        if len(pages) > limits.pages:
            return {
                "error": f"the PDF has {len(pages)} pages, over the {limits.pages}-page limit; "
                "split it"
            }
        content = 0
        for number, page in enumerate(pages, 1):  # cheap: decoding, not interpreting
            stream = page.get_contents()
            content += len(stream.get_data()) if stream is not None else 0
            if content > limits.content_bytes:
                return {"error": _over("page content", content, limits.content_bytes, number)}
        texts: list[str] = []
        chars = 0
        for number, page in enumerate(pages, 1):
            text = (page.extract_text() or "").strip()
            chars += len(text)
            if chars > limits.text_chars:
                return {"error": _over("text", chars, limits.text_chars, number)}
            texts.append(text)
        title = (reader.metadata.title if reader.metadata else None) or ""
    except MemoryError:
        return {"error": "the PDF needs more memory than allowed to read; ingest a text version"}
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        return {
            "error": f"is not a readable PDF ({type(exc).__name__}: "
            f"{str(exc)[:120] or 'malformed'}); re-export it, or ingest a text version"
        }
    return {"text": "\n\n".join(texts), "title": str(title)}


def _over(what: str, size: int, limit: int, page: int) -> str:
    if what == "text":
        amount, cap = f"{size:,} characters", f"{limit:,}-character"
    else:
        amount, cap = f"{size / 2**20:.0f} MB", f"{limit / 2**20:.0f} MB"
    return (
        f"the PDF's {what} passes the {cap} limit by page {page} ({amount} so far: a "
        "decompression bomb, or a very long document); split it or ingest a text version"
    )


def _cap_resources(limits: Limits) -> None:
    import resource

    for which, value in (
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_CPU, int(limits.deadline_s) + 5),
    ):
        try:
            _soft, hard = resource.getrlimit(which)
            cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (cap, hard))
        except (ValueError, OSError):
            pass


def main() -> None:
    limits = Limits(**json.loads(sys.argv[1])) if len(sys.argv) > 1 else Limits()
    _cap_resources(limits)
    answer = _read(sys.stdin.buffer.read(), limits)
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main()
