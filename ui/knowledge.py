"""The Knowledge page: the commentary library the assistant quotes. Add files, see what is there,
remove a document.

Uploaded files are kept under ``<home>/uploads`` so that a later rebuild of the library can read
them again; the ingestion report (added, replaced, skipped, failed) survives the rerun that
clears the uploader.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.app.uploads import UploadError, save_uploads
from ui import common

FILE_TYPES = ["md", "markdown", "txt", "html", "htm", "pdf"]
MAX_UPLOAD_MB = (
    10  # the library refuses bigger files (knowledge.loaders.MAX_BYTES); say so up front
)


def open_library():
    """The knowledge base, or None after saying plainly why it cannot be opened."""
    s = common.settings()
    handle = common.knowledge(str(s.home), s.chroma_host, s.chroma_port)
    try:
        if handle.opened:
            return handle()
        with st.spinner(
            "Opening the commentary library (the first time, the bundled notes are embedded)…",
            show_time=True,
        ):
            return handle()
    except Exception as exc:  # noqa: BLE001 - store or model problems are shown, not raised
        st.error(common.safe_markdown(str(exc)), icon=":material/error:")
        return None


def ingest(kb, uploads) -> None:
    """Save the uploads, ingest them with a progress bar, and keep the report for the next run."""
    try:
        paths = save_uploads(
            common.settings().home / "uploads", [(f.name, f.getvalue()) for f in uploads]
        )
    except UploadError as exc:  # too many files or too large: nothing was saved
        st.session_state.ingest_error = str(exc)
        st.rerun()
    bar = st.progress(0.0, text="Reading the files…")
    outcome: dict[str, str] = {}

    def progress(path: str, status: str) -> None:
        outcome[Path(path).name] = status
        bar.progress(min(len(outcome) / len(paths), 1.0), text=f"{Path(path).name}: {status}")

    try:
        report = kb.ingest(paths, progress=progress)
    except Exception as exc:  # noqa: BLE001 - e.g. a read-only store; the page keeps working
        st.session_state.ingest_error = str(exc)
    else:
        st.session_state.ingest_report = {**report.to_dict(), "files": outcome}
    st.session_state.upload_round = st.session_state.get("upload_round", 0) + 1
    st.rerun()  # clears the uploader (new key) and redraws the document list


def _names(files: dict[str, str], status: str) -> list[str]:
    return [name for name, done in files.items() if done == status]


def report_message(report: dict) -> str:
    """'Added copper-notes.md. Unchanged notes.md.' from an ingestion report."""
    files = report.get("files") or {}
    parts = []
    for status, verb in (("added", "Added"), ("replaced", "Replaced"), ("skipped", "Unchanged")):
        names = _names(files, status)
        if names:
            parts.append(f"{verb} {', '.join(names)}.")
    failed = len(report.get("failed") or [])
    if failed:
        parts.append(f"{failed} file{'s' if failed != 1 else ''} failed:")
    return " ".join(parts) or "Nothing to add."


def show_report(docs) -> None:
    """What the last upload did, naming the files, and the documents it added or replaced."""
    if error := st.session_state.pop("ingest_error", None):
        st.error(common.safe_markdown(error), icon=":material/error:")
    report = st.session_state.pop("ingest_report", None)
    if not report:
        return
    failed = report["failed"]
    box = st.success if not failed else st.warning
    box(
        common.safe_markdown(report_message(report)),
        icon=":material/task_alt:" if not failed else ":material/warning:",
    )
    for item in failed:
        st.caption(common.safe_markdown(f"{Path(item['path']).name}: {item['error']}"))
    new = set(report["added"]) | set(report["replaced"])
    if new:
        documents_table([d for d in docs if d.doc_id in new], key="new-documents")


def documents_table(docs, key: str = "documents") -> None:
    rows = [
        {
            "Title": d.title,
            "Published": d.published or "",
            "Passages": d.chunks,
            "Origin": "bundled note" if d.origin == "bundled" else "your upload",
            "Id": d.doc_id,
            "Source": d.source,
        }
        for d in docs
    ]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            "Title": st.column_config.TextColumn(width=200),
            "Published": st.column_config.TextColumn(width=90),
            "Passages": st.column_config.NumberColumn(width=70),
            "Origin": st.column_config.TextColumn(width=100),
            "Id": st.column_config.TextColumn(width=200),
            "Source": st.column_config.TextColumn(width="medium"),
        },
    )


def remove_form(kb, docs) -> None:
    titles = {d.doc_id: f"{d.title} ({d.doc_id})" for d in docs}
    with st.form("remove", border=False):
        left, right = st.columns([0.75, 0.25], vertical_alignment="bottom")
        doc_id = left.selectbox(
            "Remove a document",
            list(titles),
            format_func=titles.get,
            index=None,
            placeholder="Choose a document…",
            key="remove_doc",
        )
        if (
            right.form_submit_button(
                "Remove", icon=":material/delete:", width="stretch", key="remove"
            )
            and doc_id
        ):
            try:
                removed = kb.remove(doc_id)
            except Exception as exc:  # noqa: BLE001 - unknown id, read-only store: say so
                st.error(common.safe_markdown(str(exc)), icon=":material/error:")
            else:
                st.toast(f"Removed {titles[doc_id]}: {removed} passages.", icon=":material/delete:")
                st.rerun()


def check_claims_panel(kb, docs) -> None:
    """Check one document's claims against the price data and show the verdict table."""
    from assistant.claims.check import check_source
    from assistant.claims.render import details_markdown, verdict_markdown

    titles = {d.doc_id: f"{d.title} ({d.doc_id})" for d in docs}
    with st.form("check-claims", border=False):
        left, right = st.columns([0.75, 0.25], vertical_alignment="bottom")
        doc_id = left.selectbox(
            "Check the claims of a document against the price data",
            list(titles),
            format_func=titles.get,
            index=None,
            placeholder="Choose a document…",
            key="check_doc",
        )
        asked = right.form_submit_button(
            "Check claims", icon=":material/fact_check:", width="stretch", key="check_claims"
        )
    if not (asked and doc_id):
        return
    s = common.settings()
    try:
        with st.spinner("Testing each claim against the price data…", show_time=True):
            market = common.market(s.data, s.as_of, str(s.home))
            report = check_source(doc_id, market, library=kb, files=False)
    except Exception as exc:  # noqa: BLE001 - an unreadable document or missing data: say so
        st.error(common.safe_markdown(str(exc)), icon=":material/error:")
        return
    st.markdown(common.safe_markdown(verdict_markdown(report, badges=True)))
    if report.testable:
        with st.expander("How each claim was tested, in full", icon=":material/data_object:"):
            st.markdown(common.safe_markdown(details_markdown(report)))


