"""Reading and writing workshops. The access rules live here, so no page can break them:

* every call names a workshop and presents a token; a token only counts in its own workshop;
* before the reveal a draft is readable and writable only with its author's token;
* facilitator actions (turns, reveal, the shared definition) need the facilitator token;
  signing off and versions follow the same rules in `workshop.versions`;
* after the reveal drafts are locked and readable by everyone in the workshop;
* every write states the revision it was based on; a stale write is refused, never merged silently.
"""
from __future__ import annotations

import json
import math
import re
import secrets
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from workshop import limits, pins
from workshop.catalog import QUESTIONS
from workshop.definition import Definition
from workshop.models import (
    DATA_NAME,
    DATA_ROLE,
    ROLE_LABELS,
    ROLE_ORDER,
    AgendaState,
    DiscussionPoint,
    Draft,
    Invite,
    LeadsUpload,
    Measurement,
    ObjectionDraft,
    Participant,
    Proposal,
    SharedChange,
    SharedDefinition,
    SignOff,
    Version,
    WallLink,
    Workshop,
    utcnow,
)

TEAM_ROLES = ("marketing", "sales")
MAX_TEXT = 200
# Join codes: 6 characters without look-alikes (0/O, 1/I), about 10^9 codes; each network tries
# them at a limited pace (workshop.limits), so finding one by guessing takes longer than a
# workshop lasts (see average_time_to_guess).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_SPACE = len(CODE_ALPHABET) ** CODE_LENGTH


class StoreError(Exception):
    """Any refusal of the store (and of `workshop.versions`, `agenda` and `wall`, which follow its
    rules); the message says why in words a person understands, so a page catches this one class
    and shows it."""


class AccessDenied(StoreError, PermissionError):
    """The token does not allow this; the message says why in words a person understands."""


class NotFound(StoreError, LookupError):
    """No such workshop, link or row (any more)."""


class StaleEdit(StoreError, RuntimeError):
    """Someone saved in between; the caller should reload and re-apply."""


class Locked(StoreError, RuntimeError):
    """The drafts are revealed (or not yet revealed) and this change is no longer possible."""


class Damaged(StoreError, ValueError):
    """A row the database holds cannot be read (an edit by hand, another version of the app, a
    disk fault): the message names what, and the page says it instead of failing."""


DAMAGED_ADVICE = ("Restore the workshop from a backup, or undo the change made to the "
                  "database.")


def stored_definition(text: object, what: str) -> Definition:
    """A definition as the database holds it, or `Damaged` naming `what` (a sentence's
    subject: "Marketing (Priya)'s draft")."""
    if not isinstance(text, str):
        raise Damaged(f"{what} is missing from the database. {DAMAGED_ADVICE}")
    try:
        return Definition.from_json(text)
    except (ValueError, TypeError, AttributeError, KeyError, RecursionError) as error:
        reason = str(error).removeprefix("The definition is not valid: ").rstrip(".")
        raise Damaged(f"{what}, as the database holds it, cannot be read ({reason}). "
                      f"{DAMAGED_ADVICE}") from None


def stored_json(text: object, what: str, kind: type) -> object:
    """JSON the app wrote into a row (a dict or a list, as `kind` says), or `Damaged`."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, kind):
        raise Damaged(f"{what}, as the database holds it, cannot be read. {DAMAGED_ADVICE}")
    return value


class TooManyAttempts(StoreError, PermissionError):
    """Too many codes tried from one network just now: its next try was not looked up."""


class TooManyWorkshops(StoreError, PermissionError):
    """One network created or restored as many workshops as it may for now."""


@dataclass(frozen=True)
class Actor:
    workshop_id: str
    participant_id: int
    role: str
    name: str
    at_screen: bool = False  # drafts in turns at the facilitator's shared screen

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"


@dataclass(frozen=True)
class DraftStatus:
    """What the shared screen may show about a draft: never its content."""

    participant_id: int
    role: str
    name: str
    answered: int | None  # None: the saved draft cannot be read (see `Damaged`)
    done: bool
    started: bool
    at_screen: bool = False  # takes turns at the shared screen (not on their own device)
    pinned: bool = False  # their turn opens again only with their PIN (`set_turn_pin`)

    @property
    def label(self) -> str:
        return f"{ROLE_LABELS.get(self.role, self.role)} ({self.name})"

    @property
    def progress(self) -> str:
        """How far the draft is, in words: "3 of 12 questions answered"."""
        if self.answered is None:
            return "the saved draft cannot be read"
        return f"{self.answered} of {len(QUESTIONS)} questions answered"


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
class Invitations:
    """What the facilitator hands out: the short code and one join secret per team."""

    join_code: str
    secrets: dict[str, str]


@dataclass(frozen=True)
class PersonDraft:
    role: str
    name: str
    label: str
    definition: Definition


@dataclass(frozen=True)
class SharedState:
    definition: Definition
    revision: int
    decisions: dict[str, str]
    signed_version: int | None  # the latest version while it is signed and not reopened


P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Visit:
    """One page visit's way into its workshop: a session, the workshop and the key the browser
    presented, bound once so a page cannot pair one workshop's id with another's key.

    It only forwards: `visit(store.shared_state)` is `store.shared_state(session, workshop_id,
    token)`, and the same for any function of `store`, `versions`, `agenda`, `wall`, `room` or
    `backup` taking (session, workshop id, token, ...); the access rules stay in them."""

    session: Session
    workshop_id: str
    token: str

    def __call__(self, action: Callable[Concatenate[Session, str, str, P], R], /,
                 *args: P.args, **kwargs: P.kwargs) -> R:
        return action(self.session, self.workshop_id, self.token, *args, **kwargs)

    def is_revealed(self) -> bool:
        return is_revealed(self.session, self.workshop_id)

    def workshop(self) -> Workshop:
        return get_workshop(self.session, self.workshop_id)


def new_token() -> str:
    """256 bits from the OS's CSPRNG, URL-safe."""
    return secrets.token_urlsafe(32)


