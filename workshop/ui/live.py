"""Screens that follow the room by themselves.

One small fragment per page reads the room's stamp (`workshop.room.stamp`, one cheap query)
every second and reruns the page only when a part of the room this page shows has moved since
the page was drawn: a change anywhere reaches every screen within 3 seconds (the poll, then the
page's own run), without a reload and without re-running the page while nothing changed.
Widgets keep their values across such a rerun (a form's fields are kept by the browser until
submitted).
"""
from __future__ import annotations

import streamlit as st

from workshop import room, store
from workshop.ui.context import Place, db
from workshop.ui.pages import COMMUNICATE, COMPARE, FACILITATOR, MY_DRAFT, TEAMS, Page

POLL_SECONDS = 1  # one small query a second per open screen; the page's own rerun comes on top

# The parts of the room each page shows (a page not listed: everything shared): a participant
# drafting follows only the reveal and the room's step (their typing is never interrupted by
# someone else's progress); the step pages after the reveal follow everything shared.
EVERYTHING_SHARED = tuple(field for field in room.FIELDS if field != "drafts")
WATCH: dict[Page, tuple[str, ...] | None] = {
    MY_DRAFT: ("revealed", "step"),  # a participant's own draft
    FACILITATOR: ("step",),  # the facilitator's own definition
    TEAMS: ("revealed", "step"),  # the status board redraws itself (`live_status_board`)
    COMPARE: None,  # compare and agree: everything, the drafts' progress before the reveal too
    COMMUNICATE: EVERYTHING_SHARED,
}


def follow_room(place: Place, page: Page) -> None:
    """Call once per page, before it reads what it shows."""
    watch = WATCH.get(page, EVERYTHING_SHARED)
    key = _key(page)
    try:
        with db() as s:
            st.session_state[key] = room.pick(room.stamp(s, place.workshop_id), watch)
    except store.NotFound:
        return
    st.session_state[f"{key}:drawn"] = True
    _poll(place, page, watch)


def _key(page: Page) -> str:
    return f"live:{page.url_path}"


@st.fragment(run_every=POLL_SECONDS)
def _poll(place: Place, page: Page, watch: tuple[str, ...] | None) -> None:
    key = _key(page)
    if st.session_state.pop(f"{key}:drawn", False):
        return  # the page has just read the stamp itself
    try:
        with db() as s:
            now = room.pick(room.stamp(s, place.workshop_id), watch)
    except store.NotFound:
        return
    if st.session_state.get(key) != now:
        st.session_state[key] = now
        st.rerun(scope="app")
