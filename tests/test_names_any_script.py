"""Names that differ only in capitals are one person's in every script, on both databases:
SQLite's lower() changes only A to Z, so "JÖRG ÖZ" joined beside "Jörg Öz" there, and the
workshop's own backup was then refused as naming a person twice."""
from __future__ import annotations

import json

import pytest

from workshop import backup, store
from workshop.definition import Criterion, Definition

PAIRS = [("Jörg Öz", "JÖRG ÖZ"), ("Ǆemal", "ǆemal"), ("Łukasz Żak", "łukasz żak"),
         ("Ελένη", "ΕΛΈΝΗ"), ("Дмитрий", "ДМИТРИЙ")]


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))


def new_workshop(session) -> tuple[str, str]:
    workshop, token = store.create_workshop(session, company="Café Ünal", title="Leads",
                                            facilitator_name="Fay")
    return workshop.id, token


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_a_name_in_other_capitals_does_not_join_twice(session, first, second):
    workshop_id, token = new_workshop(session)
    invite = store.invitations(session, workshop_id, token).secrets["marketing"]
    store.join_with_invite(session, invite, first)
    with pytest.raises(ValueError, match="has already joined marketing"):
        store.join_with_invite(session, invite, second)
    sales_invite = store.invitations(session, workshop_id, token).secrets["sales"]
    store.join_with_invite(session, sales_invite, second)  # another team: another person


def test_a_turn_is_not_handed_to_someone_who_joined_on_their_own_device(session):
    """The facilitator typing the name in capitals got a new, empty turn on SQLite; now the
    person is found, and their draft stays theirs."""
    workshop_id, token = new_workshop(session)
    invite = store.invitations(session, workshop_id, token).secrets["sales"]
    store.join_with_invite(session, invite, "Jörg Öz")
    with pytest.raises(store.AccessDenied, match="joined on their own device"):
        store.start_turn(session, workshop_id, token, role="sales", name="JÖRG ÖZ")


def test_switching_team_onto_a_name_in_other_capitals_is_refused(session):
    workshop_id, token = new_workshop(session)
    invites = store.invitations(session, workshop_id, token).secrets
    store.join_with_invite(session, invites["sales"], "Ǆemal")
    _, moving = store.join_with_invite(session, invites["marketing"], "ǆemal")
    with pytest.raises(ValueError, match="has already joined sales"):
        store.switch_team(session, workshop_id, moving, "sales")


def test_the_backup_of_a_workshop_with_names_in_every_script_restores(session, uploads):
    workshop_id, token = new_workshop(session)
    invite = store.invitations(session, workshop_id, token).secrets["marketing"]
    joined = []
    for first, second in PAIRS:
        for name in (first, second):
            try:
                joined.append(store.join_with_invite(session, invite, name))
            except ValueError:
                pass
    assert len(joined) == len(PAIRS)
    definition = Definition(criteria=[Criterion(field="industry", op="in",
                                                values=["Software"])])
    _, revision, _ = store.my_draft(session, workshop_id, token)
    store.save_draft(session, workshop_id, token, definition, revision)
    store.reveal(session, workshop_id, token)
    text = backup.export_workshop(session, workshop_id, token)
    restored = backup.restore_workshop(session, text.encode())
    assert backup.export_workshop(session, restored.workshop_id,
                                  restored.facilitator_token) == text


def test_a_backup_naming_one_person_twice_in_other_capitals_is_refused(session, uploads):
    workshop_id, token = new_workshop(session)
    invite = store.invitations(session, workshop_id, token).secrets["marketing"]
    store.join_with_invite(session, invite, "Jörg Öz")
    store.reveal(session, workshop_id, token)
    data = json.loads(backup.export_workshop(session, workshop_id, token))
    person = next(p for p in data["people"] if p["name"] == "Jörg Öz")
    data["people"].append({**person, "name": "JÖRG ÖZ"})
    with pytest.raises(backup.BackupError, match="listed twice"):
        backup.restore_workshop(session, json.dumps(data).encode())
