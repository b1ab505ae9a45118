"""Read commentary files into ``Document`` values: Markdown, text, HTML and PDF, or folders of them.

Every refusal is a ``LoadError`` with a one-line reason (empty, binary, too large, not UTF-8,
bad front matter, unreadable PDF, unsupported type), so that a caller ingesting many files can
report the bad one and go on with the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.errors import LoadError

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
MAX_BYTES = 10 * 1024 * 1024  # commentary is small; a bigger file is almost surely a mistake
MAX_PDF_PAGES = 500
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "head")
# C0 controls (tab and newline kept) and the bidirectional embedding, override and isolate
# characters, which can make a passage display differently from what it says.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BLOCK_TAGS = (
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "li",
    "pre",
    "blockquote",
    "td",
    "th",
    "dd",
    "dt",
    "figcaption",
)


@dataclass(frozen=True)
class Document:
    """One source of commentary: its text and the metadata every chunk will carry."""

    title: str
    text: str
    source: str  # a human-readable credit, e.g. a publication or the file name
    path: str = ""  # where it was read from ("" for text given directly)
    author: str | None = None
    published: dt.date | None = None
    published_precision: str = "day"  # "day", "month" or "year": how much of the date is known
    url: str | None = None
    assets: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kind: str = "commentary"  # "commentary" (dated views) or "background" (timeless explanation)
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def sha(self) -> str:
        """A digest of everything that, when it changes, must change the stored chunks."""
        parts = [
            self.title,
            self.source,
            self.author or "",
            str(self.published or ""),
            self.published_precision,
            self.url or "",
            ",".join(self.assets),
            ",".join(self.tags),
            self.kind,
            self.text,
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files named, and the supported files inside folders named (sorted, recursive)."""
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            yield path


def load_file(path: Path | str, max_bytes: int = MAX_BYTES) -> Document:
    """The document in ``path``; LoadError with a one-line reason when it cannot be read."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if not path.exists():
        raise LoadError(
            path,
            "no such file or folder; check the path (relative paths start from the current folder)",
        )
    if not path.is_file():
        raise LoadError(path, "not a regular file; name a document or a folder of documents")
    if suffix not in SUFFIXES:
        raise LoadError(
            path, f"unsupported file type '{suffix or '(none)'}'; use one of {', '.join(SUFFIXES)}"
        )
    size = path.stat().st_size
    if size == 0:
        raise LoadError(path, "the file is empty; add the commentary text to it, or leave it out")
    if size > max_bytes:
        raise LoadError(
            path,
            f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB "
            "limit for one document; split it or raise the limit",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if suffix == ".pdf":
        return _pdf(path, raw)
    text = _decode(path, raw)
    if suffix in (".html", ".htm"):
        return _html(path, text)
    if suffix in (".md", ".markdown"):
        return _markdown(path, text)
    return _finish(path, _plain_headings(text), {})


def _decode(path: Path, raw: bytes) -> str:
    """UTF-8 text (a BOM is allowed); binary content and other encodings are refused."""
    if raw.startswith(
        (b"\xff\xfe", b"\xfe\xff")
    ):  # UTF-16/32 text is full of NULs but is not binary
        raise LoadError(path, "is UTF-16 text, not UTF-8; re-save it as UTF-8")
    if b"\x00" in raw[:8192]:
        raise LoadError(
            path,
            "looks like a binary file, not text (it contains NUL bytes); "
            "ingest .md, .txt, .html or .pdf documents",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            path, f"is not UTF-8 text (invalid byte at offset {exc.start}); re-save it as UTF-8"
        ) from exc


def _markdown(path: Path, text: str) -> Document:
    match = _FRONT.match(text)
    meta: dict = {}
    if match:
        meta = _front_matter(path, match.group(1))
        text = text[match.end() :]
    return _finish(path, text, meta)


def _front_matter(path: Path, block: str) -> dict:
    import yaml

    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise LoadError(
            path,
            f"front matter is not valid YAML{where} ({problem}); fix the block "
            "between the --- lines at the top",
        ) from exc
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise LoadError(path, "front matter must be a YAML mapping of key: value lines")
    return meta


def _html(path: Path, text: str) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    blocks = []
    for tag in soup.find_all(_BLOCK_TAGS):
        if tag.find_parent(_BLOCK_TAGS):
            continue  # its text is already part of the enclosing block
        words = tag.get_text(" ", strip=True)
        if words:
            blocks.append(
                f"{'#' * int(tag.name[1])} {words}" if re.fullmatch(r"h\d", tag.name) else words
            )
    body = "\n\n".join(blocks) or soup.get_text("\n", strip=True)
    return _finish(path, body, {"title": title} if title else {})


def _pdf(path: Path, raw: bytes) -> Document:
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed files are reported below
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise LoadError(path, "the PDF is encrypted; save an unencrypted copy")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise LoadError(
                path,
                f"the PDF has {len(pages)} pages, over the {MAX_PDF_PAGES}-page limit; split it",
            )
        text = "\n\n".join((page.extract_text() or "").strip() for page in pages)
        title = (reader.metadata.title if reader.metadata else None) or ""
    except LoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        raise LoadError(
            path,
            f"is not a readable PDF ({type(exc).__name__}: "
            f"{str(exc)[:120] or 'malformed'}); re-export it, or ingest a text "
            "version",
        ) from exc
    if not text.strip():
        raise LoadError(
            path,
            "the PDF has no extractable text (a scanned image?); "
            "run OCR first or ingest a text version",
        )
    return _finish(path, text, {"title": title} if title else {})


def _finish(path: Path, text: str, meta: dict) -> Document:
    """Normalise the text, pick the title and check the metadata."""
    text = _clean(text)
    if not text.strip():
        raise LoadError(path, "has no text once markup is removed")
    title = _line(meta.get("title") or "") or _line(_first_heading(text)) or _title_from_name(path)
    published, precision = _date(path, meta.get("published"))
    return Document(
        title=title,
        text=text,
        path=str(path),
        source=_line(meta.get("source") or path.name),
        author=_optional(meta.get("author")),
        published=published,
        published_precision=precision,
        url=_url(path, meta.get("url")),
        assets=_keys(path, meta.get("assets"), "assets"),
        tags=_keys(path, meta.get("tags"), "tags"),
        kind=_kind(path, meta.get("kind")),
        extra={
            k: v
            for k, v in meta.items()
            if k not in ("title", "source", "author", "published", "url", "assets", "tags", "kind")
        },
    )


KINDS = ("commentary", "background")


def _kind(path: Path, value: object) -> str:
    """``kind`` from the front matter: commentary (the default) or background."""
    if value is None or str(value).strip() == "":
        return "commentary"
    kind = str(value).strip().lower()
    if kind not in KINDS:
        raise LoadError(path, f"front matter 'kind: {kind[:30]}' is not one of {', '.join(KINDS)}")
    return kind


def _clean(text: str) -> str:
    """Unix newlines, no control characters, no trailing spaces, at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # image links carry no prose
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _plain_headings(text: str) -> str:
    """Give plain text Markdown structure: paragraphs split by blank lines, headings marked.

    A text without blank lines is read as one paragraph per line. The first line of a
    paragraph counts as a heading when it is short, mostly capitalised and does not end like
    a sentence ("Why Silver Is Climbing"); this lets chunking respect a .txt file's sections.
    """
    blocks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    out: list[str] = []
    for block in blocks:
        first, _, rest = block.strip().partition("\n")
        if _title_like(first):
            out.append(f"## {first.strip()}")
            first = rest.strip()
        elif rest:
            first = f"{first}\n{rest}"
        if first.strip():
            out.append(first.strip())
    return "\n\n".join(out)


