"""Step 3's agreeing widgets: the change log (replay, undo), questions up for discussion, and the
sign-off of a proposed definition by each team."""
from __future__ import annotations

from functools import partial

import streamlit as st

from workshop import export, store, versions
from workshop.compare import compare
from workshop.definition import Definition
from workshop.measure import Figures, volume_sentence, wins_sentence
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown, when
from workshop.ui.autosave import autosave_text, last_sent
from workshop.ui.comparison_view import comparison_rows
from workshop.ui.context import Place, visit
from workshop.ui.evidence_panels import measurement
from workshop.ui.leads_source import LeadsSource
from workshop.ui.own_keys import stored_key
from workshop.ui.pages import Page

NOTICE = "agree:notice"


def _act(place: Place, call, *args, **kwargs):
    """Run a store call for this page's workshop and key; a refusal becomes a notice shown
    after the rerun, never a traceback."""
    try:
        with visit(place) as ws:
            return ws(call, *args, **kwargs)
    except (ValueError, store.StoreError) as error:
        st.session_state[NOTICE] = str(error)
        return None


def show_notice() -> None:
    if st.session_state.get(NOTICE):
        st.warning(escape_markdown(st.session_state.pop(NOTICE)))


# --- discussion ----------------------------------------------------------------------------------

def discussion_controls(place: Place, question: str, point: versions.Point | None,
                        facilitator: bool) -> None:
    """Under a question: its discussion flag and decision note (edited by the facilitator)."""
    if not facilitator:
        if point is not None and (point.open or point.note):
            flag = "🗣️ **Up for discussion**" if point.open else "✔️ **Settled**"
            note = f" — {escape_markdown(point.note)}" if point.note else ""
            st.markdown(flag + note)
        return
    flag, note = st.columns([2, 6], vertical_alignment="top")
    # Keyed by what is stored and drawn with it as its value, not set through the session: a
    # toggle the browser drew again (a window resized while the page ran) came back off and
    # its "change" was saved. Another screen's change is a new key, drawn with the new value.
    up = bool(point and point.open)
    key = stored_key(f"discuss-open:{question}", (up, point.revision if point else 0))
    flag.toggle("🗣️ Up for discussion", value=up, key=key,
                on_change=partial(_save_flag, place, question, key))
    with note:
        autosave_text("Decision note", point.note if point else "",
                      point.revision if point else 0, f"discuss-note:{question}",
                      partial(_save_decision_note, place, question),
                      max_chars=versions.MAX_NOTE, placeholder="What was decided, and why",
                      multiline=True)  # wraps on a phone


def _latest_point(place: Place, question: str) -> versions.Point | None:
    with visit(place) as ws:
        return ws(versions.discussion).get(question)


def _save_flag(place: Place, question: str, key: str) -> None:
    """The toggle changed: an explicit act, kept with the note as saved now; the toggle is
    then drawn from what is stored."""
    up = bool(st.session_state.to_dict().get(key))
    latest = _latest_point(place, question)
    _act(place, versions.set_discussion, question, open=up,
         note=latest.note if latest else "",
         expected_revision=latest.revision if latest else 0)


def _save_decision_note(place: Place, question: str, text: str, base: int) -> bool:
    """The note box sent `text`, typed over the note saved at revision `base`: saved unless
    someone saved the note in between (then the sentence, and the latest note is shown)."""
    latest = _latest_point(place, question)
    return _act(place, versions.set_discussion, question,
                open=bool(latest and latest.open), note=text,
                expected_revision=base) is not None


# --- change log ----------------------------------------------------------------------------------

LOG_ROWS_IN_FULL = 8  # a longer change log scrolls inside Streamlit's own ten-row height


def change_log(place: Place, shared: store.SharedState, facilitator: bool) -> None:
    """Every change (who, when, what); replay any point; undo the latest (facilitator)."""
    with visit(place) as ws:
        log = ws(versions.changes)
    if not log:
        st.caption("No changes to the shared definition yet.")
        return
    # The button sits above the table, and a short log is as tall as its rows: a height in
    # pixels (36 + 35 per row) was too short for the app's larger type and let the table run
    # under the button.
    if facilitator and shared.signed_version is None:
        # the revision this screen shows: a stale click never undoes a change not shown here
        st.button("↩️ Undo the last change", key="agree:undo", on_click=_act,
                  args=(place, versions.undo_last, shared.revision))
    st.dataframe([{"#": c.revision, "When": when(c.at, "%d %b %H:%M"), "Who": c.by,
                   "What": c.summary} for c in reversed(log)],
                 hide_index=True, width="stretch",
                 height="content" if len(log) <= LOG_ROWS_IN_FULL else "auto",
                 column_config={"#": st.column_config.NumberColumn(width="small"),
                                "When": st.column_config.TextColumn(width="small"),
                                "Who": st.column_config.TextColumn(width="small")})
    labels = {c.revision: f"#{c.revision} · {escape_markdown(c.summary)}" for c in log}
    picked = st.select_slider("Replay the discussion: the shared definition after change",
                              options=list(labels), value=log[-1].revision,
                              format_func=labels.get, key=f"agree:replay:{len(log)}")
    position = next(i for i, c in enumerate(log) if c.revision == picked)
    before = log[position - 1].definition if position else Definition()
    change = log[position]
    st.caption(f"Change #{change.revision} by {escape_markdown(change.by)} at "
               f"{change.at:%H:%M}: {escape_markdown(change.summary)}")
    shown = comparison_rows(compare({"Before": before, "After": change.definition}),
                            only_changed=True)
    if not shown:
        st.caption("This change left every answer as it was.")
    if facilitator and shared.signed_version is None and picked != shared.revision:
        if st.button(f"Go back to the definition after change #{picked}", key="agree:goback"):
            _act(place, versions.go_back_to, picked, shared.revision)
            st.rerun()


