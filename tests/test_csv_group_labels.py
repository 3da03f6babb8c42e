"""A CSV whose first line holds group labels over runs of columns ("Contact" over A:C,
"Company" over D:G, "Deal" over H:J), as Excel saves a sheet whose labels row is merged or
followed by blank cells: the line under the labels is the header, as it is for the workbook.
Each file is built here with a fixed seed, and the expected figures come from pandas reading
the intended header row."""
from __future__ import annotations

import datetime
import io
import random

import pandas as pd
import pytest

from workshop.importer import read_export
from workshop.pipeline import import_leads

HEAD = ["First Name", "Last Name", "Email", "Company Name", "Industry", "Number of Employees",
        "Country/Region", "Create Date", "Deal Stage", "Amount"]
GROUPS = [("Contact", 0), ("Company", 3), ("Deal", 7)]  # label, first column (from 0)
WON = 72


def _leads(count: int, seed: int) -> list[list[str]]:
    """`count` leads of text as Excel writes them, `WON` of them "Closed Won"."""
    rng = random.Random(seed)
    stages = ["Closed Won"] * WON + [rng.choice(["Closed Lost", "Qualification", ""])
                                     for _ in range(count - WON)]
    rng.shuffle(stages)
    rows = []
    for i, stage in enumerate(stages):
        created = datetime.datetime(2025, 1, 1) + datetime.timedelta(hours=rng.randint(0, 8000))
        rows.append([f"Ann{i}", f"Lee{i}", f"ann{i}@acme{i}.com", f"Acme {i} Ltd",
                     rng.choice(["Software", "Retail", "Healthcare", "Manufacturing"]),
                     str(rng.randint(5, 5_000)), rng.choice(["France", "Germany", "Spain"]),
                     created.strftime("%Y-%m-%d %H:%M"), stage,
                     f"{rng.uniform(1_000, 90_000):.2f}" if stage else ""])
    return rows


def _csv(lines: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> bytes:
    """Lines joined as Excel writes them (no field here needs quoting)."""
    return "".join(delimiter.join(line) + newline for line in lines).encode("utf-8")


def _labels(width: int, short: bool = False) -> list[str]:
    """The group labels' line: each label followed by blank cells to the next one, up to the
    table's edge (Excel), or stopping after the last label (`short`, as some tools write)."""
    line = [""] * width
    for label, first in GROUPS:
        line[first] = label
    return line[:GROUPS[-1][1] + 1] if short else line


@pytest.mark.parametrize(("delimiter", "newline", "short", "title"), [
    (",", "\r\n", False, False),
    (";", "\r\n", False, False),
    (",", "\n", True, False),
    (",", "\r\n", False, True),
])
def test_group_labels_above_the_header_are_not_the_header(delimiter, newline, short, title):
    leads = _leads(600, seed=17)
    top = [["Leads by Region"]] if title else []
    data = _csv([*top, _labels(len(HEAD), short), HEAD, *leads], delimiter, newline)
    header = len(top) + 1  # the line under the labels
    want = pd.read_csv(io.BytesIO(data), sep=delimiter, header=header, dtype=str)
    wins = int((want["Deal Stage"] == "Closed Won").sum())
    amount = float(pd.to_numeric(want["Amount"]).sum())

    result = import_leads(data, "grouped.csv")
    assert list(result.raw.columns) == HEAD == list(want.columns)
    assert result.format.rows == len(want) == 600
    leads = result.leads
    assert len(leads) == len(want)
    assert int((leads["outcome"] == "won").sum()) == wins == WON
    assert float(pd.to_numeric(leads["amount"]).sum()) == pytest.approx(amount)
    assert {"Create Date", "Deal Stage", "Amount", "Industry"} <= set(result.mapping.columns)
    assert result.raw["Email"].tolist() == want["Email"].tolist()


def test_labels_in_utf8_with_accents_are_group_labels_too():
    """A French export whose labels carry accents ("Société", "Opportunité")."""
    leads = _leads(600, seed=5)
    labels = _labels(len(HEAD))
    labels[0], labels[3], labels[7] = "Contact", "Société", "Opportunité"
    data = _csv([labels, HEAD, *leads])
    want = pd.read_csv(io.BytesIO(data), header=1, dtype=str)
    raw, found = read_export(data, "export.csv")
    assert list(raw.columns) == list(want.columns) == HEAD
    assert found.rows == len(want) == 600
    assert raw["Deal Stage"].fillna("").tolist() == want["Deal Stage"].fillna("").tolist()


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_header_with_blank_cells_over_leads_stays_the_header(delimiter):
    """A header naming every other column, over leads of text only (a lead source "Email" or
    "Website" among them): the first line is still the header, no lead is lost."""
    rng = random.Random(3)
    lines = [["Name", "", "Email", "", "Company", ""]]
    for i in range(30):
        lines.append([f"Ann{i}", f"Lee{i}", f"ann{i}@acme{i}.com",
                      rng.choice(["Email", "Website", "Referral"]), f"Acme {i}",
                      rng.choice(["Software", "Retail"])])
    data = _csv(lines, delimiter)
    want = pd.read_csv(io.BytesIO(data), sep=delimiter, header=0, dtype=str)
    raw, found = read_export(data, "blank_header.csv")
    assert found.rows == len(want) == 30
    assert raw["Name"].tolist() == want["Name"].tolist()
    assert raw["Email"].tolist() == want["Email"].tolist()
    assert raw["Company"].tolist() == want["Company"].tolist()


def test_a_lead_under_a_header_of_labels_is_not_taken_for_a_header():
    """Group-like labels that are the header itself ("Contact", "Company", "Deal", blank
    columns between) over leads: no lead reads as a header, so nothing is passed over."""
    leads = _leads(600, seed=9)
    data = _csv([_labels(len(HEAD)), *leads])
    want = pd.read_csv(io.BytesIO(data), header=0, dtype=str)
    raw, found = read_export(data, "labels_only.csv")
    assert found.rows == len(want) == 600
    assert raw["Contact"].tolist() == want["Contact"].tolist()
