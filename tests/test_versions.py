"""workshop.versions against a real database, on SQLite and on PostgreSQL (see conftest.py):
the change log of the shared definition, questions up for discussion, proposals and sign-offs,
signed (immutable) versions and measurements.

As in test_store.py, the access rules are a table: every new call × every kind of token × the
phases a workshop goes through, with the outcome each must have; a refused call changes nothing.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from sqlmodel import func, select

from tests.builders import C
from tests.test_store import (
    MEMBERS,
    OUTSIDERS,
    SHARED_DRAFT,
    World,
    build_world,
    definition,
    race,
    snapshot,
)
from workshop import catalog, compare, demo, merge, store, versions
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.leads import load_sample_leads
from workshop.measure import Figures, measure
from workshop.models import ObjectionDraft, Proposal, SignOff
from workshop.store import AccessDenied, Locked, NotFound, StaleEdit

OK = "ok"
AD, VE, NF, SE = AccessDenied, ValueError, NotFound, StaleEdit

# Where the new tables sit in `snapshot(...)` (see test_store.AGREEMENT_TABLES).
SHARED, CHANGES, DISCUSSION, PROPOSALS, VERSIONS, MEASUREMENTS, SIGN_OFFS = 4, 5, 6, 7, 8, 9, 10

AT_SIGNOFF = Figures(leads=600, months=3, qualified=90, sql=30, qualified_per_month=30.0,
                     sql_per_month=10.0, wins=20, wins_caught=0.5, win_rate_qualified=0.12,
                     win_rate_rest=0.03, lift=4.0, reliable=False)
LATER = Figures(leads=800, months=4, qualified=100, sql=40, qualified_per_month=25.0,
                sql_per_month=10.0)
LATEST = Figures(leads=900, months=4, qualified=120, sql=44, qualified_per_month=30.0,
                 sql_per_month=11.0)

# Three states of the shared definition: build_world saves FIRST (revision 1, "Edited").
FIRST = SHARED_DRAFT
SECOND = FIRST.with_question("budget", [C("budget", "at_least", low=10000, gate="sql")])
THIRD = SECOND.with_question("industry", [C("industry", values=["Retail"])])


def fac_of(world: World) -> str:
    return world.tokens["facilitator"]


def proposal_now(session, world: World) -> versions.ProposalState | None:
    return versions.current_proposal(session, world.id, fac_of(world))


def workshop_with(session, roles: tuple[str, ...], shared: Definition | None = SHARED_DRAFT,
                  ) -> tuple[str, dict[str, str]]:
    """A revealed workshop where only `roles` joined, and its shared definition saved once
    (unless `shared` is None); (workshop id, tokens by role)."""
    workshop, fac = store.create_workshop(session, company="Solo Ltd", title="T",
                                          facilitator_name="Fay")
    names = {"marketing": "Mia", "sales": "Sam"}
    tokens = {"facilitator": fac}
    for role in roles:
        tokens[role] = store.start_turn(session, workshop.id, fac, role=role, name=names[role])
    store.reveal(session, workshop.id, fac)
    if shared is not None:
        store.save_shared(session, workshop.id, fac, shared, 0)
    return workshop.id, tokens


def signatories(info: versions.VersionInfo) -> list[tuple]:
    return sorted((s["role"], s["team"], s["name"], s["in_room"]) for s in info.signatories)


def give_history(session, world: World) -> None:
    """The other workshop gets a history of its own: it must survive anything done here."""
    other, fac = world.other_id, world.tokens["other_facilitator"]
    store.reveal(session, other, fac)
    revision = store.save_shared(session, other, fac, definition("theirs"), 0,
                                 summary="Their start", questions=["industry"])
    versions.set_discussion(session, other, fac, "pain", open=True, note="theirs")
    versions.propose(session, other, fac, revision, figures=LATER, source="theirs.csv")
    proposal = versions.current_proposal(session, other, fac)
    # Only marketing joined the other workshop, so its signature alone makes version 1.
    assert versions.sign(session, other, world.tokens["other_author"], proposal.id,
                         agrees=True) == 1
    versions.record_measurement(session, other, fac, version_number=1, figures=LATEST)


# --- the change log ----------------------------------------------------------------------------

def test_every_save_is_kept_with_who_what_and_the_result(session):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    assert store.save_shared(session, world.id, fac, SECOND, 1, summary="Took Sales' budget",
                             questions=["budget"]) == 2
    assert store.save_shared(session, world.id, fac, THIRD, 2, summary="Only retail",
                             questions=("industry", "size")) == 3
    for reader in MEMBERS:  # everyone in the workshop reads it after the reveal
        log = versions.changes(session, world.id, world.tokens[reader])
        assert [(c.revision, c.by, c.summary, c.questions, c.definition) for c in log] == [
            (1, "Dana", "Edited", (), FIRST),
            (2, "Dana", "Took Sales' budget", ("budget",), SECOND),
            (3, "Dana", "Only retail", ("industry", "size"), THIRD)]
        assert [c.at for c in log] == sorted(c.at for c in log)
        assert len({c.id for c in log}) == 3


def test_a_long_summary_is_cut_and_an_empty_one_says_edited(session):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    store.save_shared(session, world.id, fac, SECOND, 1, summary="s" * 2500)
    store.save_shared(session, world.id, fac, THIRD, 2, summary="")
    log = versions.changes(session, world.id, fac)
    assert [len(log[1].summary), log[2].summary] == [2000, "Edited"]


# Starting from revisions 1 FIRST ("Edited"), 2 SECOND ("Took Sales' budget"), 3 THIRD ("Only
# retail"): the steps, then the shared definition, and the last change's summary and questions.
# Undo steps back through the history, one change per undo; going back to a change is itself a
# change, which an undo reverts.
ALL_FOUR = ("industry", "budget", "pain", "engagement")  # what THIRD answers, catalog order
UNDO_CASES = [
    pytest.param(["undo"], SECOND, "Undid “Only retail”: back to change 2", ("industry",),
                 id="undo"),
    pytest.param(["undo", "undo"], FIRST, "Undid “Took Sales' budget”: back to change 1",
                 ("budget",), id="undo-twice-steps-back"),
    pytest.param(["undo", "undo", "undo"], Definition(), "Undid “Edited”: back to the empty start",
                 tuple(merge.changed_questions(FIRST, Definition())), id="undo-to-the-start"),
    pytest.param([1], FIRST, "Went back to change 1 (Edited)", ("industry", "budget"),
                 id="back-to-1"),
    pytest.param([0], Definition(), "Went back to the empty start", ALL_FOUR, id="back-to-0"),
    pytest.param([0, "undo"], THIRD, "Undid “Went back to the empty start”: back to change 3",
                 ALL_FOUR, id="undo-going-back-to-0"),
    pytest.param([1, 3], THIRD, "Went back to change 3 (Only retail)", ("industry", "budget"),
                 id="back-and-forth"),
    pytest.param([2, 4], SECOND, "Went back to change 4 (Went back to change 2 (Took Sales' "
                 "budget))", (), id="back-to-the-same-state"),
    pytest.param(["undo", 3], THIRD, "Went back to change 3 (Only retail)", ("industry",),
                 id="redo-by-going-back"),
]


@pytest.mark.parametrize(("steps", "expected", "summary", "questions"), UNDO_CASES)
def test_undo_and_go_back(session, steps, expected, summary, questions):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    store.save_shared(session, world.id, fac, SECOND, 1, summary="Took Sales' budget")
    store.save_shared(session, world.id, fac, THIRD, 2, summary="Only retail")
    revision = 3
    for step in steps:
        if step == "undo":
            new = versions.undo_last(session, world.id, fac, revision)
        else:
            new = versions.go_back_to(session, world.id, fac, step, revision)
        assert new == revision + 1
        revision = new
    state = store.shared_state(session, world.id, world.tokens["sales"])
    assert (state.definition, state.revision) == (expected, 3 + len(steps))
    log = versions.changes(session, world.id, world.tokens["marketing"])
    assert [c.revision for c in log] == list(range(1, 4 + len(steps)))
    assert (log[-1].by, log[-1].summary, log[-1].questions, log[-1].definition) == (
        "Dana", summary, questions, expected)


def test_undo_keeps_the_decisions(session):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    store.save_shared(session, world.id, fac, SECOND, 1, decisions={"budget": "sales"})
    versions.undo_last(session, world.id, fac, 2)
    state = store.shared_state(session, world.id, fac)
    assert (state.definition, state.decisions) == (FIRST, {"budget": "sales"})


def test_undo_with_nothing_to_undo(engine, session):
    world = build_world(session, revealed=False)
    store.reveal(session, world.id, fac_of(world))  # revealed, nothing built yet
    before = snapshot(engine, world.id)
    with pytest.raises(ValueError, match="nothing to undo"):
        versions.undo_last(session, world.id, fac_of(world), 0)
    assert snapshot(engine, world.id) == before


def test_undoing_the_first_change_goes_back_to_empty(session):
    world = build_world(session, revealed=True)
    assert versions.undo_last(session, world.id, fac_of(world), 1) == 2
    assert store.shared_state(session, world.id, fac_of(world)).definition == Definition()
    assert versions.changes(session, world.id, fac_of(world))[-1].summary == \
        "Undid “Edited”: back to the empty start"
    with pytest.raises(ValueError, match="empty start"):  # nothing further back
        versions.undo_last(session, world.id, fac_of(world), 2)


@pytest.mark.parametrize(("call", "error"), [
    (lambda s, w, fac: versions.undo_last(s, w, fac, 2), StaleEdit),  # one behind
    (lambda s, w, fac: versions.undo_last(s, w, fac, 7), StaleEdit),  # from the future
    (lambda s, w, fac: versions.go_back_to(s, w, fac, 1, 2), StaleEdit),
    (lambda s, w, fac: versions.go_back_to(s, w, fac, 0, 4), StaleEdit),
    (lambda s, w, fac: versions.go_back_to(s, w, fac, 9, 3), NotFound),
    (lambda s, w, fac: versions.go_back_to(s, w, fac, -1, 3), NotFound),
], ids=["undo-stale", "undo-future", "back-stale", "back-future", "back-to-nothing",
        "back-to-negative"])
def test_undo_and_go_back_refusals_change_nothing(engine, session, call, error):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    store.save_shared(session, world.id, fac, SECOND, 1)
    store.save_shared(session, world.id, fac, THIRD, 2)
    before = snapshot(engine, world.id)
    with pytest.raises(error):
        call(session, world.id, fac)
    session.rollback()
    assert snapshot(engine, world.id) == before
    assert store.shared_state(session, world.id, fac).definition == THIRD


# --- questions up for discussion ---------------------------------------------------------------

# (question, open, note) calls, then what everyone reads: {question: (open, note)}.
DISCUSSION_CASES = [
    pytest.param([("industry", True, "  Sales wants fewer industries ")],
                 {"industry": (True, "Sales wants fewer industries")}, id="put-up"),
    pytest.param([("budget", True, ""), ("budget", False, "Confirmed budget of $10k")],
                 {"budget": (False, "Confirmed budget of $10k")}, id="settle"),
    pytest.param([("pain", True, "first"), ("pain", True, "second")],
                 {"pain": (True, "second")}, id="update-the-note"),
    pytest.param([("pain", False, "settled"), ("pain", True, "again")],
                 {"pain": (True, "again")}, id="reopen-a-question"),
    pytest.param([("size", False, None)], {"size": (False, "")}, id="no-note"),
    pytest.param([("industry", True, "a"), ("engagement", True, "b"), ("other", False, "c")],
                 {"industry": (True, "a"), "engagement": (True, "b"), "other": (False, "c")},
                 id="several"),
    pytest.param([("disqualifiers", True, "x" * versions.MAX_NOTE)],
                 {"disqualifiers": (True, "x" * versions.MAX_NOTE)}, id="longest-note"),
    pytest.param([("location", True, f"  {'y' * versions.MAX_NOTE}\n")],
                 {"location": (True, "y" * versions.MAX_NOTE)}, id="spaces-do-not-count"),
]


@pytest.mark.parametrize(("calls", "expected"), DISCUSSION_CASES)
def test_discussion(session, calls, expected):
    world = build_world(session, revealed=True)
    assert versions.discussion(session, world.id, fac_of(world)) == {}
    stamps = []
    for question, is_open, note in calls:
        assert versions.set_discussion(session, world.id, fac_of(world), question,
                                       open=is_open, note=note) >= 1
        stamps.append(versions.discussion(session, world.id, fac_of(world))[question]
                      .updated_at)
    assert stamps == sorted(stamps)
    for reader in MEMBERS:
        points = versions.discussion(session, world.id, world.tokens[reader])
        assert {q: (p.open, p.note) for q, p in points.items()} == expected
        assert all(p.question == q for q, p in points.items())


@pytest.mark.parametrize(("revealed", "kind", "question", "note", "error"), [
    (True, "facilitator", "colour", "", NotFound),
    (True, "facilitator", "", "", NotFound),
    (True, "facilitator", "Industry", "", NotFound),  # keys, not titles
    (True, "facilitator", "industry", "x" * (versions.MAX_NOTE + 1), ValueError),
    (False, "facilitator", "industry", "too early", Locked),
    (True, "marketing", "industry", "mine", AccessDenied),
    (True, "sales", "industry", "mine", AccessDenied),
    (True, "other_facilitator", "industry", "theirs", AccessDenied),
])
def test_set_discussion_refusals(engine, session, revealed, kind, question, note, error):
    world = build_world(session, revealed=revealed)
    if revealed:
        versions.set_discussion(session, world.id, fac_of(world), "pain", open=True,
                                note="kept")
    before = snapshot(engine, world.id)
    with pytest.raises(error):
        versions.set_discussion(session, world.id, world.tokens[kind], question, open=True,
                                note=note)
    session.rollback()
    assert snapshot(engine, world.id) == before


def test_a_stale_decision_note_is_refused_never_replaces_another(engine, session):
    """Two tabs show the note at revision 1; the first saves; the second, still showing
    revision 1, is refused and changes nothing. The first note ever is checked as well."""
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    assert versions.set_discussion(session, world.id, fac, "pain", open=True, note="first",
                                   expected_revision=0) == 1
    with pytest.raises(StaleEdit, match="changed elsewhere"):
        versions.set_discussion(session, world.id, fac, "pain", open=True, note="again",
                                expected_revision=0)
    shown = versions.discussion(session, world.id, fac)["pain"].revision
    assert versions.set_discussion(session, world.id, fac, "pain", open=False,
                                   note="decided: manual work", expected_revision=shown) == 2
    before = snapshot(engine, world.id)
    with pytest.raises(StaleEdit):
        versions.set_discussion(session, world.id, fac, "pain", open=True, note="stale tab",
                                expected_revision=shown)
    session.rollback()
    assert snapshot(engine, world.id) == before
    point = versions.discussion(session, world.id, fac)["pain"]
    assert (point.open, point.note, point.revision) == (False, "decided: manual work", 2)


def test_discussion_is_read_after_the_reveal_only(session):
    world = build_world(session, revealed=False)
    for team in ("marketing", "sales"):
        with pytest.raises(Locked):
            versions.discussion(session, world.id, world.tokens[team])
    assert versions.discussion(session, world.id, fac_of(world)) == {}
    store.reveal(session, world.id, fac_of(world))
    versions.set_discussion(session, world.id, fac_of(world), "budget", open=True, note="n")
    assert versions.discussion(session, world.id, world.tokens["sales"])["budget"].note == "n"
    store.reopen_drafts(session, world.id, fac_of(world))  # hidden again while drafting
    with pytest.raises(Locked):
        versions.discussion(session, world.id, world.tokens["sales"])


# --- proposing -----------------------------------------------------------------------------------

def test_propose_puts_the_shared_definition_to_the_teams(session):
    world = build_world(session, revealed=True)
    assert versions.propose(session, world.id, fac_of(world), 1, figures=AT_SIGNOFF,
                            source="leads.csv") == 1
    for reader in MEMBERS:
        proposal = versions.current_proposal(session, world.id, world.tokens[reader])
        assert (proposal.number, proposal.status, proposal.definition, proposal.figures,
                proposal.source) == (1, "open", SHARED_DRAFT, AT_SIGNOFF, "leads.csv")
        assert (proposal.answers, proposal.teams, proposal.waiting_for) == (
            {}, ("marketing", "sales"), ["marketing", "sales"])


@pytest.mark.parametrize(("setup", "expected_revision", "error", "message"), [
    ("unrevealed", 0, Locked, "after the reveal"),
    ("empty", 2, ValueError, "empty"),
    ("never-built", 0, ValueError, "empty"),
    ("nobody-joined", 1, ValueError, "Nobody from marketing or sales"),
    ("ok", 0, StaleEdit, "changed in the meantime"),  # a revision nobody saw any more
    ("ok", 2, StaleEdit, "changed in the meantime"),  # one that does not exist yet
])
def test_propose_refusals(engine, session, setup, expected_revision, error, message):
    if setup == "nobody-joined":
        workshop_id, tokens = workshop_with(session, ())
    elif setup == "never-built":
        workshop_id, tokens = workshop_with(session, ("marketing", "sales"), shared=None)
    else:
        world = build_world(session, revealed=setup != "unrevealed")
        workshop_id, tokens = world.id, world.tokens
        if setup == "empty":
            store.save_shared(session, world.id, fac_of(world), Definition(), 1)
    before = snapshot(engine, workshop_id)
    with pytest.raises(error, match=message):
        versions.propose(session, workshop_id, tokens["facilitator"], expected_revision)
    session.rollback()
    assert snapshot(engine, workshop_id) == before
    assert snapshot(engine, workshop_id)[PROPOSALS] == []


def test_proposing_again_withdraws_the_previous(session):
    world = build_world(session, revealed=True)
    assert versions.propose(session, world.id, fac_of(world), 1) == 1
    first = proposal_now(session, world)
    versions.sign(session, world.id, world.tokens["marketing"], first.id, agrees=True)
    assert versions.propose(session, world.id, fac_of(world), 1, figures=LATER) == 1
    second = proposal_now(session, world)
    assert second.id != first.id and second.answers == {}  # signatures do not carry over
    assert second.figures == LATER
    with pytest.raises(StaleEdit, match="withdrawn"):
        versions.sign(session, world.id, world.tokens["sales"], first.id, agrees=True)
    assert versions.versions(session, world.id, fac_of(world)) == []


@pytest.mark.parametrize("edit", ["save_shared", "undo_last", "go_back_to"])
def test_changing_the_shared_definition_withdraws_the_proposal(engine, session, edit):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    versions.propose(session, world.id, fac, 1)
    proposal = proposal_now(session, world)
    versions.sign(session, world.id, world.tokens["marketing"], proposal.id, agrees=True)
    if edit == "save_shared":
        store.save_shared(session, world.id, fac, SECOND, 1)
    elif edit == "undo_last":
        versions.undo_last(session, world.id, fac, 1)
    else:
        versions.go_back_to(session, world.id, fac, 1, 1)  # even to the same definition
    assert proposal_now(session, world) is None
    assert [p["status"] for p in snapshot(engine, world.id)[PROPOSALS]] == ["withdrawn"]
    with pytest.raises(StaleEdit):
        versions.sign(session, world.id, world.tokens["sales"], proposal.id, agrees=True)
    with pytest.raises(StaleEdit):
        versions.sign_in_room(session, world.id, fac, proposal.id, role="sales", name="Marcus",
                              agrees=True)
    assert versions.versions(session, world.id, fac) == []


def test_a_refused_save_does_not_withdraw_the_proposal(session):
    world = build_world(session, revealed=True)
    versions.propose(session, world.id, fac_of(world), 1)
    with pytest.raises(StaleEdit):
        store.save_shared(session, world.id, fac_of(world), SECOND, 0)
    assert proposal_now(session, world).status == "open"


# --- signing -------------------------------------------------------------------------------------

def world_with_lena(session) -> World:
    """build_world's workshop, revealed, with a second marketing member (Lena)."""
    world = build_world(session, revealed=False)
    world.tokens["lena"] = store.start_turn(session, world.id, fac_of(world),
                                            role="marketing", name="Lena")
    store.reveal(session, world.id, fac_of(world))
    world.shared_revision = store.save_shared(session, world.id, fac_of(world), SHARED_DRAFT, 0)
    return world