# --- sign-off ------------------------------------------------------------------------------------

def _answers_summary(proposal: versions.ProposalState) -> None:
    figures = proposal.figures
    if figures is not None:
        caught = wins_sentence(figures)
        st.markdown(f"On {escape_markdown(proposal.source or 'the leads')}: "
                    f"**{escape_markdown(volume_sentence(figures))}** "
                    f"{escape_markdown(caught)}")
    for role in proposal.teams:
        team = ROLE_LABELS.get(role, role)
        answer = proposal.answers.get(role)
        if answer is None:
            st.markdown(f"⏳ **{team}**: waiting")
        elif answer.agrees:
            where = f" ({versions.IN_ROOM})" if answer.in_room else ""
            st.markdown(f"✅ **{team}**: signed by {escape_markdown(answer.name)}{where}")
        else:
            st.markdown(f"✋ **{team}** objects ({escape_markdown(answer.name)}): "
                        f"“{escape_markdown(answer.reason)}”")


def _answer_words(answer: versions.Answer) -> str:
    """"signed by Priya", "objected (Mara): “…”" — how `_answers_summary` says it."""
    if answer.agrees:
        return f"signed by {answer.name}"
    return f"objected ({answer.name}): “{answer.reason}”"


def _proposed_page(place: Place, workshop, proposal: versions.ProposalState) -> None:
    """The proposed version as its one-pager will read, with the decision notes as proposed."""
    page = export.one_pager(proposal.definition, company=workshop.company, title=workshop.title,
                            facilitator=workshop.facilitator_name, agreed_by=[],
                            agreed_at=None, version=proposal.number,
                            decisions=proposal.decisions)
    with st.expander(f"The proposed version {proposal.number}", expanded=True):
        st.markdown(export.to_markdown(page, on_screen=True))


def signoff(place: Place, workshop, actor: store.Actor, shared: store.SharedState,
            source: LeadsSource | None, history_page: Page,
            proposal: versions.ProposalState | None) -> None:
    """Propose (facilitator), sign or object (each team), and the state of both, for the
    `proposal` waiting for sign-off (None: none is)."""
    if shared.signed_version is not None:
        st.success(f"Version {shared.signed_version} is signed. It can no longer change; "
                   "reopen it on the versions page to work on the next one.")
        st.page_link(history_page.path, label="Versions and measurements →", icon="📜",
                     query_params=place.params)
        return
    if actor.is_facilitator:
        _facilitator_signoff(place, shared, source, proposal)
    elif proposal is None:
        st.info("The facilitator has not put the shared definition to sign-off yet. When they "
                "do, it shows here for your team to sign.")
    else:
        _team_signoff(place, workshop, actor, proposal)


