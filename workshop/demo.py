"""The demo workshops: Lumen Ledger about to reveal three deliberately different drafts, and the
same company after the workshop (the finished demo).

Marketing is engagement-heavy and broad, sales BANT-heavy and narrow, the facilitator in between,
so a newcomer sees real disagreement on the first reveal. The finished demo is built through the
same calls the pages make (reveal, merge, discussion notes, proposal, both teams' sign-off, the
wall link), so it shows exactly what a real workshop leaves behind: a signed version 1 with its
figures on the sample leads, a change log and a wall page.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from workshop import agenda, compare, limits, merge, sample_data, store, versions, wall
from workshop.definition import Action, Criterion, Definition
from workshop.leads import load_sample_leads
from workshop.measure import measure
from workshop.models import Participant, Workshop
from workshop.store import add_workshop

DEMO_ID, FINISHED_ID = store.DEMO_TEMPLATES
COMPANY = "Lumen Ledger"
TITLE = "What is a good lead? Leadership workshop"
FINISHED_TITLE = "What is a good lead? Leadership workshop (agreed)"
SAMPLE_SOURCE = "the sample leads"
FACILITATOR = "Dana Whitfield (COO)"
MARKETING = "Priya Raman (VP Marketing)"
SALES = "Marcus Cole (Sales Director)"
TARGET_INDUSTRIES = ["Software", "Financial Services", "Healthcare", "Professional Services"]
COMPETITORS = list(sample_data.COMPETITORS)


def facilitator_draft() -> Definition:
    return Definition(
        criteria=[
            Criterion(field="industry", op="in", values=TARGET_INDUSTRIES),
            Criterion(field="job_function", op="in", values=["Finance"]),
            Criterion(field="seniority", op="in", values=["C-level", "VP", "Director"],
                      role="nice", points=10),
            Criterion(field="buying_role", op="in",
                      values=["Decision maker", "Budget holder", "Champion"], gate="sql"),
            Criterion(field="budget", op="at_least", low=10_000, gate="sql"),
            Criterion(field="timeline_months", op="at_most", high=6, gate="sql"),
            Criterion(field="pain", op="in",
                      values=["Slow month-end close", "Manual reconciliation"],
                      role="nice", points=10),
            Criterion(field="employees", op="between", low=100, high=2000),
            Criterion(field="personal_email", op="is_true", role="disqualifier",
                      question="disqualifiers"),
            Criterion(field="company", op="contains_any", values=COMPETITORS,
                      role="disqualifier", question="disqualifiers"),
        ],
        actions=[Action(field="demo_requested", points=30),
                 Action(field="pricing_page_visits", points=15),
                 Action(field="webinars_attended", points=10),
                 Action(field="content_downloads", points=5),
                 Action(field="email_clicks", points=2)],
        threshold=25,
        notes={
            "pain": "They lose days every month-end to spreadsheets and manual matching.",
            "path": "Most buy within two quarters of a demo; the controller finds us, "
                    "the CFO signs.",
        },
    )


def marketing_draft() -> Definition:
    return Definition(
        criteria=[
            Criterion(field="industry", op="in",
                      values=TARGET_INDUSTRIES + ["Manufacturing", "Retail", "Logistics",
                                                  "Media"]),
            Criterion(field="job_function", op="in",
                      values=["Finance", "Operations", "IT", "Executive"]),
            Criterion(field="seniority", op="in", values=["Manager", "Individual contributor"],
                      role="nice", points=5),
            Criterion(field="employees", op="at_least", low=20),
            Criterion(field="company", op="contains_any", values=COMPETITORS,
                      role="disqualifier", question="disqualifiers"),
        ],
        actions=[Action(field="demo_requested", points=20),
                 Action(field="pricing_page_visits", points=10),
                 Action(field="webinars_attended", points=15),
                 Action(field="content_downloads", points=15),
                 Action(field="form_submissions", points=10),
                 Action(field="email_clicks", points=10),
                 Action(field="page_views", points=2)],
        threshold=10,
        notes={
            "engagement": "Anyone who clicked an e-mail or signed up for a webinar is "
                          "showing interest: sales should call them while they are warm.",
            "path": "They read our guides for months before they talk to anyone.",
        },
    )


def sales_draft() -> Definition:
    return Definition(
        criteria=[
            Criterion(field="industry", op="in", values=["Software", "Financial Services"]),
            Criterion(field="seniority", op="in", values=["C-level", "VP", "Director"]),
            Criterion(field="buying_role", op="in", values=["Decision maker", "Budget holder"]),
            Criterion(field="budget", op="at_least", low=25_000, gate="sql"),
            Criterion(field="timeline_months", op="at_most", high=3, gate="sql"),
            Criterion(field="employees", op="between", low=200, high=5000),
            Criterion(field="annual_revenue", op="at_least", low=20_000_000),
            Criterion(field="personal_email", op="is_true", role="disqualifier",
                      question="disqualifiers"),
            Criterion(field="job_title", op="contains_any", values=["student", "intern"],
                      role="disqualifier", question="disqualifiers"),
            Criterion(field="company", op="contains_any", values=COMPETITORS,
                      role="disqualifier", question="disqualifiers"),
            Criterion(field="is_customer", op="is_true", role="disqualifier",
                      question="disqualifiers"),
        ],
        actions=[Action(field="demo_requested", points=30)],
        threshold=30,
        notes={
            "budget": "I want leads with the chequebook open: they have decided to buy "
                      "and are choosing a partner.",
            "decision": "If I can't get the CFO or the controller on a call, it's not a lead.",
        },
    )


def drafts() -> dict[str, Definition]:
    return {"facilitator": facilitator_draft(), "marketing": marketing_draft(),
            "sales": sales_draft()}


def seed_demo(session: Session) -> bool:
    """Create the demo workshop unless it exists; True if it was created now."""
    return _add_demo(session, DEMO_ID, TITLE) is not None


# A visitor's copy of a demo is theirs to change; copies older than this are forgotten.
COPIES_KEPT = timedelta(days=2)


def copy_demo(session: Session, template_id: str, leads: pd.DataFrame | None = None, *,
              client: str | None = None, clock: limits.Clock = limits.SYSTEM_CLOCK
              ) -> tuple[str, str]:
    """A fresh copy of a demo for one visitor, so that nothing a visitor does reaches the
    next one: (its id, its facilitator token). Copies older than `COPIES_KEPT` are deleted
    on the way. `client`'s network may open only so many (`limits.DEMO_COPY_LIMITS`); None,
    the server's own doing, is not limited."""
    if template_id not in (DEMO_ID, FINISHED_ID):
        raise store.NotFound("There is no such demo.")
    store.delete_demo_copies(session, datetime.now(UTC) - COPIES_KEPT)
    with store.counted_creation(session, client, clock, demo_copy=True):
        for _ in range(5):  # a random id taken already: draw again
            workshop_id = f"{template_id}-{store.new_workshop_id()}"
            if template_id == DEMO_ID:
                token = _add_demo(session, workshop_id, TITLE)
            else:
                token = _finish(session, workshop_id, load_sample_leads() if leads is None
                                else leads)
            if token is not None:
                return workshop_id, token
        raise RuntimeError("No free workshop id for the demo copy.")


