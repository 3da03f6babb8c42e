"""Sales' capacity: how many reps follow up leads and how many one rep can work a month. Set on
the evidence page by anyone in the workshop and kept with it, so a reload, another page or
another screen shows the capacity the verdicts were worked out against."""
from __future__ import annotations

from typing import NamedTuple

from sqlmodel import Session

from workshop.store import authenticate, get_workshop

DEFAULT_REPS, DEFAULT_PER_REP = 5, 40
MAX_REPS, MAX_PER_REP = 10_000, 100_000


class Capacity(NamedTuple):
    reps: int
    per_rep: int

    @property
    def per_month(self) -> int:
        return self.reps * self.per_rep


def capacity(session: Session, workshop_id: str, token: str) -> Capacity:
    """The capacity as last set, the defaults for what never was."""
    authenticate(session, workshop_id, token)
    workshop = get_workshop(session, workshop_id)
    session.refresh(workshop)  # set on another screen since this session read it
    reps = stored_figure(workshop.sales_reps, MAX_REPS)
    per_rep = stored_figure(workshop.leads_per_rep, MAX_PER_REP)
    return Capacity(DEFAULT_REPS if reps is None else reps,
                    DEFAULT_PER_REP if per_rep is None else per_rep)


def stored_figure(value: object, most: int) -> int | None:
    """A stored figure; None where none was set, or none that could have been (a row edited
    by hand)."""
    return value if type(value) is int and 0 <= value <= most else None


def set_capacity(session: Session, workshop_id: str, token: str, reps: int,
                 per_rep: int) -> Capacity:
    authenticate(session, workshop_id, token)
    for value, most, what in ((reps, MAX_REPS, "Sales reps"),
                              (per_rep, MAX_PER_REP, "Leads one rep can work per month")):
        if type(value) is not int or not 0 <= value <= most:
            raise ValueError(f"{what}: a whole number from 0 to {most:,}.")
    workshop = get_workshop(session, workshop_id)
    workshop.sales_reps, workshop.leads_per_rep = reps, per_rep
    session.add(workshop)
    session.commit()
    return Capacity(reps, per_rep)