def _facilitator_signoff(place: Place, shared: store.SharedState, source: LeadsSource | None,
                         proposal: versions.ProposalState | None) -> None:
    if proposal is None:
        st.markdown("When the room agrees, put the shared definition to marketing and sales. "
                    "Each team signs it (or objects, saying why); once both have signed it "
                    "becomes a version that no longer changes.")
        figures = measurement(source, shared.definition)
        if not isinstance(figures, Figures) and not shared.definition.is_empty():
            st.caption("It will be signed without figures on the leads: "
                       f"{escape_markdown(figures)}")
        if st.button("📜 Propose this definition for sign-off", type="primary",
                     disabled=shared.definition.is_empty(), key="agree:propose"):
            _act(place, versions.propose, shared.revision,
                 figures if isinstance(figures, Figures) else None,
                 source.name if source is not None else "")
            st.rerun()
        return
    st.markdown(f"**Version {proposal.number} is proposed.** Changing the shared definition "
                "withdraws it.")
    with visit(place) as ws:
        noted = {q: p.note for q, p in ws(versions.discussion).items()
                 if p.note.strip()}
    if noted != proposal.decisions:
        st.warning("The decision notes changed since this was proposed. The teams sign the "
                   "notes as proposed; propose again to put the current notes to them (their "
                   "answers so far are then asked again).")
        if st.button("📜 Propose again with the current notes", key="agree:repropose"):
            _act(place, versions.propose, shared.revision,
                 proposal.figures, proposal.source)
            st.rerun()
    _answers_summary(proposal)
    with st.form("agree:in-room"):
        st.markdown("Record an answer given in the room (one shared screen)")
        team, name = st.columns(2)
        # the first team still to answer, not one that has (its answer would be replaced)
        waiting = [i for i, r in enumerate(proposal.teams) if r not in proposal.answers]
        # Keyed by the proposal: the choice stays as picked while answers come in, and a
        # submit drawn for a proposal since withdrawn records nothing for the new one.
        drawn = f"agree:in-room:{proposal.id}"
        role = team.selectbox("Team", proposal.teams, format_func=ROLE_LABELS.get,
                              index=waiting[0] if waiting else 0, key=f"{drawn}:team")
        who = name.text_input("Name of the person answering", max_chars=store.MAX_TEXT,
                              key=f"{drawn}:name")
        verdict = st.radio("Answer", ["Signs", "Objects"], horizontal=True,
                           key=f"{drawn}:verdict")
        reason = st.text_input("If objecting: what to change", max_chars=versions.MAX_NOTE,
                               key=f"{drawn}:reason")
        replace = st.checkbox("Replace the answer this team already gave", key="agree:replace")
        if st.form_submit_button("Record the answer", key=f"{drawn}:record"):
            given = proposal.answers.get(role)
            if given is not None and not replace:
                st.warning(f"{escape_markdown(given.team)} has already answered: "
                           f"{escape_markdown(_answer_words(given))}. Tick “Replace the answer "
                           "this team already gave” to record this one in its place.")
                return
            number = _act(place, versions.sign_in_room, proposal.id,
                          role=role, name=who, agrees=verdict == "Signs", reason=reason)
            if number:
                st.session_state["agree:signed"] = (place.workshop_id, number)
            st.rerun()


def _team_signoff(place: Place, workshop, actor: store.Actor,
                  proposal: versions.ProposalState) -> None:
    team = ROLE_LABELS.get(actor.role, actor.role)
    _proposed_page(place, workshop, proposal)
    _answers_summary(proposal)
    mine = proposal.answers.get(actor.role)
    if mine is not None and mine.agrees:
        st.success(f"{team} has signed. You can still object until every team has signed.")
    sign_col, object_col = st.columns(2)
    with sign_col:
        # the proposal this screen shows: one proposed again since is not signed unseen
        st.button(f"✅ Sign off for {team}", type="primary", key="agree:sign",
                  disabled=bool(mine and mine.agrees), width="stretch", on_click=_sign,
                  args=(place, proposal.id))
    with object_col:
        with visit(place) as ws:
            typed, revision = ws(versions.objection_draft, proposal.id)
        # Kept as it is typed (a refresh or a phone going to sleep loses none of it); sent to
        # the room only by Object.
        autosave_text(f"✋ Object for {team}: what should change?", typed, revision,
                      reason_key(proposal.id),
                      partial(_save_reason, place, proposal.id),
                      max_chars=versions.MAX_NOTE, multiline=True)
        st.button("Object", width="stretch", key="agree:object",
                  on_click=_object, args=(place, proposal.id))


def _sign(place: Place, proposal_id: int) -> None:
    number = _act(place, versions.sign, proposal_id, agrees=True)
    if number:
        st.session_state["agree:signed"] = (place.workshop_id, number)


def reason_key(proposal_id: int) -> str:
    return f"agree:reason:{proposal_id}"


def _save_reason(place: Place, proposal_id: int, text: str, base: int) -> bool:
    return _act(place, versions.save_objection_draft, proposal_id,
                text, base) is not None


def _object(place: Place, proposal_id: int) -> None:
    """Object with the reason the box shows: as saved, or as it sent it on being left for
    this click (its own save may not have run yet)."""
    with visit(place) as ws:
        reason, _ = ws(versions.objection_draft, proposal_id)
    reason = last_sent(reason_key(proposal_id)) or reason
    _act(place, versions.sign, proposal_id, agrees=False,
         reason=reason)


def just_signed(place: Place, signed_version: int | None) -> tuple[int | None, bool]:
    """The version a sign-off in this session completed, for as long as it is the room's
    signed version, and whether this run is the first to show it (the celebration, once).

    Kept across reruns: another screen's change reruns this page within seconds, and the
    person who completed the sign-off must not lose the message before reading it."""
    if st.session_state.get("agree:signed") != (place.workshop_id, signed_version) \
            or signed_version is None:  # a version of this workshop, not another one open before
        st.session_state.pop("agree:signed", None)
        st.session_state.pop("agree:signed:shown", None)
        return None, False
    marker = (place.workshop_id, signed_version)
    first = st.session_state.get("agree:signed:shown") != marker
    st.session_state["agree:signed:shown"] = marker
    return signed_version, first
