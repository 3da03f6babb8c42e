"""Database tables. A draft belongs to one participant; nobody else reads it before the reveal
(enforced in `workshop.store`, not here)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

# The draft learned from the export's won deals (`workshop.learn`): a fourth voice, added by the
# facilitator, hidden until the reveal like every draft. Nobody signs in as it.
DATA_ROLE = "data"
DATA_NAME = "Your won deals"
ROLE_LABELS = {"facilitator": "Facilitator", "marketing": "Marketing", "sales": "Sales",
               DATA_ROLE: "Won deals"}
ROLE_ORDER = {role: index for index, role in enumerate(ROLE_LABELS)}  # drafts are shown in it


def possessive(label: str) -> str:
    """"Sales's answer", "Priya's answer"; the one plural label ("Won deals") takes the
    apostrophe alone: "the won deals' answer"."""
    if label == ROLE_LABELS[DATA_ROLE]:
        return "the won deals'"
    return f"{label}'s"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Workshop(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=32)
    company: str = Field(max_length=200)
    title: str = Field(max_length=200)
    facilitator_name: str = Field(max_length=200)
    facilitator_token: str = Field(max_length=64, index=True)
    join_code: str = Field(max_length=16, unique=True)
    auto_reveal: bool = False
    is_demo: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    revealed_at: datetime | None = None
    # Sales' capacity as last set on the evidence page (`workshop.capacity`); None: not set.
    sales_reps: int | None = None
    leads_per_rep: int | None = None


class Invite(SQLModel, table=True):
    """A role's join link: whoever opens it joins that role under a name they type."""

    secret: str = Field(primary_key=True, max_length=64)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    role: str = Field(max_length=20)


class LeadsUpload(SQLModel, table=True):
    """A CRM export the facilitator uploaded: the file itself lives on disk by its hash."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    sha256: str = Field(max_length=64)
    filename: str = Field(max_length=300)
    rows: int = 0
    headers_signature: str = Field(max_length=64, index=True)
    mapping_json: str = Field(sa_column=Column(Text, nullable=False))
    uploaded_at: datetime = Field(default_factory=utcnow)


class JoinPace(SQLModel, table=True):
    """How far one network is behind on wrong join codes: each costs it a few seconds, paid off
    as time passes (see `workshop.limits`). The row goes once everything is paid off."""

    network: str = Field(primary_key=True, max_length=100)
    # Seconds since 1970 (UTC), a number so that one UPDATE can add to it on any engine.
    paid_off_at: float = Field(index=True)


class WorkshopCreation(SQLModel, table=True):
    """A workshop created or restored from a network, kept for the longest creation window
    (see `workshop.limits`) to limit how many one network makes."""

    id: int | None = Field(default=None, primary_key=True)
    network: str = Field(max_length=100, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)


class Participant(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workshop_id", "role", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    role: str = Field(max_length=20)
    name: str = Field(max_length=200)
    token: str = Field(max_length=64, unique=True)
    joined_at: datetime = Field(default_factory=utcnow)
    # Added by the facilitator to take turns at the shared screen; people who joined on their
    # own device are never handed to anyone else.
    at_screen: bool = False
    # A turn-taker's PIN, hashed (`workshop.pins`): their turn opens again only with it. Wrong
    # PINs in a row are counted, so guessing stops long before it could succeed.
    turn_pin: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    turn_pin_misses: int = 0


class Draft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    participant_id: int = Field(foreign_key="participant.id", unique=True)
    definition_json: str = Field(sa_column=Column(Text, nullable=False))
    revision: int = 0
    done_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class SharedDefinition(SQLModel, table=True):
    workshop_id: str = Field(foreign_key="workshop.id", primary_key=True, max_length=32)
    definition_json: str = Field(sa_column=Column(Text, nullable=False))
    revision: int = 0
    decisions_json: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    agreed_by: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    agreed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


# --- agreeing: every change to the shared definition, discussion, sign-off, versions -----------

class SharedChange(SQLModel, table=True):
    """One change to the shared definition, with the whole definition after it, so the
    discussion can be replayed and any step gone back to."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    revision: int  # the shared definition's revision after this change
    by_name: str = Field(max_length=200)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    questions: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    definition_json: str = Field(sa_column=Column(Text, nullable=False))
    restores: int | None = None  # an undo: the revision whose state it went back to
    at: datetime = Field(default_factory=utcnow)


class DiscussionPoint(SQLModel, table=True):
    """A guiding question the facilitator put up for discussion, and the decision noted on it."""

    workshop_id: str = Field(foreign_key="workshop.id", primary_key=True, max_length=32)
    question: str = Field(primary_key=True, max_length=40)
    open: bool = True
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    revision: int = 0  # every save names the one it started from, as for the definitions
    updated_at: datetime = Field(default_factory=utcnow)


class Proposal(SQLModel, table=True):
    """The shared definition as the facilitator put it to the teams for sign-off."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    number: int  # the version it becomes once every team signs
    shared_revision: int
    definition_json: str = Field(sa_column=Column(Text, nullable=False))
    figures_json: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    source: str = Field(default="", max_length=300)  # the leads the figures come from
    status: str = Field(default="open", max_length=20)  # open, signed, withdrawn
    # The decision notes as proposed (question -> note): what the teams sign, kept with the
    # version, so a note changed afterwards never rewrites a signed one-pager.
    decisions_json: str = Field(default="{}", sa_column=Column(Text, nullable=False,
                                                               default="{}"))
    proposed_at: datetime = Field(default_factory=utcnow)


class SignOff(SQLModel, table=True):
    """A team's answer to a proposal: signed, or objected to with a reason."""

    __table_args__ = (UniqueConstraint("proposal_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    role: str = Field(max_length=20)
    name: str = Field(max_length=200)
    agrees: bool
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    in_room: bool = False  # recorded by the facilitator for someone on the shared screen
    at: datetime = Field(default_factory=utcnow)


class Version(SQLModel, table=True):
    """A signed definition: never changed afterwards. Reopening drafts the next number."""

    __table_args__ = (UniqueConstraint("workshop_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    number: int
    proposal_id: int = Field(foreign_key="proposal.id")
    definition_json: str = Field(sa_column=Column(Text, nullable=False))
    signatories_json: str = Field(sa_column=Column(Text, nullable=False))
    decisions_json: str = Field(default="{}", sa_column=Column(Text, nullable=False,
                                                               default="{}"))
    signed_at: datetime = Field(default_factory=utcnow)
    reopened_at: datetime | None = None


class ObjectionDraft(SQLModel, table=True):
    """What a team member has typed as the reason to object, before sending it: kept as it is
    typed, so a refresh or a phone going to sleep loses none of it."""

    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    revision: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


class Measurement(SQLModel, table=True):
    """The headline figures of a version on one leads export, at sign-off or later."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    version_number: int
    source: str = Field(default="", max_length=300)
    sha256: str = Field(default="", max_length=64)
    at_signoff: bool = False
    figures_json: str = Field(sa_column=Column(Text, nullable=False))
    measured_at: datetime = Field(default_factory=utcnow)


class WallLink(SQLModel, table=True):
    """A read-only link to a workshop's agreed definition, for anyone in the company. Replacing
    it revokes the old one."""

    secret: str = Field(primary_key=True, max_length=64)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class AgendaState(SQLModel, table=True):
    """Where the session is: the step on the shared screen, since when, and each step's time
    box in minutes (JSON; the defaults when empty)."""

    workshop_id: str = Field(foreign_key="workshop.id", primary_key=True, max_length=32)
    current_step: int = 1
    step_started_at: datetime = Field(default_factory=utcnow)
    minutes_json: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
