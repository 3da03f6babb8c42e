"""The agenda on every step page: the time box of the step the room is on and its countdown,
the facilitator's moves between steps, their prompts, and participants' screens that follow
the facilitator to the current step by themselves."""
from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from workshop import agenda, store
from workshop.prompts import PROMPTS
from workshop.text import escape_markdown
from workshop.ui.context import Place, visit
from workshop.ui.live import follow_room
from workshop.ui.pages import STEP_PAGES, Page, participant_page

ON_SHORTCUT, BACK_SHORTCUT = "Alt+N", "Alt+B"  # keyboard only: next and back
CLOCK_SECONDS = 3  # how often the countdown is redrawn; the room's moves come by `follow_room`
SEEN = "agenda:seen"


def agenda_bar(place: Place, actor: store.Actor, page: Page) -> None:
    """The facilitator moves the room on a step's page (`page.step`); a page beside the steps
    shows the countdown only.

    The page follows the room from here (`follow_room`): redrawn when what it shows moves,
    and, for a participant, taken to the step the facilitator moves the room to."""
    follow_room(place, page)
    with visit(place) as ws:
        plan = ws(agenda.agenda)
    if not actor.is_facilitator:
        _follow(place, plan, page)
    # The clock redraws itself every few seconds, so it sits directly on the page: drawn inside
    # columns, a redraw of it could reach the browser addressed to where the page had other
    # columns a moment before, which breaks the page's connection for good ("'setIn' cannot be
    # called on an ElementNode"; tests/test_live_browser.py, under load).
    _countdown(place, actor.is_facilitator)
    if actor.is_facilitator and page.step is not None:
        _moves(place, plan, page.step, st.columns([2, 3, 2], vertical_alignment="center"))


def _follow(place: Place, plan: agenda.Agenda, page: Page) -> None:
    """When the facilitator moves the room on, go to that step's page (once per move: in
    between, a participant may look at any page they like)."""
    seen = st.session_state.get(SEEN)
    st.session_state[SEEN] = plan.current
    if seen is None or seen == plan.current:
        return
    target = participant_page(plan.current)
    if target != page:
        st.switch_page(target.path, query_params=place.params)


@st.fragment(run_every=CLOCK_SECONDS)
def _countdown(place: Place, facilitator: bool) -> None:
    """The current step's time left in words (the colour only repeats them), and the agenda."""
    with visit(place) as ws:
        plan = ws(agenda.agenda)
    now = datetime.now(UTC)
    state, text = plan.state(now), plan.countdown(now)
    clock = f"Step {plan.current} · {agenda.STEPS[plan.current]} · {text}"
    if state == "over":
        advice = (" Time to wrap up, or give it more time on purpose." if facilitator else "")
        st.warning(f"**{clock}.**{advice}", icon="⏰")
    elif state == "ended":
        st.caption(f"Step {plan.current} · {agenda.STEPS[plan.current]}: {text}.")
    elif state == "nearly over":
        st.info(f"**{clock}**: nearly over.", icon="⏳")
    else:
        st.markdown(f"⏱️ **{clock}**")
    if not facilitator:
        return  # on a phone, the clock is enough; the whole agenda is the facilitator's
    steps = " · ".join(
        (f"**▶ {number} {name}**" if number == plan.current else
         f"✓ {number} {name}" if number < plan.current else f"{number} {name}")
        + f" ({plan.minutes[number]} min)"
        for number, name in agenda.STEPS.items())
    st.caption(f"Agenda, {plan.total // 60} h {plan.total % 60:02d} min: {steps}")


def _moves(place: Place, plan: agenda.Agenda, step: int, buttons: list) -> None:
    """Back and on between steps (the room follows), the time boxes, and this step's
    prompts. On a step the room is not on, the one move offered is to take the room there."""
    back, on, edit = buttons
    if step != plan.current:
        if on.button(f"Take the room to step {step}", key="agenda:here", width="stretch",
                     type="primary", wrap=True):
            _move(place, step)
        back.markdown(f"The room is on step {plan.current}.")
    else:
        if step > 1 and back.button(f"◀ Back to step {step - 1}", key="agenda:back",
                                    width="stretch", shortcut=BACK_SHORTCUT, wrap=True):
            _move(place, step - 1)
        if step < len(agenda.STEPS) and on.button(
                f"On to step {step + 1} ▶", key="agenda:on", width="stretch",
                shortcut=ON_SHORTCUT, wrap=True):
            _move(place, step + 1)
    with edit.popover("⏱️ Time boxes", width="stretch"):
        _time_boxes(place, plan)
    if place.presenting:
        return  # the prompts are the facilitator's notes, not the room's
    prompts = PROMPTS[step]
    with st.expander("🧭 Facilitator prompts for this step"):
        for title, lines in (("Ask", prompts.ask), ("Avoid", prompts.avoid),
                             ("Tips", prompts.tips)):
            st.markdown(f"**{title}**\n" + "\n".join(f"- {escape_markdown(line)}"
                                                       for line in lines))


def _move(place: Place, step: int) -> None:
    with visit(place) as ws:
        ws(agenda.move_to, step)
    st.switch_page(STEP_PAGES[step].path, query_params=place.params)


MINUTES_SHOWN = "agenda:minutes:shown"  # the time boxes the form last showed, saved from
MINUTES_ERROR = "agenda:minutes:error"


def _minute_keys() -> dict[int, str]:
    return {number: f"agenda:minutes:{number}" for number in agenda.STEPS}


def _time_boxes(place: Place, plan: agenda.Agenda) -> None:
    """The form starts from the stored time boxes, and follows them when another screen
    changes them; a save names what it started from (`agenda.set_minutes`)."""
    keys = _minute_keys()
    if st.session_state.get(MINUTES_SHOWN) != plan.minutes:
        st.session_state[MINUTES_SHOWN] = dict(plan.minutes)
        for number, key in keys.items():
            st.session_state[key] = plan.minutes[number]
    with st.form("agenda:minutes", border=False):
        for number, name in agenda.STEPS.items():
            st.number_input(f"Step {number}: {name} (minutes)", min_value=1,
                            max_value=agenda.MAX_STEP_MINUTES, step=5, key=keys[number])
        st.form_submit_button("Save the time boxes", on_click=_save_minutes, args=(place,))
    error = st.session_state.pop(MINUTES_ERROR, None)
    if error:
        st.error(error)


def _save_minutes(place: Place) -> None:
    minutes = {number: int(st.session_state[key]) for number, key in _minute_keys().items()}
    try:
        with visit(place) as ws:
            ws(agenda.set_minutes, minutes, started_from=st.session_state.get(MINUTES_SHOWN))
    except (ValueError, store.StoreError) as error:
        st.session_state[MINUTES_ERROR] = escape_markdown(str(error))
