"""A later export with the same headers reuses the mapping saved for the first one, as the
upload page does (`map_with_saved`): the outcome values and money units it carries must still
read the new file as its owners mean it. Expected figures come from plain pandas.
"""
from __future__ import annotations

import io

import pandas as pd

from tests.builders import C, D
from workshop.importer import read_export
from workshop.mapping import Mapping, repeating_columns, validate
from workshop.measure import measure
from workshop.pipeline import import_leads, map_with_saved

SOFTWARE = D(C("industry", values=["Computer Software"]))


def csv_of(rows: list[list], columns: list[str]) -> bytes:
    return pd.DataFrame(rows, columns=columns).to_csv(index=False).encode()


def upload_again(first: bytes, fresh: bytes):
    """The first export imported automatically and its mapping saved (as JSON, as the store
    keeps it); the fresh one read with that mapping, as the upload page reads it."""
    saved = import_leads(first, "first.csv").mapping.to_json()
    raw, export_format = read_export(fresh, "fresh.csv", repeated=repeating_columns)
    return map_with_saved(raw, export_format, saved)


def win_rates(frame: pd.DataFrame, won: pd.Series, decided: pd.Series, qualified: pd.Series):
    return ((won & qualified).sum() / (decided & qualified).sum(),
            (won & ~qualified).sum() / (decided & ~qualified).sum())


STAGE_COLUMNS = ["Email", "Industry", "Create Date", "Deal Stage"]


