"""Agreeing for real, and coming back later: the change log of the shared definition, questions
up for discussion, proposals and each team's sign-off, signed versions, and measurements.

The access rules live here as in `workshop.store`: only the facilitator changes, proposes,
reopens and measures; only a team member signs, and only for their own team; nobody outside the
workshop reads anything; before the reveal nobody but the facilitator sees any of it. A signed
version is never written again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from workshop import catalog
from workshop.definition import Definition
from workshop.measure import Figures
from workshop.merge import changed_questions
from workshop.models import (
    ROLE_LABELS,
    DiscussionPoint,
    Measurement,
    ObjectionDraft,
    Participant,
    Proposal,
    SharedChange,
    SharedDefinition,
    SignOff,
    Version,
    utcnow,
)
from workshop.store import (
    DAMAGED_ADVICE,
    TEAM_ROLES,
    AccessDenied,
    Actor,
    Damaged,
    Locked,
    NotFound,
    StaleEdit,
    authenticate,
    authenticate_facilitator,
    clean_note,
    clean_text,
    is_revealed,
    save_shared,
    shared_state,
    signed_and_closed,
    stored_definition,
    stored_json,
)

MAX_NOTE = 2000
QUESTION_KEYS = frozenset(q.key for q in catalog.QUESTIONS)


@dataclass(frozen=True)
class Change:
    id: int
    revision: int
    by: str
    summary: str
    questions: tuple[str, ...]
    at: datetime
    definition: Definition


@dataclass(frozen=True)
class Point:
    """A question's discussion state: up for discussion or settled, and the decision noted."""

    question: str
    open: bool
    note: str
    updated_at: datetime
    revision: int = 0  # what a save of this note names as the state it started from


@dataclass(frozen=True)
class Answer:
    role: str
    name: str
    agrees: bool
    reason: str
    in_room: bool
    at: datetime

    @property
    def team(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


@dataclass(frozen=True)
class ProposalState:
    id: int
    number: int
    definition: Definition
    figures: Figures | None
    source: str
    status: str
    proposed_at: datetime
    answers: dict[str, Answer]  # by team role
    teams: tuple[str, ...]  # the teams whose sign-off it needs
    decisions: dict[str, str] = field(default_factory=dict)  # the notes as proposed

    @property
    def waiting_for(self) -> list[str]:
        return [role for role in self.teams
                if role not in self.answers or not self.answers[role].agrees]


@dataclass(frozen=True)
class VersionInfo:
    number: int
    definition: Definition
    signed_at: datetime
    signatories: list[dict]
    reopened_at: datetime | None
    figures: Figures | None  # measured at sign-off
    decisions: dict[str, str] = field(default_factory=dict)  # the notes it was signed with


@dataclass(frozen=True)
class MeasurementInfo:
    id: int
    version_number: int
    source: str
    sha256: str
    at_signoff: bool
    figures: Figures | None  # None: nothing trustworthy stored
    measured_at: datetime


def authenticate_reader(session: Session, workshop_id: str, token: str) -> Actor:
    """Anyone in the workshop once the drafts are revealed; before that the facilitator only."""
    actor = authenticate(session, workshop_id, token)
    if not actor.is_facilitator and not is_revealed(session, workshop_id):
        raise Locked("This is shared after the reveal.")
    return actor


# --- the change log ------------------------------------------------------------------------------

def changes(session: Session, workshop_id: str, token: str) -> list[Change]:
    """Every change to the shared definition, oldest first."""
    authenticate_reader(session, workshop_id, token)
    rows = session.exec(select(SharedChange).where(SharedChange.workshop_id == workshop_id)
                        .order_by(SharedChange.revision, SharedChange.id)).all()
    return [Change(r.id, r.revision, r.by_name, r.summary,
                   tuple(q for q in r.questions.split(",") if q), r.at,
                   stored_definition(r.definition_json,
                                     f"Change {r.revision} of the shared definition"))
            for r in rows]


def go_back_to(session: Session, workshop_id: str, facilitator_token: str, revision: int,
               expected_revision: int) -> int:
    """Make the shared definition what it was at `revision` (0: the empty start), as a new
    change, so going back can itself be undone."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if revision == 0:
        target, summary = Definition(), "Went back to the empty start"
    else:
        row = _logged(session, workshop_id, revision)
        if row is None:
            raise NotFound(f"There is no change number {revision} in this workshop.")
        target = stored_definition(row.definition_json, f"Change {revision}")
        summary = f"Went back to change {revision} ({row.summary})"
    return _restore(session, workshop_id, facilitator_token, target, None, summary,
                    expected_revision)


def undo_last(session: Session, workshop_id: str, facilitator_token: str,
              expected_revision: int) -> int:
    """Step back one change. Undoing again keeps stepping back through the history (an undo
    is not itself undone; a later state can be picked in the replay and gone back to)."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    current = session.exec(select(SharedDefinition.revision).where(
        SharedDefinition.workshop_id == workshop_id)).one()
    if current != expected_revision:
        raise StaleEdit("The shared definition was changed elsewhere in the meantime; look at "
                        "it again before undoing.")
    latest = _logged(session, workshop_id, expected_revision)
    if latest is None:
        raise ValueError("There is nothing to undo yet." if expected_revision <= 0 else
                         "The changes so far were made before changes were recorded, so they "
                         "cannot be undone; edit the shared definition instead.")
    # Where in the history the current state stands: an undo stands where it went back to.
    position = latest.restores if latest.restores is not None else latest.revision
    if position <= 0:
        raise ValueError("This is the empty start: there is nothing further to undo.")
    earlier = session.exec(select(SharedChange).where(
        SharedChange.workshop_id == workshop_id, SharedChange.revision < position)
        .order_by(SharedChange.revision.desc())).first()
    if earlier is None:
        if position != 1:
            raise ValueError("The changes before this one were made before changes were "
                             "recorded, so they cannot be undone.")
        target, to, what = Definition(), 0, "the empty start"
    else:
        target, to, what = (stored_definition(earlier.definition_json,
                                              f"Change {earlier.revision}"), earlier.revision,
                            f"change {earlier.revision}")
    undone = _logged(session, workshop_id, position)
    summary = f"Undid “{undone.summary}”" if undone is not None else "Undid a change"
    return _restore(session, workshop_id, facilitator_token, target, to,
                    f"{summary}: back to {what}", expected_revision)