# The demo workshops everyone may open: nobody changes them (not even their facilitator
# link is handed out); a visitor opens a copy of one of their own (`workshop.demo`).
DEMO_TEMPLATES = ("demo", "demo-agreed")


def new_workshop_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(10))


def new_join_code() -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{code[:3]}-{code[3:]}"


def normalise_join_code(typed: str) -> str:
    """'kx7 42p' or 'KX742P' -> 'KX7-42P'; '' when it cannot be a code at all."""
    letters = "".join(ch for ch in str(typed or "").upper() if ch.isascii() and ch.isalnum())
    if len(letters) != CODE_LENGTH:
        return ""
    return f"{letters[:3]}-{letters[3:]}"


# Invisible, and part of the spelling: the zero-width non-joiner of Persian "نرم‌افزار" and the
# joiner of Indic scripts and emoji sequences (👩‍💼). Other invisible characters still go.
JOINERS = "\u200c\u200d"


def clean_text(text: str, what: str) -> str:
    """A name or title on one line, printable, within `MAX_TEXT`; a `ValueError` names `what`
    is missing or too long."""
    printable = "".join(ch for ch in str(text or "")
                        if ch.isprintable() or ch.isspace() or ch in JOINERS)
    cleaned = " ".join(printable.split())
    if not cleaned:
        raise ValueError(f"Please enter the {what}.")
    if len(cleaned) > MAX_TEXT:
        raise ValueError(f"The {what} is too long (at most {MAX_TEXT} characters).")
    return cleaned


UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_note(text: str | None) -> str:
    """Free text kept as typed (line breaks too), less what no database can store: NUL bytes
    and halves of a character (a lone surrogate, from a bad paste)."""
    return UNSTORABLE.sub("", str(text or "")).strip()


# --- workshops ---------------------------------------------------------------------------------

def create_workshop(session: Session, *, company: str, title: str, facilitator_name: str,
                    is_demo: bool = False, client: str | None = None,
                    clock: limits.Clock = limits.SYSTEM_CLOCK) -> tuple[Workshop, str]:
    """A new workshop and its facilitator; returns the facilitator token (shown once, in links).

    `client` is the requester's address, limited by `counted_creation`; None is the server's
    own operator (command line, demos), who is not limited."""
    workshop = Workshop(id=new_workshop_id(), company=clean_text(company, "company name"),
                        title=clean_text(title, "workshop title"),
                        facilitator_name=clean_text(facilitator_name, "facilitator's name"),
                        facilitator_token="", join_code="", is_demo=is_demo)
    with counted_creation(session, client, clock):
        token = add_workshop(session, workshop, {"facilitator": Definition()})
    return workshop, token


@contextmanager
def counted_creation(session: Session, client: str | None,
                     clock: limits.Clock = limits.SYSTEM_CLOCK, *,
                     demo_copy: bool = False) -> Iterator[None]:
    """Count one workshop created or restored from the client's network (or one copy of a
    demo), or refuse it past `limits.CREATION_LIMITS` (`limits.DEMO_COPY_LIMITS`); a creation
    that fails is not counted. None: not limited."""
    if client is None:
        yield
        return
    booked = limits.book_creation(session, limits.network_of(client), clock.now(),
                                  demo_copy=demo_copy)
    if isinstance(booked, limits.CreationRefused):
        made = (f"opened {booked.made} copies of the demos" if demo_copy
                else f"created or restored {booked.made} workshops")
        raise TooManyWorkshops(
            f"You have {made} in the last {booked.window_words} from this network; wait "
            f"{_in_words(booked.wait)} and try again.")
    try:
        yield
    except BaseException:
        session.rollback()
        limits.give_back_creation(session, booked)
        raise