def answer(session, world: World, proposal_id: int, who: str, agrees: bool, reason: str = ""):
    """`who`: a token kind signing on their own device, or 'room:<role>' said out loud."""
    if who.startswith("room:"):
        role = who.removeprefix("room:")
        return versions.sign_in_room(session, world.id, fac_of(world), proposal_id, role=role,
                                     name={"marketing": "Priya", "sales": "Marcus"}[role],
                                     agrees=agrees, reason=reason)
    return versions.sign(session, world.id, world.tokens[who], proposal_id, agrees=agrees,
                         reason=reason)


# Answers in order, each with what it returns (the version number once every team signed),
# then who signed the version for each team (name, in the room).
SIGNING_CASES = [
    pytest.param([("marketing", True, "", None), ("sales", True, "", 1)],
                 {"marketing": ("Priya", False), "sales": ("Marcus", False)}, id="both-sign"),
    pytest.param([("sales", True, "", None), ("marketing", True, "", 1)],
                 {"marketing": ("Priya", False), "sales": ("Marcus", False)}, id="sales-first"),
    pytest.param([("marketing", False, "Too narrow", None), ("sales", True, "", None),
                  ("marketing", True, "", 1)],
                 {"marketing": ("Priya", False), "sales": ("Marcus", False)},
                 id="object-then-sign"),
    pytest.param([("sales", True, "", None), ("sales", False, "Budget too low", None),
                  ("marketing", True, "", None), ("sales", True, "Fine now", 1)],
                 {"marketing": ("Priya", False), "sales": ("Marcus", False)},
                 id="sign-then-object-then-sign"),
    pytest.param([("marketing", True, "", None), ("marketing", True, "", None),
                  ("sales", True, "", 1)],
                 {"marketing": ("Priya", False), "sales": ("Marcus", False)},
                 id="signing-twice-counts-once"),
    pytest.param([("room:marketing", True, "", None), ("sales", True, "", 1)],
                 {"marketing": ("Priya", True), "sales": ("Marcus", False)}, id="in-the-room"),
    pytest.param([("room:sales", False, "Needs BANT", None), ("room:marketing", True, "", None),
                  ("room:sales", True, "", 1)],
                 {"marketing": ("Priya", True), "sales": ("Marcus", True)}, id="all-in-the-room"),
    pytest.param([("marketing", False, "Too narrow", None), ("lena", True, "", None),
                  ("sales", True, "", 1)],
                 {"marketing": ("Lena", False), "sales": ("Marcus", False)},
                 id="a-team-mate-answers-last"),
    pytest.param([("lena", True, "", None), ("marketing", False, "Not yet", None),
                  ("sales", True, "", None)], None, id="a-team-mate-objects-last"),
]


