"""The demo workshop: Lumen Ledger, about to reveal three deliberately different drafts.

Marketing is engagement-heavy and broad, sales BANT-heavy and narrow, the facilitator in between,
so a newcomer sees real disagreement on the first reveal.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from workshop import sample_data
from workshop.definition import Action, Criterion, Definition
from workshop.models import Workshop
from workshop.store import add_workshop

DEMO_ID = "demo"
COMPANY = "Lumen Ledger"
TITLE = "What is a good lead? Leadership workshop"
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


def seed_demo(session: Session) -> bool:
    """Create the demo workshop unless it exists; True if it was created now.

    A fixed id makes this safe when several sessions start at once: the loser's insert fails."""
    if session.get(Workshop, DEMO_ID) is not None:
        return False
    workshop = Workshop(id=DEMO_ID, company=COMPANY, title=TITLE, facilitator_name=FACILITATOR,
                        facilitator_token="", join_code="", is_demo=True)
    drafts = {"facilitator": facilitator_draft(), "marketing": marketing_draft(),
              "sales": sales_draft()}
    try:
        add_workshop(session, workshop, drafts, names={"marketing": MARKETING, "sales": SALES},
                     done=True)
    except IntegrityError:
        session.rollback()
        return False
    return True
