"""Headline figures of definitions on a leads table: what each draft would do to real leads."""
from __future__ import annotations

import pandas as pd

from workshop.definition import Definition
from workshop.evaluate import evaluate, missing_columns


def headline(leads: pd.DataFrame, definition: Definition) -> dict[str, float | int | None]:
    """MQL and SQL counts and shares, and the share of past wins the definition would catch."""
    missing = missing_columns(leads, definition)
    if missing:
        raise KeyError(f"The leads have no column for: {', '.join(missing)}")
    result = evaluate(leads, definition)
    figures: dict[str, float | int | None] = dict(result.summary())
    won = leads["outcome"].eq("won").fillna(False).astype(bool) if "outcome" in leads else None
    if won is not None and won.any():
        figures["wins"] = int(won.sum())
        figures["wins_caught"] = float((won & result.frame["is_mql"]).sum() / won.sum())
        qualified = result.frame["is_mql"]
        figures["mql_win_rate"] = (float((won & qualified).sum() / qualified.sum())
                                   if qualified.any() else None)
    else:
        figures["wins"] = figures["wins_caught"] = figures["mql_win_rate"] = None
    return figures


def headline_table(leads: pd.DataFrame, definitions: dict[str, Definition]) -> pd.DataFrame:
    """One row per definition, ready to show."""
    rows = []
    for name, definition in definitions.items():
        figures = headline(leads, definition)
        rows.append({
            "Definition": name,
            "MQL": figures["mql"],
            "MQL share": figures["mql_share"],
            "SQL": figures["sql"],
            "SQL share": figures["sql_share"],
            "Wins caught": figures["wins_caught"],
            "Win rate of MQLs": figures["mql_win_rate"],
        })
    return pd.DataFrame(rows)
