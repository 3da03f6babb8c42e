"""Crash and restart with a real server and a real browser: `streamlit run app.py` is killed with
SIGKILL while the facilitator builds the shared definition on the compare page, and while the
definition is proposed and signed; it is started again on the same port and database, the pages
are reloaded, and they show exactly what the database holds — everything the page had shown as
done before the kill is there — and the workshop carries on to a signed version 1.

The workshop up to the reveal is made through the store (faster; drafting through the browser
with a kill is tests/test_restart.py). Each kill comes a random time after the click (the seed is
printed; CRASH_SEED=<seed> replays it), so it lands before, during or after the save.

Needs Debian's Chromium at /usr/bin/chromium, like tests/test_restart.py; without it these tests
FAIL. Screenshots go to test-artifacts/crash/.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.builders import C, D
from tests.conftest import sqlalchemy_url
from tests.test_crash import seed_for_this_run
from tests.test_e2e_workshop import Person, button, choose, question_row
from tests.test_restart import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    Server,
    free_port,
    require_chromium,
)
from workshop import store, versions
from workshop.db import make_engine
from workshop.db import session as make_session

SHOTS = ARTIFACTS / "crash"
# Generous (they only matter when something is wrong): a page on a freshly started server
# computes its figures on the sample leads first, which takes a while on a loaded machine.
WAIT = 120_000  # ms
SUGGESTED = "Started from the suggested definition"
TAKE_SALES = "Take Sales's answer"
TOOK_SALES = "took Sales's answer"


@dataclass
class Room:
    """The workshop, and a way to read it as a freshly started server would."""

    url: str
    workshop_id: str = ""
    tokens: dict[str, str] | None = None

    def read(self, call, *args, who: str = "facilitator", **kwargs):
        engine = make_engine(sqlalchemy_url(self.url))
        try:
            with make_session(engine) as s:
                return call(s, self.workshop_id, self.tokens[who], *args, **kwargs)
        finally:
            engine.dispose()

    def shared(self) -> store.SharedState:
        return self.read(store.shared_state)

    def proposal(self) -> versions.ProposalState | None:
        return self.read(versions.current_proposal)

    def signed(self) -> list[int]:
        return [v.number for v in self.read(versions.versions)]


def revealed_workshop(url: str) -> Room:
    """Three drafts (the industry is a conflict), everyone done, revealed."""
    room = Room(url)
    engine = make_engine(sqlalchemy_url(url))
    try:
        with make_session(engine) as s:
            workshop, fac = store.create_workshop(s, company="Crashworthy Robotics",
                                                  title="Kill -9 on the compare page",
                                                  facilitator_name="Fran Okafor")
            invites = store.invitations(s, workshop.id, fac).secrets
            _, mkt = store.join_with_invite(s, invites["marketing"], "Priya")
            _, sales = store.join_with_invite(s, invites["sales"], "Marcus")
            drafts = {
                fac: D(C("industry", values=["Software"]),
                       C("employees", "between", low=50, high=1000)),
                mkt: D(C("industry", values=["Software", "Healthcare"]),
                       C("employees", "between", low=100, high=2000),
                       C("job_title", "contains_any", values=["marketing manager"])),
                sales: D(C("industry", values=["Manufacturing"]),
                         C("employees", "between", low=200, high=5000),
                         C("budget", "at_least", low=20000, gate="sql")),
            }
            for token, definition in drafts.items():
                store.save_draft(s, workshop.id, token, definition, 0)
            for token in (mkt, sales):
                store.set_done(s, workshop.id, token, True)
            store.reveal(s, workshop.id, fac)
    finally:
        engine.dispose()
    room.workshop_id = workshop.id
    room.tokens = {"facilitator": fac, "marketing": mkt, "sales": sales}
    return room


def shows(person: Person, text: str) -> bool:
    """Whether the page shows `text` now — also after the server died (the browser keeps the
    last page it was sent)."""
    try:
        return person.main.get_by_text(text).count() > 0
    except Exception:  # noqa: BLE001 - a page in the middle of being replaced shows nothing
        return False


def settle(page) -> None:
    """Wait until the app has finished its run (as test_restart.settle, with more patience)."""
    page.wait_for_selector(IDLE, timeout=WAIT)
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=WAIT)


def shot(person: Person, name: str) -> None:
    """What the person sees (no waiting for the app: the server may be dead)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        person.page.screenshot(path=str(SHOTS / f"{name}-{person.who}.png"))
    except Exception:  # noqa: BLE001 - a missing screenshot must not hide the result
        pass


def eventually(condition, what: str, seconds: float = WAIT / 1000) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds} s waiting until {what}")
        time.sleep(0.1)


