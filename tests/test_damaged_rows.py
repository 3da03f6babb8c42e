"""Every row the database holds gets a sentence, never a traceback: a draft, the shared
definition, a change, a version or its signatures damaged (an edit by hand, another version of
the app, a disk fault), an agenda row the app never writes, a draft row lost, a moment written in
an odd format. Before, each of these failed every page that read the row with a traceback: one
workshop's odd creation time failed the home page for everyone on the server.

A workshop is built through the store (revealed, agreed, signed, on the wall); one row is
damaged with plain SQL; the pages are opened with AppTest."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from tests.builders import C, D
from tests.test_real_exports_pages import APP, revealed_workshop, texts
from workshop import agenda, store, versions, wall
from workshop.db import odd_moment
from workshop.db import session as make_session
from workshop.ui.status_board import status_line

DEFINITION = D(C("industry", values=["Software"], role="must", gate="mql"))
PAGES = ("views/facilitator.py", "views/teams.py", "views/compare.py", "views/evidence.py",
         "views/communicate.py", "views/history.py")


def _signed_workshop(engine) -> dict:
    params = revealed_workshop(engine, DEFINITION, None)
    with make_session(engine) as s:
        shared = store.shared_state(s, params["ws"], params["key"])
        versions.propose(s, params["ws"], params["key"], shared.revision)
        proposal = versions.current_proposal(s, params["ws"], params["key"])
        for team, person in (("marketing", "Mia"), ("sales", "Sol")):
            versions.sign_in_room(s, params["ws"], params["key"], proposal.id, role=team,
                                  name=person, agrees=True, reason="")
        params["wall"] = wall.share(s, params["ws"], params["key"])
        agenda.move_to(s, params["ws"], params["key"], 3)
    return params


def _damage(engine, statement: str, **values) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(statement), values)


def _open(params: dict, page: str, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in (query or {"ws": params["ws"], "key": params["key"]}).items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, (page, [e.value for e in at.exception])
    return at


def _marketing_draft_id(engine, workshop_id: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT d.id FROM draft d JOIN participant p ON p.id = d.participant_id "
            "WHERE p.workshop_id = :ws AND p.name = 'Mia'"), {"ws": workshop_id}).scalar_one()


DAMAGED_DEFINITIONS = ["{bad", "", "null", "[1, 2]", '{"criteria": "industry"}',
                       '{"criteria": [null]}',
                       '{"criteria": [{"field": "industry", "op": "sounds_like", "values": []}]}',
                       '{"schema_version": 99, "criteria": []}', '{"threshold": 1e30}']


@pytest.mark.parametrize("text", DAMAGED_DEFINITIONS)
def test_a_damaged_draft_is_a_sentence_naming_it(database, text):
    params = _signed_workshop(database)
    _damage(database, "UPDATE draft SET definition_json = :text WHERE id = :id", text=text,
            id=_marketing_draft_id(database, params["ws"]))
    said = texts(_open(params, "views/compare.py"))
    assert "Marketing (Mia)'s draft, as the database holds it, cannot be read" in said
    assert "Restore the workshop from a backup" in said
    _open(params, "views/teams.py")
    with make_session(database) as s:
        mia = next(x for x in store.draft_statuses(s, params["ws"], params["key"])
                   if x.name == "Mia")
    assert mia.answered is None
    assert status_line(mia).endswith("· the saved draft cannot be read")
    _open(params, "views/history.py")  # pages that do not read drafts open as they did
    _open(params, "views/wall.py", w=params["wall"])


def test_a_draft_whose_body_is_null_is_a_sentence_too():
    # NOT NULL in the app's schema: a table rebuilt by hand may lack it; the row comes back
    # as None.
    with pytest.raises(store.Damaged, match="Your draft is missing from the database"):
        store.stored_definition(None, "Your draft")
    assert store.stored_definition('{"criteria": []}', "x").is_empty()


@pytest.mark.parametrize("statement, said", [
    ("UPDATE shareddefinition SET definition_json = '{bad' WHERE workshop_id = :ws",
     "The shared definition, as the database holds it, cannot be read"),
    ("UPDATE shareddefinition SET decisions_json = '[1]' WHERE workshop_id = :ws",
     "The decision notes, as the database holds it, cannot be read"),
    ("DELETE FROM shareddefinition WHERE workshop_id = :ws",
     "The shared definition is missing from the database"),
    ("UPDATE sharedchange SET definition_json = 'null' WHERE workshop_id = :ws",
     "of the shared definition, as the database holds it, cannot be read"),
])
def test_a_damaged_shared_definition_or_change_is_a_sentence(database, statement, said):
    params = _signed_workshop(database)
    _damage(database, statement, ws=params["ws"])
    shown = [texts(_open(params, page)) for page in ("views/compare.py", "views/history.py")]
    assert any(said in text for text in shown), shown


@pytest.mark.parametrize("column, value, said", [
    ("definition_json", "{bad", "Version 1, as the database holds it, cannot be read"),
    ("signatories_json", '{"a": 1}', "The signatures of version 1, as the database holds"),
    ("signatories_json", '[{"role": 3}, null]', "The signatures of version 1, as the database"),
    ("signatories_json", "", "The signatures of version 1, as the database holds them"),
])
def test_a_damaged_version_is_a_sentence_on_the_history_and_wall_pages(database, column, value,
                                                                       said):
    params = _signed_workshop(database)
    _damage(database, f"UPDATE version SET {column} = :value WHERE workshop_id = :ws",
            value=value, ws=params["ws"])
    assert said in texts(_open(params, "views/history.py"))
    assert said in texts(_open(params, "views/wall.py", w=params["wall"]))
    assert said in texts(_open(params, "views/communicate.py"))


@pytest.mark.parametrize("statement", [
    "UPDATE agendastate SET current_step = 7 WHERE workshop_id = :ws",
    "UPDATE agendastate SET current_step = 0 WHERE workshop_id = :ws",
    "UPDATE agendastate SET current_step = 'three' WHERE workshop_id = :ws",
    "UPDATE agendastate SET minutes_json = '{bad' WHERE workshop_id = :ws",
    "UPDATE agendastate SET minutes_json = '{\"2\": \"x\", \"3\": -5}' WHERE workshop_id = :ws",
    "UPDATE agendastate SET step_started_at = 'whenever' WHERE workshop_id = :ws",
])
def test_an_agenda_row_the_app_never_writes_reads_as_a_fresh_step_one(database, statement):
    params = _signed_workshop(database)
    _damage(database, statement, ws=params["ws"])
    for page in PAGES:
        _open(params, page)
    with make_session(database) as s:
        plan = agenda.agenda(s, params["ws"], params["key"])
    assert plan.current in agenda.STEPS
    assert set(plan.minutes) == set(agenda.STEPS)
    assert all(1 <= m <= agenda.MAX_STEP_MINUTES for m in plan.minutes.values())


def test_a_lost_draft_row_is_begun_again_empty(database):
    params = _signed_workshop(database)
    with make_session(database) as s:
        workshop, key = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
        lee = store.start_turn(s, workshop.id, key, role="sales", name="Lee")
    _damage(database, "DELETE FROM draft WHERE workshop_id = :ws", ws=workshop.id)
    fresh = {"ws": workshop.id, "key": key}
    for page in ("views/facilitator.py", "views/teams.py", "views/compare.py"):
        _open(fresh, page)
    with make_session(database) as s:
        mine, revision, done = store.my_draft(s, workshop.id, key)
        assert mine.is_empty() and revision == 0 and not done
        assert store.my_draft(s, workshop.id, lee)[0].is_empty()
        statuses = store.draft_statuses(s, workshop.id, key)
    assert [(x.name, x.answered) for x in statuses] == [("Dana", 0), ("Lee", 0)]
    assert params  # the other workshop is untouched by this one's damage


@pytest.mark.parametrize("moment", ["12/07/2026", "1765097957", "2026-12-07T08:59:17Z",
                                    "whenever", ""])
def test_a_moment_written_in_an_odd_format_opens_every_page(database, moment):
    params = _signed_workshop(database)
    for table, column in (("workshop", "created_at"), ("workshop", "revealed_at")):
        _damage(database, f"UPDATE {table} SET {column} = :moment WHERE id = :ws",
                moment=moment, ws=params["ws"])
    for table, column in (("draft", "updated_at"), ("draft", "done_at"),
                          ("version", "signed_at"), ("sharedchange", "at"),
                          ("agendastate", "step_started_at"), ("walllink", "created_at")):
        _damage(database, f"UPDATE {table} SET {column} = :moment WHERE workshop_id = :ws",
                moment=moment, ws=params["ws"])
    _open(params, "", **{})  # the home page, with no key: every workshop on the server
    for page in PAGES:
        _open(params, page)
    _open(params, "views/wall.py", w=params["wall"])


def test_odd_moments_read_as_what_they_say():
    from datetime import datetime

    assert odd_moment("12/07/2026 09:15") == datetime(2026, 12, 7, 9, 15)
    assert odd_moment("2026-12-07T08:59:17Z") == datetime(2026, 12, 7, 8, 59, 17)
    assert odd_moment("2026-12-07T09:59:17+01:00") == datetime(2026, 12, 7, 8, 59, 17)
    assert odd_moment(1765097957) == datetime(2025, 12, 7, 8, 59, 17)
    assert odd_moment("1765097957000") == datetime(2025, 12, 7, 8, 59, 17)
    for nothing in ("whenever", "", "2026-13-45", True, 1e30):
        assert odd_moment(nothing) is None


def test_a_backup_of_a_workshop_with_a_damaged_row_is_refused_in_a_sentence(database):
    from workshop import backup

    params = _signed_workshop(database)
    with make_session(database) as s:
        assert backup.export_workshop(s, params["ws"], params["key"])  # whole, it is made
    _damage(database, "UPDATE draft SET definition_json = '{bad' WHERE id = :id",
            id=_marketing_draft_id(database, params["ws"]))
    with make_session(database) as s, pytest.raises(
            store.Damaged, match="no backup can be made of it .*Restore the workshop"):
        backup.export_workshop(s, params["ws"], params["key"])
