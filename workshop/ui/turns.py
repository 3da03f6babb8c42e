"""Taking turns at one shared screen: each person drafts while the others look away."""
from __future__ import annotations

import streamlit as st

from workshop import store
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import Place, db
from workshop.ui.definition_form import definition_form, draft_access
from workshop.ui.leads_source import form_values

TURN = "turn:token"


def end_turn() -> None:
    st.session_state.pop(TURN, None)
    st.query_params.pop("turn", None)


def active_turn(place: Place) -> None:
    """If someone's turn is on, show only their form (and stop the page there)."""
    turn_token = st.session_state.get(TURN) or st.query_params.get("turn")
    if not turn_token:
        return
    try:
        with db() as s:
            author = store.authenticate(s, place.workshop_id, turn_token)
            _, _, done = store.my_draft(s, place.workshop_id, turn_token)
    except (store.AccessDenied, store.NotFound):
        end_turn()
        st.rerun()
    if done:
        end_turn()
        st.rerun()
    st.session_state[TURN] = turn_token
    st.query_params["turn"] = turn_token

    load, save = draft_access(place.workshop_id, turn_token)
    st.subheader(f"{ROLE_LABELS[author.role]}'s turn: {escape_markdown(author.name)}")
    st.markdown("Answer from your own experience. Nobody else's draft is shown; yours will be "
                "covered as soon as you press **Done**.")
    definition_form(f"draft:{author.participant_id}", load, save, form_values(place))
    if st.button("✅ Done: cover my draft and hand the screen back", type="primary"):
        with db() as s:
            store.set_done(s, place.workshop_id, turn_token, True)
        end_turn()
        st.rerun()
    st.stop()


def turns_panel(place: Place) -> None:
    st.markdown("Hand the screen to each person in turn. While one types, the others look "
                "away; a finished draft is covered until the reveal.")
    with db() as s:
        statuses = store.draft_statuses(s, place.workshop_id, place.token)
    for role in store.TEAM_ROLES:
        st.markdown(f"**{ROLE_LABELS[role]}**")
        for status in [s for s in statuses if s.role == role]:
            label = "Reopen" if status.done else "Continue"
            if st.button(f"{label} {escape_markdown(status.name)}'s turn",
                         key=f"continue:{status.participant_id}",
                         help="Reopening shows this draft on the screen again." if status.done
                         else None):
                with db() as s:
                    st.session_state[TURN] = store.start_turn(
                        s, place.workshop_id, place.token, role=role, name=status.name,
                        reopen=status.done)
                st.rerun()
        with st.form(f"start:{role}", clear_on_submit=True):
            name = st.text_input(f"Name of the {ROLE_LABELS[role].lower()} person",
                                 max_chars=200, placeholder="e.g. Alex (Head of Sales)")
            if st.form_submit_button(f"Start {ROLE_LABELS[role].lower()}'s turn"):
                try:
                    with db() as s:
                        st.session_state[TURN] = store.start_turn(
                            s, place.workshop_id, place.token, role=role, name=name)
                except (ValueError, store.Locked) as error:
                    st.error(str(error))
                else:
                    st.rerun()
