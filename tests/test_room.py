"""The room's stamp (`workshop.room`): one cheap read that moves whenever something a shared
screen shows moves, and stays put when people only look. On SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tests.builders import C
from tests.test_versions import LATER
from workshop import agenda, room, store, versions, wall
from workshop.definition import Definition
from workshop.store import AccessDenied, NotFound

DRAFT = Definition().with_question("industry", [C("industry", values=["Retail"])])


def people(s) -> tuple[str, dict[str, str]]:
    workshop, facilitator = store.create_workshop(s, company="Acme", title="Q1",
                                                  facilitator_name="Dana")
    secrets = store.invitations(s, workshop.id, facilitator).secrets
    _, marketing = store.join_with_invite(s, secrets["marketing"], "Priya")
    _, sales = store.join_with_invite(s, secrets["sales"], "Marcus")
    return workshop.id, {"facilitator": facilitator, "marketing": marketing, "sales": sales}


def every_read(s, wid: str, tokens: dict[str, str]) -> None:
    """What the pages read, by everyone: none of it may move the stamp."""
    for token in tokens.values():
        store.draft_statuses(s, wid, token)
        agenda.agenda(s, wid, token)
        room.readiness(s, wid, token)
        if store.is_revealed(s, wid):
            store.shared_state(s, wid, token)
            store.revealed_people(s, wid, token)
            versions.current_proposal(s, wid, token)
            versions.versions(s, wid, token)
            versions.discussion(s, wid, token)
            versions.measurements(s, wid, token)
        else:
            store.my_draft(s, wid, token) if token != tokens["facilitator"] else None


def test_every_kind_of_change_moves_the_stamp_and_only_its_own_part(session):
    wid, tokens = people(session)
    fac = tokens["facilitator"]
    steps = [
        ("a draft saved", "drafts",
         lambda: store.save_draft(session, wid, tokens["marketing"], DRAFT, 0)),
        ("a team member done", "drafts",
         lambda: store.set_done(session, wid, tokens["marketing"], True)),
        ("the room moved on", "step", lambda: agenda.move_to(session, wid, fac, 2)),
        ("someone else joined", "drafts", lambda: store.join_with_invite(
            session, store.invitations(session, wid, fac).secrets["sales"], "Lena")),
        ("the reveal", "revealed", lambda: store.reveal(session, wid, fac)),
        ("the drafts reopened", "revealed", lambda: store.reopen_drafts(session, wid, fac)),
        ("revealed again", "revealed", lambda: store.reveal(session, wid, fac)),
        ("the shared definition saved", "shared",
         lambda: store.save_shared(session, wid, fac, DRAFT, 0)),
        ("a question up for discussion", "discussion",
         lambda: versions.set_discussion(session, wid, fac, "pain", open=True, note="")),
        ("its decision noted", "discussion",
         lambda: versions.set_discussion(session, wid, fac, "pain", open=True,
                                         note="Only retail", expected_revision=1)),
        ("a proposal", "proposals", lambda: versions.propose(session, wid, fac, 1)),
        ("an objection", "signoffs", lambda: versions.sign(
            session, wid, tokens["marketing"], _open(session, wid, fac), agrees=False,
            reason="Too narrow")),
        ("the objection turned into a signature", "signoffs", lambda: versions.sign(
            session, wid, tokens["marketing"], _open(session, wid, fac), agrees=True)),
        ("the last signature makes a version", "versions", lambda: versions.sign(
            session, wid, tokens["sales"], _open(session, wid, fac), agrees=True)),
        ("a measurement", "measurements", lambda: versions.record_measurement(
            session, wid, fac, version_number=1, figures=LATER)),
        ("the wall link", "wall", lambda: wall.share(session, wid, fac)),
        ("the wall link stopped", "wall", lambda: wall.stop_sharing(session, wid, fac)),
        ("the version reopened", "versions", lambda: versions.reopen(session, wid, fac)),
        ("a leads export", "uploads", lambda: store.record_upload(
            session, wid, fac, sha256="0" * 64, filename="leads.csv", rows=3,
            headers_signature="x", mapping_json="{}")),
        ("the step back", "step", lambda: agenda.move_to(session, wid, fac, 3)),
    ]
    before = room.stamp(session, wid)
    for what, field, change in steps:
        change()
        after = room.stamp(session, wid)
        moved = {name for name in room.FIELDS if getattr(before, name) != getattr(after, name)}
        assert field in moved, what
        every_read(session, wid, tokens)
        assert room.stamp(session, wid) == after, f"a read after {what} moved the stamp"
        before = after


def _open(session, wid: str, fac: str) -> int:
    return versions.current_proposal(session, wid, fac).id


def test_the_stamp_of_one_workshop_ignores_the_others(session):
    wid, tokens = people(session)
    other, other_tokens = people(session)
    before = room.stamp(session, wid)
    store.save_draft(session, other, other_tokens["sales"], DRAFT, 0)
    store.reveal(session, other, other_tokens["facilitator"])
    agenda.move_to(session, other, other_tokens["facilitator"], 3)
    assert room.stamp(session, wid) == before


def test_a_workshop_that_is_gone_has_no_stamp(session):
    wid, tokens = people(session)
    store.delete_workshop(session, wid, tokens["facilitator"])
    with pytest.raises(NotFound):
        room.stamp(session, wid)


def test_pick_takes_the_parts_a_screen_shows(session):
    wid, _ = people(session)
    now = room.stamp(session, wid)
    assert room.pick(now, None) == tuple(now)
    assert room.pick(now, ("revealed", "step")) == (None, 1)


def test_readiness_names_who_is_not_done_by_team_never_content(session):
    wid, tokens = people(session)
    store.join_with_invite(session, store.invitations(
        session, wid, tokens["facilitator"]).secrets["marketing"], "Lena")
    store.save_draft(session, wid, tokens["sales"], DRAFT, 0)
    store.set_done(session, wid, tokens["marketing"], True)
    ready = room.readiness(session, wid, tokens["facilitator"])
    assert (ready.done, ready.team) == (1, 3)
    assert ready.not_done == (room.NotDone("marketing", "Lena", False),
                              room.NotDone("sales", "Marcus", True))
    store.set_done(session, wid, tokens["sales"], True)
    assert room.readiness(session, wid, tokens["sales"]).not_done == (
        room.NotDone("marketing", "Lena", False),)
    with pytest.raises(AccessDenied):
        room.readiness(session, wid, "not-a-key")