def _in_words(wait: timedelta) -> str:
    """'40 seconds', '1 minute', '12 minutes': rounded up, so waiting that long is enough."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def add_workshop(session: Session, workshop: Workshop,
                 drafts: dict[str, Definition], *, names: dict[str, str] | None = None,
                 done: bool = False, commit: bool = True, at_screen: bool = False) -> str:
    """Insert a workshop with its facilitator, invites, a draft per role given and an empty
    shared definition, in one transaction (left open with `commit=False`, for a caller adding
    more); returns the facilitator token. `at_screen`: the team members given took turns at
    the shared screen (the demos), rather than joining on their own devices."""
    workshop.facilitator_token = new_token()
    workshop.join_code = new_join_code()
    while session.exec(select(Workshop.id).where(Workshop.join_code == workshop.join_code)).first():
        workshop.join_code = new_join_code()
    session.add(workshop)
    session.flush()
    names = {"facilitator": workshop.facilitator_name, **(names or {})}
    for role, definition in drafts.items():
        token = workshop.facilitator_token if role == "facilitator" else new_token()
        started = not definition.is_empty()
        _add_participant(session, workshop.id, role, names[role], token, definition,
                         revision=int(started), done=done and started,
                         at_screen=at_screen and role != "facilitator")
    for role in TEAM_ROLES:
        session.add(Invite(secret=new_token(), workshop_id=workshop.id, role=role))
    session.add(SharedDefinition(workshop_id=workshop.id, definition_json=Definition().to_json()))
    if commit:
        session.commit()
    return workshop.facilitator_token


def _add_participant(session: Session, workshop_id: str, role: str, name: str, token: str,
                     definition: Definition | None = None, *, revision: int = 0,
                     done: bool = False, at_screen: bool = False) -> Participant:
    """A person and their draft (empty unless given); the caller commits."""
    participant = Participant(workshop_id=workshop_id, role=role, name=name, token=token,
                              at_screen=at_screen)
    session.add(participant)
    session.flush()
    session.add(Draft(workshop_id=workshop_id, participant_id=participant.id,
                      definition_json=(definition or Definition()).to_json(),
                      revision=revision, done_at=utcnow() if done else None))
    return participant


def list_workshops(session: Session) -> list[WorkshopSummary]:
    """The demos first (the one about to start, then the finished one), then the newest."""
    workshops = session.exec(
        select(Workshop).order_by(Workshop.is_demo.desc(), Workshop.created_at.desc())).all()
    signed = set(session.exec(select(Version.workshop_id).distinct()).all())
    # Agreements recorded before sign-offs and versions existed still count.
    signed |= set(session.exec(select(SharedDefinition.workshop_id)
                               .where(SharedDefinition.agreed_at.is_not(None))).all())
    demos = sorted((w for w in workshops if w.is_demo), key=lambda w: (w.id in signed, w.id))
    workshops = demos + [w for w in workshops if not w.is_demo]
    return [WorkshopSummary(w.id, w.company, w.title, w.facilitator_name, w.created_at,
                            w.revealed_at is not None, w.id in signed, w.is_demo)
            for w in workshops]


def plausible_key(value: str | None) -> bool:
    """Ids and tokens are short printable ASCII; anything else (a NUL byte, say) is no match."""
    return bool(value) and len(value) <= 64 and value.isascii() and value.isprintable()


def get_workshop(session: Session, workshop_id: str) -> Workshop:
    workshop = session.get(Workshop, workshop_id) if plausible_key(workshop_id) else None
    if workshop is None:
        raise NotFound("This workshop does not exist (any more). Check the link.")
    return workshop


def demo_facilitator_token(session: Session, workshop_id: str) -> str:
    """The demo templates' facilitator token, for the server's own reading of them (their
    wall link on the home page, a visitor's copy); any other workshop opens only through its
    own link."""
    workshop = get_workshop(session, workshop_id)
    if not workshop.is_demo or workshop.id not in DEMO_TEMPLATES:
        raise AccessDenied("Open this workshop from its facilitator link.")
    return workshop.facilitator_token


def delete_demo_copies(session: Session, created_before: datetime) -> int:
    """Forget visitors' copies of the demos made before `created_before` (they are
    throwaway); the number deleted. The templates are never deleted."""
    old = session.exec(select(Workshop.id).where(
        Workshop.is_demo, Workshop.id.not_in(DEMO_TEMPLATES),
        Workshop.created_at < created_before)).all()
    for workshop_id in old:
        _delete_rows(session, workshop_id)
    session.commit()
    return len(old)


def invitations(session: Session, workshop_id: str, facilitator_token: str) -> Invitations:
    authenticate_facilitator(session, workshop_id, facilitator_token)
    invites = session.exec(select(Invite).where(Invite.workshop_id == workshop_id)).all()
    return Invitations(get_workshop(session, workshop_id).join_code,
                       {invite.role: invite.secret for invite in invites})


def invite_details(session: Session, secret: str) -> tuple[Workshop, str]:
    """The workshop and role a join link is for."""
    invite = session.get(Invite, secret) if plausible_key(secret) else None
    if invite is None:
        raise NotFound("This join link is not valid. Ask the facilitator for a new one.")
    return get_workshop(session, invite.workshop_id), invite.role


def workshop_for_code(session: Session, code: str, *, client: str,
                      clock: limits.Clock = limits.SYSTEM_CLOCK) -> Workshop:
    """The workshop behind a typed join code, looked up at the pace `workshop.limits` allows
    the client's network: a try may wait its turn (up to half a minute); when the queue is
    full it is refused without being looked up. Only the pace of wrong codes is limited, per
    network, so a right code is never kept out by anyone else's guessing."""
    normalised = normalise_join_code(code)
    if not normalised:  # cannot be a code at all: no guess, nothing to count
        raise NotFound(f"A join code has {CODE_LENGTH} letters and digits, like KX7-42P.")
    network = limits.network_of(client)
    turn = limits.take_code_turn(session, network, clock.now())
    if turn.refused:
        raise TooManyAttempts(
            "Too many codes are being tried from your network just now. Try again in "
            f"{_in_words(timedelta(seconds=turn.retry_after))}, or ask the facilitator for "
            "the join link.")
    if turn.wait > 0:
        clock.sleep(turn.wait)
    workshop = session.exec(select(Workshop).where(Workshop.join_code == normalised)).first()
    if workshop is None:
        raise NotFound("No workshop has this code. Check it with the facilitator.")
    limits.give_back_code_turn(session, network)
    return workshop