def _lock_shared(session: Session, workshop_id: str) -> SharedDefinition:
    """The shared definition's row, locked until the transaction ends (PostgreSQL; SQLite
    takes one writer at a time anyway), and read afresh."""
    row = session.exec(select(SharedDefinition).where(
        SharedDefinition.workshop_id == workshop_id).with_for_update()).one()
    session.refresh(row)
    return row


def _logged(session: Session, workshop_id: str, revision: int) -> SharedChange | None:
    return session.exec(select(SharedChange).where(
        SharedChange.workshop_id == workshop_id, SharedChange.revision == revision)).first()


def _restore(session: Session, workshop_id: str, facilitator_token: str, target: Definition,
             restores: int | None, summary: str, expected_revision: int) -> int:
    current = shared_state(session, workshop_id, facilitator_token)
    return save_shared(session, workshop_id, facilitator_token, target, expected_revision,
                       current.decisions, summary=summary,
                       questions=changed_questions(current.definition, target),
                       restores=restores)


# --- questions up for discussion -----------------------------------------------------------------

def discussion(session: Session, workshop_id: str, token: str) -> dict[str, Point]:
    authenticate_reader(session, workshop_id, token)
    rows = session.exec(select(DiscussionPoint)
                        .where(DiscussionPoint.workshop_id == workshop_id)).all()
    return {r.question: Point(r.question, r.open, r.note, r.updated_at, r.revision)
            for r in rows}


