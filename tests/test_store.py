"""workshop.store against a real database, on SQLite and on PostgreSQL (see conftest.py).

The access rules are tested as a table: every kind of token × every read and write, before and
after the reveal, with the outcome each must have. A refused call must also change nothing.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields

import pytest
from sqlmodel import select

from workshop import demo, store, versions
from workshop.db import session as make_session
from workshop.definition import Action, Criterion, Definition
from workshop.measure import Figures
from workshop.models import (
    DiscussionPoint,
    Draft,
    Invite,
    Measurement,
    Participant,
    Proposal,
    SharedChange,
    SharedDefinition,
    SignOff,
    Version,
    Workshop,
)
from workshop.store import AccessDenied, Locked, NotFound, StaleEdit

OK = "ok"


def definition(note: str, industries: tuple[str, ...] = ("Software",), points: int = 0,
               ) -> Definition:
    """A small, non-empty definition whose note makes it recognisable."""
    actions = [Action(field="demo_requested", points=points)] if points else []
    return Definition(criteria=[Criterion(field="industry", op="in", values=list(industries))],
                      actions=actions, threshold=points, notes={"pain": note})


FACILITATOR_DRAFT = definition("facilitator's secret view", ("Healthcare",))
MARKETING_DRAFT = definition("marketing's secret view", ("Retail", "Media"), points=10)
SALES_DRAFT = definition("sales' secret view", ("Financial Services",), points=30)
SHARED_DRAFT = definition("what we agreed", ("Software", "Healthcare"), points=20)
FIGURES = Figures(leads=600, months=3, qualified=90, sql=30, qualified_per_month=30.0,
                  sql_per_month=10.0)


@dataclass
class World:
    """A workshop with a facilitator and two authors who saved a draft each, and a second
    workshop whose tokens must count for nothing in the first."""

    id: str
    tokens: dict[str, str | None]
    revisions: dict[str, int] = field(default_factory=dict)
    shared_revision: int = 0
    other_id: str = ""


def build_world(session, *, revealed: bool) -> World:
    workshop, fac = store.create_workshop(session, company="Acme Ltd", title="Ideal lead",
                                          facilitator_name="Dana")
    mkt = store.start_turn(session, workshop.id, fac, role="marketing", name="Priya")
    sales = store.start_turn(session, workshop.id, fac, role="sales", name="Marcus")
    other, other_fac = store.create_workshop(session, company="Other Co", title="Theirs",
                                             facilitator_name="Olga")
    other_author = store.start_turn(session, other.id, other_fac, role="marketing",
                                    name="Priya")
    world = World(workshop.id, {
        "facilitator": fac, "marketing": mkt, "sales": sales,
        "other_facilitator": other_fac, "other_author": other_author,
        "empty": "", "none": None, "random": store.new_token(),
    }, other_id=other.id)
    for role, draft in (("facilitator", FACILITATOR_DRAFT), ("marketing", MARKETING_DRAFT),
                        ("sales", SALES_DRAFT)):
        world.revisions[role] = store.save_draft(session, workshop.id, world.tokens[role],
                                                 draft, 0)
    if revealed:
        for role in ("facilitator", "marketing", "sales"):
            store.set_done(session, workshop.id, world.tokens[role], True)
        store.reveal(session, workshop.id, fac)
        world.shared_revision = store.save_shared(session, workshop.id, fac, SHARED_DRAFT, 0)
    return world


# The tables of agreeing and coming back later (see workshop.versions), each with the column
# that orders its rows. Sign-offs belong to a workshop through their proposal.
AGREEMENT_TABLES = ((SharedChange, SharedChange.id), (DiscussionPoint, DiscussionPoint.question),
                    (Proposal, Proposal.id), (Version, Version.id), (Measurement, Measurement.id))


def snapshot(engine, workshop_id: str) -> tuple | None:
    """Everything stored about a workshop, read through a fresh session; None once deleted
    (and then nothing of it may be left in any table)."""
    with make_session(engine) as s:
        workshop = s.get(Workshop, workshop_id)
        invites = s.exec(select(Invite).where(Invite.workshop_id == workshop_id)
                         .order_by(Invite.role)).all()
        participants = s.exec(select(Participant).where(Participant.workshop_id == workshop_id)
                              .order_by(Participant.id)).all()
        drafts = s.exec(select(Draft).where(Draft.workshop_id == workshop_id)
                        .order_by(Draft.id)).all()
        shared = s.get(SharedDefinition, workshop_id)
        agreement = [[row.model_dump() for row in s.exec(
            select(table).where(table.workshop_id == workshop_id).order_by(order)).all()]
            for table, order in AGREEMENT_TABLES]
        proposal_ids = [row["id"] for row in agreement[2]]
        sign_offs = [row.model_dump() for row in s.exec(
            select(SignOff).where(SignOff.proposal_id.in_(proposal_ids))
            .order_by(SignOff.id)).all()] if proposal_ids else []
        if workshop is None:
            assert (invites, participants, drafts, shared) == ([], [], [], None), \
                "a deleted workshop left rows behind"
            assert agreement == [[]] * len(AGREEMENT_TABLES), \
                "a deleted workshop left its history behind"
            return None
        return (
            (workshop.company, workshop.title, workshop.facilitator_name,
             workshop.facilitator_token, workshop.is_demo, workshop.revealed_at,
             workshop.join_code, workshop.auto_reveal),
            [(i.secret, i.role) for i in invites],
            [(p.id, p.role, p.name, p.token) for p in participants],
            [(d.id, d.participant_id, d.definition_json, d.revision, d.done_at, d.updated_at)
             for d in drafts],
            (shared.definition_json, shared.revision, shared.decisions_json, shared.updated_at),
            *agreement,
            sign_offs,
        )


# --- workshops ---------------------------------------------------------------------------------

def test_create_list_and_get_workshops(session):
    assert store.list_workshops(session) == []
    first, first_token = store.create_workshop(session, company="  Acme \n Ltd ",
                                               title="Ideal lead", facilitator_name="Dana")
    second, second_token = store.create_workshop(session, company="Beta", title="Leads",
                                                 facilitator_name="Ben")
    assert first.company == "Acme Ltd"  # whitespace is collapsed
    assert first.id != second.id and first_token != second_token
    assert len(first_token) >= 40  # 256 random bits, URL-safe
    summaries = store.list_workshops(session)
    assert {s.id for s in summaries} == {first.id, second.id}
    summary = next(s for s in summaries if s.id == first.id)
    assert (summary.company, summary.title, summary.facilitator_name) == (
        "Acme Ltd", "Ideal lead", "Dana")
    assert (summary.revealed, summary.agreed, summary.is_demo) == (False, False, False)
    assert store.get_workshop(session, first.id).title == "Ideal lead"
    with pytest.raises(AccessDenied):  # only the demo is open to everyone from the home list
        store.demo_facilitator_token(session, first.id)
    assert store.authenticate(session, first.id, first_token).is_facilitator
    actor = store.authenticate(session, first.id, first_token)
    assert actor.is_facilitator and actor.name == "Dana"
    # The facilitator has a draft of their own and there is an (empty) shared definition.
    assert store.my_draft(session, first.id, first_token) == (Definition(), 0, False)
    state = store.shared_state(session, first.id, first_token)
    assert state.definition.is_empty() and state.revision == 0 and state.signed_version is None


@pytest.mark.parametrize("missing", ["", None, "nope", "demo"])
def test_get_missing_workshop_is_not_found(session, missing):
    with pytest.raises(NotFound, match="does not exist"):
        store.get_workshop(session, missing)


@pytest.mark.parametrize(("kwarg", "value", "message"), [
    ("company", "", "Please enter the company name."),
    ("company", "   \t ", "Please enter the company name."),
    ("company", None, "Please enter the company name."),
    ("title", "", "Please enter the workshop title."),
    ("facilitator_name", " ", "Please enter the facilitator's name."),
    ("company", "x" * 201, "The company name is too long (at most 200 characters)."),
    ("title", "y" * 201, "The workshop title is too long (at most 200 characters)."),
    ("facilitator_name", "z" * 500,
     "The facilitator's name is too long (at most 200 characters)."),
])
def test_create_workshop_validation(session, kwarg, value, message):
    values = {"company": "Acme", "title": "Ideal lead", "facilitator_name": "Dana",
              kwarg: value}
    with pytest.raises(ValueError) as error:
        store.create_workshop(session, **values)
    assert str(error.value) == message
    assert store.list_workshops(session) == []


def test_create_workshop_accepts_the_longest_names(session):
    workshop, token = store.create_workshop(session, company="é" * 200, title="t" * 200,
                                            facilitator_name="n" * 200)
    assert store.get_workshop(session, workshop.id).company == "é" * 200


def test_demo_seeding_is_idempotent_with_three_done_drafts(engine, session):
    assert demo.seed_demo(session) is True
    assert demo.seed_demo(session) is False
    with make_session(engine) as other:  # another browser session starting up
        assert demo.seed_demo(other) is False
    summaries = store.list_workshops(session)
    assert [(s.id, s.is_demo, s.revealed, s.agreed) for s in summaries] == [
        (demo.DEMO_ID, True, False, False)]
    token = store.demo_facilitator_token(session, demo.DEMO_ID)
    statuses = store.draft_statuses(session, demo.DEMO_ID, token)
    assert [(s.role, s.name, s.done, s.started) for s in statuses] == [
        ("facilitator", demo.FACILITATOR, True, True),
        ("marketing", demo.MARKETING, True, True),
        ("sales", demo.SALES, True, True)]
    assert all(s.answered > 0 for s in statuses)
    store.reveal(session, demo.DEMO_ID, token)
    assert store.revealed_drafts(session, demo.DEMO_ID, token) == {
        "Facilitator": demo.facilitator_draft(), "Marketing": demo.marketing_draft(),
        "Sales": demo.sales_draft()}


def test_demo_is_listed_first(session):
    store.create_workshop(session, company="Acme", title="Later", facilitator_name="Dana")
    demo.seed_demo(session)
    store.create_workshop(session, company="Beta", title="Latest", facilitator_name="Ben")
    assert store.list_workshops(session)[0].id == demo.DEMO_ID


# --- authentication ----------------------------------------------------------------------------

def test_authenticate(session):
    world = build_world(session, revealed=False)
    for role in ("facilitator", "marketing", "sales"):
        actor = store.authenticate(session, world.id, world.tokens[role])
        assert (actor.workshop_id, actor.role) == (world.id, role)
    assert store.authenticate(session, world.id, world.tokens["marketing"]).name == "Priya"
    with pytest.raises(AccessDenied, match="does not belong"):
        store.authenticate(session, world.id, world.tokens["random"])
    with pytest.raises(AccessDenied, match="does not belong"):  # valid, but elsewhere
        store.authenticate(session, world.id, world.tokens["other_facilitator"])
    with pytest.raises(AccessDenied, match="does not belong"):
        store.authenticate(session, world.other_id, world.tokens["marketing"])
    for missing in ("", None):
        with pytest.raises(AccessDenied, match="missing its key"):
            store.authenticate(session, world.id, missing)
    with pytest.raises(NotFound):
        store.authenticate(session, "no-such-ws", world.tokens["facilitator"])
    with pytest.raises(NotFound):
        store.authenticate(session, "", world.tokens["facilitator"])


# --- the access-control table ------------------------------------------------------------------

def _op_my_draft(s, w, token):
    return store.my_draft(s, w.id, token)


def _op_save_draft(s, w, token, kind):
    return store.save_draft(s, w.id, token, definition("an edit"), w.revisions.get(kind, 0))


def _op_set_done(s, w, token):
    return store.set_done(s, w.id, token, True)


def _op_draft_statuses(s, w, token):
    return store.draft_statuses(s, w.id, token)


def _op_reveal(s, w, token):
    return store.reveal(s, w.id, token)


def _op_revealed_drafts(s, w, token):
    return store.revealed_drafts(s, w.id, token)


def _op_shared_state(s, w, token):
    return store.shared_state(s, w.id, token)


def _op_save_shared(s, w, token):
    return store.save_shared(s, w.id, token, definition("a shared edit"), w.shared_revision)


def _op_start_turn(s, w, token):
    return store.start_turn(s, w.id, token, role="marketing", name="Newcomer")


def _op_invitations(s, w, token):
    return store.invitations(s, w.id, token)


def _op_reopen_drafts(s, w, token):
    return store.reopen_drafts(s, w.id, token)


def _op_set_auto_reveal(s, w, token):
    return store.set_auto_reveal(s, w.id, token, True)


def _op_delete_workshop(s, w, token):
    return store.delete_workshop(s, w.id, token)


def _op_demo_facilitator_token(s, w, token):
    """Takes no token: for a workshop that is not the demo it is refused, whoever asks."""
    return store.demo_facilitator_token(s, w.id)


OPERATIONS = {
    "my_draft": _op_my_draft, "save_draft": _op_save_draft, "set_done": _op_set_done,
    "draft_statuses": _op_draft_statuses, "reveal": _op_reveal,
    "revealed_drafts": _op_revealed_drafts, "shared_state": _op_shared_state,
    "save_shared": _op_save_shared, "start_turn": _op_start_turn, "invitations": _op_invitations,
    "reopen_drafts": _op_reopen_drafts, "set_auto_reveal": _op_set_auto_reveal,
    "delete_workshop": _op_delete_workshop, "demo_facilitator_token": _op_demo_facilitator_token,
}
WRITES = {"save_draft", "set_done", "reveal", "save_shared", "start_turn", "reopen_drafts",
          "set_auto_reveal", "delete_workshop"}
MEMBERS = ("facilitator", "marketing", "sales")
OUTSIDERS = ("other_facilitator", "other_author", "empty", "none", "random")
AD = AccessDenied

# Outcome per member token; every outsider token (another workshop's facilitator or author, an
# empty key, no key, a random key) is refused with AccessDenied for every call, in both phases.
#                       facilitator  marketing  sales
ACCESS = {
    "before": {
        "my_draft":         (OK,      OK,      OK),  # each reads their own draft only
        "save_draft":       (OK,      OK,      OK),
        "set_done":         (OK,      OK,      OK),
        "draft_statuses":   (OK,      OK,      OK),  # progress, never content
        "reveal":           (OK,      AD,      AD),
        "revealed_drafts":  (Locked,  Locked,  Locked),  # not even the facilitator peeks
        "shared_state":     (OK,      Locked,  Locked),
        "save_shared":      (Locked,  AD,      AD),
        "start_turn":       (OK,      AD,      AD),
        "invitations":      (OK,      AD,      AD),  # the join code and links
        "reopen_drafts":    (OK,      AD,      AD),
        "set_auto_reveal":  (OK,      AD,      AD),
        "delete_workshop":  (OK,      AD,      AD),
        "demo_facilitator_token": (AD, AD,     AD),  # only the demo is open to everyone
    },
    "after": {
        "my_draft":         (OK,      OK,      OK),
        "save_draft":       (Locked,  Locked,  Locked),
        "set_done":         (Locked,  Locked,  Locked),
        "draft_statuses":   (OK,      OK,      OK),
        "reveal":           (OK,      AD,      AD),  # a second reveal is a no-op
        "revealed_drafts":  (OK,      OK,      OK),
        "shared_state":     (OK,      OK,      OK),
        "save_shared":      (OK,      AD,      AD),
        "start_turn":       (Locked,  AD,      AD),
        "invitations":      (OK,      AD,      AD),
        "reopen_drafts":    (OK,      AD,      AD),  # undoes the reveal
        "set_auto_reveal":  (OK,      AD,      AD),
        "delete_workshop":  (OK,      AD,      AD),
        "demo_facilitator_token": (AD, AD,     AD),
    },
}
assert set(ACCESS["before"]) == set(ACCESS["after"]) == set(OPERATIONS)

ACCESS_CASES = [
    pytest.param(phase, op, kind, outcome, id=f"{phase}-{op}-{kind}")
    for phase, table in ACCESS.items()
    for op, outcomes in table.items()
    for kind, outcome in [*zip(MEMBERS, outcomes, strict=True),
                          *((outsider, AD) for outsider in OUTSIDERS)]
]


@pytest.mark.parametrize(("phase", "op", "kind", "outcome"), ACCESS_CASES)
def test_access_table(engine, session, phase, op, kind, outcome):
    world = build_world(session, revealed=phase == "after")
    token = world.tokens[kind]
    call = OPERATIONS[op]
    before = snapshot(engine, world.id)
    other_before = snapshot(engine, world.other_id)
    if outcome == OK:
        result = call(session, world, token, kind) if op == "save_draft" else call(
            session, world, token)
        _check_allowed_result(op, kind, phase, result)
        _check_allowed_effect(engine, world, op, phase, before)
        if op not in WRITES or (op == "reveal" and phase == "after"):
            assert snapshot(engine, world.id) == before, f"{op} is a read but changed data"
    else:
        with pytest.raises(outcome) as refused:
            if op == "save_draft":
                call(session, world, token, kind)
            else:
                call(session, world, token)
        assert str(refused.value), "a refusal says why"
        session.rollback()
        assert snapshot(engine, world.id) == before, f"refused {op} changed data"
    assert snapshot(engine, world.other_id) == other_before


OWN_DRAFTS = {"facilitator": FACILITATOR_DRAFT, "marketing": MARKETING_DRAFT,
              "sales": SALES_DRAFT}


def _check_allowed_result(op: str, kind: str, phase: str, result) -> None:
    if op == "my_draft":
        assert result == (OWN_DRAFTS[kind], 1, phase == "after")
    elif op == "draft_statuses":
        _assert_no_content(result)
        assert [(s.role, s.name) for s in result] == [
            ("facilitator", "Dana"), ("marketing", "Priya"), ("sales", "Marcus")]
    elif op == "revealed_drafts":
        assert result == {"Facilitator": FACILITATOR_DRAFT, "Marketing": MARKETING_DRAFT,
                          "Sales": SALES_DRAFT}
    elif op == "shared_state":
        expected = SHARED_DRAFT if phase == "after" else Definition()
        assert result.definition == expected
    elif op == "save_draft":
        assert result == 2
    elif op == "save_shared":
        assert result == 2
    elif op == "start_turn":
        assert isinstance(result, str) and len(result) >= 40
    elif op == "invitations":
        assert set(result.secrets) == {"marketing", "sales"}
        assert len(set(result.secrets.values())) == 2
        assert all(len(secret) >= 43 for secret in result.secrets.values())
        assert store.normalise_join_code(result.join_code) == result.join_code != ""
    elif op in ("reopen_drafts", "set_auto_reveal", "delete_workshop"):
        assert result is None


def _check_allowed_effect(engine, world: World, op: str, phase: str, before: tuple) -> None:
    """What an allowed facilitator action did, read back through a fresh session."""
    after = snapshot(engine, world.id)
    if op == "delete_workshop":
        assert after is None, "the workshop is still there"
        return
    workshop, invites, participants, drafts, shared = after[:5]
    revealed_at, join_code, auto_reveal = workshop[5:]
    if op == "invitations":
        with make_session(engine) as s:
            found = store.invitations(s, world.id, world.tokens["facilitator"])
            assert found.join_code == join_code
            assert found.secrets == dict((role, secret) for secret, role in invites)
            for role, secret in found.secrets.items():
                workshop_found, role_found = store.invite_details(s, secret)
                assert (workshop_found.id, role_found) == (world.id, role)
    elif op == "reopen_drafts":
        assert revealed_at is None and auto_reveal is False
        assert all(done_at is None for _, _, _, _, done_at, _ in drafts)
        # The drafts themselves are kept; only the lock and the Done flags go.
        assert [d[:4] for d in drafts] == [d[:4] for d in before[3]]
        with make_session(engine) as s:
            assert store.save_draft(s, world.id, world.tokens["sales"],
                                    definition("after reopening"), 1) == 2
    elif op == "save_shared":
        assert shared[:2] == (definition("a shared edit").to_json(), 2)
        changes = after[5]  # the change log: build_world's save, then this one
        assert [(c["revision"], c["by_name"], c["definition_json"]) for c in changes] == [
            (1, "Dana", SHARED_DRAFT.to_json()), (2, "Dana", definition("a shared edit").to_json())]
    elif op == "set_auto_reveal":
        assert auto_reveal is True
        # Before the reveal nobody is done yet, so switching it on does not reveal.
        assert (revealed_at is None) == (phase == "before")


def _assert_no_content(statuses) -> None:
    assert {f.name for f in fields(store.DraftStatus)} == {
        "participant_id", "role", "name", "answered", "done", "started", "at_screen",
        "pinned"}
    for status in statuses:
        assert isinstance(status.answered, int) and isinstance(status.done, bool)
        assert isinstance(status.started, bool)
        assert "secret" not in repr(status)


# --- drafts: privacy, locking, revisions -------------------------------------------------------

def test_before_the_reveal_everyone_reads_only_their_own_draft(session):
    world = build_world(session, revealed=False)
    for role, own in OWN_DRAFTS.items():
        draft, revision, done = store.my_draft(session, world.id, world.tokens[role])
        assert (draft, revision, done) == (own, 1, False)
    for role in MEMBERS:
        with pytest.raises(Locked):
            store.revealed_drafts(session, world.id, world.tokens[role])
    # The facilitator's shared screen holds no draft either.
    state = store.shared_state(session, world.id, world.tokens["facilitator"])
    assert state.definition == Definition()
    # Another workshop's author with the same name and role gets their own, empty, draft.
    assert store.my_draft(session, world.other_id, world.tokens["other_author"]) == (
        Definition(), 0, False)


def test_draft_statuses_count_but_never_show_content(session):
    world = build_world(session, revealed=False)
    store.set_done(session, world.id, world.tokens["sales"], True)
    token = store.start_turn(session, world.id, world.tokens["facilitator"],
                             role="marketing", name="Lena")
    statuses = store.draft_statuses(session, world.id, token)
    _assert_no_content(statuses)
    assert [(s.role, s.name, s.answered, s.done, s.started) for s in statuses] == [
        ("facilitator", "Dana", 2, False, True),
        ("marketing", "Priya", 3, False, True),
        ("marketing", "Lena", 0, False, False),
        ("sales", "Marcus", 3, True, True)]
    assert statuses[1].label == "Marketing (Priya)"


def test_after_the_reveal_drafts_are_locked_and_shown_to_everyone(session):
    world = build_world(session, revealed=False)
    lena = store.start_turn(session, world.id, world.tokens["facilitator"],
                            role="marketing", name="Lena")
    store.save_draft(session, world.id, lena, definition("Lena's view"), 0)
    store.reveal(session, world.id, world.tokens["facilitator"])
    assert store.is_revealed(session, world.id)
    for role in MEMBERS:
        with pytest.raises(Locked):
            store.save_draft(session, world.id, world.tokens[role], definition("late"),
                             world.revisions[role])
        with pytest.raises(Locked):
            store.set_done(session, world.id, world.tokens[role], False)
    for token in (world.tokens["sales"], lena):
        assert store.revealed_drafts(session, world.id, token) == {
            "Facilitator": FACILITATOR_DRAFT,
            "Marketing · Priya": MARKETING_DRAFT, "Marketing · Lena": definition("Lena's view"),
            "Sales": SALES_DRAFT}
    assert {s.id: s.revealed for s in store.list_workshops(session)} == {
        world.id: True, world.other_id: False}


def test_save_draft_bumps_the_revision_and_refuses_a_stale_one(session):
    world = build_world(session, revealed=False)
    token = world.tokens["marketing"]
    assert store.save_draft(session, world.id, token, definition("v2"), 1) == 2
    with pytest.raises(StaleEdit, match="changed elsewhere"):
        store.save_draft(session, world.id, token, definition("stale"), 1)
    with pytest.raises(StaleEdit):
        store.save_draft(session, world.id, token, definition("future"), 7)
    assert store.my_draft(session, world.id, token) == (definition("v2"), 2, False)


@pytest.mark.parametrize("same_engine", [True, False], ids=["one-engine", "two-engines"])
def test_two_sessions_saving_a_draft_from_the_same_revision(engine_factory, same_engine):
    first_engine = engine_factory()
    second_engine = first_engine if same_engine else engine_factory()  # two app processes
    with make_session(first_engine) as laptop, make_session(second_engine) as phone:
        world = build_world(laptop, revealed=False)
        token = world.tokens["marketing"]
        _, laptop_rev, _ = store.my_draft(laptop, world.id, token)
        _, phone_rev, _ = store.my_draft(phone, world.id, token)
        assert laptop_rev == phone_rev == 1
        assert store.save_draft(laptop, world.id, token, definition("from the laptop"),
                                laptop_rev) == 2
        with pytest.raises(StaleEdit):
            store.save_draft(phone, world.id, token, definition("from the phone"), phone_rev)
        # Nothing silently lost: the phone sees the laptop's version and re-applies on top.
        draft, revision, _ = store.my_draft(phone, world.id, token)
        assert (draft, revision) == (definition("from the laptop"), 2)
        assert store.save_draft(phone, world.id, token, definition("phone, redone"),
                                revision) == 3
        assert store.my_draft(laptop, world.id, token)[:2] == (definition("phone, redone"), 3)


def race(engine, count: int, attempt) -> list[object]:
    """`count` sessions run `attempt(session, index)` at the same moment; their outcomes."""
    barrier = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def run(index: int) -> None:
        with make_session(engine) as s:
            barrier.wait(timeout=30)
            try:
                outcomes[index] = attempt(s, index)
            except Exception as error:  # noqa: BLE001 - the outcome is what we test
                outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return outcomes


def test_concurrent_draft_saves_exactly_one_wins(engine, session):
    world = build_world(session, revealed=False)
    token = world.tokens["sales"]
    outcomes = race(engine, 6, lambda s, i: store.save_draft(
        s, world.id, token, definition(f"writer {i}"), 1))
    winners = [i for i, o in enumerate(outcomes) if o == 2]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, StaleEdit) for i, o in enumerate(outcomes) if i != winners[0]), \
        outcomes
    assert store.my_draft(session, world.id, token)[:2] == (
        definition(f"writer {winners[0]}"), 2)


def test_start_turn(session):
    world = build_world(session, revealed=False)
    fac = world.tokens["facilitator"]
    # The same person gets the same token back (their draft continues) ...
    assert store.start_turn(session, world.id, fac, role="marketing", name=" Priya ") == \
        world.tokens["marketing"]
    # ... a new person gets a new token and an empty draft.
    lena = store.start_turn(session, world.id, fac, role="marketing", name="Lena")
    assert lena not in world.tokens.values()
    assert store.my_draft(session, world.id, lena) == (Definition(), 0, False)
    with pytest.raises(ValueError, match="Unknown role"):
        store.start_turn(session, world.id, fac, role="facilitator", name="Dana")
    with pytest.raises(ValueError, match="Please enter the name"):
        store.start_turn(session, world.id, fac, role="sales", name="  ")
    with pytest.raises(AccessDenied, match="Only the facilitator"):
        store.start_turn(session, world.id, world.tokens["sales"], role="sales", name="X")


def test_start_turn_of_a_finished_draft_needs_reopen(session):
    world = build_world(session, revealed=False)
    fac, token = world.tokens["facilitator"], world.tokens["marketing"]
    store.set_done(session, world.id, token, True)
    with pytest.raises(Locked, match="finished and covered"):
        store.start_turn(session, world.id, fac, role="marketing", name="Priya")
    assert store.my_draft(session, world.id, token)[2] is True  # still finished
    assert store.start_turn(session, world.id, fac, role="marketing", name="Priya",
                            reopen=True) == token
    assert store.my_draft(session, world.id, token) == (MARKETING_DRAFT, 1, False)
    # A draft written at the shared screen is finished there, and uncovered only by the
    # facilitator reopening the turn: its key, in the screen's history, cannot uncover it.
    store.set_done(session, world.id, token, True)
    with pytest.raises(Locked, match="finished at the shared screen"):
        store.set_done(session, world.id, token, False)
    assert store.my_draft(session, world.id, token)[2] is True


def test_reveal_is_idempotent(session):
    world = build_world(session, revealed=False)
    fac = world.tokens["facilitator"]
    store.reveal(session, world.id, fac)
    first = store.get_workshop(session, world.id).revealed_at
    store.reveal(session, world.id, fac)
    assert store.get_workshop(session, world.id).revealed_at == first


# --- the shared definition and the agreement ---------------------------------------------------

def test_shared_definition_revisions_and_decisions(session):
    world = build_world(session, revealed=True)
    fac = world.tokens["facilitator"]
    assert world.shared_revision == 1
    assert store.save_shared(session, world.id, fac, definition("v2"), 1,
                             decisions={"industry": "marketing"}) == 2
    assert store.save_shared(session, world.id, fac, definition("v3"), 2) == 3
    state = store.shared_state(session, world.id, world.tokens["marketing"])
    assert (state.definition, state.revision, state.decisions) == (
        definition("v3"), 3, {"industry": "marketing"})  # decisions=None keeps them
    with pytest.raises(StaleEdit, match="changed elsewhere"):
        store.save_shared(session, world.id, fac, definition("stale"), 2)
    assert store.shared_state(session, world.id, fac).definition == definition("v3")


def test_two_facilitator_sessions_saving_the_shared_definition(engine, session):
    world = build_world(session, revealed=True)
    fac = world.tokens["facilitator"]
    with make_session(engine) as projector, make_session(engine) as laptop:
        rev_a = store.shared_state(projector, world.id, fac).revision
        rev_b = store.shared_state(laptop, world.id, fac).revision
        assert rev_a == rev_b == 1
        assert store.save_shared(projector, world.id, fac, definition("projector"), rev_a) == 2
        with pytest.raises(StaleEdit):
            store.save_shared(laptop, world.id, fac, definition("laptop"), rev_b)
        state = store.shared_state(laptop, world.id, fac)
        assert (state.definition, state.revision) == (definition("projector"), 2)
    outcomes = race(engine, 5, lambda s, i: store.save_shared(
        s, world.id, fac, definition(f"writer {i}"), 2))
    assert sorted(map(repr, outcomes)).count("3") == 1, outcomes
    assert sum(isinstance(o, StaleEdit) for o in outcomes) == 4, outcomes
    # The refused writers left no change behind: one change per revision, the winner's last.
    winner = outcomes.index(3)
    changes = snapshot(engine, world.id)[5]
    assert [(c["revision"], c["definition_json"]) for c in changes] == [
        (1, SHARED_DRAFT.to_json()), (2, definition("projector").to_json()),
        (3, definition(f"writer {winner}").to_json())]


def test_saving_withdraws_an_open_proposal(engine, session):
    """What the teams were asked to sign has changed: the proposal goes, nothing is signed."""
    world = build_world(session, revealed=True)
    fac, sales = world.tokens["facilitator"], world.tokens["sales"]
    assert versions.propose(session, world.id, fac, world.shared_revision) == 1
    proposal = versions.current_proposal(session, world.id, sales)
    assert (proposal.number, proposal.status, proposal.definition) == (1, "open", SHARED_DRAFT)
    store.save_shared(session, world.id, fac, definition("changed while signing"),
                      world.shared_revision)
    assert versions.current_proposal(session, world.id, sales) is None
    proposals = snapshot(engine, world.id)[7]
    assert [(p["number"], p["status"]) for p in proposals] == [(1, "withdrawn")]
    with pytest.raises(StaleEdit, match="withdrawn"):
        versions.sign(session, world.id, sales, proposal.id, agrees=True)
    state = store.shared_state(session, world.id, sales)
    assert (state.definition, state.signed_version) == (definition("changed while signing"), None)
    assert [s.agreed for s in store.list_workshops(session) if s.id == world.id] == [False]


def test_agreed_means_a_signed_version_and_a_signed_version_is_locked(session):
    world = build_world(session, revealed=True)
    fac = world.tokens["facilitator"]
    proposal_id = _propose_and_sign_by_both(session, world)
    summaries = {s.id: s.agreed for s in store.list_workshops(session)}
    assert summaries == {world.id: True, world.other_id: False}
    state = store.shared_state(session, world.id, world.tokens["marketing"])
    assert (state.definition, state.revision, state.signed_version) == (SHARED_DRAFT, 1, 1)
    with pytest.raises(Locked, match="Version 1 is signed"):
        store.save_shared(session, world.id, fac, definition("after signing"), 1)
    assert store.shared_state(session, world.id, fac).definition == SHARED_DRAFT
    assert versions.reopen(session, world.id, fac) == 2
    assert store.shared_state(session, world.id, fac).signed_version is None
    assert store.save_shared(session, world.id, fac, definition("after reopening"), 1) == 2
    # Still agreed: version 1 stays signed while version 2 is drafted.
    assert [s.agreed for s in store.list_workshops(session) if s.id == world.id] == [True]
    assert versions.current_proposal(session, world.id, fac) is None
    assert [v.number for v in versions.versions(session, world.id, fac)] == [1]
    with pytest.raises(StaleEdit):  # the signed proposal is done with
        versions.sign(session, world.id, world.tokens["sales"], proposal_id, agrees=True)


def _propose_and_sign_by_both(session, world: World) -> int:
    """Propose the shared definition as it is and have marketing and sales sign it."""
    fac = world.tokens["facilitator"]
    revision = store.shared_state(session, world.id, fac).revision
    number = versions.propose(session, world.id, fac, revision)
    proposal = versions.current_proposal(session, world.id, fac)
    assert versions.sign(session, world.id, world.tokens["marketing"], proposal.id,
                         agrees=True) is None
    assert versions.sign(session, world.id, world.tokens["sales"], proposal.id,
                         agrees=True) == number
    return proposal.id


# --- persistence: a server restart loses nothing -----------------------------------------------

def test_everything_persists_across_a_new_engine(engine_factory):
    engine = engine_factory()
    with make_session(engine) as s:
        demo.seed_demo(s)
        world = build_world(s, revealed=True)
        fac = world.tokens["facilitator"]
        revision = store.save_shared(s, world.id, fac, SHARED_DRAFT, 1,
                                     decisions={"pain": "sales"})
        _propose_and_sign_by_both(s, world)
        assert versions.record_measurement(s, world.id, fac, version_number=1,
                                           figures=FIGURES, source="march.csv") > 0
        signed = versions.versions(s, world.id, fac)
        unrevealed, unrevealed_fac = store.create_workshop(
            s, company="Gamma", title="Later", facilitator_name="Gus")
        author = store.start_turn(s, unrevealed.id, unrevealed_fac, role="sales", name="Sam")
        store.save_draft(s, unrevealed.id, author, definition("Sam's view"), 0)
        store.set_done(s, unrevealed.id, author, True)
        listed = store.list_workshops(s)
        shared = store.shared_state(s, world.id, fac)
    snapshots = {ws.id: snapshot(engine, ws.id) for ws in listed}
    engine.dispose()  # the server goes away ...

    engine = engine_factory()  # ... and comes back
    with make_session(engine) as s:
        assert store.list_workshops(s) == listed
        assert {ws.id: snapshot(engine, ws.id) for ws in listed} == snapshots
        assert store.shared_state(s, world.id, world.tokens["marketing"]) == shared
        assert (shared.revision, shared.signed_version) == (revision, 1)
        assert shared.decisions == {"pain": "sales"}
        assert versions.versions(s, world.id, world.tokens["sales"]) == signed
        assert [(v.number, v.definition) for v in signed] == [(1, SHARED_DRAFT)]
        assert [(m.version_number, m.source, m.figures) for m in versions.measurements(
            s, world.id, fac)] == [(1, "march.csv", FIGURES)]
        assert store.revealed_drafts(s, world.id, world.tokens["sales"])["Marketing"] == \
            MARKETING_DRAFT
        assert store.my_draft(s, unrevealed.id, author) == (definition("Sam's view"), 1, True)
        assert store.authenticate(s, unrevealed.id, author).role == "sales"
        with pytest.raises(Locked):
            store.revealed_drafts(s, unrevealed.id, unrevealed_fac)
        assert demo.seed_demo(s) is False


# --- edge cases: long names, cached objects, NUL bytes, races ---------------------------------

def test_a_long_lived_session_sees_the_reveal(engine, session):
    world = build_world(session, revealed=False)
    token = world.tokens["marketing"]
    with make_session(engine) as author:
        shown = store.get_workshop(author, world.id)  # e.g. a page drawing the workshop header
        rev = store.save_draft(author, world.id, token, definition("before"), 1)
        store.reveal(session, world.id, world.tokens["facilitator"])
        with pytest.raises(Locked):
            store.save_draft(author, world.id, token, definition("after the reveal"), rev)
        assert shown.revealed_at is None  # the cached object that hides the reveal


@pytest.mark.parametrize("where", ["token", "workshop_id"])
def test_a_nul_byte_in_a_link_is_refused_not_a_crash(request, session, where):
    """`?key=%00` or `?ws=%00` in a join link reaches the store as text with a NUL byte."""
    world = build_world(session, revealed=False)
    if where == "token":
        with pytest.raises(AccessDenied):
            store.authenticate(session, world.id, world.tokens["marketing"] + "\x00")
    else:
        with pytest.raises(NotFound):
            store.get_workshop(session, world.id + "\x00")


def test_save_draft_racing_the_reveal(engine, session, monkeypatch):
    world = build_world(session, revealed=False)
    check = store.is_revealed

    def reveal_right_after_the_check(s, workshop_id):
        result = check(s, workshop_id)
        monkeypatch.setattr(store, "is_revealed", check)
        with make_session(engine) as projector:
            store.reveal(projector, workshop_id, world.tokens["facilitator"])
        return result

    monkeypatch.setattr(store, "is_revealed", reveal_right_after_the_check)
    with pytest.raises(Locked):
        store.save_draft(session, world.id, world.tokens["sales"], definition("too late"),
                         world.revisions["sales"])


def test_revealed_drafts_leave_out_drafts_nobody_started(session):
    workshop, fac = store.create_workshop(session, company="Acme", title="T",
                                          facilitator_name="Fay")
    author = store.start_turn(session, workshop.id, fac, role="sales", name="Sam")
    store.save_draft(session, workshop.id, author, definition("Sam's view"), 0)
    store.start_turn(session, workshop.id, fac, role="marketing", name="Mo")  # never types
    store.reveal(session, workshop.id, fac)
    assert list(store.revealed_drafts(session, workshop.id, fac)) == ["Sales"]


def test_control_characters_in_typed_names_are_dropped(session):
    workshop, _ = store.create_workshop(session, company="Ac\x00me\x07", title="T",
                                        facilitator_name="Fay")
    assert store.get_workshop(session, workshop.id).company == "Acme"
