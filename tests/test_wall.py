"""workshop.wall against a real database, on SQLite and on PostgreSQL (see conftest.py): the
read-only wall link of a workshop's agreed (signed) definition, who may create, replace, stop
and read it, what it shows, and the finished demo that comes with one.

As in test_store.py and test_versions.py the access rules are a table (caller × phase × call,
with the outcome each must have), and a refused call changes nothing in the database.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from sqlmodel import select

from tests.test_store import SHARED_DRAFT, World, build_world, definition, race, snapshot
from workshop import catalog, compare, demo, export, formats, merge, store, versions, wall
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.leads import load_sample_leads
from workshop.measure import Figures, leads_measured, measure
from workshop.models import Participant, Version, WallLink, Workshop
from workshop.store import AccessDenied, Locked, NotFound

OK = "ok"
SECRET = "the current secret"  # an outcome: the call returns the workshop's active wall secret
AD = AccessDenied

# Figures that are easy to recognise in the one-pager's lines (see export._figure_lines).
AT_SIGNOFF = Figures(leads=600, months=3, qualified=90, sql=30, qualified_per_month=30.0,
                     sql_per_month=10.0, wins=20, wins_caught=0.5, win_rate_qualified=0.12,
                     win_rate_rest=0.03, lift=4.0, reliable=False)
LATER = Figures(leads=800, months=4, qualified=100, sql=40, qualified_per_month=25.0,
                sql_per_month=12.5)
THEIRS = Figures(leads=5, months=1, qualified=1, sql=1, qualified_per_month=1.0,
                 sql_per_month=1.0)
SECOND = SHARED_DRAFT.with_question("budget", [])  # what version 2 says (no budget rule)


# --- building workshops --------------------------------------------------------------------------

def fac_of(world: World) -> str:
    return world.tokens["facilitator"]


def sign_version(session, world: World, figures: Figures | None = None,
                 source: str = "") -> int:
    """Propose the shared definition as it is now and have both teams sign it."""
    fac = fac_of(world)
    revision = store.shared_state(session, world.id, fac).revision
    number = versions.propose(session, world.id, fac, revision, figures, source)
    proposal = versions.current_proposal(session, world.id, fac).id
    assert versions.sign(session, world.id, world.tokens["marketing"], proposal,
                         agrees=True) is None
    assert versions.sign(session, world.id, world.tokens["sales"], proposal,
                         agrees=True) == number
    return number


def give_other_a_wall(session, world: World) -> str:
    """The other workshop signs a version 1 of its own and shares it: its wall secret."""
    other, fac = world.other_id, world.tokens["other_facilitator"]
    store.reveal(session, other, fac)
    revision = store.save_shared(session, other, fac, definition("theirs"), 0)
    versions.propose(session, other, fac, revision, THEIRS, "theirs.csv")
    proposal = versions.current_proposal(session, other, fac).id
    # Only marketing joined the other workshop: its signature alone makes version 1.
    assert versions.sign(session, other, world.tokens["other_author"], proposal,
                         agrees=True) == 1
    return wall.share(session, other, fac)


def signed_world(session, *, figures: Figures | None = AT_SIGNOFF) -> World:
    """A revealed workshop whose SHARED_DRAFT is signed as version 1 (with `figures` measured
    on leads.csv), and another workshop with a wall of its own."""
    world = build_world(session, revealed=True)
    assert sign_version(session, world, figures, "leads.csv") == 1
    world.tokens["other_wall"] = give_other_a_wall(session, world)
    return world


def wall_links(engine) -> list[tuple]:
    """Every wall link in the database (all workshops), read through a fresh session."""
    with make_session(engine) as s:
        return [(w.secret, w.workshop_id, w.created_at, w.revoked_at) for w in s.exec(
            select(WallLink).order_by(WallLink.created_at, WallLink.secret)).all()]


def active_links(engine, workshop_id: str) -> list[str]:
    return [secret for secret, owner, _, revoked in wall_links(engine)
            if owner == workshop_id and revoked is None]


def everything(engine, world: World) -> tuple:
    return snapshot(engine, world.id), snapshot(engine, world.other_id), wall_links(engine)


def refused_link(session, secret) -> str:
    """What `wall.wall` says about a secret that opens nothing."""
    with pytest.raises(NotFound) as refused:
        wall.wall(session, secret)
    return str(refused.value)


# --- 1. sharing, replacing, stopping -------------------------------------------------------------

def test_nothing_is_shared_before_a_version_is_signed(engine, session):
    world = build_world(session, revealed=True)  # a shared definition, nothing proposed
    fac = fac_of(world)
    with pytest.raises(ValueError, match="Nothing is signed yet"):
        wall.share(session, world.id, fac)
    revision = store.shared_state(session, world.id, fac).revision
    versions.propose(session, world.id, fac, revision)
    proposal = versions.current_proposal(session, world.id, fac).id
    versions.sign(session, world.id, world.tokens["marketing"], proposal, agrees=True)
    # Proposed and half signed is not signed either.
    with pytest.raises(ValueError, match="Nothing is signed yet"):
        wall.share(session, world.id, fac, replace=True)
    session.rollback()
    assert wall_links(engine) == []
    assert wall.wall_link(session, world.id, fac) is None
    assert wall.agreed(session, world.id) is None


def test_share_replace_stop_and_share_again(engine, session):
    world = signed_world(session)
    fac, theirs = fac_of(world), world.tokens["other_wall"]
    first = wall.share(session, world.id, fac)
    assert isinstance(first, str) and len(first) >= 43 and first != theirs
    assert wall.wall(session, first).number == 1
    assert wall.wall(session, first).workshop_id == world.id
    assert wall.wall_link(session, world.id, fac) == first
    assert wall.share(session, world.id, fac) == first  # sharing again: the same link
    assert active_links(engine, world.id) == [first]
    assert len([w for w in wall_links(engine) if w[1] == world.id]) == 1

    second = wall.share(session, world.id, fac, replace=True)
    assert second not in (first, theirs)
    assert refused_link(session, first) == wall.UNKNOWN_LINK
    assert wall.wall(session, second).number == 1
    assert wall.wall_link(session, world.id, fac) == second
    assert active_links(engine, world.id) == [second]
    revoked = {secret for secret, owner, _, at in wall_links(engine)
               if owner == world.id and at is not None}
    assert revoked == {first}

    wall.stop_sharing(session, world.id, fac)
    assert wall.wall_link(session, world.id, fac) is None
    assert refused_link(session, second) == wall.UNKNOWN_LINK
    assert active_links(engine, world.id) == []
    wall.stop_sharing(session, world.id, fac)  # stopping again is harmless
    assert active_links(engine, world.id) == []

    third = wall.share(session, world.id, fac)
    assert third not in (first, second, theirs)
    assert wall.wall(session, third).number == 1
    assert wall.wall_link(session, world.id, fac) == third
    for old in (first, second):  # an old link never comes back
        assert refused_link(session, old) == wall.UNKNOWN_LINK
    assert active_links(engine, world.id) == [third]
    # The other workshop's wall was never touched.
    assert active_links(engine, world.other_id) == [theirs]
    assert wall.wall(session, theirs).workshop_id == world.other_id


def test_a_replaced_link_stops_working_for_a_session_that_opened_it_before(engine, session):
    """The wall page on the office screen keeps its session: a replacement made from the
    facilitator's laptop (another session) must still close it."""
    world = signed_world(session)
    first = wall.share(session, world.id, fac_of(world))
    with make_session(engine) as screen:
        assert wall.wall(screen, first).number == 1
        held = screen.get(WallLink, first)  # the session keeps its copy of the link
        with make_session(engine) as laptop:
            wall.share(laptop, world.id, fac_of(world), replace=True)
        assert refused_link(screen, first) == wall.UNKNOWN_LINK
        assert held.revoked_at is not None
    current = wall.wall_link(session, world.id, fac_of(world))
    assert current not in (None, first)
    with make_session(engine) as screen:
        assert wall.wall(screen, current).number == 1
        held = screen.get(WallLink, current)
        with make_session(engine) as laptop:
            wall.stop_sharing(laptop, world.id, fac_of(world))
        assert refused_link(screen, current) == wall.UNKNOWN_LINK
        assert held.revoked_at is not None


