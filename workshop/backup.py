"""A workshop as one JSON file, and back: to keep a copy, or to move it to another server or
database engine.

The file holds everything the workshop is — the drafts, the shared definition and its change log,
the discussion, proposals, sign-offs, versions, measurements, the agenda and the uploaded exports
themselves — and no secret: no key, join link, join code or wall link. Restoring gives the
workshop new ones (a new facilitator link; participants are invited again). Exporting a restored
workshop gives the very same file, whichever engine it was restored into.

Anyone may restore a file (the home screen asks for no key), so a restore is bounded: in its
size, its rows, its criteria and its embedded exports (each, and all together, unpacked a chunk
at a time), and a file whose parts do not hold together as the app keeps a workshop is refused.
All of it is checked before anything is written, and refused in one sentence.
"""
from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import itertools
import json
import re
import zlib
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, select

from workshop import limits, store
from workshop.capacity import MAX_PER_REP, MAX_REPS, stored_figure
from workshop.definition import Definition, DefinitionError
from workshop.measure import Figures as MeasuredFigures
from workshop.models import (
    DATA_ROLE,
    AgendaState,
    Draft,
    LeadsUpload,
    Measurement,
    Participant,
    Proposal,
    SharedChange,
    SharedDefinition,
    SignOff,
    Version,
    WallLink,
    Workshop,
)
from workshop.models import DiscussionPoint as DiscussionRow
from workshop.settings import upload_dir
from workshop.store import UNSTORABLE
from workshop.uploads import PendingUpload, load_upload
from workshop.versions import kept_notes

FORMAT = "ideal-lead-workshop backup"
BACKUP_VERSION = 1
MB = 1024 * 1024
# What a restore takes at most. A real workshop stays far below each limit; a crafted file
# beyond one is refused before anything is written, having cost a bounded amount of memory,
# time and disk (see README, Reliability).
MAX_BACKUP_BYTES = 300 * MB  # the uploaded exports are inside, compressed
MAX_FILE_BYTES = 200 * MB  # as large as an upload may be (.streamlit/config.toml)
MAX_FILES_TOTAL_BYTES = 1024 * MB  # all embedded exports together, unpacked
MAX_FILES = 100  # embedded exports
MAX_CRITERIA = 100_000  # criteria and conversion actions, over every definition in the file
HISTORY = ("people", "changes", "discussion", "proposals", "versions", "measurements",
           "uploads")
MAX_ROWS = 20_000  # rows of HISTORY, sign-offs included
MAX_NUMBER = 999_999_999  # revisions, version numbers, row counts (the database's are 32-bit)
# Every criterion is one JSON object and no row needs ten: a file with more is refused while
# it is parsed, before the rest of it is read into memory.
MAX_JSON_OBJECTS = MAX_CRITERIA + 10 * MAX_ROWS + 1_000
TOO_MANY_CRITERIA = (f"This backup cannot be restored: its definitions hold more than "
                     f"{MAX_CRITERIA:,} criteria and conversion actions together, far more "
                     "than any workshop.")
_MAYBE_UNSTORABLE = re.compile(rb"\\u(?:0000|[dD][89abcdefABCDEF])")
CHUNK = MB  # an embedded export is unpacked this much at a time
BASE64_CHUNK = 4 * MB  # characters of base64 decoded at a time (a multiple of 4)
Text = Annotated[str, Field(max_length=store.MAX_TEXT)]
LongText = Annotated[str, Field(max_length=200_000)]
# The times a workshop can have: the app's own backups write each in UTC, zone included (`_utc`).
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


def _in_utc(moment: datetime) -> datetime:
    """A time as the database keeps it (in UTC), within years any workshop's times are in: a
    year 1 or 9999 would break the pages that count time from it."""
    outside = ValueError(f"is not between the years {EARLIEST.year} and {LATEST.year - 1}")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 in a zone that takes it past the calendar
        raise outside from None
    if not EARLIEST <= moment < LATEST:
        raise outside
    return moment


def _name(text: str) -> str:
    """A name or title as the app takes one when a workshop is made or someone joins
    (`store.clean_text`): on one line, printable, not blank."""
    try:
        return store.clean_text(text, "name")
    except ValueError:
        raise ValueError("is empty") from None


Moment = Annotated[AwareDatetime, AfterValidator(_in_utc)]
Name = Annotated[Text, AfterValidator(_name)]
Role = Literal["facilitator", "marketing", "sales"]  # who answers proposals, and the facilitator
DraftRole = Literal["facilitator", "marketing", "sales", "data"]  # ...and the won deals' draft


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftBackup(_Part):
    definition: dict[str, Any]
    revision: int = Field(ge=0)
    done_at: Moment | None
    updated_at: Moment


