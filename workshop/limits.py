"""How fast one network may try join codes and create workshops.

The counts are rows in the database, so every app process shares them; rows that no longer
count are deleted by the next request. A network is the requester's address as the app sees it
(`client_id()`); IPv6 addresses count by their /64, the block a home or office gets, since one
machine can pick any address inside it.

Join codes: nothing is counted across networks, so other people's guesses never keep a right
code out. A network may try FREE_WRONG_CODES wrong codes at once (a room behind one router,
mistyping), then one every WRONG_CODE_PACE. A try beyond that waits for its turn and is then
looked up, so a right code typed in a slowed-down room still gets in; only a try that would wait
longer than LONGEST_WAIT (someone hammering) is refused at once, and it is not looked up at
all, so its refusal says nothing about the code. Right codes cost nothing.

Workshops: each network may create or restore 5 a minute and 30 an hour (CREATION_LIMITS),
plenty for a facilitator preparing several sessions. A copy of a demo (each visitor opens their
own) is counted apart and more generously (DEMO_COPY_LIMITS), for a class trying the demo
behind one router. The command line, the server's own doing, is not limited.
"""
from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from workshop.models import JoinPace, WorkshopCreation, utcnow

FREE_WRONG_CODES = 10
WRONG_CODE_PACE = timedelta(seconds=12)  # 5 wrong codes a minute, once the free ones are used
LONGEST_WAIT = timedelta(seconds=30)
# (window, how many workshops one network may create or restore in it, the window in words)
CREATION_LIMITS = ((timedelta(minutes=1), 5, "minute"), (timedelta(hours=1), 30, "hour"))
DEMO_COPY_LIMITS = ((timedelta(minutes=1), 20, "minute"), (timedelta(hours=1), 100, "hour"))
DEMO_COPIES = "demo copies of "  # counted under this prefix, apart from the network's workshops


class Clock:
    """Time as the limits see it; tests hand in one they move themselves."""

    def now(self) -> datetime:
        return utcnow()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK = Clock()


def network_of(client: str | None) -> str:
    """What the limits count by: an IPv4 address, an IPv6 address's /64, or the text given."""
    text = str(client or "").strip()[:100] or "unknown"
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # without an IPv6 zone
    except ValueError:
        return text
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


# --- join codes --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeTurn:
    """When a typed code may be looked up: after `wait` seconds, or (refused) not now; the
    queue has room again in `retry_after` seconds."""

    wait: float
    refused: bool = False
    retry_after: float = 0.0


def take_code_turn(session: Session, network: str, now: datetime) -> CodeTurn:
    """Book the network's next turn to look up a code, charging it as a wrong one (a right one
    is given back with `give_back_code_turn`). Booking before the look-up is what bounds a
    guesser: every look-up has had its turn, however many tries arrive at once."""
    at = now.timestamp()
    pace = WRONG_CODE_PACE.total_seconds()
    free = FREE_WRONG_CODES * pace  # the debt a network may run up before it waits
    # A debt up to this still gets a turn within LONGEST_WAIT after one more charge.
    latest = at + free + LONGEST_WAIT.total_seconds() - pace
    while True:
        session.exec(delete(JoinPace).where(JoinPace.paid_off_at <= at))  # paid off: forget
        booked = session.exec(
            update(JoinPace)
            .where(JoinPace.network == network, JoinPace.paid_off_at <= latest)
            .values(paid_off_at=case((JoinPace.paid_off_at > at, JoinPace.paid_off_at),
                                     else_=at) + pace))
        if booked.rowcount == 1:
            paid_off_at = _paid_off_at(session, network)
            session.commit()
            return CodeTurn(wait=max(0.0, paid_off_at - free - at))
        paid_off_at = _paid_off_at(session, network)
        if paid_off_at is not None:
            session.commit()
            return CodeTurn(wait=0.0, refused=True, retry_after=paid_off_at - latest)
        try:
            session.add(JoinPace(network=network, paid_off_at=at + pace))
            session.commit()
        except IntegrityError:  # another process booked this network's first turn just now
            session.rollback()
            continue
        return CodeTurn(wait=0.0)


def give_back_code_turn(session: Session, network: str) -> None:
    """The code was right: its turn costs the network nothing."""
    session.exec(update(JoinPace).where(JoinPace.network == network)
                 .values(paid_off_at=JoinPace.paid_off_at - WRONG_CODE_PACE.total_seconds()))
    session.commit()


def _paid_off_at(session: Session, network: str) -> float | None:
    return session.exec(select(JoinPace.paid_off_at).where(JoinPace.network == network)).first()


# --- creating and restoring workshops ----------------------------------------------------------

@dataclass(frozen=True)
class CreationRefused:
    """The network made `made` workshops in the last `window_words`; the next fits in `wait`."""

    made: int
    window_words: str
    wait: timedelta


def book_creation(session: Session, network: str, now: datetime, *,
                  demo_copy: bool = False) -> int | CreationRefused:
    """Count one creation for the network (or one demo copy), or refuse it; the booking's id, to
    give it back if the creation then fails.

    The booking is committed before the others are counted, so of several at the same moment
    none is missed: together they may all be refused, but never let through past the limit."""
    windows = DEMO_COPY_LIMITS if demo_copy else CREATION_LIMITS
    if demo_copy:
        network = (DEMO_COPIES + network)[:100]
    longest = max(window for window, _, _ in CREATION_LIMITS + DEMO_COPY_LIMITS)
    session.exec(delete(WorkshopCreation).where(WorkshopCreation.at <= now - longest))
    booking = WorkshopCreation(network=network, at=now)
    session.add(booking)
    session.commit()
    booking_id = booking.id
    refusals = []
    for window, limit, words in windows:
        times = sorted(_aware(at) for at in session.exec(
            select(WorkshopCreation.at).where(
                WorkshopCreation.network == network, WorkshopCreation.at > now - window,
                WorkshopCreation.id != booking_id)).all())
        if len(times) >= limit:  # the next fits once the limit-th latest leaves the window
            refusals.append(CreationRefused(len(times), words, times[-limit] + window - now))
    if not refusals:
        return booking_id
    give_back_creation(session, booking_id)
    return max(refusals, key=lambda refusal: refusal.wait)


def give_back_creation(session: Session, booking_id: int) -> None:
    session.exec(delete(WorkshopCreation).where(WorkshopCreation.id == booking_id))
    session.commit()


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their time zone; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