# --- 2. who may do what --------------------------------------------------------------------------

MEMBERS = ("facilitator", "marketing", "sales")
OUTSIDERS = ("other_facilitator", "other_author", "random", "empty", "none")
CALLS = ("wall_link", "share", "stop_sharing")

# Phases: "before" the reveal (so nothing can be signed yet); "after" the reveal, with version 1
# signed and shared; "hidden": signed and shared, then the drafts reopened (not revealed again).
# Outcome per member; every outsider is refused with AccessDenied, in every phase, every call.
#                         facilitator  marketing  sales
ACCESS = {
    "before": {
        "wall_link":      (None,        Locked,    Locked),
        "share":          (ValueError,  AD,        AD),  # nothing to show yet
        "stop_sharing":   (OK,          AD,        AD),
    },
    "after": {
        "wall_link":      (SECRET,      SECRET,    SECRET),
        "share":          (SECRET,      AD,        AD),
        "stop_sharing":   (OK,          AD,        AD),
    },
    "hidden": {
        "wall_link":      (SECRET,      Locked,    Locked),
        "share":          (SECRET,      AD,        AD),
        "stop_sharing":   (OK,          AD,        AD),
    },
}
assert all(set(table) == set(CALLS) for table in ACCESS.values())
ACCESS_CASES = [
    pytest.param(phase, call, kind, outcome, id=f"{phase}-{call}-{kind}")
    for phase, table in ACCESS.items()
    for call, outcomes in table.items()
    for kind, outcome in [*zip(MEMBERS, outcomes, strict=True),
                          *((outsider, AD) for outsider in OUTSIDERS)]
]


