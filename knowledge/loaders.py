"""Read commentary files into ``Document`` values: Markdown, text, HTML and PDF, or folders of them.

Every refusal is a ``LoadError`` with a one-line reason (empty, binary, too large, not UTF-8,
bad front matter, unreadable PDF, unsupported type, metadata over its limits), so that a caller
ingesting many files can report the bad one and go on with the rest. Front matter is read by
``knowledge.frontmatter`` (no aliases, bounded size and depth), PDFs by ``knowledge.pdftext`` (a
child process with a deadline) and every text is cleaned by ``knowledge.text``.

Inside a folder, links are not followed out of it: a symbolic link to a file or folder outside
is reported as refused, and links to folders are never descended into.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from knowledge import fields, frontmatter, pdftext
from knowledge.errors import LoadError
from knowledge.text import drop_markdown_media, strip_invisible

SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
MAX_BYTES = 10 * 1024 * 1024  # commentary is small; a bigger file is almost surely a mistake
MAX_PDF_PAGES = pdftext.MAX_PAGES
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "head")
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
    yield from collect(paths)[0]


def collect(paths: Iterable[Path | str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """(files to read, [(path, reason)] refused): the files named, and the supported files
    inside the folders named, sorted; hidden files and folders are left out, and links that
    lead out of a named folder are refused rather than followed."""
    files: list[Path] = []
    refused: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found, out = _walk(path)
            files.extend(found)
            refused.extend(out)
        else:
            files.append(path)
    return files, refused


def _walk(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    root = folder.resolve()
    found: list[Path] = []
    refused: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in dirnames:
            if (here / name).is_symlink():
                refused.append((str(here / name), "a link to a folder; links are not followed"))
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            if path.is_symlink() and not _inside(path, root):
                refused.append(
                    (str(path), "a link to a file outside the folder; it is not followed")
                )
            elif path.is_file():
                found.append(path)
    return sorted(found), refused


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):  # a dangling or looping link
        return False


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
        meta = frontmatter.parse(path, match.group(1))
        text = text[match.end() :]
    return _finish(path, text, meta)


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
    text, title = pdftext.extract(path, raw)
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
    title = (
        fields.line(meta.get("title") or "")
        or fields.line(_first_heading(text))
        or fields.line(_title_from_name(path))
        or "Untitled"
    )
    published, precision = fields.date(path, meta.get("published"))
    return Document(
        title=title,
        text=text,
        path=str(path),
        source=fields.line(meta.get("source") or path.name),
        author=fields.optional(meta.get("author")),
        published=published,
        published_precision=precision,
        url=fields.url(path, meta.get("url")),
        assets=fields.keys(path, meta.get("assets"), "assets"),
        tags=fields.keys(path, meta.get("tags"), "tags"),
        kind=fields.kind(path, meta.get("kind")),
        extra={
            k: v
            for k, v in meta.items()
            if k not in ("title", "source", "author", "published", "url", "assets", "tags", "kind")
        },
    )


def _clean(text: str) -> str:
    """Unix newlines; no control, direction or invisible characters; no images or link
    targets; no trailing spaces; at most one blank line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = drop_markdown_media(strip_invisible(text))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
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
