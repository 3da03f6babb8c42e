"""The one-pager and the wall print the latest measurement on its own: they name which leads it
was taken on (a 10-day export read like nine months of leads), and when it has no win line
they say why, instead of dropping it without a word."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from workshop.export import _figure_lines
from workshop.measure import Figures, leads_measured, no_wins_sentence
from workshop.versions import MeasurementInfo

BASE = Figures(leads=95, months=1, qualified=16, sql=12, qualified_per_month=48.8,
               sql_per_month=36.6, wins=0, wins_caught=None, days=10, has_outcome=True,
               first_created="2026-11-26", last_created="2026-12-05")


def _lines(figures: Figures) -> list[str]:
    measured = MeasurementInfo(id=1, version_number=1, source="last10days.csv", sha256="",
                               at_signoff=False, figures=figures,
                               measured_at=datetime(2026, 12, 7, tzinfo=UTC))
    return _figure_lines(measured)


def test_the_leads_measured_are_named_with_their_days():
    lines = _lines(BASE)
    assert lines[0] == ("Measured on last10days.csv (95 leads created from 26 Nov 2026 to "
                        "5 Dec 2026) on 7 December 2026.")
    assert leads_measured(BASE) in lines[0]


def test_no_win_line_says_why():
    assert _lines(BASE)[-1] == "None of these leads was won yet, so there are no win figures."
    no_outcome = replace(BASE, wins=None, has_outcome=False)
    assert _lines(no_outcome)[-1] == ("These leads have no column saying whether a lead was "
                                      "won, so there are no win figures.")
    older = replace(BASE, wins=None, has_outcome=None)  # stored before it was said
    assert no_wins_sentence(older) == "" and len(_lines(older)) == 2
    won = replace(BASE, wins=4, wins_caught=0.5, win_rate_qualified=0.25, win_rate_rest=0.0,
                  lift=None)
    assert no_wins_sentence(won) == ""
    assert _lines(won)[-1].startswith("It would have caught 2 of the 4 past wins")
