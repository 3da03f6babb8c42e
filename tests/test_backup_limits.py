"""Crafted backups (reliability suite): each is refused in one sentence before anything is
written (no workshop row, no file in the upload folder, not even a temporary one), on SQLite and
PostgreSQL, through the store, the command line and the home page; restoring a bomb of 3.9 GB of
zeros takes bounded memory in a worker process of its own; every way out of a restore removes
its temporary files.

Every crafted file is made in memory at test time (the bomb from one compressed megabyte of
zeros, repeated), on a backup of a workshop with everything (tests/test_backup.py). The limits
are the real ones (workshop/backup.py, README "Reliability").
"""
from __future__ import annotations

import base64
import copy
import functools
import gzip
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from tests import hostile_files as hf
from tests.conftest import sqlalchemy_url
from tests.test_backup import rich_workshop
from workshop import backup
from workshop.backup import BackupError, export_workshop, restore_workshop
from workshop.cli import main
from workshop.db import make_engine, session
from workshop.models import Workshop
from workshop.text import escape_markdown

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
MB = 1024 * 1024
HASH_NAME = re.compile(r"^[0-9a-f]{64}$")
# Words that give away a traceback, SQL, a server's paths or a library's internals.
NOT_FOR_PEOPLE = ("Traceback", 'File "', "INSERT", "SELECT", "UPDATE", "sqlalchemy",
                  "psycopg", "sqlite3", "Integrity", "Error", "[SQL", "/", "\\", "{",
                  "pydantic", "NoneType")
BOMB_FILES = 20
BOMB_FILE_MB = 199  # each under the 200 MB an upload may be: 3.9 GB together
BOMB_PEAK_MB = 300  # what restoring the bomb may take above the worker's start


