"""SugarCRM writes a multi-select's choices between carets ("^Webinar^,^Pricing^", a single one
"^Webinar^"). Its own fields (industry) were read as choices; a custom multi-select column
(`interests_c`) offered "^Webinar^,^Pricing^" as one value under Other signals, and a rule on
"Webinar" matched no lead. Expected counts: plain pandas, splitting the carets itself."""
from __future__ import annotations

import io
import random

import pandas as pd

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.lead_values import lead_values
from workshop.pipeline import import_leads

INTERESTS = ["Webinar", "Pricing", "Case Studies", "API"]


def sugar_export(rows: int = 300, seed: int = 4) -> bytes:
    rng = random.Random(seed)
    lines = []
    for i in range(rows):
        chosen = rng.sample(INTERESTS, rng.randint(0, 3))
        lines.append({"email1": f"lead{i}@firm{i}.com",
                      "date_entered": f"2025-0{1 + i % 9}-1{i % 9}",
                      "interests_c": ",".join(f"^{c}^" for c in chosen),
                      "campaign_name": f"Spring ^{i % 3}",  # a caret that is no choice
                      "account_type": rng.choice(["Customer", "Prospect"])})
    return pd.DataFrame(lines).to_csv(index=False).encode()


DATA = sugar_export()


def plain_choices(column: str) -> pd.Series:
    raw = pd.read_csv(io.BytesIO(DATA), dtype=str, keep_default_na=False)[column]
    return raw.map(lambda text: [part.strip("^") for part in text.split("^,^")] if text else [])


def test_each_choice_of_a_custom_multi_select_counts():
    leads = import_leads(DATA, "sugar.csv").leads
    choices = plain_choices("interests_c")
    for interest in INTERESTS:
        want = int(choices.map(lambda chosen, i=interest: i in chosen).sum())
        got = int(evaluate(leads, D(C("interests_c", values=[interest]))).frame.is_mql.sum())
        assert got == want > 0, interest


def test_the_form_offers_each_choice_with_its_leads():
    offered = lead_values(import_leads(DATA, "sugar.csv").leads).columns["interests_c"]
    counts = dict(zip(offered.values, offered.counts, strict=True))
    choices = plain_choices("interests_c")
    assert set(counts) == set(INTERESTS)
    for interest in INTERESTS:
        assert counts[interest] == int(choices.map(lambda c, i=interest: i in c).sum())


def test_a_caret_inside_other_text_is_left_as_written():
    leads = import_leads(DATA, "sugar.csv").leads
    raw = pd.read_csv(io.BytesIO(DATA), dtype=str)
    assert leads["campaign_name"].astype("string").tolist() == raw["campaign_name"].tolist()
