"""The wall link's Replace and Stop act on the link their screen shows: a click on a screen
drawn before another screen made a new link (and downloaded the poster with its QR code) used
to replace that new link, unseen."""
from __future__ import annotations

from tests.builders import C, D
from tests.test_agree_walk import app_url, drafted_workshop, open_as  # noqa: F401
from workshop import store, versions, wall
from workshop.db import make_engine, session

COMMUNICATE = "views/communicate.py"


def signed_and_shared(url: str) -> tuple[str, dict[str, str], str]:
    workshop_id, tokens = drafted_workshop(url)
    fac = tokens["facilitator"]
    engine = make_engine(url)
    with session(engine) as s:
        store.reveal(s, workshop_id, fac)
        store.save_shared(s, workshop_id, fac, D(C("industry", values=["Software"])), 0)
        versions.propose(s, workshop_id, fac, 1)
        proposal = versions.current_proposal(s, workshop_id, fac)
        for team in ("marketing", "sales"):
            versions.sign(s, workshop_id, tokens[team], proposal.id, agrees=True)
        secret = wall.share(s, workshop_id, fac)
    engine.dispose()
    return workshop_id, tokens, secret


def current_link(url: str, workshop_id: str, token: str) -> str | None:
    engine = make_engine(url)
    with session(engine) as s:
        secret = wall.wall_link(s, workshop_id, token)
    engine.dispose()
    return secret


def test_a_stale_replace_or_stop_leaves_the_new_link_alone(app_url):  # noqa: F811
    workshop_id, tokens, first = signed_and_shared(app_url)
    fac = tokens["facilitator"]
    laptop = open_as(workshop_id, fac, COMMUNICATE)
    assert any(first in block.value for block in laptop.code)
    for label in ("Replace the link", "Stop sharing"):
        engine = make_engine(app_url)
        with session(engine) as s:  # the projector makes a new link meanwhile
            newer = wall.share(s, workshop_id, fac, replace=True)
        engine.dispose()
        next(b for b in laptop.button if b.label == label).click().run()
        assert not laptop.exception, laptop.exception
        assert current_link(app_url, workshop_id, fac) == newer
        assert any(newer in block.value for block in laptop.code)  # it shows the new one

    next(b for b in laptop.button if b.label == "Replace the link").click().run()
    replaced = current_link(app_url, workshop_id, fac)
    assert replaced not in (None, newer)  # replaced once seen