@pytest.mark.parametrize(("steps", "signed_by"), SIGNING_CASES)
def test_a_teams_latest_answer_counts(session, steps, signed_by):
    world = world_with_lena(session)
    assert versions.propose(session, world.id, fac_of(world), world.shared_revision) == 1
    proposal_id = proposal_now(session, world).id
    roles = {"marketing": "marketing", "sales": "sales", "lena": "marketing",
             "room:marketing": "marketing", "room:sales": "sales"}
    latest: dict[str, tuple[bool, str]] = {}
    for who, agrees, reason, returns in steps:
        assert answer(session, world, proposal_id, who, agrees, reason) == returns, who
        latest[roles[who]] = (agrees, reason)
        if returns is None:
            state = proposal_now(session, world)
            assert {role: (a.agrees, a.reason) for role, a in state.answers.items()} == latest
            assert state.waiting_for == [role for role in ("marketing", "sales")
                                         if not latest.get(role, (False,))[0]]
    signed = versions.versions(session, world.id, world.tokens["sales"])
    if signed_by is None:
        assert signed == [] and proposal_now(session, world).waiting_for == ["marketing"]
        return
    assert proposal_now(session, world) is None  # the proposal is signed, not open
    assert signatories(signed[0]) == [
        (role, role.capitalize(), *signed_by[role]) for role in ("marketing", "sales")]