def world_in(session, phase: str) -> tuple[World, str | None]:
    """A workshop in `phase`, and its active wall secret (None before the reveal)."""
    if phase == "before":
        world = build_world(session, revealed=False)
        world.tokens["other_wall"] = give_other_a_wall(session, world)
        return world, None
    world = signed_world(session)
    secret = wall.share(session, world.id, fac_of(world))
    if phase == "hidden":
        store.reopen_drafts(session, world.id, fac_of(world))
        assert not store.is_revealed(session, world.id)
    return world, secret


def call_wall(s, call: str, workshop_id: str, token):
    if call == "wall_link":
        return wall.wall_link(s, workshop_id, token)
    if call == "share":
        return wall.share(s, workshop_id, token)
    return wall.stop_sharing(s, workshop_id, token)


@pytest.mark.parametrize(("phase", "call", "kind", "outcome"), ACCESS_CASES)
def test_access_table(engine, session, phase, call, kind, outcome):
    world, secret = world_in(session, phase)
    before = everything(engine, world)
    if isinstance(outcome, type) and issubclass(outcome, Exception):
        with pytest.raises(outcome) as refused:
            call_wall(session, call, world.id, world.tokens[kind])
        assert str(refused.value), "a refusal says why"
        if outcome is AD:
            assert not isinstance(refused.value, Locked)
        session.rollback()
        assert everything(engine, world) == before, f"a refused {call} changed data"
        if secret is not None:  # the wall itself keeps working
            assert wall.wall(session, secret).workshop_id == world.id
        return
    result = call_wall(session, call, world.id, world.tokens[kind])
    if outcome == SECRET:
        assert result == secret
    else:
        assert result == (None if outcome == OK else outcome)
    if call == "stop_sharing" and secret is not None:  # the one write that is allowed
        links, other = everything(engine, world)[2], before[2]
        assert [link[:3] for link in links] == [link[:3] for link in other]
        assert [(s, at is None) for s, _, _, at in links] == [
            (s, at is None and s != secret) for s, _, _, at in other]
        assert refused_link(session, secret) == wall.UNKNOWN_LINK
        assert everything(engine, world)[:2] == before[:2]
    else:
        assert everything(engine, world) == before, f"{call} changed data"


@pytest.mark.parametrize("workshop_id", ["no-such-workshop", "", None, "x" * 100, "demo\x00",
                                         "démo"])
@pytest.mark.parametrize("call", CALLS)
def test_a_workshop_that_does_not_exist(engine, session, call, workshop_id):
    world, _ = world_in(session, "after")
    before = everything(engine, world)
    with pytest.raises(NotFound):
        call_wall(session, call, workshop_id, fac_of(world))
    session.rollback()
    assert everything(engine, world) == before


def test_a_token_of_another_workshop_reaches_its_own_wall_only(engine, session):
    """The other facilitator's token works in their workshop, never in this one, and their
    wall secret shows their definition only."""
    world, secret = world_in(session, "after")
    theirs = world.tokens["other_wall"]
    assert wall.wall_link(session, world.other_id, world.tokens["other_facilitator"]) == theirs
    assert wall.wall_link(session, world.other_id, world.tokens["other_author"]) == theirs
    for token in (world.tokens["other_facilitator"], world.tokens["other_author"]):
        with pytest.raises(AccessDenied):
            wall.wall_link(session, world.id, token)
    for token in (fac_of(world), world.tokens["marketing"]):
        with pytest.raises(AccessDenied):
            wall.wall_link(session, world.other_id, token)
    assert wall.wall(session, theirs).definition == definition("theirs")
    assert wall.wall(session, secret).definition == SHARED_DRAFT


# --- 3. secrets that open nothing ----------------------------------------------------------------

@dataclass
class Scene:
    world: World
    secret: str
    revoked: str
    invites: dict[str, str]
    join_code: str