def _title_like(line: str) -> bool:
    words = line.split()
    if not 1 <= len(words) <= 12 or len(line) > 90 or line.startswith(("#", "-", "*", "![")):
        return False
    if re.search(r"[.!?:;,\"')\]]$", line.strip()):
        return False
    long_words = [w for w in words if len(w) >= 4]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


def _first_heading(text: str) -> str:
    match = _HEADING.search(text[:2000])
    return match.group(1).strip() if match else ""


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def _optional(value: object) -> str | None:
    text = _line(value) if value is not None else ""
    return text or None


def _line(value: object, limit: int = 300) -> str:
    """A metadata value (title, source, author) as one clean line: no control or direction
    characters, single spaces, at most ``limit`` characters."""
    text = " ".join(_CONTROL.sub(" ", str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _url(path: Path, value: object) -> str | None:
    """A web address for citations; anything but http(s) (javascript:, data:, file:) is dropped,
    because the app turns the url into a link."""
    text = _optional(value)
    if text and not re.match(r"^https?://[^\s<>\"']+$", text, re.I):
        return None
    return text


def _date(path: Path, value: object) -> tuple[dt.date | None, str]:
    """(date, precision) from front matter: a YAML date, YYYY-MM-DD, YYYY-MM or YYYY.

    A partial date is stored as its first day, with the precision saying how much is known.
    """
    if value is None or value == "":
        return None, "day"
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    text = str(value).strip()
    for fmt, precision in (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year")):
        try:
            return dt.datetime.strptime(text, fmt).date(), precision
        except ValueError:
            continue
    raise LoadError(path, f"front matter 'published: {text[:40]}' is not a date; use YYYY-MM-DD")


def _keys(path: Path, value: object, what: str) -> tuple[str, ...]:
    """A list (or comma-separated string) of lower-case keys."""
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise LoadError(path, f"front matter '{what}' must be a list, e.g. [gold, silver]")
    return tuple(dict.fromkeys(str(i).strip().lower() for i in items if str(i).strip()))