def average_time_to_guess(networks: int, open_workshops: int) -> timedelta:
    """How long guessers on `networks` networks, each trying codes as fast as it may, need on
    average to hit the code of one of `open_workshops` workshops still open for joining: a code
    drawn without repeats hits after (codes + 1) / (open + 1) tries. Each network's free tries
    are left out: after the first hours they are nothing beside its pace."""
    tries = (CODE_SPACE + 1) / (open_workshops + 1)
    return tries * limits.WRONG_CODE_PACE / networks


def join_with_invite(session: Session, secret: str, name: str) -> tuple[str, str]:
    """Join the invite's role under `name`; returns (workshop id, the new personal token)."""
    workshop, role = invite_details(session, secret)
    return workshop.id, _join(session, workshop, role, name)


def join_with_code(session: Session, code: str, role: str, name: str, *, client: str,
                   clock: limits.Clock = limits.SYSTEM_CLOCK) -> tuple[str, str]:
    workshop = workshop_for_code(session, code, client=client, clock=clock)
    if role not in TEAM_ROLES:
        raise ValueError("Pick marketing or sales.")
    return workshop.id, _join(session, workshop, role, name)


def _join(session: Session, workshop: Workshop, role: str, name: str) -> str:
    if is_revealed(session, workshop.id):
        raise Locked("The drafts are already revealed; joining is closed. "
                     "Ask the facilitator to reopen the drafts.")
    name = clean_text(name, "name")
    taken = ValueError(f"Someone called {name} has already joined {ROLE_LABELS[role].lower()}. "
                       "If that is you, open your personal link again; otherwise add an "
                       "initial to your name.")
    if _team_member_named(session, workshop.id, role, name) is not None:
        raise taken
    try:
        participant = _add_participant(session, workshop.id, role, name, new_token())
        session.commit()
    except IntegrityError:  # the same name joined in the same instant
        session.rollback()
        raise taken from None
    return participant.token


def name_key(name: str) -> str:
    """Names that differ only in capitals are one person's, in every script ("Jörg Öz" and
    "JÖRG ÖZ"): told apart here rather than by the database's lower(), which in SQLite changes
    only A to Z, so a backup's check and the join's agree on every database."""
    return name.lower()


def same_name(one: str, other: str) -> bool:
    return name_key(one) == name_key(other)


def _team_member_named(session: Session, workshop_id: str, role: str,
                       name: str) -> Participant | None:
    members = session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id, Participant.role == role)).all()
    return next((member for member in members if same_name(member.name, name)), None)


def authenticate(session: Session, workshop_id: str, token: str | None) -> Actor:
    """Who holds this token in this workshop; a token from another workshop grants nothing."""
    get_workshop(session, workshop_id)
    if not token:
        raise AccessDenied("This link is missing its key. Open the workshop from its link.")
    if not plausible_key(token):
        raise AccessDenied("This key does not belong to this workshop.")
    participant = session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id, Participant.token == token)).first()
    if participant is None or not secrets.compare_digest(participant.token, token) \
            or participant.role == DATA_ROLE:  # nobody signs in as the won deals' draft
        raise AccessDenied("This key does not belong to this workshop.")
    return Actor(workshop_id, participant.id, participant.role, participant.name,
                 participant.at_screen)