BAD_SECRETS = {
    "none": lambda sc: None,
    "empty": lambda sc: "",
    "one-letter": lambda sc: "x",
    "65-chars": lambda sc: "a" * 65,
    "too-long-valid-prefix": lambda sc: sc.secret + "a" * 30,
    "nul-byte": lambda sc: "abc\x00def",
    "nul-inside-secret": lambda sc: sc.secret[:10] + "\x00" + sc.secret[10:],
    "non-ascii": lambda sc: "sécret-ünïcode",
    "cjk": lambda sc: "秘密の壁",
    "newline-after": lambda sc: sc.secret + "\n",
    "space-after": lambda sc: sc.secret + " ",
    "upper-cased": lambda sc: sc.secret.upper() if sc.secret.upper() != sc.secret else "X",
    "unknown-64": lambda sc: "b" * 64,
    "facilitator-token": lambda sc: sc.world.tokens["facilitator"],
    "member-token": lambda sc: sc.world.tokens["marketing"],
    "marketing-invite": lambda sc: sc.invites["marketing"],
    "sales-invite": lambda sc: sc.invites["sales"],
    "join-code": lambda sc: sc.join_code,
    "workshop-id": lambda sc: sc.world.id,
    "revoked": lambda sc: sc.revoked,
    "sql-ish": lambda sc: "' OR '1'='1",
}


@pytest.mark.parametrize("kind", list(BAD_SECRETS))
def test_bad_secrets_open_nothing(engine, session, kind):
    world = signed_world(session)
    fac = fac_of(world)
    revoked = wall.share(session, world.id, fac)
    secret = wall.share(session, world.id, fac, replace=True)
    invitations = store.invitations(session, world.id, fac)
    scene = Scene(world, secret, revoked, invitations.secrets, invitations.join_code)
    value = BAD_SECRETS[kind](scene)
    assert value != secret
    before = everything(engine, world)
    assert refused_link(session, value) == wall.UNKNOWN_LINK
    with make_session(engine) as fresh:  # a new visitor, nothing cached
        assert refused_link(fresh, value) == wall.UNKNOWN_LINK
    session.rollback()
    assert everything(engine, world) == before
    assert wall.wall(session, secret).workshop_id == world.id  # the real one still works


# --- 4. what the wall shows ----------------------------------------------------------------------

def figure_lines(source: str, figures: Figures, measured_on: str) -> list[str]:
    """The one-pager's figures, written out here from the numbers (not from export.py)."""
    lines = [f"Measured on {source} ({figures.leads:,} leads) on {measured_on}.",
             f"{figures.qualified_per_month:.1f} qualified leads a month, "
             f"{figures.sql_per_month:.1f} of them sales-qualified."]
    if figures.wins_caught is not None:
        caveat = "" if figures.reliable else (
            " (from few decided leads and wins, so only a rough guide)")
        lines.append(f"It would have caught {round(figures.wins_caught * 100)}% of past wins; "
                     f"qualified leads won {figures.lift:.1f}× as often as the rest{caveat}.")
    return lines


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def day(value) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def test_the_wall_shows_the_latest_signed_version_and_its_latest_measurement(engine, session):
    world = signed_world(session)
    fac = fac_of(world)
    secret = wall.share(session, world.id, fac)
    info = versions.versions(session, world.id, fac)[0]

    shown = wall.wall(session, secret)
    assert (shown.workshop_id, shown.company, shown.title, shown.facilitator) == (
        world.id, "Acme Ltd", "Ideal lead", "Dana")
    assert shown.number == 1 and shown.definition == SHARED_DRAFT
    assert sorted(shown.signed_by) == ["Marcus for Sales", "Priya for Marketing"]
    assert shown.signed_at == info.signed_at
    assert shown.being_revised is False
    assert shown.measured.version_number == 1 and shown.measured.at_signoff is True
    assert (shown.measured.figures, shown.measured.source) == (AT_SIGNOFF, "leads.csv")
    page = shown.page()
    assert (page.version, page.agreed_at, page.company) == (1, info.signed_at, "Acme Ltd")
    assert sorted(page.agreed_by) == ["Marcus for Sales", "Priya for Marketing"]
    assert page.figures == figure_lines("leads.csv", AT_SIGNOFF,
                                        day(shown.measured.measured_at))
    assert page.figures[-1] == ("It would have caught 50% of past wins; qualified leads won "
                                "4.0× as often as the rest (from few decided leads and wins, "
                                "so only a rough guide).")  # 20 wins, not reliable
    markdown = export.to_markdown(page)
    assert "Version 1" in markdown and "Priya for Marketing" in markdown
    # (Markdown escapes the "30." that starts a list item, so it does not become "30)".)
    assert "- 30\\.0 qualified leads a month, 10.0 of them sales-qualified." in markdown

    # A later measurement of version 1 is what the wall shows from now on; the other
    # workshop's measurements never are.
    versions.record_measurement(session, world.other_id, world.tokens["other_facilitator"],
                                version_number=1, figures=THEIRS, source="theirs-later.csv")
    versions.record_measurement(session, world.id, fac, version_number=1, figures=LATER,
                                source="april.csv")
    versions.record_measurement(session, world.other_id, world.tokens["other_facilitator"],
                                version_number=1, figures=THEIRS, source="theirs-latest.csv")
    shown = wall.wall(session, secret)
    assert (shown.measured.figures, shown.measured.source) == (LATER, "april.csv")
    assert shown.measured.at_signoff is False
    page = shown.page()
    assert page.figures == [
        f"Measured on april.csv (800 leads) on {day(shown.measured.measured_at)}.",
        "25.0 qualified leads a month, 12.5 of them sales-qualified."]
    assert "- 25\\.0 qualified leads a month, 12.5 of them" in export.to_markdown(page)
    assert "25.0 qualified leads a month, 12.5 of them" in export.to_html(page)
    assert "30\\.0 qualified" not in export.to_markdown(page)
    assert "30.0 qualified" not in export.to_html(page)


