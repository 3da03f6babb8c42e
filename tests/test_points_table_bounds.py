"""The points table RevOps types into the CRM keeps every digit of a bound: "1.23457e+08" for
123,456,789 was a different rule, and RevOps configuring it as written qualified other leads."""
from __future__ import annotations

import csv
import io
import random

import pandas as pd
import pytest

from workshop import rules
from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads


def export(seed: int) -> bytes:
    """A HubSpot-style export whose revenues sit on and around the bounds."""
    rng = random.Random(seed)
    near = [999_999, 1_000_000, 1_000_001, 9_999_998, 9_999_999, 10_000_000, 123_456_788,
            123_456_789, 123_456_790, 0.5, 2.25, 2.5]
    lines = ["Email,Annual Revenue,Number of Employees"]
    for i in range(400):
        revenue = rng.choice(near) if i % 3 else rng.randrange(0, 300_000_000)
        lines.append(f"p{i}@firm{i}.com,{revenue},{rng.choice([10, 49.5, 50, 1234, 1234.5])}")
    return ("\n".join(lines) + "\n").encode()


def read_table(definition: Definition) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(rules.points_csv(definition).decode("utf-8-sig"))))


def by_hand(file: bytes, rows: list[dict[str, str]]) -> pd.Series:
    """Each lead's points, applying the table's conditions as written to the file's values."""
    values = pd.read_csv(io.BytesIO(file))
    columns = {"annual_revenue": "Annual Revenue", "employees": "Number of Employees"}
    points = pd.Series(0, index=values.index)
    for row in rows:
        if row["role"] != "nice to have":
            continue
        column = values[columns[row["field"]]]
        op, _, bounds = row["condition"].partition(": ")
        if op == "between":
            low, high = (float(b) for b in bounds.split(" and "))
            met = column.between(low, high)
        elif op == "at_least":
            met = column >= float(bounds)
        else:
            assert op == "at_most", op
            met = column <= float(bounds)
        points += met.astype(int) * int(row["points"])
    return points


@pytest.mark.parametrize("seed", [3, 11])
def test_the_points_table_applied_as_written_gives_the_apps_points(seed):
    definition = Definition(criteria=[
        Criterion(field="annual_revenue", op="between", low=1_000_000, high=9_999_999,
                  role="nice", points=10),
        Criterion(field="annual_revenue", op="at_least", low=123_456_789, role="nice",
                  points=20),
        Criterion(field="annual_revenue", op="at_most", high=2.25, role="nice", points=3),
        Criterion(field="employees", op="between", low=49.5, high=1234.5, role="nice",
                  points=5),
    ], threshold=10)
    file = export(seed)
    rows = read_table(definition)
    conditions = [r["condition"] for r in rows if r["role"] == "nice to have"]
    assert conditions == ["between: 1000000 and 9999999", "at_least: 123456789",
                          "at_most: 2.25", "between: 49.5 and 1234.5"]
    leads = import_leads(file, "hubspot.csv").leads
    points = evaluate(leads, definition).frame["points"]
    expected = by_hand(file, rows)
    assert points.tolist() == expected.tolist()
    assert expected.nunique() > 3  # the bounds decide for many leads, not for none


def test_no_bound_is_written_with_an_exponent():
    for bound in (1e7, 1e16, 123_456_789_012.0, 0.0001):
        condition = read_table(Definition(criteria=[
            Criterion(field="annual_revenue", op="at_least", low=bound, role="nice",
                      points=1)], threshold=1))[0]["condition"]
        written = condition.split(": ")[1]
        assert "e" not in written.lower() and float(written) == bound
