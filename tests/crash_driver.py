"""A scripted workshop driven through the store, for the crash test (tests/test_crash.py).

    python -m tests.crash_driver --url DATABASE_URL --journal FILE [--size N]
                                 [--wait] [--hold-before OP] [--fork]

The script is a fixed list of operations — create the workshop, join, many draft saves by the
facilitator, marketing and sales, Done, the reveal, many saves of the shared definition with
questions up for discussion, an undo and a go-back, proposals, objections and sign-offs, two
signed versions, a measurement, the wall link and agenda moves — each one store call in a session
of its own, as the pages make them.

After an operation has *committed* (its store call returned), one line is appended to the
acknowledgement journal and fsync'ed: the operation's index and name, what it saved (revision or
number, the SHA-256 of the stored JSON) and a digest of the whole expected state after it.

`model_states(script(size))` is the state of the workshop (what the database must hold, without
ids, tokens and timestamps) after every prefix of the script, and `observe(session)` reads the
same facts from a database. The driver starts by finding the one prefix the database holds — it
resumes from exactly there, so it can be killed at any moment and started again — and refuses to
run (exit status 3) if the database holds no prefix of the script at all: something was lost, or
half an operation was left behind.

--wait: wait for a line on stdin before touching the database; a number on it is taken as
--hold-before. --hold-before OP: print "holding OP" and wait for a line on stdin before running
operation OP, so the test can kill the driver at a random moment inside a chosen part of the
script; a second word I:K on that line makes the driver SIGKILL itself right after the K-th
commit of operation I. --fork: a fork server — import once, then fork one driver per "run"
line on stdin (see `fork_server`); the test kills the forked drivers, never the server.
"""
from __future__ import annotations

import argparse
import copy
import functools
import hashlib
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from workshop import agenda, catalog, store, versions, wall
from workshop.db import make_engine
from workshop.db import session as make_session
from workshop.definition import Action, Criterion, Definition
from workshop.measure import Figures
from workshop.merge import changed_questions
from workshop.models import (
    AgendaState,
    DiscussionPoint,
    Draft,
    Invite,
    Measurement,
    Participant,
    Proposal,
    SharedChange,
    SharedDefinition,
    SignOff,
    Version,
    WallLink,
    Workshop,
)
from workshop.settings import database_url as app_database_url

COMPANY = "Crashworthy Ledger"
TITLE = "Kill -9 drill: what is a good lead?"
FAC = "facilitator/Fran Okafor"
PRIYA, MIA, MARCUS = "marketing/Priya", "marketing/Mia", "sales/Marcus"
CLIENT = "crash-driver"
MINUTES = {"1": 15, "2": 25, "3": 80, "4": 20}
SOURCE = "sample_leads.csv"
FIGURES = [
    Figures(leads=6000, months=12, qualified=900, sql=300, qualified_per_month=75.0,
            sql_per_month=25.0, wins=200, wins_caught=0.55, win_rate_qualified=0.12,
            win_rate_rest=0.02, lift=6.0, reliable=True),
    Figures(leads=800, months=4, qualified=100, sql=40, qualified_per_month=25.0,
            sql_per_month=10.0),
    Figures(leads=6000, months=12, qualified=720, sql=260, qualified_per_month=60.0,
            sql_per_month=21.7, wins=200, wins_caught=0.5, win_rate_qualified=0.14,
            win_rate_rest=0.02, lift=7.0, reliable=True),
]
# Text a database might mangle: non-ASCII, quotes, backslashes, a newline, an emoji.
AWKWARD = "Ünïcødé “quotes” 'apostrophes' \\backslash\\ {json: [1]}\nsecond line 🚀"


