"""Step 3: reveal the drafts side by side, see where they differ, build one shared definition."""
import streamlit as st

from workshop import catalog, compare, merge, store, versions
from workshop.models import ROLE_LABELS, possessive
from workshop.shared_edits import SharedEdit, hand_edit, row_operation, suggested_start
from workshop.text import escape_markdown
from workshop.ui.agreement import (
    NOTICE,
    change_log,
    discussion_controls,
    just_signed,
    show_notice,
    signoff,
)
from workshop.ui.comparison_view import (
    agreement_sentences,
    comparison_rows,
    one_question_at_a_time,
    phone_layout,
    score_line,
    who_agrees_with_whom,
)
from workshop.ui.context import require_workshop, step_header, visit
from workshop.ui.definition_form import (
    definition_file_loader,
    definition_form,
    forget_form,
    save_beside,
)
from workshop.ui.evidence_panels import leads_agreement
from workshop.ui.leads_source import form_values, workshop_leads
from workshop.ui.pages import COMPARE, EVIDENCE, HISTORY
from workshop.ui.preview import impact_panel, live_panel
from workshop.ui.reveal import reveal_control
from workshop.ui.status_board import status_board
from workshop.ui.won_deals import scorecard_panel

place, workshop, actor = require_workshop()
step_header(workshop, place, COMPARE, actor)
st.title("Step 3 · Compare and agree")

with visit(place) as ws:
    revealed = ws.is_revealed()
    statuses = ws(store.draft_statuses)

if not revealed:
    st.markdown("Nothing is shown until the facilitator reveals all drafts at once.")
    if not actor.is_facilitator:
        st.info("⏳ Waiting for the facilitator to reveal the drafts. This page moves on by "
                "itself.")
    status_board(place)
    if not actor.is_facilitator:
        st.stop()
    unfinished = [s for s in statuses if s.role != "facilitator" and not s.done]
    if len([s for s in statuses if s.role in store.TEAM_ROLES]) < 2:
        st.warning("Marketing and sales have not both drafted yet (step 2).")
    elif unfinished:
        st.warning("Not everyone has pressed Done. After the reveal, drafts can no longer "
                   "be changed.")
    reveal_control(place, "🔓 Reveal all drafts", key="compare:reveal")
    st.stop()

with visit(place) as ws:
    people = ws(store.revealed_people)
    shared = ws(store.shared_state)
    points = ws(versions.discussion)
source = workshop_leads(place)
leads = source.leads if source is not None else None  # multiple-choice cells shape merges
roles = [person.role for person in people]
several_per_team = len(roles) != len(set(roles))
if several_per_team and st.segmented_control(
        "Compare", ["Teams", "Every person"], default="Teams", required=True,
        key="compare:view") == "Teams":
    drafts = merge.drafts_by_team([(p.role, p.label, p.definition) for p in people],
                                  ROLE_LABELS, leads)
    st.caption("Each team's view is what its members agree on; switch to *Every person* to see "
               "each draft.")
else:
    drafts = {person.label: person.definition for person in people}
comparison = compare.compare(drafts)
facilitator = actor.is_facilitator and shared.signed_version is None
show_notice()
signed_now, first_time = just_signed(place, shared.signed_version)
if signed_now:
    if first_time:
        st.balloons()
    st.success(f"Every team has signed: this is version {signed_now}.")

with visit(place) as ws:
    proposal = ws(versions.current_proposal)
# A team member asked to sign sees that first (on a phone the questions are a long scroll).
asked_to_sign = not actor.is_facilitator and (shared.signed_version is not None
                                              or proposal is not None)
if asked_to_sign:
    st.header("Sign off")
    signoff(place, workshop, actor, shared, source, HISTORY, proposal)

phone = phone_layout(place.presenting)
score_line(comparison)
with st.expander("Who agrees with whom, question by question", expanded=True):
    if phone:
        agreement_sentences(comparison)
    else:
        who_agrees_with_whom(comparison)
with st.expander("How the alignment score is worked out"):
    st.markdown(compare.SCORE_EXPLAINED)

# An empty shared definition qualifies every lead by arithmetic: no figure of it until it
# holds a rule (as on the evidence page).
live_panel({**drafts, **({} if shared.definition.is_empty()
                         else {"Shared definition": shared.definition})},
           source, place, actor.is_facilitator, compact=phone)
if not phone:  # wide tables; the evidence page has them
    leads_agreement(source, drafts)
    if source is not None and "outcome" in source.leads.columns:
        with st.expander("Would we have caught our customers? Each draft on the newer leads"):
            scorecard_panel(place, source, {**drafts, "Shared definition": shared.definition}
                            if not shared.definition.is_empty() else drafts)
if source is not None:
    st.page_link(EVIDENCE.path, label="More evidence from your leads →", icon="📊",
                 query_params=place.params)

SHARED_FORM = f"shared:{place.workshop_id}"


def apply(edit: SharedEdit, revision: int) -> None:
    """Save the shared definition after a row operation made on `revision`; the form, if
    open, re-reads it afterwards (see save_beside)."""
    def save() -> int:
        with visit(place) as ws:
            return ws(store.save_shared, edit.definition, revision, edit.decisions,
                      summary=edit.summary, questions=edit.questions)

    try:
        save_beside(SHARED_FORM, edit.definition, save)
    except store.StoreError as error:
        st.session_state[NOTICE] = str(error)
        forget_form(SHARED_FORM, None)


