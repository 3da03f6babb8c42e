"""Reading and writing workshops. The access rules live here, so no page can break them:

* every call names a workshop and presents a token; a token only counts in its own workshop;
* before the reveal a draft is readable and writable only with its author's token;
* facilitator actions (turns, reveal, the shared definition, agreement) need the facilitator token;
* after the reveal drafts are locked and readable by everyone in the workshop;
* every write states the revision it was based on; a stale write is refused, never merged silently.
"""
from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from workshop.definition import Definition
from workshop.models import ROLE_LABELS, Draft, Participant, SharedDefinition, Workshop, utcnow

TEAM_ROLES = ("marketing", "sales")
MAX_TEXT = 200


class AccessDenied(PermissionError):
    """The token does not allow this; the message says why in words a person understands."""


class NotFound(LookupError):
    pass


class StaleEdit(RuntimeError):
    """Someone saved in between; the caller should reload and re-apply."""


class Locked(RuntimeError):
    """The drafts are revealed (or not yet revealed) and this change is no longer possible."""


@dataclass(frozen=True)
class Actor:
    workshop_id: str
    participant_id: int
    role: str
    name: str

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"


@dataclass(frozen=True)
class DraftStatus:
    """What the shared screen may show about a draft: never its content."""

    participant_id: int
    role: str
    name: str
    answered: int
    done: bool
    started: bool

    @property
    def label(self) -> str:
        return f"{ROLE_LABELS.get(self.role, self.role)} ({self.name})"


@dataclass(frozen=True)
class WorkshopSummary:
    id: str
    company: str
    title: str
    facilitator_name: str
    created_at: datetime
    revealed: bool
    agreed: bool
    is_demo: bool


@dataclass(frozen=True)
class SharedState:
    definition: Definition
    revision: int
    decisions: dict[str, str]
    agreed_by: list[str]
    agreed_at: datetime | None


def new_token() -> str:
    """256 bits from the OS's CSPRNG, URL-safe."""
    return secrets.token_urlsafe(32)


def _new_workshop_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(10))


def _clean(text: str, what: str) -> str:
    printable = "".join(ch for ch in str(text or "") if ch.isprintable() or ch.isspace())
    cleaned = " ".join(printable.split())
    if not cleaned:
        raise ValueError(f"Please enter the {what}.")
    if len(cleaned) > MAX_TEXT:
        raise ValueError(f"The {what} is too long (at most {MAX_TEXT} characters).")
    return cleaned


# --- workshops ---------------------------------------------------------------------------------

def create_workshop(session: Session, *, company: str, title: str, facilitator_name: str,
                    is_demo: bool = False) -> tuple[Workshop, str]:
    """A new workshop and its facilitator; returns the facilitator token (shown once, in links)."""
    token = new_token()
    workshop = Workshop(id=_new_workshop_id(), company=_clean(company, "company name"),
                        title=_clean(title, "workshop title"),
                        facilitator_name=_clean(facilitator_name, "facilitator's name"),
                        facilitator_token=token, is_demo=is_demo)
    session.add(workshop)
    session.flush()
    facilitator = Participant(workshop_id=workshop.id, role="facilitator",
                              name=workshop.facilitator_name, token=token)
    session.add(facilitator)
    session.flush()
    session.add(Draft(workshop_id=workshop.id, participant_id=facilitator.id,
                      definition_json=Definition().to_json()))
    session.add(SharedDefinition(workshop_id=workshop.id, definition_json=Definition().to_json()))
    session.commit()
    return workshop, token


def list_workshops(session: Session) -> list[WorkshopSummary]:
    rows = session.exec(
        select(Workshop, SharedDefinition.agreed_at)
        .join(SharedDefinition, SharedDefinition.workshop_id == Workshop.id, isouter=True)
        .order_by(Workshop.is_demo.desc(), Workshop.created_at.desc())).all()
    return [WorkshopSummary(w.id, w.company, w.title, w.facilitator_name, w.created_at,
                            w.revealed_at is not None, agreed_at is not None, w.is_demo)
            for w, agreed_at in rows]


def _plausible(value: str | None) -> bool:
    """Ids and tokens are short printable ASCII; anything else (a NUL byte, say) is no match."""
    return bool(value) and len(value) <= 64 and value.isascii() and value.isprintable()


def get_workshop(session: Session, workshop_id: str) -> Workshop:
    workshop = session.get(Workshop, workshop_id) if _plausible(workshop_id) else None
    if workshop is None:
        raise NotFound("This workshop does not exist (any more). Check the link.")
    return workshop


def facilitator_link_token(session: Session, workshop_id: str) -> str:
    """The facilitator token, for the single-screen home list (own devices restrict this)."""
    return get_workshop(session, workshop_id).facilitator_token


