"""The data's own draft holds one rule per group of leads: "Job title contains vp" and "Seniority
is VP" were the same leads of a Pipedrive export, both added at 12 points, so its threshold of 24
counted one signal twice."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd

from workshop.evaluate import action_done, criterion_mask
from workshop.learn import learn
from workshop.pipeline import import_leads

TITLES = ["VP Sales", "VP Marketing", "Sales Manager", "Account Executive", "Analyst",
          "Office Manager", "Engineer", "Consultant"]


def pipedrive_deals(rows: int = 3000) -> bytes:
    """Deals whose people with a VP title, and software organisations, won more often."""
    rng = np.random.default_rng(11)
    industry = rng.choice(["Software", "Retail", "Manufacturing", "Logistics"], rows)
    title = rng.choice(TITLES, rows)
    good = (industry == "Software") | pd.Series(title).str.startswith("VP").to_numpy()
    draw = rng.random(rows)
    won_share, lost_share = np.where(good, 0.55, 0.15), np.where(good, 0.30, 0.55)
    status = np.where(draw < won_share, "won",
                      np.where(draw < won_share + lost_share, "lost", "open"))
    added = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), "D")
    table = pd.DataFrame({
        "Deal - ID": np.arange(1, rows + 1), "Deal - Title": [f"Deal {i}" for i in range(rows)],
        "Deal - Status": status, "Deal - Deal created": added.strftime("%Y-%m-%d %H:%M:%S"),
        "Organization - Name": [f"Org {i}" for i in range(rows)],
        "Organization - Industry": industry, "Person - Job title": title,
    })
    out = io.StringIO()
    table.to_csv(out, index=False)
    return out.getvalue().encode()


def test_no_two_rules_of_the_learned_draft_select_the_same_leads():
    leads = import_leads(pipedrive_deals(), "deals.csv").leads
    learned = learn(leads, capacity=400.0)
    assert learned.found, learned.reason
    definition = learned.definition
    masks = [criterion_mask(leads, c).to_numpy(bool) for c in definition.criteria
             if c.role != "disqualifier"]
    masks += [action_done(leads, a.field).to_numpy(bool) for a in definition.actions]
    assert len(masks) >= 2
    for i, first in enumerate(masks):
        for second in masks[i + 1:]:
            assert not np.array_equal(first, second)
    # The VP signal is there once: only VP titles read as seniority "VP" in this export.
    vp = pd.Series(leads["job_title"].astype(str)).str.startswith("VP").to_numpy()
    assert sum(np.array_equal(mask, vp) for mask in masks) == 1
