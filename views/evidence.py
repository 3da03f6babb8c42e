"""Evidence from real leads: what each draft and the shared definition do to the company's
own CRM export (in the demo workshops, the sample leads until one is uploaded)."""
import streamlit as st

from workshop import store
from workshop.hindsight import after_arrival_sentences
from workshop.text import escape_markdown
from workshop.ui.context import require_workshop, step_header, visit
from workshop.ui.evidence_panels import (
    SHARED,
    capacity_panel,
    drill_down,
    evaluations,
    outcomes_panel,
)
from workshop.ui.import_panel import review, upload_form
from workshop.ui.leads_source import SAMPLE_LABEL, workshop_leads
from workshop.ui.pages import EVIDENCE
from workshop.ui.preview import live_panel
from workshop.ui.won_deals import add_panel, scorecard_panel

place, workshop, actor = require_workshop()
step_header(workshop, place, EVIDENCE, actor)
st.title("Evidence from your leads")

if actor.is_facilitator:
    upload_form(place)
source = workshop_leads(place)

with visit(place) as ws:
    revealed = ws.is_revealed()
    people = ws(store.revealed_people) if revealed else []
    shared = ws(store.shared_state) if revealed else None

definitions = {person.label: person.definition for person in people}
if shared is not None and not shared.definition.is_empty():
    definitions[SHARED] = shared.definition

BEFORE_REVEAL = ("The figures of each draft appear here after the reveal: nobody's definition "
                 "is shown before then.")
if source is None:
    if actor.is_facilitator:
        st.info("Upload your company's CRM export (HubSpot, Salesforce or any CSV or Excel "
                "file of leads) to see what each draft and the shared definition would do to "
                "your own leads: how many qualify, per month against sales capacity, and how "
                "many past wins each would have caught.")
    elif not revealed:  # the export is kept from others until then, uploaded or not
        st.info(BEFORE_REVEAL)
    else:
        st.info("The figures appear here once the facilitator uploads the company's CRM "
                "export.")
    st.stop()
if source.upload is not None and actor.is_facilitator:
    # Before the reveal, the facilitator's own draft is the one to check, except on the shared
    # screen: there it stays off until the reveal, as on step 1. After it, it is one of the
    # revealed drafts, under the facilitator's name.
    own = {}
    if not revealed and not place.presenting:
        with visit(place) as ws:
            own = {"Your draft": ws(store.my_draft)[0]}
    review(place, source, {**own, **definitions})
    if not revealed:  # after it, the figures below say it of every draft, to everyone
        for sentence in after_arrival_sentences(own):
            st.warning(escape_markdown(sentence), icon="⏳")
elif source.label == SAMPLE_LABEL:
    st.caption("Showing the sample leads of the demo company until an export is uploaded.")
if actor.is_facilitator:
    add_panel(place, source, revealed)

if not revealed:
    st.info(BEFORE_REVEAL)
    st.stop()
if not definitions:
    st.info("Nobody had written a draft when the drafts were revealed, so there are no figures "
            "to show yet: they appear here once the shared definition has a condition.")
    st.stop()

live_panel(definitions, source)
results = evaluations(source, definitions)
if not results:
    st.stop()
st.header("Per month, against sales capacity")
capacity_panel(place, source, definitions, results)
st.header("Past wins")
outcomes_panel(source, definitions, results)
st.header("Checked on the newer leads")
scorecard_panel(place, source, definitions)
st.header("Closer look")
drill_down(source, definitions, results)
st.caption(f"Figures on {escape_markdown(source.label)}.")
