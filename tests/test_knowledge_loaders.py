"""Loaders: formats, titles, metadata, and the bad-input table."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from test_knowledge_support import make_pdf, write

from knowledge.errors import LoadError
from knowledge.loaders import MAX_BYTES, iter_files, load_file


def test_markdown_front_matter_gives_metadata(tmp_path):
    path = write(
        tmp_path / "note.md",
        "---\ntitle: Copper and growth\nsource: Desk notes\n"
        "author: A. Writer\npublished: 2025-03-04\nurl: https://example.org/c\n"
        "assets: [Copper, crude]\ntags: growth, china\n---\n\n# Heading\n\nBody text.\n",
    )
    doc = load_file(path)
    assert (doc.title, doc.source, doc.author, doc.url) == (
        "Copper and growth",
        "Desk notes",
        "A. Writer",
        "https://example.org/c",
    )
    assert doc.published == dt.date(2025, 3, 4) and doc.published_precision == "day"
    assert doc.assets == ("copper", "crude") and doc.tags == ("growth", "china")
    assert doc.text.startswith("# Heading")


def test_month_only_date_keeps_its_precision(tmp_path):
    doc = load_file(write(tmp_path / "m.md", "---\npublished: 2026-01\n---\nText."))
    assert doc.published == dt.date(2026, 1, 1) and doc.published_precision == "month"


@pytest.mark.parametrize(
    ("name", "content", "title"),
    [
        ("a.md", "# First heading\n\nText.", "First heading"),
        ("plain-note_file.md", "No heading at all.", "Plain note file"),
        ("story.txt", "The Quiet Rally\n\nIt went up.\n", "The Quiet Rally"),
        (
            "page.html",
            "<html><head><title>Page title</title></head><body><p>x y</p></body></html>",
            "Page title",
        ),
    ],
)
def test_title_from_front_matter_heading_or_file_name(tmp_path, name, content, title):
    assert load_file(write(tmp_path / name, content)).title == title


def test_plain_text_sections_become_headings(commentary_dir):
    doc = load_file(commentary_dir / "silvers-defensive-rally.txt")
    assert doc.title == "Silver\u2019s Defensive Rally"
    assert (
        "## Why Silver Is Climbing" in doc.text and "## Bitcoin\u2019s Different Path" in doc.text
    )
    assert "## Silver hit" not in doc.text


def test_html_drops_scripts_styles_and_keeps_blocks(tmp_path):
    html = (
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
        "<h2>Drivers</h2><p>Rates <b>fell</b> and the dollar eased.</p><ul><li>Solar</li></ul>"
        "<noscript>enable js</noscript><script>var secret=1</script></body></html>"
    )
    doc = load_file(write(tmp_path / "p.html", html))
    assert "## Drivers" in doc.text and "Rates fell and the dollar eased." in doc.text
    assert "Solar" in doc.text
    assert not any(s in doc.text for s in ("alert", "secret", "color", "enable js"))


def test_pdf_text_and_title(tmp_path):
    path = write(
        tmp_path / "r.pdf",
        make_pdf(["Silver supply is inelastic.", "Solar demand grows."], title="A PDF report"),
    )
    doc = load_file(path)
    assert doc.title == "A PDF report"
    assert "Silver supply is inelastic." in doc.text and "Solar demand grows." in doc.text


def test_directories_are_walked_for_supported_files(tmp_path):
    for name in ("a.md", "sub/b.txt", "sub/c.html", "skip.csv", ".hidden/d.md"):
        write(tmp_path / name, "x")
    found = sorted(p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path]))
    assert found == ["a.md", "sub/b.txt", "sub/c.html"]


def _big(path):
    with open(path, "wb") as fh:  # sparse: costs no disk and no time
        fh.truncate(MAX_BYTES + 1)
    return path


BAD_INPUT = [
    ("empty", "empty.md", b"", "empty"),
    ("blank", "blank.txt", b"  \n\n \t\n", "no text"),
    ("binary", "blob.txt", bytes(range(256)) * 4, "binary"),
    ("unsupported", "notes.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
    ("no extension", "README", b"text", "unsupported file type '(none)'"),
    (
        "malformed pdf",
        "broken.pdf",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage",
        "not a readable PDF",
    ),
    ("pdf without text", "scan.pdf", make_pdf([]), "no extractable text"),
    (
        "bad yaml",
        "bad.md",
        b"---\ntitle: [unclosed\nsource: x\n---\nBody",
        "front matter is not valid YAML",
    ),
    ("yaml not a mapping", "list.md", b"---\n- a\n- b\n---\nBody", "must be a YAML mapping"),
    ("bad date", "date.md", b"---\npublished: last tuesday\n---\nBody", "is not a date"),
    ("bad assets", "assets.md", b"---\nassets: {gold: 1}\n---\nBody", "must be a list"),
    ("latin-1", "cafe.txt", "Caf\u00e9 cr\u00e8me".encode("latin-1"), "not UTF-8"),
    ("script only html", "s.html", b"<html><script>x()</script></html>", "no text"),
    ("missing", None, None, "no such file"),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_gives_one_line_reason(tmp_path, case, name, content, message):
    path = tmp_path / (name or "absent.md")
    if content is not None:
        write(path, content)
    with pytest.raises(LoadError) as err:
        load_file(path)
    assert message in str(err.value)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_oversized_file_is_refused_at_once(tmp_path):
    path = _big(tmp_path / "huge.txt")
    start = time.perf_counter()
    with pytest.raises(LoadError, match="over the 10.5 MB limit"):
        load_file(path)
    assert time.perf_counter() - start < 0.5


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(LoadError, match="not a regular file"):
        load_file(tmp_path)