st.title(":material/library_books: Knowledge", anchor=False)
st.markdown(
    "The commentary library the assistant quotes when it explains a move. Add your own notes, "
    "articles or reports (Markdown, text, HTML or PDF); answers cite them by title and date."
)
kb = open_library()
if kb is not None:
    st.subheader("Add documents", anchor=False)
    uploads = st.file_uploader(
        "Files to add",
        type=FILE_TYPES,
        accept_multiple_files=True,
        key=f"uploads-{st.session_state.get('upload_round', 0)}",
        max_upload_size=MAX_UPLOAD_MB,
        help="The same file twice is added once; a changed file is added as a new document.",
    )
    if st.button(
        "Add to the library",
        icon=":material/upload:",
        type="primary",
        disabled=not uploads,
        key="ingest",
    ):
        ingest(kb, uploads)
    docs = kb.documents()
    show_report(docs)

    st.subheader(f"In the library · {len(docs)} documents", anchor=False)
    st.caption(
        common.safe_markdown(
            f"{kb.count()} passages · embedding model {kb.embedding_model() or 'unknown'} · "
            f"stored in {kb.location}"
        )
    )
    documents_table(sorted(docs, key=lambda d: d.origin == "bundled"))  # the user's own first
    if docs:
        remove_form(kb, docs)
        check_claims_panel(kb, docs)
