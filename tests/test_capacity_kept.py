"""Sales' capacity is kept with the workshop: set on the evidence page, it is what a reload,
another page, another screen and a backup show, and what the verdicts and the won deals'
draft are worked out against. It lived in the browser session only: a reload put 12 reps × 25
back to 5 × 40, and the capacity verdicts changed without anyone touching them."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.test_agree_walk import app_url, drafted_workshop, open_as  # noqa: F401
from tests.test_own_devices import texts
from tests.widget_keys import own
from workshop import backup, store
from workshop.capacity import (
    DEFAULT_PER_REP,
    DEFAULT_REPS,
    MAX_REPS,
    Capacity,
    capacity,
    set_capacity,
)
from workshop.db import make_engine, session
from workshop.store import AccessDenied

EVIDENCE = "views/evidence.py"


def test_kept_with_the_workshop_and_checked(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    engine = make_engine(app_url)
    with session(engine) as s:
        assert capacity(s, workshop_id, tokens["facilitator"]) == (DEFAULT_REPS, DEFAULT_PER_REP)
        set_capacity(s, workshop_id, tokens["sales"], 12, 25)
    with session(engine) as s:  # another screen
        assert capacity(s, workshop_id, tokens["marketing"]) == Capacity(12, 25)
        assert capacity(s, workshop_id, tokens["marketing"]).per_month == 300
        for reps, per_rep in ((-1, 25), (MAX_REPS + 1, 25), (12, 2.5), (True, 25), (12, "25")):
            with pytest.raises(ValueError, match="a whole number from 0 to"):
                set_capacity(s, workshop_id, tokens["facilitator"], reps, per_rep)
        with pytest.raises(AccessDenied):
            set_capacity(s, workshop_id, "not-a-key-of-this-workshop-at-all-0000000000", 1, 1)
        assert capacity(s, workshop_id, tokens["facilitator"]) == Capacity(12, 25)
    with engine.begin() as connection:  # a row edited by hand: the defaults, never a failure
        connection.execute(sa.text("UPDATE workshop SET sales_reps = -4 WHERE id = :w"),
                           {"w": workshop_id})
    with session(engine) as s:
        assert capacity(s, workshop_id, tokens["facilitator"]) == Capacity(DEFAULT_REPS, 25)
        store.reveal(s, workshop_id, tokens["facilitator"])  # a backup holds the drafts
        restored = backup.restore_workshop(
            s, backup.export_workshop(s, workshop_id, tokens["facilitator"]))
        assert capacity(s, restored.workshop_id, restored.facilitator_token) == \
            Capacity(DEFAULT_REPS, 25)
    engine.dispose()


def test_a_backup_keeps_the_capacity(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    engine = make_engine(app_url)
    with session(engine) as s:
        set_capacity(s, workshop_id, tokens["facilitator"], 3, 20)
        store.reveal(s, workshop_id, tokens["facilitator"])
        restored = backup.restore_workshop(
            s, backup.export_workshop(s, workshop_id, tokens["facilitator"]))
        assert capacity(s, restored.workshop_id, restored.facilitator_token) == Capacity(3, 20)
    engine.dispose()


def test_the_evidence_page_shows_the_capacity_set_on_another_screen(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    first = open_as(workshop_id, tokens["facilitator"], EVIDENCE)
    own(first.number_input, "evidence:reps").set_value(12).run()
    own(first.number_input, "evidence:per-rep").set_value(25).run()
    assert "sales capacity: 300 leads a month" in texts(first)

    reloaded = open_as(workshop_id, tokens["facilitator"], EVIDENCE)  # a new browser session
    assert own(reloaded.number_input, "evidence:reps").value == 12
    assert own(reloaded.number_input, "evidence:per-rep").value == 25
    assert "sales capacity: 300 leads a month" in texts(reloaded)

    engine = make_engine(app_url)
    with session(engine) as s:  # changed on another screen: the open page follows on its rerun
        set_capacity(s, workshop_id, tokens["sales"], 2, 10)
    engine.dispose()
    first.run()
    assert own(first.number_input, "evidence:reps").value == 2
    assert "sales capacity: 20 leads a month" in texts(first)
