"""Hostile backups, made from an honest one by hand: none reads another workshop's export, none
shows a traceback (or the SQL and new keys in one), and none brings in a name the app would not
take. Each is refused in one sentence with nothing stored, or restored with only what it holds."""
from __future__ import annotations

import copy
import json
import random
import re
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from tests.conftest import sqlalchemy_url
from workshop import store
from workshop.backup import Backup, BackupError, export_workshop, restore_workshop
from workshop.db import make_engine, session
from workshop.models import LeadsUpload, Participant, Workshop
from workshop.text import escape_markdown
from workshop.uploads import load_upload, save_upload

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CLIENT = "198.51.100.7"  # the home page restores for a visitor's network
NOT_FOR_PEOPLE = ("Traceback", "INSERT", "SELECT", "[SQL", "sqlalchemy", "Error", "pydantic",
                  "Field required", "The definition is not valid", "{")


@pytest.fixture
def uploads(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setenv("UPLOAD_DIR", str(folder))
    return folder


def an_export(seed: int) -> bytes:
    """A small CRM export, different for every seed."""
    rng = random.Random(seed)
    lines = ["company,industry,employees,created"]
    for index in range(40):
        lines.append(f"Co {seed}-{index},{rng.choice(['Software', 'Retail', 'Health'])},"
                     f"{rng.randint(1, 5000)},2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}")
    return ("\n".join(lines) + "\n").encode()


def workshop_with_export(s, company: str, export: bytes) -> tuple[str, str, str]:
    """A revealed workshop with a marketing member and an uploaded export: (id, key, hash)."""
    workshop, key = store.create_workshop(s, company=company, title="Ideal lead",
                                          facilitator_name="Fay")
    secret = store.invitations(s, workshop.id, key).secrets["marketing"]
    store.join_with_invite(s, secret, "Mia")
    sha = save_upload(export)
    store.record_upload(s, workshop.id, key, sha256=sha, filename=f"{company}.csv", rows=40,
                        headers_signature="h" * 64, mapping_json='{"columns": {}}')
    store.reveal(s, workshop.id, key)
    return workshop.id, key, sha


def honest_backup(s) -> dict:
    """What the app itself writes for a workshop with an uploaded export."""
    workshop_id, key, _ = workshop_with_export(s, "Attacker", an_export(1))
    return json.loads(export_workshop(s, workshop_id, key))


def stored(s, folder: Path) -> tuple:
    """Everything a restore could leave behind: rows and files."""
    counts = tuple(s.exec(sa.select(sa.func.count()).select_from(table)).scalar_one()
                   for table in (Workshop, Participant, LeadsUpload))
    return counts, sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def refused(s, folder: Path, data: bytes | Backup) -> str:
    before = stored(s, folder)
    with pytest.raises(BackupError) as refusal:
        restore_workshop(s, data, client=CLIENT)
    message = str(refusal.value)
    assert re.match(r"^This backup (is damaged|cannot be restored)", message), message
    assert message.count(". ") == 0 and message.endswith(".") and len(message) < 200, message
    for words in NOT_FOR_PEOPLE:
        assert words not in message, (words, message)
    assert stored(s, folder) == before  # nothing half-restored, no file written
    return message


def uploads_of(s, workshop_id: str) -> list[LeadsUpload]:
    return list(s.exec(sa.select(LeadsUpload).where(LeadsUpload.workshop_id == workshop_id))
                .scalars())


# --- 1. the bytes a restored workshop reads are the bytes its backup held ---------------------

def test_a_backup_cannot_borrow_another_workshops_export_by_naming_its_hash(session, uploads):
    victim_bytes = an_export(2)
    victim_id, victim_key, victim_sha = workshop_with_export(session, "Victim", victim_bytes)
    data = honest_backup(session)
    own_sha = data["uploads"][0]["sha256"]
    assert data["files"][own_sha]  # the honest backup carries its export

    hostile = copy.deepcopy(data)
    hostile["uploads"][0]["sha256"] = victim_sha
    hostile["files"] = {victim_sha: ""}  # as the app writes a file gone from its server
    restored = restore_workshop(session, json.dumps(hostile), client=CLIENT)

    upload = store.current_upload(session, restored.workshop_id, restored.facilitator_token)
    assert upload.filename == "Attacker.csv" and upload.rows == 40  # the details are kept
    for row in uploads_of(session, restored.workshop_id):
        assert row.sha256 != victim_sha
        with pytest.raises(FileNotFoundError, match="upload the export again"):
            load_upload(row.sha256)
    # The victim's workshop still reads its own export, untouched.
    victim_upload = store.current_upload(session, victim_id, victim_key)
    assert load_upload(victim_upload.sha256) == victim_bytes

    # The honest backup itself restores with its own export, readable.
    own = restore_workshop(session, json.dumps(data), client=CLIENT)
    assert [load_upload(row.sha256) for row in uploads_of(session, own.workshop_id)] == [
        an_export(1)]


def test_an_honest_backup_whose_export_was_deleted_restores_without_the_file(session, uploads):
    workshop_id, key, sha = workshop_with_export(session, "Northwind", an_export(3))
    (uploads / sha).unlink()  # the server lost the file before the backup was taken
    data = json.loads(export_workshop(session, workshop_id, key))
    assert data["files"] == {sha: ""}
    save_upload(an_export(3))  # the same bytes are on this server again, uploaded by someone

    restored = restore_workshop(session, json.dumps(data), client=CLIENT)
    upload = store.current_upload(session, restored.workshop_id, restored.facilitator_token)
    assert (upload.filename, upload.rows, upload.mapping_json) == (
        "Northwind.csv", 40, '{"columns": {}}')
    with pytest.raises(FileNotFoundError, match="upload the export again"):
        load_upload(upload.sha256)

    # The restored workshop backs up and restores again, still without the file.
    again = export_workshop(session, restored.workshop_id, restored.facilitator_token)
    assert json.loads(again)["files"] == {}
    second = restore_workshop(session, again, client=CLIENT)
    assert export_workshop(session, second.workshop_id, second.facilitator_token) == again


# --- 2. times: refused in a sentence, before the database sees them ---------------------------

@pytest.mark.parametrize(("path", "value", "where"), [
    ("workshop.created_at", "2026-03-01T09:00:00", "the time “workshop › created_at” has no "
                                                   "time zone"),
    ("people.1.draft.updated_at", "2026-03-01 09:00:00", "the time “people › 2 › draft › "
                                                         "updated_at” has no time zone"),
    ("workshop.created_at", "0001-01-01T00:00:00", "has no time zone"),
    ("workshop.created_at", "0001-01-01T00:00:00+14:00", "“workshop › created_at” is not "
                                                         "between the years"),
    ("workshop.revealed_at", "9999-12-31T23:59:59-14:00", "“workshop › revealed_at” is not "
                                                          "between the years"),
    ("agenda", {"current_step": 2, "step_started_at": "0001-01-01T00:00:00Z", "minutes": None},
     "“agenda › step_started_at” is not between the years"),
])
def test_a_time_without_its_zone_or_outside_any_workshop_is_refused_in_a_sentence(
        session, uploads, path, value, where):
    data = honest_backup(session)
    target = data
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[int(last) if isinstance(target, list) else last] = value
    message = refused(session, uploads, json.dumps(data).encode())
    assert where in message


def test_whatever_the_database_refuses_is_a_sentence_without_the_new_keys(session, uploads):
    """Should a value ever pass the checks and still be refused by the database (here a time
    without its zone, put in after the checks), the SQL and its parameters, the new keys
    among them, never reach the page, and nothing stays."""
    backup = Backup.model_validate(honest_backup(session))
    backup.workshop.created_at = datetime(2026, 3, 1, 9, 0)  # noqa: DTZ001
    tokens_before = set(session.exec(sa.select(Participant.token)).scalars())
    message = refused(session, uploads, backup)
    assert "the database refuses a part of it" in message
    assert set(session.exec(sa.select(Participant.token)).scalars()) == tokens_before


# --- 3. names as the app takes them; messages that name the backup's part ---------------------

def add_marketing(data: dict, name: str) -> dict:
    person = copy.deepcopy(next(p for p in data["people"] if p["role"] == "marketing"))
    person["name"] = name
    data["people"].append(person)
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["people"][1].update(name=""), "“people › 2 › name” is empty."),
    (lambda d: d["people"][1].update(name="   \n "), "“people › 2 › name” is empty."),
    (lambda d: d["workshop"].update(company=""), "“workshop › company” is empty."),
    (lambda d: d["workshop"].update(title="\t"), "“workshop › title” is empty."),
    (lambda d: add_marketing(d, "MIA"), "a person is listed twice"),
    (lambda d: add_marketing(d, " mia "), "a person is listed twice"),
    (lambda d: d.pop("people"), "its part “people” is missing."),
    (lambda d: d["workshop"].update(workshop_id="x"), "“workshop › workshop_id” is not part"),
])
def test_names_are_taken_as_the_app_takes_them_and_refusals_name_the_part(
        session, uploads, change, message):
    data = honest_backup(session)
    change(data)
    assert message in refused(session, uploads, json.dumps(data).encode())