def authenticate(session: Session, workshop_id: str, token: str | None) -> Actor:
    """Who holds this token in this workshop; a token from another workshop grants nothing."""
    get_workshop(session, workshop_id)
    if not token:
        raise AccessDenied("This link is missing its key. Open the workshop from its link.")
    if not _plausible(token):
        raise AccessDenied("This key does not belong to this workshop.")
    participant = session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id, Participant.token == token)).first()
    if participant is None or not secrets.compare_digest(participant.token, token):
        raise AccessDenied("This key does not belong to this workshop.")
    return Actor(workshop_id, participant.id, participant.role, participant.name)


def _facilitator(session: Session, workshop_id: str, token: str | None) -> Actor:
    actor = authenticate(session, workshop_id, token)
    if not actor.is_facilitator:
        raise AccessDenied("Only the facilitator can do this.")
    return actor


def is_revealed(session: Session, workshop_id: str) -> bool:
    """Read from the database, never from an object the session may hold from earlier."""
    get_workshop(session, workshop_id)
    revealed_at = session.exec(
        select(Workshop.revealed_at).where(Workshop.id == workshop_id)).one()
    return revealed_at is not None


def _not_revealed(workshop_id: str):
    """A condition for UPDATEs, so a reveal committed after our check still stops the write."""
    return (select(Workshop.id)
            .where(Workshop.id == workshop_id, Workshop.revealed_at.is_(None)).exists())


# --- drafts ------------------------------------------------------------------------------------

def start_turn(session: Session, workshop_id: str, facilitator_token: str, *, role: str,
               name: str, reopen: bool = False) -> str:
    """Hand the shared screen to a team member: returns their author token.

    A finished draft is covered: it is handed back only when `reopen` says its author asks."""
    _facilitator(session, workshop_id, facilitator_token)
    if role not in TEAM_ROLES:
        raise ValueError(f"Unknown role {role!r}.")
    if is_revealed(session, workshop_id):
        raise Locked("The drafts are revealed; they can no longer be changed.")
    name = _clean(name, "name")
    participant = session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id, Participant.role == role,
        Participant.name == name)).first()
    if participant is None:
        participant = Participant(workshop_id=workshop_id, role=role, name=name,
                                  token=new_token())
        session.add(participant)
        session.flush()
        session.add(Draft(workshop_id=workshop_id, participant_id=participant.id,
                          definition_json=Definition().to_json()))
        session.commit()
        return participant.token
    draft = _draft_of(session, participant.id)
    if draft.done_at is not None:
        if not reopen:
            raise Locked(f"{name}'s draft is finished and covered until the reveal.")
        _set_done(session, draft, False)
    return participant.token


def _draft_of(session: Session, participant_id: int) -> Draft:
    draft = session.exec(select(Draft).where(Draft.participant_id == participant_id)).first()
    if draft is None:
        raise NotFound("No draft for this participant.")
    return draft


def my_draft(session: Session, workshop_id: str, token: str) -> tuple[Definition, int, bool]:
    """The author's own draft: (definition, revision, done)."""
    actor = authenticate(session, workshop_id, token)
    draft = _draft_of(session, actor.participant_id)
    session.refresh(draft)
    return Definition.from_json(draft.definition_json), draft.revision, draft.done_at is not None


def save_draft(session: Session, workshop_id: str, token: str, definition: Definition,
               expected_revision: int) -> int:
    """Save the author's draft if nobody saved since `expected_revision`; the new revision."""
    actor = authenticate(session, workshop_id, token)
    if is_revealed(session, workshop_id):
        raise Locked("The drafts are revealed; this draft can no longer be changed.")
    draft = _draft_of(session, actor.participant_id)
    result = session.exec(
        update(Draft)
        .where(Draft.id == draft.id, Draft.revision == expected_revision,
               _not_revealed(workshop_id))
        .values(definition_json=definition.to_json(), revision=expected_revision + 1,
                updated_at=utcnow()))
    session.commit()
    if result.rowcount != 1:
        if is_revealed(session, workshop_id):
            raise Locked("The drafts are revealed; this draft can no longer be changed.")
        raise StaleEdit("This draft was changed elsewhere in the meantime. "
                        "The latest version is shown again; please redo your last change.")
    return expected_revision + 1


def set_done(session: Session, workshop_id: str, token: str, done: bool) -> None:
    actor = authenticate(session, workshop_id, token)
    if is_revealed(session, workshop_id):
        raise Locked("The drafts are revealed already.")
    _set_done(session, _draft_of(session, actor.participant_id), done)


def _set_done(session: Session, draft: Draft, done: bool) -> None:
    draft.done_at = utcnow() if done else None
    session.add(draft)
    session.commit()


