"""The points table RevOps types into the CRM writes a bound as the CRM's column holds it: on a
revenue column the export writes in millions, 'at least $10M' is 'at_least: 10', with a note;
a column of ranges ('11-50') says a range counts as its middle. Checked by applying the table's
conditions as written to the file's own cells with plain pandas."""
from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest

from workshop import rules
from workshop.definition import Definition
from workshop.evaluate import evaluate, export_headers
from workshop.pipeline import import_leads


def hubspot_in_millions(seed: int) -> bytes:
    rng = random.Random(seed)
    lines = ["Record ID,Annual Revenue,Number of Employees,Create Date"]
    for i in range(300):
        revenue = rng.choice(["0.58", "2.5", "9.99", "10", "10.01", "47.2", "3597.66", ""])
        day = f"2025-0{1 + i % 9}-0{1 + i % 9}"
        lines.append(f"{i},{revenue},{rng.choice([10, 60, 250, 1200])},{day}")
    return ("\n".join(lines) + "\n").encode()


def table(definition, imported) -> list[dict[str, str]]:
    data = rules.points_csv(definition, leads=imported.leads,
                            columns=export_headers(imported.leads, definition))
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def applied(file: bytes, row: dict[str, str]) -> pd.Series:
    """One must-have row of the table applied to the file's cells as written."""
    cells = pd.read_csv(io.BytesIO(file))[row["field"]]
    op, bounds = row["condition"].split(": ")
    numbers = [float(b) for b in bounds.split(" and ")]
    if op == "at_least":
        return cells >= numbers[0]
    if op == "at_most":
        return cells <= numbers[0]
    return cells.between(numbers[0], numbers[1])


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("rule", [
    {"op": "at_least", "low": 10_000_000},
    {"op": "at_most", "high": 2_500_000},
    {"op": "between", "low": 2_500_000, "high": 47_200_000},
])
def test_a_bound_on_a_column_in_millions_is_written_in_millions(seed, rule):
    file = hubspot_in_millions(seed)
    imported = import_leads(file, "deals.csv")
    assert imported.mapping.units == {"Annual Revenue": 1e6}
    definition = Definition.from_dict({"criteria": [
        {"field": "annual_revenue", "role": "must", **rule}]})
    row = next(r for r in table(definition, imported) if r["role"] == "must have")
    assert row["field"] == "Annual Revenue"
    assert row["note"] == "the column is in millions"
    as_configured = applied(file, row)
    app = evaluate(imported.leads, definition).stage != "Not qualified"
    assert as_configured.sum() > 0
    assert list(as_configured) == list(app)


def test_whole_amounts_keep_their_bound_and_no_note():
    file = hubspot_in_millions(3).replace(b"0.58", b"580000").replace(b"2.5,", b"2500000,")
    lines = file.decode().splitlines()
    whole = "\n".join([lines[0]] + [
        ",".join([p[0], str(int(float(p[1]) * 1e6)) if p[1] else "", *p[2:]])
        for p in (line.split(",") for line in lines[1:])]) + "\n"
    imported = import_leads(whole.encode(), "deals.csv")
    assert imported.mapping.units == {}
    definition = Definition.from_dict({"criteria": [
        {"field": "annual_revenue", "op": "at_least", "low": 10_000_000, "role": "must"}]})
    row = next(r for r in table(definition, imported) if r["role"] == "must have")
    assert row["condition"] == "at_least: 10000000"
    assert row["note"] == ""


def test_a_column_of_ranges_says_a_range_counts_as_its_middle():
    file = (b"Record ID,Organization - Number of employees\n"
            b"1,1-10\n2,11-50\n3,51-200\n4,201-500\n5,1001-5000\n")
    imported = import_leads(file, "pipedrive.csv")
    definition = Definition.from_dict({"criteria": [
        {"field": "employees", "op": "at_least", "low": 100, "role": "must"}]})
    row = next(r for r in table(definition, imported) if r["role"] == "must have")
    assert row["condition"] == "at_least: 100"
    assert "counts as its middle" in row["note"]
    middles = pd.Series([5.5, 30.5, 125.5, 350.5, 3000.5])  # each range's middle, by hand
    assert list(evaluate(imported.leads, definition).stage != "Not qualified") == \
        list(middles >= 100)


def test_the_quality_table_says_ranges_read_as_their_middle():
    from workshop.leads import column_readings

    imported = import_leads(b"Record ID,Employees\n1,1-10\n2,11-50\n3,51-200\n", "e.csv")
    said = column_readings(imported.leads)["employees"].describe()
    assert "a range such as 11-50 reads as its middle" in said
