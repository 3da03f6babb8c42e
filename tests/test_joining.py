"""Own devices: joining by link or typed code, guessing protection, personal drafts, the status
board, auto-reveal, reopening and deleting — on SQLite and PostgreSQL (see conftest.py)."""
from __future__ import annotations

import re
import threading
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from tests.test_own_devices import button, new_app, texts
from tests.test_store import definition, race, snapshot
from workshop import demo, limits, store
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.models import Draft, Invite, JoinPace, Participant, SharedDefinition, Workshop
from workshop.store import AccessDenied, Locked, NotFound, StaleEdit, TooManyAttempts

CODE = re.compile(rf"^[{store.CODE_ALPHABET}]{{3}}-[{store.CODE_ALPHABET}]{{3}}$")
URL_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43,64}$")


def workshop_with_links(session, company="Acme"):
    """A new workshop: (id, facilitator token, invitations)."""
    workshop, fac = store.create_workshop(session, company=company, title="Ideal lead",
                                          facilitator_name="Dana")
    return workshop.id, fac, store.invitations(session, workshop.id, fac)


def count(session, table, *conditions) -> int:
    return session.exec(select(func.count()).select_from(table).where(*conditions)).one()


# --- join codes (no database) ------------------------------------------------------------------

def test_new_join_codes_use_only_the_code_alphabet():
    codes = {store.new_join_code() for _ in range(2000)}
    assert all(CODE.match(code) for code in codes), [c for c in codes if not CODE.match(c)]
    assert len(codes) > 1990  # random, not a short cycle
    assert not set("".join(codes)) & set("01IO")  # no look-alikes
    # Every letter of the alphabet turns up: the code space is as large as advertised.
    assert set("".join(codes).replace("-", "")) == set(store.CODE_ALPHABET)


@pytest.mark.parametrize(("typed", "expected"), [
    ("KX7-42P", "KX7-42P"),
    ("kx7-42p", "KX7-42P"),
    ("kx7 42p", "KX7-42P"),
    ("KX742P", "KX7-42P"),
    ("  kx 7-4 2p\n", "KX7-42P"),
    ("KX7—42P", "KX7-42P"),  # an em dash from a phone keyboard
    ("KX7-42", ""),
    ("KX7-42PP", ""),
    ("", ""),
    (None, ""),
    ("ＫＸ７-４２Ｐ", ""),  # full-width characters are not a code
])
def test_normalise_join_code(typed, expected):
    assert store.normalise_join_code(typed) == expected


# --- joining -----------------------------------------------------------------------------------

def test_join_codes_are_unique_and_well_formed(session):
    codes = [workshop_with_links(session, f"Company {i}")[2].join_code for i in range(15)]
    assert all(CODE.match(code) for code in codes), codes
    assert len(set(codes)) == len(codes)
    stored = session.exec(select(Workshop.join_code)).all()
    assert sorted(stored) == sorted(codes)


def test_join_with_invite(session):
    ws, fac, links = workshop_with_links(session)
    assert set(links.secrets) == {"marketing", "sales"}
    workshop, role = store.invite_details(session, links.secrets["sales"])
    assert (workshop.id, role) == (ws, "sales")
    joined_ws, token = store.join_with_invite(session, links.secrets["sales"], "  Sam  Lee ")
    assert joined_ws == ws
    actor = store.authenticate(session, ws, token)
    assert (actor.role, actor.name, actor.is_facilitator) == ("sales", "Sam Lee", False)
    # A new, empty, unfinished draft of their own.
    assert store.my_draft(session, ws, token) == (Definition(), 0, False)
    # The same link works for the next person in the team.
    _, other = store.join_with_invite(session, links.secrets["sales"], "Sue")
    assert store.authenticate(session, ws, other).role == "sales" and other != token


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{spaced}", "{nodash}", " {lower} "])
def test_join_with_a_typed_code(session, typed):
    ws, _, links = workshop_with_links(session)
    workshop_with_links(session, "Decoy")  # another workshop with its own code
    code = links.join_code
    text = typed.format(code=code, lower=code.lower(), spaced=" ".join(code.replace("-", "")),
                        nodash=code.replace("-", ""))
    joined_ws, token = store.join_with_code(session, text, "marketing", "Mo", client="phone")
    assert joined_ws == ws
    assert store.authenticate(session, ws, token).role == "marketing"
    assert owed(session, "phone") == 0  # a right code costs nothing