def test_a_blank_name_is_refused_by_the_app_and_by_a_restore_alike(session, uploads):
    workshop, key = store.create_workshop(session, company="Acme", title="T",
                                          facilitator_name="Fay")
    secret = store.invitations(session, workshop.id, key).secrets["sales"]
    store.join_with_invite(session, secret, "Sam")
    for blank in ("", "   ", "\n\t"):
        with pytest.raises(ValueError):
            store.join_with_invite(session, secret, blank)
        with pytest.raises(ValueError):
            store.create_workshop(session, company=blank, title="T", facilitator_name="F")
    with pytest.raises(ValueError, match="already joined"):  # the app tells Sam from SAM
        store.join_with_invite(session, secret, "SAM")


def test_a_name_is_restored_tidied_as_the_app_tidies_it(session, uploads):
    data = add_marketing(honest_backup(session), "  Lee   Park ")
    restored = restore_workshop(session, json.dumps(data), client=CLIENT)
    assert ("marketing", "Lee Park") in restored.people


# --- the home page -----------------------------------------------------------------------------

def test_the_home_page_refuses_a_time_without_its_zone_in_a_sentence(database_url, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    engine = make_engine(sqlalchemy_url(database_url))
    at = AppTest.from_file(APP, default_timeout=60).run()
    with session(engine) as s:
        data = honest_backup(s)
        before = stored(s, tmp_path / "uploads")
    data["workshop"]["created_at"] = "2026-03-01T09:00:00"
    at.file_uploader(key="restore:file").set_value(
        ("naive.json", json.dumps(data).encode(), "application/json")).run()
    at.button(key="restore:go").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [escape_markdown(
        "This backup is damaged: the time “workshop › created_at” has no time zone.")]
    with session(engine) as s:
        assert stored(s, tmp_path / "uploads") == before
    engine.dispose()