def test_a_stage_the_first_export_lacked_is_read_not_counted_lost():
    first = csv_of([[f"a{i}@c{i}.com", ["Computer Software", "Retail"][i % 2],
                     f"2024-0{1 + i % 2}-1{i % 9}",
                     ["Closed Won", "Closed Lost", "Appointment Scheduled", "Closed Lost"][i % 4]]
                    for i in range(40)], STAGE_COLUMNS)
    stages = ["Closed Won", "Closed Lost", "Contract Sent", "Presentation Scheduled"]
    fresh = csv_of([[f"b{i}@d{i}.com", ["Computer Software", "Retail"][(i // 4) % 2],
                     f"2024-0{6 + i % 2}-1{i % 9}", stages[i % 4]] for i in range(40)],
                   STAGE_COLUMNS)
    result = upload_again(first, fresh)
    frame = pd.read_csv(io.BytesIO(fresh), dtype=str)
    won, lost = frame["Deal Stage"].eq("Closed Won"), frame["Deal Stage"].eq("Closed Lost")
    expected = pd.Series("open", index=frame.index).mask(won, "won").mask(lost, "lost")
    assert list(result.leads["outcome"]) == list(expected)
    figures = measure(result.leads, SOFTWARE)
    qualified = frame["Industry"].eq("Computer Software")
    assert (figures.win_rate_qualified, figures.win_rate_rest) == win_rates(
        frame, won, won | lost, qualified)


def test_a_value_judged_lost_when_the_mapping_was_made_stays_lost():
    """The facilitator read "Appointment Scheduled" as lost for the first export (leaving it
    out of the open values): the next export with it reads it so too."""
    first = csv_of([["a@x.com", "Retail", "2024-01-02", "Closed Won"],
                    ["b@x.com", "Retail", "2024-01-03", "Appointment Scheduled"]], STAGE_COLUMNS)
    mapping = import_leads(first, "first.csv").mapping
    assert mapping.open_values == ["Appointment Scheduled"]
    chosen = Mapping(columns=mapping.columns, outcome_column="Deal Stage",
                     won_values=["Closed Won"], open_values=[],
                     lost_values=["Appointment Scheduled"])
    fresh = csv_of([["c@x.com", "Retail", "2024-02-02", "Appointment Scheduled"],
                    ["d@x.com", "Retail", "2024-02-03", "Contract Sent"]], STAGE_COLUMNS)
    raw, export_format = read_export(fresh, "fresh.csv", repeated=repeating_columns)
    result = map_with_saved(raw, export_format, chosen.to_json())
    assert list(result.leads["outcome"]) == ["lost", "open"]


def test_yes_no_outcome_written_another_way_keeps_its_wins():
    """The first export wrote Converted as 1/0; the next, re-saved by Excel, as TRUE/FALSE."""
    columns = ["Email", "Industry", "Create Date", "Converted"]
    first = csv_of([[f"a{i}@c.com", "Computer Software", "2024-01-1{i % 9}", str(i % 2)]
                    for i in range(20)], columns)
    fresh_rows = [[f"b{i}@c.com", ["Computer Software", "Retail"][i % 2], "2024-03-1{i % 9}",
                   "TRUE" if i % 3 == 0 else "FALSE"] for i in range(60)]
    fresh = csv_of(fresh_rows, columns)
    result = upload_again(first, fresh)
    frame = pd.read_csv(io.BytesIO(fresh), dtype=str, keep_default_na=False)
    won = frame["Converted"].eq("TRUE")
    assert list(result.leads["outcome"]) == list(won.map({True: "won", False: "lost"}))
    figures = measure(result.leads, SOFTWARE)
    qualified = frame["Industry"].eq("Computer Software")
    assert figures.wins == won.sum()
    assert (figures.win_rate_qualified, figures.win_rate_rest) == win_rates(
        frame, won, pd.Series(True, index=frame.index), qualified)


def test_a_revenue_unit_of_the_first_export_is_not_applied_to_whole_dollars():
    """The first export wrote revenue in millions (2.5), the next in whole dollars
    (2,500,000): multiplied by a million again, every company turned over trillions and no
    lead met "between $1M and $50M"."""
    columns = ["Email", "Industry", "Create Date", "Annual Revenue"]
    first = csv_of([[f"a{i}@c.com", "Computer Software", "2024-01-1{i % 9}", 2.5 + i % 5]
                    for i in range(20)], columns)
    assert import_leads(first, "first.csv").mapping.units == {"Annual Revenue": 1e6}
    fresh = csv_of([[f"b{i}@c.com", ["Computer Software", "Retail"][i % 2], "2024-03-1{i % 9}",
                     f"{(1 + i % 7) * 1_250_000:,}"] for i in range(40)], columns)
    result = upload_again(first, fresh)
    frame = pd.read_csv(io.BytesIO(fresh), dtype=str)
    revenue = frame["Annual Revenue"].str.replace(",", "").astype(float)
    assert result.leads["annual_revenue"].tolist() == revenue.tolist()
    definition = D(C("industry", values=["Computer Software"]),
                   C("annual_revenue", "between", low=1e6, high=5e6))
    expected = (frame["Industry"].eq("Computer Software") & revenue.between(1e6, 5e6)).sum()
    assert measure(result.leads, definition).qualified == expected


def test_a_unit_that_still_gives_plausible_figures_is_kept():
    """Revenue in thousands of large companies (a median of 250,000 thousand, $250M) looks
    like whole dollars to the suggestion; the unit the facilitator chose carries over."""
    columns = ["Email", "Industry", "Create Date", "Annual Revenue"]
    rows = [[f"a{i}@c.com", "Computer Software", "2024-01-1{i % 9}", 100_000 + 50_000 * i]
            for i in range(10)]
    mapping = import_leads(csv_of(rows, columns), "first.csv").mapping
    chosen = Mapping(columns=mapping.columns, units={"Annual Revenue": 1e3})
    raw, export_format = read_export(csv_of(rows, columns), "fresh.csv",
                                     repeated=repeating_columns)
    result = map_with_saved(raw, export_format, chosen.to_json())
    assert result.mapping.units == {"Annual Revenue": 1e3}
    assert result.leads["annual_revenue"].tolist() == [r[3] * 1e3 for r in rows]


def test_an_export_whose_deals_are_all_open_can_be_read_again_and_after():
    """Its automatic mapping has no won value; saved, it used to refuse the same file read
    again (a server restart) and every later export with its headers."""
    all_open = csv_of([[f"a{i}@c.com", "Computer Software", "2024-01-1{i % 9}",
                        ["Proposal", "Negotiation"][i % 2]] for i in range(10)], STAGE_COLUMNS)
    saved = import_leads(all_open, "first.csv").mapping
    assert validate(saved, STAGE_COLUMNS) == []
    for fresh in (all_open, csv_of([["b@c.com", "Retail", "2024-02-01", "Closed Won"],
                                    ["c@c.com", "Retail", "2024-02-02", "Proposal"]],
                                   STAGE_COLUMNS)):
        raw, export_format = read_export(fresh, "again.csv", repeated=repeating_columns)
        result = map_with_saved(raw, export_format, saved.to_json())
        stages = pd.read_csv(io.BytesIO(fresh), dtype=str)["Deal Stage"]
        assert list(result.leads["outcome"]) == list(
            stages.map({"Closed Won": "won"}).fillna("open"))


def test_whole_dollars_the_facilitator_confirmed_stay_whole_dollars():
    """Small revenues (a median of $62,500) suggest thousands; the facilitator said dollars
    (a unit of 1 saved). The next upload with these headers keeps that answer."""
    columns = ["Email", "Industry", "Create Date", "Annual Revenue"]
    rows = [[f"a{i}@c.com", "Computer Software", "2024-01-1{i % 9}", 50_000 + 5_000 * i]
            for i in range(6)]
    first = import_leads(csv_of(rows, columns), "first.csv").mapping
    assert first.units == {"Annual Revenue": 1e3}  # the suggestion the facilitator corrected
    chosen = Mapping(columns=first.columns, units={"Annual Revenue": 1.0})
    raw, export_format = read_export(csv_of(rows, columns), "fresh.csv",
                                     repeated=repeating_columns)
    result = map_with_saved(raw, export_format, chosen.to_json())
    assert result.mapping.units == {"Annual Revenue": 1.0}
    assert result.leads["annual_revenue"].tolist() == [float(r[3]) for r in rows]
