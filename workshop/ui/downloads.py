"""The one-pager's downloads (PDF and PNG on the chosen paper, HTML, Markdown), for step 4 and
the wall page alike."""
from __future__ import annotations

import streamlit as st

from workshop import export, pdf
from workshop.text import escape_markdown


@st.cache_data(max_entries=32, show_spinner="Laying out the page for print…")
def fitted(key: str, paper: str, _page: export.OnePager) -> pdf.Fitted:
    """Cached by the page's content and the paper: laying out a PDF takes a second or more."""
    return pdf.to_pdf(_page, paper)


@st.cache_data(max_entries=32, show_spinner=False)
def png(key: str, paper: str, _page: export.OnePager) -> bytes:
    return pdf.to_png(fitted(key, paper, _page))


def one_pager_downloads(page: export.OnePager, base_name: str, key: str) -> None:
    """A paper choice and a row of download buttons; a missing PDF library is a message, the
    other formats still work."""
    paper = st.segmented_control("Paper", ["A4", "Letter"], default="A4", required=True,
                                 key=f"{key}:paper")
    content = repr(page)
    try:
        printed = fitted(content, paper, page)
    except pdf.PdfUnavailable as error:
        printed = None
        st.warning(escape_markdown(str(error)))
    if printed is not None and printed.message:
        st.info(printed.message)
    columns = st.columns(4)
    if printed is not None:
        columns[0].download_button(f"⬇️ PDF ({paper})", data=printed.pdf,
                                   file_name=f"{base_name}.pdf", mime="application/pdf",
                                   width="stretch", type="primary", key=f"{key}:pdf")
        columns[1].download_button("⬇️ PNG image", data=lambda: png(content, paper, page),
                                   file_name=f"{base_name}.png", mime="image/png",
                                   width="stretch", key=f"{key}:png")
    columns[2].download_button("⬇️ HTML page", data=lambda: export.to_html(page),
                               file_name=f"{base_name}.html", mime="text/html",
                               width="stretch", key=f"{key}:html")
    columns[3].download_button("⬇️ Markdown", data=lambda: export.to_markdown(page),
                               file_name=f"{base_name}.md", mime="text/markdown",
                               width="stretch", key=f"{key}:md")
