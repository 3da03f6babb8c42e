"""The draft learned from the won deals never puts a rule on a running lead number (no new lead
can meet "Lead Number is at most 1,198": numbers only grow) nor on the sales rep who owns the
lead (assigned once it arrived), even where both tell past wins apart: in this export the
early leads and Anna's leads won far more often, by construction."""
import io
import random

import pandas as pd

from workshop.learn import learn, learnable_columns
from workshop.pipeline import import_leads


def export() -> str:
    rng = random.Random(7)
    lines = ["Record ID,Lead Number,Contact owner,Phone Number,Industry,Number of Employees,"
             "Create Date,Deal Stage"]
    for i in range(1500):
        owner = rng.choice(["Anna Schmidt", "Ben Ode", "Cleo Park"])
        early = i < 600
        good_industry = rng.random() < 0.4
        chance = 0.05 + 0.3 * early + 0.25 * (owner == "Anna Schmidt") + 0.35 * good_industry
        won = rng.random() < chance
        stage = "Closed Won" if won else rng.choice(["Closed Lost", "Closed Lost", "Qualified"])
        month = 1 + i * 18 // 1500
        lines.append(f"{9000 + i},{i + 1},{owner},{4930000000 + rng.randrange(10**6)},"
                     f"{'Healthcare' if good_industry else 'Retail'},{rng.randrange(5, 900)},"
                     f"{2025 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}-15,{stage}")
    return "\n".join(lines) + "\n"


def test_a_lead_number_an_owner_and_a_phone_number_are_not_learned_from():
    text = export()
    imported = import_leads(text.encode(), "leads.csv")
    raw = pd.read_csv(io.StringIO(text))
    won = raw["Deal Stage"] == "Closed Won"
    # by hand: both columns do tell the wins apart in this export
    assert won[raw["Lead Number"] <= 600].mean() > 2 * won[raw["Lead Number"] > 600].mean()
    anna = raw["Contact owner"] == "Anna Schmidt"
    assert won[anna].mean() > 1.5 * won[~anna].mean()
    searched = learnable_columns(imported.leads, imported.mapping)
    assert not {"Lead Number", "Contact owner", "Phone Number"} & set(searched)
    learned = learn(imported.leads, mapping=imported.mapping)
    assert learned.definition is not None, learned.reason  # it learns from the industry
    assert not {"Lead Number", "Contact owner", "Phone Number"} & {
        c.field for c in learned.definition.criteria}
