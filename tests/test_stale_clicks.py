"""A click on a screen drawn before another screen acted does what that screen showed, or is
refused with a sentence; it never acts on something the screen never showed: a change it never
listed undone, a proposal made again since signed unseen, a draft finished and covered since
reopened, an answer recorded for a team the facilitator did not pick."""
from __future__ import annotations

from tests.builders import C, D
from tests.test_agree_walk import COMPARE, app_url, open_as, proposed, revealed  # noqa: F401
from tests.test_own_devices import texts
from workshop import store, versions
from workshop.db import make_engine, session


def test_a_stale_undo_never_undoes_a_change_its_screen_did_not_show(app_url):  # noqa: F811
    workshop_id, tokens = revealed(app_url)
    fac = tokens["facilitator"]
    laptop = open_as(workshop_id, fac, COMPARE)
    laptop.selectbox(key="op:industry").set_value("take:Marketing").run()
    laptop.button(key="apply:industry").click().run()
    projector = open_as(workshop_id, fac, COMPARE)
    projector.selectbox(key="op:decision").set_value("take:Sales").run()
    projector.button(key="apply:decision").click().run()

    laptop.button(key="agree:undo").click().run()  # its log shows its own change last
    assert not laptop.exception, laptop.exception
    engine = make_engine(app_url)
    with session(engine) as s:
        log = [c.summary for c in versions.changes(s, workshop_id, fac)]
        definition = store.shared_state(s, workshop_id, fac).definition
    engine.dispose()
    assert len(log) == 2 and not any(summary.startswith("Undid") for summary in log)
    assert any(c.question == "decision" for c in definition.criteria)  # the projector's stands
    assert "changed elsewhere in the meantime" in texts(laptop)

    laptop.button(key="agree:undo").click().run()  # now it shows the latest: undone
    with session(make_engine(app_url)) as s:
        assert versions.changes(s, workshop_id, fac)[-1].summary.startswith("Undid")


def test_a_stale_sign_never_signs_a_proposal_made_again_since(app_url):  # noqa: F811
    workshop_id, tokens, first = proposed(app_url, "Software only, n1")
    fac, marketing = tokens["facilitator"], tokens["marketing"]
    phone = open_as(workshop_id, marketing, COMPARE)
    assert "n1" in texts(phone)
    engine = make_engine(app_url)
    with session(engine) as s:
        versions.set_discussion(s, workshop_id, fac, "industry", open=False,
                                note="Software, and Retail later, n2", expected_revision=1)
        versions.propose(s, workshop_id, fac, 1, first.figures, first.source)

    phone.button(key="agree:sign").click().run()
    assert not phone.exception, phone.exception
    with session(engine) as s:
        current = versions.current_proposal(s, workshop_id, fac)
    engine.dispose()
    assert current.id != first.id and current.answers == {}
    assert "withdrawn or already signed" in texts(phone)
    assert "n2" in texts(phone)  # and it shows the one proposed now

    phone.button(key="agree:sign").click().run()  # signed once seen
    with session(make_engine(app_url)) as s:
        assert versions.current_proposal(s, workshop_id, fac).answers["marketing"].agrees


def test_the_in_room_team_stays_as_picked_while_answers_come_in(app_url):  # noqa: F811
    workshop_id, tokens, proposal = proposed(app_url, "Software only")
    fac = tokens["facilitator"]
    screen = open_as(workshop_id, fac, COMPARE)
    team = next(box for box in screen.selectbox if box.label == "Team")
    assert team.value == "marketing"  # the first team still to answer
    team.set_value("marketing")  # picked (a form: sent with the submit)
    engine = make_engine(app_url)
    with session(engine) as s:  # Marketing objects on its own phone meanwhile
        versions.sign(s, workshop_id, tokens["marketing"], proposal.id, agrees=False,
                      reason="Retail belongs in it")
    screen.run()  # the room moved: the page reruns by itself
    assert next(box for box in screen.selectbox if box.label == "Team").value == "marketing"

    next(t for t in screen.text_input if t.label == "Name of the person answering") \
        .input("Mara")
    next(b for b in screen.button if b.label == "Record the answer").click().run()
    assert not screen.exception, screen.exception
    with session(engine) as s:
        answers = versions.current_proposal(s, workshop_id, fac).answers
    engine.dispose()
    assert set(answers) == {"marketing"} and not answers["marketing"].agrees  # kept
    assert "Marketing has already answered" in texts(screen)


def test_a_stale_continue_never_reopens_a_draft_finished_since(app_url):  # noqa: F811
    engine = make_engine(app_url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
        alex = store.start_turn(s, workshop.id, fac, role="marketing", name="Alex")
        store.save_draft(s, workshop.id, alex, D(C("industry", values=["Software"])), 0)
    laptop = open_as(workshop.id, fac, "views/teams.py")
    with session(engine) as s:  # Alex finishes on the projector's screen
        store.set_done(s, workshop.id, alex, True)

    next(b for b in laptop.button if b.label == "Continue Alex's turn").click().run()
    assert not laptop.exception, laptop.exception
    with session(engine) as s:
        alex_now = next(d for d in store.draft_statuses(s, workshop.id, fac) if d.name == "Alex")
    engine.dispose()
    assert alex_now.done  # still finished, still covered
    assert [b.label for b in laptop.button if "Alex" in b.label] == ["Reopen Alex's turn"]