@pytest.mark.parametrize("reason", ["", "   \n", None])
@pytest.mark.parametrize("who", ["marketing", "room:sales"])
def test_an_objection_needs_a_reason(engine, session, who, reason):
    world = build_world(session, revealed=True)
    versions.propose(session, world.id, fac_of(world), 1)
    proposal_id = proposal_now(session, world).id
    before = snapshot(engine, world.id)
    with pytest.raises(ValueError, match="Say what your team objects to"):
        answer(session, world, proposal_id, who, False, reason)
    session.rollback()
    assert snapshot(engine, world.id) == before
    assert proposal_now(session, world).answers == {}


@pytest.mark.parametrize("agrees", [True, False])
def test_a_reason_has_a_length_limit(session, agrees):
    world = build_world(session, revealed=True)
    versions.propose(session, world.id, fac_of(world), 1)
    proposal_id = proposal_now(session, world).id
    with pytest.raises(ValueError, match="under 2,000 characters"):
        answer(session, world, proposal_id, "sales", agrees, "r" * (versions.MAX_NOTE + 1))
    assert answer(session, world, proposal_id, "sales", agrees, "r" * versions.MAX_NOTE) is None
    assert proposal_now(session, world).answers["sales"].reason == "r" * versions.MAX_NOTE


def test_the_facilitator_cannot_sign_on_their_own_behalf(engine, session):
    world = build_world(session, revealed=True)
    versions.propose(session, world.id, fac_of(world), 1)
    proposal_id = proposal_now(session, world).id
    before = snapshot(engine, world.id)
    for agrees in (True, False):
        with pytest.raises(AccessDenied, match="Only marketing and sales sign off"):
            versions.sign(session, world.id, fac_of(world), proposal_id, agrees=agrees,
                          reason="I decide")
    assert snapshot(engine, world.id) == before


def test_a_team_member_signs_for_their_own_team_only(session):
    world = world_with_lena(session)
    versions.propose(session, world.id, fac_of(world), world.shared_revision)
    proposal_id = proposal_now(session, world).id
    for who in ("marketing", "lena"):  # however many marketing people sign ...
        assert versions.sign(session, world.id, world.tokens[who], proposal_id,
                             agrees=True) is None
        state = proposal_now(session, world)
        assert list(state.answers) == ["marketing"]  # ... it is one answer, for marketing
        assert state.waiting_for == ["sales"]
    assert state.answers["marketing"].name == "Lena" and state.answers["marketing"].team == \
        "Marketing"
    # A token of another workshop signs nothing here, even for the same role and name.
    with pytest.raises(AccessDenied):
        versions.sign(session, world.id, world.tokens["other_author"], proposal_id, agrees=True)


@pytest.mark.parametrize(("role", "name", "error", "message"), [
    ("facilitator", "Dana", ValueError, "marketing or sales"),
    ("board", "Bo", ValueError, "marketing or sales"),
    ("sales", "   ", ValueError, "Please enter the name"),
    ("sales", "n" * 201, ValueError, "too long"),
])
def test_sign_in_room_refusals(engine, session, role, name, error, message):
    world = build_world(session, revealed=True)
    versions.propose(session, world.id, fac_of(world), 1)
    proposal_id = proposal_now(session, world).id
    before = snapshot(engine, world.id)
    with pytest.raises(error, match=message):
        versions.sign_in_room(session, world.id, fac_of(world), proposal_id, role=role,
                              name=name, agrees=True)
    session.rollback()
    assert snapshot(engine, world.id) == before


def test_sign_in_room_keeps_the_named_person_cleaned(session):
    world = build_world(session, revealed=True)
    versions.propose(session, world.id, fac_of(world), 1)
    proposal_id = proposal_now(session, world).id
    long_name = "M" + "c" * 199
    assert versions.sign_in_room(session, world.id, fac_of(world), proposal_id,
                                 role="sales", name="  Marcus \t Cole ", agrees=True) is None
    assert versions.sign_in_room(session, world.id, fac_of(world), proposal_id,
                                 role="marketing", name=long_name, agrees=True) == 1
    assert signatories(versions.versions(session, world.id, fac_of(world))[0]) == [
        ("marketing", "Marketing", long_name, True), ("sales", "Sales", "Marcus Cole", True)]


@pytest.mark.parametrize("proposal", ["another-workshops", "missing"])
def test_signing_a_proposal_that_is_not_here(engine, session, proposal):
    world = build_world(session, revealed=True)
    other, other_fac = world.other_id, world.tokens["other_facilitator"]
    store.reveal(session, other, other_fac)
    store.save_shared(session, other, other_fac, definition("theirs"), 0)
    versions.propose(session, other, other_fac, 1)  # open, and only marketing joined there
    versions.propose(session, world.id, fac_of(world), 1)
    theirs = versions.current_proposal(session, other, other_fac)
    proposal_id = theirs.id if proposal == "another-workshops" else 10**6
    assert proposal_id != proposal_now(session, world).id
    other_before = snapshot(engine, other)
    for who in ("marketing", "room:marketing"):  # would make their version 1
        with pytest.raises(NotFound, match="not part of this workshop"):
            answer(session, world, proposal_id, who, True)
        session.rollback()
    assert snapshot(engine, other) == other_before
    assert versions.current_proposal(session, other, other_fac).answers == {}


@pytest.mark.parametrize(("joined", "order"), [
    (("marketing",), ["marketing"]),
    (("sales",), ["sales"]),
    (("marketing", "sales"), ["marketing", "sales"]),
    (("marketing", "sales"), ["sales", "marketing"]),
])
def test_a_version_needs_every_team_that_joined(session, joined, order):
    workshop_id, tokens = workshop_with(session, joined)
    fac = tokens["facilitator"]
    versions.propose(session, workshop_id, fac, 1)
    proposal = versions.current_proposal(session, workshop_id, fac)
    assert proposal.teams == joined
    for role in {"marketing", "sales"} - set(joined):  # a team that is not here cannot sign
        with pytest.raises(AccessDenied, match="has not joined"):
            versions.sign_in_room(session, workshop_id, fac, proposal.id, role=role,
                                  name="Ghost", agrees=True)
    for index, role in enumerate(order):
        last = index == len(order) - 1
        assert versions.versions(session, workshop_id, fac) == []
        assert versions.sign(session, workshop_id, tokens[role], proposal.id, agrees=True) == \
            (1 if last else None)
    [signed] = versions.versions(session, workshop_id, fac)
    assert [s[0] for s in signatories(signed)] == sorted(joined)


def test_a_version_carries_the_proposal_signatories_and_figures(engine, session):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    versions.propose(session, world.id, fac, 1, figures=AT_SIGNOFF, source="march.csv")
    proposal_id = proposal_now(session, world).id
    versions.sign_in_room(session, world.id, fac, proposal_id, role="marketing", name="Priya",
                          agrees=True)
    versions.sign(session, world.id, world.tokens["sales"], proposal_id, agrees=True)
    for reader in MEMBERS:
        [info] = versions.versions(session, world.id, world.tokens[reader])
        assert (info.number, info.definition, info.figures, info.reopened_at) == (
            1, SHARED_DRAFT, AT_SIGNOFF, None)
        assert signatories(info) == [("marketing", "Marketing", "Priya", True),
                                     ("sales", "Sales", "Marcus", False)]
        assert all(s["at"] for s in info.signatories)
        [kept] = versions.measurements(session, world.id, world.tokens[reader])
        assert (kept.version_number, kept.source, kept.sha256, kept.at_signoff, kept.figures) \
            == (1, "march.csv", "", True, AT_SIGNOFF)
    [row] = snapshot(engine, world.id)[VERSIONS]
    assert row["proposal_id"] == proposal_id


def test_a_version_proposed_without_figures_has_none(session):
    world = build_world(session, revealed=True)
    versions.propose(session, world.id, fac_of(world), 1)
    proposal_id = proposal_now(session, world).id
    for role in ("marketing", "sales"):
        versions.sign(session, world.id, world.tokens[role], proposal_id, agrees=True)
    assert versions.versions(session, world.id, fac_of(world))[0].figures is None
    assert versions.measurements(session, world.id, fac_of(world)) == []


def sign_both(session, world: World, revision: int, **propose_kwargs) -> int:
    fac = fac_of(world)
    number = versions.propose(session, world.id, fac, revision, **propose_kwargs)
    proposal_id = proposal_now(session, world).id
    assert versions.sign(session, world.id, world.tokens["marketing"], proposal_id,
                         agrees=True) is None
    assert versions.sign(session, world.id, world.tokens["sales"], proposal_id,
                         agrees=True) == number
    return number


