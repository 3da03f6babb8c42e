"""Own devices: joining by link or typed code, guessing protection, personal drafts, the status
board, auto-reveal, reopening and deleting — on SQLite and PostgreSQL (see conftest.py)."""
from __future__ import annotations

import re
from dataclasses import fields
from datetime import timedelta

import pytest
from sqlmodel import func, select

from tests.test_store import definition, race, snapshot
from workshop import demo, store
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.models import Draft, Invite, JoinAttempt, Participant, SharedDefinition, Workshop
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
    assert count(session, JoinAttempt) == 0  # a right code is not a failure


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
    assert count(session, JoinAttempt) == 0  # the code was right: no failure counted
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
        "participant_id", "role", "name", "answered", "done", "started", "at_screen"}
    text = repr(statuses)
    assert "secret" not in text and "Software" not in text
    # Everyone in the workshop sees the same board.
    assert store.draft_statuses(session, ws, lena) == statuses


# --- guessing join codes -----------------------------------------------------------------------

def wrong_code(right: str) -> str:
    """A well-formed code that is not `right`."""
    letters = right.replace("-", "")
    swapped = "A" if letters[0] != "A" else "B"
    return f"{swapped}{letters[1:3]}-{letters[3:]}"


def test_wrong_codes_are_limited_per_client(session):
    ws, _, links = workshop_with_links(session)
    wrong = wrong_code(links.join_code)
    for _ in range(store.MAX_WRONG_CODES_PER_CLIENT + 5):  # typos that cannot be codes
        with pytest.raises(NotFound, match="6 letters and digits"):
            store.join_with_code(session, "zzz", "sales", "Eve", client="10.0.0.66")
    assert count(session, JoinAttempt) == 0  # ... are not guesses and are not counted
    for _ in range(store.MAX_WRONG_CODES_PER_CLIENT):
        with pytest.raises(NotFound, match="No workshop has this code"):
            store.join_with_code(session, wrong, "sales", "Eve", client="10.0.0.66")
    # Now even the right code is refused for this client ...
    with pytest.raises(TooManyAttempts, match="Too many wrong codes"):
        store.join_with_code(session, links.join_code, "sales", "Eve", client="10.0.0.66")
    with pytest.raises(TooManyAttempts):
        store.workshop_for_code(session, links.join_code, client="10.0.0.66")
    assert count(session, Participant, Participant.workshop_id == ws) == 1
    # ... while another client is not affected, and the join link still works for everyone.
    assert store.join_with_code(session, links.join_code, "sales", "Sam",
                                client="10.0.0.7")[0] == ws
    assert store.join_with_invite(session, links.secrets["sales"], "Eve")[0] == ws


def test_right_codes_are_not_counted_as_failures(session):
    ws, _, links = workshop_with_links(session)
    for i in range(store.MAX_WRONG_CODES_PER_CLIENT + 2):  # a whole team behind one router
        store.join_with_code(session, links.join_code.lower(), "marketing", f"Person {i}",
                             client="office")
    assert count(session, JoinAttempt) == 0
    assert count(session, Participant, Participant.workshop_id == ws) == \
        store.MAX_WRONG_CODES_PER_CLIENT + 3


def test_wrong_codes_are_limited_overall(session):
    ws, _, links = workshop_with_links(session)
    wrong = wrong_code(links.join_code)
    now = store.utcnow()
    # Many clients, each under its own limit, guessed almost as often as allowed overall ...
    session.add_all(JoinAttempt(client=f"bot-{i}", at=now - timedelta(minutes=i % 9))
                    for i in range(store.MAX_WRONG_CODES_OVERALL - 2))
    session.commit()
    for client in ("bot-a", "bot-b"):
        with pytest.raises(NotFound):
            store.join_with_code(session, wrong, "sales", "Eve", client=client)
    # ... so the next attempt, from anyone, with any code, is refused.
    with pytest.raises(TooManyAttempts):
        store.join_with_code(session, links.join_code, "sales", "Sam", client="newcomer")
    assert count(session, Participant, Participant.workshop_id == ws) == 1
    assert store.join_with_invite(session, links.secrets["sales"], "Sam")[0] == ws


def test_old_wrong_codes_no_longer_count(session):
    ws, _, links = workshop_with_links(session)
    long_ago = store.utcnow() - store.GUESS_WINDOW - timedelta(minutes=1)
    session.add_all(JoinAttempt(client="laptop", at=long_ago)
                    for _ in range(store.MAX_WRONG_CODES_PER_CLIENT))
    session.add_all(JoinAttempt(client=f"bot-{i}", at=long_ago)
                    for i in range(store.MAX_WRONG_CODES_OVERALL))
    session.commit()
    assert store.join_with_code(session, links.join_code, "sales", "Sam",
                                client="laptop")[0] == ws
    # Within the window the same number of failures does block.
    recent = store.utcnow() - store.GUESS_WINDOW + timedelta(minutes=1)
    session.add_all(JoinAttempt(client="phone", at=recent)
                    for _ in range(store.MAX_WRONG_CODES_PER_CLIENT))
    session.commit()
    with pytest.raises(TooManyAttempts):
        store.join_with_code(session, links.join_code, "sales", "Pat", client="phone")
    assert store.join_with_code(session, links.join_code, "sales", "Pat",
                                client="laptop")[0] == ws


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
