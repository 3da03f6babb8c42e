"""What a good facilitator says at each step, drawn from the exercise: what to ask, what to
avoid, and how to get past the usual sticking points. Shown to the facilitator only."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Prompts:
    ask: tuple[str, ...]
    avoid: tuple[str, ...]
    tips: tuple[str, ...]


PROMPTS = {
    1: Prompts(
        ask=("Which industry do our best customers work in, and which do we lose in?",
             "Who is the person: job role, and how senior?",
             "Where are they in the decision: do they decide, hold the budget, or champion?",
             "What budget can they reach, and how soon do they buy (path to purchase)?",
             "What pain are they solving with us? How big is the company, in people and "
             "revenue?"),
        avoid=("Sharing your draft, or hinting at it, before the reveal: do not lead the "
               "witness.",
               "Writing what you hope sales and marketing will agree to: write what you "
               "believe."),
        tips=("Be as specific as you can: ranges and named values compare better than "
              "adjectives.",),
    ),
    2: Prompts(
        ask=("Think of the last three leads you were glad to get: what did they have in "
             "common?",
             "Marketing: which actions show real interest? Sales: what makes a lead worth a "
             "call?",
             "What rules a lead out at once: a competitor, a student, no budget, the wrong "
             "country, a personal e-mail address?"),
        avoid=("Showing the drafts, or the facilitator's, while people write: the more open "
               "and independent, the more original the insight.",
               "Answering for them, or suggesting values: ask open questions only."),
        tips=("Differences are the point: they show how the other side thinks.",
              "Nobody needs to answer every question; an honest blank is better than a "
              "guess."),
    ),
    3: Prompts(
        ask=("How compatible are the three definitions? Start with the rows that conflict.",
             "\"Chequebook open\": which signals could we actually observe? A demo request, a "
             "confirmed budget, a timeline, pricing-page visits?",
             "If marketing passes on every e-mail click, does sales have the bandwidth to "
             "follow them all up? Look at the volume per month against capacity.",
             "Would this definition have caught our past wins? Check the evidence on real "
             "leads."),
        avoid=("Treating big differences as a failure: they are the win of the exercise.",
               "Settling a conflict by seniority: settle it with the leads' figures.",
               "Rules nobody can check in the CRM: every criterion needs a field someone "
               "fills in."),
        tips=("Where the gap stays wide, a pre-qualification step can bridge it: a discovery "
              "call, a nurture stream, or an interactive assessment before the hand-off.",
              "Mark a question up for discussion and note the decision, so the reasons are "
              "kept.",
              "About 4% of a market is buying now and 40% getting ready: decide which of them "
              "marketing hands over and which it keeps nurturing."),
    ),
    4: Prompts(
        ask=("Who needs to hear it: sales, marketing and the senior team?",
             "How will we know it works? Agree when to measure it again on a fresh export."),
        avoid=("Leaving without signatures: a definition nobody signed is only a draft.",),
        tips=("Print the one-pager and hang it on the wall; its QR code opens the current "
              "version.",
              "Send the announcement: it tells each team what changes for them.",
              "Track how many qualified leads marketing delivers and how many sales converts, "
              "and revisit the definition when the figures move."),
    ),
}
