"""How text is laid out on a narrow screen: blocks to copy from that wrap instead of running
off a phone's screen, and the one-pager with a heading sized to the company's name."""
from __future__ import annotations

import streamlit as st

from workshop import export, wall
from workshop.ui.presentation import one_pager_style


def copy_block(text: str) -> None:
    """Text to copy (a link, a subject line) in a code block with its copy button, wrapped to
    the screen's width: a phone shows all of it, not the first 40 characters."""
    st.code(text, language=None, wrap_lines=True)


def one_pager_box(page: export.OnePager) -> None:
    """The one-pager in a bordered box, as on step 4 and the wall page."""
    one_pager_style()
    with st.container(border=True,
                      key="one-pager-long" if wall.heading_is_long(page) else "one-pager"):
        st.markdown(export.to_markdown(page, on_screen=True))
