"""A workshop as one JSON file, and back: to keep a copy, or to move it to another server or
database engine.

The file holds everything the workshop is — the drafts, the shared definition and its change log,
the discussion, proposals, sign-offs, versions, measurements, the agenda and the uploaded exports
themselves — and no secret: no key, join link, join code or wall link. Restoring gives the
workshop new ones (a new facilitator link; participants are invited again). Exporting a restored
workshop gives the very same file, whichever engine it was restored into.
"""
from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, select

from workshop import limits, store
from workshop.definition import Definition, DefinitionError, describe_validation_error
from workshop.models import (
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
from workshop.uploads import load_upload, save_upload

FORMAT = "ideal-lead-workshop backup"
BACKUP_VERSION = 1
MAX_BACKUP_BYTES = 300 * 1024 * 1024  # the uploaded exports are inside, compressed
MAX_FILE_BYTES = 200 * 1024 * 1024  # as large as an upload may be (.streamlit/config.toml)
Text = Annotated[str, Field(max_length=store.MAX_TEXT)]
LongText = Annotated[str, Field(max_length=200_000)]
Role = Literal["facilitator", "marketing", "sales"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftBackup(_Part):
    definition: dict[str, Any]
    revision: int = Field(ge=0)
    done_at: datetime | None
    updated_at: datetime


class PersonBackup(_Part):
    role: Role
    name: Text
    joined_at: datetime
    draft: DraftBackup


class SharedBackup(_Part):
    definition: dict[str, Any]
    revision: int = Field(ge=0)
    decisions: dict[str, str]
    agreed_by: LongText
    agreed_at: datetime | None
    updated_at: datetime


class ChangeBackup(_Part):
    revision: int
    by_name: Text
    summary: LongText
    questions: LongText
    definition: dict[str, Any]
    restores: int | None
    at: datetime


class DiscussionBackup(_Part):
    question: Annotated[str, Field(max_length=40)]
    open: bool
    note: LongText
    updated_at: datetime


class SignOffBackup(_Part):
    role: Role
    name: Text
    agrees: bool
    reason: LongText
    in_room: bool
    at: datetime


Figures = dict[Annotated[str, Field(max_length=40)], int | float | None]


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
    proposed_at: datetime
    sign_offs: list[SignOffBackup]


class VersionBackup(_Part):
    number: int = Field(ge=1)
    proposal: int = Field(ge=0, description="the proposal's place in `proposals`")
    definition: dict[str, Any]
    signatories: list[SignatoryBackup]
    signed_at: datetime
    reopened_at: datetime | None


class MeasurementBackup(_Part):
    version_number: int
    source: Annotated[str, Field(max_length=300)]
    sha256: Annotated[str, Field(max_length=64)]
    at_signoff: bool
    figures: Figures
    measured_at: datetime


class UploadBackup(_Part):
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    filename: Annotated[str, Field(max_length=300)]
    rows: int = Field(ge=0)
    headers_signature: Annotated[str, Field(max_length=64)]
    mapping: dict[str, Any]
    uploaded_at: datetime


Step = Annotated[str, Field(pattern=r"^[1-4]$")]


class AgendaBackup(_Part):
    current_step: int = Field(ge=1, le=4)
    step_started_at: datetime
    minutes: dict[Step, Annotated[int, Field(ge=1, le=240)]] | None


class WorkshopBackup(_Part):
    company: Text
    title: Text
    facilitator_name: Text
    auto_reveal: bool
    created_at: datetime
    revealed_at: datetime | None
    wall_page_shared: bool


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
    store._facilitator(session, workshop_id, facilitator_token)
    if not store.is_revealed(session, workshop_id):
        raise store.Locked("A backup holds every draft, so it can be taken once the drafts are "
                           "revealed (step 3).")
    return to_json(collect(session, workshop_id))


def backup_filename(session: Session, workshop_id: str) -> str:
    workshop = store.get_workshop(session, workshop_id)
    stem = "".join(ch if ch.isalnum() else "-" for ch in workshop.company.lower()).strip("-")
    return f"{'-'.join(part for part in stem.split('-') if part) or 'workshop'}-backup.json"


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
            wall_page_shared=wall is not None),
        people=[PersonBackup(
            role=person.role, name=person.name, joined_at=_utc(person.joined_at),
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
                       for s in sign_offs if s.proposal_id == p.id])
            for p in proposals],
        versions=[VersionBackup(
            number=v.number, proposal=place[v.proposal_id],
            definition=_definition(v.definition_json),
            signatories=json.loads(v.signatories_json), signed_at=_utc(v.signed_at),
            reopened_at=_utc(v.reopened_at))
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
        files={sha: _pack(sha) for sha in sorted({u.sha256 for u in uploads})},
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

def read_backup(data: bytes | str) -> Backup:
    """The backup in a file, or a BackupError saying in words what is wrong with it."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data.strip():
        raise BackupError("The file is empty.")
    if len(data) > MAX_BACKUP_BYTES:
        raise BackupError(f"The file is larger than a workshop backup can be "
                          f"({MAX_BACKUP_BYTES // (1024 * 1024)} MB).")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BackupError("This is not a workshop backup: it is not UTF-8 text.") from None
    except RecursionError:
        raise BackupError("This is not a workshop backup: it is nested too deeply.") from None
    except ValueError as error:
        raise BackupError(f"This is not a workshop backup: it is not valid JSON "
                          f"(line {getattr(error, 'lineno', '?')}).") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupError("This is not a workshop backup (a file saved with “Back up this "
                          "workshop”). A definition file is imported on the draft pages.")
    if raw.get("backup_version") != BACKUP_VERSION:
        raise BackupError(f"This backup is version {raw.get('backup_version')!r}; this release "
                          f"restores version {BACKUP_VERSION}. Update the app to restore it.")
    try:
        backup = Backup.model_validate(raw)
        for definition in _definitions(backup):
            Definition.from_dict(definition)
    except ValidationError as error:
        raise BackupError(f"This backup is damaged: {describe_validation_error(error)}") from None
    except (DefinitionError, ValueError) as error:
        raise BackupError(f"This backup is damaged: {error}") from None
    _check_references(backup)
    return backup


def _definitions(backup: Backup):
    yield backup.shared.definition
    for person in backup.people:
        yield person.draft.definition
    for item in (*backup.changes, *backup.proposals, *backup.versions):
        yield item.definition


def _check_references(backup: Backup) -> None:
    roles = [person.role for person in backup.people]
    if roles.count("facilitator") != 1:
        raise BackupError("This backup is damaged: it must name exactly one facilitator.")
    if len({(p.role, p.name) for p in backup.people}) != len(backup.people):
        raise BackupError("This backup is damaged: a person is listed twice.")
    if any(v.proposal >= len(backup.proposals) for v in backup.versions):
        raise BackupError("This backup is damaged: a version points to a missing proposal.")
    if len({v.number for v in backup.versions}) != len(backup.versions):
        raise BackupError("This backup is damaged: a version number is listed twice.")
    for upload in backup.uploads:
        packed = backup.files.get(upload.sha256)
        if packed is None:
            raise BackupError(f"This backup is damaged: the file of {upload.filename} is "
                              "missing.")


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
    limited."""
    backup = data if isinstance(data, Backup) else read_backup(data)
    with store.counted_creation(session, client, clock):
        try:
            return _restore(session, backup)
        except BaseException:
            session.rollback()  # nothing of a half-restored workshop stays
            raise


def _restore(session: Session, backup: Backup) -> Restored:
    files = {sha: _unpack(sha, packed) for sha, packed in backup.files.items() if packed}
    for upload in backup.uploads:
        if upload.sha256 in files:
            save_upload(files[upload.sha256])
    about = backup.workshop
    workshop = Workshop(id=store._new_workshop_id(), company=about.company, title=about.title,
                        facilitator_name=about.facilitator_name, facilitator_token="",
                        join_code="", auto_reveal=about.auto_reveal,
                        created_at=about.created_at, revealed_at=about.revealed_at)
    facilitator = store.add_workshop(session, workshop, {}, commit=False)
    workshop_id = workshop.id
    keys = {}
    for person in backup.people:
        token = facilitator if person.role == "facilitator" else store.new_token()
        keys[(person.role, person.name)] = token
        row = Participant(workshop_id=workshop_id, role=person.role, name=person.name,
                          token=token, joined_at=person.joined_at)
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
    proposal_ids = []
    for proposal in backup.proposals:
        row = Proposal(workshop_id=workshop_id, number=proposal.number,
                       shared_revision=proposal.shared_revision,
                       definition_json=_stored(proposal.definition),
                       figures_json=json.dumps(proposal.figures) if proposal.figures else "",
                       source=proposal.source, status=proposal.status,
                       proposed_at=proposal.proposed_at)
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
                            signed_at=version.signed_at, reopened_at=version.reopened_at))
    for measurement in backup.measurements:
        session.add(Measurement(workshop_id=workshop_id, **measurement.model_dump(
            exclude={"figures"}), figures_json=json.dumps(measurement.figures)))
    for upload in backup.uploads:
        session.add(LeadsUpload(workshop_id=workshop_id, **upload.model_dump(
            exclude={"mapping"}), mapping_json=json.dumps(upload.mapping)))
    if backup.agenda is not None:
        agenda = backup.agenda
        session.add(AgendaState(
            workshop_id=workshop_id, current_step=agenda.current_step,
            step_started_at=agenda.step_started_at,
            minutes_json=json.dumps(agenda.minutes) if agenda.minutes is not None else ""))
    if about.wall_page_shared:
        session.add(WallLink(secret=store.new_token(), workshop_id=workshop_id))
    session.commit()
    return Restored(workshop_id, facilitator, keys)


def _stored(definition: dict[str, Any]) -> str:
    return Definition.from_dict(definition).to_json()


def _unpack(sha: str, packed: str) -> bytes:
    """The upload's bytes; never more than an upload may be, whatever the file claims."""
    unzip = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        data = unzip.decompress(base64.b64decode(packed, validate=True), MAX_FILE_BYTES + 1)
    except (binascii.Error, zlib.error, ValueError):
        raise BackupError("This backup is damaged: an uploaded export in it cannot be "
                          "read.") from None
    if len(data) > MAX_FILE_BYTES:
        raise BackupError("This backup holds an uploaded export larger than an upload may be.")
    if hashlib.sha256(data).hexdigest() != sha:
        raise BackupError("This backup is damaged: an uploaded export in it does not match "
                          "its fingerprint.")
    return data
