"""The session's agenda: time boxes, the countdown, who moves the room between steps, the
facilitator's prompts, and participants' screens following the facilitator by themselves."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tests.test_own_devices import app_url, new_app, texts  # noqa: F401
from workshop import agenda, store
from workshop.db import make_engine, session
from workshop.models import AgendaState, Participant
from workshop.prompts import PROMPTS

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def people(s) -> tuple[str, dict[str, str]]:
    workshop, facilitator = store.create_workshop(s, company="Acme", title="Q1",
                                                  facilitator_name="Dana")
    secrets = store.invitations(s, workshop.id, facilitator).secrets
    _, marketing = store.join_with_invite(s, secrets["marketing"], "Priya")
    _, sales = store.join_with_invite(s, secrets["sales"], "Marcus")
    return workshop.id, {"facilitator": facilitator, "marketing": marketing, "sales": sales}


# --- the plan and the clock --------------------------------------------------------------------

def test_the_default_agenda_is_about_two_and_a_half_hours_over_four_steps():
    assert set(agenda.DEFAULT_MINUTES) == set(agenda.STEPS) == {1, 2, 3, 4}
    assert 140 <= sum(agenda.DEFAULT_MINUTES.values()) <= 160
    assert max(agenda.DEFAULT_MINUTES, key=agenda.DEFAULT_MINUTES.get) == 3  # the work


@pytest.mark.parametrize(("after", "state", "words"), [
    (timedelta(0), "on time", "30 min left of 30"),
    (timedelta(minutes=10, seconds=30), "on time", "20 min left of 30"),  # 19.5 -> 20
    (timedelta(minutes=25), "nearly over", "5 min left of 30"),
    (timedelta(minutes=29, seconds=59), "nearly over", "1 min left of 30"),
    (timedelta(minutes=30), "nearly over", "0 min left of 30"),
    (timedelta(minutes=30, seconds=1), "over", "0 min over the 30 min time box"),
    (timedelta(minutes=37, seconds=50), "over", "7 min over the 30 min time box"),
    (timedelta(minutes=-5), "on time", "30 min left of 30"),  # a clock behind: never negative
])
def test_the_countdown_in_words(after, state, words):
    plan = agenda.Agenda({1: 20, 2: 30, 3: 75, 4: 25}, 2, T0)
    assert plan.state(T0 + after) == state
    assert plan.countdown(T0 + after) == words


def test_a_step_left_running_for_days_stops_counting():
    plan = agenda.Agenda(dict(agenda.DEFAULT_MINUTES), 4, T0)
    assert plan.state(T0 + timedelta(hours=7)) == "over"
    later = T0 + timedelta(days=3)
    assert plan.state(later) == "ended"
    assert plan.countdown(later) == "the room has been here since 23 Nov 2026"


def test_the_finished_demo_is_on_its_last_step(session):
    from workshop import demo
    from workshop.leads import load_sample_leads

    demo.seed_finished_demo(session, load_sample_leads())
    token = session.exec(select(Participant).where(
        Participant.workshop_id == demo.FINISHED_ID, Participant.role == "facilitator")).one().token
    assert agenda.agenda(session, demo.FINISHED_ID, token).current == 4


def test_naive_and_aware_times_count_the_same():
    naive = agenda.Agenda(dict(agenda.DEFAULT_MINUTES), 1, T0.replace(tzinfo=None))
    assert naive.elapsed(T0 + timedelta(minutes=12)) == pytest.approx(12)


# --- the store -----------------------------------------------------------------------------------

def test_a_new_workshop_starts_on_step_one_with_the_defaults(session):
    workshop_id, tokens = people(session)
    for token in tokens.values():
        plan = agenda.agenda(session, workshop_id, token)
        assert (plan.current, plan.minutes) == (1, agenda.DEFAULT_MINUTES)


def test_the_facilitator_moves_the_room_and_everyone_reads_it(session):
    workshop_id, tokens = people(session)
    before = datetime.now(UTC)
    agenda.move_to(session, workshop_id, tokens["facilitator"], 3)
    for token in tokens.values():
        plan = agenda.agenda(session, workshop_id, token)
        assert plan.current == 3
        assert plan.elapsed(datetime.now(UTC)) < 1
        assert plan.elapsed(before) == 0
    started = agenda.agenda(session, workshop_id, tokens["marketing"]).started_at
    agenda.move_to(session, workshop_id, tokens["facilitator"], 3)  # same step: clock runs on
    assert agenda.agenda(session, workshop_id, tokens["sales"]).started_at == started
    agenda.move_to(session, workshop_id, tokens["facilitator"], 2)  # back again
    assert agenda.agenda(session, workshop_id, tokens["sales"]).current == 2
    assert len(session.exec(select(AgendaState)).all()) == 1


@pytest.mark.parametrize("who", ["marketing", "sales", "other", "nobody"])
def test_only_the_facilitator_moves_the_room_or_changes_time_boxes(session, who):
    workshop_id, tokens = people(session)
    _, other = store.create_workshop(session, company="B", title="t", facilitator_name="E")
    token = {"other": other, "nobody": "x" * 43}.get(who) or tokens[who]
    with pytest.raises((store.AccessDenied, store.NotFound)):
        agenda.move_to(session, workshop_id, token, 3)
    with pytest.raises((store.AccessDenied, store.NotFound)):
        agenda.set_minutes(session, workshop_id, token, {1: 5, 2: 5, 3: 5, 4: 5})
    if who in ("other", "nobody"):
        with pytest.raises((store.AccessDenied, store.NotFound)):
            agenda.agenda(session, workshop_id, token)
    plan = agenda.agenda(session, workshop_id, tokens["facilitator"])
    assert (plan.current, plan.minutes) == (1, agenda.DEFAULT_MINUTES)


@pytest.mark.parametrize(("minutes", "message"), [
    ({1: 10, 2: 20, 3: 30}, "each of the four steps"),
    ({1: 10, 2: 20, 3: 30, 4: 0}, "1 to 240 minutes"),
    ({1: 10, 2: 20, 3: 241, 4: 5}, "1 to 240 minutes"),
    ({1: 10, 2: 20, 3: 30, 4: 7.5}, "1 to 240 minutes"),
    ({1: 240, 2: 240, 3: 1, 4: 1}, "at most 8 hours"),
    ({1: 10, 2: 20, 3: 30, 4: 10, 5: 10}, "each of the four steps"),
])
def test_time_boxes_out_of_range_are_refused(session, minutes, message):
    workshop_id, tokens = people(session)
    with pytest.raises(ValueError, match=message):
        agenda.set_minutes(session, workshop_id, tokens["facilitator"], minutes)
    assert agenda.agenda(session, workshop_id, tokens["sales"]).minutes == \
        agenda.DEFAULT_MINUTES


def test_time_boxes_are_kept_and_a_step_outside_one_to_four_refused(session):
    workshop_id, tokens = people(session)
    agenda.set_minutes(session, workshop_id, tokens["facilitator"], {1: 15, 2: 25, 3: 90, 4: 20})
    assert agenda.agenda(session, workshop_id, tokens["marketing"]).minutes == \
        {1: 15, 2: 25, 3: 90, 4: 20}
    for step in (0, 5, -1):
        with pytest.raises(ValueError, match="steps are 1 to 4"):
            agenda.move_to(session, workshop_id, tokens["facilitator"], step)
    store.delete_workshop(session, workshop_id, tokens["facilitator"])
    assert session.exec(select(AgendaState)).all() == []


# --- the prompts -----------------------------------------------------------------------------

def test_every_step_has_prompts_drawn_from_the_exercise():
    assert set(PROMPTS) == set(agenda.STEPS)
    for prompts in PROMPTS.values():
        assert prompts.ask and prompts.avoid and prompts.tips
    words = " ".join(" ".join(p.ask + p.avoid + p.tips) for p in PROMPTS.values()).lower()
    for idea in ("lead the witness", "chequebook", "bandwidth", "pre-qualification",
                 "nurture stream", "assessment", "observe"):
        assert idea in words, idea


# --- the pages -------------------------------------------------------------------------------

def workshop_in(url: str) -> tuple[str, dict[str, str]]:
    engine = make_engine(url)
    with session(engine) as s:
        result = people(s)
    engine.dispose()
    return result


def current_step(url: str, workshop_id: str, token: str) -> int:
    engine = make_engine(url)
    with session(engine) as s:
        step = agenda.agenda(s, workshop_id, token).current
    engine.dispose()
    return step


def test_the_facilitator_moves_on_and_the_participants_follow(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    dana = new_app({"ws": workshop_id, "key": tokens["facilitator"]}, "views/facilitator.py")
    priya = new_app({"ws": workshop_id, "key": tokens["marketing"]}, "views/draft.py")
    page = texts(dana)
    assert "▶ 1 The facilitator's definition" in page and "20 min left of 20" in page
    assert "🧭 Facilitator prompts for this step" in [e.label for e in dana.expander]
    assert not [e for e in priya.expander if "prompts" in str(e.label)]
    assert not [b for b in priya.button if b.key and str(b.key).startswith("agenda:")]

    # (AppTest keeps running the page it was last switched to, so each move is followed by
    # switching to the page the app switched to.)
    dana.button(key="agenda:on").click().run()  # step 1 -> 2
    assert not dana.exception
    assert current_step(app_url, workshop_id, tokens["sales"]) == 2
    dana.switch_page("views/teams.py").run()
    assert "▶ 2 Marketing and sales draft" in texts(dana)
    priya.run()  # steps 1 and 2 are both her own draft: she stays where she is
    assert "Your ideal lead" in texts(priya)

    dana.button(key="agenda:on").click().run()  # step 2 -> 3
    assert current_step(app_url, workshop_id, tokens["sales"]) == 3
    dana.switch_page("views/compare.py").run()
    priya.run()  # her screen's next run (every few seconds) takes her to step 3
    assert not priya.exception
    assert "Step 3" in texts(priya) and "Your ideal lead" not in texts(priya)

    priya.switch_page("views/draft.py").run()  # she may look elsewhere in between
    assert "Your ideal lead" in texts(priya)
    priya.run()
    assert "Your ideal lead" in texts(priya)

    priya.switch_page("views/compare.py").run()
    dana.button(key="agenda:back").click().run()  # 3 -> 2: back to drafting
    assert current_step(app_url, workshop_id, tokens["sales"]) == 2
    priya.run()
    assert "Your ideal lead" in texts(priya)


def test_a_step_page_the_room_is_not_on_offers_to_take_the_room_there(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    dana = new_app({"ws": workshop_id, "key": tokens["facilitator"]}, "views/communicate.py")
    assert "The room is on step 1." in texts(dana)
    dana.button(key="agenda:here").click().run()
    assert not dana.exception
    assert current_step(app_url, workshop_id, tokens["facilitator"]) == 4


def test_time_boxes_are_edited_on_the_page(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    dana = new_app({"ws": workshop_id, "key": tokens["facilitator"]}, "views/facilitator.py")
    boxes = [n for n in dana.number_input if str(n.label).startswith("Step ")]
    assert [n.value for n in boxes] == list(agenda.DEFAULT_MINUTES.values())
    boxes[2].set_value(90)
    next(b for b in dana.button if b.label == "Save the time boxes").click().run()
    assert not dana.exception
    engine = make_engine(app_url)
    with session(engine) as s:
        assert agenda.agenda(s, workshop_id, tokens["sales"]).minutes[3] == 90
    engine.dispose()
    assert "Agenda, 2 h 45 min" in texts(dana)


def test_a_time_box_save_from_a_stale_screen_is_refused(session):
    """Two screens showed the same time boxes; the second save names what it started from and
    is refused, never silently replacing the first. Without a row yet, and with one."""
    workshop_id, tokens = people(session)
    fac = tokens["facilitator"]
    shown = dict(agenda.DEFAULT_MINUTES)
    agenda.set_minutes(session, workshop_id, fac, {1: 15, 2: 25, 3: 90, 4: 20},
                       started_from=shown)
    with pytest.raises(store.StaleEdit, match="changed on another screen"):
        agenda.set_minutes(session, workshop_id, fac, {1: 20, 2: 30, 3: 60, 4: 25},
                           started_from=shown)
    assert agenda.agenda(session, workshop_id, fac).minutes == {1: 15, 2: 25, 3: 90, 4: 20}
    agenda.set_minutes(session, workshop_id, fac, {1: 10, 2: 25, 3: 90, 4: 20},
                       started_from={1: 15, 2: 25, 3: 90, 4: 20})
    other_id, other = people(session)
    agenda.move_to(session, other_id, other["facilitator"], 2)  # a row with default minutes
    with pytest.raises(store.StaleEdit):
        agenda.set_minutes(session, other_id, other["facilitator"],
                           {1: 5, 2: 5, 3: 5, 4: 5}, started_from={1: 1, 2: 1, 3: 1, 4: 1})
    agenda.set_minutes(session, other_id, other["facilitator"], {1: 5, 2: 5, 3: 5, 4: 5},
                       started_from=shown)
    assert agenda.agenda(session, other_id, other["sales"]).minutes == {1: 5, 2: 5, 3: 5, 4: 5}


def test_the_time_box_form_refuses_a_stale_save_and_shows_the_latest(app_url):  # noqa: F811
    workshop_id, tokens = workshop_in(app_url)
    params = {"ws": workshop_id, "key": tokens["facilitator"]}
    laptop = new_app(params, "views/facilitator.py")
    projector = new_app(params, "views/facilitator.py")

    def boxes(at):
        return [n for n in at.number_input if str(n.label).startswith("Step ")]

    boxes(laptop)[2].set_value(90)
    next(b for b in laptop.button if b.label == "Save the time boxes").click().run()
    boxes(projector)[0].set_value(5)  # still showing the old time boxes
    next(b for b in projector.button if b.label == "Save the time boxes").click().run()
    assert not projector.exception
    assert any("changed on another screen" in e.value for e in projector.error)
    engine = make_engine(app_url)
    with session(engine) as s:
        assert agenda.agenda(s, workshop_id, tokens["sales"]).minutes == {
            **agenda.DEFAULT_MINUTES, 3: 90}
    engine.dispose()
    latest = {**agenda.DEFAULT_MINUTES, 3: 90}
    assert [n.value for n in boxes(projector)] == list(latest.values())  # to redo the change on
    boxes(projector)[0].set_value(5)
    next(b for b in projector.button if b.label == "Save the time boxes").click().run()
    assert not projector.error
    engine = make_engine(app_url)
    with session(engine) as s:
        assert agenda.agenda(s, workshop_id, tokens["sales"]).minutes == {**latest, 1: 5}
    engine.dispose()


def test_the_clock_that_redraws_itself_sits_in_no_columns(app_url):  # noqa: F811
    """The countdown is a fragment that reruns every few seconds. Drawn inside columns, one of
    its redraws could reach the browser addressed to where the page had other columns a moment
    before, and the browser drops the page's connection for good ("'setIn' cannot be called on
    an ElementNode", seen under load in tests/test_live_browser.py)."""
    workshop_id, tokens = workshop_in(app_url)
    for who, page in (("facilitator", "views/compare.py"), ("facilitator", "views/teams.py"),
                      ("marketing", "views/draft.py")):
        at = new_app({"ws": workshop_id, "key": tokens[who]}, page)
        assert "min left of" in texts(at), (who, page)
        for column in at.columns:
            inside = [str(m.value) for m in (*column.markdown, *column.caption, *column.info,
                                              *column.warning)]
            assert not [text for text in inside if "min left of" in text or "Agenda," in text]