def test_reopened_still_shows_the_signed_version_then_the_next_one(engine, session):
    world = signed_world(session)
    fac = fac_of(world)
    secret = wall.share(session, world.id, fac)
    with make_session(engine) as screen:  # the office screen keeps its session throughout
        assert wall.wall(screen, secret).being_revised is False
        held = screen.exec(select(Version).where(Version.workshop_id == world.id)).one()
        assert held.reopened_at is None  # the session keeps its copy of version 1
        assert versions.reopen(session, world.id, fac) == 2
        for s in (screen, session):
            shown = wall.wall(s, secret)
            assert (shown.number, shown.definition, shown.being_revised) == (
                1, SHARED_DRAFT, True)
            assert shown.measured.figures == AT_SIGNOFF
        revision = store.shared_state(session, world.id, fac).revision
        store.save_shared(session, world.id, fac, SECOND, revision)
        # Drafting version 2 changes nothing on the wall until it is signed.
        assert wall.wall(screen, secret).definition == SHARED_DRAFT
        assert sign_version(session, world, figures=None) == 2
        info = versions.versions(session, world.id, fac)[1]
        for s in (screen, session):
            shown = wall.wall(s, secret)  # the same secret follows the new version
            assert (shown.number, shown.definition, shown.being_revised) == (2, SECOND, False)
            assert shown.signed_at == info.signed_at
            assert shown.measured is None  # version 1's figures are not version 2's
            assert shown.page().figures == []
            assert shown.page().version == 2
    assert wall.wall_link(session, world.id, world.tokens["sales"]) == secret
    # The operator's read can still ask for version 1.
    first = wall.agreed(session, world.id, 1)
    assert (first.number, first.definition, first.being_revised) == (1, SHARED_DRAFT, True)
    assert first.measured.figures == AT_SIGNOFF
    assert wall.agreed(session, world.id, 3) is None
    assert wall.agreed(session, "no-such-workshop") is None


def test_the_wall_gives_away_no_key_of_the_workshop(engine, session):
    world = signed_world(session)
    fac = fac_of(world)
    secret = wall.share(session, world.id, fac)
    invitations = store.invitations(session, world.id, fac)
    keys = {
        "facilitator token": fac,
        "marketing token": world.tokens["marketing"],
        "sales token": world.tokens["sales"],
        "marketing invite": invitations.secrets["marketing"],
        "sales invite": invitations.secrets["sales"],
        "join code": invitations.join_code,
        "join code, unformatted": invitations.join_code.replace("-", ""),
        "other facilitator token": world.tokens["other_facilitator"],
        "other wall": world.tokens["other_wall"],
    }
    assert all(len(value) >= 6 for value in keys.values())
    shown = wall.wall(session, secret)
    page = shown.page()
    outputs = {
        "Agreed repr": repr(shown),
        "OnePager repr": repr(page),
        "markdown": export.to_markdown(page),
        "html": export.to_html(page),
        **{f"render {fmt}": formats.render(shown.definition, fmt, page).data.decode("utf-8-sig")
           for fmt in ("md", "html", "json", "sql", "points")},
    }
    assert "Acme Ltd" in outputs["html"] and "Acme Ltd" in outputs["markdown"]
    for where, text in outputs.items():
        for what, value in keys.items():
            assert value not in text, f"the {what} is in the wall's {where}"
        # Nothing of the private drafts either: only the signed definition.
        for note in ("facilitator's secret view", "marketing's secret view",
                     "sales' secret view"):
            assert note not in text, f"a draft's note is in the wall's {where}"
    # The wall secret itself is not part of what it shows (it is in the address only).
    assert secret not in outputs["markdown"] and secret not in outputs["Agreed repr"]