def _add_demo(session: Session, workshop_id: str, title: str) -> str | None:
    """The demo company with its three drafts, done; the facilitator token, or None if the
    workshop exists. A fixed id makes this safe when several sessions start at once: the
    loser's insert fails."""
    if session.get(Workshop, workshop_id) is not None:
        return None
    workshop = Workshop(id=workshop_id, company=COMPANY, title=title,
                        facilitator_name=FACILITATOR, facilitator_token="", join_code="",
                        is_demo=True)
    try:
        return add_workshop(session, workshop, drafts(),
                            names={"marketing": MARKETING, "sales": SALES}, done=True,
                            at_screen=True)
    except IntegrityError:
        session.rollback()
        return None


# How the demo team merged the drafts, after starting from the suggestion: (question, operation).
MERGE_STEPS = (
    ("industry", "take:Facilitator"),
    ("job_role", "take:Marketing"),
    ("decision", "take:Facilitator"),
    ("seniority", "take:Facilitator"),
    ("budget", "take:Facilitator"),
    ("path", "take:Facilitator"),
    ("pain", "take:Facilitator"),
    ("size", "take:Facilitator"),
    ("disqualifiers", "union"),
)
DECISION_NOTES = {
    "budget": "Sales asked for $25,000 and three months, marketing for no budget question at "
              "all. Agreed: $10,000 and six months for an SQL; sales calls every SQL within "
              "one working day.",
    "engagement": "A webinar or a download alone is interest, not intent: a demo request "
                  "(30 points) or a pricing-page visit with fit is what makes an MQL.",
}


def seed_finished_demo(session: Session, leads: pd.DataFrame) -> bool:
    """Create the finished demo unless it exists (True if created now): the demo's drafts
    revealed, merged, discussed, proposed with its figures on `leads` (the sample leads) and
    signed by marketing and sales as version 1, with a wall link."""
    return _finish(session, FINISHED_ID, leads) is not None


def _finish(session: Session, workshop_id: str, leads: pd.DataFrame) -> str | None:
    """The finished demo under `workshop_id`; its facilitator token, or None if it exists."""
    token = _add_demo(session, workshop_id, FINISHED_TITLE)
    if token is None:
        return None
    store.reveal(session, workshop_id, token)
    labelled = {label: draft for label, draft in zip(("Facilitator", "Marketing", "Sales"),
                                                      drafts().values(), strict=True)}
    shared, suggestions = merge.suggest(compare.compare(labelled))
    decisions = {s.question: f"suggested ({s.how})" for s in suggestions}
    revision = store.save_shared(session, workshop_id, token, shared, 0, decisions,
                                 summary="Started from the suggested definition",
                                 questions=[s.question for s in suggestions])
    for question, operation in MERGE_STEPS:
        shared, how = merge.apply_operation(shared, question, operation, labelled)
        decisions[question] = how
        revision = store.save_shared(session, workshop_id, token, shared, revision, decisions,
                                     summary=f"{_title(question)}: {how}", questions=[question])
    for question, note in DECISION_NOTES.items():
        versions.set_discussion(session, workshop_id, token, question, open=False, note=note)
    versions.propose(session, workshop_id, token, revision, measure(leads, shared),
                     SAMPLE_SOURCE)
    proposal = versions.current_proposal(session, workshop_id, token)
    for member in session.exec(select(Participant).where(
            Participant.workshop_id == workshop_id, Participant.role.in_(store.TEAM_ROLES))):
        versions.sign(session, workshop_id, member.token, proposal.id, agrees=True)
    wall.share(session, workshop_id, token)
    agenda.move_to(session, workshop_id, token, 4)
    return token


def _title(question: str) -> str:
    from workshop.catalog import QUESTIONS

    return next(q.title for q in QUESTIONS if q.key == question)
