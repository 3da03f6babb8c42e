"""The data's own draft from an export whose picklist holds a value longer than a rule may name
(a note pasted into a picklist cell): it is never chosen, and learning still gives a draft
rather than an error, now that a definition refuses values over 200 characters."""
from __future__ import annotations

import random

from workshop.definition import MAX_VALUE_LENGTH
from workshop.learn import learn
from workshop.pipeline import import_leads

LONG = "Manufacturing — " + "see the account notes for the full segment description; " * 5


def export(seed: int = 4) -> bytes:
    rng = random.Random(seed)
    lines = ["Email,Industry,Lead Source,Created Date,Stage"]
    for i in range(1_500):
        industry = rng.choice([LONG, LONG, "Software", "Retail", "Energy"])
        source = rng.choice(["Web", "Web", "Referral"])
        won = rng.random() < (0.3 if industry == LONG else 0.03) + (
            0.5 if source == "Referral" else 0)
        lines.append(f"p{i}@firm{i}.com,\"{industry}\",{source},"
                     f"2025-{1 + i % 12:02d}-{1 + i % 28:02d},"
                     f"{'Closed Won' if won else 'Closed Lost'}")
    return ("\n".join(lines) + "\n").encode()


def test_a_value_too_long_for_a_rule_is_never_learned():
    assert len(LONG) > MAX_VALUE_LENGTH
    imported = import_leads(export(), "leads.csv")
    learned = learn(imported.leads, mapping=imported.mapping, capacity=200)
    assert learned.found, learned.reason
    values = [v for c in learned.definition.criteria for v in c.values]
    assert "Referral" in values  # the other signal is learned
    assert all(len(v) <= MAX_VALUE_LENGTH for v in values)
    assert LONG.strip() not in values