class Crash:
    """Kill the server a random time after a click, start it again, reload the pages."""

    def __init__(self, server: Server, people: list[Person], rng: random.Random):
        self.server, self.people, self.rng = server, people, rng
        self.kills: list[str] = []

    def click_and_kill(self, person: Person, target, what: str, done_text: str,
                       latest: float = 3.0) -> bool:
        """Click `target` (a button's name, or a locator), wait a random moment, SIGKILL the
        server. Returns whether the page had shown `done_text` (the action confirmed) when it
        died."""
        (button(person, target) if isinstance(target, str) else target).click()
        delay = self.rng.uniform(0, latest)
        time.sleep(delay)
        self.server.kill()
        confirmed = shows(person, done_text)
        shot(person, f"killed-{len(self.kills) + 1}-{what.replace(' ', '-')}")
        self.kills.append(f"{what}: {delay:.2f} s after the click"
                          f"{' (the page had confirmed it)' if confirmed else ''}")
        print(f"kill {len(self.kills)}: {self.kills[-1]}")
        return confirmed

    def restart(self) -> None:
        self.server.start()
        for person in self.people:
            person.page.reload()
        for person in self.people:
            expect(person.main.get_by_role("heading", name="Step 3 · Compare and agree")
                   ).to_be_visible(timeout=WAIT)
            settle(person.page)


def industry_answer(room: Room) -> str | None:
    return room.shared().decisions.get("industry")


def merge_with_a_kill(room: Room, fac: Person, crash: Crash, *, wait_for_save: bool) -> None:
    """The facilitator takes Sales's answer for the industry; the server dies meanwhile (or,
    with `wait_for_save`, right after the database has it)."""
    before = room.shared()
    industry = question_row(fac, "Industry")
    choose(fac, industry.get_by_test_id("stSelectbox"), TAKE_SALES)
    if wait_for_save:
        industry.get_by_role("button", name="Apply").click()
        eventually(lambda: room.shared().revision == before.revision + 1, "the change is saved")
        crash.server.kill()
        crash.kills.append("merge: right after the change was saved")
        print(f"kill {len(crash.kills)}: {crash.kills[-1]}")
        confirmed = True
    else:
        confirmed = crash.click_and_kill(fac, industry.get_by_role("button", name="Apply"),
                                         "merge", f"Shared answer: {TOOK_SALES}")
    after = room.shared()
    assert after.revision in (before.revision, before.revision + 1)
    saved = after.revision == before.revision + 1
    if confirmed:
        assert saved, "the page showed the change as made, but the database lost it"
    if saved:
        assert after.decisions["industry"] == TOOK_SALES
        assert [c.values for c in after.definition.criteria_for("industry")] == \
            [["Manufacturing"]]
    else:
        assert after.definition == before.definition and after.decisions == before.decisions
    crash.restart()
    # The page shows what the database holds; the change log is complete.
    industry = question_row(fac, "Industry")
    expect(industry).to_contain_text(f"Shared answer: {industry_answer(room)}", timeout=WAIT)
    log = room.read(versions.changes)
    assert [c.revision for c in log] == list(range(1, after.revision + 1))
    if not saved:  # not saved before the crash: the facilitator does it again
        choose(fac, industry.get_by_test_id("stSelectbox"), TAKE_SALES)
        industry.get_by_role("button", name="Apply").click()
        eventually(lambda: industry_answer(room) == TOOK_SALES, "the change is saved")
        settle(fac.page)
    expect(question_row(fac, "Industry")).to_contain_text(f"Shared answer: {TOOK_SALES}")
    shared_column = question_row(fac, "Industry").get_by_test_id("stColumn").filter(
        has_text="Shared definition").last
    expect(shared_column).to_contain_text("Industry is Manufacturing")


def propose_with_a_kill(room: Room, fac: Person, crash: Crash) -> None:
    confirmed = crash.click_and_kill(fac, "📜 Propose this definition for sign-off", "propose",
                                     "Version 1 is proposed.")
    proposal = room.proposal()
    if confirmed:
        assert proposal is not None, "the page showed the proposal, the database lost it"
    crash.restart()
    if proposal is None:
        expect(fac.main.get_by_text("Version 1 is proposed.")).to_have_count(0)
        button(fac, "📜 Propose this definition for sign-off").click()
        eventually(lambda: room.proposal() is not None, "the proposal is saved")
        settle(fac.page)
    expect(fac.main.get_by_text("Version 1 is proposed.")).to_be_visible(timeout=WAIT)
    proposal = room.proposal()
    assert proposal.number == 1 and proposal.definition == room.shared().definition


def sign_with_a_kill(room: Room, person: Person, team: str, crash: Crash,
                     *, last: bool) -> None:
    role = team.lower()
    done_text = ("Every team has signed: this is version 1." if last
                 else f"{team} has signed.")
    expect(button(person, f"✅ Sign off for {team}")).to_be_enabled(timeout=WAIT)
    confirmed = crash.click_and_kill(person, f"✅ Sign off for {team}", f"{role} signs",
                                     done_text)
    signed = (room.signed() == [1]) if last else (
        role in room.proposal().answers and room.proposal().answers[role].agrees)
    if confirmed:
        assert signed, f"the page showed {team}'s signature, the database lost it"
    crash.restart()
    if signed:
        expect(person.main).to_contain_text(
            "Version 1 is signed." if last else f"{team} has signed.", timeout=WAIT)
    else:
        expect(button(person, f"✅ Sign off for {team}")).to_be_enabled(timeout=WAIT)
        button(person, f"✅ Sign off for {team}").click()
        settle(person.page)
        expect(person.main.get_by_text(done_text)).to_be_visible(timeout=WAIT)


