"""Marketo's "Person Source" is the lead source, not its "Original Source Type".

Original Source Type says how the record was made ("Web form fillout", "List import"); Person
Source says where the lead came from ("Webinar", "Trade Show"). The import mapped the first and
left the second out, so the lead-source question offered record types; without the first, the
export had no lead source at all."""
from __future__ import annotations

import io
import random

import pandas as pd

from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads

SOURCES = ["Webinar", "Trade Show", "Paid Search", "Organic Search", "Referral"]
TYPES = ["Web form fillout", "List import", "New lead", "Salesforce.com"]


def marketo(with_type: bool = True, rows: int = 400, seed: int = 6) -> str:
    rng = random.Random(seed)
    header = ["Id", "Email Address", "Company Name", "Person Source", "Lead Status"]
    if with_type:
        header.insert(3, "Original Source Type")
    lines = [",".join(header)]
    for n in range(rows):
        cells = [str(n), f"p{n}@co{n}.com", f"Co {n}", rng.choice(SOURCES),
                 rng.choice(["Open", "Working", "Converted", "Disqualified"])]
        if with_type:
            cells.insert(3, rng.choice(TYPES))
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def test_person_source_is_the_lead_source_beside_the_record_type():
    for with_type in (True, False):
        text = marketo(with_type)
        imported = import_leads(text.encode(), "marketo.csv")
        assert imported.mapping.columns.get("Person Source") == "lead_source"
        assert "lead_source" not in {imported.mapping.columns.get("Original Source Type")}
        rule = Definition(criteria=[Criterion(field="lead_source", op="in",
                                              values=["Trade Show"])])
        frame = pd.read_csv(io.StringIO(text), dtype=str)
        assert evaluate(imported.leads, rule).frame["is_mql"].tolist() == (
            frame["Person Source"] == "Trade Show").tolist()


def test_the_record_type_is_still_a_source_where_it_is_the_only_one():
    text = "Email Address,Original Source Type\n" + "".join(
        f"p{n}@co{n}.com,{TYPES[n % 4]}\n" for n in range(40))
    imported = import_leads(text.encode(), "marketo.csv")
    assert imported.mapping.columns.get("Original Source Type") == "lead_source"