@pytest.mark.parametrize("role", ["facilitator", "", "Marketing", "admin"])
def test_join_with_code_needs_a_team_role(session, role):
    ws, _, links = workshop_with_links(session)
    with pytest.raises(ValueError, match="marketing or sales"):
        store.join_with_code(session, links.join_code, role, "Mo", client="phone")
    assert count(session, Participant, Participant.workshop_id == ws) == 1  # the facilitator


def test_tokens_are_distinct_url_safe_and_long(session):
    ws, fac, links = workshop_with_links(session)
    tokens = [fac, *links.secrets.values()]
    for i in range(3):
        tokens.append(store.join_with_invite(session, links.secrets["marketing"], f"M{i}")[1])
        tokens.append(store.join_with_code(session, links.join_code, "sales", f"S{i}",
                                           client="c")[1])
    assert len(set(tokens)) == len(tokens)
    assert all(URL_SAFE_TOKEN.match(token) for token in tokens), tokens
    # The join code and the join links let you join; they are no key to the workshop.
    for not_a_key in (links.join_code, *links.secrets.values()):
        with pytest.raises(AccessDenied):
            store.authenticate(session, ws, not_a_key)


@pytest.mark.parametrize("secret", ["", None, "nope", "x" * 500, "\x00", "a\x00b",
                                    "secret-of-nobody-" + "A" * 30])
def test_a_bad_join_link_is_not_found(session, secret):
    ws, _, _ = workshop_with_links(session)
    with pytest.raises(NotFound, match="not valid"):
        store.invite_details(session, secret)
    with pytest.raises(NotFound):
        store.join_with_invite(session, secret, "Mo")
    assert count(session, Participant) == 1


def test_joining_after_the_reveal_is_locked(engine, session):
    ws, fac, links = workshop_with_links(session)
    store.reveal(session, ws, fac)
    before = snapshot(engine, ws)
    with pytest.raises(Locked, match="revealed"):
        store.join_with_invite(session, links.secrets["marketing"], "Mo")
    with pytest.raises(Locked, match="revealed"):
        store.join_with_code(session, links.join_code, "sales", "Sam", client="phone")
    assert snapshot(engine, ws) == before
    assert owed(session, "phone") == 0  # the code was right: it cost nothing
    store.reopen_drafts(session, ws, fac)
    assert store.join_with_invite(session, links.secrets["marketing"], "Mo")[0] == ws


def test_a_name_already_taken_in_the_team(session):
    ws, _, links = workshop_with_links(session)
    store.join_with_invite(session, links.secrets["marketing"], "Priya")
    for attempt in (lambda: store.join_with_invite(session, links.secrets["marketing"],
                                                   " Priya "),
                    lambda: store.join_with_code(session, links.join_code, "marketing",
                                                 "Priya", client="phone")):
        with pytest.raises(ValueError) as error:
            attempt()
        message = str(error.value)
        assert "Priya" in message and "marketing" in message
        assert "personal link" in message and "initial" in message  # what to do about it
    # The same name in the other team is another person.
    _, sales_priya = store.join_with_invite(session, links.secrets["sales"], "Priya")
    assert store.authenticate(session, ws, sales_priya).role == "sales"
    assert count(session, Participant, Participant.workshop_id == ws,
                 Participant.name == "Priya") == 2


def test_two_people_joining_with_one_name_at_once(engine, session, monkeypatch):
    ws, _, links = workshop_with_links(session)
    make_token = store.new_token

    def other_device_joins_first() -> str:
        # Runs after this join's "is the name taken?" check, before its insert.
        monkeypatch.setattr(store, "new_token", make_token)
        with make_session(engine) as other:
            store.join_with_invite(other, links.secrets["sales"], "Alex")
        return make_token()

    monkeypatch.setattr(store, "new_token", other_device_joins_first)
    with pytest.raises(ValueError, match="already joined"):
        store.join_with_invite(session, links.secrets["sales"], "Alex")


def test_an_invite_joins_only_its_own_workshop(engine, session):
    a, _, a_links = workshop_with_links(session, "Alpha")
    b, b_fac, b_links = workshop_with_links(session, "Beta")
    b_before = snapshot(engine, b)
    joined, token = store.join_with_invite(session, a_links.secrets["sales"], "Sam")
    assert joined == a
    assert snapshot(engine, b) == b_before
    with pytest.raises(AccessDenied):
        store.authenticate(session, b, token)
    with pytest.raises(AccessDenied):
        store.my_draft(session, b, token)
    with pytest.raises(AccessDenied):
        store.draft_statuses(session, b, token)
    # Nor does a workshop's join code or facilitator token open the other workshop.
    assert store.join_with_code(session, b_links.join_code, "sales", "Sam", client="c")[0] == b
    with pytest.raises(AccessDenied):
        store.invitations(session, a, b_fac)


