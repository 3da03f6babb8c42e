"""monday.com's board export writes each item's subitems (a deal's tasks) under it: a
"Subitems | Name | Owner | Status | Date" row, then the tasks with their first cell blank. They
are no leads: the board's deals are, and every figure counts them alone (plain pandas over the
deals written)."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pandas as pd
from openpyxl import Workbook

from workshop.pipeline import import_leads

HEADER = ["Name", "Stage", "Owner", "Deal Value", "Industry", "Source", "Deal creation date"]
SUBITEMS = ["Subitems", "Name", "Owner", "Status", "Date"]


def board(seed: int = 6, subitem_word: str = "Subitems") -> tuple[bytes, pd.DataFrame]:
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.title = "Deals"
    sheet.append(["Deals"])
    sheet.append([])
    deals = []
    for group, stages, count in (("Active deals", ["New", "Proposal"], 120),
                                 ("Closed Won", ["Won"], 60), ("Closed Lost", ["Lost"], 90)):
        sheet.append([group])
        sheet.append(HEADER)
        for _ in range(count):
            created = date(2024, 1, 2) + timedelta(days=rng.randint(0, 300))
            row = [f"Deal {len(deals)}", rng.choice(stages), rng.choice(["Ana", "Ben"]),
                   rng.randint(2, 90) * 500, rng.choice(["Software", "Retail", "Healthcare"]),
                   rng.choice(["Website", "Referral", "Cold outreach"]), created]
            sheet.append(row)
            deals.append(row)
            if rng.random() < 0.35:
                sheet.append([subitem_word, *SUBITEMS[1:]])
                for task in range(rng.randint(1, 3)):
                    sheet.append([None, rng.choice(["Discovery call", "Send proposal"]),
                                  rng.choice(["Ana", "Ben"]), rng.choice(["Done", "Stuck"]),
                                  created + timedelta(days=3 * task)])
        sheet.append([])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), pd.DataFrame(deals, columns=HEADER)


def test_subitems_are_not_leads_and_the_deals_are_counted_alone():
    data, deals = board()
    result = import_leads(data, "monday.xlsx")
    assert len(result.leads) == len(deals)
    assert result.raw["Name"].tolist() == deals["Name"].tolist()
    assert result.mapping.outcome_column == "Stage"
    assert sorted(result.mapping.open_values) == ["New", "Proposal"]
    outcome = result.leads["outcome"].astype("string")
    assert int(outcome.eq("won").sum()) == int(deals["Stage"].eq("Won").sum())
    assert result.leads["created"].notna().all()


def test_a_board_in_german_drops_its_unterelemente_too():
    data, deals = board(seed=7, subitem_word="Unterelemente")
    assert len(import_leads(data, "monday.xlsx").leads) == len(deals)

