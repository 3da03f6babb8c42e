"""The one-pager's downloads (PDF and PNG on the chosen paper, HTML, Markdown), for step 4 and
the wall page alike.

Clicking one of them does not rerun the page (`on_click="ignore"`): a rerun registered the files
afresh, so a PNG clicked while the PDF's rerun was under way asked for a file that was gone
(`MediaFileStorageError`, a spinner that never ends, or a file named by its hash). The bytes are
built once per page content and paper (cached), each button has a fixed key, file name and type.
"""
from __future__ import annotations

import logging

import streamlit as st

from workshop import export, fonts, pdf
from workshop.formats import FORMATS
from workshop.text import escape_markdown

NOT_PRINTED = ("The PDF and PNG could not be made for this page; the HTML and Markdown "
               "downloads below have all of it.")
logger = logging.getLogger(__name__)


@st.cache_data(max_entries=32, show_spinner="Laying out the page for print…")
def fitted(key: str, paper: str, _page: export.OnePager) -> pdf.Fitted:
    """Cached by the page's content and the paper: laying out a PDF takes a second or more."""
    return pdf.to_pdf(_page, paper)


@st.cache_data(max_entries=32, show_spinner=False)
def png(key: str, paper: str, _printed: pdf.Fitted) -> bytes:
    """The PDF's page as pixels; cached like the PDF (made on the click, in its own thread)."""
    return pdf.to_png(_printed)


def file_name(base_name: str, what: str) -> str:
    return f"{base_name}.{FORMATS[what][0]}"


def one_pager_downloads(page: export.OnePager, base_name: str, key: str) -> None:
    """A paper choice and a row of download buttons; a missing PDF library, or a page that
    cannot be printed, is a message, and the other formats still work."""
    paper = st.segmented_control("Paper", ["A4", "Letter"], default="A4", required=True,
                                 key=f"{key}:paper")
    content = repr(page)
    try:
        printed = fitted(content, paper, page)
    except pdf.PdfUnavailable as error:
        printed = None
        st.warning(escape_markdown(str(error)))
    except Exception:  # whatever went wrong, the page and its other downloads stay
        logger.exception("The one-pager could not be laid out as a PDF.")
        printed = None
        st.warning(NOT_PRINTED)
    if printed is not None and printed.message:  # it names criteria: typed text
        st.info(escape_markdown(printed.message))
    missing = fonts.missing_glyphs_sentence(export.to_markdown(page)) if printed else ""
    if missing:  # drawn as empty boxes on paper: said here, not found on the wall
        st.warning(escape_markdown(missing))
    columns = st.columns(4)

    def button(column, what: str, label: str, data, **extra) -> None:
        column.download_button(label, data=data, file_name=file_name(base_name, what),
                               mime=FORMATS[what][1], width="stretch",
                               on_click="ignore", key=f"{key}:{what}", **extra)

    if printed is not None:
        button(columns[0], "pdf", f"⬇️ PDF ({paper})", printed.pdf, type="primary")
        button(columns[1], "png", "⬇️ PNG image", lambda: png(content, paper, printed))
    button(columns[2], "html", "⬇️ HTML page", lambda: export.to_html(page))
    button(columns[3], "md", "⬇️ Markdown", lambda: export.to_markdown(page))
