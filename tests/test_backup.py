"""A workshop exported to one JSON file imports back identically, on the same or another engine;
the file holds no secret, and a damaged or hostile file gets a clear message."""
from __future__ import annotations

import base64
import gzip
import json

import pytest
import sqlalchemy as sa

from tests.conftest import sqlalchemy_url
from workshop import agenda, backup, demo, store, versions
from workshop.backup import BackupError, export_workshop, read_backup, restore_workshop
from workshop.db import make_engine, session
from workshop.definition import Definition
from workshop.leads import load_sample_leads
from workshop.models import Invite, LeadsUpload, Participant, WallLink, Workshop
from workshop.uploads import load_upload, save_upload

UPLOAD = (b"company,industry,created\nA&B <Ltd>,Software,2026-01-05\n"
          b"\xc3\xa9clair,Retail,2026-02-01\n")


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setenv("UPLOAD_DIR", str(folder))
    return folder


def rich_workshop(s) -> tuple[str, str]:
    """The finished demo (drafts, log, discussion, signed version, measurements, wall page,
    agenda), reopened, with an upload and a few odd characters: a workshop with everything."""
    demo.seed_finished_demo(s, load_sample_leads())
    workshop = s.get(Workshop, demo.FINISHED_ID)
    token = workshop.facilitator_token
    versions.reopen(s, demo.FINISHED_ID, token)
    shared = store.shared_state(s, demo.FINISHED_ID, token)
    store.save_shared(s, demo.FINISHED_ID, token, shared.definition, shared.revision,
                      {"industry": "Ünïcode “quotes” <b>&</b>"})
    versions.set_discussion(s, demo.FINISHED_ID, token, "budget", open=True,
                            note="Sales: =HYPERLINK(\"http://x\") is not a budget\nline two")
    sha = save_upload(UPLOAD)
    store.record_upload(s, demo.FINISHED_ID, token, sha256=sha, filename="april <b>.csv",
                        rows=2, headers_signature="h" * 64, mapping_json='{"columns": {}}')
    agenda.set_minutes(s, demo.FINISHED_ID, token, {1: 25, 2: 30, 3: 70, 4: 25})
    return demo.FINISHED_ID, token


def secrets_of(s, workshop_id: str) -> list[str]:
    workshop = s.get(Workshop, workshop_id)
    found = [workshop.facilitator_token, workshop.join_code]
    found += s.exec(sa.select(Participant.token).where(
        Participant.workshop_id == workshop_id)).scalars().all()
    found += s.exec(sa.select(Invite.secret).where(Invite.workshop_id == workshop_id)
                    ).scalars().all()
    found += s.exec(sa.select(WallLink.secret).where(WallLink.workshop_id == workshop_id)
                    ).scalars().all()
    return found


def engine_url(kind: str, tmp_path, request) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / f'{kind}-{len(list(tmp_path.iterdir()))}.db'}"
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    request.addfinalizer(lambda: server.drop_database(name))
    return server.url(name)


@pytest.mark.parametrize(("source", "target"), [("sqlite", "sqlite"), ("sqlite", "postgresql"),
                                                ("postgresql", "sqlite")])
def test_a_workshop_exports_to_one_file_and_imports_back_identically(source, target, tmp_path,
                                                                      request, uploads):
    from_engine = make_engine(sqlalchemy_url(engine_url(source, tmp_path, request)))
    with session(from_engine) as s:
        workshop_id, token = rich_workshop(s)
        text = export_workshop(s, workshop_id, token)
        secrets = secrets_of(s, workshop_id)
    from_engine.dispose()
    for secret in secrets:  # no key, join code, join link or wall link leaves the server
        assert secret not in text

    for item in uploads.iterdir():  # another server: the upload travels inside the file
        item.unlink()
    to_engine = make_engine(sqlalchemy_url(engine_url(target, tmp_path, request)))
    with session(to_engine) as s:
        restored = restore_workshop(s, text.encode())
        assert export_workshop(s, restored.workshop_id, restored.facilitator_token) == text
        check_restored_workshop_works(s, restored, secrets)
    to_engine.dispose()


