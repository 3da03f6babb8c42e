"""Step 1: the facilitator defines an ideal lead alone, before anyone else's view is known."""
import streamlit as st

from workshop import store
from workshop.ui.backup_panel import backup_download
from workshop.ui.context import link, require_workshop, step_header, visit
from workshop.ui.definition_form import (
    definition_file_loader,
    definition_form,
    definition_summary,
    draft_access,
    draft_in_sentences,
)
from workshop.ui.layout import copy_block
from workshop.ui.leads_source import form_values
from workshop.ui.pages import FACILITATOR, HOME, TEAMS

place, workshop, actor = require_workshop()
step_header(workshop, place, FACILITATOR, actor)
st.title("Step 1 · The facilitator's ideal lead")

if not actor.is_facilitator:
    st.info("This step is the facilitator's own draft.")
    st.stop()
if st.session_state.get("created") == place.workshop_id and not place.presenting:
    st.info("**Keep this link: it is the only way back into this workshop as facilitator.** "
            "Bookmark this page, or copy the link below.")
    copy_block(link(FACILITATOR.url_path, **place.key_params))


load, save = draft_access(place)


with visit(place) as ws:
    revealed = ws.is_revealed()

if revealed:
    st.success("The drafts are revealed; this draft is now locked. Here is what you wrote.")
    definition_summary(load()[0])
elif place.presenting:
    st.info("🙈 **Your draft stays off the shared screen until the reveal.** Write it on your "
            "own device with your facilitator link, or leave presentation mode while the "
            "projector is off.")
    with visit(place) as ws:
        mine = next(status for status in ws(store.draft_statuses)
                    if status.participant_id == actor.participant_id)
    st.markdown(f"Your draft: {mine.progress}.")
else:
    st.markdown("Define your ideal lead **as specifically as possible**, alone. Marketing and "
                "sales will not see it until you reveal all drafts in step 3, so don't "
                "lead the witness.")
    definition_form(f"draft:{actor.participant_id}", load, save, form_values(place))
    definition_file_loader(f"draft:{actor.participant_id}", load, save, "your draft")
    draft_in_sentences(load()[0], before="the room moves on to step 2")
st.page_link(TEAMS.path, label="Continue to step 2: marketing and sales →",
             query_params=place.params)

backup_download(place)
if not workshop.is_demo:
    with st.expander("Delete this workshop"):
        sure = st.checkbox("Yes, delete every draft and the shared definition for good")
        if st.button("Delete the workshop", disabled=not sure):
            with visit(place) as ws:
                ws(store.delete_workshop)
            st.switch_page(HOME.path)
