"""Load: many workshops with five people each, all editing at once through the store, on SQLite
and on PostgreSQL (see conftest.py) — the load part of the reliability suite.

Per workshop, five "devices" run at the same moment, each in its own thread, and every action
opens its own session, as a page rerun does. The devices are spread over two engines: two app
processes on the same database.

* F1, F2 — the facilitator on two devices (same token): both edit the facilitator's draft and
  later the shared definition, each from the revision it last saw, so their edits conflict;
  both move the agenda at the same moments; F1 reveals, proposes, reads the status board.
* M1, M2 — Priya from marketing on two devices (same token): both edit her draft; M2 keeps
  editing while the facilitator reveals.
* S — Marcus from sales, on one device only: he keeps editing while the facilitator reveals.

Then the teams sign the proposal while F2 changes the shared definition at the same moment, the
facilitator's two devices reopen the signed version at once, and editing goes on.

Every write keeps a client-side record (the revision it believed, what it wrote, how it ended).
At the end the database must hold, for every draft and the shared definition, exactly the last
acknowledged write, with one acknowledged write per revision (two acknowledged writes for the
same revision would be a lost update); every refusal as stale must match a write another device
really made; nothing but the domain's StaleEdit and Locked may reach a "user" — no "database is
locked", no serialization failure or deadlock.

Throughput and the slowest save are printed and appended to test-artifacts/load-report.txt; they
are measured, never asserted.
"""
from __future__ import annotations

import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

import pytest
from sqlmodel import select

from tests.test_store import definition
from workshop import agenda, store, versions
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.models import (
    AgendaState,
    Draft,
    Participant,
    Proposal,
    SharedChange,
    SharedDefinition,
    Version,
)
from workshop.store import Locked, StaleEdit

REPORT = Path(__file__).resolve().parent.parent / "test-artifacts" / "load-report.txt"
PEOPLE = ("F1", "F2", "M1", "M2", "S")
DRAFT_OF = {"F1": "facilitator", "F2": "facilitator", "M1": "marketing", "M2": "marketing",
            "S": "sales"}
LATE_EDITS = 3  # draft saves M2 and S make while the facilitator reveals
PHASE_TIMEOUT = 600  # seconds a device waits for the others at a phase boundary: a hang fails


@dataclass
class Write:
    """One write as the client saw it."""

    device: str  # "w3/F2"
    kind: str  # "draft", "shared", "sign", "propose", "reopen", "reveal", "done", "agenda"
    target: str  # "w3/draft:marketing", "w3/shared", ...
    expected: int | None  # the revision the client believed was current
    written: Definition | None
    outcome: str  # "ok", "stale" (StaleEdit) or "locked" (Locked)
    result: object
    started: float
    ended: float

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class Run:
    """Everything the clients saw, shared by all threads."""

    writes: list[Write] = field(default_factory=list)
    reads: int = 0
    unexpected: list[str] = field(default_factory=list)  # errors that reached a "user"
    violations: list[str] = field(default_factory=list)  # wrong things a client saw
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, write: Write) -> None:
        with self.lock:
            self.writes.append(write)

    def violation(self, text: str) -> None:
        with self.lock:
            self.violations.append(text)


@dataclass
class Room:
    """One workshop under load: its tokens and the moments its five devices meet."""

    index: int
    id: str
    facilitator: str
    invites: dict[str, str]
    barrier: threading.Barrier = field(default_factory=lambda: threading.Barrier(len(PEOPLE)))
    joined: threading.Event = field(default_factory=threading.Event)
    marketing: str = ""
    sales: str = ""
    proposal: tuple[int, int] | None = None  # (proposal id, shared revision proposed)
    reveal: Write | None = None

    def meet(self) -> None:
        self.barrier.wait(timeout=PHASE_TIMEOUT)


