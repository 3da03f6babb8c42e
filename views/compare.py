"""Step 3: reveal the drafts side by side, see where they differ, build one shared definition."""
import streamlit as st

from workshop import catalog, compare, merge, store
from workshop.compare import STATUS_ICONS
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import EVIDENCE, STEP_PAGES, db, require_workshop, step_header
from workshop.ui.definition_form import definition_form, forget_form
from workshop.ui.leads_source import workshop_columns, workshop_leads
from workshop.ui.preview import live_panel
from workshop.ui.status_board import status_board

place, workshop, actor = require_workshop()
step_header(workshop, place, 3, actor)
st.title("Step 3 · Compare and agree")

with db() as s:
    revealed = store.is_revealed(s, place.workshop_id)
    statuses = store.draft_statuses(s, place.workshop_id, place.token)

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
    if st.button("🔓 Reveal all drafts", type="primary"):
        with db() as s:
            store.reveal(s, place.workshop_id, place.token)
        st.rerun()
    st.stop()

with db() as s:
    people = store.revealed_people(s, place.workshop_id, place.token)
    shared = store.shared_state(s, place.workshop_id, place.token)
roles = [person.role for person in people]
several_per_team = len(roles) != len(set(roles))
if several_per_team and st.segmented_control(
        "Compare", ["Teams", "Every person"], default="Teams", required=True,
        key="compare:view") == "Teams":
    drafts = merge.drafts_by_team([(p.role, p.label, p.definition) for p in people],
                                  ROLE_LABELS)
    st.caption("Each team's view is what its members agree on; switch to *Every person* to see "
               "each draft.")
else:
    drafts = {person.label: person.definition for person in people}
comparison = compare.compare(drafts)

score_col, counts_col = st.columns([1, 3])
score = comparison.score
score_col.metric("Alignment score", "–" if score is None else f"{score:.0f} / 100")
counts = comparison.counts()
counts_col.markdown("  \n".join(
    f"{STATUS_ICONS[status]} **{count}** {status}" for status, count in counts.items() if count))
with st.expander("How the alignment score is worked out"):
    st.markdown(compare.__doc__)

live_panel({**drafts, "Shared definition": shared.definition}, workshop_leads(place))
st.page_link(EVIDENCE, label="Upload your own CRM export and see more evidence →", icon="📊",
             query_params=place.params)

SHARED_FORM = f"shared:{place.workshop_id}"


def apply(definition, decisions):
    """Save the shared definition after a row operation; the form re-reads it afterwards."""
    try:
        with db() as s:
            revision = store.save_shared(s, place.workshop_id, place.token, definition,
                                         shared.revision, decisions)
    except store.StaleEdit as error:
        st.session_state["compare:notice"] = str(error)
        forget_form(SHARED_FORM, None)
        return
    forget_form(SHARED_FORM, revision)


if st.session_state.get("compare:notice"):
    st.warning(st.session_state.pop("compare:notice"))

if actor.is_facilitator and shared.definition.is_empty() and not shared.decisions:
    st.info("The shared definition is empty. Start from a suggestion: agreed rows as they are, "
            "a majority's answer where two agree, the common ground where answers overlap, "
            "conflicts left open for discussion.")
    if st.button("✨ Start from the suggested definition", type="primary"):
        suggested, suggestions = merge.suggest(comparison)
        apply(suggested, {s.question: f"suggested ({s.how})" for s in suggestions})
        st.rerun()

st.header("Question by question")
names = list(drafts)
OPERATIONS = {**{f"take:{n}": f"Take {n}'s answer" for n in names},
              "union": "Union: what any of them accepts (more leads)",
              "intersection": "Intersection: what all of them accept (fewer leads)",
              "clear": "Leave open (no rule)"}


def row_sentences(definition, question):
    if question == catalog.ENGAGEMENT:
        lines = [a.sentence() for a in definition.actions]
        if definition.actions or definition.threshold:
            lines.append(f"MQL threshold: {definition.threshold} points")
    else:
        lines = [f"{c.sentence()} ({c.role_phrase()})"
                 for c in definition.criteria_for(question)]
    note = definition.notes.get(question)
    text = "\n".join(f"- {escape_markdown(line)}" for line in lines) or "—"
    return text + (f"\n\n*“{escape_markdown(note)}”*" if note else "")


for row in comparison.rows:
    key = row.question.key
    with st.container(border=True):
        similarity = "" if row.similarity is None else f" · similarity {row.similarity:.0%}"
        st.markdown(f"### {STATUS_ICONS[row.status]} {row.question.title}\n"
                    f"**{row.status.capitalize()}**{similarity} · *{row.question.prompt}*")
        columns = st.columns(len(names) + 1)
        for column, name in zip(columns, names, strict=False):
            column.markdown(f"**{escape_markdown(name)}**")
            column.markdown(row_sentences(drafts[name], key))
        with columns[-1]:
            st.markdown("**Shared definition**")
            st.markdown(row_sentences(shared.definition, key))
            decision = shared.decisions.get(key)
            if decision:
                st.caption(f"Decided: {escape_markdown(decision)}")
        if actor.is_facilitator:
            pick, go, edit = st.columns([4, 1, 1], vertical_alignment="bottom")
            operation = pick.selectbox("Build the shared answer", list(OPERATIONS),
                                       format_func=OPERATIONS.get, key=f"op:{key}")
            if go.button("Apply", key=f"apply:{key}", width="stretch"):
                updated, how = merge.apply_operation(shared.definition, key, operation, drafts)
                apply(updated, {**shared.decisions, key: how})
                st.rerun()
            if edit.button("Edit by hand", key=f"edit:{key}", width="stretch"):
                st.session_state[f"{SHARED_FORM}:question"] = [
                    q.key for q in catalog.QUESTIONS].index(key)
                st.session_state["compare:editing"] = True
                st.rerun()


def load_shared():
    with db() as s:
        state = store.shared_state(s, place.workshop_id, place.token)
    return state.definition, state.revision


def save_shared(definition, revision):
    with db() as s:
        current = store.shared_state(s, place.workshop_id, place.token)
        changed = merge.changed_questions(current.definition, definition)
        decisions = {**current.decisions, **{k: "edited by hand" for k in changed}}
        return store.save_shared(s, place.workshop_id, place.token, definition, revision,
                                 decisions)


if actor.is_facilitator:
    st.header("Edit the shared definition by hand")
    with st.expander("Open the guided form on the shared definition",
                     expanded=st.session_state.pop("compare:editing", False)):
        definition_form(SHARED_FORM, load_shared, save_shared, workshop_columns(place))

    st.header("Agree")
    participants = list(dict.fromkeys([s.name for s in statuses] + shared.agreed_by))
    if shared.agreed_at:
        st.success(f"Agreed on {shared.agreed_at:%d %B %Y} by "
                   f"{escape_markdown(', '.join(shared.agreed_by))}.")
    with st.form("agree"):
        agreed_by = st.multiselect("Who agrees to the shared definition?", participants,
                                   default=shared.agreed_by or participants,
                                   accept_new_options=True)
        if st.form_submit_button("🤝 Record the agreement", type="primary"):
            try:
                with db() as s:
                    store.record_agreement(s, place.workshop_id, place.token, agreed_by,
                                           shared.revision)
            except (ValueError, store.StaleEdit) as error:
                st.error(str(error))
            else:
                st.switch_page(STEP_PAGES[4][0], query_params=place.params)
