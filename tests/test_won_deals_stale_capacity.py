"""The won deals' draft keeps to sales' capacity as stored at the click: a screen drawn before
another screen set the capacity learned it against the capacity it had drawn, while the page
said it kept to the new one."""
from __future__ import annotations

from tests.test_agree_walk import SAMPLE, app_url, click, drafted_workshop, open_as  # noqa: F401
from tests.test_won_deals_draft import _drafts_in_database
from workshop import learn
from workshop.capacity import set_capacity
from workshop.db import make_engine, session
from workshop.models import DATA_ROLE
from workshop.pipeline import import_leads_file

EVIDENCE = "views/evidence.py"


def test_a_stale_screen_learns_against_the_capacity_stored_now(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    screen = open_as(workshop_id, tokens["facilitator"], EVIDENCE)  # drawn with 5 × 40
    engine = make_engine(app_url)
    with session(engine) as s:  # set on another screen meanwhile
        set_capacity(s, workshop_id, tokens["sales"], 1, 10)

    click(screen, "won-deals:add")
    imported = import_leads_file(SAMPLE)
    expected = learn.learn(imported.leads, mapping=imported.mapping, capacity=10).definition
    drawn = learn.learn(imported.leads, mapping=imported.mapping, capacity=200).definition
    assert expected.threshold != drawn.threshold  # the capacity makes a difference here
    with session(engine) as s:
        stored = next(d for role, d in _drafts_in_database(s, workshop_id) if role == DATA_ROLE)
    engine.dispose()
    assert stored == expected
