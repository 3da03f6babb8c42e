"""A Salesforce leads report grouped by Lead Source, saved as a workbook: a title block, each
group's value on its first row only, a lone "Subtotal" row after each group (a leads report sums
nothing), "Grand Totals (N records)", a blank row, then the confidentiality and copyright lines.
Its footer lines became leads and stopped the groups being filled down, so a rule on the lead
source caught 2 leads of 110. Expected figures come from the rows as written, by hand."""
from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest

from workshop.definition import Criterion, Definition
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads

SOURCES = ("Web", "Trade Show", "Partner Referral", "Purchased List")
FOOTERS = {
    "blank row, then lines": ("", "Confidential Information - Do Not Distribute",
                              "Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."),
    "lines right under": ("Confidential Information - Do Not Distribute",),
    "none": (),
}


def report(footer: tuple[str, ...], count_rows: bool) -> tuple[bytes, list[dict]]:
    """The workbook, and its leads as a person reads them (each with its group's source)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Leads with converted lead information"])
    sheet.append(["Filtered By:", "Create Date equals LAST 365 DAYS"])
    sheet.append([])
    sheet.append(["Lead Source", "Company", "Employees", "Lead Status", "Create Date"])
    leads = []
    for g, source in enumerate(SOURCES):
        size = 3 + 2 * g
        for k in range(size):
            lead = {"source": source, "employees": 10 * (len(leads) + 1),
                    "status": "Closed - Converted" if len(leads) % 3 == 0
                    else "Open - Not Contacted"}
            leads.append(lead)
            sheet.append([source if k == 0 else None, f"Co{len(leads)}", lead["employees"],
                          lead["status"], date(2025, 1, 6) + timedelta(days=5 * len(leads))])
        sheet.append(["Subtotal", None, None, None, None])
        if count_rows:
            sheet.append([None, f"Count: {size}"])
    sheet.append([f"Grand Totals ({len(leads)} records)"])
    for line in footer:
        sheet.append([line] if line else [])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), leads


@pytest.mark.parametrize("footer", list(FOOTERS))
@pytest.mark.parametrize("count_rows", [True, False])
def test_the_leads_are_the_reports_rows_with_their_group_filled_down(footer, count_rows):
    data, leads = report(FOOTERS[footer], count_rows)
    imported = import_leads(data, "leads.xlsx")
    assert len(imported.leads) == len(leads)
    assert list(imported.leads["lead_source"].astype(str)) == [lead["source"] for lead in leads]
    wanted = {"Trade Show", "Partner Referral"}
    definition = Definition(criteria=[Criterion(field="lead_source", op="in",
                                                values=sorted(wanted))])
    qualified = evaluate(imported.leads, definition).stage != "Not qualified"
    assert int(qualified.sum()) == sum(lead["source"] in wanted for lead in leads)
    assert list(imported.leads["employees"]) == [lead["employees"] for lead in leads]