# --- 5. deleting a workshop ----------------------------------------------------------------------

def test_deleting_a_workshop_removes_its_wall_links_only(engine, session):
    world = signed_world(session)
    fac = fac_of(world)
    old = wall.share(session, world.id, fac)
    secret = wall.share(session, world.id, fac, replace=True)  # one revoked, one active
    theirs = world.tokens["other_wall"]
    other_before = snapshot(engine, world.other_id)
    their_links = [link for link in wall_links(engine) if link[1] == world.other_id]
    with make_session(engine) as screen:
        assert wall.wall(screen, secret).workshop_id == world.id  # a screen showing it
        store.delete_workshop(session, world.id, fac)
        assert snapshot(engine, world.id) is None
        assert wall_links(engine) == their_links
        for s in (session, screen):
            for gone in (secret, old):
                assert refused_link(s, gone) == wall.UNKNOWN_LINK
            assert wall.wall(s, theirs).workshop_id == world.other_id
    with make_session(engine) as fresh:
        assert refused_link(fresh, secret) == wall.UNKNOWN_LINK
    assert snapshot(engine, world.other_id) == other_before
    assert wall.agreed(session, world.id) is None


def test_a_wall_screen_session_survives_a_deletion_made_elsewhere(engine, session):
    """The screen's session loaded the link; the workshop is deleted from another session (the
    facilitator's laptop). The screen's next look must say the link is gone, not crash."""
    world = signed_world(session)
    secret = wall.share(session, world.id, fac_of(world))
    with make_session(engine) as screen:
        assert wall.wall(screen, secret).number == 1
        held = screen.get(WallLink, secret)  # the session keeps its copy of the link
        with make_session(engine) as laptop:
            store.delete_workshop(laptop, world.id, fac_of(world))
        assert refused_link(screen, secret) == wall.UNKNOWN_LINK
        assert held.workshop_id == world.id


# --- 6. the finished demo ------------------------------------------------------------------------

LABELS = ("Facilitator", "Marketing", "Sales")


def replayed_demo() -> tuple[Definition, dict[str, str], list[tuple[str, tuple[str, ...]]]]:
    """The finished demo's merge, redone here: the signed definition, the decisions and the
    change log's (summary, questions)."""
    labelled = dict(zip(LABELS, (demo.facilitator_draft(), demo.marketing_draft(),
                                 demo.sales_draft()), strict=True))
    shared, suggestions = merge.suggest(compare.compare(labelled))
    decisions = {s.question: f"suggested ({s.how})" for s in suggestions}
    log = [("Started from the suggested definition", tuple(s.question for s in suggestions))]
    titles = {q.key: q.title for q in catalog.QUESTIONS}
    for question, operation in demo.MERGE_STEPS:
        shared, how = merge.apply_operation(shared, question, operation, labelled)
        decisions[question] = how
        log.append((f"{titles[question]}: {how}", (question,)))
    return shared, decisions, log