def sha(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest() if text else ""


def digest(state: dict) -> str:
    return sha(json.dumps(state, sort_keys=True))


def _role(who: str) -> str:
    return who.split("/", 1)[0]


def _name(who: str) -> str:
    return who.split("/", 1)[1]


# --- what gets saved -----------------------------------------------------------------------------

def draft_definition(who: str, k: int) -> Definition:
    """The k-th save (k = 1, 2, …) of a person's draft: it grows and changes with k."""
    seed = sum(map(ord, who))
    industries = catalog.INDUSTRIES
    criteria = [Criterion(field="industry", op="in",
                          values=[industries[(seed + k + j) % len(industries)]
                                  for j in range(1 + k % 3)])]
    if k >= 2:
        criteria.append(Criterion(field="employees", op="between", low=10 * k,
                                  high=500 + 100 * (seed % 7) + k))
    if k >= 3:
        criteria.append(Criterion(field="job_title", op="contains_any",
                                  values=[f"{_name(who).lower()} title {k}", "controller"]))
    if k >= 4:
        criteria.append(Criterion(field="seniority", op="in",
                                  values=[catalog.SENIORITIES[(seed + k) % 5]]))
    if k >= 5:
        criteria.append(Criterion(field="budget", op="at_least", low=1000 * k, gate="sql"))
    if k >= 6:
        criteria.append(Criterion(field="personal_email", op="is_true", role="disqualifier"))
    actions = [Action(field="demo_requested", points=10 + k)] if k >= 3 else []
    notes = {"industry": f"{who} wrote this at save {k}", "pain": AWKWARD}
    return Definition(criteria=criteria, actions=actions, threshold=5 * (k % 4), notes=notes)


def shared_definition(k: int) -> Definition:
    """The shared definition as the facilitator saves it the k-th time (by hand or by row)."""
    base = draft_definition("shared/room", 1 + k % 7)
    countries = catalog.COUNTRIES
    extra = Criterion(field="country", op="in", values=[countries[k % len(countries)]])
    notes = {**base.notes, "location": f"agreed on save {k}"}
    return Definition(criteria=[*base.criteria, extra], actions=base.actions,
                      threshold=base.threshold + k, notes=notes)


def shared_decisions(k: int) -> dict[str, str]:
    return {"industry": f"took Marketing's answer (save {k})", "location": "edited by hand",
            "pain": AWKWARD}


# --- the state of a workshop: what the database holds, without ids, tokens and times -------------

def empty_state() -> dict:
    return {"workshop": None, "participants": [], "invites": 0, "drafts": {}, "shared": None,
            "changes": [], "discussion": {}, "proposals": [], "signoffs": {}, "versions": [],
            "measurements": [], "agenda": None, "wall": 0}


def normalised(state: dict) -> dict:
    """Lists, not tuples; sorted where order means nothing (JSON round trip)."""
    state = json.loads(json.dumps(state, sort_keys=True))
    state["participants"] = sorted(state["participants"])
    for version in state["versions"]:
        version[2] = sorted(version[2])
    return state


def observe(s: Session) -> dict:
    """The facts of `empty_state()` as the database holds them. Raises if a row is unreadable."""
    state = empty_state()
    workshops = s.exec(select(Workshop)).all()
    if not workshops:
        return normalised(state)
    if len(workshops) != 1:
        raise RuntimeError(f"{len(workshops)} workshops in the database, expected one")
    w = workshops[0]
    wid = w.id
    state["workshop"] = {"company": w.company, "title": w.title,
                         "facilitator": w.facilitator_name, "revealed": w.revealed_at is not None,
                         "auto_reveal": w.auto_reveal}
    people = s.exec(select(Participant).where(Participant.workshop_id == wid)).all()
    who = {p.id: f"{p.role}/{p.name}" for p in people}
    state["participants"] = [[p.role, p.name] for p in people]
    state["invites"] = len(s.exec(select(Invite).where(Invite.workshop_id == wid)).all())
    state["drafts"] = {who[d.participant_id]: [d.revision, sha(d.definition_json),
                                               d.done_at is not None]
                       for d in s.exec(select(Draft).where(Draft.workshop_id == wid)).all()}
    shared = s.get(SharedDefinition, wid)
    if shared is not None:
        state["shared"] = [shared.revision, sha(shared.definition_json),
                           json.loads(shared.decisions_json or "{}")]
    state["changes"] = [
        [c.revision, c.by_name, c.summary, [q for q in c.questions.split(",") if q], c.restores,
         sha(c.definition_json)]
        for c in s.exec(select(SharedChange).where(SharedChange.workshop_id == wid)
                        .order_by(SharedChange.revision, SharedChange.id)).all()]
    state["discussion"] = {
        p.question: [p.open, p.note]
        for p in s.exec(select(DiscussionPoint).where(DiscussionPoint.workshop_id == wid)).all()}
    proposals = s.exec(select(Proposal).where(Proposal.workshop_id == wid)
                       .order_by(Proposal.id)).all()
    ordinal = {p.id: n for n, p in enumerate(proposals, 1)}
    state["proposals"] = [[p.number, p.shared_revision, sha(p.definition_json),
                           sha(p.figures_json), p.source, p.status] for p in proposals]
    if ordinal:
        state["signoffs"] = {
            f"{ordinal[a.proposal_id]}/{a.role}": [a.name, a.agrees, a.reason, a.in_room]
            for a in s.exec(select(SignOff).where(SignOff.proposal_id.in_(list(ordinal)))).all()}
    state["versions"] = [
        [v.number, sha(v.definition_json),
         [[x["role"], x["name"], x["in_room"]] for x in json.loads(v.signatories_json)],
         v.reopened_at is not None]
        for v in s.exec(select(Version).where(Version.workshop_id == wid)
                        .order_by(Version.number)).all()]
    state["measurements"] = [
        [m.version_number, m.at_signoff, sha(m.figures_json), m.source]
        for m in s.exec(select(Measurement).where(Measurement.workshop_id == wid)
                        .order_by(Measurement.id)).all()]
    row = s.get(AgendaState, wid)
    if row is not None:
        state["agenda"] = [row.current_step, json.loads(row.minutes_json or "{}")]
    state["wall"] = len(s.exec(select(WallLink).where(WallLink.workshop_id == wid,
                                                      WallLink.revoked_at.is_(None))).all())
    return normalised(state)


# --- the script ----------------------------------------------------------------------------------

@dataclass
class Context:
    """What the driver needs to act: read back from the database when it resumes."""

    workshop_id: str = ""
    join_code: str = ""
    invites: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def fac(self) -> str:
        return self.tokens[FAC]

    def load(self, s: Session) -> None:
        workshop = s.exec(select(Workshop)).one()
        self.workshop_id, self.join_code = workshop.id, workshop.join_code
        self.invites = {i.role: i.secret for i in s.exec(
            select(Invite).where(Invite.workshop_id == workshop.id)).all()}
        self.tokens = {f"{p.role}/{p.name}": p.token for p in s.exec(
            select(Participant).where(Participant.workshop_id == workshop.id)).all()}

    def proposal_id(self, s: Session, ordinal: int) -> int:
        ids = s.exec(select(Proposal.id).where(Proposal.workshop_id == self.workshop_id)
                     .order_by(Proposal.id)).all()
        return ids[ordinal - 1]


@dataclass(frozen=True)
class Op:
    phase: str  # setup, drafting, merge, sign-off
    name: str
    run: Callable[[Session, Context], dict]  # the store call(s) of one page action
    apply: Callable[[dict], None]  # what it does to the expected state


class Mismatch(RuntimeError):
    """A store call answered something else than the script expects."""


def _expect(got, wanted, what: str) -> None:
    if got != wanted:
        raise Mismatch(f"{what}: got {got!r}, expected {wanted!r}")


def script(size: int = 1) -> list[Op]:  # noqa: C901 - one long, flat script reads best
    """The operations, in order. `size` scales the number of draft and shared saves."""
    ops: list[Op] = []
    add = ops.append
    empty_sha = sha(Definition().to_json())

    # -- setup --
    def create(s, ctx):
        workshop, _ = store.create_workshop(s, company=COMPANY, title=TITLE,
                                            facilitator_name=_name(FAC))
        ctx.load(s)
        return {"workshop": workshop.id}

    def created(st):
        st["workshop"] = {"company": COMPANY, "title": TITLE, "facilitator": _name(FAC),
                          "revealed": False, "auto_reveal": False}
        st["participants"].append(["facilitator", _name(FAC)])
        st["invites"] = 2
        st["drafts"][FAC] = [0, empty_sha, False]
        st["shared"] = [0, empty_sha, {}]

    add(Op("setup", "create workshop", create, created))

    def join(who: str, by_code: bool) -> Op:
        def run(s, ctx):
            if by_code:
                _, token = store.join_with_code(s, ctx.join_code, _role(who), _name(who),
                                                client=CLIENT)
            else:
                _, token = store.join_with_invite(s, ctx.invites[_role(who)], _name(who))
            ctx.tokens[who] = token
            return {}

        def apply(st):
            st["participants"].append([_role(who), _name(who)])
            st["drafts"][who] = [0, empty_sha, False]
        return Op("setup", f"join {who}", run, apply)

    add(join(PRIYA, by_code=False))
    add(join(MARCUS, by_code=True))
    add(join(MIA, by_code=False))

    def set_minutes(s, ctx):
        agenda.set_minutes(s, ctx.workshop_id, ctx.fac, {int(k): v for k, v in MINUTES.items()})
        return {}

    def minutes_set(st):
        st["agenda"] = [st["agenda"][0] if st["agenda"] else 1, dict(MINUTES)]

    add(Op("setup", "set the time boxes", set_minutes, minutes_set))

    def move(step: int, phase: str) -> Op:
        def run(s, ctx):
            agenda.move_to(s, ctx.workshop_id, ctx.fac, step)
            return {"step": step}

        def apply(st):
            st["agenda"][0] = step
        return Op(phase, f"agenda: on to step {step}", run, apply)

    # -- drafting --
    def save_draft(who: str, k: int) -> Op:
        definition = draft_definition(who, k)
        text = definition.to_json()

        def run(s, ctx):
            revision = store.save_draft(s, ctx.workshop_id, ctx.tokens[who], definition, k - 1)
            _expect(revision, k, f"{who}'s draft revision")
            return {"revision": revision, "sha": sha(text)}

        def apply(st):
            st["drafts"][who][:2] = [k, sha(text)]
        return Op("drafting", f"save draft {who} #{k}", run, apply)

    for k in range(1, 3 * size + 2):
        add(save_draft(FAC, k))
    add(move(2, "drafting"))
    for k in range(1, 5 * size + 2):
        for who in (PRIYA, MARCUS, MIA):
            add(save_draft(who, k))

    def done(who: str) -> Op:  # and the reveal, when it is the last one with auto-reveal on
        def run(s, ctx):
            store.set_done(s, ctx.workshop_id, ctx.tokens[who], True)
            return {}

        def apply(st):
            st["drafts"][who][2] = True
            teams = [d for w, d in st["drafts"].items() if _role(w) in store.TEAM_ROLES]
            if st["workshop"]["auto_reveal"] and all(d[2] for d in teams):
                st["workshop"]["revealed"] = True
        return Op("drafting", f"done {who}", run, apply)

    def auto_reveal(s, ctx):
        store.set_auto_reveal(s, ctx.workshop_id, ctx.fac, True)
        return {}

    def auto_reveal_on(st):
        st["workshop"]["auto_reveal"] = True
        teams = [d for w, d in st["drafts"].items() if _role(w) in store.TEAM_ROLES]
        if all(d[2] for d in teams):  # everyone is done already: revealed at once
            st["workshop"]["revealed"] = True

    def reopen_drafts(s, ctx):
        store.reopen_drafts(s, ctx.workshop_id, ctx.fac)
        return {}

    def drafts_reopened(st):
        st["workshop"]["revealed"] = st["workshop"]["auto_reveal"] = False
        for draft in st["drafts"].values():
            draft[2] = False

    last = 5 * size + 1
    add(done(MIA))
    add(done(MARCUS))
    add(move(3, "drafting"))
    add(Op("drafting", "auto-reveal on", auto_reveal, auto_reveal_on))
    add(done(PRIYA))  # the last one: revealed by itself
    add(Op("drafting", "reopen the drafts", reopen_drafts, drafts_reopened))
    add(save_draft(PRIYA, last + 1))
    for who in (PRIYA, MARCUS, MIA):
        add(done(who))
    add(Op("drafting", "auto-reveal on when all are done", auto_reveal, auto_reveal_on))
    add(move(2, "drafting"))  # the room goes back: the state differs from any before
    add(Op("drafting", "reopen the drafts again", reopen_drafts, drafts_reopened))
    add(save_draft(MARCUS, last + 1))
    for who in (MARCUS, MIA, PRIYA):
        add(done(who))
    add(move(3, "drafting"))

    def reveal(s, ctx):
        store.reveal(s, ctx.workshop_id, ctx.fac)
        return {}

    def revealed(st):
        st["workshop"]["revealed"] = True

    add(Op("merge", "reveal", reveal, revealed))

    # -- merge: the shared definition, saved again and again --
    shared_defs: dict[int, Definition] = {0: Definition()}  # by revision, as stored
    summaries: dict[int, str] = {}
    decisions_now: dict[str, str] = {}

    def withdraw_open(st):
        for proposal in st["proposals"]:
            if proposal[5] == "open":
                proposal[5] = "withdrawn"

    def store_shared(st, revision, definition, decisions, summary, questions, restores):
        text = definition.to_json()
        st["shared"] = [revision, sha(text), decisions]
        st["changes"].append([revision, _name(FAC), summary, questions, restores, sha(text)])
        withdraw_open(st)

    def save_shared(phase: str) -> Op:
        revision = len(shared_defs)
        definition = shared_definition(revision)
        before = shared_defs[revision - 1]
        questions = changed_questions(before, definition)
        decisions = shared_decisions(revision)
        summary = f"Save {revision}: " + ", ".join(questions)
        shared_defs[revision], summaries[revision] = definition, summary
        decisions_now.clear()
        decisions_now.update(decisions)
        text = definition.to_json()

        def run(s, ctx):
            got = store.save_shared(s, ctx.workshop_id, ctx.fac, definition, revision - 1,
                                    decisions, summary=summary, questions=questions)
            _expect(got, revision, "shared revision")
            return {"revision": got, "sha": sha(text)}

        def apply(st):
            store_shared(st, revision, definition, decisions, summary, questions, None)
        return Op(phase, f"save shared #{revision}", run, apply)

    def restore(phase: str, target_revision: int, undo: bool) -> Op:
        """undo_last right after a save, or go_back_to an earlier revision."""
        revision = len(shared_defs)
        before = shared_defs[revision - 1]
        target = Definition.from_json(shared_defs[target_revision].to_json())
        questions = changed_questions(before, target)
        if undo:
            summary = f"Undid “{summaries[revision - 1]}”: back to change {target_revision}"
        else:
            summary = (f"Went back to change {target_revision} "
                       f"({summaries[target_revision]})")
        restores = target_revision if undo else None
        shared_defs[revision], summaries[revision] = target, summary
        decisions = dict(decisions_now)
        text = target.to_json()

        def run(s, ctx):
            if undo:
                got = versions.undo_last(s, ctx.workshop_id, ctx.fac, revision - 1)
            else:
                got = versions.go_back_to(s, ctx.workshop_id, ctx.fac, target_revision,
                                          revision - 1)
            _expect(got, revision, "shared revision")
            return {"revision": got, "sha": sha(text)}

        def apply(st):
            store_shared(st, revision, target, decisions, summary, questions, restores)
        return Op(phase, f"{'undo' if undo else 'go back'} to #{target_revision}", run, apply)

    def discuss(question: str, is_open: bool, note: str, phase: str = "merge") -> Op:
        def run(s, ctx):
            versions.set_discussion(s, ctx.workshop_id, ctx.fac, question, open=is_open,
                                    note=note)
            return {"question": question}

        def apply(st):
            st["discussion"][question] = [is_open, note.strip()]
        return Op(phase, f"discussion {question} {'open' if is_open else 'settled'}", run,
                  apply)

    questions = [q.key for q in catalog.QUESTIONS]
    for k in range(1, 8 * size + 1):
        add(save_shared("merge"))
        if k % 3 == 0:
            question = questions[(k // 3) % len(questions)]
            add(discuss(question, True, f"Up for discussion at save {k}: {AWKWARD}"))
        if k % 5 == 0:
            question = questions[(k // 5) % len(questions)]
            add(discuss(question, False, f"Settled at save {k}"))
        if k == 4:
            add(restore("merge", len(shared_defs) - 2, undo=True))
        if k == 6:
            add(restore("merge", 2, undo=False))
    add(save_shared("merge"))  # the undo and go-back are behind us: a fresh last save

    # -- sign-off --
    proposal_count = [0]

    def propose(figures: Figures | None) -> Op:
        proposal_count[0] += 1
        ordinal = proposal_count[0]
        revision = len(shared_defs) - 1
        definition_sha = sha(shared_defs[revision].to_json())

        def run(s, ctx):
            number = versions.propose(s, ctx.workshop_id, ctx.fac, revision, figures, SOURCE)
            return {"proposal": ordinal, "number": number, "revision": revision,
                    "sha": definition_sha}

        def apply(st):
            withdraw_open(st)
            number = 1 + max([v[0] for v in st["versions"]], default=0)
            st["proposals"].append([number, revision, definition_sha,
                                    sha(figures.to_json()) if figures else "", SOURCE, "open"])
        return Op("sign-off", f"propose #{ordinal}", run, apply)

    def answer(who: str, agrees: bool, reason: str = "", in_room: bool = False) -> Op:
        ordinal = proposal_count[0]
        role, name = _role(who), _name(who)

        def makes_version(st) -> int | None:
            answers = {key.split("/")[1]: value for key, value in st["signoffs"].items()
                       if key.split("/")[0] == str(ordinal)}
            if all(r in answers and answers[r][1] for r in store.TEAM_ROLES):
                return st["proposals"][ordinal - 1][0]
            return None

        def run(s, ctx):
            proposal_id = ctx.proposal_id(s, ordinal)
            if in_room:
                number = versions.sign_in_room(s, ctx.workshop_id, ctx.fac, proposal_id,
                                               role=role, name=name, agrees=agrees,
                                               reason=reason)
            else:
                number = versions.sign(s, ctx.workshop_id, ctx.tokens[who], proposal_id,
                                       agrees=agrees, reason=reason)
            return {"proposal": ordinal, "agrees": agrees, "version": number}

        def apply(st):
            st["signoffs"][f"{ordinal}/{role}"] = [name, agrees, reason.strip(), in_room]
            number = makes_version(st)
            if number is not None:
                proposal = st["proposals"][ordinal - 1]
                proposal[5] = "signed"
                signatories = [[key.split("/")[1], value[0], value[3]]
                               for key, value in st["signoffs"].items()
                               if key.split("/")[0] == str(ordinal) and value[1]]
                st["versions"].append([number, proposal[2], signatories, False])
                if proposal[3]:
                    st["measurements"].append([number, True, proposal[3], proposal[4]])
        verb = "signs" if agrees else "objects"
        return Op("sign-off", f"{who} {verb}{' in the room' if in_room else ''} #{ordinal}",
                  run, apply)

    add(propose(FIGURES[0]))
    add(answer(PRIYA, True))
    add(answer(MARCUS, False, "Too broad: sales cannot follow up on every e-mail click."))
    add(discuss("engagement", True, "Sales objects: " + AWKWARD, phase="sign-off"))
    add(save_shared("sign-off"))  # withdraws proposal 1
    add(propose(None))  # proposed again, without figures ...
    add(propose(FIGURES[0]))  # ... and again with them: the one before is withdrawn
    add(answer(MARCUS, True))
    add(answer(MIA, False, "Marketing wants webinars to count for more."))
    add(discuss("engagement", False, "Settled: webinars stay at 10 points", phase="sign-off"))
    add(answer(PRIYA, True))  # Marketing's latest answer: signed; version 1
    add(move(4, "sign-off"))

    def share(s, ctx):
        wall.share(s, ctx.workshop_id, ctx.fac)
        return {}

    def shared_on_wall(st):
        st["wall"] = 1

    add(Op("sign-off", "share the wall link", share, shared_on_wall))

    def measure(number: int, figures: Figures) -> Op:
        def run(s, ctx):
            versions.record_measurement(s, ctx.workshop_id, ctx.fac, version_number=number,
                                        figures=figures, source="fresh-export.csv")
            return {"version": number}

        def apply(st):
            st["measurements"].append([number, False, sha(figures.to_json()),
                                       "fresh-export.csv"])
        return Op("sign-off", f"measure version {number}", run, apply)

    add(measure(1, FIGURES[1]))

    def reopen(s, ctx):
        _expect(versions.reopen(s, ctx.workshop_id, ctx.fac), 2, "next version number")
        return {}

    def reopened(st):
        st["versions"][-1][3] = True

    add(Op("sign-off", "reopen version 1", reopen, reopened))
    add(move(3, "sign-off"))
    for _ in range(3 * size):
        add(save_shared("sign-off"))
    add(propose(FIGURES[2]))
    add(answer(MIA, True, in_room=True))
    add(answer(MARCUS, True))  # version 2
    add(move(4, "sign-off"))
    return ops


def model_states(ops: list[Op]) -> list[dict]:
    """The expected state after each prefix: states[i] is the state after ops[:i]."""
    state = empty_state()
    states = [normalised(state)]
    for op in ops:
        op.apply(state)
        states.append(normalised(copy.deepcopy(state)))
    return states


def locate(actual: dict, states: list[dict]) -> list[int]:
    return [i for i, state in enumerate(states) if state == actual]


def differences(actual: dict, expected: dict) -> str:
    return "\n".join(f"  {key}: database {actual.get(key)!r}\n  {' ' * len(key)}  expected "
                     f"{expected.get(key)!r}"
                     for key in expected if actual.get(key) != expected.get(key))


# --- the driver ----------------------------------------------------------------------------------

def _read_line() -> str:
    """A line from stdin, read byte by byte: nothing is read ahead, so a forked driver and the
    process that forked it never see each other's lines."""
    data = bytearray()
    while True:
        byte = os.read(0, 1)
        if not byte or byte == b"\n":
            return data.decode()
        data += byte


class Commits:
    """Counts the commits of the operation running now (after each has reached the database),
    and can SIGKILL this process right after the K-th commit of operation I: between two
    commits of one operation, or after its last one but before it is acknowledged."""

    def __init__(self, kill_at: tuple[int, int] | None = None):
        self.kill_at, self.op, self.count = kill_at, -1, 0

    def start(self, op: int) -> None:
        self.op, self.count = op, 0

    def __call__(self, _session) -> None:
        self.count += 1
        if self.kill_at == (self.op, self.count):
            os.kill(os.getpid(), signal.SIGKILL)

    def __enter__(self) -> Commits:
        event.listen(OrmSession, "after_commit", self)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(OrmSession, "after_commit", self)


def count_commits(url: str, size: int = 1) -> list[int]:
    """How many commits each operation makes: the script run once on `url` (a scratch
    database), in this process."""
    ops, _ = prepared(size)
    engine = make_engine(app_database_url({"DATABASE_URL": url}))
    context, counts = Context(), []
    try:
        with Commits() as commits:
            for index, op in enumerate(ops):
                commits.start(index)
                with make_session(engine) as s:
                    op.run(s, context)
                counts.append(commits.count)
    finally:
        engine.dispose()
    return counts


@functools.cache
def prepared(size: int) -> tuple[list[Op], list[dict]]:
    ops = script(size)
    return ops, model_states(ops)


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--size", type=int, default=1)
    parser.add_argument("--wait", action="store_true")
    parser.add_argument("--hold-before", type=int, default=-1)
    parser.add_argument("--fork", action="store_true")
    return parser.parse_args(argv)


def drive(args: argparse.Namespace) -> int:
    ops, states = prepared(args.size)
    hold, kill_at = args.hold_before, None
    if args.wait:  # the line that says go: [OP to hold before [I:K to die after commit K of I]]
        words = _read_line().split()
        hold = int(words[0]) if words else hold
        if len(words) > 1:
            kill_at = tuple(int(n) for n in words[1].split(":"))
    engine = make_engine(app_database_url({"DATABASE_URL": args.url}))
    with make_session(engine) as s:
        actual = observe(s)
    found = locate(actual, states)
    if len(found) != 1:
        nearest = min(range(len(states)),
                      key=lambda i: len(differences(actual, states[i]).splitlines()))
        print(f"The database holds no single prefix of the script ({found}); closest is "
              f"{nearest} ops:\n{differences(actual, states[nearest])}", file=sys.stderr)
        return 3
    position = found[0]
    print(f"resuming at {position} of {len(ops)}", flush=True)
    context = Context()
    if position:
        with make_session(engine) as s:
            context.load(s)
    with open(args.journal, "a+b") as journal:
        journal.seek(0, os.SEEK_END)
        if journal.tell():  # a line torn by a kill would swallow the next one
            journal.seek(-1, os.SEEK_END)
            if journal.read(1) != b"\n":
                journal.write(b"\n")
        commits = Commits(kill_at)
        with commits:
            for index in range(position, len(ops)):
                if index == hold:
                    print(f"holding {index}", flush=True)
                    _read_line()
                op = ops[index]
                commits.start(index)
                with make_session(engine) as s:
                    details = op.run(s, context)
                # Committed: acknowledge it, durably, before going on.
                line = {"i": index, "op": op.name, "phase": op.phase, **details,
                        "commits": commits.count, "state": digest(states[index + 1])}
                journal.write((json.dumps(line) + "\n").encode())
                journal.flush()
                os.fsync(journal.fileno())
    engine.dispose()
    print("finished", flush=True)
    return 0


def fork_server(args: argparse.Namespace) -> int:
    """--fork: import and prepare once, then for every line "run" on stdin fork a driver (a
    process of its own, which the test kills), print "pid N", and "exited STATUS" once it is
    gone. Starting a driver then takes milliseconds instead of seconds of imports."""
    prepared(args.size)
    print("ready", flush=True)
    while (command := _read_line().strip()) == "run":
        pid = os.fork()
        if pid == 0:  # the driver: no connection is inherited, make_engine opens its own
            code = 1
            try:
                code = drive(args)
            except BaseException:  # noqa: BLE001 - reported on stderr, as a failed driver
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exited {status}", flush=True)
    return 0 if command in ("", "quit") else 2


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    return fork_server(args) if args.fork else drive(args)


if __name__ == "__main__":
    sys.exit(main())