def sign(person: Person, team: str, done_text: str) -> None:
    expect(button(person, f"✅ Sign off for {team}")).to_be_enabled(timeout=WAIT)
    button(person, f"✅ Sign off for {team}").click()
    settle(person.page)
    expect(person.main.get_by_text(done_text)).to_be_visible(timeout=WAIT)


def crash_the_compare_page(database_url: str, tmp_path: Path, request, *, every_kill: bool):
    require_chromium()
    rng = random.Random(seed_for_this_run())
    room = revealed_workshop(database_url)
    server = Server(database_url, free_port(), tmp_path)
    request.addfinalizer(server.kill)
    started = time.monotonic()
    server.start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        fac = Person(browser, "facilitator", viewport={"width": 1600, "height": 1000})
        mkt = Person(browser, "marketing", viewport={"width": 1280, "height": 900})
        sales = Person(browser, "sales", viewport={"width": 1280, "height": 900})
        people = [fac, mkt, sales]
        for person in people:
            person.context.set_default_timeout(WAIT)
        crash = Crash(server, [fac], rng)
        try:
            for person, role in zip(people, ("facilitator", "marketing", "sales"), strict=True):
                person.workshop_id, person.token = room.workshop_id, room.tokens[role]
            fac.page.goto(fac.url(server.url, "compare"))
            expect(fac.main.get_by_role("heading", name="Question by question")
                   ).to_be_visible(timeout=WAIT)
            button(fac, "✨ Start from the suggested definition").click()
            eventually(lambda: room.shared().revision == 1, "the suggestion is saved")
            settle(fac.page)
            assert [c.summary for c in room.read(versions.changes)] == [SUGGESTED]

            # During the merge: the server dies a random moment after Apply.
            if every_kill:
                merge_with_a_kill(room, fac, crash, wait_for_save=True)
                # Marketing's answer now, so that taking Sales's again is a change.
                choose(fac, question_row(fac, "Industry").get_by_test_id("stSelectbox"),
                       "Take Marketing's answer")
                question_row(fac, "Industry").get_by_role("button", name="Apply").click()
                eventually(lambda: industry_answer(room) == "took Marketing's answer",
                           "Marketing's answer is saved")
                settle(fac.page)
            merge_with_a_kill(room, fac, crash, wait_for_save=False)
            shot(fac, "merged")

            # During sign-off: proposing, then signing.
            if every_kill:
                propose_with_a_kill(room, fac, crash)
            else:
                button(fac, "📜 Propose this definition for sign-off").click()
                settle(fac.page)
                expect(fac.main.get_by_text("Version 1 is proposed.")).to_be_visible()
            for person in (mkt, sales):
                person.page.goto(person.url(server.url, "compare"))
            crash.people = people
            for person in (mkt, sales):
                expect(person.main.get_by_role("heading", name="Sign off").first
                       ).to_be_visible(timeout=WAIT)
            sign_with_a_kill(room, mkt, "Marketing", crash, last=False)
            if every_kill:
                sign_with_a_kill(room, sales, "Sales", crash, last=True)
            else:
                sign(sales, "Sales", "Every team has signed: this is version 1.")

            # Version 1: what the database holds, on every page after one more reload.
            assert room.signed() == [1]
            (version,) = room.read(versions.versions)
            assert versions.signed_by(version.signatories) == ["Priya for Marketing",
                                                               "Marcus for Sales"]
            assert version.definition == room.shared().definition
            assert [c.values for c in version.definition.criteria_for("industry")] == \
                [["Manufacturing"]]
            for person in people:
                person.page.reload()
            for person in people:
                expect(person.main).to_contain_text("Version 1 is signed.", timeout=WAIT)
            fac.page.goto(fac.url(server.url, "communicate"))
            expect(fac.main).to_contain_text(
                "Agreed by Priya for Marketing and Marcus for Sales", timeout=WAIT)
            expect(fac.main).to_contain_text("Industry is Manufacturing")
            shot(fac, "signed")
            print(f"{len(crash.kills)} kills in {time.monotonic() - started:.0f} s: "
                  + "; ".join(crash.kills))
            assert len(crash.kills) == (5 if every_kill else 2)
        except BaseException:
            for person in people:
                try:
                    shot(person, "failure")
                    print(f"--- {person.who}'s page ({person.page.url}):\n"
                          f"{person.main.inner_text(timeout=5_000)[:3000]}")
                except Exception:  # noqa: BLE001 - the original failure matters more
                    pass
            print(f"server log:\n{server.log()}")
            raise
        finally:
            browser.close()
            server.kill()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_kill_9_while_merging_and_signing(database_url, tmp_path, request):
    crash_the_compare_page(database_url, tmp_path, request, every_kill=False)


@pytest.mark.long
def test_kill_9_at_every_step_of_merging_and_signing(database_url, tmp_path, request):
    crash_the_compare_page(database_url, tmp_path, request, every_kill=True)

