"""Step 2: marketing and sales draft alone, on their own devices or taking turns at this screen.

The shared screen shows who joined and how far they are, never what they wrote."""
import streamlit as st

from workshop import store
from workshop.ui.context import require_workshop, step_header, visit
from workshop.ui.invitations import invitations_panel
from workshop.ui.own_keys import stored_key
from workshop.ui.pages import COMPARE, TEAMS
from workshop.ui.reveal import just_revealed, reveal_control
from workshop.ui.status_board import live_status_board, remove_panel
from workshop.ui.turns import turns_panel

place, workshop, actor = require_workshop()
step_header(workshop, place, TEAMS, actor)
st.title("Step 2 · Marketing and sales define their ideal lead")

with visit(place) as ws:
    revealed = ws.is_revealed()

if not actor.is_facilitator:
    st.info("This is the facilitator's screen.")
    st.stop()
if revealed:
    if just_revealed("teams:reveal"):  # this screen's "Reveal now": on to the comparison
        st.switch_page(COMPARE.path, query_params=place.params)
    st.success("The drafts are revealed and locked. Compare them in step 3.")
    st.page_link(COMPARE.path, label="Go to step 3 →", query_params=place.params)
    if st.button("Reopen the drafts", help="Lets everyone change their draft again; "
                 "reveal again when they are done."):
        with visit(place) as ws:
            ws(store.reopen_drafts)
        st.rerun()
    st.stop()

if place.presenting:
    st.caption("Taking turns at this screen shows a draft on it: leave presentation mode "
               "for that.")


def set_auto_reveal(key: str) -> None:
    with visit(place) as ws:
        ws(store.set_auto_reveal, bool(st.session_state.to_dict().get(key)))


invite_column, board_column = st.columns([2, 3])
with invite_column:
    st.header("Join")
    invitations_panel(place, hide_when_everyone_joined=place.presenting)
with board_column:
    st.header("Who is where")
    live_status_board(place)
    auto_reveal = stored_key("auto-reveal", bool(workshop.auto_reveal))
    st.toggle("Reveal by itself as soon as everyone is done", value=bool(workshop.auto_reveal),
              key=auto_reveal, on_change=set_auto_reveal, args=(auto_reveal,))
    reveal_control(place, "🔓 Reveal all drafts now", key="teams:reveal")
    with st.expander("Remove someone who should not be here"):
        st.caption("Someone who joined by mistake, left, or is not one of you: their draft is "
                   "deleted without anyone reading it.")
        remove_panel(place)


if not place.presenting:
    with st.expander("One screen only? Take turns at this screen instead"):
        turns_panel(place)