def test_the_finished_demo(engine, session):
    leads = load_sample_leads()
    assert demo.seed_finished_demo(session, leads) is True
    before = snapshot(engine, demo.FINISHED_ID)
    links_before = wall_links(engine)
    assert demo.seed_finished_demo(session, load_sample_leads()) is False
    assert snapshot(engine, demo.FINISHED_ID) == before and wall_links(engine) == links_before

    workshop = session.get(Workshop, demo.FINISHED_ID)
    assert (workshop.company, workshop.title, workshop.facilitator_name, workshop.is_demo) == (
        demo.COMPANY, demo.FINISHED_TITLE, demo.FACILITATOR, True)
    assert store.is_revealed(session, demo.FINISHED_ID)
    fac = store.demo_facilitator_token(session, demo.FINISHED_ID)
    assert store.revealed_drafts(session, demo.FINISHED_ID, fac) == {
        "Facilitator": demo.facilitator_draft(), "Marketing": demo.marketing_draft(),
        "Sales": demo.sales_draft()}

    made = versions.versions(session, demo.FINISHED_ID, fac)
    assert [v.number for v in made] == [1]
    first = made[0]
    assert first.reopened_at is None
    assert sorted((s["role"], s["team"], s["name"], s["in_room"]) for s in first.signatories) \
        == [("marketing", "Marketing", demo.MARKETING, False),
            ("sales", "Sales", demo.SALES, False)]
    shared, decisions, log = replayed_demo()
    assert first.definition == shared
    state = store.shared_state(session, demo.FINISHED_ID, fac)
    assert (state.definition, state.decisions, state.signed_version) == (shared, decisions, 1)
    assert versions.current_proposal(session, demo.FINISHED_ID, fac) is None

    changes = versions.changes(session, demo.FINISHED_ID, fac)
    assert len(changes) == 1 + len(demo.MERGE_STEPS)
    assert changes[0].summary == "Started from the suggested definition"
    assert [(c.summary, c.questions) for c in changes] == log
    assert [c.revision for c in changes] == list(range(1, len(changes) + 1))
    assert {c.by for c in changes} == {demo.FACILITATOR}
    assert changes[-1].definition == shared

    points = versions.discussion(session, demo.FINISHED_ID, fac)
    assert {q: (p.open, p.note) for q, p in points.items()} == {
        q: (False, note) for q, note in demo.DECISION_NOTES.items()}

    measured = versions.measurements(session, demo.FINISHED_ID, fac)
    expected = measure(load_sample_leads(), first.definition)
    assert expected.leads == len(load_sample_leads()) > 0 and expected.qualified > 0
    assert [(m.version_number, m.at_signoff, m.source, m.figures) for m in measured] == [
        (1, True, demo.SAMPLE_SOURCE, expected)]
    assert first.figures == expected

    secret = wall.wall_link(session, demo.FINISHED_ID, fac)
    assert secret is not None and active_links(engine, demo.FINISHED_ID) == [secret]
    for member in ("marketing", "sales"):  # members pass it on after the reveal
        token = next(p.token for p in session.exec(select(Participant).where(
            Participant.workshop_id == demo.FINISHED_ID, Participant.role == member)))
        assert wall.wall_link(session, demo.FINISHED_ID, token) == secret
    shown = wall.wall(session, secret)
    assert (shown.workshop_id, shown.number, shown.definition, shown.being_revised) == (
        demo.FINISHED_ID, 1, shared, False)
    assert sorted(shown.signed_by) == sorted([f"{demo.MARKETING} for Marketing",
                                              f"{demo.SALES} for Sales"])
    assert shown.measured.figures == expected
    assert shown.page().figures[0].startswith(
        f"Measured on {demo.SAMPLE_SOURCE} ({leads_measured(expected)}) on ")
    assert leads_measured(expected).startswith(f"{len(load_sample_leads()):,} leads created from")

    listed = store.list_workshops(session)
    assert [(w.id, w.is_demo, w.revealed, w.agreed) for w in listed] == [
        (demo.FINISHED_ID, True, True, True)]
    with pytest.raises(AccessDenied, match="cannot be deleted"):
        store.delete_workshop(session, demo.FINISHED_ID, fac)
    session.rollback()
    assert snapshot(engine, demo.FINISHED_ID) == before and wall_links(engine) == links_before


@pytest.mark.parametrize("order", ["about-to-start-first", "finished-first"])
def test_both_demos_on_one_database(engine, session, order):
    seeds = [lambda: demo.seed_demo(session),
             lambda: demo.seed_finished_demo(session, load_sample_leads())]
    if order == "finished-first":
        seeds.reverse()
    assert [seed() for seed in seeds] == [True, True]
    assert [seed() for seed in seeds] == [False, False]  # and again: nothing new
    real, fac = store.create_workshop(session, company="Real Co", title="Ours",
                                      facilitator_name="Rae")
    listed = store.list_workshops(session)
    assert {(w.id, w.is_demo, w.revealed, w.agreed) for w in listed} == {
        (demo.DEMO_ID, True, False, False), (demo.FINISHED_ID, True, True, True),
        (real.id, False, False, False)}
    assert listed[-1].id == real.id  # the demos first
    # The demo about to start is untouched by the finished one: not revealed, no versions, no
    # wall; the two have their own keys and codes.
    demo_fac = store.demo_facilitator_token(session, demo.DEMO_ID)
    finished_fac = store.demo_facilitator_token(session, demo.FINISHED_ID)
    assert demo_fac != finished_fac
    assert wall.agreed(session, demo.DEMO_ID) is None
    assert wall.wall_link(session, demo.DEMO_ID, demo_fac) is None
    with pytest.raises(ValueError, match="Nothing is signed yet"):
        wall.share(session, demo.DEMO_ID, demo_fac)
    session.rollback()
    with pytest.raises(AccessDenied):
        wall.wall_link(session, demo.DEMO_ID, finished_fac)
    codes = {store.invitations(session, w, t).join_code
             for w, t in ((demo.DEMO_ID, demo_fac), (demo.FINISHED_ID, finished_fac))}
    assert len(codes) == 2
    assert [s.done for s in store.draft_statuses(session, demo.DEMO_ID, demo_fac)] == [True] * 3
    secret = wall.wall_link(session, demo.FINISHED_ID, finished_fac)
    assert wall.wall(session, secret).workshop_id == demo.FINISHED_ID
    for demo_id, token in ((demo.DEMO_ID, demo_fac), (demo.FINISHED_ID, finished_fac)):
        with pytest.raises(AccessDenied):
            store.delete_workshop(session, demo_id, token)
        session.rollback()
    store.delete_workshop(session, real.id, fac)
    assert {w.id for w in store.list_workshops(session)} == {demo.DEMO_ID, demo.FINISHED_ID}