def test_two_members_of_one_team_signing_at_the_same_moment(engine, session):
    world = world_with_lena(session)
    versions.propose(session, world.id, fac_of(world), world.shared_revision)
    proposal_id = proposal_now(session, world).id
    who = ("marketing", "lena")
    outcomes = race(engine, 2, lambda s, i: versions.sign(
        s, world.id, world.tokens[who[i]], proposal_id, agrees=True))
    assert all(o is None or isinstance(o, StaleEdit) for o in outcomes), outcomes
    assert None in outcomes
    answers = snapshot(engine, world.id)[SIGN_OFFS]
    assert [a["role"] for a in answers] == ["marketing"]
    assert versions.sign(session, world.id, world.tokens["sales"], proposal_id,
                         agrees=True) == 1


def test_both_teams_signing_at_the_same_moment_make_one_version(engine, session, monkeypatch,
                                                                request, database_url):
    """The two last answers arrive together. SQLite serialises the two writes; PostgreSQL lets
    both be written before either is committed, which is where the version must not be lost."""
    world = build_world(session, revealed=True)
    versions.propose(session, world.id, fac_of(world), 1)
    proposal_id = proposal_now(session, world).id
    barrier, reached = threading.Barrier(2), []
    state_of = versions._proposal_state

    def both_answers_written(s, row):  # each waits (briefly) until the other wrote its answer
        reached.append(row.id)
        try:
            barrier.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # the other is held up by a lock: the writes are serialised, which is fine
        return state_of(s, row)

    monkeypatch.setattr(versions, "_proposal_state", both_answers_written)
    teams = ("marketing", "sales")
    outcomes = race(engine, 2, lambda s, i: versions.sign(s, world.id, world.tokens[teams[i]],
                                                          proposal_id, agrees=True))
    monkeypatch.undo()
    if len(reached) < 2:
        pytest.fail("the interleaving hook was not reached; rewrite this test")
    assert sorted(outcomes, key=repr) == [1, None], outcomes
    assert [v.number for v in versions.versions(session, world.id, fac_of(world))] == [1]
    assert proposal_now(session, world) is None


@pytest.mark.parametrize("attempt", range(6))
def test_an_edit_racing_the_last_signature_never_changes_a_signed_definition(
        engine, session, attempt):
    """The last team signs while the facilitator saves an edit, truly at once (threads, each
    with its own connection). Whichever wins, a signed version is what the shared definition
    says, and the edit either landed before (then there is no version) or was refused."""
    world = build_world(session, revealed=True)
    versions.propose(session, world.id, fac_of(world), 1)
    proposal_id = proposal_now(session, world).id
    versions.sign(session, world.id, world.tokens["marketing"], proposal_id, agrees=True)
    late = definition(f"late edit {attempt}")
    outcomes = race(engine, 2, lambda s, i: versions.sign(
        s, world.id, world.tokens["sales"], proposal_id, agrees=True) if i == 0 else
        store.save_shared(s, world.id, fac_of(world), late, 1))
    signed, saved = outcomes
    state = store.shared_state(session, world.id, fac_of(world))
    made = versions.versions(session, world.id, fac_of(world))
    if signed == 1:  # the signature won: the edit was refused
        assert isinstance(saved, (Locked, StaleEdit)), outcomes
        assert [v.number for v in made] == [1] and state.signed_version == 1
        assert state.definition == made[0].definition == SHARED_DRAFT
    else:  # the edit won: it withdrew the proposal, and the signature was refused
        assert saved == 2 and isinstance(signed, StaleEdit), outcomes
        assert made == [] and state.definition == late and state.signed_version is None


# --- signed versions are immutable; reopening drafts the next ---------------------------------

def test_a_signed_version_locks_the_shared_definition_until_reopened(engine, session):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    with pytest.raises(ValueError, match="Nothing is signed yet"):
        versions.reopen(session, world.id, fac)
    assert sign_both(session, world, 1) == 1
    signed_row = snapshot(engine, world.id)[VERSIONS][0]
    before = snapshot(engine, world.id)
    refusals = [
        lambda: store.save_shared(session, world.id, fac, SECOND, 1),
        lambda: versions.propose(session, world.id, fac, 1),
        lambda: versions.undo_last(session, world.id, fac, 1),
        lambda: versions.go_back_to(session, world.id, fac, 0, 1),
    ]
    for refused in refusals:
        with pytest.raises(Locked, match="Version 1"):
            refused()
        session.rollback()
    assert snapshot(engine, world.id) == before
    assert store.shared_state(session, world.id, world.tokens["sales"]).signed_version == 1
    assert versions.reopen(session, world.id, fac) == 2
    with pytest.raises(StaleEdit, match="already reopened"):
        versions.reopen(session, world.id, fac)
    assert store.shared_state(session, world.id, fac).signed_version is None
    assert store.save_shared(session, world.id, fac, SECOND, 1) == 2
    assert versions.undo_last(session, world.id, fac, 2) == 3
    assert versions.go_back_to(session, world.id, fac, 2, 3) == 4
    assert sign_both(session, world, 4) == 2
    assert store.shared_state(session, world.id, fac).signed_version == 2
    assert versions.reopen(session, world.id, fac) == 3
    assert store.save_shared(session, world.id, fac, THIRD, 4) == 5
    # The stored rows of the signed versions never changed, bar reopening.
    rows = snapshot(engine, world.id)[VERSIONS]
    assert {**rows[0], "reopened_at": None} == signed_row
    assert rows[0]["reopened_at"] is not None and rows[1]["reopened_at"] is not None
    assert [(v.number, v.definition) for v in versions.versions(session, world.id, fac)] == [
        (1, FIRST), (2, SECOND)]
    assert store.shared_state(session, world.id, fac).definition == THIRD


def test_proposal_numbers_follow_the_latest_version(engine, session):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    assert versions.propose(session, world.id, fac, 1) == 1
    assert versions.propose(session, world.id, fac, 1) == 1  # proposed again: still 1
    assert sign_both(session, world, 1) == 1
    assert versions.reopen(session, world.id, fac) == 2
    assert versions.propose(session, world.id, fac, 1) == 2  # unchanged, but a new version
    revision = store.save_shared(session, world.id, fac, SECOND, 1)
    assert sign_both(session, world, revision) == 2
    versions.reopen(session, world.id, fac)
    assert versions.propose(session, world.id, fac, revision) == 3
    assert [(p["number"], p["status"]) for p in snapshot(engine, world.id)[PROPOSALS]] == [
        (1, "withdrawn"), (1, "withdrawn"), (1, "signed"),  # sign_both proposes once more
        (2, "withdrawn"), (2, "signed"), (3, "open")]


def demo_workshop(session) -> tuple[str, dict[str, str]]:
    """The demo company's three drafts, written through the store and revealed."""
    workshop, fac = store.create_workshop(session, company=demo.COMPANY, title=demo.TITLE,
                                          facilitator_name="Dana")
    tokens = {"facilitator": fac,
              "marketing": store.start_turn(session, workshop.id, fac, role="marketing",
                                            name="Priya"),
              "sales": store.start_turn(session, workshop.id, fac, role="sales", name="Marcus")}
    drafts = {"facilitator": demo.facilitator_draft(), "marketing": demo.marketing_draft(),
              "sales": demo.sales_draft()}
    for role, draft in drafts.items():
        store.save_draft(session, workshop.id, tokens[role], draft, 0)
    store.reveal(session, workshop.id, fac)
    return workshop.id, tokens


