"""The live status board: who joined, who drafts, who is done. Never any draft content."""
from __future__ import annotations

import streamlit as st

from workshop import room, store
from workshop.models import DATA_ROLE, ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import Place, visit
from workshop.ui.live import POLL_SECONDS


def status_line(status: store.DraftStatus) -> str:
    state = "✅ done" if status.done else ("✏️ drafting" if status.started else "🙋 joined")
    return f"**{escape_markdown(status.name)}**: {state} · {status.progress}"


BOARD = "board:statuses"  # the drafts' part of the room's stamp, and the statuses read for it


@st.fragment(run_every=POLL_SECONDS)
def live_status_board(place: Place) -> None:
    """Redrawn every second, for a page that does not follow the drafts' progress itself
    (`live.WATCH`). (The reveal reruns the page: `follow_room`.)"""
    status_board(place)


def status_board(place: Place) -> None:
    """Drawn from the room's stamp: the drafts are read again only when someone joined, saved
    or pressed Done. A page that follows the drafts (step 3 before the reveal) draws it as it
    is: a second poll beside the page's own would only add reruns racing it."""
    with visit(place) as ws:
        drafts = room.stamp(ws.session, place.workshop_id).drafts
        cached = st.session_state.get(BOARD)
        if cached is not None and cached[0] == (place.workshop_id, drafts):
            statuses = cached[1]
        else:
            statuses = ws(store.draft_statuses)
            st.session_state[BOARD] = ((place.workshop_id, drafts), statuses)
    by_role: dict[str, list[store.DraftStatus]] = {}
    for status in statuses:
        by_role.setdefault(status.role, []).append(status)
    columns = st.columns(len(store.TEAM_ROLES))
    for column, role in zip(columns, store.TEAM_ROLES, strict=True):
        with column, st.container(border=True):
            st.subheader(ROLE_LABELS[role])
            people = by_role.get(role, [])
            if not people:
                st.markdown("*Nobody has joined yet.*")
            for status in people:
                st.markdown(status_line(status))
    team = [s for s in statuses if s.role in store.TEAM_ROLES]
    done = sum(s.done for s in team)
    st.caption(f"{done} of {len(team)} team members done · updates by itself")
    if any(s.role == DATA_ROLE for s in statuses):
        st.caption("📈 The won deals' draft is in too, hidden until the reveal like every "
                   "draft.")


def remove_panel(place: Place) -> None:
    """Take someone out before the reveal: their draft goes unread, their link stops working."""
    with visit(place) as ws:
        team = [status for status in ws(store.draft_statuses)
                if status.role in store.TEAM_ROLES]
    if not team:
        st.caption("There is nobody to remove yet.")
        return
    people = {f"{status.name} · {ROLE_LABELS[status.role]}": status.participant_id
              for status in team}  # a name is unique within its team
    chosen = st.selectbox("Who", list(people), index=None, placeholder="Choose a person",
                          key="remove:who")
    if chosen is None:
        return
    sure = st.checkbox(f"Yes, remove {escape_markdown(chosen)}: their draft is deleted unread "
                       "and their link stops working", key=f"remove:sure:{people[chosen]}")
    if st.button("Remove", disabled=not sure, key=f"remove:{people[chosen]}"):
        try:
            with visit(place) as ws:
                removed = ws(store.remove_participant, people[chosen])
        except store.StoreError as error:
            st.error(escape_markdown(str(error)))
            return
        st.session_state.pop("remove:who", None)
        st.toast(f"{escape_markdown(removed)} is no longer in the workshop.")
        st.rerun()
