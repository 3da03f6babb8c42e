"""The "Up for discussion" toggle of a question shows what is stored: turned on on another
screen, it is on here too after this page's next run. It kept its own value: the note beside
it followed the room and the toggle stayed off until a reload."""
from __future__ import annotations

from tests.test_agree_walk import COMPARE, app_url, open_as, revealed  # noqa: F401
from tests.widget_keys import own
from workshop import versions
from workshop.db import make_engine, session


def stored_open(url: str, workshop_id: str, token: str, question: str) -> bool | None:
    engine = make_engine(url)
    with session(engine) as s:
        point = versions.discussion(s, workshop_id, token).get(question)
    engine.dispose()
    return None if point is None else point.open


def test_the_toggle_follows_another_screen(app_url):  # noqa: F811
    workshop_id, tokens = revealed(app_url)
    fac = tokens["facilitator"]
    laptop = open_as(workshop_id, fac, COMPARE)
    projector = open_as(workshop_id, fac, COMPARE)
    assert own(projector.toggle, "discuss-open:industry").value is False

    own(laptop.toggle, "discuss-open:industry").set_value(True).run()
    assert not laptop.exception, laptop.exception
    assert stored_open(app_url, workshop_id, fac, "industry") is True
    assert own(laptop.toggle, "discuss-open:industry").value is True

    projector.run()
    assert own(projector.toggle, "discuss-open:industry").value is True

    own(projector.toggle, "discuss-open:industry").set_value(False).run()
    assert stored_open(app_url, workshop_id, fac, "industry") is False
    laptop.run()
    assert own(laptop.toggle, "discuss-open:industry").value is False
    assert not laptop.exception and not projector.exception
