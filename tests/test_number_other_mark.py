"""A figure written with the other decimal mark than its column's, where that mark can only
be a decimal one: one or two digits follow it, and thousands are grouped by three. Revenue
typed by hand in millions mixes them ("12.5M", "€3,2 Mio"); reading the comma of "3,2 Mio" as a
thousands separator made 32 million of 3.2, and the point of "12.5M" among decimal commas 125
million of 12.5. The expected figures are worked out here from the digits, not by the app."""
from __future__ import annotations

import pandas as pd
import pytest

from workshop.leads import parse_number
from workshop.pipeline import import_leads


@pytest.mark.parametrize(("written", "decimal", "meant"), [
    ("€3,2 Mio", ".", 3_200_000), ("3,2 Mio", ".", 3_200_000), ("1,5", ".", 1.5),
    ("€1.234,5 Mio", ".", 1_234_500_000), ("2,5-3,5 Mio", ".", 3_000_000),
    ("12.5M", ".", 12_500_000), ("1,500,000", ".", 1_500_000), ("10,001+", ".", 10_001),
    ("501-1,000", ".", 750.5), ("$1,234.56", ".", 1234.56),
    ("12.5M", ",", 12_500_000), ("3.25", ",", 3.25), ("1.5-2.5 Mio", ",", 2_000_000),
    ("1.234,5", ",", 1234.5), ("1.500", ",", 1500), ("1.234.567", ",", 1_234_567),
    ("2,5 Mio", ",", 2_500_000), ("10.001+", ",", 10_001),
])
def test_a_mark_that_can_only_be_decimal_is_read_as_one(written, decimal, meant):
    for dtype in ("str", object):
        read = parse_number(pd.Series([written, None], dtype=dtype), decimal)
        assert read.iloc[0] == pytest.approx(meant), (written, decimal, dtype)
        assert pd.isna(read.iloc[1])


def test_hand_typed_millions_in_an_export_of_decimal_points():
    """A must-have of at least $10M on a HubSpot export whose revenue column mixes "12.5M",
    "€3,2 Mio" and "€1.234,5 Mio": the leads over it are those a reader of the digits counts."""
    cells = ["12.5M", "€3,2 Mio", "€1.234,5 Mio", "9,9 Mio", "10.1M", "$45,000,000", "n/a",
             "4.5M", "€11,0 Mio", "2,5-3,5 Mio"]
    meant = [12.5e6, 3.2e6, 1234.5e6, 9.9e6, 10.1e6, 45e6, None, 4.5e6, 11e6, 3e6]
    export = "Email,Annual Revenue,Lifecycle Stage\n" + "".join(
        f'lead{i}@firm{i}.com,"{cell}",customer\n' for i, cell in enumerate(cells))
    leads = import_leads(export.encode(), "contacts.csv").leads
    read = leads["annual_revenue"].tolist()
    for got, want in zip(read, meant, strict=True):
        assert (pd.isna(got) and want is None) or got == pytest.approx(want)
    assert int((leads["annual_revenue"] >= 10e6).sum()) == sum(
        1 for m in meant if m is not None and m >= 10e6)