def check_restored_workshop_works(s, restored: backup.Restored, old_secrets: list[str]) -> None:
    workshop_id, token = restored.workshop_id, restored.facilitator_token
    assert not set(secrets_of(s, workshop_id)) & set(old_secrets)  # all new
    assert set(restored.people) == {("facilitator", "Dana Whitfield (COO)"),
                                    ("marketing", "Priya Raman (VP Marketing)"),
                                    ("sales", "Marcus Cole (Sales Director)")}
    marketing = restored.people[("marketing", "Priya Raman (VP Marketing)")]
    assert store.authenticate(s, workshop_id, marketing).role == "marketing"
    # the demo team took turns at the shared screen: a restore keeps them turn-takers
    assert all(status.at_screen for status in store.draft_statuses(s, workshop_id, token)
               if status.role != "facilitator")
    assert len(store.revealed_drafts(s, workshop_id, marketing)) == 3
    shared = store.shared_state(s, workshop_id, token)
    assert shared.decisions["industry"] == "Ünïcode “quotes” <b>&</b>"
    signed = versions.versions(s, workshop_id, token)
    assert [v.number for v in signed] == [1] and signed[0].reopened_at is not None
    # the notes version 1 was signed with, not the one added after reopening it
    assert signed[0].decisions == dict(demo.DECISION_NOTES)
    assert versions.discussion(s, workshop_id, token)["budget"].note != \
        demo.DECISION_NOTES["budget"]
    assert versions.measurements(s, workshop_id, token)
    assert versions.discussion(s, workshop_id, token)["budget"].note.startswith("Sales: =HYP")
    upload = store.current_upload(s, workshop_id, token)
    assert upload.filename == "april <b>.csv" and load_upload(upload.sha256) == UPLOAD
    assert agenda.agenda(s, workshop_id, token).minutes == {1: 25, 2: 30, 3: 70, 4: 25}
    invitations = store.invitations(s, workshop_id, token)
    assert set(invitations.secrets) == {"marketing", "sales"} and invitations.join_code
    assert not s.get(Workshop, workshop_id).is_demo  # a restored demo is an ordinary workshop


def test_a_restore_never_touches_the_workshop_it_came_from(engine, uploads):
    with session(engine) as s:
        workshop_id, token = rich_workshop(s)
        text = export_workshop(s, workshop_id, token)
        restored = restore_workshop(s, text)
        assert restored.workshop_id != workshop_id
        assert export_workshop(s, workshop_id, token) == text
        store.save_shared(s, restored.workshop_id, restored.facilitator_token, Definition(),
                          store.shared_state(s, restored.workshop_id,
                                             restored.facilitator_token).revision)
        assert export_workshop(s, workshop_id, token) == text


def test_only_the_facilitator_takes_a_backup(session, uploads):
    workshop_id, token = rich_workshop(session)
    for stranger in ("", "x" * 43, demo_participant(session, workshop_id)):
        with pytest.raises(store.AccessDenied):
            export_workshop(session, workshop_id, stranger)


def demo_participant(s, workshop_id: str) -> str:
    return s.exec(sa.select(Participant.token).where(
        Participant.workshop_id == workshop_id, Participant.role == "marketing")).scalar_one()


def test_a_workshop_still_drafting_cannot_be_backed_up(session, uploads):
    """The file would hold every draft: nobody, the facilitator included, reads them early."""
    workshop, token = store.create_workshop(session, company="Acme", title="T",
                                            facilitator_name="Fay")
    _, marketing = store.join_with_invite(
        session, store.invitations(session, workshop.id, token).secrets["marketing"], "Mo")
    store.save_draft(session, workshop.id, marketing,
                     Definition().with_question("industry", [], note="Mo's secret note"), 0)
    with pytest.raises(store.Locked, match="once the drafts are revealed"):
        export_workshop(session, workshop.id, token)
    store.reveal(session, workshop.id, token)
    restored = restore_workshop(session, export_workshop(session, workshop.id, token))
    mine, revision, _ = store.my_draft(session, restored.workshop_id,
                                       restored.people[("marketing", "Mo")])
    assert revision == 1 and "Mo's secret note" in mine.to_json()


