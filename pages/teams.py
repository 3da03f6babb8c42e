"""Step 2: marketing and sales each draft alone, taking turns at this screen.

A finished draft is covered: only its progress shows until the facilitator reveals."""
import streamlit as st

from workshop import store
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import STEP_PAGES, db, require_workshop, step_header
from workshop.ui.definition_form import definition_form

place, workshop, actor = require_workshop()
step_header(workshop, place, 2)
st.title("Step 2 · Marketing and sales define their ideal lead")

with db() as s:
    revealed = store.is_revealed(s, place.workshop_id)
    statuses = store.draft_statuses(s, place.workshop_id, place.token)

if revealed:
    st.success("The drafts are revealed. Compare them in step 3.")
    st.page_link(STEP_PAGES[3][0], label="Go to step 3 →", query_params=place.params)
    st.stop()
if not actor.is_facilitator:
    st.info("Turns at the shared screen are started by the facilitator.")
    st.stop()

TURN = "turn:token"
turn_token = st.session_state.get(TURN) or st.query_params.get("turn")


def end_turn() -> None:
    st.session_state.pop(TURN, None)
    st.query_params.pop("turn", None)


if turn_token:
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

    def load():
        with db() as s:
            definition, revision, _ = store.my_draft(s, place.workshop_id, turn_token)
        return definition, revision

    def save(definition, revision):
        with db() as s:
            return store.save_draft(s, place.workshop_id, turn_token, definition, revision)

    st.subheader(f"{ROLE_LABELS[author.role]}'s turn: {escape_markdown(author.name)}")
    st.markdown("Answer from your own experience. Nobody else's draft is shown; yours will be "
                "covered as soon as you press **Done**.")
    definition_form(f"draft:{author.participant_id}", load, save)
    if st.button("✅ Done: cover my draft and hand the screen back", type="primary"):
        with db() as s:
            store.set_done(s, place.workshop_id, turn_token, True)
        end_turn()
        st.rerun()
    st.stop()

st.markdown("Hand the screen to each team in turn. While one types, the others look away; "
            "a finished draft is covered until the reveal.")
status_by_role = {}
for status in statuses:
    status_by_role.setdefault(status.role, []).append(status)
columns = st.columns(2)
for column, role in zip(columns, store.TEAM_ROLES, strict=False):
    with column, st.container(border=True):
        st.subheader(ROLE_LABELS[role])
        for status in status_by_role.get(role, []):
            state = "✅ done, covered" if status.done else (
                "✏️ drafting" if status.started else "○ not started")
            st.markdown(f"**{escape_markdown(status.name)}**: {state} · "
                        f"{status.answered} questions answered")
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

if all(s.done for s in statuses if s.role in store.TEAM_ROLES) and len(
        [s for s in statuses if s.role in store.TEAM_ROLES]) >= 2:
    st.success("Both teams are done. Reveal the drafts in step 3.")
st.page_link(STEP_PAGES[3][0], label="Continue to step 3: compare and agree →",
             query_params=place.params)