def set_discussion(session: Session, workshop_id: str, facilitator_token: str, question: str,
                   *, open: bool, note: str = "", expected_revision: int | None = None) -> int:
    """Put a question up for discussion (or settle it) and keep a short decision note; the
    note's new revision.

    With `expected_revision` (what the page showed; 0 for a question never noted) a save
    that someone else's came before is refused with `StaleEdit`, never silently replaced."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if not is_revealed(session, workshop_id):
        raise Locked("Questions are discussed after the reveal.")
    if question not in QUESTION_KEYS:
        raise NotFound(f"There is no guiding question {question!r}.")
    note = clean_note(note)
    if len(note) > MAX_NOTE:
        raise ValueError(f"Keep the decision note under {MAX_NOTE:,} characters.")
    title = catalog.QUESTIONS_BY_KEY[question].title
    stale = StaleEdit(f"The note on {title} was changed elsewhere in the meantime; the "
                      "latest is shown. Please make your change again.")
    row = session.get(DiscussionPoint, (workshop_id, question))
    if row is None:
        if expected_revision not in (None, 0):
            raise stale
        session.add(DiscussionPoint(workshop_id=workshop_id, question=question,
                                    open=bool(open), note=note, revision=1,
                                    updated_at=utcnow()))
        try:
            session.commit()
        except IntegrityError:  # the first note on this question, saved twice at once
            session.rollback()
            raise stale from None
        return 1
    session.refresh(row)
    current = row.revision
    if expected_revision is not None and expected_revision != current:
        raise stale
    # A statement that names the revision seen: a save committed in between matches no row.
    saved = session.exec(update(DiscussionPoint).where(
        DiscussionPoint.workshop_id == workshop_id, DiscussionPoint.question == question,
        DiscussionPoint.revision == current).values(
        open=bool(open), note=note, revision=current + 1, updated_at=utcnow()))
    session.commit()
    if saved.rowcount != 1:
        raise stale
    return current + 1


def decision_notes(session: Session, workshop_id: str) -> dict[str, str]:
    """The decision noted on each question now (question -> note), as a proposal takes them.
    No access check: callers have made theirs."""
    rows = session.exec(select(DiscussionPoint)
                        .where(DiscussionPoint.workshop_id == workshop_id)).all()
    return {row.question: row.note for row in rows if row.note and row.note.strip()}


def kept_notes(stored: str) -> dict[str, str]:
    """The decision notes a proposal or version keeps, as stored; a damaged value reads as
    no notes rather than stopping the page."""
    try:
        notes = json.loads(stored or "{}")
    except ValueError:
        return {}
    if not isinstance(notes, dict):
        return {}
    return {q: n for q, n in notes.items()
            if q in QUESTION_KEYS and isinstance(n, str) and n.strip()}


# --- proposing and signing -----------------------------------------------------------------------

def _teams(session: Session, workshop_id: str) -> tuple[str, ...]:
    """The teams that took part: each must sign. Without any, nobody can."""
    roles = set(session.exec(select(Participant.role).where(
        Participant.workshop_id == workshop_id)).all())
    return tuple(role for role in TEAM_ROLES if role in roles)


def propose(session: Session, workshop_id: str, facilitator_token: str, expected_revision: int,
            figures: Figures | None = None, source: str = "") -> int:
    """Put the shared definition, as it is at `expected_revision`, to the teams for sign-off.

    Returns the version number it becomes. `figures` are its headline figures on the leads
    (`source`) at this moment; they are kept with the version once it is signed."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if not is_revealed(session, workshop_id):
        raise Locked("The shared definition is built after the reveal.")
    signed = signed_and_closed(session, workshop_id)
    if signed is not None:
        raise Locked(f"Version {signed} is already signed. Reopen it to propose a new one.")
    if not _teams(session, workshop_id):
        raise ValueError("Nobody from marketing or sales has joined, so nobody can sign.")
    row = _lock_shared(session, workshop_id)  # held until the proposal is in
    if row.revision != expected_revision:
        raise StaleEdit("The shared definition changed in the meantime. Look at it again "
                        "before proposing it.")
    if stored_definition(row.definition_json, "The shared definition").is_empty():
        raise ValueError("The shared definition is empty: agree on at least one question first.")
    session.exec(update(Proposal).where(Proposal.workshop_id == workshop_id,
                                        Proposal.status == "open").values(status="withdrawn"))
    number = _latest_number(session, workshop_id) + 1
    proposal = Proposal(workshop_id=workshop_id, number=number,
                        shared_revision=expected_revision,
                        definition_json=row.definition_json,
                        figures_json=figures.to_json() if figures is not None else "",
                        source=(source or "")[:300],
                        decisions_json=json.dumps(decision_notes(session, workshop_id)))
    session.add(proposal)
    session.commit()
    return number


def _latest_number(session: Session, workshop_id: str) -> int:
    latest = session.exec(select(Version.number).where(Version.workshop_id == workshop_id)
                          .order_by(Version.number.desc())).first()
    return latest or 0


def current_proposal(session: Session, workshop_id: str, token: str) -> ProposalState | None:
    """The proposal waiting for sign-off, if any."""
    authenticate_reader(session, workshop_id, token)
    row = session.exec(select(Proposal).where(Proposal.workshop_id == workshop_id,
                                              Proposal.status == "open")
                       .order_by(Proposal.id.desc())).first()
    return None if row is None else _proposal_state(session, row)