def authenticate_facilitator(session: Session, workshop_id: str, token: str | None) -> Actor:
    """The facilitator holding this token, or `AccessDenied`: every facilitator action (here,
    and in `versions`, `agenda`, `wall`, `backup`) checks through this one function."""
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
               name: str, reopen: bool = False, pin: str | None = None) -> str:
    """Hand the shared screen to a team member: returns their author token.

    Only someone added here to take turns is handed over: a person who joined on their own
    device keeps their draft to themselves, the facilitator included. A finished draft is
    covered: it is handed back only when `reopen` says its author asks. A turn whose author
    chose a PIN (`set_turn_pin`) opens again only with `pin`, which they type."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if role not in TEAM_ROLES:
        raise ValueError(f"Unknown role {role!r}.")
    if is_revealed(session, workshop_id):
        raise Locked("The drafts are revealed; they can no longer be changed.")
    name = clean_text(name, "name")
    participant = _team_member_named(session, workshop_id, role, name)
    if participant is None:
        try:
            participant = _add_participant(session, workshop_id, role, name, new_token(),
                                           at_screen=True)
            session.commit()
        except IntegrityError:  # the same name added in the same instant
            session.rollback()
            raise ValueError(f"{name} was just added; press Continue on their turn.") from None
        return participant.token
    if not participant.at_screen:
        raise AccessDenied(f"{participant.name} joined on their own device: their draft is "
                           "theirs alone, and only they can open it. Ask them to carry on "
                           "there, or add a different name to take a turn here.")
    draft = _draft_of(session, participant.id)
    if draft.done_at is not None and not reopen:
        raise Locked(f"{participant.name}'s draft is finished and covered until the reveal.")
    if participant.turn_pin is not None:
        _check_turn_pin(session, participant, pin)
    if draft.done_at is not None:
        _set_done(session, draft, False)
    return participant.token


def _check_turn_pin(session: Session, participant: Participant, pin: str | None) -> None:
    """`AccessDenied` unless `pin` is the turn's; wrong ones are counted, and after
    `pins.MAX_MISSES` in a row the turn stays closed until the reveal."""
    name = participant.name
    if not pin:
        raise AccessDenied(f"{name} types their PIN to open their turn again.")
    # Each try is counted before it is checked, by one statement that refuses the try past the
    # limit: tries sent at the same moment cannot all slip in under it.
    tried = session.exec(update(Participant).where(
        Participant.id == participant.id, Participant.turn_pin_misses < pins.MAX_MISSES)
        .values(turn_pin_misses=Participant.turn_pin_misses + 1))
    session.commit()
    if tried.rowcount != 1:
        raise Locked(f"Too many wrong PINs: {name}'s draft stays covered until the reveal. To "
                     f"let {name} start again, remove them (their draft is deleted unread) "
                     "and add them again.")
    if not pins.matches(pin, participant.turn_pin):
        raise AccessDenied(f"That is not {name}'s PIN. Only {name} knows it; forgotten, "
                           f"remove {name} (their draft is deleted unread) and add them again.")
    session.exec(update(Participant).where(Participant.id == participant.id)
                 .values(turn_pin_misses=0))
    session.commit()


def set_turn_pin(session: Session, workshop_id: str, token: str, pin: str) -> None:
    """The person whose turn it is chooses the PIN their turn opens with again, before they
    type anything: nobody else, the facilitator included, opens it without them. Once chosen
    it stays (forgotten, the facilitator removes them: their draft is deleted unread)."""
    actor = authenticate(session, workshop_id, token)
    if not actor.at_screen:
        raise AccessDenied("Only someone taking turns at the shared screen chooses a PIN.")
    if is_revealed(session, workshop_id):
        raise Locked("The drafts are revealed already.")
    problem = pins.pin_problem(pin)
    if problem:
        raise ValueError(problem)
    result = session.exec(update(Participant).where(
        Participant.id == actor.participant_id, Participant.turn_pin.is_(None))
        .values(turn_pin=pins.hashed(pin), turn_pin_misses=0))
    session.commit()
    if result.rowcount != 1:
        raise Locked(f"{actor.name}'s turn has its PIN already.")


def prove_turn_pin(session: Session, workshop_id: str, token: str, pin: str) -> None:
    """The turn's author types their PIN on the turn's own screen (a session begun by a
    refresh, or by anything else, in the middle of a turn): `AccessDenied` unless it is theirs,
    counted as at the teams page."""
    actor = authenticate(session, workshop_id, token)
    participant = session.get(Participant, actor.participant_id)
    if participant is None or not participant.at_screen or participant.turn_pin is None:
        raise AccessDenied("Only someone taking turns at the shared screen has a PIN.")
    _check_turn_pin(session, participant, pin)


def turn_pinned(session: Session, workshop_id: str, token: str) -> bool:
    """Whether the holder of `token` chose their turn's PIN."""
    actor = authenticate(session, workshop_id, token)
    participant = session.get(Participant, actor.participant_id)
    return participant is not None and participant.turn_pin is not None


def remove_participant(session: Session, workshop_id: str, facilitator_token: str,
                       participant_id: int) -> str:
    """Take a team member out of the workshop: someone who joined by mistake, left, or should
    not be there at all (a join code found by guessing). Their draft is deleted unread and their
    link stops working; returns their name. Someone who answered a proposal stays on record.

    If everyone left is done and the workshop reveals by itself, the reveal follows, in the same
    transaction (as after the last Done)."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if is_revealed(session, workshop_id):
        raise Locked("The drafts are revealed: everyone who drafted stays in the workshop. "
                     "Reopen the drafts first to remove someone.")
    participant = session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop_id \
            or participant.role not in TEAM_ROLES:
        raise NotFound("That person is not in this workshop (removed already?).")
    name = participant.name
    answered = session.exec(
        select(SignOff.name).join(Proposal, Proposal.id == SignOff.proposal_id).where(
            Proposal.workshop_id == workshop_id, SignOff.role == participant.role)).all()
    if any(same_name(signed, name) for signed in answered):
        raise Locked(f"{name} answered a proposal for {ROLE_LABELS[participant.role]}: "
                     "that answer stays on record, and so do they.")
    session.exec(delete(Draft).where(Draft.participant_id == participant.id))
    session.exec(delete(Participant).where(Participant.id == participant.id))
    session.flush()
    session.exec(select(Workshop.id).where(Workshop.id == workshop_id).with_for_update())
    _auto_reveal(session, workshop_id)
    session.commit()
    return name


def _draft_of(session: Session, participant_id: int) -> Draft:
    """The person's draft; one lost from the database (a crash between the two rows, a row
    deleted by hand) is begun again empty, as nothing of it is left to show."""
    draft = session.exec(select(Draft).where(Draft.participant_id == participant_id)
                         .order_by(Draft.id)).first()
    if draft is None:
        participant = session.get(Participant, participant_id)
        if participant is None:
            raise NotFound("This person is no longer in the workshop.")
        draft = Draft(workshop_id=participant.workshop_id, participant_id=participant_id,
                      definition_json=Definition().to_json())
        session.add(draft)
        try:
            session.commit()
        except IntegrityError:  # begun again by another request in the same instant
            session.rollback()
            return _draft_of(session, participant_id)
    return draft


def _draft_label(participant: Participant | Actor) -> str:
    return f"{ROLE_LABELS.get(participant.role, participant.role)} ({participant.name})'s draft"


def my_draft(session: Session, workshop_id: str, token: str) -> tuple[Definition, int, bool]:
    """The author's own draft: (definition, revision, done)."""
    actor = authenticate(session, workshop_id, token)
    draft = _draft_of(session, actor.participant_id)
    session.refresh(draft)
    return (stored_definition(draft.definition_json, "Your draft"), draft.revision,
            draft.done_at is not None)


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
    draft = _draft_of(session, actor.participant_id)
    if not done and actor.at_screen and draft.done_at is not None:
        # Their key is in the shared screen's history (the browser's Back button): a draft
        # finished there is uncovered only by the facilitator reopening the turn.
        raise Locked(f"{actor.name}'s draft was finished at the shared screen and is covered "
                     "until the reveal; the facilitator reopens the turn from the teams page.")
    draft.done_at = utcnow() if done else None
    session.add(draft)
    if done:
        # The last Done and the reveal it sets off are one transaction: a crash in between must
        # not leave everyone done and nothing revealed. The workshop's row is locked after the
        # draft's (as delete_workshop does), so two last Dones at once go one after the other
        # and the second sees the first.
        session.flush()
        session.exec(select(Workshop.id).where(Workshop.id == workshop_id).with_for_update())
        _auto_reveal(session, workshop_id)
    session.commit()


