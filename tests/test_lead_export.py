"""CSV of leads with stage, points and reasons: formula-safe, Excel-friendly, re-importable."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from tests.builders import C, D
from workshop import lead_export
from workshop.definition import Action
from workshop.demo import facilitator_draft, marketing_draft, sales_draft
from workshop.evaluate import evaluate, reasons
from workshop.lead_export import lead_reasons, leads_csv, reason_codes, safe_cell
from workshop.leads import load_sample_leads
from workshop.pipeline import import_leads

BOM = b"\xef\xbb\xbf"
HOSTILE = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1+1"]
# A cell with a bare carriage return or a newline inside must not split its row.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Acme = best", "Acme = best"),
        ("a-b", "a-b"),
        ("", ""),
        ("'quoted", "'quoted"),
        (" =1", " =1"),  # a leading space is not a formula in Excel or Sheets
        # dashes, with a formula after them
        ("--1", "'--1"),
        ("- 1", "'- 1"),
        ("-(1)", "'-(1)"),
        ("-SUM(A1)", "'-SUM(A1)"),
        ("-A1+B1", "'-A1+B1"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("--None--(1)", "'--None--(1)"),
        ("-none()", "'-none()"),
        ("-#N/A", "'-#N/A"),
        ("-Software", "'-Software"),
    ],
)
def test_safe_cell(text, expected):
    assert safe_cell(text) == expected


@pytest.mark.parametrize("text", ["-", "--", "--None--", "-- none --"])
def test_a_placeholder_of_dashes_is_guarded_and_still_a_placeholder_when_read_back(text):
    """A spreadsheet reads "--None--" as a formula (#NAME?), so it gets its quote like any
    cell starting with '-'; the import reads the quoted placeholder as the placeholder: "not
    Retail" does not take it for a value, as it did not in the export it came from."""
    assert safe_cell(text) == "'" + text
    cells = pd.Series([text, "Retail", "Software"], dtype="str")
    written = leads_csv(pd.DataFrame({"industry": cells}),
                        evaluate(pd.DataFrame({"industry": cells}), D()))
    again = import_leads(written, "leads.csv").leads
    rule = D(C("industry", "not_in", values=["Retail"]))
    assert evaluate(again, rule).frame["stage"].astype(str).tolist() == [
        "Not qualified", "Not qualified", "SQL"]


def hostile_leads() -> pd.DataFrame:
    return pd.DataFrame({
        "company": HOSTILE + ["Ünïcødé GmbH", "Plain, with comma\nand a line break", None],
        "employees": [-2.5, 1, 50, 1_000_000, 3, 0, 7.25, np.nan, 12],
        "visits": np.arange(9, dtype="int64") - 4,
        "demo_requested": [1, 0, 1, 0, 1, 0, 1, 0, 1],
        "notes": pd.Series(["=1+1", 5, None, "ok", -3, "@x", 2.5, "fine", True],
                           dtype=object),
        # text held as Python objects (pandas 2's default for text) and an all-empty column
        "source": pd.Series(["web", "+web", None, "-", "x", "y", "z", "@", "w"], dtype=object),
        "blank": pd.Series([None] * 9, dtype=object),
    })


DEFINITION = D(C("employees", op="at_least", low=1),
               C("company", op="contains_any", values=["HYPERLINK"], role="disqualifier"),
               actions=[Action(field="demo_requested", points=10)], threshold=10)


def read_back(data: bytes, **kwargs) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", **kwargs)


def test_csv_protects_hostile_text_and_keeps_numbers():
    leads = hostile_leads()
    result = evaluate(leads, DEFINITION)
    data = leads_csv(leads, result, definition=DEFINITION)
    assert data.startswith(BOM) and not data.startswith(BOM + BOM)
    back = read_back(data, keep_default_na=False, na_values=[""])
    assert back["company"].tolist()[:6] == ["'" + text for text in HOSTILE]
    assert back["company"].tolist()[6:8] == ["Ünïcødé GmbH", "Plain, with comma\nand a line break"]
    assert pd.isna(back["company"].iloc[8])
    # number columns stay numbers, negative ones included (no quote)
    assert back["employees"].dtype == "float64" and back["visits"].dtype == "int64"
    assert back["employees"].tolist()[:7] == [-2.5, 1, 50, 1_000_000, 3, 0, 7.25]
    assert back["visits"].tolist() == list(range(-4, 5))
    # mixed object columns: only real strings are judged; numbers are written as they are
    assert back["notes"].astype(str).tolist()[:2] == ["'=1+1", "5"]
    assert back["notes"].astype(str).tolist()[4:6] == ["-3", "'@x"]
    assert back["source"].fillna("<NA>").tolist()[:4] == ["web", "'+web", "<NA>", "'-"]
    assert back["source"].tolist()[7] == "'@"
    assert back["blank"].isna().all()
    # no cell of the file starts a formula, unless it is a plain number
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(leads) + 1
    for row in rows:
        for cell in row:
            if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                float(cell)  # raises for anything but a number


def test_csv_has_stage_points_and_reasons():
    leads = hostile_leads()
    result = evaluate(leads, DEFINITION)
    back = read_back(leads_csv(leads, result, definition=DEFINITION))
    assert back.columns.tolist() == list(leads.columns) + ["lead_stage", "lead_points",
                                                           "lead_reasons"]
    assert back["lead_stage"].tolist() == result.stage.tolist()
    assert back["lead_points"].tolist() == result.frame["points"].tolist()
    assert back["lead_points"].dtype == "int64"
    expected = reasons(leads, DEFINITION)
    # a reason can itself start with a formula character, so compare the unquoted text
    assert back["lead_reasons"].str.removeprefix("'").tolist() == expected.tolist()
    assert back.at[0, "lead_reasons"].startswith("disqualified: Company name contains")


def test_csv_round_trips_apart_from_the_protective_quote():
    leads = load_sample_leads().head(500)
    leads["company"] = leads["company"].cat.add_categories(['=HYPERLINK("http://x")'])
    leads.loc[leads.index[0], "company"] = '=HYPERLINK("http://x")'
    leads["job_title"] = leads["job_title"].cat.add_categories(["-2+3"])  # texts as read
    leads.loc[leads.index[1], "job_title"] = "-2+3"
    definition = sales_draft()
    result = evaluate(leads, definition)
    back = read_back(leads_csv(leads, result), dtype=str, keep_default_na=False,
                     na_values=[""])
    for column in leads.columns:
        original = leads[column]
        if pd.api.types.is_numeric_dtype(original) and not pd.api.types.is_bool_dtype(original):
            again = pd.to_numeric(back[column])
            assert np.allclose(again.to_numpy(dtype=float), original.to_numpy(dtype=float),
                               equal_nan=True), column
        elif pd.api.types.is_datetime64_any_dtype(original):
            assert (pd.to_datetime(back[column]) == original).all(), column
        elif pd.api.types.is_bool_dtype(original):
            assert back[column].str.casefold().map({"true": True, "false": False}).tolist() == \
                original.tolist(), column
        else:
            unquoted = back[column].where(~back[column].str.match(r"^'[=+\-@\t\r]", na=False),
                                          back[column].str[1:])
            pd.testing.assert_series_equal(unquoted.fillna("<NA>").reset_index(drop=True),
                                           original.astype("str").fillna("<NA>")
                                           .where(original.notna(), "<NA>")
                                           .reset_index(drop=True),
                                           check_names=False, check_dtype=False)
    assert back.at[0, "company"] == '\'=HYPERLINK("http://x")'
    assert back.at[1, "job_title"] == "'-2+3"


def test_csv_with_chosen_columns_and_a_previous_export():
    leads = hostile_leads().assign(lead_stage="stale")
    result = evaluate(leads, DEFINITION)
    back = read_back(leads_csv(leads, result, columns=["visits", "lead_stage"]))
    assert back.columns.tolist() == ["visits", "lead_stage", "lead_points", "lead_reasons"]
    assert "stale" not in set(back["lead_stage"])
    with pytest.raises(KeyError, match="nope"):
        leads_csv(leads, result, columns=["nope"])
    with pytest.raises(ValueError):
        leads_csv(leads.head(3), result)


def test_csv_header_cannot_be_a_formula():
    leads = pd.DataFrame({"=cmd()": ["x"], "ok": [1]})
    result = evaluate(leads, D())
    header = next(csv.reader(io.StringIO(leads_csv(leads, result).decode("utf-8-sig"))))
    assert header == ["'=cmd()", "ok", "lead_stage", "lead_points", "lead_reasons"]


def test_reason_codes_without_the_definition():
    leads = hostile_leads()
    result = evaluate(leads, D(C("employees", op="at_least", low=1),
                               C("visits", op="at_least", low=0, gate="sql"),
                               C("company", op="contains_any", values=["HYPERLINK"],
                                 role="disqualifier"),
                               actions=[Action(field="demo_requested", points=10)],
                               threshold=10))
    codes = reason_codes(result).tolist()
    # 0: disqualified, employees -2.5 misses the gate, visits -4 misses the SQL gate
    assert codes[0] == "disqualified; misses MQL must-have; misses SQL must-have"
    assert codes[5] == "misses MQL must-have"  # employees 0; visits 1 passes the SQL gate
    assert codes[1] == "too few points; misses SQL must-have"  # no demo, visits -3
    assert codes[3] == "too few points; misses SQL must-have"  # employees ok, no demo, visits -1
    assert codes[4] == "meets every rule"  # employees 3, demo, visits 0
    assert codes[6] == "meets every rule"
    back = read_back(leads_csv(leads, result))
    assert back["lead_reasons"].tolist() == codes


@pytest.mark.parametrize("draft", [facilitator_draft, marketing_draft, sales_draft])
def test_vectorised_reasons_match_the_per_row_ones(draft):
    leads = load_sample_leads()
    definition = draft()
    fast = lead_reasons(leads, definition)
    slow = reasons(leads, definition)
    assert fast.index.equals(slow.index)
    assert fast.tolist() == slow.tolist()
    assert fast.nunique() > 3


def test_vectorised_reasons_on_an_empty_table_and_missing_columns():
    leads = hostile_leads().head(0)
    assert lead_reasons(leads, DEFINITION).tolist() == []
    with pytest.raises(KeyError, match="budget"):
        lead_reasons(hostile_leads(), D(C("budget", op="at_least", low=1)))


def test_arrow_and_pandas_writers_read_back_the_same(monkeypatch):
    leads = hostile_leads().assign(
        created=pd.to_datetime(["2025-01-01 10:00", None, "2025-02-03", "2025-02-03 08:30:05",
                                "2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04",
                                "2025-03-05"], format="mixed"),
        active=[True, False] * 4 + [True],
        size=pd.Series(["Small", "Large", None] * 3, dtype="category"),
        count=pd.array([1, None, 3, 4, 5, 6, 7, 8, 9], dtype="Int64"),
    )
    result = evaluate(leads, DEFINITION)
    fast = leads_csv(leads, result, definition=DEFINITION)
    frame = read_back(fast)
    assert frame["created"].iloc[0] == "2025-01-01 10:00:00"  # whole seconds, no fractions
    assert frame["size"].tolist()[:2] == ["Small", "Large"]
    assert frame["count"].tolist()[2:4] == [3, 4]
    # the pandas fallback, used for column types Arrow refuses, reads back to the same table
    def refuse(frame):
        raise TypeError("not writable by Arrow")

    monkeypatch.setattr(lead_export, "_csv_with_arrow", refuse)
    slow = leads_csv(leads, result, definition=DEFINITION)
    assert slow.startswith(BOM) and slow != fast
    again = read_back(slow)
    again["active"] = again["active"].astype(bool)
    frame["active"] = frame["active"].astype(bool)
    pd.testing.assert_frame_equal(again, frame, check_dtype=False)