def _proposal_state(session: Session, row: Proposal) -> ProposalState:
    session.refresh(row)
    answers = session.exec(select(SignOff).where(SignOff.proposal_id == row.id)).all()
    return ProposalState(
        row.id, row.number, stored_definition(row.definition_json, f"Proposal {row.number}"),
        Figures.from_json(row.figures_json), row.source, row.status, row.proposed_at,
        {a.role: Answer(a.role, a.name, a.agrees, a.reason, a.in_room, a.at) for a in answers},
        _teams(session, row.workshop_id), kept_notes(row.decisions_json))


def sign(session: Session, workshop_id: str, token: str, proposal_id: int, *,
         agrees: bool, reason: str = "") -> int | None:
    """A team member answers a proposal for their team: signs, or objects with a reason.

    The team's latest answer counts. When every team has signed, the proposal becomes a
    version; its number is returned (None while a team has not signed)."""
    actor = authenticate(session, workshop_id, token)
    if actor.role not in TEAM_ROLES:
        raise AccessDenied("Only marketing and sales sign off; the facilitator proposes.")
    return _answer(session, workshop_id, proposal_id, actor.role, actor.name, agrees, reason,
                   in_room=False)


def sign_in_room(session: Session, workshop_id: str, facilitator_token: str, proposal_id: int,
                 *, role: str, name: str, agrees: bool, reason: str = "") -> int | None:
    """A team's answer given out loud on the shared screen, recorded by the facilitator under
    the name of the person who gave it (marked as given in the room)."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if role not in TEAM_ROLES:
        raise ValueError("Sign-offs come from marketing or sales.")
    return _answer(session, workshop_id, proposal_id, role, clean_text(name, "name"), agrees,
                   reason, in_room=True)


def objection_draft(session: Session, workshop_id: str, token: str,
                    proposal_id: int) -> tuple[str, int]:
    """What this team member has typed as a reason to object to the proposal, and its
    revision ("", 0 when nothing)."""
    actor, _ = _objecting(session, workshop_id, token, proposal_id)
    row = session.get(ObjectionDraft, (proposal_id, actor.participant_id))
    if row is None:
        return "", 0
    session.refresh(row)
    return row.text, row.revision


def save_objection_draft(session: Session, workshop_id: str, token: str, proposal_id: int,
                         text: str, expected_revision: int) -> int:
    """Keep a reason to object as it is typed (nothing is sent to anyone); its new revision.
    A save over a revision that is no longer the latest (the same person typing on a second
    device) is refused with `StaleEdit`."""
    actor, _ = _objecting(session, workshop_id, token, proposal_id)
    text = clean_note(text)
    if len(text) > MAX_NOTE:
        raise ValueError(f"Keep the reason under {MAX_NOTE:,} characters.")
    stale = StaleEdit("Your reason was changed on another screen meanwhile; the latest is shown.")
    key = (proposal_id, actor.participant_id)
    row = session.get(ObjectionDraft, key)
    if row is None:
        if expected_revision != 0:
            raise stale
        session.add(ObjectionDraft(proposal_id=proposal_id, participant_id=actor.participant_id,
                                   text=text, revision=1))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            raise stale from None
        return 1
    saved = session.exec(update(ObjectionDraft).where(
        ObjectionDraft.proposal_id == proposal_id,
        ObjectionDraft.participant_id == actor.participant_id,
        ObjectionDraft.revision == expected_revision).values(
        text=text, revision=expected_revision + 1, updated_at=utcnow()))
    session.commit()
    if saved.rowcount != 1:
        raise stale
    return expected_revision + 1


def _objecting(session: Session, workshop_id: str, token: str, proposal_id: int):
    actor = authenticate(session, workshop_id, token)
    if actor.role not in TEAM_ROLES:
        raise AccessDenied("Only marketing and sales object to a proposal.")
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.workshop_id != workshop_id:
        raise NotFound("This proposal is not part of this workshop.")
    return actor, proposal


def _answer(session: Session, workshop_id: str, proposal_id: int, role: str, name: str,
            agrees: bool, reason: str, *, in_room: bool) -> int | None:
    if not is_revealed(session, workshop_id):
        raise Locked("Nothing is signed before the reveal.")
    reason = clean_note(reason)
    if not agrees and not reason:
        raise ValueError("Say what your team objects to, so the facilitator can work on it.")
    if len(reason) > MAX_NOTE:
        raise ValueError(f"Keep the reason under {MAX_NOTE:,} characters.")
    # The shared definition's row, then the proposal's, are locked until this answer is
    # committed (the order every writer takes them in): two last answers given at the same
    # moment are taken one after the other, and the second makes the version; an edit of the
    # shared definition waits, then finds the version signed.
    _lock_shared(session, workshop_id)
    proposal = session.exec(select(Proposal).where(Proposal.id == proposal_id)
                            .with_for_update()).first()
    if proposal is None or proposal.workshop_id != workshop_id:
        session.rollback()
        raise NotFound("This proposal is not part of this workshop.")
    session.refresh(proposal)
    if proposal.status != "open":
        session.rollback()
        raise StaleEdit("This proposal was withdrawn or already signed; look at the current one.")
    if role not in _teams(session, workshop_id):
        session.rollback()
        raise AccessDenied("This team has not joined the workshop.")
    existing = session.exec(select(SignOff).where(SignOff.proposal_id == proposal_id,
                                                  SignOff.role == role)).first()
    answer = existing or SignOff(proposal_id=proposal_id, role=role, name=name, agrees=agrees)
    answer.name, answer.agrees, answer.reason = name, bool(agrees), reason
    answer.in_room, answer.at = in_room, utcnow()
    session.add(answer)
    try:
        session.flush()
    except IntegrityError:  # the other member of the same team answered in the same instant
        session.rollback()
        raise StaleEdit("Someone from your team answered at the same moment; look again.") \
            from None
    state = _proposal_state(session, proposal)
    if state.waiting_for:
        session.commit()
        return None
    return _make_version(session, proposal, state)


def _make_version(session: Session, proposal: Proposal, state: ProposalState) -> int:
    """Every team signed: the proposal becomes an immutable version, atomically."""
    result = session.exec(update(Proposal).where(Proposal.id == proposal.id,
                                                 Proposal.status == "open")
                          .values(status="signed"))
    # The shared definition (locked by `_answer`) must still be the one proposed.
    revision = session.exec(select(SharedDefinition.revision).where(
        SharedDefinition.workshop_id == proposal.workshop_id)).one()
    if result.rowcount != 1 or revision != proposal.shared_revision:
        session.rollback()
        raise StaleEdit("The shared definition changed in the meantime, so this proposal was "
                        "withdrawn; look at the current one.")
    signatories = [{"role": a.role, "team": a.team, "name": a.name, "in_room": a.in_room,
                    "at": a.at.isoformat() if a.at else None}
                   for a in state.answers.values() if a.agrees]
    version = Version(workshop_id=proposal.workshop_id, number=proposal.number,
                      proposal_id=proposal.id, definition_json=proposal.definition_json,
                      signatories_json=json.dumps(signatories),
                      decisions_json=proposal.decisions_json)
    session.add(version)
    if proposal.figures_json:
        session.add(Measurement(workshop_id=proposal.workshop_id, version_number=proposal.number,
                                source=proposal.source, at_signoff=True,
                                figures_json=proposal.figures_json))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise StaleEdit(f"Version {proposal.number} was signed in the meantime.") from None
    return proposal.number


# --- versions ------------------------------------------------------------------------------------

def versions(session: Session, workshop_id: str, token: str) -> list[VersionInfo]:
    """Every signed version, oldest first, with the figures measured when it was signed."""
    authenticate_reader(session, workshop_id, token)
    rows = session.exec(select(Version).where(Version.workshop_id == workshop_id)
                        .order_by(Version.number)).all()
    at_signoff = {m.version_number: Figures.from_json(m.figures_json) for m in session.exec(
        select(Measurement).where(Measurement.workshop_id == workshop_id,
                                  Measurement.at_signoff.is_(True))).all()}
    return [VersionInfo(r.number, stored_definition(r.definition_json, f"Version {r.number}"),
                        r.signed_at, stored_signatories(r.signatories_json, r.number),
                        r.reopened_at, at_signoff.get(r.number), kept_notes(r.decisions_json))
            for r in rows]


def stored_signatories(text: object, number: int) -> list[dict]:
    """A version's signatures as the database holds them ({"name", "team", "in_room"?} each),
    or `Damaged`."""
    damaged = Damaged(f"The signatures of version {number}, as the database holds them, "
                      f"cannot be read. {DAMAGED_ADVICE}")
    try:
        signatures = stored_json(text, "", list)
    except Damaged:
        raise damaged from None
    if not all(isinstance(s, dict) and isinstance(s.get("name"), str)
               and isinstance(s.get("team"), str) for s in signatures):
        raise damaged
    return signatures


IN_ROOM = "recorded in the room by the facilitator"


def signed_by(signatories: list[dict]) -> list[str]:
    """'Priya Raman for Marketing', one per signature, for pages and exports; a signature the
    facilitator recorded from an answer given in the room says so wherever it is shown."""
    return [f"{s['name']} for {s['team']}" + (f" ({IN_ROOM})" if s.get("in_room") else "")
            for s in signatories]


def reopen(session: Session, workshop_id: str, facilitator_token: str) -> int:
    """Start drafting the next version from the latest signed one; returns its number."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    latest = session.exec(select(Version).where(Version.workshop_id == workshop_id)
                          .order_by(Version.number.desc())).first()
    if latest is None:
        raise ValueError("Nothing is signed yet, so there is nothing to reopen.")
    result = session.exec(update(Version).where(Version.id == latest.id,
                                                Version.reopened_at.is_(None))
                          .values(reopened_at=utcnow()))
    session.commit()
    if result.rowcount != 1:
        raise StaleEdit(f"Version {latest.number} is already reopened.")
    return latest.number + 1