def switch_team(session: Session, workshop_id: str, token: str, role: str) -> None:
    """A participant who picked the wrong team moves to `role`, with their draft, before the
    reveal. A name already on that team is refused with the sentence joining gives (the pair
    (workshop, team, name) stays unique)."""
    actor = authenticate(session, workshop_id, token)
    if actor.is_facilitator:
        raise AccessDenied("The facilitator is on no team.")
    if role not in TEAM_ROLES:
        raise ValueError("Pick marketing or sales.")
    if role == actor.role:
        return
    team = ROLE_LABELS[role].lower()
    taken = ValueError(f"Someone called {actor.name} has already joined {team}. Ask them, or "
                       "the facilitator, before switching.")
    if _team_member_named(session, workshop_id, role, actor.name) is not None:
        raise taken
    try:
        # Conditioned on the reveal not having happened: one committed after our check still
        # stops the move (a draft must not change sides once everyone has seen it).
        moved = session.exec(update(Participant).where(
            Participant.id == actor.participant_id, _not_revealed(workshop_id)).values(
            role=role))
        if moved.rowcount != 1:
            session.rollback()
            raise Locked("The drafts are revealed already; teams can no longer change.")
        session.exec(select(Workshop.id).where(Workshop.id == workshop_id).with_for_update())
        _auto_reveal(session, workshop_id)  # the move may complete both teams, all done
        session.commit()
    except IntegrityError:  # the same name moved or joined in the same instant
        session.rollback()
        raise taken from None


def everyone_done(session: Session, workshop_id: str) -> bool:
    """Both teams have someone, and every team member has pressed Done."""
    rows = session.exec(
        select(Participant.role, Draft.done_at).join(Draft, Draft.participant_id == Participant.id)
        .where(Participant.workshop_id == workshop_id, Participant.role.in_(TEAM_ROLES))).all()
    roles = {role for role, _ in rows}
    return roles == set(TEAM_ROLES) and all(done_at is not None for _, done_at in rows)


def _auto_reveal(session: Session, workshop_id: str) -> None:
    auto = session.exec(select(Workshop.auto_reveal).where(Workshop.id == workshop_id)).one()
    if auto and everyone_done(session, workshop_id):
        _mark_revealed(session, workshop_id)


def set_auto_reveal(session: Session, workshop_id: str, facilitator_token: str,
                    on: bool) -> None:
    """Reveal by itself as soon as everyone is done (now, if they already are)."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    session.exec(update(Workshop).where(Workshop.id == workshop_id).values(auto_reveal=on))
    if on:  # committed with the reveal it sets off, as one transaction (see set_done)
        _auto_reveal(session, workshop_id)
    session.commit()


def reopen_drafts(session: Session, workshop_id: str, facilitator_token: str) -> None:
    """Undo the reveal: drafts can be edited again (everyone has seen them, though)."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    session.exec(update(Workshop).where(Workshop.id == workshop_id)
                 .values(revealed_at=None, auto_reveal=False))
    people = select(Participant.id).where(Participant.workshop_id == workshop_id,
                                          Participant.role != DATA_ROLE)
    session.exec(update(Draft).where(Draft.participant_id.in_(people)).values(done_at=None))
    # every draft has been read: wrong PINs tried before no longer keep a turn closed
    session.exec(update(Participant).where(Participant.workshop_id == workshop_id)
                 .values(turn_pin_misses=0))
    session.commit()


# --- the won deals' draft ----------------------------------------------------------------------

def set_data_draft(session: Session, workshop_id: str, facilitator_token: str,
                   definition: Definition) -> None:
    """Add the draft learned from the export's won deals (`workshop.learn`) as a fourth draft,
    done at once and hidden until the reveal like every other. Before the reveal a new one
    replaces the old (another export, another capacity); once revealed it is on the table and
    stays as it is."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if definition.is_empty():
        raise ValueError("The won deals' draft has no rule in it.")
    # Locked like the last Done, so a reveal at the same moment goes first or after, not between.
    session.exec(select(Workshop.id).where(Workshop.id == workshop_id).with_for_update())
    participant = _data_participant(session, workshop_id)
    if participant is None:
        _add_participant(session, workshop_id, DATA_ROLE, DATA_NAME, new_token(), definition,
                         revision=1, done=True)
    elif is_revealed(session, workshop_id):
        raise Locked("The drafts are revealed: the won deals' draft is on the table as it was. "
                     "Reopen the drafts to learn it again.")
    else:
        session.exec(update(Draft).where(Draft.participant_id == participant.id).values(
            definition_json=definition.to_json(), revision=Draft.revision + 1,
            done_at=utcnow(), updated_at=utcnow()))
    session.commit()


def remove_data_draft(session: Session, workshop_id: str, facilitator_token: str) -> bool:
    """Take the won deals' draft out before the reveal; False when there was none."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    session.exec(select(Workshop.id).where(Workshop.id == workshop_id).with_for_update())
    if is_revealed(session, workshop_id):
        raise Locked("The drafts are revealed: the won deals' draft stays on the table. "
                     "Reopen the drafts first to take it out.")
    participant = _data_participant(session, workshop_id)
    if participant is None:
        return False
    session.exec(delete(Draft).where(Draft.participant_id == participant.id))
    session.exec(delete(Participant).where(Participant.id == participant.id))
    session.commit()
    return True


