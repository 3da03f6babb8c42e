"""Where the room is, in one cheap read: screens poll it and redraw only when it changed.

`stamp` is one SELECT of a few counts and maxima over indexed columns (no definition is parsed,
no draft content read); it changes whenever something a shared screen shows changes: the reveal,
the room's step, a draft's progress, the shared definition, the discussion, a proposal, a
sign-off, a version or its reopening, a measurement, the wall link, the leads export.
`not_done` names who has not pressed Done yet, for the reveal's confirmation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import Session, select

from workshop.models import (
    AgendaState,
    DiscussionPoint,
    Draft,
    LeadsUpload,
    Measurement,
    Participant,
    Proposal,
    SharedDefinition,
    SignOff,
    Version,
    WallLink,
    Workshop,
)
from workshop.store import TEAM_ROLES, NotFound, authenticate


class Stamp(NamedTuple):
    """Each field is a small value that moves when that part of the room moves."""

    revealed: object  # when the drafts were revealed (None before, or after reopening)
    step: object  # the step the facilitator has taken the room to
    drafts: tuple  # people, drafts done, sum of draft revisions
    shared: object  # the shared definition's revision
    discussion: tuple  # points put up, sum of their revisions
    proposals: tuple  # proposals, open ones, signed ones
    signoffs: tuple  # answers given, the latest answer's time
    versions: tuple  # versions, reopened ones
    measurements: object
    wall: tuple  # wall links, revoked ones
    uploads: tuple  # the latest leads export, and its column mapping as saved
    capacity: tuple  # sales reps, leads one rep can work a month (as stored)


FIELDS = Stamp._fields


def _scalar(statement):
    return statement.scalar_subquery()


def stamp(session: Session, workshop_id: str) -> Stamp:
    """One round trip. Raises NotFound for a workshop that is not there (any more)."""
    wid = workshop_id
    proposal_ids = select(Proposal.id).where(Proposal.workshop_id == wid)
    columns = [
        _scalar(select(func.count()).select_from(Workshop).where(Workshop.id == wid)),
        _scalar(select(Workshop.revealed_at).where(Workshop.id == wid)),
        _scalar(select(AgendaState.current_step).where(AgendaState.workshop_id == wid)),
        _scalar(select(func.count()).select_from(Participant)
                .where(Participant.workshop_id == wid)),
        _scalar(select(func.count(Draft.done_at)).where(Draft.workshop_id == wid)),
        _scalar(select(func.coalesce(func.sum(Draft.revision), 0))
                .where(Draft.workshop_id == wid)),
        _scalar(select(SharedDefinition.revision).where(SharedDefinition.workshop_id == wid)),
        _scalar(select(func.count()).select_from(DiscussionPoint)
                .where(DiscussionPoint.workshop_id == wid)),
        _scalar(select(func.coalesce(func.sum(DiscussionPoint.revision), 0))
                .where(DiscussionPoint.workshop_id == wid)),
        _scalar(select(func.count()).select_from(Proposal).where(Proposal.workshop_id == wid)),
        _scalar(select(func.count()).select_from(Proposal)
                .where(Proposal.workshop_id == wid, Proposal.status == "open")),
        _scalar(select(func.count()).select_from(Proposal)
                .where(Proposal.workshop_id == wid, Proposal.status == "signed")),
        _scalar(select(func.count()).select_from(SignOff)
                .where(SignOff.proposal_id.in_(proposal_ids))),
        _scalar(select(func.max(SignOff.at)).where(SignOff.proposal_id.in_(proposal_ids))),
        _scalar(select(func.count()).select_from(Version).where(Version.workshop_id == wid)),
        _scalar(select(func.count(Version.reopened_at)).where(Version.workshop_id == wid)),
        _scalar(select(func.count()).select_from(Measurement)
                .where(Measurement.workshop_id == wid)),
        _scalar(select(func.count()).select_from(WallLink).where(WallLink.workshop_id == wid)),
        _scalar(select(func.count(WallLink.revoked_at)).where(WallLink.workshop_id == wid)),
        _scalar(select(func.max(LeadsUpload.id)).where(LeadsUpload.workshop_id == wid)),
        _scalar(select(LeadsUpload.mapping_json).where(LeadsUpload.workshop_id == wid)
                .order_by(LeadsUpload.id.desc()).limit(1)),
        _scalar(select(Workshop.sales_reps).where(Workshop.id == wid)),
        _scalar(select(Workshop.leads_per_rep).where(Workshop.id == wid)),
    ]
    row = session.exec(select(*columns)).one()
    (exists, revealed, step, people, done, revisions, shared, points, point_revisions,
     proposals, open_, signed, answers, last_answer, versions, reopened, measurements, walls,
     revoked, upload, mapping, reps, per_rep) = row
    if not exists:
        raise NotFound("This workshop is not there any more.")
    return Stamp(revealed=_text(revealed), step=step or 1,
                 drafts=(people, done, int(revisions)), shared=shared,
                 discussion=(points, int(point_revisions)),
                 proposals=(proposals, open_, signed), signoffs=(answers, _text(last_answer)),
                 versions=(versions, reopened), measurements=measurements,
                 wall=(walls, revoked), uploads=(upload, mapping), capacity=(reps, per_rep))


def _text(moment) -> str | None:
    """SQLite hands a subquery's time back as text, PostgreSQL as a datetime: compare as text."""
    return None if moment is None else str(moment)


def pick(current: Stamp, fields: tuple[str, ...] | None) -> tuple:
    """The parts of the stamp a screen shows (all of them when `fields` is None)."""
    if fields is None:
        return tuple(current)
    return tuple(getattr(current, field) for field in fields)


@dataclass(frozen=True)
class NotDone:
    role: str
    name: str
    started: bool


@dataclass(frozen=True)
class Readiness:
    """Who of marketing and sales has pressed Done, for the reveal's confirmation."""

    done: int
    team: int
    not_done: tuple[NotDone, ...]


def readiness(session: Session, workshop_id: str, token: str) -> Readiness:
    """Names and progress only, never content; for anyone in the workshop."""
    authenticate(session, workshop_id, token)
    rows = session.exec(
        select(Participant.role, Participant.name, Draft.done_at, Draft.revision)
        .join(Draft, Draft.participant_id == Participant.id)
        .where(Participant.workshop_id == workshop_id, Participant.role.in_(TEAM_ROLES))
        .order_by(Participant.id)).all()
    order = {role: index for index, role in enumerate(TEAM_ROLES)}
    waiting = sorted((NotDone(role, name, revision > 0)
                      for role, name, done_at, revision in rows if done_at is None),
                     key=lambda person: order[person.role])
    return Readiness(done=len(rows) - len(waiting), team=len(rows), not_done=tuple(waiting))