# --- measurements --------------------------------------------------------------------------------

def record_measurement(session: Session, workshop_id: str, facilitator_token: str, *,
                       version_number: int, figures: Figures, source: str = "",
                       sha256: str = "") -> int:
    """Keep what a version does to a (fresh) export."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if session.exec(select(Version.id).where(Version.workshop_id == workshop_id,
                                             Version.number == version_number)).first() is None:
        raise NotFound(f"There is no version {version_number} in this workshop.")
    row = Measurement(workshop_id=workshop_id, version_number=version_number,
                      source=(source or "")[:300], sha256=(sha256 or "")[:64],
                      figures_json=figures.to_json())
    session.add(row)
    session.commit()
    return row.id


def measurements(session: Session, workshop_id: str, token: str) -> list[MeasurementInfo]:
    """Every measurement taken, oldest first."""
    authenticate_reader(session, workshop_id, token)
    rows = session.exec(select(Measurement).where(Measurement.workshop_id == workshop_id)
                        .order_by(Measurement.measured_at, Measurement.id)).all()
    return [measurement_info(r) for r in rows]


def is_new_measurement(taken: list[MeasurementInfo], version_number: int, *,
                       names: tuple[str, ...], sha256: str,
                       figures: Figures | None = None) -> bool:
    """Whether looking at version `version_number` on an export adds a measurement: not when
    that version was measured on the same file already (see `earlier_look`). A fresh export
    under an old name is new; so is the same file for another version."""
    return earlier_look(taken, version_number, names=names, sha256=sha256,
                        figures=figures) is None


def earlier_look(taken: list[MeasurementInfo], version_number: int, *,
                 names: tuple[str, ...], sha256: str,
                 figures: Figures | None = None) -> MeasurementInfo | None:
    """The latest measurement kept of this version on this export: one of its `names` (as
    measurements have recorded it) and the same content. The measurement taken at sign-off
    kept no content hash; it is this export's when it has the very `figures` measured now."""
    for m in reversed(taken):
        if m.version_number != version_number or m.source not in names:
            continue
        if m.sha256 == sha256 or (m.at_signoff and not m.sha256 and figures is not None
                                  and m.figures == figures):
            return m
    return None


def correct_measurement(session: Session, workshop_id: str, facilitator_token: str,
                        measurement_id: int, figures: Figures) -> None:
    """Replace the figures of a measurement of the same export read with a mapping since
    corrected (a unit, the outcome's values): the wrong figures were never what the version
    did. What was measured at sign-off is what was signed, and stays."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    result = session.exec(update(Measurement).where(
        Measurement.id == measurement_id, Measurement.workshop_id == workshop_id,
        Measurement.at_signoff.is_(False)).values(figures_json=figures.to_json()))
    session.commit()
    if result.rowcount != 1:
        raise NotFound("That measurement is not in this workshop.")


def measurement_info(row: Measurement) -> MeasurementInfo:
    return MeasurementInfo(row.id, row.version_number, row.source, row.sha256, row.at_signoff,
                           Figures.from_json(row.figures_json), row.measured_at)