# --- damaged and hostile files -----------------------------------------------------------------

def valid_backup(session) -> dict:
    workshop, token = store.create_workshop(session, company="Acme", title="T",
                                            facilitator_name="Fay")
    store.reveal(session, workshop.id, token)
    return json.loads(export_workshop(session, workshop.id, token))


def damage(data: dict, path: str, value) -> bytes:
    keys = path.split(".")
    target = data
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return json.dumps(data).encode()


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: b"", "The file is empty."),
    (lambda d: b"\xff\xfe\x00garbage", "not UTF-8"),
    (lambda d: b"{not json", "not valid JSON"),
    (lambda d: b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    (lambda d: b'{"company": "Acme"}', "This is not a workshop backup"),
    (lambda d: json.dumps({"schema_version": 2, "criteria": []}).encode(),
     "A definition file is imported on the draft pages"),
    (lambda d: damage(d, "backup_version", 7), "this release restores version 1"),
    (lambda d: damage(d, "workshop.company", "x" * 100_000), "company"),
    (lambda d: damage(d, "people.0.role", "admin"), "role"),
    (lambda d: damage(d, "people", []), "exactly one facilitator"),
    (lambda d: damage(d, "shared.definition", {"criteria": [{"field": "nope"}]}), "damaged"),
    (lambda d: damage(d, "workshop.token", "smuggled"), "damaged"),
    (lambda d: damage(d, "shared.revision", -1), "damaged"),
])
def test_a_damaged_or_hostile_backup_gets_a_clear_message(session, make, message):
    data = make(valid_backup(session))
    before = len(store.list_workshops(session))
    with pytest.raises(BackupError, match="^(The|This) ") as raised:
        restore_workshop(session, data)
    assert message in str(raised.value)
    assert "Traceback" not in str(raised.value) and "{" not in str(raised.value)[:40]
    assert len(store.list_workshops(session)) == before  # nothing half-restored


def test_an_upload_inside_a_backup_is_checked_and_bounded(session, uploads, monkeypatch):
    data = valid_backup(session)
    sha = "0" * 64
    data["uploads"] = [{"sha256": sha, "filename": "x.csv", "rows": 1,
                        "headers_signature": "h", "mapping": {},
                        "uploaded_at": "2026-01-01T00:00:00Z"}]
    data["files"] = {sha: base64.b64encode(gzip.compress(b"a,b\n1,2\n")).decode()}
    with pytest.raises(BackupError, match="does not match its fingerprint"):
        restore_workshop(session, json.dumps(data))
    data["files"] = {sha: "%%% not base64"}
    with pytest.raises(BackupError, match="cannot be read"):
        restore_workshop(session, json.dumps(data))
    monkeypatch.setattr(backup, "MAX_FILE_BYTES", 1000)  # a gzip bomb stops at the limit
    data["files"] = {sha: base64.b64encode(gzip.compress(b"\0" * 1_000_000)).decode()}
    with pytest.raises(BackupError, match="larger than an upload may be"):
        restore_workshop(session, json.dumps(data))
    data["files"] = {}
    with pytest.raises(BackupError, match="the file of x.csv is missing"):
        read_backup(json.dumps(data))
    assert not list(uploads.glob("*")) or not (uploads / sha).exists()


def test_leads_upload_rows_of_a_restore_point_to_files_on_this_server(session, uploads):
    workshop_id, token = rich_workshop(session)
    restored = restore_workshop(session, export_workshop(session, workshop_id, token))
    row = session.exec(sa.select(LeadsUpload).where(
        LeadsUpload.workshop_id == restored.workshop_id)).scalar_one()
    assert (uploads / row.sha256).read_bytes() == UPLOAD
