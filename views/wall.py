"""The wall page: the agreed definition, read-only, for anyone in the company who has the link.

It reads nothing but what the link opens (`workshop.wall.wall`) and follows new versions by
itself, so a screen on the office wall stays current: a small query every few seconds
(`wall.wall_stamp`), and the page is drawn again only when what it shows has moved."""
import streamlit as st

from workshop import store, wall
from workshop.text import escape_markdown
from workshop.ui.context import db
from workshop.ui.downloads import one_pager_downloads
from workshop.ui.layout import one_pager_box
from workshop.ui.presentation import wall_style
from workshop.ui.sharing import wall_url

POLL_SECONDS = 2
SHOWN = "wall:stamp"


@st.fragment(run_every=POLL_SECONDS)
def follow(secret: str | None) -> None:
    with db() as s:
        now = wall.wall_stamp(s, secret)
    if st.session_state.get(SHOWN) != now:
        st.rerun(scope="app")


def wall_page(secret: str | None) -> None:
    wall_style()
    with db() as s:
        st.session_state[SHOWN] = wall.wall_stamp(s, secret)
    try:
        with db() as s:
            shown = wall.wall(s, secret)
    except store.NotFound as error:
        st.error(escape_markdown(str(error)))
        return
    page = shown.page(wall_url(secret))
    st.caption(f"{escape_markdown(page.company)} · read-only · the agreed definition")
    if shown.being_revised:
        st.info(f"Version {shown.number + 1} is being drafted. Until it is signed, version "
                f"{shown.number} below is the agreed definition.")
    one_pager_box(page)
    with st.expander("Download it: PDF for the wall, PNG for chat and slides, HTML, Markdown"):
        one_pager_downloads(page, f"ideal-lead-{shown.workshop_id}-v{shown.number}", "wall")


wall_page(st.query_params.get("w"))
follow(st.query_params.get("w"))
