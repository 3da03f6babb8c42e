"""Crash and restart, at the store level: a process driving a scripted workshop is killed with
SIGKILL at random moments — while people draft, while the facilitator merges, while the teams
sign off — and "restarted" again and again, on SQLite and on PostgreSQL.

The driver (tests/crash_driver.py) runs the script through the store, one store call per page
action, and journals every operation once it has committed (fsync'ed). After each kill a fresh
engine on the same database checks that

(a) everything acknowledged in the journal is in the database exactly: the database holds the
    workshop exactly as the script leaves it after the last acknowledged operation, or after the
    one that was running when the kill came (committed but not yet acknowledged) — never
    anything in between, never less;
(b) the workshop is fully readable: every read path the pages use works for every person in it
    (their own draft, the status board, the revealed drafts and their comparison, the shared
    definition, its change log, the questions up for discussion, the proposal, the versions and
    measurements, the agenda, the wall link, the one-pager), and every JSON column parses;
(c) the next driver resumes the script from where the database says it is, and the last one
    finishes the workshop: two signed versions.

Kills come two ways. Random ones: the driver is held before a randomly chosen operation of a
phase, let go, and killed a random few milliseconds later (mostly inside that operation). Placed
ones: the driver kills itself right after a given commit — between the commits of an operation
that makes several (which must never leave half of it behind) and right after the last commit
of random operations (saved, not yet acknowledged). The seed is printed; CRASH_SEED=<seed>
replays a run.
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select as sql_select

from tests import crash_driver as driver
from tests.conftest import sqlalchemy_url
from workshop import agenda, compare, export, store, versions, wall
from workshop.db import make_engine
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.measure import Figures
from workshop.models import (
    AgendaState,
    Draft,
    Measurement,
    Participant,
    Proposal,
    SharedChange,
    SharedDefinition,
    Version,
    Workshop,
)

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("setup", "drafting", "merge", "sign-off")
MUST_LAND = ("drafting", "merge", "sign-off")  # each gets more kills until one lands in it
# Seconds between releasing a held driver and killing it, times a random fraction: mostly
# inside the operation it was held before, sometimes a few operations later.
DELAY_SCALES = (0.003, 0.003, 0.015, 0.05)


def seed_for_this_run() -> int:
    seed = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(10**9))
    print(f"crash test seed: {seed} (replay with CRASH_SEED={seed})")
    return seed


# --- the driver process --------------------------------------------------------------------------

class Drivers:
    """The driver's fork server (imports once), and the driver it forked last: a process of
    its own, the one that gets killed."""

    def __init__(self, url: str, journal: Path, size: int, log: Path):
        self.log, self.pid = log, 0
        with open(log, "ab") as err:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "tests.crash_driver", "--url", url, "--journal",
                 str(journal), "--size", str(size), "--wait", "--fork"],
                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                start_new_session=True)
        self._buffer = b""
        self.expect("ready")

    def start(self, hold: int, die_after: tuple[int, int] | None = None) -> None:
        """A new driver, holding before operation `hold` (-1: none); `die_after` (I, K): it
        kills itself right after the K-th commit of operation I."""
        self.send("run")
        self.pid = int(self.expect("pid ").split()[1])
        self.send(f"{hold} {die_after[0]}:{die_after[1]}" if die_after else str(hold))

    def send(self, line: str) -> None:
        self.server.stdin.write(line.encode() + b"\n")
        self.server.stdin.flush()

    def expect(self, prefix: str, timeout: float = 180) -> str:
        """The next line that starts with `prefix`; fails if the driver exits instead."""
        fd = self.server.stdout.fileno()
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\n", 1)
                line = raw.decode()
                if line.startswith(prefix):
                    return line
                if line.startswith("exited "):
                    pytest.fail(f"the driver {line} before printing {prefix!r}\n"
                                f"{self.errors()}")
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"no {prefix!r} from the driver within {timeout} s\n"
                            f"{self.errors()}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    pytest.fail(f"the fork server exited before printing {prefix!r}:\n"
                                f"{self.errors()}")
                self._buffer += chunk

    def kill(self) -> None:
        """SIGKILL the driver: no cleanup, no rollback, no flushing. A driver a random delay
        let run to its last operation has exited already: the restart checks that too."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.pid = 0
        self.expect("exited ")

    def close(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.server.stdin.close()
            self.server.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.server.kill()
            self.server.wait(timeout=30)
        self.server.stdout.close()

    def errors(self) -> str:
        return "driver stderr:\n" + self.log.read_text(errors="replace")[-6000:]


def acknowledged(journal: Path) -> list[dict]:
    """The journal's complete lines (a line torn by a kill is not an acknowledgement)."""
    if not journal.exists():
        return []
    lines = []
    for raw in journal.read_bytes().split(b"\n")[:-1]:  # the last piece has no newline yet
        try:
            lines.append(json.loads(raw))
        except ValueError:
            continue  # torn by a kill; the next driver starts on a fresh line
    return lines


# --- the checks after a restart ------------------------------------------------------------------

def check_acknowledged(actual: dict, lines: list[dict], states: list[dict]) -> None:
    """Every acknowledged operation is what the script says, and what it saved is there."""
    indices = [line["i"] for line in lines]
    assert indices == sorted(set(indices)), f"the journal goes backwards: {indices}"
    changes = {c[0]: c for c in actual["changes"]}
    for line in lines:
        i = line["i"]
        assert line["state"] == driver.digest(states[i + 1]), \
            f"operation {i} ({line['op']}) was acknowledged with another outcome than scripted"
        if line["op"].startswith(("save shared", "undo", "go back")):
            change = changes.get(line["revision"])
            assert change is not None, f"acknowledged change #{line['revision']} is lost"
            assert change[5] == line["sha"], f"change #{line['revision']} is not as saved"
        elif line["op"].startswith("propose"):
            proposal = actual["proposals"][line["proposal"] - 1]
            assert (proposal[0], proposal[1], proposal[2]) == (
                line["number"], line["revision"], line["sha"])
        elif line["op"].startswith("save draft"):
            who = line["op"].removeprefix("save draft ").rsplit(" #", 1)[0]
            revision, text_sha, _ = actual["drafts"][who]
            assert revision >= line["revision"], f"{who}'s acknowledged save is lost"
            if revision == line["revision"]:
                assert text_sha == line["sha"]
        elif line.get("version"):
            assert line["version"] in [v[0] for v in actual["versions"]], \
                f"acknowledged version {line['version']} is lost"


def parse_every_json_column(s, workshop_id: str) -> None:
    """Every stored definition, decision list, signatory list, figures and time box parses."""
    def definitions(model, column):
        for text in s.exec(sql_select(column).where(model.workshop_id == workshop_id)).all():
            Definition.from_json(text)

    definitions(Draft, Draft.definition_json)
    definitions(SharedDefinition, SharedDefinition.definition_json)
    definitions(SharedChange, SharedChange.definition_json)
    definitions(Proposal, Proposal.definition_json)
    definitions(Version, Version.definition_json)
    assert isinstance(json.loads(s.get(SharedDefinition, workshop_id).decisions_json), dict)
    for text in s.exec(sql_select(Version.signatories_json)
                       .where(Version.workshop_id == workshop_id)).all():
        assert all({"role", "team", "name", "in_room", "at"} <= set(x) for x in json.loads(text))
    for text in s.exec(sql_select(Proposal.figures_json)
                       .where(Proposal.workshop_id == workshop_id)).all():
        Figures.from_json(text)
    for text in s.exec(sql_select(Measurement.figures_json)
                       .where(Measurement.workshop_id == workshop_id)).all():
        assert Figures.from_json(text) is not None
    row = s.get(AgendaState, workshop_id)
    if row is not None and row.minutes_json:
        assert set(json.loads(row.minutes_json)) == {"1", "2", "3", "4"}


def read_like_the_pages(engine, workshop: Workshop, who: str, token: str,
                        expected: dict) -> None:
    """What the pages read for one person, in a fresh session each, as the app does."""
    wid, now = workshop.id, datetime.now(UTC)
    revealed = expected["workshop"]["revealed"]
    with make_session(engine) as s:
        actor = store.authenticate(s, wid, token)
        definition, revision, done = store.my_draft(s, wid, token)
        assert [revision, driver.sha(definition.to_json()), done] == expected["drafts"][who]
        statuses = store.draft_statuses(s, wid, token)
        assert sorted([x.role, x.name] for x in statuses) == expected["participants"]
        assert store.is_revealed(s, wid) is revealed
        assert agenda.agenda(s, wid, token).countdown(now)
        assert store.current_upload(s, wid, token) is None
    reader = actor.is_facilitator or revealed
    with make_session(engine) as s:
        if not revealed:
            with pytest.raises(store.Locked):
                store.revealed_people(s, wid, token)
        else:
            people = store.revealed_people(s, wid, token)
            started = {w for w, d in expected["drafts"].items() if d[0] > 0}
            assert {f"{p.role}/{p.name}" for p in people} == started
            if actor.is_facilitator:  # the comparison is the same for everyone: once is enough
                compare.compare(store.revealed_drafts(s, wid, token))
    with make_session(engine) as s:
        if not reader:
            for read in (store.shared_state, versions.changes, versions.discussion,
                         versions.current_proposal, versions.versions, versions.measurements,
                         wall.wall_link):
                with pytest.raises(store.Locked):
                    read(s, wid, token)
            return
        shared = store.shared_state(s, wid, token)
        assert [shared.revision, driver.sha(shared.definition.to_json()),
                shared.decisions] == expected["shared"]
        assert len(versions.changes(s, wid, token)) == len(expected["changes"])
        points = versions.discussion(s, wid, token)
        assert {q: [p.open, p.note] for q, p in points.items()} == expected["discussion"]
        proposal = versions.current_proposal(s, wid, token)
        signed = versions.versions(s, wid, token)
        taken = versions.measurements(s, wid, token)
        link = wall.wall_link(s, wid, token)
    open_proposals = [p for p in expected["proposals"] if p[5] == "open"]
    assert (proposal is None) == (not open_proposals)
    assert [v.number for v in signed] == [v[0] for v in expected["versions"]]
    assert len(taken) == len(expected["measurements"])
    assert (link is not None) == bool(expected["wall"])
    if proposal is not None:  # what a team is asked to sign
        page = export.one_pager(proposal.definition, company=workshop.company,
                                title=workshop.title, facilitator=workshop.facilitator_name,
                                agreed_by=[], agreed_at=None, version=proposal.number)
        assert export.to_markdown(page)
    if actor.is_facilitator:  # step 4's one-pager: the latest version, or a preview
        with make_session(engine) as s:
            agreed = wall.agreed(s, wid)
        if agreed is not None:
            page = agreed.page(link=f"http://wall/{link}" if link else "")
            assert agreed.number == expected["versions"][-1][0]
            assert len(agreed.signed_by) == len(expected["versions"][-1][2])
        else:
            page = export.one_pager(shared.definition, company=workshop.company,
                                    title=workshop.title, facilitator=workshop.facilitator_name,
                                    agreed_by=[], agreed_at=None)
        assert workshop.company in export.to_markdown(page)
        assert export.to_html(page).lstrip().lower().startswith("<!doctype html")


def check_readable(engine, expected: dict) -> None:
    with make_session(engine) as s:
        summaries = store.list_workshops(s)
        if expected["workshop"] is None:
            assert summaries == []
            return
        (workshop,) = s.exec(sql_select(Workshop)).all()
        assert [w.id for w in summaries] == [workshop.id]
        parse_every_json_column(s, workshop.id)
        tokens = {f"{p.role}/{p.name}": p.token for p in s.exec(
            sql_select(Participant).where(Participant.workshop_id == workshop.id)).all()}
    assert sorted(tokens) == sorted(expected["drafts"])
    for who, token in tokens.items():
        read_like_the_pages(engine, workshop, who, token, expected)


def restart_and_check(url: str, journal: Path, states: list[dict],
                      resumed_at: int = 0) -> tuple[int, int]:
    """A fresh engine, as a restarted server has: (a) and (b). `resumed_at`: where the killed
    driver started (checked before: as good as acknowledged). Returns (position, the operation
    the kill came in: the one after the last acknowledged or checked)."""
    lines = acknowledged(journal)
    done = max(lines[-1]["i"] + 1 if lines else 0, resumed_at)
    engine = make_engine(sqlalchemy_url(url))
    try:
        with make_session(engine) as s:
            actual = driver.observe(s)
        found = driver.locate(actual, states)
        if found not in ([done], [done + 1]):
            pytest.fail(f"after the kill the database holds {found or 'no'} prefix of the "
                        f"script; {done} operations were acknowledged, so it must hold "
                        f"{done} or {done + 1} (the one running when the kill came). "
                        f"Against {done}:\n{driver.differences(actual, states[done])}")
        check_acknowledged(actual, lines, states)
        check_readable(engine, states[found[0]])
    finally:
        engine.dispose()
    return found[0], done


# --- the drill -----------------------------------------------------------------------------------

def finish(drivers: Drivers, position: int) -> None:
    """(c) A driver resumes where the database is and finishes the workshop."""
    drivers.start(hold=-1)
    drivers.expect(f"resuming at {position} ")
    drivers.expect("finished")
    assert drivers.expect("exited ") == "exited 0", drivers.errors()
    drivers.pid = 0


def check_finished(url: str, journal: Path, states: list[dict], resumed_at: int = 0) -> None:
    """The workshop at its end. `resumed_at`: where the last driver found the database (a kill
    after the last operation's commit, before its acknowledgement, leaves nothing to resume)."""
    final, done = restart_and_check(url, journal, states, resumed_at)
    assert final == done == len(states) - 1
    finished = states[-1]
    assert [v[0] for v in finished["versions"]] == [1, 2]
    assert finished["versions"][0][3] is True and finished["versions"][1][3] is False
    assert [p[5] for p in finished["proposals"]] == ["withdrawn"] * 2 + ["signed"] * 2


def kill_and_restart(url: str, tmp_path: Path, *, size: int, plan: dict[str, int],
                     after_last_commit: int) -> None:
    """Run the script, killing the driver again and again, then let it finish. Two kinds of
    kill, in the order of the script:

    * random: `plan[phase]` per phase — hold the driver before a random operation of the phase,
      let it go, kill it after a random delay (inside that operation, mostly, or a little later);
    * placed: right after each commit of an operation that commits more than once (between
      them the database must hold the state before the operation or after it, never half), and
      right after the last commit of `after_last_commit` random operations (saved but not yet
      acknowledged: it must be kept).
    """
    rng = random.Random(seed_for_this_run())
    ops, states = driver.prepared(size)
    phase_of = [op.phase for op in ops]
    counts = driver.count_commits(f"sqlite:///{tmp_path / 'probe.db'}", size)
    placed = [(i, k) for i, n in enumerate(counts) for k in range(1, n)]
    placed += [(i, counts[i]) for i in rng.sample(range(len(ops)), after_last_commit)]
    journal = tmp_path / "journal.jsonl"
    started = time.monotonic()
    drivers = Drivers(url, journal, size, tmp_path / "driver.log")
    landed: list[tuple[int, str, bool]] = []  # (op, phase, committed but not acknowledged)
    position = 0

    def restart(what: str) -> int:
        nonlocal position
        position, hit = restart_and_check(url, journal, states, position)
        if hit < len(ops):
            landed.append((hit, phase_of[hit], position == hit + 1))
        print(f"{time.monotonic() - started:6.1f} s  {what}: landed in op {hit} "
              f"({ops[min(hit, len(ops) - 1)].name}), database at {position}/{len(ops)}")
        return hit

    def room_in(phase: str) -> list[int]:
        """What is left of a phase to kill in (not its last two ops, to stay in it)."""
        if phase == "setup":
            return [i for i in range(position, len(ops)) if phase_of[i] == phase]
        return [i for i in range(position, len(ops) - 2)
                if phase_of[i] == phase == phase_of[i + 2]]

    def random_kill(target: int) -> None:
        target = max(target, position)  # a kill before may have gone past it
        if target >= len(ops) - 1:
            return
        drivers.start(hold=target)
        drivers.expect(f"resuming at {position} ")  # (c) where the database is
        drivers.expect(f"holding {target}")
        delay = rng.random() * rng.choice(DELAY_SCALES)
        drivers.send("")
        time.sleep(delay)
        drivers.kill()
        restart(f"killed {delay * 1000:5.1f} ms after holding before op {target}")

    def placed_kill(op: int, commit: int) -> None:
        drivers.start(hold=-1, die_after=(op, commit))
        drivers.expect(f"resuming at {position} ")
        assert drivers.expect("exited ") == f"exited {signal.SIGKILL}", drivers.errors()
        drivers.pid = 0
        hit = restart(f"killed after commit {commit} of {counts[op]} of op {op}")
        assert hit == op
        if commit == counts[op]:
            assert position == op + 1, f"{ops[op].name} was committed, and is lost"

    try:
        for phase in PHASES:
            if phase in MUST_LAND and room_in(phase):
                # One kill that always lands in the phase, whatever the machine's speed: right
                # after its first operation's commit (a random delay can run through a phase
                # of a few quick operations).
                first = room_in(phase)[0]
                placed_kill(first, counts[first])
            room = room_in(phase)
            randoms = rng.sample(room, min(plan.get(phase, 0), len(room)))
            events = sorted([(op, 0) for op in randoms]
                            + [(op, commit) for op, commit in placed if phase_of[op] == phase])
            for op, commit in events:
                if not commit:
                    random_kill(op)
                elif op >= position:  # (else done whole by a kill after its first commit)
                    placed_kill(op, commit)
            for _ in range(3):  # a kill that overshot its phase: try again while there is room
                if phase not in MUST_LAND or any(p == phase for _, p, _ in landed):
                    break
                if room_in(phase):
                    random_kill(room_in(phase)[0])

        finish(drivers, position)
    finally:
        drivers.close()
    check_finished(url, journal, states, position)
    journaled = {line["i"]: line["commits"] for line in acknowledged(journal)}
    assert all(counts[i] == n for i, n in journaled.items()), \
        f"the operations commit differently here than on the probe: {journaled} {counts}"
    by_phase = Counter(phase for _, phase, _ in landed)
    print(f"{len(landed)} kills in {time.monotonic() - started:.1f} s; landed per phase: "
          f"{dict(by_phase)}; {sum(c for *_, c in landed)} after the commit, before the "
          "acknowledgement")
    for phase in MUST_LAND:
        assert by_phase[phase] >= 1, f"no kill landed in {phase}: {landed}"


def test_the_script_is_a_workshop():
    """The driver's model is sound: every operation changes what the database holds (so the
    position after a kill is never ambiguous), and the phases come in the order of a workshop."""
    for size in (1, 3):
        ops = driver.script(size)
        states = driver.model_states(ops)
        digests = [driver.digest(state) for state in states]
        assert len(set(digests)) == len(states)
        phases = [op.phase for op in ops]
        assert phases == sorted(phases, key=PHASES.index)
        assert set(phases) == set(PHASES)


def test_kill_9_while_drafting_merging_and_signing_loses_nothing(database_url, tmp_path):
    kill_and_restart(database_url, tmp_path, size=1, after_last_commit=2,
                     plan={"setup": 1, "drafting": 2, "merge": 2, "sign-off": 2})


@pytest.mark.long
def test_kill_9_sixty_times_loses_nothing(database_url, tmp_path):
    kill_and_restart(database_url, tmp_path, size=3, after_last_commit=10,
                     plan={"setup": 2, "drafting": 20, "merge": 15, "sign-off": 15})