@pytest.mark.parametrize("order", ["about-to-start-first", "finished-first"])
def test_the_demo_about_to_start_is_listed_before_the_finished_one(session, order):
    """store.list_workshops: "The demos first (the one about to start, then the finished one),
    then the newest" -- whichever demo happened to be created first."""
    seeds = [lambda: demo.seed_demo(session),
             lambda: demo.seed_finished_demo(session, load_sample_leads())]
    if order == "finished-first":
        seeds.reverse()
    store.create_workshop(session, company="Older Co", title="Before the demos",
                          facilitator_name="Olu")
    assert [seed() for seed in seeds] == [True, True]
    newest, _ = store.create_workshop(session, company="Real Co", title="Ours",
                                      facilitator_name="Rae")
    listed = store.list_workshops(session)
    assert [(w.id, w.agreed) for w in listed][:3] == [
        (demo.DEMO_ID, False), (demo.FINISHED_ID, True), (newest.id, False)]
    assert [w.company for w in listed][3:] == ["Older Co"]


# --- 7. two replacements at the same moment ------------------------------------------------------

@pytest.mark.parametrize("replace", [True, False], ids=["replace", "first-share"])
def test_two_shares_at_the_same_moment_leave_one_link(engine, session, monkeypatch, replace):
    """Two facilitator tabs press "new link" (or "share", before anything is shared) at once:
    one active link must remain, and with `replace=False` both get that same working link."""
    world = signed_world(session)
    if replace:
        wall.share(session, world.id, fac_of(world))
    barrier, reached = threading.Barrier(2), []
    active_of = wall._active

    def both_read_first(s, workshop_id):  # each waits (briefly) until the other has looked
        found = active_of(s, workshop_id)
        reached.append(workshop_id)
        try:
            barrier.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # the other is held up by a lock: the shares are serialised, which is fine
        return found

    monkeypatch.setattr(wall, "_active", both_read_first)
    outcomes = race(engine, 2, lambda s, i: wall.share(s, world.id, fac_of(world),
                                                       replace=replace))
    monkeypatch.undo()
    if len(reached) < 2:
        pytest.fail("the interleaving hook was not reached; rewrite this test")
    assert all(isinstance(o, str) for o in outcomes), outcomes
    active = active_links(engine, world.id)
    assert len(active) == 1, f"{len(active)} active wall links after two shares at once"
    assert active[0] in outcomes
    assert wall.wall_link(session, world.id, fac_of(world)) == active[0]
    if not replace:
        assert outcomes == [active[0]] * 2, "a share returned a link that no longer works"
    assert active_links(engine, world.other_id) == [world.tokens["other_wall"]]


def test_a_signature_recorded_in_the_room_says_so_everywhere(engine, session):
    """Marketing signs on its own device; sales's answer is recorded by the facilitator at the
    shared screen. The versions' signatories, the wall page's one-pager in every format and
    the announcement mark the second, and only the second."""
    from workshop import announce

    world = build_world(session, revealed=True)
    fac = fac_of(world)
    revision = store.shared_state(session, world.id, fac).revision
    versions.propose(session, world.id, fac, revision)
    proposal = versions.current_proposal(session, world.id, fac).id
    versions.sign(session, world.id, world.tokens["marketing"], proposal, agrees=True)
    assert versions.sign_in_room(session, world.id, fac, proposal, role="sales",
                                 name="Marcus Cole", agrees=True) == 1
    signed = versions.versions(session, world.id, fac)[0]
    assert versions.signed_by(signed.signatories) == [
        "Priya for Marketing", f"Marcus Cole for Sales ({versions.IN_ROOM})"]
    shown = wall.wall(session, wall.share(session, world.id, fac))
    page = shown.page()
    texts = {fmt: formats.render(shown.definition, fmt, page).data for fmt in
             ("md", "html", "pdf")}
    assert f"Marcus Cole for Sales ({versions.IN_ROOM})" in texts["md"].decode()
    assert "recorded in the room by the facilitator" in texts["html"].decode()
    import io

    from pypdf import PdfReader

    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(texts["pdf"])).pages)
    assert "recorded in the room" in " ".join(pdf_text.split())
    assert "Priya for Marketing (" not in texts["md"].decode()
    body = announce.announcement(page, shown.definition).body
    assert f"Marcus Cole for Sales ({versions.IN_ROOM})" in " ".join(body.split())
