"""What the facilitator shows so people can join: the short code, links and QR codes."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
import streamlit as st

from workshop import store
from workshop.models import ROLE_LABELS
from workshop.ui.context import Place, link, visit
from workshop.ui.layout import copy_block
from workshop.ui.pages import FACILITATOR, JOIN


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


SHOW_AGAIN = "invitations:show"


def everyone_joined(place: Place) -> bool:
    """Marketing and sales each have someone in the workshop."""
    with visit(place) as ws:
        roles = {status.role for status in ws(store.draft_statuses)}
    return set(store.TEAM_ROLES) <= roles


def invitations_panel(place: Place, hide_when_everyone_joined: bool = False) -> None:
    """The code, links and QR codes; on the shared screen they fold away once marketing and
    sales are both in, so latecomers' codes aren't on the wall all session (unless asked)."""
    if hide_when_everyone_joined and everyone_joined(place) and not st.session_state.get(
            SHOW_AGAIN):
        st.success("✅ Marketing and sales have both joined.")
        if st.button("Show the join links again", key="invitations:again"):
            st.session_state[SHOW_AGAIN] = True
            st.rerun()
        return
    with visit(place) as ws:
        invitations = ws(store.invitations)
    join_page = link(JOIN.url_path).split("?")[0]
    if urlsplit(join_page).hostname in ("localhost", "127.0.0.1", "::1"):
        st.warning("Phones and other laptops cannot reach *localhost*. Open this app by the "
                   "computer's network address, or start it with PUBLIC_URL set to that "
                   "address, before people join.")
    st.markdown(f"Open **{join_page}** and type the code")
    st.title(invitations.join_code, anchor=False)
    columns = st.columns(len(store.TEAM_ROLES))
    for column, role in zip(columns, store.TEAM_ROLES, strict=True):
        url = link(JOIN.url_path, invite=invitations.secrets[role])
        with column, st.container(border=True):
            st.markdown(f"**{ROLE_LABELS[role]}**: scan or open the link")
            st.image(qr_png(url), width=180)
            copy_block(url)
    if hide_when_everyone_joined:
        if st.session_state.get(SHOW_AGAIN) and st.button("Hide the join links",
                                                          key="invitations:hide"):
            st.session_state[SHOW_AGAIN] = False
            st.rerun()
        return  # the facilitator's own link is not for the room
    with st.expander("Your facilitator link (secret: it is the only way back in as facilitator)"):
        copy_block(link(FACILITATOR.url_path, **place.key_params))