def test_the_whole_walk_from_the_reveal_to_version_two(engine, session):
    workshop_id, tokens = demo_workshop(session)
    fac = tokens["facilitator"]
    drafts = store.revealed_drafts(session, workshop_id, tokens["sales"])
    assert drafts == {"Facilitator": demo.facilitator_draft(),
                      "Marketing": demo.marketing_draft(), "Sales": demo.sales_draft()}
    suggested, _ = merge.suggest(compare.compare(drafts))
    questions = merge.changed_questions(Definition(), suggested)
    revision = store.save_shared(session, workshop_id, fac, suggested, 0,
                                 summary="Suggested merge", questions=questions)
    seniority = merge.take(suggested, "seniority", drafts["Facilitator"])  # was left open
    revision = store.save_shared(session, workshop_id, fac, seniority, revision,
                                 summary="Took Facilitator's seniority",
                                 questions=merge.changed_questions(suggested, seniority))
    agreed = merge.take(seniority, "budget", drafts["Sales"])  # $25k instead of $10k
    revision = store.save_shared(session, workshop_id, fac, agreed, revision,
                                 summary="Took Sales' budget",
                                 questions=merge.changed_questions(seniority, agreed))
    assert revision == 3
    figures = measure(load_sample_leads(), agreed)
    assert versions.propose(session, workshop_id, fac, revision, figures=figures,
                            source="sample leads") == 1
    proposal = versions.current_proposal(session, workshop_id, tokens["marketing"])
    assert (proposal.definition, proposal.figures) == (agreed, figures)
    assert versions.sign(session, workshop_id, tokens["marketing"], proposal.id,
                         agrees=True) is None
    assert versions.sign(session, workshop_id, tokens["sales"], proposal.id, agrees=True) == 1
    version_one_row = snapshot(engine, workshop_id)[VERSIONS][0]

    assert versions.reopen(session, workshop_id, fac) == 2
    wider = merge.take(agreed, "industry", drafts["Marketing"])
    assert merge.changed_questions(agreed, wider) == ["industry"]
    revision = store.save_shared(session, workshop_id, fac, wider, revision,
                                 summary="Marketing's industries", questions=["industry"])
    assert versions.propose(session, workshop_id, fac, revision) == 2
    proposal = versions.current_proposal(session, workshop_id, fac)
    versions.sign_in_room(session, workshop_id, fac, proposal.id, role="sales", name="Marcus",
                          agrees=True)
    assert versions.sign(session, workshop_id, tokens["marketing"], proposal.id,
                         agrees=True) == 2

    one, two = versions.versions(session, workshop_id, tokens["sales"])
    assert (one.number, one.definition, one.figures) == (1, agreed, figures)
    assert (two.number, two.definition, two.figures) == (2, wider, None)
    assert {**snapshot(engine, workshop_id)[VERSIONS][0], "reopened_at": None} == \
        {**version_one_row, "reopened_at": None}
    log = versions.changes(session, workshop_id, tokens["marketing"])
    assert [(c.revision, c.summary, c.questions) for c in log] == [
        (1, "Suggested merge", tuple(questions)),
        (2, "Took Facilitator's seniority", ("seniority",)),
        (3, "Took Sales' budget", ("budget",)),
        (4, "Marketing's industries", ("industry",))]

    diff = compare.compare({"Version 1": one.definition, "Version 2": two.definition})
    statuses = {row.question.key: row.status for row in diff.rows}
    answered = {"industry", "job_role", "seniority", "decision", "budget", "path", "size",
                "engagement", "disqualifiers"}
    # Industry: the common ground (Software, Financial Services) against Marketing's eight
    # industries: 2 of 8 in common, 0.25 — partly.
    assert statuses == {q.key: (compare.PARTLY if q.key == "industry" else compare.AGREE
                                if q.key in answered else compare.UNANSWERED)
                        for q in catalog.QUESTIONS}


# --- measurements --------------------------------------------------------------------------------

def test_measurements_oldest_first(session):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    sign_both(session, world, 1, figures=AT_SIGNOFF, source="at signing.csv")
    first = versions.record_measurement(session, world.id, fac, version_number=1,
                                        figures=LATER, source="april.csv", sha256="a" * 64)
    versions.reopen(session, world.id, fac)
    revision = store.save_shared(session, world.id, fac, SECOND, 1)
    sign_both(session, world, revision, figures=LATEST, source="v2.csv")
    second = versions.record_measurement(session, world.id, fac, version_number=1,
                                         figures=LATEST, source="x" * 400, sha256="b" * 70)
    third = versions.record_measurement(session, world.id, fac, version_number=2,
                                        figures=LATER)
    assert first < second < third
    for reader in MEMBERS:
        kept = versions.measurements(session, world.id, world.tokens[reader])
        assert [(m.version_number, m.at_signoff, m.source, m.sha256, m.figures)
                for m in kept] == [
            (1, True, "at signing.csv", "", AT_SIGNOFF),
            (1, False, "april.csv", "a" * 64, LATER),
            (2, True, "v2.csv", "", LATEST),
            (1, False, "x" * 300, "b" * 64, LATEST),
            (2, False, "", "", LATER)]
        assert [m.measured_at for m in kept] == sorted(m.measured_at for m in kept)
        assert kept[1].id == first
    # The figures at sign-off stay with their version, whatever is measured later.
    assert [v.figures for v in versions.versions(session, world.id, fac)] == [AT_SIGNOFF,
                                                                               LATEST]


@pytest.mark.parametrize(("number", "kind", "error"), [
    (2, "facilitator", NotFound),  # only version 1 exists
    (0, "facilitator", NotFound),
    (-1, "facilitator", NotFound),
    (1, "marketing", AccessDenied),
    (1, "sales", AccessDenied),
    (1, "other_facilitator", AccessDenied),
])
def test_record_measurement_refusals(engine, session, number, kind, error):
    world = build_world(session, revealed=True)
    sign_both(session, world, 1)
    before = snapshot(engine, world.id)
    with pytest.raises(error):
        versions.record_measurement(session, world.id, world.tokens[kind],
                                    version_number=number, figures=LATER)
    session.rollback()
    assert snapshot(engine, world.id) == before


def test_a_version_of_another_workshop_cannot_be_measured_here(session):
    world = build_world(session, revealed=True)
    give_history(session, world)  # the other workshop has a version 1, this one has none
    with pytest.raises(NotFound, match="no version 1"):
        versions.record_measurement(session, world.id, fac_of(world), version_number=1,
                                    figures=LATER)


# --- the access-control table ------------------------------------------------------------------

@dataclass
class Scene:
    """A workshop in one phase of agreeing: the world, the proposal a signer would answer and
    the shared definition's current revision."""

    world: World
    proposal_id: int
    revision: int


NOTE = "Is retail in?"
NEXT_DRAFT = definition("version 2 draft")
NO_PROPOSAL = 10**6  # before the reveal nothing was ever proposed


def build_scene(session, phase: str) -> Scene:
    """before:   never revealed, nothing built.
    signed:   revealed; discussion on industry; version 1 signed (figures kept), measured again.
    drafting: signed, then version 1 reopened, one change, version 2 proposed, marketing signed.
    hidden:   drafting, then the facilitator reopened the drafts (no longer revealed)."""
    if phase == "before":
        return Scene(build_world(session, revealed=False), NO_PROPOSAL, 0)
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    versions.set_discussion(session, world.id, fac, "industry", open=True, note=NOTE)
    versions.propose(session, world.id, fac, 1, figures=AT_SIGNOFF, source="leads.csv")
    first = proposal_now(session, world).id
    versions.sign(session, world.id, world.tokens["marketing"], first, agrees=True)
    versions.sign(session, world.id, world.tokens["sales"], first, agrees=True)
    versions.record_measurement(session, world.id, fac, version_number=1, figures=LATER,
                                source="april.csv")
    if phase == "signed":
        return Scene(world, first, 1)
    versions.reopen(session, world.id, fac)
    revision = store.save_shared(session, world.id, fac, NEXT_DRAFT, 1,
                                 summary="Drafting version 2", questions=["pain"])
    versions.propose(session, world.id, fac, revision)
    second = proposal_now(session, world).id
    versions.sign(session, world.id, world.tokens["marketing"], second, agrees=True)
    if phase == "hidden":
        store.reopen_drafts(session, world.id, fac)
    return Scene(world, second, revision)