# --- privacy of personal drafts ----------------------------------------------------------------

def test_before_the_reveal_each_person_reads_only_their_own_draft(session):
    ws, fac, links = workshop_with_links(session)
    tokens = {"Dana": fac}
    for name, role in (("Priya", "marketing"), ("Lena", "marketing"), ("Marcus", "sales")):
        tokens[name] = store.join_with_invite(session, links.secrets[role], name)[1]
    for name, token in tokens.items():
        assert store.save_draft(session, ws, token, definition(f"{name}'s secret"), 0) == 1
    for name, token in tokens.items():
        assert store.my_draft(session, ws, token) == (definition(f"{name}'s secret"), 1, False)
        with pytest.raises(Locked):
            store.revealed_drafts(session, ws, token)
        statuses = store.draft_statuses(session, ws, token)
        assert "secret" not in repr(statuses)
        if token != fac:
            with pytest.raises(Locked):
                store.shared_state(session, ws, token)
    # Lena's save never touched Priya's draft, though they are in one team.
    assert store.my_draft(session, ws, tokens["Priya"])[0].notes == {"pain": "Priya's secret"}
    store.reveal(session, ws, fac)
    people = store.revealed_people(session, ws, tokens["Lena"])
    assert [(p.label, p.definition.notes["pain"]) for p in people] == [
        ("Facilitator", "Dana's secret"), ("Marketing · Priya", "Priya's secret"),
        ("Marketing · Lena", "Lena's secret"), ("Sales", "Marcus's secret")]


def test_draft_statuses_show_progress_never_content(session):
    ws, fac, links = workshop_with_links(session)
    priya = store.join_with_invite(session, links.secrets["marketing"], "Priya")[1]
    lena = store.join_with_invite(session, links.secrets["marketing"], "Lena")[1]
    marcus = store.join_with_code(session, links.join_code, "sales", "Marcus", client="c")[1]
    store.save_draft(session, ws, priya, definition("priya's secret", points=10), 0)
    store.set_done(session, ws, priya, True)
    store.save_draft(session, ws, marcus, definition("marcus's secret"), 0)
    statuses = store.draft_statuses(session, ws, fac)
    assert [(s.role, s.name, s.answered, s.done, s.started) for s in statuses] == [
        ("facilitator", "Dana", 0, False, False),
        ("marketing", "Priya", 3, True, True),  # industry, pain (its note), engagement
        ("marketing", "Lena", 0, False, False),
        ("sales", "Marcus", 2, False, True)]
    assert [s.label for s in statuses] == [
        "Facilitator (Dana)", "Marketing (Priya)", "Marketing (Lena)", "Sales (Marcus)"]
    assert {f.name for f in fields(store.DraftStatus)} == {
        "participant_id", "role", "name", "answered", "done", "started", "at_screen",
        "pinned"}
    text = repr(statuses)
    assert "secret" not in text and "Software" not in text
    # Everyone in the workshop sees the same board.
    assert store.draft_statuses(session, ws, lena) == statuses


# --- guessing join codes -----------------------------------------------------------------------
# The rule (workshop/limits.py): each network may try FREE wrong codes at once, then one every
# PACE seconds; a try waits its turn (at most LONGEST seconds) and is then looked up; a try that
# would wait longer is refused without being looked up. Right codes cost nothing, and nothing is
# counted across networks.

