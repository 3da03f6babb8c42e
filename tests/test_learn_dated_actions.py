"""A conversion action written as the date it happened is learned from, as a count is.

HubSpot and Marketo write "Demo Requested" as a timestamp (blank: never asked). The import
reads a date present as the action done, and the definitions score it, but the learning left
every date column out before looking at the field: the strongest signal of the export went
unused."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from workshop.learn import learn, learnable_columns
from workshop.pipeline import import_leads


def export(dated: bool, rows: int = 2_400, seed: int = 5) -> str:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1)
    lines = ["Record ID,Company,Industry,Job Title,Create Date,Deal Status,Demo Requested"]
    for n in range(rows):
        created = start + timedelta(minutes=rng.randint(0, 60 * 24 * 420))
        demo = rng.random() < 0.2
        won = rng.random() < (0.35 if demo else 0.05)
        status = "Won" if won else "Lost"
        industry = rng.choice(["Retail", "Finance", "Logistics", "Education"])
        title = rng.choice(["Marketing Manager", "Analyst", "Office Manager"])
        asked = ((created + timedelta(days=rng.randint(1, 30))).strftime("%Y-%m-%d %H:%M:%S")
                 if dated else "1") if demo else ("" if dated else "0")
        lines.append(f"{100_000 + n},Co {n},{industry},{title},"
                     f"{created:%Y-%m-%d %H:%M:%S},{status},{asked}")
    return "\n".join(lines) + "\n"


def test_a_dated_action_is_searched_as_an_action():
    imported = import_leads(export(dated=True).encode(), "leads.csv")
    assert imported.mapping.columns.get("Demo Requested") == "demo_requested"
    columns = learnable_columns(imported.leads, imported.mapping)
    assert columns.get("demo_requested") == "action"
    assert "created" not in columns  # a date that is no action stays out


def test_the_dated_action_is_learned_as_its_count_is():
    learned = {}
    for dated in (True, False):
        imported = import_leads(export(dated=dated).encode(), "leads.csv")
        result = learn(imported.leads, mapping=imported.mapping)
        learned[dated] = {action.field for action in result.definition.actions} | {
            criterion.field for criterion in result.definition.criteria}
    assert "demo_requested" in learned[False]
    assert learned[True] == learned[False]