OPERATIONS = {
    "changes": lambda s, sc, t: versions.changes(s, sc.world.id, t),
    "go_back_to": lambda s, sc, t: versions.go_back_to(s, sc.world.id, t, min(sc.revision, 1),
                                                       sc.revision),
    "undo_last": lambda s, sc, t: versions.undo_last(s, sc.world.id, t, sc.revision),
    "discussion": lambda s, sc, t: versions.discussion(s, sc.world.id, t),
    "set_discussion": lambda s, sc, t: versions.set_discussion(
        s, sc.world.id, t, "pain", open=True, note="Which pain first?"),
    "propose": lambda s, sc, t: versions.propose(s, sc.world.id, t, sc.revision,
                                                 figures=LATEST, source="now.csv"),
    "current_proposal": lambda s, sc, t: versions.current_proposal(s, sc.world.id, t),
    "sign": lambda s, sc, t: versions.sign(s, sc.world.id, t, sc.proposal_id, agrees=True),
    "sign_in_room": lambda s, sc, t: versions.sign_in_room(
        s, sc.world.id, t, sc.proposal_id, role="sales", name="Marcus", agrees=True),
    "versions": lambda s, sc, t: versions.versions(s, sc.world.id, t),
    "reopen": lambda s, sc, t: versions.reopen(s, sc.world.id, t),
    "record_measurement": lambda s, sc, t: versions.record_measurement(
        s, sc.world.id, t, version_number=1, figures=LATEST, source="may.csv",
        sha256="c" * 64),
    "measurements": lambda s, sc, t: versions.measurements(s, sc.world.id, t),
}
READS = {"changes", "discussion", "current_proposal", "versions", "measurements"}
L = Locked

# Outcome per member token; outsiders (another workshop's facilitator or author, an empty key,
# no key, a random key) are refused with AccessDenied for every call in every phase.
#                       facilitator  marketing  sales
ACCESS = {
    "before": {  # nobody but the facilitator sees anything; nothing can be built yet
        "changes":            (OK,  L,   L),
        "go_back_to":         (L,   AD,  AD),
        "undo_last":          (VE,  AD,  AD),  # nothing to undo
        "discussion":         (OK,  L,   L),
        "set_discussion":     (L,   AD,  AD),
        "propose":            (L,   AD,  AD),
        "current_proposal":   (OK,  L,   L),
        "sign":               (AD,  L,   L),
        "sign_in_room":       (L,   AD,  AD),
        "versions":           (OK,  L,   L),
        "reopen":             (VE,  AD,  AD),  # nothing signed
        "record_measurement": (NF,  AD,  AD),  # no version 1
        "measurements":       (OK,  L,   L),
    },
    "signed": {  # version 1 signed and not reopened: read everything, change nothing
        "changes":            (OK,  OK,  OK),
        "go_back_to":         (L,   AD,  AD),
        "undo_last":          (L,   AD,  AD),
        "discussion":         (OK,  OK,  OK),
        "set_discussion":     (OK,  AD,  AD),
        "propose":            (L,   AD,  AD),
        "current_proposal":   (OK,  OK,  OK),
        "sign":               (AD,  SE,  SE),  # the proposal is signed already
        "sign_in_room":       (SE,  AD,  AD),
        "versions":           (OK,  OK,  OK),
        "reopen":             (OK,  AD,  AD),
        "record_measurement": (OK,  AD,  AD),
        "measurements":       (OK,  OK,  OK),
    },
    "drafting": {  # version 2 proposed, marketing signed, sales not yet
        "changes":            (OK,  OK,  OK),
        "go_back_to":         (OK,  AD,  AD),
        "undo_last":          (OK,  AD,  AD),
        "discussion":         (OK,  OK,  OK),
        "set_discussion":     (OK,  AD,  AD),
        "propose":            (OK,  AD,  AD),
        "current_proposal":   (OK,  OK,  OK),
        "sign":               (AD,  OK,  OK),
        "sign_in_room":       (OK,  AD,  AD),
        "versions":           (OK,  OK,  OK),
        "reopen":             (SE,  AD,  AD),  # version 1 is reopened already
        "record_measurement": (OK,  AD,  AD),
        "measurements":       (OK,  OK,  OK),
    },
    "hidden": {  # the drafts were reopened: everything shared is hidden again
        "changes":            (OK,  L,   L),
        "go_back_to":         (L,   AD,  AD),
        "undo_last":          (L,   AD,  AD),
        "discussion":         (OK,  L,   L),
        "set_discussion":     (L,   AD,  AD),
        "propose":            (L,   AD,  AD),
        "current_proposal":   (OK,  L,   L),
        "sign":               (AD,  L,   L),
        "sign_in_room":       (L,   AD,  AD),
        "versions":           (OK,  L,   L),
        "reopen":             (SE,  AD,  AD),
        "record_measurement": (OK,  AD,  AD),
        "measurements":       (OK,  L,   L),
    },
}
assert all(set(table) == set(OPERATIONS) for table in ACCESS.values())

MEMBER_CASES = [
    pytest.param(phase, op, kind, outcome, id=f"{phase}-{op}-{kind}")
    for phase, table in ACCESS.items()
    for op, outcomes in table.items()
    for kind, outcome in zip(MEMBERS, outcomes, strict=True)
]


@pytest.mark.parametrize(("phase", "op", "kind", "outcome"), MEMBER_CASES)
def test_access_table(engine, session, phase, op, kind, outcome):
    scene = build_scene(session, phase)
    world = scene.world
    before, other_before = snapshot(engine, world.id), snapshot(engine, world.other_id)
    call = OPERATIONS[op]
    if outcome == OK:
        result = call(session, scene, world.tokens[kind])
        _check_allowed(engine, session, scene, phase, op, kind, result, before)
        if op in READS:
            assert snapshot(engine, world.id) == before, f"{op} is a read but changed data"
    else:
        with pytest.raises(outcome) as refused:
            call(session, scene, world.tokens[kind])
        assert str(refused.value), "a refusal says why"
        session.rollback()
        assert snapshot(engine, world.id) == before, f"refused {op} changed data"
    assert snapshot(engine, world.other_id) == other_before


@pytest.mark.parametrize("op", list(OPERATIONS))
@pytest.mark.parametrize("phase", list(ACCESS))
def test_outsiders_get_nothing(engine, session, phase, op):
    scene = build_scene(session, phase)
    world = scene.world
    before, other_before = snapshot(engine, world.id), snapshot(engine, world.other_id)
    for kind in OUTSIDERS:
        with pytest.raises(AccessDenied) as refused:
            OPERATIONS[op](session, scene, world.tokens[kind])
        assert str(refused.value), "a refusal says why"
        session.rollback()
    assert snapshot(engine, world.id) == before
    assert snapshot(engine, world.other_id) == other_before