def draft_statuses(session: Session, workshop_id: str, token: str) -> list[DraftStatus]:
    """Progress of every draft in the workshop, for anyone in it: counts, never content."""
    authenticate(session, workshop_id, token)
    rows = session.exec(
        select(Participant, Draft).join(Draft, Draft.participant_id == Participant.id)
        .where(Participant.workshop_id == workshop_id).order_by(Participant.id)).all()
    order = {"facilitator": 0, "marketing": 1, "sales": 2}
    statuses = [DraftStatus(p.id, p.role, p.name,
                            Definition.from_json(d.definition_json).answered_count(),
                            d.done_at is not None, d.revision > 0) for p, d in rows]
    return sorted(statuses, key=lambda s: (order.get(s.role, 9), s.participant_id))


def reveal(session: Session, workshop_id: str, facilitator_token: str) -> None:
    _facilitator(session, workshop_id, facilitator_token)
    workshop = get_workshop(session, workshop_id)
    if workshop.revealed_at is None:
        workshop.revealed_at = utcnow()
        session.add(workshop)
        session.commit()


def revealed_drafts(session: Session, workshop_id: str, token: str) -> dict[str, Definition]:
    """Every started draft, labelled by role (and name where a role has several people).

    Refused before the reveal, whoever asks: the facilitator does not peek either."""
    authenticate(session, workshop_id, token)
    if not is_revealed(session, workshop_id):
        raise Locked("The drafts are not revealed yet.")
    rows = session.exec(
        select(Participant, Draft).join(Draft, Draft.participant_id == Participant.id)
        .where(Participant.workshop_id == workshop_id).order_by(Participant.id)).all()
    rows = [(p, d) for p, d in rows if d.revision > 0]
    per_role: dict[str, int] = {}
    for participant, _ in rows:
        per_role[participant.role] = per_role.get(participant.role, 0) + 1
    drafts = {}
    order = {"facilitator": 0, "marketing": 1, "sales": 2}
    for participant, draft in sorted(rows, key=lambda r: (order.get(r[0].role, 9), r[0].id)):
        label = ROLE_LABELS.get(participant.role, participant.role)
        if per_role[participant.role] > 1:
            label = f"{label} · {participant.name}"
        drafts[label] = Definition.from_json(draft.definition_json)
    return drafts


# --- the shared definition ---------------------------------------------------------------------

def shared_state(session: Session, workshop_id: str, token: str) -> SharedState:
    """The shared definition: the facilitator always, everyone else once it is revealed."""
    actor = authenticate(session, workshop_id, token)
    if not actor.is_facilitator and not is_revealed(session, workshop_id):
        raise Locked("The shared definition is built after the reveal.")
    row = session.get(SharedDefinition, workshop_id)
    session.refresh(row)
    return SharedState(Definition.from_json(row.definition_json), row.revision,
                       json.loads(row.decisions_json or "{}"),
                       [n for n in row.agreed_by.split("\n") if n], row.agreed_at)


def save_shared(session: Session, workshop_id: str, facilitator_token: str,
                definition: Definition, expected_revision: int,
                decisions: dict[str, str] | None = None) -> int:
    """Save the shared definition (clearing any agreement: what was agreed has changed)."""
    _facilitator(session, workshop_id, facilitator_token)
    if not is_revealed(session, workshop_id):
        raise Locked("Reveal the drafts before building the shared definition.")
    values = {"definition_json": definition.to_json(), "revision": expected_revision + 1,
              "updated_at": utcnow(), "agreed_at": None, "agreed_by": ""}
    if decisions is not None:
        values["decisions_json"] = json.dumps(decisions)
    result = session.exec(
        update(SharedDefinition)
        .where(SharedDefinition.workshop_id == workshop_id,
               SharedDefinition.revision == expected_revision)
        .values(**values))
    session.commit()
    if result.rowcount != 1:
        raise StaleEdit("The shared definition was changed elsewhere in the meantime. "
                        "The latest version is shown again; please redo your last change.")
    return expected_revision + 1


def record_agreement(session: Session, workshop_id: str, facilitator_token: str,
                     agreed_by: list[str], expected_revision: int) -> None:
    """Record who agreed to the shared definition as it was at `expected_revision`."""
    _facilitator(session, workshop_id, facilitator_token)
    if not is_revealed(session, workshop_id):
        raise Locked("The shared definition is built after the reveal.")
    names = list(dict.fromkeys(_clean(n, "name") for n in agreed_by if n and str(n).strip()))
    if not names:
        raise ValueError("Name at least one person who agrees.")
    row = session.get(SharedDefinition, workshop_id)
    session.refresh(row)
    if Definition.from_json(row.definition_json).is_empty():
        raise ValueError("The shared definition is empty: agree on at least one question first.")
    result = session.exec(
        update(SharedDefinition)
        .where(SharedDefinition.workshop_id == workshop_id,
               SharedDefinition.revision == expected_revision)
        .values(agreed_by="\n".join(names), agreed_at=utcnow()))
    session.commit()
    if result.rowcount != 1:
        raise StaleEdit("The shared definition changed while you were agreeing. "
                        "Look at it again before recording the agreement.")
