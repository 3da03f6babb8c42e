"""Taking turns at one shared screen: each person drafts while the others look away.

A turn hands the browser session over to the person whose turn it is: the page runs with their
key only, so it shows their draft and the pages any participant sees, and nothing of the
facilitator's (steps, controls, draft) — the data layer refuses those to that key. The
facilitator's key waits aside, out of every page's reach, until the person presses Done: no
other key opens on the screen meanwhile, from the browser's history or the home page's list,
also after a refresh (`workshop.ui.context.keep_to_the_turn`); after a refresh the facilitator
opens their own link again once the turn is done."""
from __future__ import annotations

import streamlit as st

from workshop import store
from workshop.models import ROLE_LABELS
from workshop.pins import PIN_DIGITS
from workshop.text import escape_markdown
from workshop.ui.context import TURN_OVER, TURN_RETURN, Place, end_turn, visit
from workshop.ui.pages import MY_DRAFT

RETURN = TURN_RETURN
# The turn (workshop id, key) whose PIN was chosen or typed in this browser session: a turn's
# draft shows only there. A session begun otherwise (a refresh, the turn's address opened with
# the device's mark written by hand) asks for the PIN first.
PROVEN = "pin:proven"


def pin_proven(place: Place) -> bool:
    return st.session_state.get(PROVEN) == (place.workshop_id, place.token)


def prove_pin(place: Place, name: str) -> None:
    """The form a turn shows in a session that has not seen its PIN."""
    st.markdown(f"**{escape_markdown(name)}, type your PIN** to carry on with your draft.")
    with st.form("turn:prove", clear_on_submit=True):
        pin = st.text_input("Your PIN", type="password", max_chars=PIN_DIGITS[1],
                            key="turn:prove-pin")
        typed = st.form_submit_button("Carry on", type="primary")
    if typed:
        _accept_pin(place, store.prove_turn_pin, pin)
    _not_now(place)


def _accept_pin(place: Place, action, pin: str) -> None:
    """`action` (choose or prove the turn's PIN) with `pin`: this session has then seen it and
    the draft shows; else the refusal in words."""
    try:
        with visit(place) as ws:
            ws(action, pin)
    except (ValueError, store.StoreError) as error:
        st.error(escape_markdown(str(error)))
    else:
        st.session_state[PROVEN] = (place.workshop_id, place.token)
        st.rerun()


def _not_now(place: Place) -> None:
    if st.button("Not now: hand the screen back", key="turn:back"):
        hand_back(place)


def begin_turn(place: Place, turn_token: str, pin_typed: bool = False) -> None:
    """Give the screen to the holder of `turn_token` (their draft page, their key only);
    `pin_typed`: its author has just typed their PIN to open it."""
    st.session_state[RETURN] = {"ws": place.workshop_id, "key": place.token,
                                "turn": turn_token}
    if pin_typed:
        st.session_state[PROVEN] = (place.workshop_id, turn_token)
    else:
        st.session_state.pop(PROVEN, None)
    st.session_state.pop(TURN_OVER, None)
    st.session_state["ws"], st.session_state["key"] = place.workshop_id, turn_token
    for key in [k for k in st.session_state if str(k).startswith("draft:")]:
        del st.session_state[key]
    st.switch_page(MY_DRAFT.path, query_params={"ws": place.workshop_id, "key": turn_token})


def hand_back(place: Place) -> None:
    """End the turn: the screen goes back to the facilitator's step 2."""
    end_turn(place.workshop_id)


def turns_panel(place: Place) -> None:
    st.markdown("Hand the screen to each person in turn. While one types, the others look "
                "away; a finished draft is covered until the reveal. People who joined on "
                "their own device draft there: their drafts are never handed to anyone.")
    with visit(place) as ws:
        statuses = ws(store.draft_statuses)
    for role in store.TEAM_ROLES:
        st.markdown(f"**{ROLE_LABELS[role]}**")
        for status in [s for s in statuses if s.role == role]:
            if not status.at_screen:
                st.caption(f"{escape_markdown(status.name)} drafts on their own device.")
                continue
            label = "Reopen" if status.done else "Continue"
            if status.pinned:
                _pinned_turn(place, status, label)
            elif st.button(f"{label} {escape_markdown(status.name)}'s turn",
                           # one key per label: a click on a stale "Continue" never
                           # reopens a draft finished (and covered) since
                           key=f"{label.lower()}:{status.participant_id}",
                           help="Reopening shows this draft on the screen again."
                           if status.done else None):
                _start(place, role, status.name, reopen=status.done)
        with st.form(f"start:{role}", clear_on_submit=True):
            name = st.text_input(f"Name of the {ROLE_LABELS[role].lower()} person",
                                 max_chars=200, placeholder="e.g. Alex (Head of Sales)")
            if st.form_submit_button(f"Start {ROLE_LABELS[role].lower()}'s turn"):
                _start(place, role, name)


def _pinned_turn(place: Place, status: store.DraftStatus, label: str) -> None:
    """A turn that opens again only with its author's PIN, which they type here."""
    name = escape_markdown(status.name)
    with st.form(f"{label.lower()}:{status.participant_id}", clear_on_submit=True,
                 border=False):
        pin = st.text_input(f"{name}, type your PIN", type="password", max_chars=PIN_DIGITS[1],
                            key=f"pin:{label.lower()}:{status.participant_id}")
        if st.form_submit_button(f"{label} {name}'s turn"):
            _start(place, status.role, status.name, reopen=status.done, pin=pin)


def choose_pin(place: Place) -> None:
    """The first thing a turn asks: the PIN that lets its author, and nobody else, open the
    draft here again before the reveal."""
    st.markdown("**First, choose a PIN** of 4 to 8 digits. You will type it to open your "
                "draft on this screen again before the reveal; without it nobody can, the "
                "facilitator included.")
    with st.form("turn:pin", clear_on_submit=True):
        first = st.text_input("Your PIN", type="password", max_chars=PIN_DIGITS[1])
        again = st.text_input("The same PIN again", type="password", max_chars=PIN_DIGITS[1])
        chosen = st.form_submit_button("Keep my draft to myself", type="primary")
    if chosen and first != again:
        st.error("The two PINs differ: type them again.")
    elif chosen:
        _accept_pin(place, store.set_turn_pin, first)
    _not_now(place)


def _start(place: Place, role: str, name: str, reopen: bool = False,
           pin: str | None = None) -> None:
    try:
        with visit(place) as ws:
            token = ws(store.start_turn, role=role, name=name, reopen=reopen, pin=pin)
    except (ValueError, store.StoreError) as error:
        st.error(escape_markdown(str(error)))
        return
    begin_turn(place, token, pin_typed=bool(pin))