@pytest.fixture
def uploads(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setenv("UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def base_backup(tmp_path_factory) -> dict:
    """A backup of the rich workshop: drafts, change log, discussion, a proposal signed by
    both teams as version 1 (reopened since), its figures, an upload, the agenda."""
    folder = tmp_path_factory.mktemp("base")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("UPLOAD_DIR", str(folder / "uploads"))
        engine = make_engine(f"sqlite:///{folder / 'base.db'}")
        with session(engine) as s:
            text = export_workshop(s, *rich_workshop(s))
        engine.dispose()
    data = json.loads(text)
    assert len(data["versions"]) == 1 and len(data["proposals"][0]["sign_offs"]) == 2
    return data


def assert_clear(message: str) -> None:
    """One sentence a person can act on: no traceback, SQL, path or library name."""
    assert re.match(r"^(The|This) ", message), message
    assert message.count(". ") <= 2 and len(message) < 300, message
    for words in NOT_FOR_PEOPLE:
        assert words not in message, (words, message)


# --- the crafted files ---------------------------------------------------------------------------

def gzip_member(raw: hf.RawMember) -> bytes:
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + raw.stream + struct.pack("<II", raw.crc, raw.size & 0xFFFFFFFF)


@functools.cache
def zero_bomb() -> dict[str, str]:
    """Embedded exports of 199 MB of zeros and one byte of their own, with the right
    fingerprints: each passes the per-file limit and its check, 3.9 GB together, in 5 MB.
    One compressed megabyte of zeros is repeated (hostile_files.repeated_stream), and the
    zeros are hashed once for all of them."""
    zeros = bytes(MB)
    common = hashlib.sha256()
    for _ in range(BOMB_FILE_MB):
        common.update(zeros)
    files = {}
    for index in range(BOMB_FILES):
        tail = bytes([index + 1])
        digest = common.copy()
        digest.update(tail)
        member = gzip_member(hf.repeated_stream(b"", zeros, BOMB_FILE_MB, tail))
        files[digest.hexdigest()] = base64.b64encode(member).decode("ascii")
    return files


def with_files(data: dict, files: dict[str, str]) -> None:
    data["files"] = files
    data["uploads"] = [{"sha256": sha, "filename": f"export-{n}.csv", "rows": 1,
                        "headers_signature": "h" * 64, "mapping": {},
                        "uploaded_at": "2026-01-01T00:00:00Z"}
                       for n, sha in enumerate(files)]


def bomb(data: dict) -> None:
    with_files(data, zero_bomb())


def many_small_files(data: dict) -> None:
    files = {}
    for n in range(backup.MAX_FILES + 1):
        content = b"company\nAcme %d\n" % n
        files[hashlib.sha256(content).hexdigest()] = base64.b64encode(
            gzip.compress(content)).decode()
    with_files(data, files)


def million_criteria(data: dict) -> None:
    data["shared"]["definition"]["criteria"] = [
        {"field": "employees", "op": "at_least", "low": 10}] * 1_000_000


def million_history_rows(data: dict) -> None:
    data["changes"] = [{"revision": 1, "by_name": "x", "summary": "", "questions": "",
                        "definition": {}, "restores": None,
                        "at": "2026-01-01T00:00:00Z"}] * 1_000_000


def history_rows_over_the_limit(data: dict) -> None:
    data["measurements"] *= backup.MAX_ROWS + 1


def duplicate_sign_off(data: dict) -> None:
    answers = data["proposals"][0]["sign_offs"]
    answers.append(dict(answers[0]))


def sign_off_by_the_facilitator(data: dict) -> None:
    data["proposals"][0]["sign_offs"][0]["role"] = "facilitator"


def version_signed_by_nobody(data: dict) -> None:
    data["versions"][0]["signatories"] = []


def version_signed_by_a_team_with_nobody(data: dict) -> None:
    data["people"] = [p for p in data["people"] if p["role"] != "sales"]
    proposal = data["proposals"][0]
    proposal["sign_offs"] = [a for a in proposal["sign_offs"] if a["role"] != "sales"]


def version_signed_by_the_facilitator(data: dict) -> None:
    data["versions"][0]["signatories"][0]["role"] = "facilitator"


def versions_7_and_3(data: dict) -> None:
    """Version 7, then version 3 signed a day later, each with its own signed proposal."""
    first, version = data["proposals"][0], data["versions"][0]
    first["number"] = version["number"] = 7
    for measurement in data["measurements"]:
        measurement["version_number"] = 7
    later = copy.deepcopy(first) | {"number": 3, "proposed_at": "2099-01-01T00:00:00Z"}
    data["proposals"].append(later)
    data["versions"].append(copy.deepcopy(version) | {
        "number": 3, "proposal": len(data["proposals"]) - 1,
        "signed_at": "2099-01-02T00:00:00Z", "reopened_at": None})


def two_open_proposals(data: dict) -> None:
    for _ in range(2):
        data["proposals"].append(copy.deepcopy(data["proposals"][0]) | {
            "number": 2, "status": "open", "sign_offs": []})


def revision_of_a_trillion(data: dict) -> None:
    data["shared"]["revision"] = 10**12


def draft_revision_of_a_trillion(data: dict) -> None:
    data["people"][1]["draft"]["revision"] = 10**12


def null_figures(data: dict) -> None:
    data["measurements"][0]["figures"]["leads"] = None


def proposal_figures_of_the_wrong_kind(data: dict) -> None:
    data["proposals"][0]["figures"]["qualified"] = 1.5


def measurement_of_a_missing_version(data: dict) -> None:
    data["measurements"][0]["version_number"] = 5


def question_discussed_twice(data: dict) -> None:
    data["discussion"].append(dict(data["discussion"][0]))


def nul_in_a_name(data: dict) -> None:
    data["workshop"]["company"] = "Acme\u0000 Ltd"


@dataclass(frozen=True)
class Crafted:
    change: Callable[[dict], None]
    message: str  # a fragment of the sentence the file is refused with

    def __str__(self) -> str:
        return self.change.__name__


CRAFTED = [
    Crafted(bomb, "exports add up to more than 1,024 MB"),
    Crafted(many_small_files, "more than 100 uploaded exports"),
    Crafted(million_criteria, "more than 100,000 criteria and conversion actions"),
    Crafted(million_history_rows, "far more than any workshop"),
    Crafted(history_rows_over_the_limit, "more than 20,000 rows of history"),
    Crafted(duplicate_sign_off, "a team answers proposal 1 twice"),
    Crafted(sign_off_by_the_facilitator, "only marketing and sales sign"),
    Crafted(version_signed_by_nobody, "version 1 is signed by nobody"),
    Crafted(version_signed_by_a_team_with_nobody, "a team that has nobody in the workshop"),
    Crafted(version_signed_by_the_facilitator, "version 1 is signed by the facilitator"),
    Crafted(versions_7_and_3, "version 7 was signed before version 3"),
    Crafted(two_open_proposals, "more than one proposal is waiting for sign-off"),
    Crafted(revision_of_a_trillion, "outside 0 to 999,999,999"),
    Crafted(draft_revision_of_a_trillion, "outside 0 to 999,999,999"),
    Crafted(null_figures, "are not figures a measurement gives (a count missing"),
    Crafted(proposal_figures_of_the_wrong_kind, "the figures of proposal 1 are not figures"),
    Crafted(measurement_of_a_missing_version, "a version the backup does not hold"),
    Crafted(question_discussed_twice, "a question is up for discussion twice"),
    Crafted(nul_in_a_name, "a character no database can keep"),
]
BY_NAME = {str(case): case for case in CRAFTED}


@pytest.fixture(scope="module")
def crafted(base_backup) -> Callable[[Crafted], bytes]:
    """Each crafted file, made once for both engines."""
    @functools.cache
    def make(case: Crafted) -> bytes:
        data = copy.deepcopy(base_backup)
        case.change(data)
        return json.dumps(data).encode()
    return make


def workshops(s) -> int:
    return s.exec(sa.select(sa.func.count()).select_from(Workshop)).scalar_one()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("case", CRAFTED, ids=str)
def test_a_crafted_backup_is_refused_in_a_sentence_and_nothing_is_written(
        case, crafted, session, uploads):
    data = crafted(case)
    before = workshops(session)
    with pytest.raises(BackupError) as refused:
        restore_workshop(session, data)
    assert case.message in str(refused.value)
    assert_clear(str(refused.value))
    session.rollback()
    assert workshops(session) == before
    assert files_in(uploads) == []  # no export, no temporary file


def test_a_million_criteria_are_refused_while_the_file_is_parsed(crafted, monkeypatch):
    """Counted as the JSON is read, before the rest of it is: not one part of the file is
    built as a model, and the count after parsing is not even needed."""
    data = crafted(BY_NAME["million_criteria"])
    assert len(data) > 50 * MB

    def never(*args, **kwargs):
        raise AssertionError("the file was read whole and built")

    monkeypatch.setattr(backup, "_check_counts", never)
    monkeypatch.setattr(backup.Backup, "model_validate", never)
    with pytest.raises(BackupError, match="more than 100,000 criteria"):
        backup.read_backup(data)


WORKER = """
import json, re, sys
from workshop.backup import BackupError, restore_workshop
from workshop.db import make_engine, session

def status(field):
    found = re.search(field + r":\\s+(\\d+) kB", open("/proc/self/status").read())
    return int(found.group(1)) / 1024

engine = make_engine(sys.argv[2])
data = open(sys.argv[1], "rb").read()
open("/proc/self/clear_refs", "w").write("5")  # the high-water mark starts again here
before = status("VmRSS")
try:
    with session(engine) as s:
        restore_workshop(s, data)
    outcome = "restored"
except BackupError as error:
    outcome = str(error)
print(json.dumps({"outcome": outcome, "peak_above_mb": status("VmHWM") - before}))
"""


def assert_the_bomb_unpacks_to_gigabytes() -> None:
    """The bomb is what it says: 3.9 GB of zeros in 5 MB, each file under the per-file limit
    and with its right fingerprint, so a reader that trusted it would really unpack it all."""
    files = zero_bomb()
    assert len(files) == BOMB_FILES and sum(map(len, files.values())) < 6 * MB
    sizes = []
    for packed in files.values():
        member = base64.b64decode(packed)
        (size,) = struct.unpack("<I", member[-4:])
        sizes.append(size)
    assert max(sizes) < backup.MAX_FILE_BYTES and sum(sizes) > 3.5 * 1024 * MB
    sha, packed = next(iter(files.items()))  # one in full: really zeros, with its fingerprint
    unzip, digest, size = zlib.decompressobj(31), hashlib.sha256(), 0
    data = base64.b64decode(packed)
    while data:
        chunk = unzip.decompress(data, 8 * MB)
        digest.update(chunk)
        size += len(chunk)
        data = unzip.unconsumed_tail
    assert unzip.eof and size == sizes[0] and digest.hexdigest() == sha


def test_restoring_the_bomb_takes_bounded_memory_and_no_disk(crafted, tmp_path):
    """In a worker process of its own, as tests/test_hostile_input.py measures uploads: the
    peak resident memory above the worker's start while it restores 3.9 GB of zeros."""
    assert_the_bomb_unpacks_to_gigabytes()
    path = tmp_path / "bomb.json"
    path.write_bytes(crafted(BY_NAME["bomb"]))
    folder = tmp_path / "uploads"
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(path), f"sqlite:///{tmp_path / 'w.db'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=os.environ | {"UPLOAD_DIR": str(folder)})
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert "add up to more than 1,024 MB" in outcome["outcome"]
    assert outcome["peak_above_mb"] < BOMB_PEAK_MB, outcome
    assert not folder.exists()  # refused before a byte was written


# --- every path out of a restore removes its temporary files -------------------------------------

def test_a_failure_midway_leaves_no_file_and_a_restore_only_finished_ones(
        base_backup, session, uploads, monkeypatch):
    def fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patch:
        patch.setattr(backup.store, "add_workshop", fails)
        before = workshops(session)
        with pytest.raises(RuntimeError):
            restore_workshop(session, json.dumps(base_backup))
        assert workshops(session) == before and files_in(uploads) == []
    restore_workshop(session, json.dumps(base_backup))  # and without the failure: its upload
    assert workshops(session) == before + 1
    names = files_in(uploads)
    assert names == sorted(base_backup["files"]) and all(map(HASH_NAME.match, names))


def test_what_the_database_still_refuses_is_a_sentence_and_leaves_nothing(
        base_backup, crafted, session, uploads, monkeypatch):
    """Should a check ever miss something the database refuses, the refusal is still said in
    words, without SQL, and nothing of the workshop or its files stays."""
    monkeypatch.setattr(backup, "_check_sign_offs", lambda backup: None)
    monkeypatch.setattr(backup, "_check_versions", lambda backup: None)
    before = workshops(session)
    with pytest.raises(BackupError) as refused:
        restore_workshop(session, crafted(BY_NAME["duplicate_sign_off"]))
    assert_clear(str(refused.value))
    assert workshops(session) == before and files_in(uploads) == []


# --- the command line and the home page ----------------------------------------------------------

def test_the_command_line_refuses_a_crafted_backup_in_one_line(capsys, crafted, database_url,
                                                               tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    path = tmp_path / "crafted.json"
    path.write_bytes(crafted(BY_NAME["duplicate_sign_off"]))
    code = main(["restore", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and not out
    assert err == "error: This backup is damaged: a team answers proposal 1 twice.\n"


def test_the_home_page_refuses_a_crafted_backup_with_a_sentence(crafted, database_url,
                                                               tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "uploads"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    engine = make_engine(sqlalchemy_url(database_url))
    with session(engine) as s:
        before = workshops(s)  # the demos, made as the app started
    at.file_uploader(key="restore:file").set_value(
        ("crafted.json", crafted(BY_NAME["duplicate_sign_off"]), "application/json")).run()
    at.button(key="restore:go").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [escape_markdown(
        "This backup is damaged: a team answers proposal 1 twice.")]
    with session(engine) as s:
        assert workshops(s) == before
    engine.dispose()
    assert files_in(tmp_path / "uploads") == []
