"""The reveal asks first: who of marketing and sales is not done yet, by name and team, and how
many are done; then "Reveal now" or "Wait". Nothing is revealed by the first click."""
from __future__ import annotations

import streamlit as st

from workshop import room, store
from workshop.models import ROLE_LABELS
from workshop.text import escape_markdown
from workshop.ui.context import Place, visit


def readiness_lines(ready: room.Readiness) -> list[str]:
    """Markdown lines, names escaped: how many are done, then who is not, team by team."""
    if not ready.team:
        return ["Nobody from marketing or sales has joined yet: there is no draft to reveal."]
    if not ready.not_done:
        return [f"Everyone is done: {ready.done} of {ready.team} team members."]
    lines = [f"**{ready.done} of {ready.team}** team members done. Not done yet:"]
    for role in store.TEAM_ROLES:
        people = [person for person in ready.not_done if person.role == role]
        if people:
            names = ", ".join(f"**{escape_markdown(person.name)}** "
                              f"({'still drafting' if person.started else 'not started'})"
                              for person in people)
            lines.append(f"- {ROLE_LABELS[role]}: {names}")
    return lines


def reveal_control(place: Place, label: str, key: str) -> None:
    """`label`'s button asks; "Reveal now" reveals (the page then runs revealed, and
    `just_revealed(key)` says so once); "Wait" goes back to the button. The buttons act in
    callbacks, which run before the page does, so no rerun in between can lose a click."""
    asking = f"{key}:asking"
    if not st.session_state.get(asking):
        st.button(label, type="primary", key=f"{key}:ask", on_click=_set, args=(asking, True))
        return
    with st.container(border=True, key=f"{key}:confirm"):
        st.markdown("#### Reveal all drafts now?")
        _who_is_not_done(place)
        st.markdown("After the reveal every draft is shown to everyone and locked; those not "
                    "done cannot change theirs any more (you can reopen the drafts later).")
        now, wait = st.columns(2)
        now.button("🔓 Reveal now", type="primary", key=f"{key}:now", width="stretch",
                   on_click=_reveal, args=(place, key))
        wait.button("Wait", key=f"{key}:wait", width="stretch", on_click=_set,
                    args=(asking, False))


def _set(asking: str, value: bool) -> None:
    st.session_state[asking] = value


def _reveal(place: Place, key: str) -> None:
    st.session_state[f"{key}:asking"] = False
    with visit(place) as ws:
        ws(store.reveal)
    st.session_state[f"{key}:done"] = True


def just_revealed(key: str) -> bool:
    """Whether this session's "Reveal now" has just revealed (once)."""
    return bool(st.session_state.pop(f"{key}:done", False))


def _who_is_not_done(place: Place) -> None:
    """Read when the confirmation is drawn (on step 3 the page is redrawn when someone
    presses Done meanwhile: `follow_room`)."""
    with visit(place) as ws:
        ready = ws(room.readiness)
    st.markdown("\n".join(readiness_lines(ready)))