if facilitator and shared.definition.is_empty() and not shared.decisions:
    st.info("The shared definition is empty. Start from a suggestion: agreed rows as they are, "
            "a majority's answer where two agree, the common ground where answers overlap, "
            "conflicts left open for discussion.")
    # Saved in the click's callback, before the page runs again: a rerun the room's live
    # updates start at the same moment cannot swallow the click.
    st.button("✨ Start from the suggested definition", type="primary", on_click=apply,
              args=(suggested_start(comparison, leads), shared.revision))

st.header("Question by question")
names = list(drafts)
OPERATIONS = {**{f"take:{n}": f"Take {possessive(n)} answer" for n in names},
              "union": "Union: what any of them accepts (more leads)",
              "intersection": "Intersection: what all of them accept (fewer leads)",
              "clear": "Leave open (no rule)"}


def load_shared():
    with visit(place) as ws:
        state = ws(store.shared_state)
    return state.definition, state.revision


def save_shared(definition, revision):
    with visit(place) as ws:
        current = ws(store.shared_state)
        edit = hand_edit(current.definition, definition, current.decisions)
        return ws(store.save_shared, edit.definition, revision, edit.decisions,
                  summary=edit.summary, questions=edit.questions)


EDITING = "compare:editing"


def apply_choice(key: str) -> None:
    """Apply the operation chosen for `key` as the click found it: the choice is read now, not
    when the button was drawn (a choice made a moment before the click may not have been
    drawn yet)."""
    operation = st.session_state.to_dict().get(f"op:{key}")
    if operation not in OPERATIONS:
        return
    # On the definition as stored now, not as drawn: a value typed in the open form may have
    # been saved by its callback in this same rerun, just before this one.
    with visit(place) as ws:
        current = ws(store.shared_state)
    try:
        edit = row_operation(current.definition, current.decisions, key, operation, drafts,
                             leads)
    except merge.CannotCombine as error:  # the row says so too; nothing is saved
        st.session_state[NOTICE] = str(error)
        return
    apply(edit, current.revision)


def row_tools(row) -> None:
    key = row.question.key
    decision = shared.decisions.get(key)
    if decision:
        st.caption(f"Shared answer: {escape_markdown(decision)}")
    discussion_controls(place, key, points.get(key), actor.is_facilitator)
    if not facilitator:
        return
    pick, go, edit = st.columns([4, 1, 1], vertical_alignment="bottom")
    # A draft that left this question blank has no answer to take.
    offered = [op for op in OPERATIONS
               if not op.startswith("take:") or op.removeprefix("take:") in row.answered_by]
    if st.session_state.get(f"op:{key}") not in offered:
        st.session_state.pop(f"op:{key}", None)
    operation = pick.selectbox("Build the shared answer", offered,
                               format_func=OPERATIONS.get, key=f"op:{key}")
    try:
        candidate, how = merge.apply_operation(shared.definition, key, operation, drafts,
                                               leads)
    except merge.CannotCombine as error:
        candidate, how = None, str(error)
    go.button("Apply", key=f"apply:{key}", width="stretch", on_click=apply_choice,
              args=(key,), disabled=candidate is None)  # in the click's callback, as above
    editing = st.session_state.get(EDITING) == key
    if edit.button("Close the form" if editing else "Edit by hand", key=f"edit:{key}",
                   width="stretch"):
        if editing:
            st.session_state.pop(EDITING, None)
        else:
            st.session_state[f"{SHARED_FORM}:question"] = {"index": [
                q.key for q in catalog.QUESTIONS].index(key)}
            st.session_state[EDITING] = key
        st.rerun()
    if candidate is None:  # why this choice cannot be applied, where Apply would be
        st.caption(f"**{escape_markdown(OPERATIONS[operation])}**: {escape_markdown(how)}")
    else:
        impact_panel(source, shared.definition, candidate, OPERATIONS[operation])
    if editing:  # inline, in this question's place; stays open after each saved value
        definition_form(SHARED_FORM, load_shared, save_shared, form_values(place))


# On the shared screen and on a phone, one question at a time; elsewhere the whole list.
focus = one_question_at_a_time(comparison) if place.presenting or phone else None
comparison_rows(comparison, extra={"Shared definition": shared.definition}, only=focus,
                below=row_tools)


if facilitator:
    st.header("Edit the shared definition by hand")
    shown = {focus} if focus is not None else {q.key for q in catalog.QUESTIONS}
    if st.session_state.get(EDITING) not in shown:  # else open in that question's place
        # Its widgets exist only while it is open: a form drawn out of sight had its values
        # reset by the browser (a window resized while the page ran) and saved as an edit.
        with st.expander("Open the guided form on the shared definition", key="compare:guided",
                         on_change="rerun") as guided:
            if guided.open:
                definition_form(SHARED_FORM, load_shared, save_shared, form_values(place))
    definition_file_loader(SHARED_FORM, load_shared, save_shared, "the shared definition")

st.header("Every change so far")
change_log(place, shared, actor.is_facilitator)

if not asked_to_sign:
    st.header("Sign off")
    signoff(place, workshop, actor, shared, source, HISTORY, proposal)