def _check_allowed(engine, session, scene: Scene, phase: str, op: str, kind: str, result,
                   before: tuple) -> None:
    """What an allowed call returned and did, read back through a fresh session."""
    world, fac = scene.world, fac_of(scene.world)
    started = phase != "before"
    drafting = phase in ("drafting", "hidden")
    after = snapshot(engine, world.id)
    if op == "changes":
        expected = [(1, "Edited", SHARED_DRAFT)] if started else []
        if drafting:
            expected.append((2, "Drafting version 2", NEXT_DRAFT))
        assert [(c.revision, c.summary, c.definition) for c in result] == expected
        assert {c.by for c in result} <= {"Dana"}
    elif op == "discussion":
        assert {q: (p.open, p.note) for q, p in result.items()} == (
            {"industry": (True, NOTE)} if started else {})
    elif op == "current_proposal":
        if not drafting:
            assert result is None
        else:
            assert (result.number, result.definition, result.status) == (2, NEXT_DRAFT, "open")
            assert {r: (a.name, a.agrees) for r, a in result.answers.items()} == {
                "marketing": ("Priya", True)}
            assert result.waiting_for == ["sales"]
    elif op == "versions":
        assert [(v.number, v.definition, v.figures, v.reopened_at is not None)
                for v in result] == ([(1, SHARED_DRAFT, AT_SIGNOFF, drafting)] if started else [])
        if started:
            assert signatories(result[0]) == [("marketing", "Marketing", "Priya", False),
                                              ("sales", "Sales", "Marcus", False)]
    elif op == "measurements":
        assert [(m.version_number, m.at_signoff, m.source, m.figures) for m in result] == (
            [(1, True, "leads.csv", AT_SIGNOFF), (1, False, "april.csv", LATER)]
            if started else [])
    elif op in ("go_back_to", "undo_last"):  # both back to revision 1 (drafting only)
        assert result == 3
        assert after[SHARED][:2] == (SHARED_DRAFT.to_json(), 3)
        assert after[CHANGES][-1]["summary"] == (
            "Went back to change 1 (Edited)" if op == "go_back_to"
            else "Undid “Drafting version 2”: back to change 1")
        assert [p["status"] for p in after[PROPOSALS]] == ["signed", "withdrawn"]
    elif op == "set_discussion":
        assert result == 1  # the note's first revision
        with make_session(engine) as s:
            points = versions.discussion(s, world.id, fac)
        assert {q: (p.open, p.note) for q, p in points.items()} == {
            "industry": (True, NOTE), "pain": (True, "Which pain first?")}
    elif op == "propose":
        assert result == 2
        assert [(p["number"], p["status"]) for p in after[PROPOSALS]] == [
            (1, "signed"), (2, "withdrawn"), (2, "open")]
        with make_session(engine) as s:
            proposal = versions.current_proposal(s, world.id, fac)
        assert (proposal.answers, proposal.figures, proposal.source) == ({}, LATEST, "now.csv")
    elif op in ("sign", "sign_in_room"):
        makes_version = kind == "sales" or op == "sign_in_room"
        assert result == (2 if makes_version else None)
        with make_session(engine) as s:
            signed = versions.versions(s, world.id, fac)
        assert [v.number for v in signed] == ([1, 2] if makes_version else [1])
        if makes_version:
            assert signed[1].definition == NEXT_DRAFT
            assert signatories(signed[1]) == [("marketing", "Marketing", "Priya", False),
                                              ("sales", "Sales", "Marcus", op == "sign_in_room")]
        else:  # signing again changes the answer's time, nothing else
            assert after[SIGN_OFFS][-1]["agrees"] is True
            assert after[:SIGN_OFFS] == before[:SIGN_OFFS]
    elif op == "reopen":
        assert result == 2
        assert after[VERSIONS][0]["reopened_at"] is not None
        assert {**after[VERSIONS][0], "reopened_at": None} == before[VERSIONS][0]
        with make_session(engine) as s:
            assert store.shared_state(s, world.id, fac).signed_version is None
    elif op == "record_measurement":
        assert isinstance(result, int)
        assert [(m["version_number"], m["source"], m["sha256"], m["at_signoff"])
                for m in after[MEASUREMENTS]] == [
            (1, "leads.csv", "", True), (1, "april.csv", "", False),
            (1, "may.csv", "c" * 64, False)]
        assert after[MEASUREMENTS][-1]["id"] == result
    else:
        raise AssertionError(f"no check for {op}")


# --- deleting a workshop takes its history with it -------------------------------------------

def test_delete_workshop_removes_its_history_and_leaves_others(engine, session):
    scene = build_scene(session, "drafting")
    world = scene.world
    versions.set_discussion(session, world.id, fac_of(world), "budget", open=False, note="ok")
    give_history(session, world)
    before = snapshot(engine, world.id)
    assert all(before[table] for table in (CHANGES, DISCUSSION, PROPOSALS, VERSIONS,
                                           MEASUREMENTS, SIGN_OFFS)), "something to delete"
    other_before = snapshot(engine, world.other_id)
    theirs = len(other_before[SIGN_OFFS])
    assert theirs == 1
    versions.propose(session, world.id, fac_of(world), before[SHARED][1])
    versions.save_objection_draft(session, world.id, world.tokens["sales"],
                                  proposal_now(session, world).id, "typed, never sent", 0)
    store.delete_workshop(session, world.id, fac_of(world))
    assert snapshot(engine, world.id) is None  # checks every table, bar sign-offs
    with make_session(engine) as s:  # no sign-off is left without its proposal
        assert s.exec(select(func.count()).select_from(SignOff)).one() == theirs
        assert s.exec(select(func.count()).select_from(ObjectionDraft)).one() == 0
    assert snapshot(engine, world.other_id) == other_before
    assert [s.id for s in store.list_workshops(session)] == [world.other_id]
    with pytest.raises(NotFound):
        versions.versions(session, world.id, fac_of(world))


# --- decision notes are signed with the version; reasons to object are kept as typed ---------

def test_a_version_keeps_the_decision_notes_it_was_proposed_with(session):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    versions.set_discussion(session, world.id, fac, "budget", open=False, note="$10k, 6 months")
    versions.set_discussion(session, world.id, fac, "pain", open=True, note="   ")  # no note
    versions.propose(session, world.id, fac, 1)
    proposal = proposal_now(session, world)
    assert proposal.decisions == {"budget": "$10k, 6 months"}
    # A note changed while the teams sign is not what they sign.
    versions.set_discussion(session, world.id, fac, "budget", open=False, note="changed",
                            expected_revision=1)
    assert proposal_now(session, world).decisions == {"budget": "$10k, 6 months"}
    for role in ("marketing", "sales"):
        versions.sign(session, world.id, world.tokens[role], proposal.id, agrees=True)
    [signed] = versions.versions(session, world.id, fac)
    assert signed.decisions == {"budget": "$10k, 6 months"}
    versions.reopen(session, world.id, fac)
    versions.set_discussion(session, world.id, fac, "budget", open=False, note="later",
                            expected_revision=2)
    assert versions.versions(session, world.id, fac)[0].decisions == {"budget": "$10k, 6 months"}


def test_proposing_again_takes_the_notes_as_they_are_now(session):
    world = build_world(session, revealed=True)
    fac = fac_of(world)
    versions.propose(session, world.id, fac, 1)
    assert proposal_now(session, world).decisions == {}
    versions.set_discussion(session, world.id, fac, "industry", open=False, note="This quarter")
    versions.propose(session, world.id, fac, 1)
    assert proposal_now(session, world).decisions == {"industry": "This quarter"}


@pytest.mark.parametrize("stored", ["not json", "[1, 2]", '{"budget": 3, "nonsense": "x"}',
                                    '{"budget": "kept", "pain": ""}'])
def test_damaged_kept_notes_read_as_the_notes_that_make_sense(stored):
    expected = {"budget": "kept"} if "kept" in stored else {}
    assert versions.kept_notes(stored) == expected


def test_a_reason_to_object_is_kept_as_typed_for_its_author_only(session):
    world = build_world(session, revealed=True)
    fac, marketing, sales = fac_of(world), world.tokens["marketing"], world.tokens["sales"]
    versions.propose(session, world.id, fac, 1)
    proposal = proposal_now(session, world).id
    assert versions.objection_draft(session, world.id, marketing, proposal) == ("", 0)
    assert versions.save_objection_draft(session, world.id, marketing, proposal,
                                         "  Retail is too broad ", 0) == 1
    assert versions.objection_draft(session, world.id, marketing, proposal) == (
        "Retail is too broad", 1)
    assert versions.objection_draft(session, world.id, sales, proposal) == ("", 0)
    # typed, not sent: nobody sees an objection
    assert proposal_now(session, world).answers == {}
    with pytest.raises(StaleEdit, match="another screen"):  # a second device, behind
        versions.save_objection_draft(session, world.id, marketing, proposal, "old", 0)
    assert versions.save_objection_draft(session, world.id, marketing, proposal, "", 1) == 2
    assert versions.objection_draft(session, world.id, marketing, proposal) == ("", 2)


@pytest.mark.parametrize(("who", "proposal", "text", "error"), [
    ("facilitator", "this", "x", AccessDenied),
    ("other_author", "this", "x", AccessDenied),  # another workshop's member
    ("random", "this", "x", AccessDenied),
    ("marketing", "theirs", "x", NotFound),
    ("marketing", "none", "x", NotFound),
    ("marketing", "this", "x" * (versions.MAX_NOTE + 1), ValueError),
])
def test_objection_draft_refusals_change_nothing(engine, session, who, proposal, text, error):
    world = build_world(session, revealed=True)
    give_history(session, world)
    versions.propose(session, world.id, fac_of(world), 1)
    ids = {"this": proposal_now(session, world).id, "none": 10_000}
    with make_session(engine) as s:
        ids["theirs"] = s.exec(select(Proposal.id).where(
            Proposal.workshop_id == world.other_id)).one()
    with pytest.raises(error):
        versions.save_objection_draft(session, world.id, world.tokens[who], ids[proposal],
                                      text, 0)
    if error is not ValueError:
        with pytest.raises(error):
            versions.objection_draft(session, world.id, world.tokens[who], ids[proposal])
    with make_session(engine) as s:
        assert s.exec(select(func.count()).select_from(ObjectionDraft)).one() == 0