class PersonBackup(_Part):
    role: DraftRole
    name: Name
    joined_at: Moment
    draft: DraftBackup
    at_screen: bool = False  # took turns at the shared screen (files before it did not say)


class SharedBackup(_Part):
    definition: dict[str, Any]
    revision: int = Field(ge=0)
    decisions: dict[str, str]
    agreed_by: LongText
    agreed_at: Moment | None
    updated_at: Moment


class ChangeBackup(_Part):
    revision: int
    by_name: Text
    summary: LongText
    questions: LongText
    definition: dict[str, Any]
    restores: int | None
    at: Moment


class DiscussionBackup(_Part):
    question: Annotated[str, Field(max_length=40)]
    open: bool
    note: LongText
    updated_at: Moment


class SignOffBackup(_Part):
    role: Role
    name: Text
    agrees: bool
    reason: LongText
    in_room: bool
    at: Moment


# Numbers, and the outcome column's header (`workshop.measure.Figures.outcome_column`).
# Their length is `Figures.from_json`'s to judge, as every other figure's (`_check_figures`).
Figures = dict[Annotated[str, Field(max_length=40)],
               int | float | None | str]


class SignatoryBackup(_Part):
    role: Role
    team: Text
    name: Text
    in_room: bool
    at: Annotated[str, Field(max_length=40)]


class ProposalBackup(_Part):
    number: int = Field(ge=1)
    shared_revision: int
    definition: dict[str, Any]
    figures: Figures | None
    source: Annotated[str, Field(max_length=300)]
    status: Literal["open", "signed", "withdrawn"]
    proposed_at: Moment
    sign_offs: list[SignOffBackup]
    # The decision notes as proposed; files from before they were kept have none, and take
    # the discussion's notes as they stand.
    decisions: dict[Annotated[str, Field(max_length=40)], LongText] | None = None


class VersionBackup(_Part):
    number: int = Field(ge=1)
    proposal: int = Field(ge=0, description="the proposal's place in `proposals`")
    definition: dict[str, Any]
    signatories: list[SignatoryBackup]
    signed_at: Moment
    reopened_at: Moment | None
    decisions: dict[Annotated[str, Field(max_length=40)], LongText] | None = None  # as signed


class MeasurementBackup(_Part):
    version_number: int
    source: Annotated[str, Field(max_length=300)]
    sha256: Annotated[str, Field(max_length=64)]
    at_signoff: bool
    figures: Figures
    measured_at: Moment


class UploadBackup(_Part):
    # Empty: an upload restored without its file, from a backup that did not hold it.
    sha256: Annotated[str, Field(pattern=r"^(?:[0-9a-f]{64})?$")]
    filename: Annotated[str, Field(max_length=300)]
    rows: int = Field(ge=0)
    headers_signature: Annotated[str, Field(max_length=64)]
    mapping: dict[str, Any]
    uploaded_at: Moment


Step = Annotated[str, Field(pattern=r"^[1-4]$")]


class AgendaBackup(_Part):
    current_step: int = Field(ge=1, le=4)
    step_started_at: Moment
    minutes: dict[Step, Annotated[int, Field(ge=1, le=240)]] | None


class WorkshopBackup(_Part):
    company: Name
    title: Name
    facilitator_name: Name
    auto_reveal: bool
    created_at: Moment
    revealed_at: Moment | None
    wall_page_shared: bool
    # Sales' capacity as set on the evidence page (`workshop.capacity`); absent in older backups.
    sales_reps: Annotated[int, Field(ge=0, le=MAX_REPS)] | None = None
    leads_per_rep: Annotated[int, Field(ge=0, le=MAX_PER_REP)] | None = None


class Backup(_Part):
    format: Literal["ideal-lead-workshop backup"]
    backup_version: Literal[1]
    workshop: WorkshopBackup
    people: list[PersonBackup]
    shared: SharedBackup
    changes: list[ChangeBackup]
    discussion: list[DiscussionBackup]
    proposals: list[ProposalBackup]
    versions: list[VersionBackup]
    measurements: list[MeasurementBackup]
    uploads: list[UploadBackup]
    files: dict[str, str] = Field(description="each upload's bytes, gzip then base64, by hash")
    agenda: AgendaBackup | None


class BackupError(ValueError):
    """The file cannot be restored; the message says why in words."""


# --- export ------------------------------------------------------------------------------------

def export_workshop(session: Session, workshop_id: str, facilitator_token: str) -> str:
    """The workshop as one JSON document: only its facilitator may take it away, and only once
    the drafts are revealed (it holds every draft)."""
    store.authenticate_facilitator(session, workshop_id, facilitator_token)
    if not store.is_revealed(session, workshop_id):
        raise store.Locked("A backup holds every draft, so it can be taken once the drafts are "
                           "revealed (step 3).")
    try:
        return to_json(collect(session, workshop_id))
    except (ValueError, TypeError, KeyError, AttributeError) as error:  # a damaged row
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise store.Damaged("Something this workshop holds in the database cannot be read, so "
                            f"no backup can be made of it ({first[:200]}). "
                            f"{store.DAMAGED_ADVICE}") from None


