"""Columns known only after a lead arrived: its deal, its stage, the outcome itself, and what
sales did with it. A rule on one looks perfect against past wins ("Probability: 100" catches
every won deal) and cannot sort a new lead: the learned draft never uses one, and the form
offers them last, with a warning."""
from __future__ import annotations

import re
from collections.abc import Mapping

from workshop.catalog import FIELDS
from workshop.definition import Definition
from workshop.mapping import DEAL_FIGURE_NAME, normalise_header

# The app's own names for what happened after a lead arrived.
AFTER_THE_FACT = frozenset({"outcome", "deal_stage", "amount", "lifecycle_stage", "lead_status",
                            "converted", "created", "created_month"})
# ...and columns outside the catalog named like it (matched on the header without spaces or
# case: "DealStage", "Closed Won Date", "IsConverted", "Customer since"), or that a sales rep
# fills in while working the lead: a deal's probability and close date ("Probability: 100"
# caught every win of an opportunities export), tags and notes ("Will revert after reading the
# email"), the rep's rating of it, its last activity. The figures of a lead's own deals ("Total
# Revenue", "Days To Close", "Number of Associated Deals") are `DEAL_FIGURE_NAME`'s.
_AFTER_THE_FACT_NAME = re.compile(
    r"won$|^won|iswon|convert|closed|stage|status|amount|customersince|churn|opportunit|^deal"
    r"|probabilit|closedate|^close|forecast|lostreason|disqualif|nextstep"
    r"|^tags?$|leadquality|leadprofile|^rating$|lastactivit|lastnotable|lastcontact"
    r"|lastmodified|lastengage"
    # what sales does with a lead once it has it, and how long that took: Salesforce's Age
    # (days a deal was open), HubSpot's Number of Sales Activities and Times Contacted
    r"|^age$|^ageindays$|salesactivit|timescontacted|numberofactivit|^activities$"
    r"|salescycle|daystoclose|daystoconvert|timetoclose|dayssincelast|lastcontacted"
    # who in sales owns or works the lead: assigned once it arrived
    r"|(?:contact|lead|deal|account|record|company|hubspot|sales)owner|^owner$|ownername"
    r"|assignedto|assignee|salesrep|^rep$|accountexecutive|^sdr$|^bdr$"
    # a close date in Spanish, French, Italian, Portuguese, German and Dutch exports
    r"|cierre|cloture|chiusura|fechamento|abschlussdatum|sluitingsdatum")


# Statuses of a person, standard HubSpot contact properties among them.
_PERSON_STATUS = re.compile(r"(?:marital|military|relationship|employment|veteran|citizenship"
                            r"|residency|visa|immigration|student)status")


def named_after_the_fact(name: str) -> bool:
    """Whether a column outside the catalog is named like one recorded after a lead arrived
    (the catalog's own fields are what a lead is like, whatever their header)."""
    if name in FIELDS:
        return False
    form = normalise_header(name)
    if "funding" in form:  # "Funding Stage", "Total Funding Amount": what a company is like
        return False
    if _PERSON_STATUS.search(form):  # "Marital Status": what a person is like, not a lead
        return False
    return bool(_AFTER_THE_FACT_NAME.search(form) or DEAL_FIGURE_NAME.search(form))


# Of those, what a person might still write a condition on and be misled by (when a lead was
# created, and its lifecycle stage read as "existing customer", have questions of their own).
_RECORDED_AFTER = AFTER_THE_FACT - {"created", "created_month", "lifecycle_stage"}


def recorded_after_arrival(name: str) -> bool:
    """Whether a condition on this column of the leads (a key of the app's or an export's
    header) would judge a lead by what happened after it arrived."""
    return name in _RECORDED_AFTER or named_after_the_fact(name)


def after_arrival_sentences(definitions: Mapping[str, Definition]) -> list[str]:
    """A sentence for each such column the definitions (name -> definition) have a condition
    on: its figures against past wins flatter it, and the room must know before trusting them.
    Plain text: the caller escapes it."""
    holders: dict[str, list[str]] = {}
    for name, definition in definitions.items():
        for criterion in definition.criteria:
            if recorded_after_arrival(criterion.field) and \
                    name not in holders.setdefault(criterion.field, []):
                holders[criterion.field].append(name)
    sentences = []
    for column, names in holders.items():
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        sentences.append(
            f"{who} {'has a condition' if len(names) == 1 else 'have conditions'} on "
            f"“{column}”, which is filled in only after a lead arrived: against past wins it "
            "looks better than it is, and it cannot sort a new lead.")
    return sentences
