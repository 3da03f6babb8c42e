"""The session's agenda: a time box per step, the step the facilitator has the room on, and how
long it has run. Participants read it to follow the facilitator; only the facilitator moves it.

Times are passed in (`now`), so the countdown is tested without waiting.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from workshop.models import AgendaState, utcnow
from workshop.store import StaleEdit, authenticate, authenticate_facilitator

STEPS = {1: "The facilitator's definition", 2: "Marketing and sales draft",
         3: "Compare and agree", 4: "Communicate"}
DEFAULT_MINUTES = {1: 20, 2: 30, 3: 75, 4: 25}  # 2½ hours; step 3 is where the work is
MAX_STEP_MINUTES = 240
MAX_TOTAL_MINUTES = 8 * 60
NEARLY_OVER_MINUTES = 5


@dataclass(frozen=True)
class Agenda:
    minutes: dict[int, int]  # step -> time box
    current: int
    started_at: datetime

    @property
    def total(self) -> int:
        return sum(self.minutes.values())

    def elapsed(self, now: datetime) -> float:
        """Minutes the current step has run."""
        return max(0.0, (_aware(now) - _aware(self.started_at)).total_seconds() / 60)

    def remaining(self, now: datetime) -> float:
        """Minutes left in the current step's time box; negative once it runs over."""
        return self.minutes[self.current] - self.elapsed(now)

    def state(self, now: datetime) -> str:
        """'on time', 'nearly over' (the last minutes), 'over', or 'ended' once the step has
        run longer than any session (a workshop opened again days later)."""
        if self.elapsed(now) > MAX_TOTAL_MINUTES:
            return "ended"
        left = self.remaining(now)
        if left < 0:
            return "over"
        return "nearly over" if left <= NEARLY_OVER_MINUTES else "on time"

    def countdown(self, now: datetime) -> str:
        """'42 min left of 75', '4 min over the 30 min time box', or since when."""
        if self.state(now) == "ended":
            return f"the room has been here since {_aware(self.started_at):%d %b %Y}"
        left = self.remaining(now)
        box = self.minutes[self.current]
        if left >= 0:
            return f"{_whole(left)} min left of {box}"
        return f"{int(-left)} min over the {box} min time box"  # whole minutes past it


def _whole(minutes: float) -> int:
    """Counting down, a started minute counts as left (0:30 left shows 1 min)."""
    return int(-(-minutes // 1))


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC times; PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def agenda(session: Session, workshop_id: str, token: str) -> Agenda:
    """Anyone in the workshop: a participant's screen follows the current step."""
    authenticate(session, workshop_id, token)
    row = session.get(AgendaState, workshop_id)
    if row is None:
        return Agenda(dict(DEFAULT_MINUTES), 1, _created(session, workshop_id))
    session.refresh(row)
    # A step or clock the app never writes (an edit by hand, another version) reads as the
    # first step begun now, rather than failing every page of the workshop.
    step = row.current_step if isinstance(row.current_step, int) and row.current_step in STEPS \
        else 1
    started = row.step_started_at if isinstance(row.step_started_at, datetime) else utcnow()
    return Agenda(_minutes(row.minutes_json), step, started)


def _created(session: Session, workshop_id: str) -> datetime:
    from workshop.models import Workshop

    return session.get(Workshop, workshop_id).created_at


def _minutes(text: object) -> dict[int, int]:
    """The time boxes as stored; a box the app never writes (not a whole number of minutes
    from 1 to `MAX_STEP_MINUTES`, or text that is no JSON) is its default."""
    try:
        loaded = json.loads(text) if isinstance(text, str) and text else {}
    except (ValueError, RecursionError):
        loaded = {}
    stored = {}
    for step, value in (loaded.items() if isinstance(loaded, dict) else ()):
        if str(step).isdigit() and isinstance(value, int) and not isinstance(value, bool) \
                and 1 <= value <= MAX_STEP_MINUTES:
            stored[int(step)] = value
    return {step: stored.get(step, default) for step, default in DEFAULT_MINUTES.items()}


def move_to(session: Session, workshop_id: str, facilitator_token: str, step: int) -> None:
    """The facilitator takes the room to `step`; its clock starts now (unless it is already
    the current step, whose clock keeps running)."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if step not in STEPS:
        raise ValueError(f"There is no step {step}; the steps are 1 to {len(STEPS)}.")
    row = _row(session, workshop_id)
    if row.current_step != step:
        row.current_step, row.step_started_at = step, utcnow()
        session.add(row)
    if not _committed(session):  # another tab created the row at the same moment
        move_to(session, workshop_id, facilitator_token, step)


def set_minutes(session: Session, workshop_id: str, facilitator_token: str,
                minutes: dict[int, int], *, started_from: dict[int, int] | None = None) -> None:
    """Change the time boxes (whole minutes, 1 to 240 each, 8 hours in all at most).

    With `started_from` (the time boxes the form showed), a save that another screen's came
    before is refused with `StaleEdit`, never silently replaced."""
    authenticate_facilitator(session, workshop_id, facilitator_token)
    if set(minutes) != set(STEPS):
        raise ValueError("Give a time box for each of the four steps.")
    for step, value in minutes.items():
        if type(value) is not int or not 1 <= value <= MAX_STEP_MINUTES:
            raise ValueError(f"Step {step}: a time box is 1 to {MAX_STEP_MINUTES} minutes.")
    if sum(minutes.values()) > MAX_TOTAL_MINUTES:
        raise ValueError(f"The whole agenda can be at most {MAX_TOTAL_MINUTES // 60} hours.")
    stale = StaleEdit("The time boxes were changed on another screen in the meantime; the "
                      "latest are shown. Please make your change again.")
    text = json.dumps({str(k): v for k, v in sorted(minutes.items())})
    row = session.get(AgendaState, workshop_id)
    if row is not None:
        session.refresh(row)
        seen = row.minutes_json
        if started_from is not None and _minutes(seen) != started_from:
            raise stale
        # A statement that names what was seen: a save committed in between matches no row.
        saved = session.exec(update(AgendaState).where(
            AgendaState.workshop_id == workshop_id, AgendaState.minutes_json == seen)
            .values(minutes_json=text))
        session.commit()
        if saved.rowcount != 1:
            if started_from is not None:
                raise stale
            set_minutes(session, workshop_id, facilitator_token, minutes)
        return
    if started_from is not None and started_from != DEFAULT_MINUTES:
        raise stale
    row = _row(session, workshop_id)
    row.minutes_json = text
    session.add(row)
    if not _committed(session):  # another tab created the row at the same moment
        set_minutes(session, workshop_id, facilitator_token, minutes, started_from=started_from)


def _committed(session: Session) -> bool:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def _row(session: Session, workshop_id: str) -> AgendaState:
    row = session.get(AgendaState, workshop_id)
    if row is None:
        row = AgendaState(workshop_id=workshop_id, current_step=1,
                          step_started_at=_created(session, workshop_id))
    return row
