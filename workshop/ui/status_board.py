"""The live status board: who joined, who drafts, who is done. Never any draft content."""
from __future__ import annotations

import streamlit as st

from workshop import catalog, store
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import Place, db


def status_line(status: store.DraftStatus) -> str:
    state = "✅ done" if status.done else ("✏️ drafting" if status.started else "🙋 joined")
    return (f"**{escape_markdown(status.name)}**: {state} · {status.answered} of "
            f"{len(catalog.QUESTIONS)} questions answered")


@st.fragment(run_every="2s")
def status_board(place: Place) -> None:
    """Re-reads the database every 2 seconds; reruns the page when the reveal happens."""
    with db() as s:
        statuses = store.draft_statuses(s, place.workshop_id, place.token)
        revealed = store.is_revealed(s, place.workshop_id)
    if revealed and not st.session_state.get("board:revealed"):
        st.session_state["board:revealed"] = True
        st.rerun(scope="app")
    st.session_state["board:revealed"] = revealed
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


def remove_panel(place: Place) -> None:
    """Take someone out before the reveal: their draft goes unread, their link stops working."""
    with db() as s:
        team = [status for status in store.draft_statuses(s, place.workshop_id, place.token)
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
            with db() as s:
                removed = store.remove_participant(s, place.workshop_id, place.token,
                                                   people[chosen])
        except (store.Locked, store.NotFound) as error:
            st.error(escape_markdown(str(error)))
            return
        st.session_state.pop("remove:who", None)
        st.toast(f"{escape_markdown(removed)} is no longer in the workshop.")
        st.rerun()
