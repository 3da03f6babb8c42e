"""Two rules the pages used to work out themselves: which version is the agreed one (step 4
shows the wall page's version, `wall.agreed_for`), and when looking at a version on an export
adds a measurement (`versions.is_new_measurement`). On SQLite and PostgreSQL (conftest.py)."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.test_store import build_world
from tests.test_wall import LATER, SECOND, fac_of, sign_version, signed_world
from workshop import store, versions, wall
from workshop.measure import Figures
from workshop.store import AccessDenied, Locked
from workshop.versions import MeasurementInfo, is_new_measurement

MEMBERS = ("facilitator", "marketing", "sales")


def test_step_4_and_the_wall_page_agree_on_the_version_through_its_life(session):
    world = signed_world(session)
    fac = fac_of(world)
    secret = wall.share(session, world.id, fac)
    versions.record_measurement(session, world.id, fac, version_number=1, figures=LATER,
                                source="april.csv")
    for kind in MEMBERS:
        agreed = wall.agreed_for(session, world.id, world.tokens[kind])
        assert agreed == wall.wall(session, secret)
        assert (agreed.number, agreed.being_revised) == (1, False)
        assert agreed.measured.figures == LATER  # the latest measurement of that version
        assert agreed.page("https://x/wall") == wall.wall(session, secret).page("https://x/wall")
    versions.reopen(session, world.id, fac)
    reopened = wall.agreed_for(session, world.id, fac)
    assert (reopened.number, reopened.being_revised) == (1, True)  # still version 1 agreed
    assert reopened.measured.figures == LATER
    store.save_shared(session, world.id, fac, SECOND,
                      store.shared_state(session, world.id, fac).revision)
    assert sign_version(session, world, figures=None) == 2
    latest = wall.agreed_for(session, world.id, world.tokens["sales"])
    assert (latest.number, latest.definition, latest.being_revised) == (2, SECOND, False)
    assert latest.measured is None  # version 1's figures are not version 2's
    assert latest == wall.wall(session, secret)


def test_nothing_is_agreed_before_a_version_is_signed_and_only_the_workshop_reads_it(session):
    world = build_world(session, revealed=False)
    assert wall.agreed_for(session, world.id, fac_of(world)) is None
    for kind in ("marketing", "sales"):  # before the reveal nothing is shared with them
        with pytest.raises(Locked):
            wall.agreed_for(session, world.id, world.tokens[kind])
    store.reveal(session, world.id, fac_of(world))
    assert wall.agreed_for(session, world.id, world.tokens["marketing"]) is None
    for kind in ("other_facilitator", "other_author", "random", "empty", "none"):
        with pytest.raises(AccessDenied):
            wall.agreed_for(session, world.id, world.tokens[kind])


ONE = Figures(leads=1, months=1, qualified=1, sql=1, qualified_per_month=1.0, sql_per_month=1.0)


def measured(number: int, source: str, sha: str) -> MeasurementInfo:
    return MeasurementInfo(1, number, source, sha, False, ONE, datetime(2025, 1, 1, tzinfo=UTC))


TAKEN = [measured(1, "leads.csv", "aaa"), measured(2, "leads.csv (600 leads)", "bbb"),
         measured(2, "the sample leads", "")]
NAMES = ("leads.csv", "leads.csv (600 leads)")


@pytest.mark.parametrize(("version", "names", "sha", "new"), [
    (1, NAMES, "aaa", False),  # the same version on the same file: already kept
    (2, NAMES, "bbb", False),  # recorded under the label an older release kept
    (1, NAMES, "ccc", True),  # a fresh export under the same name
    (3, NAMES, "aaa", True),  # the same file, another version
    (1, ("other.csv", "other.csv (600 leads)"), "aaa", True),  # same content, other name
    (2, ("the sample leads",), "", False),
    (1, ("the sample leads",), "", True),
])
def test_when_a_measurement_counts_as_new(version, names, sha, new):
    assert is_new_measurement(TAKEN, version, names=names, sha256=sha) is new


def test_nothing_measured_yet_means_every_look_is_new():
    assert is_new_measurement([], 1, names=NAMES, sha256="aaa")


def test_the_sign_off_measurement_is_the_same_export_when_its_figures_are():
    """The measurement taken at sign-off kept no content hash: the export it was taken on is
    told by its figures, so looking at that version on it again adds nothing."""
    signed = MeasurementInfo(1, 1, "leads.csv", "", True, ONE, datetime(2025, 1, 1, tzinfo=UTC))
    other = Figures(leads=2, months=1, qualified=1, sql=1, qualified_per_month=1.0,
                    sql_per_month=1.0)
    assert not is_new_measurement([signed], 1, names=NAMES, sha256="aaa", figures=ONE)
    assert is_new_measurement([signed], 1, names=NAMES, sha256="aaa", figures=other)
    assert is_new_measurement([signed], 2, names=NAMES, sha256="aaa", figures=ONE)