def has_data_draft(session: Session, workshop_id: str, token: str) -> bool:
    """Whether the won deals' draft is in: a fact anyone in the workshop may know, never its
    content."""
    authenticate(session, workshop_id, token)
    return _data_participant(session, workshop_id) is not None


def _data_participant(session: Session, workshop_id: str) -> Participant | None:
    return session.exec(select(Participant).where(
        Participant.workshop_id == workshop_id, Participant.role == DATA_ROLE)).first()


def delete_workshop(session: Session, workshop_id: str, facilitator_token: str) -> None:
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if workshop_id in DEMO_TEMPLATES:
        raise AccessDenied("The demo workshop cannot be deleted.")
    _delete_rows(session, workshop_id)
    session.commit()


def _delete_rows(session: Session, workshop_id: str) -> None:
    """Every row of the workshop, children first; the caller commits."""
    proposals = select(Proposal.id).where(Proposal.workshop_id == workshop_id)
    session.exec(delete(SignOff).where(SignOff.proposal_id.in_(proposals)))
    session.exec(delete(ObjectionDraft).where(ObjectionDraft.proposal_id.in_(proposals)))
    for table in (AgendaState, WallLink, Measurement, Version, Proposal, DiscussionPoint,
                  SharedChange, Draft, Invite, SharedDefinition, LeadsUpload, Participant):
        session.exec(delete(table).where(table.workshop_id == workshop_id))
        session.flush()
    session.delete(get_workshop(session, workshop_id))


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
    statuses = {p.id: DraftStatus(p.id, p.role, p.name, _answered(d.definition_json),
                                  d.done_at is not None, d.revision > 0, p.at_screen,
                                  p.turn_pin is not None)
                for p, d in rows}  # one per person, were a draft row ever doubled
    return sorted(statuses.values(),
                  key=lambda s: (ROLE_ORDER.get(s.role, 9), s.participant_id))


def _answered(definition_json: object) -> int | None:
    """How many questions a stored draft answers; None when it cannot be read (the board
    says so, and the person can still be removed from it)."""
    try:
        return stored_definition(definition_json, "A draft").answered_count()
    except Damaged:
        return None


def reveal(session: Session, workshop_id: str, facilitator_token: str) -> None:
    authenticate_facilitator(session, workshop_id, facilitator_token)
    _mark_revealed(session, workshop_id)


def _mark_revealed(session: Session, workshop_id: str) -> None:
    """A statement, not an ORM change: a session holding an old copy cannot skip it."""
    session.exec(update(Workshop)
                 .where(Workshop.id == workshop_id, Workshop.revealed_at.is_(None))
                 .values(revealed_at=utcnow()))
    session.commit()


def revealed_drafts(session: Session, workshop_id: str, token: str) -> dict[str, Definition]:
    """Every started draft, labelled by role (and name where a role has several people).

    Refused before the reveal, whoever asks: the facilitator does not peek either."""
    return {d.label: d.definition for d in revealed_people(session, workshop_id, token)}


def revealed_people(session: Session, workshop_id: str, token: str) -> list[PersonDraft]:
    """The started drafts with who wrote them, in role order; refused before the reveal."""
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
    people = []
    for participant, draft in sorted(rows, key=lambda r: (ROLE_ORDER.get(r[0].role, 9), r[0].id)):
        label = ROLE_LABELS.get(participant.role, participant.role)
        if per_role[participant.role] > 1:
            label = f"{label} · {participant.name}"
        people.append(PersonDraft(participant.role, participant.name, label,
                                  stored_definition(draft.definition_json,
                                                    _draft_label(participant))))
    return people


# --- the shared definition ---------------------------------------------------------------------

def shared_state(session: Session, workshop_id: str, token: str) -> SharedState:
    """The shared definition: the facilitator always, everyone else once it is revealed."""
    actor = authenticate(session, workshop_id, token)
    if not actor.is_facilitator and not is_revealed(session, workshop_id):
        raise Locked("The shared definition is built after the reveal.")
    row = session.get(SharedDefinition, workshop_id)
    if row is None:
        raise Damaged(f"The shared definition is missing from the database. {DAMAGED_ADVICE}")
    session.refresh(row)
    decisions = stored_json(row.decisions_json or "{}", "The decision notes", dict)
    return SharedState(stored_definition(row.definition_json, "The shared definition"),
                       row.revision, {str(q): str(n) for q, n in decisions.items()},
                       signed_and_closed(session, workshop_id))


