"""The agreed definition for everyone in the company: a read-only wall page behind a link of its
own, which opens nothing else (no draft, no edit, no other workshop), and the same agreed
definition for the operator's command line.

The link is a secret like a join link. The facilitator creates it once something is signed, can
replace it (the old one stops working) or stop sharing; members of the workshop see it after the
reveal, to pass it on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from workshop import export, room
from workshop.definition import Definition
from workshop.models import Measurement, Version, WallLink, Workshop, utcnow
from workshop.store import (
    NotFound,
    authenticate_facilitator,
    new_token,
    plausible_key,
    stored_definition,
)
from workshop.versions import (
    MeasurementInfo,
    authenticate_reader,
    kept_notes,
    measurement_info,
    signed_by,
    stored_signatories,
)

UNKNOWN_LINK = ("This wall link does not work (any more): it may have been replaced. Ask the "
                "workshop's facilitator for the current one.")
# A heading longer than this takes a phone's whole first screen at the usual heading size.
LONG_HEADING = 40


def heading_is_long(page: export.OnePager) -> bool:
    """Whether the one-pager's heading (the company, else the title) gets the smaller size."""
    return len(page.company.strip() or page.title.strip()) > LONG_HEADING


@dataclass(frozen=True)
class Agreed:
    """A signed version with what the one-pager says about it."""

    workshop_id: str
    company: str
    title: str
    facilitator: str
    number: int
    definition: Definition
    signed_at: datetime
    signed_by: list[str]  # "Name (Team)"
    being_revised: bool  # reopened: the next version is being drafted
    measured: MeasurementInfo | None  # the latest measurement of this version
    decisions: dict[str, str] = field(default_factory=dict)  # question -> decision noted

    def page(self, link: str = "") -> export.OnePager:
        """The one-pager; `link` is the wall page's address, printed with its QR code."""
        return export.one_pager(self.definition, company=self.company, title=self.title,
                                facilitator=self.facilitator, agreed_by=self.signed_by,
                                agreed_at=self.signed_at, version=self.number,
                                measured=self.measured, link=link,
                                decisions=self.decisions)


def agreed(session: Session, workshop_id: str, number: int | None = None) -> Agreed | None:
    """The latest signed version (or version `number`), or None.

    No access check: for the wall page (after its link is checked) and the operator's command
    line, which reads the database directly."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        return None
    query = select(Version).where(Version.workshop_id == workshop_id)
    query = (query.where(Version.number == number) if number is not None
             else query.order_by(Version.number.desc()))
    version = session.exec(query).first()
    if version is None:
        return None
    session.refresh(version)
    latest = session.exec(select(Measurement).where(
        Measurement.workshop_id == workshop_id, Measurement.version_number == version.number)
        .order_by(Measurement.measured_at.desc(), Measurement.id.desc())).first()
    signed = signed_by(stored_signatories(version.signatories_json, version.number))
    return Agreed(workshop.id, workshop.company, workshop.title, workshop.facilitator_name,
                  version.number,
                  stored_definition(version.definition_json, f"Version {version.number}"),
                  version.signed_at, signed, version.reopened_at is not None,
                  None if latest is None else measurement_info(latest),
                  kept_notes(version.decisions_json))


def agreed_for(session: Session, workshop_id: str, token: str) -> Agreed | None:
    """The latest signed version as `agreed` gives it, for someone in the workshop (the
    facilitator; members after the reveal): step 4 shows the wall page's one-pager, so the two
    never disagree on which version is the agreed one."""
    authenticate_reader(session, workshop_id, token)
    return agreed(session, workshop_id)


def _active(session: Session, workshop_id: str) -> WallLink | None:
    return session.exec(select(WallLink).where(WallLink.workshop_id == workshop_id,
                                               WallLink.revoked_at.is_(None))
                        .order_by(WallLink.created_at.desc())).first()


def wall_link(session: Session, workshop_id: str, token: str) -> str | None:
    """The workshop's current wall link secret, if it is shared: the facilitator always,
    members after the reveal."""
    authenticate_reader(session, workshop_id, token)
    active = _active(session, workshop_id)
    return None if active is None else active.secret


def share(session: Session, workshop_id: str, facilitator_token: str, *,
          replace: bool = False) -> str:
    """The wall link's secret, created if there is none; `replace` revokes the current one
    first (anyone holding the old link loses it)."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    _lock(session, workshop_id)
    if session.exec(select(Version.id).where(Version.workshop_id == workshop_id)).first() is None:
        raise ValueError("Nothing is signed yet: the wall page shows the agreed definition, "
                         "so it opens once version 1 is signed.")
    active = _active(session, workshop_id)
    if active is not None and not replace:
        return active.secret
    _revoke(session, workshop_id)
    link = WallLink(secret=new_token(), workshop_id=workshop_id)
    session.add(link)
    session.commit()
    return link.secret


def stop_sharing(session: Session, workshop_id: str, facilitator_token: str) -> None:
    authenticate_facilitator(session, workshop_id, facilitator_token)
    _lock(session, workshop_id)
    _revoke(session, workshop_id)
    session.commit()


def _lock(session: Session, workshop_id: str) -> None:
    """Take the workshop's row (a write lock on SQLite) until commit, so two replacements at
    the same moment run one after the other and leave one link."""
    session.exec(update(Workshop).where(Workshop.id == workshop_id)
                 .values(id=Workshop.id))


def _revoke(session: Session, workshop_id: str) -> None:
    session.exec(update(WallLink).where(WallLink.workshop_id == workshop_id,
                                        WallLink.revoked_at.is_(None))
                 .values(revoked_at=utcnow()))


WALL_FIELDS = ("versions", "measurements", "discussion", "wall")  # what the wall page shows


def wall_stamp(session: Session, secret: str | None) -> tuple | None:
    """A small value that moves when what the wall link shows moves (a new or reopened
    version, a measurement, a decision note, the link replaced or stopped); None when the link
    opens nothing. One cheap query, for a wall screen to poll."""
    link = session.exec(select(WallLink).where(WallLink.secret == secret)
                        .execution_options(populate_existing=True)).first() \
        if plausible_key(secret) else None
    if link is None or link.revoked_at is not None:
        return None
    try:
        return room.pick(room.stamp(session, link.workshop_id), WALL_FIELDS)
    except NotFound:
        return None


def wall(session: Session, secret: str | None) -> Agreed:
    """What the wall link shows: the latest signed version. Nothing else is reachable from it."""
    # Read afresh (populate_existing): replaced or deleted a moment ago in another session?
    link = session.exec(select(WallLink).where(WallLink.secret == secret)
                        .execution_options(populate_existing=True)).first() \
        if plausible_key(secret) else None
    if link is None or link.revoked_at is not None:
        raise NotFound(UNKNOWN_LINK)
    shown = agreed(session, link.workshop_id)
    if shown is None:
        raise NotFound(UNKNOWN_LINK)
    return shown
