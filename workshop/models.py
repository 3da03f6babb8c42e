"""Database tables. A draft belongs to one participant; nobody else reads it before the reveal
(enforced in `workshop.store`, not here)."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

ROLE_LABELS = {"facilitator": "Facilitator", "marketing": "Marketing", "sales": "Sales"}


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


class JoinAttempt(SQLModel, table=True):
    """Failed join-code look-ups, to slow down guessing (per client and overall)."""

    id: int | None = Field(default=None, primary_key=True)
    client: str = Field(max_length=100, index=True)
    at: datetime = Field(default_factory=utcnow, index=True)


class Participant(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workshop_id", "role", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: str = Field(foreign_key="workshop.id", index=True, max_length=32)
    role: str = Field(max_length=20)
    name: str = Field(max_length=200)
    token: str = Field(max_length=64, unique=True)
    joined_at: datetime = Field(default_factory=utcnow)


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