class Device:
    """One browser: acts through its own session per action, keeps what it believed."""

    def __init__(self, run: Run, room: Room, name: str, engine, rounds: int) -> None:
        self.run, self.room, self.name, self.engine = run, room, name, engine
        self.label = f"w{room.index}/{name}"
        self.rounds = rounds
        self.draft_revision = 0  # the draft revision this device last saw
        self.shared_revision = 0
        self.edits = 0

    @property
    def token(self) -> str:
        if self.name.startswith("F"):
            return self.room.facilitator
        return self.room.marketing if self.name.startswith("M") else self.room.sales

    # -- calling the store as a page does --------------------------------------------------

    def read(self, call):
        with make_session(self.engine) as s:
            result = call(s)
        with self.run.lock:
            self.run.reads += 1
        return result

    def write(self, kind: str, target: str, call, *, expected: int | None = None,
              written: Definition | None = None) -> Write:
        started = time.perf_counter()
        try:
            with make_session(self.engine) as s:
                result, outcome = call(s), "ok"
        except StaleEdit as error:
            result, outcome = error, "stale"
        except Locked as error:
            result, outcome = error, "locked"
        record = Write(self.label, kind, f"w{self.room.index}/{target}", expected, written,
                       outcome, result, started, time.perf_counter())
        self.run.add(record)
        return record

    def next_definition(self, what: str) -> Definition:
        self.edits += 1
        return definition(f"{self.label} {what} #{self.edits}",
                          industries=("Software", f"Industry {self.edits}"),
                          points=self.edits % 4 * 10)

    # -- what people do -----------------------------------------------------------------------

    def edit_draft(self) -> str:
        """One change to the own draft, redone after a conflict the way the page asks to;
        "ok", "locked" or "stale" (three conflicts in a row: the person gives up)."""
        role = DRAFT_OF[self.name]
        for _attempt in range(3):
            new = self.next_definition("draft")
            done = self.write("draft", f"draft:{role}", lambda s, new=new, rev=self.draft_revision:
                              store.save_draft(s, self.room.id, self.token, new, rev),
                              expected=self.draft_revision, written=new)
            if done.outcome == "ok":
                self.draft_revision = done.result
                self.check_own_draft(done.result)
                return "ok"
            if done.outcome == "locked":
                return "locked"
            # Conflict: the page shows the latest version again; the person redoes the change.
            _, self.draft_revision, _ = self.read(
                lambda s: store.my_draft(s, self.room.id, self.token))
        return "stale"

    def check_own_draft(self, acknowledged: int) -> None:
        """Right after a save is acknowledged, the author reads at least that revision."""
        _, revision, _ = self.read(lambda s: store.my_draft(s, self.room.id, self.token))
        if revision < acknowledged:
            self.run.violation(f"{self.label} saved revision {acknowledged} but then read "
                               f"revision {revision}")

    def edit_shared(self) -> str:
        for _attempt in range(3):
            new = self.next_definition("shared")
            done = self.write("shared", "shared",
                              lambda s, new=new, rev=self.shared_revision: store.save_shared(
                                  s, self.room.id, self.token, new, rev,
                                  summary=f"{self.label} edit {self.edits}", questions=["pain"]),
                              expected=self.shared_revision, written=new)
            if done.outcome == "ok":
                self.shared_revision = done.result
                return "ok"
            if done.outcome == "locked":
                return "locked"
            self.shared_revision = self.read(
                lambda s: store.shared_state(s, self.room.id, self.token)).revision
        return "stale"

    def look_at_status_board(self, everyone_joined: bool = True) -> None:
        """Who is there, in role order; while people are joining, those who have so far."""
        statuses = self.read(lambda s: store.draft_statuses(s, self.room.id, self.token))
        roles = [status.role for status in statuses]
        everyone = ["facilitator", "marketing", "sales"]
        if roles != everyone and (everyone_joined or roles != [
                role for role in everyone if role == "facilitator" or role in roles]):
            self.run.violation(f"{self.label} saw the status board {roles}")

    def look_at_agenda(self) -> None:
        current = self.read(lambda s: agenda.agenda(s, self.room.id, self.token)).current
        if current not in (1, 2, 3):
            self.run.violation(f"{self.label} saw the room on step {current}")

    def move_room(self, step: int) -> None:
        self.write("agenda", "agenda", lambda s: agenda.move_to(
            s, self.room.id, self.room.facilitator, step))

    # -- each person's afternoon -----------------------------------------------------------------

    def facilitator(self, main: bool) -> None:
        room = self.room
        self.move_room(2)  # both devices at once: the agenda row is created by one of them
        for turn in range(self.rounds):
            self.edit_draft()
            if turn % 2 == 0:
                self.look_at_status_board(everyone_joined=False)
        room.meet()  # drafted: M2 and S keep editing while F1 reveals
        if main:
            room.reveal = self.write("reveal", "reveal", lambda s: store.reveal(
                s, room.id, room.facilitator))
        self.move_room(3)
        room.meet()  # revealed
        self.shared_revision = self.read(lambda s: store.shared_state(
            s, room.id, room.facilitator)).revision
        for turn in range(self.rounds):
            self.edit_shared()
            if main and turn == 1:
                self.write("discussion", "discussion", lambda s: versions.set_discussion(
                    s, room.id, room.facilitator, "pain", open=True, note="budget first"))
        room.meet()  # built
        if main:
            revision = self.read(lambda s: store.shared_state(s, room.id, room.facilitator)
                                 ).revision
            proposed = self.write("propose", "proposal", lambda s: versions.propose(
                s, room.id, room.facilitator, revision), expected=revision)
            if proposed.outcome == "ok":
                proposal = self.read(lambda s: versions.current_proposal(
                    s, room.id, room.facilitator))
                room.proposal = (proposal.id, revision)
        room.meet()  # proposed: the teams sign while F2 changes the shared definition
        if main:
            self.look_at_status_board()
            self.look_at_agenda()
        elif room.proposal is not None:
            new = self.next_definition("shared, racing the signatures")
            self.write("shared", "shared", lambda s: store.save_shared(
                s, room.id, room.facilitator, new, room.proposal[1], summary="racing"),
                expected=room.proposal[1], written=new)
        room.meet()  # signed
        signed = self.read(lambda s: versions.versions(s, room.id, room.facilitator))
        if signed:  # both devices reopen the signed version at the same moment
            self.write("reopen", "reopen", lambda s: versions.reopen(
                s, room.id, room.facilitator))
        room.meet()  # reopened
        self.shared_revision = self.read(lambda s: store.shared_state(
            s, room.id, room.facilitator)).revision
        for _turn in range(max(2, self.rounds // 2)):
            self.edit_shared()
        room.meet()  # the end

    def marketing(self, main: bool) -> None:
        room = self.room
        if main:
            room.marketing = store_call(self, lambda s: store.join_with_invite(
                s, room.invites["marketing"], "Priya")[1])
            room.joined.set()
        elif not room.joined.wait(timeout=PHASE_TIMEOUT):
            raise TimeoutError("marketing never joined")
        for turn in range(self.rounds):
            self.edit_draft()
            if not main and turn % 2:
                self.look_at_agenda()
        if main:
            self.write("done", "done", lambda s: store.set_done(s, room.id, self.token, True))
        room.meet()  # drafted
        if not main:
            for _ in range(LATE_EDITS):
                if self.edit_draft() == "locked":
                    break
        room.meet()  # revealed
        self.reader_round()
        room.meet()  # built
        room.meet()  # proposed
        if main:
            self.sign()
        else:
            self.read(lambda s: versions.current_proposal(s, room.id, self.token))
        room.meet()  # signed
        room.meet()  # reopened
        self.reader_round()
        room.meet()  # the end

    def sales(self) -> None:
        room = self.room
        room.sales = store_call(self, lambda s: store.join_with_invite(
            s, room.invites["sales"], "Marcus")[1])
        for turn in range(self.rounds):
            self.edit_draft()
            if turn % 2:
                self.look_at_agenda()
        room.meet()  # drafted
        for _ in range(LATE_EDITS):
            if self.edit_draft() == "locked":
                break
        self.write("done", "done", lambda s: store.set_done(s, room.id, self.token, True))
        room.meet()  # revealed
        self.reader_round()
        room.meet()  # built
        room.meet()  # proposed
        self.sign()
        room.meet()  # signed
        room.meet()  # reopened
        self.reader_round()
        room.meet()  # the end

    def reader_round(self) -> None:
        """What a team member's screen reads after the reveal."""
        room = self.room
        self.read(lambda s: store.shared_state(s, room.id, self.token))
        self.read(lambda s: versions.changes(s, room.id, self.token))
        self.read(lambda s: versions.discussion(s, room.id, self.token))
        self.look_at_agenda()
        self.look_at_status_board()

    def sign(self) -> None:
        if self.room.proposal is None:
            return
        self.write("sign", "sign", lambda s: versions.sign(
            s, self.room.id, self.token, self.room.proposal[0], agrees=True))


def store_call(device: Device, call):
    with make_session(device.engine) as s:
        return call(s)


# --- running it -------------------------------------------------------------------------------

def setup_rooms(engine, workshops: int) -> list[Room]:
    rooms = []
    with make_session(engine) as s:
        for index in range(workshops):
            workshop, fac = store.create_workshop(s, company=f"Company {index}",
                                                  title="Ideal lead", facilitator_name="Dana")
            invites = store.invitations(s, workshop.id, fac).secrets
            rooms.append(Room(index, workshop.id, fac, invites))
    return rooms


def run_load(engines: list, workshops: int, rounds: int) -> tuple[Run, list[Room], float]:
    run = Run()
    rooms = setup_rooms(engines[0], workshops)
    start = threading.Barrier(workshops * len(PEOPLE) + 1)
    threads = []

    def person(room: Room, name: str, engine) -> None:
        device = Device(run, room, name, engine, rounds)
        try:
            start.wait(timeout=PHASE_TIMEOUT)
            if name in ("F1", "F2"):
                device.facilitator(main=name == "F1")
            elif name in ("M1", "M2"):
                device.marketing(main=name == "M1")
            else:
                device.sales()
        except threading.BrokenBarrierError:
            pass  # another device of this workshop failed; its error is recorded
        except BaseException as error:  # noqa: BLE001 - what reached the "user" is the finding
            with run.lock:
                run.unexpected.append(f"{device.label}: {error!r}\n{traceback.format_exc()}")
            room.barrier.abort()
            room.joined.set()

    for room in rooms:
        for number, name in enumerate(PEOPLE):
            engine = engines[(room.index * len(PEOPLE) + number) % len(engines)]
            threads.append(threading.Thread(target=person, args=(room, name, engine),
                                            name=f"w{room.index}/{name}", daemon=True))
    for thread in threads:
        thread.start()
    start.wait(timeout=PHASE_TIMEOUT)
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=PHASE_TIMEOUT * 2)
    elapsed = time.perf_counter() - began
    assert not any(thread.is_alive() for thread in threads), "a device hung"
    return run, rooms, elapsed


# --- what must hold afterwards ------------------------------------------------------------------

def check_revisioned(run: Run, target: str, stored_definition: Definition,
                     stored_revision: int, kind: str) -> list[str]:
    """One acknowledged write per revision 1..stored, the stored one is the last acknowledged,
    and every refusal as stale matches a write another device made before the refusal."""
    problems = []
    writes = [w for w in run.writes if w.target == target and w.kind == kind]
    acked = [w for w in writes if w.outcome == "ok"]
    by_revision = Counter(w.result for w in acked)
    twice = sorted(r for r, n in by_revision.items() if n > 1)
    if twice:
        problems.append(f"{target}: revisions {twice} were acknowledged to two writers "
                        "(a lost update)")
    if sorted(by_revision) != list(range(1, stored_revision + 1)):
        problems.append(f"{target}: stored revision {stored_revision}, acknowledged "
                        f"{sorted(by_revision)}")
    last = [w for w in acked if w.result == stored_revision]
    if stored_revision and (not last or last[0].written != stored_definition):
        problems.append(f"{target}: the stored definition is not the last acknowledged write "
                        f"(revision {stored_revision})")
    if not stored_revision and acked:
        problems.append(f"{target}: nothing stored, yet {len(acked)} writes were acknowledged")
    for refused in (w for w in writes if w.outcome == "stale"):
        mover = [w for w in acked if w.result == refused.expected + 1]
        if not mover:
            problems.append(f"{target}: {refused.device} was told its revision "
                            f"{refused.expected} was stale, but nobody wrote revision "
                            f"{refused.expected + 1}")
        elif mover[0].device == refused.device or mover[0].started > refused.ended:
            problems.append(f"{target}: {refused.device}'s refusal at revision "
                            f"{refused.expected} matches no other device's earlier write")
    return problems


def check_room(engine, run: Run, room: Room) -> list[str]:
    problems: list[str] = []
    prefix = f"w{room.index}/"
    mine = [w for w in run.writes if w.target.startswith(prefix)]
    with make_session(engine) as s:
        drafts = {p.role: d for p, d in s.exec(
            select(Participant, Draft).join(Draft, Draft.participant_id == Participant.id)
            .where(Participant.workshop_id == room.id)).all()}
        shared = s.get(SharedDefinition, room.id)
        log = s.exec(select(SharedChange).where(SharedChange.workshop_id == room.id)
                     .order_by(SharedChange.revision, SharedChange.id)).all()
        proposals = s.exec(select(Proposal).where(Proposal.workshop_id == room.id)).all()
        signed = s.exec(select(Version).where(Version.workshop_id == room.id)).all()
        room_agenda = s.get(AgendaState, room.id)
        revealed = store.is_revealed(s, room.id)
    if sorted(drafts) != ["facilitator", "marketing", "sales"]:
        problems.append(f"{prefix}: drafts for {sorted(drafts)}")
    for role, draft in drafts.items():
        problems += check_revisioned(run, f"{prefix}draft:{role}",
                                     Definition.from_json(draft.definition_json),
                                     draft.revision, "draft")
    problems += check_revisioned(run, f"{prefix}shared", Definition.from_json(
        shared.definition_json), shared.revision, "shared")
    # The change log holds every acknowledged change of the shared definition, as written.
    acked_shared = {w.result: w.written for w in mine if w.kind == "shared" and w.outcome == "ok"}
    logged = {row.revision: Definition.from_json(row.definition_json) for row in log}
    if len(log) != len(logged) or logged != acked_shared:
        problems.append(f"{prefix}: change log revisions {[r.revision for r in log]}, "
                        f"acknowledged {sorted(acked_shared)}")
    # Sales has one device: nobody else ever edits that draft, so no conflict may be reported.
    sales_conflicts = [w for w in mine if w.target == f"{prefix}draft:sales"
                       and w.outcome == "stale"]
    if sales_conflicts:
        problems.append(f"{prefix}: sales' only device was told of {len(sales_conflicts)} "
                        "conflicts")
    # The reveal: drafts refuse writes only once it was asked for, and none is acknowledged
    # that started after it was done.
    if not revealed or room.reveal is None or room.reveal.outcome != "ok":
        problems.append(f"{prefix}: not revealed ({room.reveal})")
    else:
        for w in mine:
            if w.kind == "draft" and w.outcome == "locked" and w.ended < room.reveal.started:
                problems.append(f"{prefix}: {w.device}'s draft was locked before the reveal")
            if w.kind == "draft" and w.outcome == "ok" and w.started > room.reveal.ended:
                problems.append(f"{prefix}: {w.device} saved a draft after the reveal")
    # Signing while F2 changes the shared definition: either the version is signed and F2's
    # change refused as locked, or F2's change went in and the proposal was withdrawn.
    if room.proposal is None:
        problems.append(f"{prefix}: the proposal failed: "
                        f"{[w for w in mine if w.kind == 'propose']}")
    else:
        proposal_id, proposed_revision = room.proposal
        racing = [w for w in mine if w.kind == "shared" and w.expected == proposed_revision
                  and w.device.endswith("F2") and "racing" in str(w.written.notes)]
        signatures = [w for w in mine if w.kind == "sign"]
        proposal = next(p for p in proposals if p.id == proposal_id)
        if len(racing) != 1 or len(signatures) != 2:
            problems.append(f"{prefix}: racing writes {racing}, signatures {signatures}")
        elif signed:
            version = signed[0]
            if (len(signed) != 1 or proposal.status != "signed"
                    or racing[0].outcome != "locked"
                    or sorted(map(str, (w.result for w in signatures))) != ["1", "None"]
                    or Definition.from_json(version.definition_json)
                    != acked_shared.get(proposed_revision)):
                problems.append(f"{prefix}: signed version {version}, proposal {proposal}, "
                                f"racing {racing}, signatures {signatures}")
            reopened = [w for w in mine if w.kind == "reopen"]
            if sorted(w.outcome for w in reopened) != ["ok", "stale"] or \
                    version.reopened_at is None:
                problems.append(f"{prefix}: reopening from two devices gave {reopened}")
        else:
            if (racing[0].outcome != "ok" or proposal.status != "withdrawn"
                    or "stale" not in {w.outcome for w in signatures}
                    or any(w.outcome == "ok" and w.result is not None for w in signatures)):
                problems.append(f"{prefix}: unsigned, proposal {proposal}, racing {racing}, "
                                f"signatures {signatures}")
    if room_agenda is None or room_agenda.current_step != 3:
        problems.append(f"{prefix}: the room is on {room_agenda}, not step 3")
    locked_shared = [w for w in mine if w.kind == "shared" and w.outcome == "locked"
                     and "racing" not in str(w.written.notes)]
    if locked_shared:
        problems.append(f"{prefix}: shared edits refused as locked with no signed version: "
                        f"{locked_shared}")
    return problems


def report(database_url: str, workshops: int, run: Run, elapsed: float) -> str:
    engine_name = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    saves = [w for w in run.writes if w.kind in ("draft", "shared")]
    everything = run.writes
    slowest = max(saves, key=lambda w: w.seconds)
    outcomes = Counter(w.outcome for w in saves)
    line = (f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC  engine={engine_name}  "
            f"workshops={workshops}  people={workshops * len(PEOPLE)}  "
            f"saves={len(saves)} (acknowledged {outcomes['ok']}, conflicts {outcomes['stale']}, "
            f"locked {outcomes['locked']})  writes={len(everything)}  reads={run.reads}  "
            f"in {elapsed:.1f} s  throughput={len(saves) / elapsed:.1f} saves/s "
            f"({(len(everything) + run.reads) / elapsed:.1f} calls/s)  "
            f"slowest save={slowest.seconds * 1000:.0f} ms ({slowest.kind} by {slowest.device}), "
            f"median save={median(w.seconds for w in saves) * 1000:.0f} ms, "
            f"slowest write={max(w.seconds for w in everything) * 1000:.0f} ms")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with REPORT.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    print("\n" + line)
    return line


def load_test(database_url, engine_factory, workshops: int, rounds: int) -> None:
    engines = [engine_factory(), engine_factory()]  # two app processes on one database
    run, rooms, elapsed = run_load(engines, workshops, rounds)
    report(database_url, workshops, run, elapsed)
    assert not run.unexpected, "errors reached a user:\n" + "\n".join(run.unexpected[:5])
    assert not run.violations, run.violations[:20]
    problems = [problem for room in rooms for problem in check_room(engines[0], run, room)]
    assert not problems, "\n".join(problems[:30])
    # The run did what it is for: conflicts were really provoked and reported.
    outcomes = Counter((w.kind, w.outcome) for w in run.writes)
    assert outcomes[("draft", "stale")] > 0 and outcomes[("shared", "stale")] > 0, outcomes
    assert outcomes[("draft", "ok")] >= workshops * len(PEOPLE) * rounds // 2, outcomes


def test_workshops_editing_at_once_lose_nothing(database_url, engine_factory):
    """The quick version: 4 workshops × 5 people."""
    load_test(database_url, engine_factory, workshops=4, rounds=4)


@pytest.mark.long
def test_twenty_workshops_of_five_people_editing_at_once_lose_nothing(database_url,
                                                                       engine_factory):
    """The full size: 20 workshops × 5 people."""
    load_test(database_url, engine_factory, workshops=20, rounds=6)
