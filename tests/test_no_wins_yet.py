"""A fresh export whose deals have not closed yet: lost and open deals, no win. Its win rates are
0% by arithmetic, which a leadership team would read as "conversion collapsed" beside the
version's rates when it was signed. The versions page says why there is nothing to compare, and
the scorecards on newer leads that won nothing show no win rate at all. The expected counts are
read from the files here with plain pandas."""
from __future__ import annotations

import random

import pandas as pd

from tests.test_real_exports_pages import (
    both_teams_sign,
    open_page,
    revealed_workshop,
    texts,
)
from workshop import store
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.importer import read_export
from workshop.learn import split
from workshop.mapping import headers_signature, repeating_columns
from workshop.measure import FEW_OUTCOMES, Figures, win_caveats
from workshop.pipeline import import_leads, map_with_saved
from workshop.scorecard import scorecards
from workshop.ui.won_deals import scorecard_rows
from workshop.uploads import save_upload

SOFTWARE = Definition.from_dict({"criteria": [
    {"field": "industry", "op": "in", "values": ["Software"], "role": "must"}]})


def export(rows: int, seed: int, stages: list[str], start: str) -> str:
    """A UK Close-style export: day-first created dates over five months from `start`."""
    rng = random.Random(seed)
    first = pd.Timestamp(start)
    lines = ["Email,Industry,Created,Status"]
    for i in range(rows):
        created = first + pd.Timedelta(days=rng.randrange(150), minutes=rng.randrange(1440))
        lines.append(f"l{seed}-{i}@firm{i % 97}.co.uk,{rng.choice(['Software', 'Retail'])},"
                     f"{created:%d/%m/%Y %H:%M},{rng.choice(stages)}")
    return "\n".join(lines) + "\n"


def test_the_versions_page_says_a_fresh_export_without_wins_cannot_compare(database, tmp_path):
    first = tmp_path / "leads-2025.csv"
    first.write_text(export(400, 1, ["Closed Won", "Closed Lost", "Closed Lost", "Open"],
                            "2025-01-01"), "utf-8")
    fresh = tmp_path / "leads-2026.csv"
    fresh.write_text(export(300, 2, ["Closed Lost", "Open", "Open"], "2026-01-01"), "utf-8")
    stages = pd.read_csv(fresh)["Status"]
    assert (stages == "Closed Won").sum() == 0 and (stages == "Closed Lost").sum() > 50

    params = revealed_workshop(database, SOFTWARE, first)
    at = open_page(params, "views/compare.py")
    at.button(key="agree:propose").click().run()
    signed = both_teams_sign(database, params)
    assert signed.figures.wins == (pd.read_csv(first)["Status"] == "Closed Won").sum() > 0

    with make_session(database) as s:  # as the evidence page stores a fresh export
        raw, export_format = read_export(fresh.read_bytes(), fresh.name,
                                         repeated=repeating_columns)
        signature = headers_signature(list(raw.columns))
        known = store.saved_mapping(s, params["ws"], params["key"], signature)
        assert known is not None  # the same headers: the mapping used last time
        result = map_with_saved(raw, export_format, known)
        assert (result.leads["outcome"] == "won").sum() == 0
        store.record_upload(s, params["ws"], params["key"], sha256=save_upload(
            fresh.read_bytes()), filename=fresh.name, rows=len(result.leads),
            headers_signature=signature, mapping_json=result.mapping.to_json())
    page = texts(open_page(params, "views/history.py"))

    assert ("No lead was won among the leads measured now, so their win rates are 0% by "
            "arithmetic and say nothing about the definition until deals are won.") in page
    assert "measured when agreed" not in page


def test_caveats_name_each_time_for_what_it_lacks():
    def figures(wins: int | None, reliable: bool) -> Figures:
        return Figures(leads=100, months=3, qualified=20, sql=5, qualified_per_month=6.7,
                       sql_per_month=1.7, wins=wins, reliable=reliable)

    assert win_caveats({"when agreed": figures(40, True), "now": figures(40, True)}) == []
    assert win_caveats({"when agreed": figures(3, False), "now": figures(2, False)}) == [
        f"The win figures when agreed and now are {FEW_OUTCOMES}."]
    caveats = win_caveats({"when agreed": figures(3, False), "now": figures(0, False)})
    assert caveats[0] == f"The win figures when agreed are {FEW_OUTCOMES}."
    assert caveats[1].startswith("No lead was won among the leads measured now")
    assert win_caveats({"when agreed": None, "now": figures(None, False)}) == []


def test_scorecards_on_newer_leads_that_won_nothing_show_no_win_rate():
    """Older leads won; the newer months (the ones held back) have only lost and open deals."""
    text = (export(600, 3, ["Closed Won", "Closed Lost", "Open"], "2025-01-01")
            + export(400, 4, ["Closed Lost", "Open"], "2025-06-01").split("\n", 1)[1])
    leads = import_leads(text.encode(), "close.csv").leads
    held = split(leads).held
    assert (leads["outcome"][held] == "won").sum() == 0
    assert (leads["outcome"][held] == "lost").sum() > 0

    cards = scorecards(leads, {"Marketing": SOFTWARE})
    rows = scorecard_rows(cards)

    assert cards["Marketing"].figures.wins == 0
    row = rows.iloc[0]
    assert row["Win rate of MQLs"] is None and row["95% interval"] is None
    assert row["Wins caught"] is None
    mql = int((leads["industry"][held] == "Software").sum())
    assert row["MQLs (wins among them)"] == f"{mql:,} (0)"


def test_the_evidence_page_claims_no_change_where_no_held_back_lead_was_won(database,
                                                                           tmp_path):
    """"No single change would have caught 2 or more extra wins" was listed for every draft
    on newer leads that won nothing: empty, not a finding."""
    text = (export(600, 3, ["Closed Won", "Closed Lost", "Open"], "2025-01-01")
            + export(400, 4, ["Closed Lost", "Open"], "2025-06-01").split("\n", 1)[1])
    path = tmp_path / "close.csv"
    path.write_text(text)
    params = revealed_workshop(database, SOFTWARE, path)
    said = texts(open_page(params, "views/evidence.py"))
    assert "No lead held back was won (yet)" in said
    assert "no single change would have caught" not in said