FREE = limits.FREE_WRONG_CODES
PACE = limits.WRONG_CODE_PACE.total_seconds()
LONGEST = limits.LONGEST_WAIT.total_seconds()
QUEUE = int(LONGEST // PACE)  # the tries that may wait their turn beyond the free ones
START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


class HandClock(limits.Clock):
    """The limits' clock, moved by the test. A wait either passes (someone waiting for the
    answer) or, with `arrivals=True`, is only noted: the next try arrives whatever the earlier
    ones still wait for, as a guesser's parallel requests do."""

    def __init__(self, *, arrivals: bool = False):
        self.at = START
        self.arrivals = arrivals
        self.waits: list[float] = []

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if not self.arrivals:
            self.at += timedelta(seconds=seconds)

    def move_to(self, seconds: float) -> None:
        self.at = START + timedelta(seconds=seconds)


def wrong_code(right: str) -> str:
    """A well-formed code that is not `right`."""
    letters = right.replace("-", "")
    swapped = "A" if letters[0] != "A" else "B"
    return f"{swapped}{letters[1:3]}-{letters[3:]}"


def try_code(session, code: str, network: str, clock: HandClock) -> tuple[str, float]:
    """What one try gets ('right', 'wrong' or 'refused') and how long it waited first."""
    before = len(clock.waits)
    try:
        store.workshop_for_code(session, code, client=network, clock=clock)
        outcome = "right"
    except NotFound:
        outcome = "wrong"
    except TooManyAttempts:
        outcome = "refused"
    return outcome, sum(clock.waits[before:])


def owed(session, network: str, at: datetime | None = None) -> float:
    """The seconds of wrong tries `network` still has to pay off at `at` (now by default)."""
    paid_off_at = session.exec(select(JoinPace.paid_off_at)
                               .where(JoinPace.network == network)).first()
    return max(0.0, (paid_off_at or 0.0) - (at or store.utcnow()).timestamp())


@pytest.fixture
def lookups(engine) -> list[str]:
    """Every look-up of a join code in the workshop table, as the database received it."""
    seen: list[str] = []

    def note(_connection, _cursor, statement, _parameters, _context, _many) -> None:
        if "WHERE workshop.join_code" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def test_codes_that_cannot_be_codes_are_not_tries(session):
    workshop_with_links(session)
    clock = HandClock(arrivals=True)
    for _ in range(FREE + QUEUE + 5):
        with pytest.raises(NotFound, match="6 letters and digits"):
            store.join_with_code(session, "zzz", "sales", "Eve", client="10.0.0.66", clock=clock)
    assert count(session, JoinPace) == 0 and clock.waits == []


def test_right_codes_cost_nothing(session):
    ws, _, links = workshop_with_links(session)
    clock = HandClock(arrivals=True)
    for i in range(FREE + QUEUE + 3):  # a whole team behind one router, at the same moment
        store.join_with_code(session, links.join_code.lower(), "marketing", f"Person {i}",
                             client="office", clock=clock)
    assert clock.waits == [] and owed(session, "office", clock.at) == 0
    assert count(session, Participant, Participant.workshop_id == ws) == FREE + QUEUE + 4
    # The office still has all its free wrong tries.
    wrong = wrong_code(links.join_code)
    assert [try_code(session, wrong, "office", clock) for _ in range(FREE)] == [("wrong", 0)] * FREE


def spread(networks: list[str], tries_each: int, every: float = 0.0) -> list[tuple[float, str]]:
    """Wrong tries from `networks` taking turns, one every `every` seconds: (second, network)."""
    return [(i * every, networks[i % len(networks)]) for i in range(len(networks) * tries_each)]


ROOM, VISITOR = "192.0.2.10", "198.51.100.7"
# (the wrong tries, who then types the right code, the longest that try may wait, whether any of
# the wrong tries may be refused)
ATTACKS = {
    # Issue 18: this kept the old server-wide cap reached, and a fresh visitor was refused.
    "30 a minute from 3 addresses for 10 minutes": (
        spread(["203.0.113.1", "203.0.113.2", "203.0.113.3"], 100, every=2), VISITOR, 0, True),
    "40 addresses hammering at once": (
        spread([f"10.0.{i}.1" for i in range(40)], 15), VISITOR, 0, True),
    # Issue 18: ten typos from one room locked the whole room out for ten minutes.
    "ten typos in a room behind one router": (spread([ROOM], 10, every=15), ROOM, 0, False),
    # All ten at once use up the free tries: the right code is the next try and takes its turn.
    "ten typos at the same moment": (spread([ROOM], 10), ROOM, PACE, False),
    # Twice the pace for two minutes: never refused, and the right code waits its turn.
    "a room mistyping for two minutes": (spread([ROOM], 20, every=6), ROOM, LONGEST, False),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_right_code_gets_in_after_an_attack(session, attack):
    tries, typist, longest_wait, refusals_allowed = ATTACKS[attack]
    ws, _, links = workshop_with_links(session)
    wrong = wrong_code(links.join_code)
    clock = HandClock(arrivals=True)
    outcomes = set()
    for second, network in tries:
        clock.move_to(second)
        outcomes.add(try_code(session, wrong, network, clock)[0])
    assert outcomes == ({"wrong", "refused"} if refusals_allowed else {"wrong"})
    clock.move_to(tries[-1][0] + 2)
    waits = len(clock.waits)
    assert store.join_with_code(session, links.join_code, "sales", "Sam", client=typist,
                                clock=clock)[0] == ws
    assert sum(clock.waits[waits:]) <= longest_wait


def test_a_guesser_hammering_from_one_network_is_refused_untried(session, lookups):
    _, _, links = workshop_with_links(session)
    wrong, guesser = wrong_code(links.join_code), "203.0.113.9"
    clock = HandClock(arrivals=True)
    lookups.clear()
    outcomes = [try_code(session, wrong, guesser, clock) for _ in range(100)]
    assert outcomes == ([("wrong", 0)] * FREE
                        + [("wrong", PACE * turn) for turn in range(1, QUEUE + 1)]
                        + [("refused", 0)] * (100 - FREE - QUEUE))
    assert len(lookups) == FREE + QUEUE  # the refused tries were never looked up
    # The right code gets the very same refusal, unlooked-up: it says nothing about the code.
    refusals = []
    for code in (links.join_code, wrong):
        with pytest.raises(TooManyAttempts) as refused:
            store.workshop_for_code(session, code, client=guesser, clock=clock)
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1] == (
        "Too many codes are being tried from your network just now. Try again in 6 seconds, or "
        "ask the facilitator for the join link.")
    assert len(lookups) == FREE + QUEUE
    # Once the queue has room, a right code waits its turn and gets in, though the network is
    # still slowed down; another network was never slowed at all.
    clock.move_to(6)
    assert try_code(session, links.join_code, guesser, clock) == ("right", LONGEST)
    assert try_code(session, wrong, "203.0.113.10", clock) == ("wrong", 0)


def test_a_guesser_gets_no_more_than_the_documented_pace(session, lookups):
    _, _, links = workshop_with_links(session)
    wrong = wrong_code(links.join_code)
    clock = HandClock(arrivals=True)
    lookups.clear()
    looked_up_at = []
    for second in range(600):  # a try every second for ten minutes
        clock.move_to(second)
        outcome, waited = try_code(session, wrong, "203.0.113.9", clock)
        if outcome == "wrong":
            looked_up_at.append(second + waited)
    assert len(lookups) == len(looked_up_at)
    # In no stretch of time more than the free tries and one per PACE seconds ...
    looked_up_at.sort()
    for first, last in combinations(range(len(looked_up_at)), 2):
        span = looked_up_at[last] - looked_up_at[first]
        assert last - first + 1 <= FREE + span / PACE + 1e-6, (first, last)
    # ... and that pace, not a lockout: in the last five minutes, 5 a minute.
    late = [at for at in looked_up_at if 300 <= at < 600]
    assert abs(len(late) - 300 / PACE) <= 1


def test_someone_waiting_for_each_answer_is_slowed_never_refused(session):
    _, _, links = workshop_with_links(session)
    wrong = wrong_code(links.join_code)
    clock = HandClock()  # each answer is waited for before the next try
    outcomes = {try_code(session, wrong, "203.0.113.9", clock)[0] for _ in range(FREE + 20)}
    assert outcomes == {"wrong"}
    assert clock.at - START == timedelta(seconds=20 * PACE)


def test_app_processes_share_one_pace(engine, engine_factory):
    other_process = engine_factory()
    with make_session(engine) as s:
        _, _, links = workshop_with_links(s)
    wrong = wrong_code(links.join_code)
    clock = HandClock(arrivals=True)
    tries = 2 * (FREE + QUEUE) + 6
    barrier = threading.Barrier(tries)
    outcomes: list[str] = []

    def guess(index: int) -> None:
        with make_session((engine, other_process)[index % 2]) as s:
            barrier.wait(timeout=30)
            outcomes.append(try_code(s, wrong, "203.0.113.9", clock)[0])

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused"] * (tries - FREE - QUEUE) + ["wrong"] * (FREE + QUEUE)
    assert sorted(clock.waits) == [PACE * turn for turn in range(1, QUEUE + 1)]


@pytest.mark.parametrize(("client", "network"), [
    ("203.0.113.9", "203.0.113.9"),
    ("2001:db8:1:2:a:b:c:d", "2001:db8:1:2::/64"),  # one machine may use any of its /64
    ("2001:db8:1:2::1%eth0", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.9", "203.0.113.9"),
    ("unknown", "unknown"),
    ("", "unknown"),
    (None, "unknown"),
    ("phone", "phone"),
    ("x" * 500, "x" * 100),
])
def test_what_counts_as_one_network(client, network):
    assert limits.network_of(client) == network


def test_addresses_in_one_ipv6_block_are_one_network(session):
    _, _, links = workshop_with_links(session)
    wrong = wrong_code(links.join_code)
    clock = HandClock(arrivals=True)
    outcomes = [try_code(session, wrong, f"2001:db8:1:2::{i:x}", clock)[0] for i in range(1, 31)]
    assert outcomes.count("wrong") == FREE + QUEUE
    assert try_code(session, wrong, "2001:db8:1:3::1", clock)[0] == "wrong"  # the next block


def test_paid_off_networks_are_forgotten(session):
    _, _, links = workshop_with_links(session)
    wrong = wrong_code(links.join_code)
    clock = HandClock(arrivals=True)
    for i in range(50):
        for _ in range(3):
            try_code(session, wrong, f"10.1.{i}.1", clock)
    assert count(session, JoinPace) == 50
    clock.move_to(3 * PACE + 1)  # every one of them has paid off
    try_code(session, links.join_code, "10.2.0.1", clock)
    clock.move_to(3 * PACE + 2)
    try_code(session, wrong, "10.2.0.2", clock)
    # The right code's network owed nothing, so it is forgotten by the next try.
    assert session.exec(select(JoinPace.network)).all() == ["10.2.0.2"]


def test_guessing_figures():
    """The README's figures: on average (codes + 1) / (open + 1) tries, at one try per PACE
    seconds per network."""
    assert store.CODE_SPACE == 32 ** 6 == 1_073_741_824
    hours = {(networks, open_): store.average_time_to_guess(networks, open_) / timedelta(hours=1)
             for networks, open_ in ((1, 10), (100, 10), (1000, 10), (1000, 100), (10000, 100))}
    assert round(hours[1, 10] / 24 / 365.25) == 37  # years
    assert round(hours[100, 10] / 24) == 136  # days
    assert round(hours[1000, 10] / 24) == 14  # days
    assert round(hours[1000, 100]) == 35
    assert round(hours[10000, 100], 1) == 3.5
    # The pace the figures assume is the one measured in the tests above.
    assert limits.WRONG_CODE_PACE == timedelta(seconds=PACE) == timedelta(seconds=12)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    for row in ("| 1 | 10 | 37 years |", "| 100 | 10 | 136 days |", "| 1,000 | 10 | 14 days |",
                "| 1,000 | 100 | 35 hours |", "| 10,000 | 100 | 3.5 hours |"):
        assert row in readme, row


def test_the_join_page_says_why_a_code_was_not_tried(engine, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    with make_session(engine) as s:
        ws, _, links = workshop_with_links(s)
        s.add(JoinPace(network="unknown", paid_off_at=store.utcnow().timestamp() + 3600))
        s.commit()
    at = new_app({}, "views/join.py")
    at.radio[0].set_value("sales").run()
    next(t for t in at.text_input if t.label == "Join code").input(links.join_code)
    next(t for t in at.text_input if t.label == "Your name").input("Sam")
    button(at, "Join").click().run()
    assert not at.exception
    assert "Too many codes are being tried from your network just now" in texts(at)
    assert "join link" in texts(at)
    with make_session(engine) as s:
        assert count(s, Participant, Participant.workshop_id == ws) == 1


# --- auto-reveal -------------------------------------------------------------------------------

def test_auto_reveal_waits_for_both_teams_and_every_member(session):
    ws, fac, links = workshop_with_links(session)
    store.set_auto_reveal(session, ws, fac, True)
    priya = store.join_with_invite(session, links.secrets["marketing"], "Priya")[1]
    store.save_draft(session, ws, priya, definition("priya"), 0)
    store.set_done(session, ws, priya, True)
    assert not store.is_revealed(session, ws)  # nobody from sales yet
    lena = store.join_with_invite(session, links.secrets["marketing"], "Lena")[1]
    marcus = store.join_with_invite(session, links.secrets["sales"], "Marcus")[1]
    store.set_done(session, ws, lena, True)
    store.set_done(session, ws, lena, False)  # ... she reopened her draft
    store.set_done(session, ws, marcus, True)
    assert not store.is_revealed(session, ws)  # Lena is still writing
    store.set_done(session, ws, lena, True)
    # The facilitator never pressed Done: that does not hold the reveal back.
    assert store.is_revealed(session, ws)
    assert store.my_draft(session, ws, fac)[2] is False
    assert store.revealed_drafts(session, ws, marcus) == {"Marketing": definition("priya")}


def test_turning_auto_reveal_on_when_everyone_is_done_reveals_at_once(session):
    ws, fac, links = workshop_with_links(session)
    people = [store.join_with_invite(session, links.secrets[role], name)[1]
              for role, name in (("marketing", "Priya"), ("sales", "Marcus"))]
    for token in people:
        store.set_done(session, ws, token, True)
    assert not store.is_revealed(session, ws)  # auto-reveal is off by default
    with pytest.raises(AccessDenied):
        store.set_auto_reveal(session, ws, people[0], True)
    assert not store.is_revealed(session, ws)
    store.set_auto_reveal(session, ws, fac, True)
    assert store.is_revealed(session, ws)


def test_auto_reveal_off_never_reveals(session):
    ws, fac, links = workshop_with_links(session)
    store.set_auto_reveal(session, ws, fac, True)
    store.set_auto_reveal(session, ws, fac, False)
    for role, name in (("marketing", "Priya"), ("sales", "Marcus")):
        token = store.join_with_invite(session, links.secrets[role], name)[1]
        store.set_done(session, ws, token, True)
    assert not store.is_revealed(session, ws)


def test_the_last_two_pressing_done_at_once_still_reveal(engine, session):
    ws, fac, links = workshop_with_links(session)
    tokens = [store.join_with_invite(session, links.secrets[role], name)[1]
              for role, name in (("marketing", "Priya"), ("sales", "Marcus"))]
    store.set_auto_reveal(session, ws, fac, True)
    outcomes = race(engine, 2, lambda s, i: store.set_done(s, ws, tokens[i], True))
    assert outcomes == [None, None]
    assert store.is_revealed(session, ws)


# --- reopening ---------------------------------------------------------------------------------

def test_reopen_drafts_after_the_reveal(session):
    ws, fac, links = workshop_with_links(session)
    tokens = [store.join_with_invite(session, links.secrets[role], name)[1]
              for role, name in (("marketing", "Priya"), ("sales", "Marcus"))]
    for i, token in enumerate(tokens):
        store.save_draft(session, ws, token, definition(f"first {i}"), 0)
    store.set_auto_reveal(session, ws, fac, True)
    for token in tokens:
        store.set_done(session, ws, token, True)
    assert store.is_revealed(session, ws)
    with pytest.raises(Locked):
        store.save_draft(session, ws, tokens[0], definition("too late"), 1)
    with pytest.raises(AccessDenied):
        store.reopen_drafts(session, ws, tokens[0])
    assert store.is_revealed(session, ws)

    store.reopen_drafts(session, ws, fac)
    assert not store.is_revealed(session, ws)
    assert [s.done for s in store.draft_statuses(session, ws, fac)] == [False, False, False]
    assert store.get_workshop(session, ws).auto_reveal is False
    # Drafts are kept and editable again from where they were.
    assert store.my_draft(session, ws, tokens[0]) == (definition("first 0"), 1, False)
    assert store.save_draft(session, ws, tokens[0], definition("second thoughts"), 1) == 2
    with pytest.raises(Locked):
        store.revealed_drafts(session, ws, tokens[1])  # covered again
    # Auto-reveal is off now: everyone finishing again waits for the facilitator.
    for token in tokens:
        store.set_done(session, ws, token, True)
    assert not store.is_revealed(session, ws)
    store.reveal(session, ws, fac)
    assert store.revealed_drafts(session, ws, tokens[1])["Marketing"] == \
        definition("second thoughts")


@pytest.mark.parametrize("action", ["reopen", "reveal"])
def test_a_long_lived_facilitator_session_reopens_and_reveals(engine, session, action):
    ws, fac, _ = workshop_with_links(session)
    if action == "reveal":
        store.reveal(session, ws, fac)
    with make_session(engine) as screen:
        shown = store.get_workshop(screen, ws)  # the facilitator's page holds the workshop
        with make_session(engine) as laptop:  # the state changes on another device
            (store.reveal if action == "reopen" else store.reopen_drafts)(laptop, ws, fac)
        (store.reopen_drafts if action == "reopen" else store.reveal)(screen, ws, fac)
        assert shown is not None
    with make_session(engine) as fresh:
        assert store.is_revealed(fresh, ws) is (action == "reveal")


# --- deleting ----------------------------------------------------------------------------------

def test_delete_workshop_removes_everything_of_it_and_nothing_else(engine, session):
    demo.seed_demo(session)
    ws, fac, links = workshop_with_links(session, "Doomed")
    keep, keep_fac, keep_links = workshop_with_links(session, "Kept")
    for workshop, links_ in ((ws, links), (keep, keep_links)):
        token = store.join_with_invite(session, links_.secrets["sales"], "Sam")[1]
        store.save_draft(session, workshop, token, definition("sam"), 0)
    store.reveal(session, ws, fac)
    store.save_shared(session, ws, fac, definition("shared"), 0)
    keep_before, demo_before = snapshot(engine, keep), snapshot(engine, demo.DEMO_ID)

    with pytest.raises(AccessDenied):
        store.delete_workshop(session, ws, keep_fac)  # another workshop's facilitator
    store.delete_workshop(session, ws, fac)

    assert snapshot(engine, ws) is None  # also checks that no row of it is left
    for table in (Draft, Invite, Participant):
        assert count(session, table, table.workshop_id == ws) == 0
    assert count(session, SharedDefinition, SharedDefinition.workshop_id == ws) == 0
    with pytest.raises(NotFound):
        store.get_workshop(session, ws)
    with pytest.raises(NotFound):
        store.invite_details(session, links.secrets["marketing"])
    with pytest.raises(NotFound):
        store.join_with_code(session, links.join_code, "sales", "Sam", client="c")
    with pytest.raises(NotFound):
        store.authenticate(session, ws, fac)
    assert {s.id for s in store.list_workshops(session)} == {keep, demo.DEMO_ID}
    assert (snapshot(engine, keep), snapshot(engine, demo.DEMO_ID)) == (keep_before,
                                                                        demo_before)
    assert store.invitations(session, keep, keep_fac) == keep_links


def test_the_demo_cannot_be_deleted(engine, session):
    demo.seed_demo(session)
    before = snapshot(engine, demo.DEMO_ID)
    token = store.demo_facilitator_token(session, demo.DEMO_ID)
    with pytest.raises(AccessDenied, match="demo"):
        store.delete_workshop(session, demo.DEMO_ID, token)
    session.rollback()
    assert snapshot(engine, demo.DEMO_ID) == before


def test_the_demo_has_a_join_code_and_two_invites(session):
    demo.seed_demo(session)
    token = store.demo_facilitator_token(session, demo.DEMO_ID)
    links = store.invitations(session, demo.DEMO_ID, token)
    assert CODE.match(links.join_code)
    assert set(links.secrets) == {"marketing", "sales"}
    for role, secret in links.secrets.items():
        workshop, found_role = store.invite_details(session, secret)
        assert (workshop.id, found_role) == (demo.DEMO_ID, role)
    assert store.workshop_for_code(session, links.join_code.lower(), client="c").id == \
        demo.DEMO_ID


# --- saving at the same time -------------------------------------------------------------------

def test_people_saving_their_own_drafts_at_once_never_interfere(engine, session):
    ws, fac, links = workshop_with_links(session)
    tokens = [fac] + [store.join_with_invite(session, links.secrets[role], name)[1]
                      for role, name in (("marketing", "Priya"), ("marketing", "Lena"),
                                         ("sales", "Marcus"))]
    rounds = 3

    def write(s, index):
        revision = 0
        for round_ in range(rounds):
            revision = store.save_draft(s, ws, tokens[index],
                                        definition(f"person {index} round {round_}"), revision)
        return revision

    outcomes = race(engine, len(tokens), write)
    assert outcomes == [rounds] * len(tokens), outcomes
    for index, token in enumerate(tokens):
        assert store.my_draft(session, ws, token) == (
            definition(f"person {index} round {rounds - 1}"), rounds, False)


def test_two_devices_of_one_person_saving_at_once(engine, session):
    ws, _, links = workshop_with_links(session)
    token = store.join_with_invite(session, links.secrets["sales"], "Marcus")[1]
    outcomes = race(engine, 2, lambda s, i: store.save_draft(
        s, ws, token, definition(f"device {i}"), 0))
    assert sorted(map(type, outcomes), key=str) == sorted([int, StaleEdit], key=str), outcomes
    winner = outcomes.index(1)
    assert store.my_draft(session, ws, token) == (definition(f"device {winner}"), 1, False)
