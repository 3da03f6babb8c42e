"""Wording for a company whose export is odd in small ways: every lead created on one day was
said to run "from 1 January 2024 to 1 January 2024 (1 day)", and an export whose one win fell
in the leads held back said "only 0 won deals" were learned from."""
from __future__ import annotations

import io
import random

import pandas as pd

from tests.builders import C, D
from workshop.learn import learn
from workshop.measure import leads_measured, measure
from workshop.pipeline import import_leads
from workshop.preview import period_sentence


def export(days: list[str], stages: list[str], seed: int = 1) -> str:
    rng = random.Random(seed)
    lines = ["Email,Industry,Created,Deal Stage"]
    for number, (day, stage) in enumerate(zip(days, stages, strict=True)):
        lines.append(f"p{number}@co{number}.com,{rng.choice(['Software', 'Retail'])},{day},"
                     f"{stage}")
    return "\n".join(lines) + "\n"


def test_leads_created_on_one_day_are_said_so():
    text = export(["2024-01-01"] * 200, ["Closed Won", "Closed Lost"] * 100)
    leads = import_leads(text.encode(), "oneday.csv").leads
    assert pd.read_csv(io.StringIO(text))["Created"].nunique() == 1
    assert period_sentence(leads).startswith(
        "Per month: the leads created on 1 January 2024 (1 day), over the part of each month")
    figures = measure(leads, D(C("industry", values=["Software"], role="must")))
    assert leads_measured(figures) == "200 leads created on 1 Jan 2024"


def test_two_days_keep_from_and_to():
    text = export(["2024-01-01", "2024-01-02"] * 50, ["Closed Won", "Closed Lost"] * 50)
    leads = import_leads(text.encode(), "twodays.csv").leads
    assert "created from 1 January 2024 to 2 January 2024 (2 days)" in period_sentence(leads)
    figures = measure(leads, D(C("industry", values=["Software"], role="must")))
    assert leads_measured(figures) == "100 leads created from 1 Jan 2024 to 2 Jan 2024"


def test_no_win_among_the_leads_learned_from_is_said_so():
    days = [f"2024-{month:02d}-10" for month in range(1, 13) for _ in range(10)]
    stages = ["Closed Lost"] * 119 + ["Closed Won"]  # the one win is the newest lead
    learned = learn(import_leads(export(days, stages).encode(), "onewin.csv").leads)
    assert not learned.found
    assert "no won deal among the leads learned from" in learned.reason
    assert "only 0" not in learned.reason


def test_no_qualified_lead_is_said_as_none_not_about_zero():
    from workshop.preview import TOO_TIGHT, capacity_verdict

    verdict = capacity_verdict(0.0, 2, 40)
    assert verdict.verdict == TOO_TIGHT and verdict.ratio == 0
    assert verdict.sentence.startswith("No lead qualifies under this definition, against "
                                       "capacity for 80 a month (2 reps × 40)")
    assert "About 0" not in verdict.sentence and "0%" not in verdict.sentence
    assert capacity_verdict(0.03, 2, 40).sentence.startswith("About 0.03 qualified leads")


def test_employee_ranges_read_at_their_middle_show_rounded_half_up():
    """"51-200" is read as 125.5 and "201-500" as 350.5: the sample leads showed 126 and 350
    (rounding half to even), as if the CRM held those counts."""
    from workshop.preview import sample_table

    ranges = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000"]
    lines = ["Email,Company,Employees,Deal Stage"] + [
        f"p{n}@co{n}.com,Co {n},{ranges[n % 6]},{['Closed Won', 'Closed Lost'][n % 2]}"
        for n in range(60)]
    leads = import_leads(("\n".join(lines) + "\n").encode(), "ranges.csv").leads
    table = sample_table(leads, D(C("employees", "at_least", low=100, role="must")), n=60)
    shown = dict(zip(table["company"], table["employees"], strict=True))
    middles = {f"Co {n}": ranges[n % 6] for n in range(60)}
    for company, written in middles.items():
        low, high = (int(part) for part in written.split("-"))
        assert shown[company] == int((low + high) / 2 + 0.5), (company, written)