def backup_filename(session: Session, workshop_id: str) -> str:
    workshop = store.get_workshop(session, workshop_id)
    stem = "".join(ch if ch.isalnum() else "-" for ch in workshop.company.lower()).strip("-")
    stem = "-".join(part for part in stem.split("-") if part) or "workshop"
    # A file name is at most 255 bytes on most disks: 98 Japanese characters are 294 in UTF-8.
    while len(stem.encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return f"{stem.rstrip('-')}-backup.json"


MAX_NAME_BYTES = 120  # of a backup's name before "-backup.json"


def collect(session: Session, workshop_id: str) -> Backup:
    workshop = store.get_workshop(session, workshop_id)
    people = session.exec(select(Participant, Draft).join(
        Draft, Draft.participant_id == Participant.id).where(
        Participant.workshop_id == workshop_id).order_by(Participant.id)).all()
    shared = session.get(SharedDefinition, workshop_id)
    session.refresh(shared)
    proposals = _rows(session, Proposal, workshop_id, Proposal.id)
    place = {row.id: index for index, row in enumerate(proposals)}
    sign_offs = session.exec(select(SignOff).where(SignOff.proposal_id.in_(list(place)))
                             .order_by(SignOff.id)).all() if place else []
    uploads = _rows(session, LeadsUpload, workshop_id, LeadsUpload.id)
    agenda = session.get(AgendaState, workshop_id)
    wall = session.exec(select(WallLink.secret).where(
        WallLink.workshop_id == workshop_id, WallLink.revoked_at.is_(None))).first()
    return Backup(
        format=FORMAT, backup_version=BACKUP_VERSION,
        workshop=WorkshopBackup(
            company=workshop.company, title=workshop.title,
            facilitator_name=workshop.facilitator_name, auto_reveal=workshop.auto_reveal,
            created_at=_utc(workshop.created_at), revealed_at=_utc(workshop.revealed_at),
            wall_page_shared=wall is not None,
            sales_reps=stored_figure(workshop.sales_reps, MAX_REPS),
            leads_per_rep=stored_figure(workshop.leads_per_rep, MAX_PER_REP)),
        people=[PersonBackup(
            role=person.role, name=person.name, joined_at=_utc(person.joined_at),
            at_screen=person.at_screen,
            draft=DraftBackup(definition=_definition(draft.definition_json),
                              revision=draft.revision, done_at=_utc(draft.done_at),
                              updated_at=_utc(draft.updated_at)))
            for person, draft in people],
        shared=SharedBackup(
            definition=_definition(shared.definition_json), revision=shared.revision,
            decisions=json.loads(shared.decisions_json or "{}"), agreed_by=shared.agreed_by,
            agreed_at=_utc(shared.agreed_at), updated_at=_utc(shared.updated_at)),
        changes=[ChangeBackup(
            revision=c.revision, by_name=c.by_name, summary=c.summary, questions=c.questions,
            definition=_definition(c.definition_json), restores=c.restores, at=_utc(c.at))
            for c in _rows(session, SharedChange, workshop_id, SharedChange.id)],
        discussion=[DiscussionBackup(question=d.question, open=d.open, note=d.note,
                                     updated_at=_utc(d.updated_at))
                    for d in _rows(session, DiscussionRow, workshop_id,
                                   DiscussionRow.question)],
        proposals=[ProposalBackup(
            number=p.number, shared_revision=p.shared_revision,
            definition=_definition(p.definition_json),
            figures=json.loads(p.figures_json) if p.figures_json else None, source=p.source,
            status=p.status, proposed_at=_utc(p.proposed_at),
            sign_offs=[SignOffBackup(role=s.role, name=s.name, agrees=s.agrees, reason=s.reason,
                                     in_room=s.in_room, at=_utc(s.at))
                       for s in sign_offs if s.proposal_id == p.id],
            decisions=kept_notes(p.decisions_json))
            for p in proposals],
        versions=[VersionBackup(
            number=v.number, proposal=place[v.proposal_id],
            definition=_definition(v.definition_json),
            signatories=json.loads(v.signatories_json), signed_at=_utc(v.signed_at),
            reopened_at=_utc(v.reopened_at), decisions=kept_notes(v.decisions_json))
            for v in _rows(session, Version, workshop_id, Version.number)],
        measurements=[MeasurementBackup(
            version_number=m.version_number, source=m.source, sha256=m.sha256,
            at_signoff=m.at_signoff, figures=json.loads(m.figures_json),
            measured_at=_utc(m.measured_at))
            for m in _rows(session, Measurement, workshop_id, Measurement.id)],
        uploads=[UploadBackup(sha256=u.sha256, filename=u.filename, rows=u.rows,
                              headers_signature=u.headers_signature,
                              mapping=json.loads(u.mapping_json), uploaded_at=_utc(u.uploaded_at))
                 for u in uploads],
        files={sha: _pack(sha) for sha in sorted({u.sha256 for u in uploads if u.sha256})},
        agenda=None if agenda is None else AgendaBackup(
            current_step=agenda.current_step, step_started_at=_utc(agenda.step_started_at),
            minutes=json.loads(agenda.minutes_json) if agenda.minutes_json else None),
    )


def to_json(backup: Backup) -> str:
    return json.dumps(backup.model_dump(mode="json"), ensure_ascii=False, indent=1,
                      sort_keys=True) + "\n"


def _rows(session: Session, table, workshop_id: str, order) -> list:
    return list(session.exec(select(table).where(table.workshop_id == workshop_id)
                             .order_by(order)).all())


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _definition(text: str) -> dict[str, Any]:
    return json.loads(Definition.from_json(text).to_json())


def _pack(sha: str) -> str:
    try:
        data = load_upload(sha)
    except FileNotFoundError:
        return ""  # gone from this server already: the upload's details are still kept
    return base64.b64encode(gzip.compress(data, mtime=0)).decode("ascii")


# --- import ------------------------------------------------------------------------------------

class _TooMany(Exception):
    """Raised from inside the JSON parser, with the sentence to refuse the file with."""


def read_backup(data: bytes | str) -> Backup:
    """The backup in a file, or a BackupError saying in words what is wrong with it.

    Everything is checked here, before anything is written: the limits (counted while the file
    is parsed, and before any part of it is built), that the parts fit together as the app
    keeps them, and every embedded export (unpacked a chunk at a time, never whole)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise BackupError("The file is empty.")
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupError(f"The file is larger than a workshop backup can be "
                          f"({MAX_BACKUP_BYTES // MB} MB).")
    raw = _parse(data)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupError("This is not a workshop backup (a file saved with “Back up this "
                          "workshop”). A definition file is imported on the draft pages.")
    if raw.get("backup_version") != BACKUP_VERSION:
        raise BackupError(f"This backup is version {raw.get('backup_version')!r}; this release "
                          f"restores version {BACKUP_VERSION}. Update the app to restore it.")
    _check_counts(raw)
    _check_text(data, raw)
    try:
        backup = Backup.model_validate(raw)
        for definition in _definitions(backup):
            Definition.from_dict(definition)
    except ValidationError as error:
        raise _described(error) from None
    except (DefinitionError, ValueError) as error:
        raise BackupError(f"This backup is damaged: {error}") from None
    _check(backup)
    return backup


def _parse(data: bytes) -> Any:
    """The JSON, refused as soon as it holds more objects, or more criteria, than a backup
    within the limits can: a crafted file stops early, instead of filling the memory with a
    million of them before they are counted."""
    objects = criteria = 0

    def counted(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal objects, criteria
        made = dict(pairs)
        objects += 1
        criteria += "field" in made  # criteria and actions; a few other objects at most
        if criteria > MAX_CRITERIA + MAX_ROWS + 1_000:  # those few: one per row at most
            raise _TooMany(TOO_MANY_CRITERIA)
        if objects > MAX_JSON_OBJECTS:
            raise _TooMany(f"This backup cannot be restored: it has more than "
                           f"{MAX_JSON_OBJECTS:,} parts, far more than any workshop.")
        return made

    try:
        return json.loads(data.decode("utf-8-sig"), object_pairs_hook=counted)
    except UnicodeDecodeError:
        raise BackupError("This is not a workshop backup: it is not UTF-8 text.") from None
    except RecursionError:
        raise BackupError("This is not a workshop backup: it is nested too deeply.") from None
    except _TooMany as refusal:
        raise BackupError(str(refusal)) from None
    except ValueError as error:
        raise BackupError(f"This is not a workshop backup: it is not valid JSON "
                          f"(line {getattr(error, 'lineno', '?')}).") from None


def _items(value: Any) -> list:
    """A list from a file not checked yet; anything else counts as empty (the model then says
    what is wrong with it)."""
    return value if isinstance(value, list) else []


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _check_counts(raw: dict[str, Any]) -> None:
    """The limits on rows, criteria and embedded files, counted on the parsed file before a
    single part of it is built or checked."""
    proposals = _items(raw.get("proposals"))
    rows = sum(len(_items(raw.get(key))) for key in HISTORY) + sum(
        len(_items(_get(proposal, "sign_offs"))) for proposal in proposals)
    if rows > MAX_ROWS:
        raise BackupError(f"This backup cannot be restored: it has more than {MAX_ROWS:,} "
                          "rows of history (people, changes, proposals, sign-offs, versions, "
                          "measurements, uploads), far more than any workshop.")
    definitions = [_get(raw, "shared", "definition")]
    definitions += [_get(person, "draft", "definition") for person in _items(raw.get("people"))]
    definitions += [_get(item, "definition") for key in ("changes", "proposals", "versions")
                    for item in _items(raw.get(key))]
    criteria = sum(len(_items(_get(d, "criteria"))) + len(_items(_get(d, "actions")))
                   for d in definitions)
    if criteria > MAX_CRITERIA:
        raise BackupError(TOO_MANY_CRITERIA)
    files = raw.get("files")
    if isinstance(files, dict) and len(files) > MAX_FILES:
        raise BackupError(f"This backup cannot be restored: it holds more than {MAX_FILES} "
                          "uploaded exports, far more than any workshop.")


def _check_text(data: bytes, raw: dict[str, Any]) -> None:
    """No text a database cannot keep (a NUL, half of an emoji): refused here, in words,
    rather than by the database halfway through. In JSON such a character can only come as an
    escape (`\\u0000`, `\\ud83d`), so a file without one has none and is not walked through."""
    if not _MAYBE_UNSTORABLE.search(data):
        return
    pending: list[Any] = [{k: v for k, v in raw.items() if k != "files"}]  # files: base64
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if UNSTORABLE.search(value):
                raise BackupError("This backup is damaged: a text in it holds a character no "
                                  "database can keep (a NUL, or half of an emoji).")
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _definitions(backup: Backup):
    yield backup.shared.definition
    for person in backup.people:
        yield person.draft.definition
    for item in (*backup.changes, *backup.proposals, *backup.versions):
        yield item.definition


def _check(backup: Backup) -> None:
    _check_reveal(backup)
    _check_references(backup)
    _check_numbers(backup)
    _check_sign_offs(backup)
    _check_versions(backup)
    _check_figures(backup)
    for _sha, chunks in _embedded_files(backup):  # every byte read, nothing kept
        for _chunk in chunks:
            pass


def _damaged(what: str) -> BackupError:
    return BackupError(f"This backup is damaged: {what}")


def _described(error: ValidationError) -> BackupError:
    """The first thing wrong with the file's parts, named by where it is in the backup
    ("people › 2 › name"), in words."""
    first = error.errors()[0]
    where = " › ".join(str(part + 1) if isinstance(part, int) else str(part)[:40]
                       for part in first.get("loc", ()))
    message = str(first.get("msg", "is not valid")).removeprefix("Value error, ")
    kind = first.get("type")
    if kind == "missing":
        what = f"its part “{where}” is missing"
    elif kind == "extra_forbidden":
        what = f"“{where}” is not part of a workshop backup"
    elif kind == "timezone_aware":
        what = f"the time “{where}” has no time zone"
    elif message.startswith("is "):  # this module's own checks (`_in_utc`, `_name`)
        what = f"“{where}” {message}"
    else:
        what = f"“{where}”: {message[:1].lower()}{message[1:]}"
    return _damaged(f"{what}.")


def _check_reveal(backup: Backup) -> None:
    """What comes only after the reveal comes with it."""
    if backup.workshop.revealed_at is None and (backup.proposals or backup.versions
                                                or backup.changes or backup.measurements):
        raise _damaged("it holds changes to the shared definition, proposals or versions, "
                       "but says its drafts were never revealed: they come only after the "
                       "reveal.")


def _check_references(backup: Backup) -> None:
    roles = [person.role for person in backup.people]
    if roles.count("facilitator") != 1:
        raise _damaged("it must name exactly one facilitator.")
    if roles.count(DATA_ROLE) > 1:
        raise _damaged("it holds more than one draft of the won deals.")
    # Told apart as the app tells them apart when someone joins or takes a turn (`store`).
    if len({(p.role, store.name_key(p.name)) for p in backup.people}) != len(backup.people):
        raise _damaged("a person is listed twice (names that differ only in capitals are the "
                       "same name).")
    if any(v.proposal >= len(backup.proposals) for v in backup.versions):
        raise _damaged("a version points to a missing proposal.")
    if len({v.number for v in backup.versions}) != len(backup.versions):
        raise _damaged("a version number is listed twice.")
    if len({d.question for d in backup.discussion}) != len(backup.discussion):
        raise _damaged("a question is up for discussion twice.")
    numbers = {v.number for v in backup.versions}
    if any(m.version_number not in numbers for m in backup.measurements):
        raise _damaged("a measurement is of a version the backup does not hold.")
    for upload in backup.uploads:
        if upload.sha256 and upload.sha256 not in backup.files:
            raise _damaged(f"the file of {upload.filename} is missing.")


def _carried(backup: Backup) -> list[str]:
    """The uploads' files the backup holds itself. A restored workshop reads only these: an
    upload whose file it lacks (gone from the server it was taken on) is restored without its
    file, never linked to what this server keeps under that hash, which may be another
    workshop's. Its pages then ask for the export again."""
    return sorted({u.sha256 for u in backup.uploads if u.sha256 and backup.files.get(u.sha256)})


def _check_numbers(backup: Backup) -> None:
    """Revisions and numbers as a workshop counts them: from 0, and nowhere near the database's
    largest integer."""
    numbers = [backup.shared.revision]
    numbers += [person.draft.revision for person in backup.people]
    numbers += [n for c in backup.changes for n in (c.revision, c.restores) if n is not None]
    numbers += [n for p in backup.proposals for n in (p.number, p.shared_revision)]
    numbers += [v.number for v in backup.versions]
    numbers += [m.version_number for m in backup.measurements]
    numbers += [u.rows for u in backup.uploads]
    if any(not 0 <= number <= MAX_NUMBER for number in numbers):
        raise _damaged(f"a revision, version number or count in it is outside 0 to "
                       f"{MAX_NUMBER:,}, where every workshop's are.")


def _check_sign_offs(backup: Backup) -> None:
    """As `workshop.versions` lets people sign: only marketing and sales, only a team that has
    someone in the workshop, one answer per team and proposal, one proposal open at a time."""
    present = {person.role for person in backup.people}
    for proposal in backup.proposals:
        roles = [answer.role for answer in proposal.sign_offs]
        if any(role not in store.TEAM_ROLES for role in roles):
            raise _damaged("a sign-off is given by the facilitator; only marketing and sales "
                           "sign.")
        if any(role not in present for role in roles):
            raise _damaged("a sign-off is given for a team that has nobody in the workshop.")
        if len(set(roles)) != len(roles):
            raise _damaged(f"a team answers proposal {proposal.number} twice.")
    if sum(proposal.status == "open" for proposal in backup.proposals) > 1:
        raise _damaged("more than one proposal is waiting for sign-off.")


def _check_versions(backup: Backup) -> None:
    """As `workshop.versions` makes versions: one per signed proposal, with its number, signed
    by the teams whose sign-offs it has, numbered upwards in the order they were signed."""
    present = {person.role for person in backup.people}
    made_from = [version.proposal for version in backup.versions]
    if len(set(made_from)) != len(made_from):
        raise _damaged("two versions come from the same proposal.")
    signed = {index for index, p in enumerate(backup.proposals) if p.status == "signed"}
    if signed != set(made_from):
        raise _damaged("a version and the proposal it was signed as do not match.")
    for version in backup.versions:
        proposal = backup.proposals[version.proposal]
        roles = [signatory.role for signatory in version.signatories]
        if not roles:
            raise _damaged(f"version {version.number} is signed by nobody.")
        if any(role not in store.TEAM_ROLES for role in roles):
            raise _damaged(f"version {version.number} is signed by the facilitator; only "
                           "marketing and sales sign.")
        if any(role not in present for role in roles):
            raise _damaged(f"version {version.number} is signed for a team that has nobody "
                           "in the workshop.")
        signatures = sorted((s.role, s.name) for s in version.signatories)
        answers = sorted((a.role, a.name) for a in proposal.sign_offs)
        if (proposal.number != version.number or signatures != answers
                or not all(answer.agrees for answer in proposal.sign_offs)):
            raise _damaged(f"version {version.number} does not match the sign-offs of its "
                           "proposal.")
    in_signing_order = sorted(backup.versions, key=lambda v: (v.signed_at, v.number))
    for earlier, later in itertools.pairwise(in_signing_order):
        if earlier.number > later.number:
            raise _damaged(f"version {earlier.number} was signed before version "
                           f"{later.number}; versions are numbered in the order they are "
                           "signed.")


def _check_figures(backup: Backup) -> None:
    """Figures the pages can show: as a measurement gives them (`Figures.from_json`)."""
    kept = [(f"the figures of version {m.version_number}'s measurement", m.figures)
            for m in backup.measurements]
    kept += [(f"the figures of proposal {p.number}", p.figures)
             for p in backup.proposals if p.figures]
    for what, figures in kept:
        if MeasuredFigures.from_json(json.dumps(figures)) is None:
            raise _damaged(f"{what} are not figures a measurement gives (a count missing, "
                           "not a whole number or more than the leads measured, a rate "
                           "outside 0% to 100% or no number, or created dates out of "
                           "order).")


def _embedded_files(backup: Backup) -> Iterator[tuple[str, Iterator[bytes]]]:
    """(hash, its bytes a chunk at a time) for every embedded export an upload needs. The
    limits are counted as the bytes come, per file and over all of them, and each file's
    fingerprint is checked after its last chunk: a bomb stops at the limit, in memory one
    chunk at a time."""
    total = 0

    def chunks(sha: str) -> Iterator[bytes]:
        nonlocal total
        size, digest = 0, hashlib.sha256()
        for chunk in _inflated(backup.files[sha]):
            size += len(chunk)
            total += len(chunk)
            if size > MAX_FILE_BYTES:
                raise BackupError("This backup holds an uploaded export larger than an upload "
                                  "may be.")
            if total > MAX_FILES_TOTAL_BYTES:
                raise BackupError(f"This backup cannot be restored: its uploaded exports add "
                                  f"up to more than {MAX_FILES_TOTAL_BYTES // MB:,} MB, far "
                                  "more than any workshop's.")
            digest.update(chunk)
            yield chunk
        if digest.hexdigest() != sha:
            raise _damaged("an uploaded export in it does not match its fingerprint.")

    for sha in _carried(backup):
        yield sha, chunks(sha)


def _inflated(packed: str) -> Iterator[bytes]:
    """An embedded file's bytes (gzip, then base64), never more than one chunk at a time."""
    unzip = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        for start in range(0, len(packed), BASE64_CHUNK):
            data = base64.b64decode(packed[start:start + BASE64_CHUNK], validate=True)
            while data and not unzip.eof:
                chunk = unzip.decompress(data, CHUNK)
                data = unzip.unconsumed_tail
                if chunk:
                    yield chunk
            if unzip.eof:
                break
        rest = unzip.flush()  # input is used up: at most a few bytes of one match are left
    except (binascii.Error, zlib.error, ValueError):
        raise _damaged("an uploaded export in it cannot be read.") from None
    if rest:
        yield rest


@dataclass(frozen=True)
class Restored:
    """The restored workshop and everyone's new personal key, to be handed out once: the old
    keys stay with the old server. Whoever holds the backup has read every draft already."""

    workshop_id: str
    facilitator_token: str
    people: dict[tuple[str, str], str]  # (role, name) -> new key, the facilitator's included


def restore_workshop(session: Session, data: bytes | str | Backup, *,
                     client: str | None = None,
                     clock: limits.Clock = limits.SYSTEM_CLOCK) -> Restored:
    """A new workshop from a backup, in one transaction. Keys, join links, join code and wall
    link are new. A restore counts as creating a workshop from `client`'s network
    (`store.counted_creation`); None, the command line, is the server's operator and is not
    limited.

    Nothing is written until the whole file is checked (`read_backup`). The embedded exports
    are then written to temporary files, which take their names only once the workshop's rows
    are in; whatever goes wrong, the temporary files are removed and the transaction rolled
    back."""
    if isinstance(data, Backup):
        backup = data
        _check(backup)
    else:
        backup = read_backup(data)
    with store.counted_creation(session, client, clock):
        try:
            with ExitStack() as pending:
                return _restore(session, backup, pending)
        except OperationalError:
            session.rollback()
            raise BackupError("This backup cannot be restored just now: the database did not "
                              "answer; nothing was restored. Try again in a moment.") from None
        except SQLAlchemyError:  # its message holds SQL and the new keys: never shown
            session.rollback()  # the checks above should leave nothing for the database to refuse
            raise BackupError("This backup cannot be restored: the database refuses a part of "
                              "it (a duplicate, or a value out of range); nothing was restored.") \
                from None
        except BaseException:
            session.rollback()  # nothing of a half-restored workshop stays
            raise


def _write_files(backup: Backup, pending: ExitStack) -> list[PendingUpload]:
    """Every embedded export an upload needs and this server lacks, in a temporary file."""
    written = []
    folder = upload_dir()
    for sha, chunks in _embedded_files(backup):
        if (folder / sha).exists():
            continue  # the same bytes are here already (the hash says so)
        try:
            file = pending.enter_context(PendingUpload(folder))
            for chunk in chunks:
                file.write(chunk)
            sha_written = file.finish()
        except OSError as error:  # a full disk, say: said without the server's paths
            raise BackupError(f"This backup cannot be restored: this server cannot store its "
                              f"uploaded exports ({error.strerror or 'cannot write'}).") \
                from None
        if sha_written != sha:  # read once already; checked again as written
            raise _damaged("an uploaded export in it does not match its fingerprint.")
        written.append(file)
    return written


def _restore(session: Session, backup: Backup, pending: ExitStack) -> Restored:
    files = _write_files(backup, pending)
    about = backup.workshop
    workshop = Workshop(id=store.new_workshop_id(), company=about.company, title=about.title,
                        facilitator_name=about.facilitator_name, facilitator_token="",
                        join_code="", auto_reveal=about.auto_reveal,
                        created_at=about.created_at, revealed_at=about.revealed_at,
                        sales_reps=about.sales_reps, leads_per_rep=about.leads_per_rep)
    facilitator = store.add_workshop(session, workshop, {}, commit=False)
    workshop_id = workshop.id
    keys = {}
    for person in backup.people:
        token = facilitator if person.role == "facilitator" else store.new_token()
        if person.role != DATA_ROLE:  # nobody signs in as the won deals' draft
            keys[(person.role, person.name)] = token
        row = Participant(workshop_id=workshop_id, role=person.role, name=person.name,
                          token=token, joined_at=person.joined_at, at_screen=person.at_screen)
        session.add(row)
        session.flush()
        draft = person.draft
        session.add(Draft(workshop_id=workshop_id, participant_id=row.id,
                          definition_json=_stored(draft.definition), revision=draft.revision,
                          done_at=draft.done_at, updated_at=draft.updated_at))
    shared = session.get(SharedDefinition, workshop_id)
    shared.definition_json = _stored(backup.shared.definition)
    shared.revision = backup.shared.revision
    shared.decisions_json = json.dumps(backup.shared.decisions)
    shared.agreed_by, shared.agreed_at = backup.shared.agreed_by, backup.shared.agreed_at
    shared.updated_at = backup.shared.updated_at
    session.add(shared)
    for change in backup.changes:
        session.add(SharedChange(workshop_id=workshop_id, revision=change.revision,
                                 by_name=change.by_name, summary=change.summary,
                                 questions=change.questions,
                                 definition_json=_stored(change.definition),
                                 restores=change.restores, at=change.at))
    for point in backup.discussion:
        session.add(DiscussionRow(workshop_id=workshop_id, question=point.question,
                                  open=point.open, note=point.note, updated_at=point.updated_at))
    noted = {p.question: p.note for p in backup.discussion if p.note.strip()}
    proposal_ids = []
    for proposal in backup.proposals:
        row = Proposal(workshop_id=workshop_id, number=proposal.number,
                       shared_revision=proposal.shared_revision,
                       definition_json=_stored(proposal.definition),
                       figures_json=json.dumps(proposal.figures) if proposal.figures else "",
                       source=proposal.source, status=proposal.status,
                       proposed_at=proposal.proposed_at,
                       decisions_json=_notes_json(proposal.decisions, noted))
        session.add(row)
        session.flush()
        proposal_ids.append(row.id)
        for answer in proposal.sign_offs:
            session.add(SignOff(proposal_id=row.id, **answer.model_dump()))
    for version in backup.versions:
        session.add(Version(workshop_id=workshop_id, number=version.number,
                            proposal_id=proposal_ids[version.proposal],
                            definition_json=_stored(version.definition),
                            signatories_json=json.dumps(
                                [s.model_dump() for s in version.signatories]),
                            signed_at=version.signed_at, reopened_at=version.reopened_at,
                            decisions_json=_notes_json(version.decisions, noted)))
    for measurement in backup.measurements:
        session.add(Measurement(workshop_id=workshop_id, **measurement.model_dump(
            exclude={"figures"}), figures_json=json.dumps(measurement.figures)))
    carried = set(_carried(backup))
    for upload in backup.uploads:
        session.add(LeadsUpload(workshop_id=workshop_id, **upload.model_dump(
            exclude={"mapping", "sha256"}), mapping_json=json.dumps(upload.mapping),
            sha256=upload.sha256 if upload.sha256 in carried else ""))
    if backup.agenda is not None:
        agenda = backup.agenda
        session.add(AgendaState(
            workshop_id=workshop_id, current_step=agenda.current_step,
            step_started_at=agenda.step_started_at,
            minutes_json=json.dumps(agenda.minutes) if agenda.minutes is not None else ""))
    if about.wall_page_shared:
        session.add(WallLink(secret=store.new_token(), workshop_id=workshop_id))
    session.flush()  # the database accepted every row: the files can take their names
    for file in files:
        # Once named by its hash a file stays, even if the commit below fails: by then the
        # same bytes may be another workshop's upload too.
        file.keep()
    session.commit()
    return Restored(workshop_id, facilitator, keys)


def _notes_json(kept: dict[str, str] | None, noted: dict[str, str]) -> str:
    """Decision notes as a proposal or version keeps them; `noted` (the discussion's) for a
    file from before they were kept."""
    return json.dumps(kept_notes(json.dumps(noted if kept is None else kept)))


def _stored(definition: dict[str, Any]) -> str:
    return Definition.from_dict(definition).to_json()

