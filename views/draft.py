"""A participant's own draft on their own device: nobody else's content before the reveal."""
import streamlit as st

from workshop import store
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import link, require_workshop, step_header, taking_a_turn, visit
from workshop.ui.definition_form import (
    definition_file_loader,
    definition_form,
    definition_summary,
    draft_access,
    draft_in_sentences,
)
from workshop.ui.layout import copy_block
from workshop.ui.leads_source import form_values
from workshop.ui.pages import COMPARE, FACILITATOR, MY_DRAFT
from workshop.ui.team_switch import team_switch
from workshop.ui.turns import choose_pin, hand_back, pin_proven, prove_pin

place, workshop, actor = require_workshop()
step_header(workshop, place, MY_DRAFT, actor)
turn = taking_a_turn(place)  # someone's turn at the facilitator's shared screen
if actor.is_facilitator and not turn:
    # The facilitator's draft is step 1, which keeps it off the shared screen until the reveal.
    st.switch_page(FACILITATOR.path, query_params=place.params)
if turn:
    st.title(f"{ROLE_LABELS.get(actor.role, actor.role)}'s turn: {escape_markdown(actor.name)}")
    st.markdown("Answer from your own experience. Nobody else's draft is shown; yours will be "
                "covered as soon as you press **Done**.")
else:
    st.title(f"Your ideal lead: {escape_markdown(actor.name)}")
    st.caption(f"{ROLE_LABELS.get(actor.role, actor.role)} · bookmark this page to come back "
               "to your draft: the link is yours alone.")


load, save = draft_access(place)


def set_done(done: bool) -> None:
    try:
        with visit(place) as ws:
            ws(store.set_done, done)
    except store.StoreError as error:
        st.session_state["draft:notice"] = str(error)


with visit(place) as ws:
    revealed = ws.is_revealed()
    _, _, done = ws(store.my_draft)
if st.session_state.get("draft:notice"):
    st.warning(escape_markdown(st.session_state.pop("draft:notice")))

if revealed:
    st.success("The drafts are revealed. Follow the comparison on the shared screen, or here.")
    st.page_link(COMPARE.path, label="See the comparison →", query_params=place.params)
    with st.expander("What you wrote"):
        definition_summary(load()[0])
elif turn:
    if done:
        hand_back(place)
    with visit(place) as ws:
        pinned = ws(store.turn_pinned)
    if not pinned:  # before anything is typed: the turn opens again only for its author
        choose_pin(place)
        st.stop()
    if not pin_proven(place):  # a session that has not seen the PIN: the author types it
        prove_pin(place, actor.name)
        st.stop()
    definition_form(f"draft:{actor.participant_id}", load, save, form_values(place))
    draft_in_sentences(load()[0])
    if st.button("✅ Done: cover my draft and hand the screen back", type="primary"):
        set_done(True)
        hand_back(place)
    st.stop()
elif done:
    st.success("✅ Done. Your draft is hidden until the facilitator reveals all drafts.")
    st.button("Reopen my draft", on_click=set_done, args=(False,))
else:
    st.markdown("Answer from your own experience: what does a lead look like that you would "
                "be glad to get? Every answer is saved as you go: choices when you make "
                "them, words and notes as you type, a number once you leave its box.")
    team_switch(place, actor)
    definition_form(f"draft:{actor.participant_id}", load, save, form_values(place))
    definition_file_loader(f"draft:{actor.participant_id}", load, save, "your draft")
    draft_in_sentences(load()[0])
    st.button("✅ Done: hand in my draft", type="primary", on_click=set_done, args=(True,))
st.caption("Your personal link (keep it to yourself):")
copy_block(link(MY_DRAFT.url_path, **place.key_params))