def save_shared(session: Session, workshop_id: str, facilitator_token: str,
                definition: Definition, expected_revision: int,
                decisions: dict[str, str] | None = None, *, summary: str = "Edited",
                questions: list[str] | tuple[str, ...] = (), restores: int | None = None) -> int:
    """Save the shared definition and keep the change (who, when, what, and the result).

    A proposal waiting for sign-off is withdrawn: what the teams were asked to sign has changed.
    Refused while the latest version is signed and not reopened."""
    actor = authenticate_facilitator(session, workshop_id, facilitator_token)
    if not is_revealed(session, workshop_id):
        raise Locked("Reveal the drafts before building the shared definition.")
    revision = expected_revision + 1
    values = {"definition_json": definition.to_json(), "revision": revision,
              "updated_at": utcnow(), "agreed_at": None, "agreed_by": ""}
    if decisions is not None:
        values["decisions_json"] = json.dumps(decisions)
    # The row is locked first (the order every writer takes: shared definition, then
    # proposal), then one statement decides: the revision must be the expected one and no
    # version may be signed and closed, so a signature at the same moment cannot slip in.
    session.exec(select(SharedDefinition.workshop_id)
                 .where(SharedDefinition.workshop_id == workshop_id).with_for_update())
    open_version = select(Version.id).where(Version.workshop_id == workshop_id,
                                            Version.reopened_at.is_(None)).exists()
    result = session.exec(
        update(SharedDefinition)
        .where(SharedDefinition.workshop_id == workshop_id,
               SharedDefinition.revision == expected_revision, ~open_version)
        .values(**values))
    if result.rowcount != 1:
        session.rollback()
        signed = signed_and_closed(session, workshop_id)
        if signed is not None:
            raise Locked(f"Version {signed} is signed and cannot change. Reopen it to draft "
                         f"version {signed + 1}.")
        raise StaleEdit("The shared definition was changed elsewhere in the meantime. "
                        "The latest version is shown again; please redo your last change.")
    session.add(SharedChange(workshop_id=workshop_id, revision=revision, by_name=actor.name,
                             summary=(summary or "Edited")[:2000],
                             questions=",".join(questions), restores=restores,
                             definition_json=values["definition_json"]))
    session.exec(update(Proposal).where(Proposal.workshop_id == workshop_id,
                                        Proposal.status == "open")
                 .values(status="withdrawn"))
    session.commit()
    return revision


def signed_and_closed(session: Session, workshop_id: str) -> int | None:
    """The latest version's number while it is signed and not reopened, else None."""
    latest = session.exec(select(Version).where(Version.workshop_id == workshop_id)
                          .order_by(Version.number.desc())).first()
    if latest is None:
        return None
    session.refresh(latest)
    return latest.number if latest.reopened_at is None else None


# --- uploaded leads ------------------------------------------------------------------------------

def record_upload(session: Session, workshop_id: str, facilitator_token: str, *, sha256: str,
                  filename: str, rows: int, headers_signature: str, mapping_json: str) -> int:
    """The workshop's leads are now this export (the newest upload is the current one)."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    upload = LeadsUpload(workshop_id=workshop_id, sha256=sha256, filename=filename[:300],
                         rows=rows, headers_signature=headers_signature,
                         mapping_json=mapping_json)
    session.add(upload)
    session.commit()
    return upload.id


def current_upload(session: Session, workshop_id: str, token: str) -> LeadsUpload | None:
    """The facilitator's latest upload; others see it once the drafts are revealed."""
    actor = authenticate(session, workshop_id, token)
    if not actor.is_facilitator and not is_revealed(session, workshop_id):
        return None
    return session.exec(select(LeadsUpload).where(LeadsUpload.workshop_id == workshop_id)
                        .order_by(LeadsUpload.id.desc())).first()


def upload_for_choices(session: Session, workshop_id: str, token: str) -> LeadsUpload | None:
    """The workshop's latest export, for anyone in the workshop: its values (the industries
    and sources a company really has) shape the guided form's choices. Nothing of anyone's
    draft is in it; its figures per draft stay behind the reveal (`current_upload`)."""
    authenticate(session, workshop_id, token)
    return session.exec(select(LeadsUpload).where(LeadsUpload.workshop_id == workshop_id)
                        .order_by(LeadsUpload.id.desc())).first()


def saved_mapping(session: Session, workshop_id: str, facilitator_token: str,
                  headers_signature: str) -> str | None:
    """The mapping last used for an export with the same headers, to reuse it."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    return session.exec(select(LeadsUpload.mapping_json).where(
        LeadsUpload.workshop_id == workshop_id,
        LeadsUpload.headers_signature == headers_signature)
        .order_by(LeadsUpload.id.desc())).first()


def mapping_to_reuse(session: Session, workshop_id: str, facilitator_token: str,
                     headers_signature: str) -> tuple[str | None, bool]:
    """The mapping for a new export and whether it was made for the same headers: the one last
    used for these headers, else the workshop's latest (its corrections carry over to the
    columns the two exports share, see `pipeline.map_with_saved`), else none."""
    known = saved_mapping(session, workshop_id, facilitator_token, headers_signature)
    if known is not None:
        return known, True
    return session.exec(select(LeadsUpload.mapping_json).where(
        LeadsUpload.workshop_id == workshop_id).order_by(LeadsUpload.id.desc())).first(), False


def update_upload_mapping(session: Session, workshop_id: str, facilitator_token: str,
                          upload_id: int, mapping_json: str) -> None:
    authenticate_facilitator(session, workshop_id, facilitator_token)
    result = session.exec(update(LeadsUpload).where(
        LeadsUpload.id == upload_id, LeadsUpload.workshop_id == workshop_id)
        .values(mapping_json=mapping_json))
    session.commit()
    if result.rowcount != 1:
        raise NotFound("This upload is not part of this workshop.")
